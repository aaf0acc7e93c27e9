"""Fixed-width peak-list features from patterns."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn_compat.base import _fit_context

from ..utils._param_validation import Interval, StrOptions
from ..utils._validation import validate_patterns


def find_peaks_2d(X, *, min_height=0.01):
    """Local maxima of each row above ``min_height`` times the row maximum.

    A bin is a peak when it is higher than its left neighbour and at least as
    high as its right one (so the first bin of a flat top counts once). Bins
    outside the grid count as minus infinity, so a peak on the first or last
    bin is found.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_bins)
    min_height : float, default=0.01
        Fraction of each row's maximum a peak must reach.

    Returns
    -------
    mask : ndarray of bool, shape (n_samples, n_bins)
        True at each peak.
    offset : ndarray of shape (n_samples, n_bins)
        Sub-bin position of each peak from a parabola through the bin and its
        two neighbours, in bins, within [-0.5, 0.5] (0 for isolated sticks).

    Examples
    --------
    >>> mask, offset = find_peaks_2d(np.array([[0.0, 1.0, 0.0, 0.5, 0.5, 0.0]]))
    >>> np.flatnonzero(mask[0]).tolist()
    [1, 3]
    """
    X = np.asarray(X, dtype=float)
    pad = np.full((X.shape[0], 1), -np.inf)
    left = np.hstack([pad, X[:, :-1]])
    right = np.hstack([X[:, 1:], pad])
    row_max = X.max(axis=1, keepdims=True) if X.shape[1] else np.zeros((len(X), 1))
    mask = (X > left) & (X >= right) & (X > 0) & (X >= min_height * row_max)
    # Parabolic interpolation; neighbours outside the grid count as zero.
    left0 = np.where(np.isfinite(left), left, 0.0)
    right0 = np.where(np.isfinite(right), right, 0.0)
    curvature = left0 - 2 * X + right0
    with np.errstate(divide="ignore", invalid="ignore"):
        offset = np.where(curvature < 0, 0.5 * (left0 - right0) / curvature, 0.0)
    offset = np.clip(np.nan_to_num(offset), -0.5, 0.5)
    return mask, np.where(mask, offset, 0.0)


class PeakExtractor(TransformerMixin, BaseEstimator):
    """Positions and intensities of the strongest peaks, as fixed-width features.

    The study's "peak list" representation: from each pattern the
    ``n_peaks`` strongest local maxima (above ``min_height`` of the strongest)
    are kept; their positions in degrees 2-theta (refined to a fraction of a
    bin by a parabola through three bins) and their intensities relative to
    the strongest peak (which gets 1) form ``2 * n_peaks`` features.

    Padding: a pattern with fewer peaks gets position 0 and intensity 0 in the
    remaining slots (0 lies outside any physical 2-theta range, so trees
    separate it cleanly).

    Works on simulated stick patterns, broadened patterns and measured patterns
    alike; for noisy measured data, smooth and remove the background first.

    Parameters
    ----------
    n_peaks : int, default=20
        Number of peaks kept per pattern.
    two_theta_start : float, default=5.0
        2-theta of the first bin, degrees.
    step : float, default=0.02
        Grid spacing, degrees.
    min_height : float, default=0.01
        A peak must reach this fraction of the pattern's maximum.
    sort_by : {"intensity", "angle"}, default="intensity"
        Order of the kept peaks: strongest first, or lowest angle first.

    Attributes
    ----------
    n_features_in_ : int
        Number of grid points seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    CIFToPattern : Stick patterns from structures.
    GaussianBroadening : Peak shapes.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.zeros((1, 11)); X[0, 2] = 1.0; X[0, 7] = 3.0
    >>> PeakExtractor(n_peaks=3, two_theta_start=10, step=0.5).fit_transform(X)
    array([[13.5     , 11.      ,  0.      ,  1.      ,  0.333...,  0.      ]])
    """

    _parameter_constraints: dict = {
        "n_peaks": [Interval(Integral, 1, None, closed="left")],
        "two_theta_start": [Real],
        "step": [Interval(Real, 0, None, closed="neither")],
        "min_height": [Interval(Real, 0, 1, closed="both")],
        "sort_by": [StrOptions({"intensity", "angle"})],
    }

    def __init__(
        self,
        n_peaks=20,
        *,
        two_theta_start=5.0,
        step=0.02,
        min_height=0.01,
        sort_by="intensity",
    ):
        self.n_peaks = n_peaks
        self.two_theta_start = two_theta_start
        self.step = step
        self.min_height = min_height
        self.sort_by = sort_by

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check ``X`` and record its width.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_bins)
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        validate_patterns(self, X, reset=True)
        return self

    def transform(self, X):
        """Extract peak features.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_bins)

        Returns
        -------
        X_new : ndarray of shape (n_samples, 2 * n_peaks)
            Positions (degrees) then relative intensities.
        """
        X = validate_patterns(self, X, reset=False).astype(float, copy=False)
        n, n_bins = X.shape
        k = self.n_peaks
        mask, offset = find_peaks_2d(X, min_height=self.min_height)
        heights = np.where(mask, X, -np.inf)
        m = min(k, n_bins)
        order = np.argsort(-heights, axis=1, kind="stable")[:, :m]
        rows = np.arange(n)[:, None]
        found = np.isfinite(heights[rows, order])
        pos = self.two_theta_start + self.step * (order + offset[rows, order])
        top = X[rows, order]
        strongest = np.where(found[:, :1], top[:, :1], 1.0)
        inten = top / strongest
        pos = np.where(found, pos, 0.0)
        inten = np.where(found, inten, 0.0)
        if self.sort_by == "angle":
            key = np.where(found, pos, np.inf)
            by_angle = np.argsort(key, axis=1, kind="stable")
            pos = np.take_along_axis(pos, by_angle, axis=1)
            inten = np.take_along_axis(inten, by_angle, axis=1)
        out = np.zeros((n, 2 * k))
        out[:, :m] = pos
        out[:, k : k + m] = inten
        return out

    def get_feature_names_out(self, input_features=None):
        """Names ``peak_<i>_two_theta`` then ``peak_<i>_intensity``.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Ignored; present for API consistency.

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        names = [f"peak_{i}_two_theta" for i in range(self.n_peaks)]
        names += [f"peak_{i}_intensity" for i in range(self.n_peaks)]
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        return tags
