"""Histogram of prediction certainty, split into correct and incorrect predictions."""

import numpy as np

from ._layout import set_wrapped_title
from ._validation import estimator_name, get_proba, resolve_certainty


class CertaintyHistogramDisplay:
    """Histogram of certainty (top-class probability) for right and wrong predictions.

    A well-behaved classifier puts its correct predictions at high certainty and
    its mistakes at low certainty; overlap shows where certainty cannot be trusted.
    Build it with :meth:`from_estimator` or :meth:`from_predictions`.

    Parameters
    ----------
    certainty : ndarray of shape (n_samples,)
        Certainty of each prediction.
    correct : ndarray of shape (n_samples,), dtype bool
        Whether each prediction is right.
    bin_edges : ndarray of shape (n_bins + 1,)
        Edges of the certainty bins.
    estimator_name : str, default=None
        Name shown in the title.

    Attributes
    ----------
    counts_correct : ndarray of shape (n_bins,)
        Number of correct predictions in each bin.
    counts_incorrect : ndarray of shape (n_bins,)
        Number of wrong predictions in each bin.
    bars_ : dict of str to matplotlib BarContainer
        The bars, keyed ``"correct"`` and ``"incorrect"``.
    ax_ : matplotlib Axes
        Axes with the histogram.
    figure_ : matplotlib Figure
        Figure containing the histogram.

    See Also
    --------
    CertaintyCoverageDisplay : Accuracy and coverage against a certainty threshold.

    Examples
    --------
    >>> import numpy as np
    >>> disp = CertaintyHistogramDisplay.from_predictions(
    ...     ["a", "b", "a"], y_pred=["a", "a", "a"], certainty=[0.9, 0.4, 0.8],
    ...     bins=2, plot=False)
    >>> disp.counts_correct, disp.counts_incorrect
    (array([0, 2]), array([1, 0]))
    """

    def __init__(self, certainty, correct, bin_edges, *, estimator_name=None):
        self.certainty = certainty
        self.correct = correct
        self.bin_edges = bin_edges
        self.estimator_name = estimator_name
        self.counts_correct = np.histogram(certainty[correct], bins=bin_edges)[0]
        self.counts_incorrect = np.histogram(certainty[~correct], bins=bin_edges)[0]

    def plot(self, *, ax=None, name=None, stacked=True):
        """Draw the two histograms.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure is made when ``None``.
        name : str, default=None
            Name shown in the title; defaults to ``estimator_name``.
        stacked : bool, default=True
            Stack the incorrect bars on top of the correct ones; otherwise draw
            them side by side.

        Returns
        -------
        display : CertaintyHistogramDisplay
            The display, with ``ax_``, ``figure_`` and ``bars_`` set.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(layout="constrained")
        name = self.estimator_name if name is None else name
        edges = self.bin_edges
        widths = np.diff(edges)
        if stacked:
            left, width = edges[:-1], widths
            offset = 0.0
        else:
            left, width = edges[:-1], widths / 2
            offset = widths / 2
        correct = ax.bar(
            left,
            self.counts_correct,
            width=width,
            align="edge",
            color="tab:green",
            alpha=0.8,
            label="correct",
        )
        incorrect = ax.bar(
            left + offset,
            self.counts_incorrect,
            width=width,
            align="edge",
            bottom=self.counts_correct if stacked else None,
            color="tab:red",
            alpha=0.8,
            label="incorrect",
        )
        self.bars_ = {"correct": correct, "incorrect": incorrect}
        ax.set(xlabel="Certainty (max predicted probability)", ylabel="Count")
        ax.set_xlim(edges[0], edges[-1])
        accuracy = self.correct.mean()
        title = f"accuracy {accuracy:.1%} on {self.correct.size} samples"
        set_wrapped_title(ax, f"{name}: {title}" if name else title)
        ax.legend(loc="upper left")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(
        cls, estimator, X, y, *, bins=20, name=None, ax=None, stacked=True, plot=True
    ):
        """Histogram the certainty of ``estimator.predict_proba(X)``.

        Parameters
        ----------
        estimator : fitted classifier or pipeline
            Must provide ``predict_proba`` and ``classes_``.
        X : array-like
            Input samples.
        y : array-like of shape (n_samples,)
            True labels.
        bins : int or array-like, default=20
            Number of equal-width bins on [0, 1], or the bin edges.
        name : str, default=None
            Name shown in the title; the estimator's class name when ``None``.
        ax : matplotlib Axes, default=None
            Axes to draw into.
        stacked : bool, default=True
            See :meth:`plot`.
        plot : bool, default=True
            Whether to draw; ``False`` only computes the counts.

        Returns
        -------
        display : CertaintyHistogramDisplay
        """
        y_proba, classes = get_proba(estimator, X)
        name = estimator_name(estimator) if name is None else name
        return cls.from_predictions(
            y,
            y_proba,
            classes=classes,
            bins=bins,
            name=name,
            ax=ax,
            stacked=stacked,
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
        bins=20,
        name=None,
        ax=None,
        stacked=True,
        plot=True,
    ):
        """Histogram certainties from probabilities or from ``(y_pred, certainty)``.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            True labels.
        y_proba : array-like of shape (n_samples, n_classes), default=None
            Predicted probabilities; certainty is the row maximum.
        classes : array-like of shape (n_classes,), default=None
            Labels of the columns of ``y_proba``; the sorted labels of ``y_true``
            when ``None``.
        y_pred : array-like of shape (n_samples,), default=None
            Predicted labels, with ``certainty``, instead of ``y_proba``.
        certainty : array-like of shape (n_samples,), default=None
            Certainty of each prediction, with ``y_pred``.
        bins : int or array-like, default=20
            Number of equal-width bins on [0, 1], or the bin edges.
        name : str, default=None
            Name shown in the title.
        ax : matplotlib Axes, default=None
            Axes to draw into.
        stacked : bool, default=True
            See :meth:`plot`.
        plot : bool, default=True
            Whether to draw; ``False`` only computes the counts.

        Returns
        -------
        display : CertaintyHistogramDisplay
        """
        certainty, correct = resolve_certainty(
            y_true, y_proba, classes, y_pred, certainty
        )
        if np.ndim(bins) == 0:
            if int(bins) < 1:
                raise ValueError(f"bins must be a positive integer; got {bins}")
            bin_edges = np.linspace(0.0, 1.0, int(bins) + 1)
        else:
            bin_edges = np.asarray(bins, dtype=np.float64)
            if bin_edges.ndim != 1 or bin_edges.size < 2:
                raise ValueError("bins given as edges need at least two values")
            if np.any(np.diff(bin_edges) <= 0):
                raise ValueError("bin edges must increase strictly")
        display = cls(certainty, correct, bin_edges, estimator_name=name)
        if plot:
            display.plot(ax=ax, stacked=stacked)
        return display
