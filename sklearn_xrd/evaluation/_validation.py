"""Input checks shared by the metrics and displays: labels, probabilities, certainty."""

import numpy as np
from sklearn.utils import check_consistent_length, column_or_1d


def check_proba(y_true, y_proba, classes=None):
    """Validate labels and a probability matrix whose columns follow ``classes``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_proba : array-like of shape (n_samples, n_classes)
        Predicted probabilities; each row must sum to 1.
    classes : array-like of shape (n_classes,), default=None
        The label of each column of ``y_proba`` (an estimator's ``classes_``).
        ``None`` means the sorted unique labels of ``y_true``, which then must
        count exactly ``n_classes``.

    Returns
    -------
    y_true : ndarray of shape (n_samples,)
    y_proba : ndarray of shape (n_samples, n_classes), dtype float64
    classes : ndarray of shape (n_classes,)

    Examples
    --------
    >>> check_proba(["a", "b"], [[0.9, 0.1], [0.2, 0.8]])[2]
    array(['a', 'b'], dtype='<U1')
    >>> check_proba(["a", "b"], [[0.9, 0.2], [0.2, 0.8]])
    Traceback (most recent call last):
    ...
    ValueError: y_proba rows must sum to 1; row 0 sums to 1.1
    """
    y_true = column_or_1d(y_true)
    y_proba = np.asarray(y_proba, dtype=np.float64)
    if y_proba.ndim != 2:
        raise ValueError(
            "y_proba must be 2-D of shape (n_samples, n_classes); "
            f"got an array of shape {y_proba.shape}"
        )
    check_consistent_length(y_true, y_proba)
    if y_true.shape[0] == 0:
        raise ValueError("y_true is empty; at least one sample is required")
    if not np.all(np.isfinite(y_proba)):
        raise ValueError("y_proba contains NaN or infinity")
    if y_proba.min() < 0 or y_proba.max() > 1:
        raise ValueError("y_proba must lie in [0, 1]")
    sums = y_proba.sum(axis=1)
    bad = np.flatnonzero(~np.isclose(sums, 1.0, rtol=0, atol=1e-4))
    if bad.size:
        raise ValueError(
            f"y_proba rows must sum to 1; row {bad[0]} sums to {sums[bad[0]]:.6g}"
        )
    classes = np.unique(y_true) if classes is None else column_or_1d(classes)
    if classes.shape[0] != y_proba.shape[1]:
        raise ValueError(
            f"y_proba has {y_proba.shape[1]} columns but there are "
            f"{classes.shape[0]} classes {classes.tolist()}; pass `classes` "
            "(the estimator's classes_) to name the columns"
        )
    check_labels_known(y_true, classes)
    return y_true, y_proba, classes


def check_labels_known(y, classes, what="y_true"):
    """Raise ``ValueError`` when ``y`` holds a label that is not in ``classes``.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
    classes : ndarray of shape (n_classes,)
    what : str, default="y_true"
        How to call ``y`` in the message.

    Examples
    --------
    >>> check_labels_known(np.array(["a", "c"]), np.array(["a", "b"]))
    Traceback (most recent call last):
    ...
    ValueError: y_true holds label(s) ['c'] that are not among the classes ['a', 'b']
    """
    unknown = np.setdiff1d(np.unique(y), classes)
    if unknown.size:
        raise ValueError(
            f"{what} holds label(s) {unknown.tolist()} that are not among the "
            f"classes {np.asarray(classes).tolist()}"
        )


def certainty_and_correct(y_true, y_proba, classes=None):
    """Certainty (top-class probability) and correctness of each prediction.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_proba : array-like of shape (n_samples, n_classes)
        Predicted probabilities.
    classes : array-like of shape (n_classes,), default=None
        Labels of the columns of ``y_proba``; see :func:`check_proba`.

    Returns
    -------
    certainty : ndarray of shape (n_samples,)
        ``y_proba.max(axis=1)``.
    correct : ndarray of shape (n_samples,), dtype bool
        Whether the arg-max class equals ``y_true``.

    Examples
    --------
    >>> certainty_and_correct([0, 1], [[0.7, 0.3], [0.6, 0.4]])
    (array([0.7, 0.6]), array([ True, False]))
    """
    y_true, y_proba, classes = check_proba(y_true, y_proba, classes)
    y_pred = classes[np.argmax(y_proba, axis=1)]
    return y_proba.max(axis=1), y_pred == y_true


def check_certainty(y_true, y_pred, certainty):
    """Validate labels, predictions and certainties given separately.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
    y_pred : array-like of shape (n_samples,)
    certainty : array-like of shape (n_samples,)
        Values in [0, 1].

    Returns
    -------
    certainty : ndarray of shape (n_samples,)
    correct : ndarray of shape (n_samples,), dtype bool

    Examples
    --------
    >>> check_certainty(["a", "b"], ["a", "a"], [0.9, 0.5])
    (array([0.9, 0.5]), array([ True, False]))
    """
    y_true = column_or_1d(y_true)
    y_pred = column_or_1d(y_pred)
    certainty = column_or_1d(certainty).astype(np.float64)
    check_consistent_length(y_true, y_pred, certainty)
    if y_true.shape[0] == 0:
        raise ValueError("y_true is empty; at least one sample is required")
    if not np.all(np.isfinite(certainty)):
        raise ValueError("certainty contains NaN or infinity")
    if certainty.min() < 0 or certainty.max() > 1:
        raise ValueError("certainty must lie in [0, 1]")
    return certainty, y_pred == y_true


def resolve_certainty(y_true, y_proba, classes, y_pred, certainty):
    """Certainty and correctness from ``y_proba`` or from ``(y_pred, certainty)``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
    y_proba : array-like of shape (n_samples, n_classes) or None
    classes : array-like of shape (n_classes,) or None
    y_pred : array-like of shape (n_samples,) or None
    certainty : array-like of shape (n_samples,) or None

    Returns
    -------
    certainty : ndarray of shape (n_samples,)
    correct : ndarray of shape (n_samples,), dtype bool
    """
    if y_proba is not None:
        if y_pred is not None or certainty is not None:
            raise ValueError("pass either y_proba or (y_pred, certainty), not both")
        return certainty_and_correct(y_true, y_proba, classes)
    if y_pred is None or certainty is None:
        raise ValueError("pass y_proba, or both y_pred and certainty")
    return check_certainty(y_true, y_pred, certainty)


def get_proba(estimator, X):
    """``estimator.predict_proba(X)`` and the labels of its columns.

    Parameters
    ----------
    estimator : fitted classifier or pipeline ending in one
    X : array-like
        Input accepted by ``estimator``.

    Returns
    -------
    y_proba : ndarray of shape (n_samples, n_classes)
    classes : ndarray of shape (n_classes,)
    """
    if not hasattr(estimator, "predict_proba"):
        raise ValueError(
            f"{type(estimator).__name__} has no predict_proba; a probabilistic "
            "classifier is required"
        )
    y_proba = estimator.predict_proba(X)
    return y_proba, np.asarray(estimator.classes_)


def estimator_name(estimator):
    """The class name of ``estimator``, or of a pipeline's last step.

    Parameters
    ----------
    estimator : estimator instance

    Returns
    -------
    name : str
    """
    steps = getattr(estimator, "steps", None)
    if steps:
        estimator = steps[-1][1]
    return type(estimator).__name__
