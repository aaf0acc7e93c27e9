"""Accuracy against a certainty threshold, with coverage (a risk-coverage curve)."""

import math
from numbers import Real

import numpy as np

from ._layout import wrap_label
from ._validation import (
    certainty_and_correct,
    estimator_name,
    get_proba,
    resolve_certainty,
)


def _curve(certainty, correct):
    """Thresholds (ascending, from 0), accuracy and coverage of kept predictions."""
    n = certainty.size
    order = np.argsort(certainty, kind="stable")
    sorted_certainty = certainty[order]
    # correct predictions at or above each sorted position
    correct_above = np.cumsum(correct[order][::-1])[::-1]
    thresholds = np.unique(sorted_certainty)
    first = np.searchsorted(sorted_certainty, thresholds, side="left")
    kept = n - first
    accuracy = correct_above[first] / kept
    coverage = kept / n
    if thresholds[0] > 0:
        thresholds = np.r_[0.0, thresholds]
        accuracy = np.r_[accuracy[0], accuracy]
        coverage = np.r_[1.0, coverage]
    return thresholds, accuracy, coverage


def accuracy_coverage_curve(y_true, y_proba, classes=None):
    """Accuracy and coverage of the predictions kept at each certainty threshold.

    A prediction is kept when its certainty (top-class probability) is at least
    the threshold; coverage is the fraction kept and accuracy is measured on
    those alone.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_proba : array-like of shape (n_samples, n_classes)
        Predicted probabilities.
    classes : array-like of shape (n_classes,), default=None
        Labels of the columns of ``y_proba``; the sorted labels of ``y_true``
        when ``None``.

    Returns
    -------
    thresholds : ndarray of shape (n_thresholds,)
        Increasing thresholds: 0, then every distinct certainty.
    accuracy : ndarray of shape (n_thresholds,)
        Accuracy of the kept predictions.
    coverage : ndarray of shape (n_thresholds,)
        Fraction of predictions kept; 1 at threshold 0.

    Examples
    --------
    >>> t, acc, cov = accuracy_coverage_curve(
    ...     [0, 1, 1], [[0.9, 0.1], [0.6, 0.4], [0.2, 0.8]])
    >>> t
    array([0. , 0.6, 0.8, 0.9])
    >>> acc
    array([0.667, 0.667, 1. , 1. ])
    >>> cov
    array([1. , 1. , 0.667, 0.333])
    """
    certainty, correct = certainty_and_correct(y_true, y_proba, classes)
    return _curve(certainty, correct)


def certainty_threshold_for_accuracy(
    y_true, y_proba, classes=None, target_accuracy=0.95
):
    """Smallest certainty threshold whose kept predictions reach an accuracy.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_proba : array-like of shape (n_samples, n_classes)
        Predicted probabilities.
    classes : array-like of shape (n_classes,), default=None
        Labels of the columns of ``y_proba``; the sorted labels of ``y_true``
        when ``None``.
    target_accuracy : float, default=0.95
        Accuracy in (0, 1] the kept predictions must reach.

    Returns
    -------
    threshold : float
        The smallest threshold among :func:`accuracy_coverage_curve`'s at which
        the kept predictions are at least ``target_accuracy`` accurate;
        ``inf`` when even the most certain predictions fall short.
    coverage : float
        Fraction of predictions kept at ``threshold`` (0 when ``inf``).

    Notes
    -----
    Accuracy need not grow with the threshold, so a larger threshold can fall
    below the target again; pick the threshold on validation data and check it
    on held-out data.

    Examples
    --------
    >>> certainty_threshold_for_accuracy(
    ...     [0, 1, 1], [[0.9, 0.1], [0.6, 0.4], [0.2, 0.8]], target_accuracy=0.9)
    (0.8, 0.666...)
    """
    if not isinstance(target_accuracy, Real) or not 0 < target_accuracy <= 1:
        raise ValueError(f"target_accuracy must be in (0, 1]; got {target_accuracy}")
    thresholds, accuracy, coverage = accuracy_coverage_curve(y_true, y_proba, classes)
    # tolerate rounding in the division, e.g. 0.95 from 19 / 20
    reached = np.flatnonzero(accuracy >= target_accuracy - 1e-12)
    if reached.size == 0:
        return math.inf, 0.0
    return float(thresholds[reached[0]]), float(coverage[reached[0]])


