"""Training curves (loss, accuracy per epoch) from a network's history."""

from numbers import Real

import numpy as np

from ._layout import set_wrapped_title

# per-epoch entries that are not curves
_SKIPPED_KEYS = frozenset({"epoch", "batches", "dur"})


def _history_records(obj):
    """Per-epoch dicts from a net, a skorch ``History`` or a list of dicts."""
    history = obj
    for attribute in ("history_", "history"):
        if not isinstance(history, list) and hasattr(history, attribute):
            history = getattr(history, attribute)
            break
    if not isinstance(history, list | tuple) or not all(
        isinstance(row, dict) for row in history
    ):
        raise ValueError(
            f"{type(obj).__name__} has no training history: expected a "
            "`history_` (or skorch `history`) attribute holding a list of "
            "per-epoch dicts"
        )
    if not history:
        raise ValueError("the training history is empty; fit the network first")
    return list(history)


def _is_number(value):
    return isinstance(value, Real | np.number) and not isinstance(
        value, bool | np.bool_
    )


class TrainingCurveDisplay:
    """Training curves of a neural network: losses and metrics per epoch.

    Losses (keys containing ``"loss"``) go on the left axis; other metrics such
    as ``valid_acc`` on a second axis at the right. Build it with
    :meth:`from_estimator` (anything with a ``history_`` or skorch ``history``
    attribute) or :meth:`from_history`.

    Parameters
    ----------
    epochs : ndarray of shape (n_epochs,)
        Epoch numbers.
    curves : dict of str to ndarray of shape (n_epochs,)
        Values per epoch; NaN where an epoch did not record the key.
    estimator_name : str, default=None
        Name shown in the title.

    Attributes
    ----------
    lines_ : dict of str to matplotlib Line2D
        One line per curve.
    ax_ : matplotlib Axes
        Axes with the loss curves.
    ax_metric_ : matplotlib Axes or None
        Right-hand axes with the other metrics, if any.
    figure_ : matplotlib Figure
        Figure containing the curves.

    Examples
    --------
    >>> history = [{"epoch": 1, "train_loss": 1.0},
    ...            {"epoch": 2, "train_loss": 0.5, "valid_acc": 0.8}]
    >>> disp = TrainingCurveDisplay.from_history(history, plot=False)
    >>> disp.curves["valid_acc"]
    array([nan, 0.8])
    """

    def __init__(self, epochs, curves, *, estimator_name=None):
        self.epochs = epochs
        self.curves = curves
        self.estimator_name = estimator_name

    def plot(self, *, ax=None, name=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes for the losses; a new figure is made when ``None``.
        name : str, default=None
            Name shown in the title; defaults to ``estimator_name``.

        Returns
        -------
        display : TrainingCurveDisplay
            The display, with ``ax_``, ``ax_metric_``, ``figure_`` and
            ``lines_`` set.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(layout="constrained")
        name = self.estimator_name if name is None else name
        losses = [key for key in self.curves if "loss" in key]
        metrics = [key for key in self.curves if "loss" not in key]
        if not losses:
            losses, metrics = metrics, []
        self.lines_ = {}
        for key in losses:
            (self.lines_[key],) = ax.plot(
                self.epochs, self.curves[key], "o-", markersize=3, label=key
            )
        ax.set(xlabel="Epoch", ylabel="Loss" if "loss" in losses[0] else "Value")
        self.ax_metric_ = None
        handles = list(self.lines_.values())
        if metrics:
            self.ax_metric_ = ax.twinx()
            self.ax_metric_.set_prop_cycle(None)
            colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
            for i, key in enumerate(metrics):
                color = colors[(len(losses) + i) % len(colors)]
                (self.lines_[key],) = self.ax_metric_.plot(
                    self.epochs,
                    self.curves[key],
                    "s--",
                    markersize=3,
                    color=color,
                    label=key,
                )
                handles.append(self.lines_[key])
            self.ax_metric_.set_ylabel("Metric")
        # the twin axes is drawn on top, so the legend goes there when it exists
        (self.ax_metric_ or ax).legend(handles=handles, loc="best")
        if name:
            set_wrapped_title(ax, name)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(cls, estimator, *, keys=None, name=None, ax=None, plot=True):
        """Curves from a fitted network's history.

        Parameters
        ----------
        estimator : object
            Has ``history_`` (or skorch's ``history``): a list of per-epoch
            dicts such as ``{"epoch": 3, "train_loss": 0.4, "valid_acc": 0.9}``,
            or a skorch ``History``.
        keys : list of str, default=None
            Curves to draw; by default every numeric key except ``epoch`` and
            ``dur`` (booleans such as ``valid_loss_best`` are skipped).
        name : str, default=None
            Name shown in the title; the estimator's class name when ``None``.
        ax : matplotlib Axes, default=None
            Axes to draw into.
        plot : bool, default=True
            Whether to draw; ``False`` only collects the curves.

        Returns
        -------
        display : TrainingCurveDisplay
        """
        records = _history_records(estimator)
        name = type(estimator).__name__ if name is None else name
        return cls.from_history(records, keys=keys, name=name, ax=ax, plot=plot)

    @classmethod
    def from_history(cls, history, *, keys=None, name=None, ax=None, plot=True):
        """Curves from a list of per-epoch dicts or a skorch ``History``.

        Parameters
        ----------
        history : list of dict or skorch History
            One dict per epoch; keys missing from some epochs give NaN there.
        keys : list of str, default=None
            Curves to draw; by default every numeric key except ``epoch`` and
            ``dur``.
        name : str, default=None
            Name shown in the title.
        ax : matplotlib Axes, default=None
            Axes to draw into.
        plot : bool, default=True
            Whether to draw; ``False`` only collects the curves.

        Returns
        -------
        display : TrainingCurveDisplay
        """
        records = _history_records(history)
        if keys is None:
            keys = []
            for row in records:
                for key, value in row.items():
                    if key not in _SKIPPED_KEYS and key not in keys:
                        if _is_number(value):
                            keys.append(key)
            if not keys:
                raise ValueError("the history records no numeric values to plot")
        else:
            keys = list(keys)
            recorded = {key for row in records for key in row}
            missing = [key for key in keys if key not in recorded]
            if missing:
                raise ValueError(
                    f"keys {missing} are not in the history; it records "
                    f"{sorted(recorded)}"
                )
        curves = {}
        for key in keys:
            values = [row.get(key) for row in records]
            curves[key] = np.array(
                [float(v) if _is_number(v) else np.nan for v in values]
            )
        epochs = np.array(
            [
                row["epoch"] if _is_number(row.get("epoch")) else i + 1
                for i, row in enumerate(records)
            ]
        )
        display = cls(epochs, curves, estimator_name=name)
        if plot:
            display.plot(ax=ax)
        return display
