"""Class frequencies that differ from training: Bayes' rule and their EM estimate.

A classifier trained on balanced classes predicts ``p(class | pattern)`` for a
world where every crystal system is equally common. Real collections are not
(about a third of minerals are monoclinic, few are triclinic). When the class
frequencies change but what a pattern of each class looks like does not
("label shift"), Bayes' rule gives the new probabilities: multiply by the new
frequency over the training one and normalise. The new frequencies can be
stated, or estimated from the unlabelled patterns of a batch with the EM
algorithm of Saerens, Latinne and Decaestecker (2002), which alternates
between adjusting the probabilities and averaging them.
"""

from numbers import Integral, Real

import numpy as np


def _check_proba(proba):
    proba = np.asarray(proba, dtype=np.float64)
    if proba.ndim != 2 or proba.shape[0] == 0 or proba.shape[1] < 2:
        raise ValueError(
            "proba must be a 2-D array with at least one row and two classes, "
            f"got shape {proba.shape}"
        )
    if not np.all(np.isfinite(proba)) or np.any(proba < 0):
        raise ValueError("proba must hold finite, non-negative probabilities")
    sums = proba.sum(axis=1)
    if not np.allclose(sums, 1.0, atol=1e-4):
        bad = int(np.argmax(np.abs(sums - 1.0)))
        raise ValueError(
            f"each row of proba must sum to 1; row {bad} sums to {sums[bad]:.6g}"
        )
    return proba


def _check_prior(prior, n_classes, name, positive=False):
    """``prior`` normalised; ``None`` is uniform. ``positive``: no zero allowed."""
    if prior is None:
        return np.full(n_classes, 1.0 / n_classes)
    prior = np.asarray(prior, dtype=np.float64)
    if prior.shape != (n_classes,):
        raise ValueError(
            f"{name} must have one entry per class ({n_classes}), "
            f"got shape {prior.shape}"
        )
    if not np.all(np.isfinite(prior)) or np.any(prior < 0) or prior.sum() <= 0:
        raise ValueError(f"{name} must be finite, non-negative and not all zero")
    if positive and np.any(prior == 0):
        raise ValueError(f"{name} must be positive for every class")
    return prior / prior.sum()


def adjust_to_prior(proba, prior, *, training_prior=None):
    """Probabilities under other class frequencies (Bayes' rule).

    Parameters
    ----------
    proba : array-like of shape (n_samples, n_classes)
        Predicted probabilities of a classifier, rows summing to 1.
    prior : array-like of shape (n_classes,)
        Class frequencies of the data the patterns come from, in the order of
        the classifier's ``classes_``; normalised to sum to 1. A zero rules a
        class out.
    training_prior : array-like of shape (n_classes,), default=None
        Class frequencies the classifier was trained on; ``None`` means equal
        (balanced training, as for the models of this package).

    Returns
    -------
    adjusted : ndarray of shape (n_samples, n_classes)
        ``proba * prior / training_prior``, each row normalised. A row whose
        classes all get zero weight is returned as ``prior``.

    Examples
    --------
    >>> adjust_to_prior([[0.5, 0.5], [0.8, 0.2]], [0.75, 0.25]).round(3).tolist()
    [[0.75, 0.25], [0.923, 0.077]]
    """
    proba = _check_proba(proba)
    prior = _check_prior(prior, proba.shape[1], "prior")
    training_prior = _check_prior(
        training_prior, proba.shape[1], "training_prior", positive=True
    )
    adjusted = proba * (prior / training_prior)
    sums = adjusted.sum(axis=1, keepdims=True)
    return np.where(sums > 0, adjusted / np.where(sums > 0, sums, 1.0), prior)


def estimate_prior(proba, *, training_prior=None, max_iter=1000, tol=1e-8):
    """Class frequencies of an unlabelled batch, by EM (Saerens et al., 2002).

    Starting from the training frequencies, each round adjusts every row of
    ``proba`` to the current estimate (:func:`adjust_to_prior`) and takes the
    mean adjusted probability of each class as the next estimate. This is the
    maximum-likelihood estimate of the batch's frequencies when only they
    changed since training. It needs a batch large enough to hold several
    patterns of each common class (hundreds, not a handful), and its result
    is only as good as the calibration of ``proba``.

    Parameters
    ----------
    proba : array-like of shape (n_samples, n_classes)
        Calibrated probabilities of the batch, rows summing to 1.
    training_prior : array-like of shape (n_classes,), default=None
        Class frequencies of the training data; ``None`` means equal.
    max_iter : int, default=1000
        Largest number of rounds.
    tol : float, default=1e-8
        Stop when no frequency moves by more than this in a round.

    Returns
    -------
    prior : ndarray of shape (n_classes,)
        Estimated class frequencies of the batch, summing to 1.
    adjusted : ndarray of shape (n_samples, n_classes)
        ``proba`` adjusted to ``prior``.
    n_iter : int
        Rounds run.

    References
    ----------
    .. [1] M. Saerens, P. Latinne and C. Decaestecker, "Adjusting the Outputs
       of a Classifier to New a Priori Probabilities: A Simple Procedure",
       Neural Computation 14, 21-41 (2002).

    Examples
    --------
    >>> proba = [[0.9, 0.1]] * 6 + [[0.2, 0.8]] * 2
    >>> prior, adjusted, n_iter = estimate_prior(proba)
    >>> bool(prior[0] > 0.75), bool(adjusted[0, 0] > 0.9)
    (True, True)
    """
    proba = _check_proba(proba)
    training_prior = _check_prior(
        training_prior, proba.shape[1], "training_prior", positive=True
    )
    if not isinstance(max_iter, Integral) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive int, got {max_iter!r}")
    if not isinstance(tol, Real) or not tol > 0:
        raise ValueError(f"tol must be a positive number, got {tol!r}")
    prior, n_iter, moved = training_prior, 0, np.inf
    while n_iter < max_iter and moved > tol:
        adjusted = adjust_to_prior(proba, prior, training_prior=training_prior)
        new = adjusted.mean(axis=0)
        moved = np.max(np.abs(new - prior))
        prior, n_iter = new, n_iter + 1
    adjusted = adjust_to_prior(proba, prior, training_prior=training_prior)
    return prior, adjusted, n_iter
