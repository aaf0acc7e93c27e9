"""Feature importances of tree ensembles, on the 2-theta axis or per named feature."""

import re
from numbers import Integral

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.utils import column_or_1d

from ._layout import set_wrapped_title
from ._validation import estimator_name

_TWO_THETA_NAME = re.compile(r"^two_theta_([-+0-9.eE]+)$")


def _final_step_and_names(estimator):
    """The step holding ``feature_importances_`` and the names of its inputs."""
    steps = getattr(estimator, "steps", None)
    final = steps[-1][1] if steps else estimator
    names = None
    if steps and len(steps) > 1:
        try:
            names = estimator[:-1].get_feature_names_out()
        except (AttributeError, NotFittedError, ValueError, TypeError):
            names = None
    if names is None:
        names = getattr(final, "feature_names_in_", None)
    return final, names


def two_theta_from_names(feature_names):
    """Angles parsed from names ``two_theta_<angle>``, or ``None`` if any differs.

    Parameters
    ----------
    feature_names : array-like of str
        Feature names, as from ``CIFToPattern.get_feature_names_out``.

    Returns
    -------
    two_theta : ndarray of shape (n_features,) or None
        The angles, in degrees.

    Examples
    --------
    >>> two_theta_from_names(["two_theta_10.000", "two_theta_10.020"])
    array([10.  , 10.02])
    >>> two_theta_from_names(["peak_0_two_theta"]) is None
    True
    """
    angles = []
    for name in feature_names:
        match = _TWO_THETA_NAME.match(str(name))
        if match is None:
            return None
        try:
            angles.append(float(match.group(1)))
        except ValueError:
            return None
    return np.asarray(angles) if angles else None


