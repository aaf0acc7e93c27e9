"""Prediction sets with guaranteed coverage: split-conformal classification.

A thin layer over crepes' :class:`crepes.ConformalClassifier`, which works
on precomputed non-conformity scores: the shipped model is already fitted,
and what calibrates it (the scores of labelled measured patterns) is stored
as plain numbers in the model's JSON metadata, so no estimator needs to be
wrapped or pickled. Non-smoothed p-values are used: deterministic (crepes'
smoothing draws from NumPy's global generator) and conservative.
"""

import numpy as np


def hinge_scores(proba, classes, y=None):
    """Non-conformity ``1 - p``: of the true class, or of every class.

    Parameters
    ----------
    proba : array-like of shape (n_samples, n_classes)
    classes : array-like of shape (n_classes,)
    y : array-like of shape (n_samples,), default=None
        True labels; ``None`` gives the scores of every class. A label
        that is not among ``classes`` (the model cannot predict it) has
        probability 0, so score 1.

    Returns
    -------
    scores : ndarray of shape (n_samples,) or (n_samples, n_classes)

    Examples
    --------
    >>> hinge_scores([[0.7, 0.3]], ["a", "b"], ["b"]).round(2).tolist()
    [0.7]
    """
    proba = np.asarray(proba, dtype=float)
    if y is None:
        return 1.0 - proba
    index = {c: j for j, c in enumerate(np.asarray(classes).tolist())}
    p_true = [
        proba[i, index[v]] if v in index else 0.0
        for i, v in enumerate(np.asarray(y).tolist())
    ]
    return 1.0 - np.asarray(p_true, dtype=float)


class ConformalSets:
    """Smallest class sets that hold the truth with a stated probability.

    Split-conformal prediction: on calibration patterns with known labels,
    the non-conformity of the true class (``1 - p``) is recorded; a new
    pattern's set holds every class whose non-conformity is not larger than
    all but a ``1 - coverage`` share of the recorded ones. If calibration and
    new patterns are exchangeable (drawn the same way from the same
    collection), the set holds the true class with probability at least
    ``coverage``, whatever the model. With ``bins``, the guarantee holds
    within each bin of the true class (Mondrian conformal prediction):
    class-conditional when each class is its own bin, so rare classes get
    their coverage too, at the price of larger sets.

    Parameters
    ----------
    bins : callable, "class" or None, default="class"
        Bin of a label: ``"class"`` makes each class its own bin, a callable
        maps an array of labels to their bins (for example space groups to
        their crystal systems), ``None`` gives one bin (marginal coverage).

    Attributes
    ----------
    scores_ : ndarray of shape (n_calibration,)
        Non-conformity of the true class of each calibration pattern.
    labels_ : ndarray of shape (n_calibration,)
        Their true labels.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 200)
    >>> proba = np.where(y[:, None] == [0, 1], 0.8, 0.2)
    >>> sets = ConformalSets().fit(proba, [0, 1], y)
    >>> sets.predict_set([[0.8, 0.2]], [0, 1], coverage=0.9).tolist()
    [[True, False]]
    """

    def __init__(self, bins="class"):
        self.bins = bins

    def _bins(self, labels):
        labels = np.asarray(labels)
        if self.bins is None:
            return np.zeros(len(labels), dtype=int)
        if isinstance(self.bins, str) and self.bins == "class":
            return labels.astype(str)
        return np.asarray(self.bins(labels)).astype(str)

    def fit(self, proba, classes, y):
        """Record the calibration patterns' non-conformity scores.

        Parameters
        ----------
        proba : array-like of shape (n_samples, n_classes)
            The model's probabilities for labelled calibration patterns.
        classes : array-like of shape (n_classes,)
            Their column labels.
        y : array-like of shape (n_samples,)
            True labels (each one of ``classes``).

        Returns
        -------
        self : ConformalSets
        """
        return self.fit_scores(hinge_scores(proba, classes, y), y)

    def fit_scores(self, scores, y):
        """Record non-conformity scores computed elsewhere (stored metadata).

        Parameters
        ----------
        scores : array-like of shape (n_samples,)
            Non-conformity of the true class, ``1 - p``.
        y : array-like of shape (n_samples,)
            True labels.

        Returns
        -------
        self : ConformalSets
        """
        scores = np.asarray(scores, dtype=float)
        y = np.asarray(y)
        if scores.ndim != 1 or scores.shape != y.shape or not len(y):
            raise ValueError(
                f"scores and y must be 1-D of one non-zero length, got "
                f"{scores.shape} and {y.shape}"
            )
        if not np.all(np.isfinite(scores)):
            raise ValueError("calibration scores must be finite")
        self.scores_, self.labels_ = scores, y
        return self

    def predict_set(self, proba, classes, coverage=0.9):
        """Which classes each pattern's prediction set holds.

        Parameters
        ----------
        proba : array-like of shape (n_samples, n_classes)
        classes : array-like of shape (n_classes,)
        coverage : float, default=0.9
            Probability, in (0, 1), that the set holds the true class.

        Returns
        -------
        in_set : ndarray of bool of shape (n_samples, n_classes)
            A class whose bin had no calibration pattern is always in the
            set (nothing calibrates it).
        """
        from crepes import ConformalClassifier

        if not 0 < coverage < 1:
            raise ValueError(f"coverage must lie in (0, 1), got {coverage!r}")
        proba = np.atleast_2d(np.asarray(proba, dtype=float))
        classes = np.asarray(classes)
        if proba.shape[1] != len(classes):
            raise ValueError(
                f"proba has {proba.shape[1]} columns for {len(classes)} classes"
            )
        alphas = hinge_scores(proba, classes)
        cal_bins = self._bins(self.labels_)
        class_bins = self._bins(classes)
        conformal = ConformalClassifier().fit(self.scores_, bins=cal_bins)
        in_set = np.ones(proba.shape, dtype=bool)
        calibrated = set(cal_bins)
        for j, b in enumerate(class_bins):
            if b not in calibrated:
                continue
            sets = conformal.predict_set(
                alphas[:, [j]],  # this class's column: its bin's calibration
                bins=np.full(len(proba), b),
                confidence=coverage,
                smoothing=False,
            )
            in_set[:, j] = sets[:, 0].astype(bool)
        return in_set
