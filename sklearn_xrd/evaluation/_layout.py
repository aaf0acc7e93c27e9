"""Figures that fit their text: titles and legend labels wrapped to fit."""

import textwrap


def set_wrapped_title(ax, title, **kwargs):
    """Set the title of ``ax``, wrapped onto lines that fit inside the figure.

    The figure is laid out (its constrained layout, when it has one) and the
    title measured; while it reaches past either edge of the figure it is
    wrapped at word boundaries onto more, shorter lines. Set it after
    everything else is drawn into the figure.

    Parameters
    ----------
    ax : matplotlib Axes
        Axes to title.
    title : str
        The title.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.set_title`.

    Returns
    -------
    text : matplotlib Text
    """
    text = ax.set_title(title, **kwargs)
    figure = ax.get_figure(root=True)
    width = len(title)
    while width > 8:
        figure.draw_without_rendering()  # runs the layout engine
        extent = text.get_window_extent()
        if extent.x0 >= figure.bbox.x0 and extent.x1 <= figure.bbox.x1:
            break
        width = int(width * 0.85)
        text.set_text(textwrap.fill(title, width, break_long_words=False))
    return text


def wrap_label(label, width=40):
    """A legend label on lines of at most ``width`` characters."""
    if label is None:
        return None
    return textwrap.fill(str(label), width, break_long_words=False)