def accuracy_at_coverage(y_true, y_proba, classes=None, coverage=0.5):
    """Accuracy of the most certain fraction ``coverage`` of the predictions.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_proba : array-like of shape (n_samples, n_classes)
        Predicted probabilities.
    classes : array-like of shape (n_classes,), default=None
        Labels of the columns of ``y_proba``; the sorted labels of ``y_true``
        when ``None``.
    coverage : float, default=0.5
        Fraction in (0, 1] of predictions to keep; ``ceil(coverage * n_samples)``
        of them, the most certain first (ties kept in input order).

    Returns
    -------
    accuracy : float
        Accuracy of the kept predictions.

    Examples
    --------
    >>> accuracy_at_coverage(
    ...     [0, 1, 1, 0], [[0.9, 0.1], [0.6, 0.4], [0.2, 0.8], [0.45, 0.55]])
    1.0
    """
    if not isinstance(coverage, Real) or not 0 < coverage <= 1:
        raise ValueError(f"coverage must be in (0, 1]; got {coverage}")
    certainty, correct = certainty_and_correct(y_true, y_proba, classes)
    n_kept = max(1, math.ceil(coverage * certainty.size - 1e-9))
    order = np.argsort(-certainty, kind="stable")
    return float(correct[order[:n_kept]].mean())