class FeatureImportanceDisplay:
    """Feature importances of a tree ensemble, as a 2-theta profile or a bar chart.

    When the features are a full pattern grid (names ``two_theta_<angle>``, or
    an explicit ``two_theta`` array) the importances are drawn against 2-theta,
    showing which angular regions decide the crystal system. Otherwise the
    ``top_k`` most important named features (e.g. ``peak_3_intensity``) are
    drawn as horizontal bars.

    Parameters
    ----------
    importances : ndarray of shape (n_features,)
        Importance of each feature.
    feature_names : ndarray of shape (n_features,) or None
        Feature names (``x<i>`` when unknown).
    two_theta : ndarray of shape (n_features,) or None
        Angle of each feature for a pattern grid; ``None`` for named features.
    top_k : int, default=20
        Number of features in the bar chart.
    estimator_name : str, default=None
        Name shown in the title.

    Attributes
    ----------
    kind : {"pattern", "bar"}
        ``"pattern"`` when ``two_theta`` is known.
    top_indices : ndarray of shape (min(top_k, n_features),)
        Indices of the most important features, most important first.
    artist_ : matplotlib Line2D or BarContainer
        The profile line or the bars.
    ax_ : matplotlib Axes
        Axes with the plot.
    figure_ : matplotlib Figure
        Figure containing the plot.

    Examples
    --------
    >>> disp = FeatureImportanceDisplay.from_importances(
    ...     [0.1, 0.6, 0.3], feature_names=["peak_0_two_theta",
    ...     "peak_0_intensity", "peak_1_intensity"], plot=False)
    >>> disp.kind, disp.feature_names[disp.top_indices[0]]
    ('bar', 'peak_0_intensity')
    """

    def __init__(
        self, importances, feature_names, two_theta, *, top_k=20, estimator_name=None
    ):
        self.importances = importances
        self.feature_names = feature_names
        self.two_theta = two_theta
        self.top_k = top_k
        self.estimator_name = estimator_name
        self.kind = "bar" if two_theta is None else "pattern"
        order = np.argsort(-importances, kind="stable")
        self.top_indices = order[: min(top_k, importances.size)]

    def plot(self, *, ax=None, name=None):
        """Draw the importances.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure is made when ``None``.
        name : str, default=None
            Name shown in the title; defaults to ``estimator_name``.

        Returns
        -------
        display : FeatureImportanceDisplay
            The display, with ``ax_``, ``figure_`` and ``artist_`` set.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(layout="constrained")
        name = self.estimator_name if name is None else name
        if self.kind == "pattern":
            order = np.argsort(self.two_theta, kind="stable")
            (self.artist_,) = ax.plot(
                self.two_theta[order], self.importances[order], lw=1
            )
            ax.set(xlabel="2θ (degrees)", ylabel="Feature importance")
        else:
            top = self.top_indices[::-1]  # most important at the top
            positions = np.arange(top.size)
            self.artist_ = ax.barh(positions, self.importances[top])
            ax.set_yticks(positions, labels=[str(n) for n in self.feature_names[top]])
            ax.set(xlabel="Feature importance")
        if name:
            set_wrapped_title(ax, name)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(
        cls,
        estimator,
        *,
        feature_names=None,
        two_theta=None,
        top_k=20,
        name=None,
        ax=None,
        plot=True,
    ):
        """Importances of a fitted tree ensemble or a pipeline ending in one.

        Parameters
        ----------
        estimator : fitted estimator or pipeline
            Its last step has ``feature_importances_`` (ExtraTrees,
            RandomForest, gradient boosting).
        feature_names : array-like of str, default=None
            Names of the features the last step sees; by default from the
            earlier steps' ``get_feature_names_out`` or ``feature_names_in_``.
        two_theta : array-like of shape (n_features,), default=None
            Angle of each feature of a pattern grid; parsed from names
            ``two_theta_<angle>`` when ``None``.
        top_k : int, default=20
            Number of features in the bar chart.
        name : str, default=None
            Name shown in the title; the estimator's class name when ``None``.
        ax : matplotlib Axes, default=None
            Axes to draw into.
        plot : bool, default=True
            Whether to draw; ``False`` only collects the importances.

        Returns
        -------
        display : FeatureImportanceDisplay
        """
        final, names = _final_step_and_names(estimator)
        if not hasattr(final, "feature_importances_"):
            raise ValueError(
                f"{type(final).__name__} has no feature_importances_; use a fitted "
                "tree ensemble such as ExtraTreesClassifier"
            )
        if feature_names is None:
            feature_names = names
        name = estimator_name(estimator) if name is None else name
        return cls.from_importances(
            final.feature_importances_,
            feature_names=feature_names,
            two_theta=two_theta,
            top_k=top_k,
            name=name,
            ax=ax,
            plot=plot,
        )

    @classmethod
    def from_importances(
        cls,
        importances,
        *,
        feature_names=None,
        two_theta=None,
        top_k=20,
        name=None,
        ax=None,
        plot=True,
    ):
        """Display given importances.

        Parameters
        ----------
        importances : array-like of shape (n_features,)
            Importance of each feature.
        feature_names : array-like of str, default=None
            Feature names; ``x0, x1, ...`` when ``None``.
        two_theta : array-like of shape (n_features,), default=None
            Angle of each feature of a pattern grid; parsed from names
            ``two_theta_<angle>`` when ``None``.
        top_k : int, default=20
            Number of features in the bar chart.
        name : str, default=None
            Name shown in the title.
        ax : matplotlib Axes, default=None
            Axes to draw into.
        plot : bool, default=True
            Whether to draw; ``False`` only collects the importances.

        Returns
        -------
        display : FeatureImportanceDisplay
        """
        importances = column_or_1d(importances).astype(np.float64)
        n_features = importances.size
        if not isinstance(top_k, Integral) or top_k < 1:
            raise ValueError(f"top_k must be a positive integer; got {top_k!r}")
        if feature_names is None:
            feature_names = np.asarray([f"x{i}" for i in range(n_features)], object)
        else:
            feature_names = np.asarray(feature_names, dtype=object)
            if feature_names.shape != (n_features,):
                raise ValueError(
                    f"{feature_names.size} feature names for {n_features} importances"
                )
        if two_theta is None:
            two_theta = two_theta_from_names(feature_names)
        else:
            two_theta = column_or_1d(two_theta).astype(np.float64)
            if two_theta.shape != (n_features,):
                raise ValueError(
                    f"two_theta has {two_theta.size} angles for {n_features} "
                    "importances"
                )
        display = cls(
            importances, feature_names, two_theta, top_k=top_k, estimator_name=name
        )
        if plot:
            display.plot(ax=ax)
        return display
