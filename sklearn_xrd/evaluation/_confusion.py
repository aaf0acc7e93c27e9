"""Confusion matrix with each row shown in percent of its true class."""

from sklearn.metrics import ConfusionMatrixDisplay


def plot_confusion_matrix_percent(
    y_true,
    y_pred,
    *,
    labels=None,
    display_labels=None,
    decimals=1,
    cmap="Blues",
    colorbar=True,
    xticks_rotation="horizontal",
    ax=None,
):
    """Plot a confusion matrix normalised over true classes, in percent.

    Each cell shows the percentage of a true class predicted as each class, so
    the diagonal is the per-class recall. Built on
    :meth:`sklearn.metrics.ConfusionMatrixDisplay.from_predictions` with
    ``normalize="true"``; its ``confusion_matrix`` keeps fractions in [0, 1].

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like of shape (n_classes,), default=None
        Labels, in order, to index the matrix; the sorted labels present in
        ``y_true`` or ``y_pred`` when ``None``.
    display_labels : array-like of shape (n_classes,), default=None
        Tick labels; ``labels`` when ``None``.
    decimals : int, default=1
        Decimals of the percentages.
    cmap : str or matplotlib Colormap, default="Blues"
        Colormap.
    colorbar : bool, default=True
        Whether to add a colorbar (labelled in percent).
    xticks_rotation : {"vertical", "horizontal"} or float, default="horizontal"
        Rotation of the x tick labels.
    ax : matplotlib Axes, default=None
        Axes to draw into; a new figure (constrained layout) is made when
        ``None``.

    Returns
    -------
    display : sklearn.metrics.ConfusionMatrixDisplay
        The scikit-learn display, its cell texts in percent.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> disp = plot_confusion_matrix_percent(
    ...     ["cubic", "cubic", "hexagonal"], ["cubic", "hexagonal", "hexagonal"])
    >>> [t.get_text() for t in disp.text_.ravel()]
    ['50.0%', '50.0%', '0.0%', '100.0%']
    >>> matplotlib.pyplot.close("all")
    """
    if ax is None:  # sklearn's own figure would cut long class names
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(layout="constrained")
    display = ConfusionMatrixDisplay.from_predictions(
        y_true,
        y_pred,
        labels=labels,
        normalize="true",
        display_labels=display_labels,
        cmap=cmap,
        colorbar=colorbar,
        xticks_rotation=xticks_rotation,
        ax=ax,
    )
    for text, value in zip(display.text_.ravel(), display.confusion_matrix.ravel()):
        text.set_text(f"{100 * value:.{decimals}f}%")
    if colorbar and display.im_.colorbar is not None:
        from matplotlib.ticker import PercentFormatter

        display.im_.colorbar.ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    return display