class CertaintyCoverageDisplay:
    """Accuracy and coverage against a certainty threshold (risk-coverage curve).

    Rejecting predictions below a certainty threshold trades coverage for
    accuracy; this display draws both against the threshold. Build it with
    :meth:`from_estimator` or :meth:`from_predictions`.

    Parameters
    ----------
    thresholds : ndarray of shape (n_thresholds,)
        Increasing certainty thresholds.
    accuracy : ndarray of shape (n_thresholds,)
        Accuracy of the predictions kept at each threshold.
    coverage : ndarray of shape (n_thresholds,)
        Fraction of predictions kept at each threshold.
    estimator_name : str, default=None
        Name used in the legend.

    Attributes
    ----------
    line_accuracy_ : matplotlib Line2D
        Accuracy curve.
    line_coverage_ : matplotlib Line2D
        Coverage curve.
    ax_ : matplotlib Axes
        Axes with the curves.
    figure_ : matplotlib Figure
        Figure containing the curves.

    See Also
    --------
    accuracy_coverage_curve : The numbers behind the display.
    certainty_threshold_for_accuracy : Threshold reaching a target accuracy.

    Examples
    --------
    >>> disp = CertaintyCoverageDisplay.from_predictions(
    ...     [0, 1, 1], [[0.9, 0.1], [0.6, 0.4], [0.2, 0.8]], plot=False)
    >>> disp.coverage
    array([1. , 1. , 0.667, 0.333])
    """

    def __init__(self, thresholds, accuracy, coverage, *, estimator_name=None):
        self.thresholds = thresholds
        self.accuracy = accuracy
        self.coverage = coverage
        self.estimator_name = estimator_name

    def plot(self, *, ax=None, name=None, target_accuracy=None, kind="threshold"):
        """Draw accuracy and coverage against the threshold, or against each other.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure (constrained layout) is made when
            ``None``.
        name : str, default=None
            Name used in the legend; defaults to ``estimator_name``.
        target_accuracy : float, default=None
            When given, mark the smallest threshold reaching this accuracy
            (``kind="threshold"``) or the accuracy itself (``kind="coverage"``).
        kind : {"threshold", "coverage"}, default="threshold"
            ``"threshold"``: accuracy and coverage against the certainty
            threshold. ``"coverage"``: the accuracy of the most certain
            predictions against the fraction of them kept, the curve that
            says how far to trust the certainty.

        Returns
        -------
        display : CertaintyCoverageDisplay
            The display, with ``ax_``, ``figure_`` and the lines set
            (``line_coverage_`` is ``None`` with ``kind="coverage"``).
        """
        import matplotlib.pyplot as plt

        if kind not in ("threshold", "coverage"):
            raise ValueError(f"kind must be 'threshold' or 'coverage', got {kind!r}")
        if ax is None:
            _, ax = plt.subplots(layout="constrained")
        name = self.estimator_name if name is None else name
        if kind == "coverage":
            (self.line_accuracy_,) = ax.plot(
                self.coverage,
                self.accuracy,
                drawstyle="steps-post",
                label=wrap_label(name),
            )
            self.line_coverage_ = None
            if target_accuracy is not None:
                ax.axhline(
                    target_accuracy,
                    color="grey",
                    linestyle=":",
                    label=f"target {target_accuracy:.2f}",
                )
            ax.set(
                xlabel="Coverage (fraction kept, most certain first)",
                ylabel="Accuracy of the kept predictions",
                xlim=(0, 1),
                ylim=(0, 1.02),
            )
            if ax.get_legend_handles_labels()[0]:
                ax.legend(loc="lower left")
            self.ax_ = ax
            self.figure_ = ax.figure
            return self
        prefix = f"{name}: " if name else ""
        (self.line_accuracy_,) = ax.step(
            self.thresholds,
            self.accuracy,
            where="post",
            label=wrap_label(f"{prefix}accuracy"),
        )
        (self.line_coverage_,) = ax.step(
            self.thresholds,
            self.coverage,
            where="post",
            linestyle="--",
            label=wrap_label(f"{prefix}coverage"),
        )
        if target_accuracy is not None:
            reached = np.flatnonzero(self.accuracy >= target_accuracy - 1e-12)
            if reached.size:
                t = self.thresholds[reached[0]]
                ax.axvline(t, color="grey", linestyle=":", label=f"threshold {t:.3f}")
        ax.set(
            xlabel="Certainty threshold",
            ylabel="Accuracy / coverage",
            xlim=(0, 1),
            ylim=(0, 1.02),
        )
        ax.legend(loc="lower left")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        name=None,
        target_accuracy=None,
        kind="threshold",
        ax=None,
        plot=True,
    ):
        """Curves from ``estimator.predict_proba(X)``.

        Parameters
        ----------
        estimator : fitted classifier or pipeline
            Must provide ``predict_proba`` and ``classes_``.
        X : array-like
            Input samples.
        y : array-like of shape (n_samples,)
            True labels.
        name : str, default=None
            Name used in the legend; the estimator's class name when ``None``.
        target_accuracy : float, default=None
            See :meth:`plot`.
        kind : {"threshold", "coverage"}, default="threshold"
            See :meth:`plot`.
        ax : matplotlib Axes, default=None
            Axes to draw into.
        plot : bool, default=True
            Whether to draw; ``False`` only computes the curves.

        Returns
        -------
        display : CertaintyCoverageDisplay
        """
        y_proba, classes = get_proba(estimator, X)
        name = estimator_name(estimator) if name is None else name
        return cls.from_predictions(
            y,
            y_proba,
            classes=classes,
            name=name,
            target_accuracy=target_accuracy,
            kind=kind,
            ax=ax,
            plot=plot,
        )

    @classmethod
    def from_predictions(
        cls,
        y_true,
        y_proba=None,
        *,
        classes=None,
        y_pred=None,
        certainty=None,
        name=None,
        target_accuracy=None,
        kind="threshold",
        ax=None,
        plot=True,
    ):
        """Curves from probabilities or from ``(y_pred, certainty)``.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            True labels.
        y_proba : array-like of shape (n_samples, n_classes), default=None
            Predicted probabilities; certainty is the row maximum.
        classes : array-like of shape (n_classes,), default=None
            Labels of the columns of ``y_proba``.
        y_pred : array-like of shape (n_samples,), default=None
            Predicted labels, with ``certainty``, instead of ``y_proba``.
        certainty : array-like of shape (n_samples,), default=None
            Certainty of each prediction, with ``y_pred``.
        name : str, default=None
            Name used in the legend.
        target_accuracy : float, default=None
            See :meth:`plot`.
        kind : {"threshold", "coverage"}, default="threshold"
            See :meth:`plot`.
        ax : matplotlib Axes, default=None
            Axes to draw into.
        plot : bool, default=True
            Whether to draw; ``False`` only computes the curves.

        Returns
        -------
        display : CertaintyCoverageDisplay
        """
        certainty, correct = resolve_certainty(
            y_true, y_proba, classes, y_pred, certainty
        )
        thresholds, accuracy, coverage = _curve(certainty, correct)
        display = cls(thresholds, accuracy, coverage, estimator_name=name)
        if plot:
            display.plot(ax=ax, target_accuracy=target_accuracy, kind=kind)
        return display
