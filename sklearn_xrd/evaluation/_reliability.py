"""Calibration of the top-class confidence: reliability diagram and ECE."""

from numbers import Integral

import numpy as np

from ._layout import wrap_label
from ._validation import certainty_and_correct, estimator_name, get_proba


def _check_n_bins(n_bins):
    if not isinstance(n_bins, Integral) or isinstance(n_bins, bool) or n_bins < 1:
        raise ValueError(f"n_bins must be a positive integer; got {n_bins!r}")


def _reliability_bins(confidence, correct, n_bins):
    """Per-bin counts, mean confidence and accuracy on ``n_bins`` bins of [0, 1].

    Bins are ``(lo, hi]`` as in Guo et al. (2017), the first one also holding 0.
    Empty bins get NaN confidence and accuracy.
    """
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    index = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, n_bins - 1)
    counts = np.bincount(index, minlength=n_bins)
    conf_sum = np.bincount(index, weights=confidence, minlength=n_bins)
    correct_sum = np.bincount(index, weights=correct.astype(float), minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = conf_sum / counts
        accuracy = correct_sum / counts
    return edges, counts, mean_conf, accuracy


def _ece(counts, mean_conf, accuracy):
    filled = counts > 0
    gaps = np.abs(accuracy[filled] - mean_conf[filled])
    return float(np.sum(counts[filled] * gaps) / counts.sum())


def expected_calibration_error(y_true, y_proba, classes=None, n_bins=15):
    """Expected calibration error (ECE) of the top-class confidence.

    Predictions are grouped by confidence (the largest probability) into
    ``n_bins`` equal-width bins; ECE is the sample-weighted mean of
    ``|accuracy - mean confidence|`` over the bins. 0 is perfect calibration.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_proba : array-like of shape (n_samples, n_classes)
        Predicted probabilities; each row must sum to 1.
    classes : array-like of shape (n_classes,), default=None
        Labels of the columns of ``y_proba``; the sorted labels of ``y_true``
        when ``None``.
    n_bins : int, default=15
        Number of equal-width confidence bins on [0, 1].

    Returns
    -------
    ece : float
        Expected calibration error, in [0, 1].

    References
    ----------
    .. [1] C. Guo, G. Pleiss, Y. Sun and K. Q. Weinberger, "On Calibration of
       Modern Neural Networks", ICML 2017.

    Examples
    --------
    >>> expected_calibration_error(
    ...     ["cubic", "cubic", "hexagonal", "hexagonal"],
    ...     [[0.9, 0.1], [0.9, 0.1], [0.9, 0.1], [0.9, 0.1]])
    0.4
    """
    _check_n_bins(n_bins)
    confidence, correct = certainty_and_correct(y_true, y_proba, classes)
    return _ece(*_reliability_bins(confidence, correct, n_bins)[1:])


class ReliabilityDisplay:
    """Reliability diagram of the top-class confidence of a multiclass classifier.

    Accuracy per confidence bin against the mean confidence in that bin; a
    calibrated classifier lies on the diagonal, an over-confident one below it.
    Unlike :class:`sklearn.calibration.CalibrationDisplay` (one class against
    the rest), this uses the predicted class, so it suits any number of classes.

    Parameters
    ----------
    prob_true : ndarray of shape (n_bins,)
        Accuracy in each bin (NaN for empty bins).
    prob_pred : ndarray of shape (n_bins,)
        Mean confidence in each bin (NaN for empty bins).
    counts : ndarray of shape (n_bins,)
        Number of predictions in each bin.
    bin_edges : ndarray of shape (n_bins + 1,)
        Edges of the confidence bins.
    ece : float
        Expected calibration error.
    estimator_name : str, default=None
        Name used in the legend.

    Attributes
    ----------
    line_ : matplotlib Line2D
        Reliability curve.
    bars_ : matplotlib BarContainer
        Accuracy bars per bin.
    ax_ : matplotlib Axes
        Axes with the diagram.
    figure_ : matplotlib Figure
        Figure containing the diagram.

    See Also
    --------
    expected_calibration_error : The summary number drawn in the legend.
    TemperatureScaledClassifier : Post-hoc calibration by temperature scaling.

    Examples
    --------
    >>> disp = ReliabilityDisplay.from_predictions(
    ...     [0, 0, 1, 1], [[0.9, 0.1], [0.9, 0.1], [0.9, 0.1], [0.9, 0.1]],
    ...     n_bins=5, plot=False)
    >>> disp.counts
    array([0, 0, 0, 0, 4])
    >>> round(disp.ece, 3)
    0.4
    """

    def __init__(
        self, prob_true, prob_pred, counts, bin_edges, ece, *, estimator_name=None
    ):
        self.prob_true = prob_true
        self.prob_pred = prob_pred
        self.counts = counts
        self.bin_edges = bin_edges
        self.ece = ece
        self.estimator_name = estimator_name

    def plot(self, *, ax=None, name=None, ref_line=True):
        """Draw the reliability diagram.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure is made when ``None``.
        name : str, default=None
            Name used in the legend; defaults to ``estimator_name``.
        ref_line : bool, default=True
            Draw the diagonal of perfect calibration.

        Returns
        -------
        display : ReliabilityDisplay
            The display, with ``ax_``, ``figure_``, ``line_`` and ``bars_`` set.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(layout="constrained")
        name = self.estimator_name if name is None else name
        edges = self.bin_edges
        self.bars_ = ax.bar(
            edges[:-1],
            np.nan_to_num(self.prob_true),
            width=np.diff(edges),
            align="edge",
            color="tab:blue",
            alpha=0.3,
            edgecolor="tab:blue",
        )
        filled = self.counts > 0
        label = wrap_label(
            f"{name} (ECE {self.ece:.3f})" if name else f"ECE {self.ece:.3f}"
        )
        (self.line_,) = ax.plot(
            self.prob_pred[filled], self.prob_true[filled], "s-", label=label
        )
        if ref_line:
            ax.plot([0, 1], [0, 1], "k:", label="Perfectly calibrated")
        ax.set(
            xlabel="Confidence (max predicted probability)",
            ylabel="Accuracy",
            xlim=(0, 1),
            ylim=(0, 1),
            aspect="equal",
        )
        ax.legend(loc="upper left")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(
        cls, estimator, X, y, *, n_bins=15, name=None, ref_line=True, ax=None, plot=True
    ):
        """Reliability diagram of ``estimator.predict_proba(X)``.

        Parameters
        ----------
        estimator : fitted classifier or pipeline
            Must provide ``predict_proba`` and ``classes_``.
        X : array-like
            Input samples.
        y : array-like of shape (n_samples,)
            True labels.
        n_bins : int, default=15
            Number of equal-width confidence bins.
        name : str, default=None
            Name used in the legend; the estimator's class name when ``None``.
        ref_line : bool, default=True
            Draw the diagonal of perfect calibration.
        ax : matplotlib Axes, default=None
            Axes to draw into.
        plot : bool, default=True
            Whether to draw; ``False`` only computes the bins.

        Returns
        -------
        display : ReliabilityDisplay
        """
        y_proba, classes = get_proba(estimator, X)
        name = estimator_name(estimator) if name is None else name
        return cls.from_predictions(
            y,
            y_proba,
            classes=classes,
            n_bins=n_bins,
            name=name,
            ref_line=ref_line,
            ax=ax,
            plot=plot,
        )

    @classmethod
    def from_predictions(
        cls,
        y_true,
        y_proba,
        *,
        classes=None,
        n_bins=15,
        name=None,
        ref_line=True,
        ax=None,
        plot=True,
    ):
        """Reliability diagram from predicted probabilities.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            True labels.
        y_proba : array-like of shape (n_samples, n_classes)
            Predicted probabilities.
        classes : array-like of shape (n_classes,), default=None
            Labels of the columns of ``y_proba``; the sorted labels of ``y_true``
            when ``None``.
        n_bins : int, default=15
            Number of equal-width confidence bins.
        name : str, default=None
            Name used in the legend.
        ref_line : bool, default=True
            Draw the diagonal of perfect calibration.
        ax : matplotlib Axes, default=None
            Axes to draw into.
        plot : bool, default=True
            Whether to draw; ``False`` only computes the bins.

        Returns
        -------
        display : ReliabilityDisplay
        """
        _check_n_bins(n_bins)
        confidence, correct = certainty_and_correct(y_true, y_proba, classes)
        edges, counts, mean_conf, accuracy = _reliability_bins(
            confidence, correct, n_bins
        )
        ece = _ece(counts, mean_conf, accuracy)
        display = cls(accuracy, mean_conf, counts, edges, ece, estimator_name=name)
        if plot:
            display.plot(ax=ax, ref_line=ref_line)
        return display
