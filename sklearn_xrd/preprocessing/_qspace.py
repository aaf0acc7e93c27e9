"""Peak positions with sub-bin precision, re-expressed in Q = 1/d^2."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn_compat.base import _fit_context

from ..simulation import resolve_wavelength
from ..simulation._wavelengths import kalpha_lines
from ..utils._param_validation import Interval
from ..utils._validation import validate_patterns
from ._peaks import find_peaks_2d


def find_pattern_peaks(
    X, *, two_theta_start=5.0, step=0.02, min_height=0.01, n_peaks=20
):
    """The lowest-angle local maxima of each pattern, refined to sub-bin precision.

    A peak is a bin higher than its left neighbour, at least as high as its
    right neighbour, and at least ``min_height`` times the maximum of its
    pattern. Its position is the vertex of the parabola through the bin and its
    two neighbours, which recovers the centre of a sampled symmetric peak to a
    small fraction of a bin.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_bins)
        Patterns on the grid ``two_theta_start + step * k``.
    two_theta_start : float, default=5.0
        2-theta of the first bin, in degrees.
    step : float, default=0.02
        Grid spacing, in degrees.
    min_height : float, default=0.01
        Smallest peak height, as a fraction of the pattern's maximum.
    n_peaks : int, default=20
        How many of the lowest-angle peaks to return.

    Returns
    -------
    two_theta : ndarray of shape (n_samples, n_peaks)
        Peak positions in degrees, ascending; NaN where a pattern has fewer peaks.
    height : ndarray of shape (n_samples, n_peaks)
        Parabola-vertex heights over the pattern's maximum; 0 where padded.

    Examples
    --------
    >>> x = np.arange(50) * 0.02 + 5.0
    >>> X = np.exp(-0.5 * ((x - 5.4567) / 0.03) ** 2)[None, :]
    >>> tt, h = find_pattern_peaks(X, n_peaks=2)
    >>> round(float(tt[0, 0]), 3), bool(np.isnan(tt[0, 1]))
    (5.457, True)
    """
    X = np.asarray(X, dtype=float)
    n_samples, n_bins = X.shape
    two_theta = np.full((n_samples, n_peaks), np.nan)
    height = np.zeros((n_samples, n_peaks))
    if n_bins < 3 or n_peaks == 0:
        return two_theta, height
    mask, offset = find_peaks_2d(X, min_height=min_height)
    # edge bins have one neighbour only: no parabola, so no peak
    mask[:, [0, -1]] = False
    # 2-theta beyond 180 degrees has no Bragg angle
    last_bin = int(np.floor((180.0 - two_theta_start) / step))
    if last_bin < n_bins - 1:
        mask[:, max(last_bin, 0) :] = False
    rank = np.cumsum(mask, axis=1)
    mask &= rank <= n_peaks
    rows, cols = np.nonzero(mask)
    slot = rank[rows, cols] - 1
    delta = offset[rows, cols]
    y0, y1, y2 = X[rows, cols - 1], X[rows, cols], X[rows, cols + 1]
    two_theta[rows, slot] = two_theta_start + step * (cols + delta)
    vertex = y1 - 0.25 * (y0 - y2) * delta
    height[rows, slot] = vertex / X.max(axis=1)[rows]
    return two_theta, height


def kalpha2_ratio(wavelength):
    """``lambda(K-alpha2) / lambda(K-alpha1)`` of a tube line, or None.

    Parameters
    ----------
    wavelength : str or float
        A K-alpha line of :data:`~sklearn_xrd.simulation.WAVELENGTHS` (``"CuKa"``,
        ``"CuKa1"``, ...) or a number (then nothing is known: None).

    Returns
    -------
    ratio : float or None

    Examples
    --------
    >>> round(kalpha2_ratio("CuKa"), 5)
    1.00249
    >>> kalpha2_ratio(1.0) is None
    True
    """
    lines = kalpha_lines(wavelength)
    if lines is None:
        return None
    return resolve_wavelength(lines[1]) / resolve_wavelength(lines[0])


def select_peaks(two_theta, height, *, n_peaks=20, order="angle", kalpha2=None):
    """Choose the peaks to index from each row of a peak list.

    Measured patterns hold peaks that a simulation does not: the K-alpha2
    partner of every strong line (resolved above about 40 degrees with copper)
    and weak bumps of noise. Both break an indexing of the first lines, so
    partners can be dropped and the strongest peaks kept instead of the
    lowest-angle ones.

    Parameters
    ----------
    two_theta : ndarray of shape (n_samples, n_found)
        Peak positions in degrees, ascending in each row; NaN is padding at the
        end of a row.
    height : ndarray of shape (n_samples, n_found)
        Peak heights.
    n_peaks : int, default=20
        Peaks kept per row.
    order : {"angle", "strongest"}, default="angle"
        ``"angle"`` keeps the lowest-angle peaks, ``"strongest"`` the highest
        ones; either way they are returned in ascending angle.
    kalpha2 : float or None, default=None
        ``lambda2 / lambda1`` (see :func:`kalpha2_ratio`): a peak is dropped when
        it lies where the K-alpha2 partner of a peak at least 1.25 times higher
        falls (``2 asin(ratio sin(theta))``, within a third of the
        doublet's splitting plus 0.01 degree). None keeps every peak.

    Returns
    -------
    two_theta : ndarray of shape (n_samples, n_peaks)
        NaN where a row has fewer peaks.
    height : ndarray of shape (n_samples, n_peaks)
        0 where padded.

    Examples
    --------
    >>> tt = np.array([[30.0, 50.0, 50.15, 60.0]])
    >>> h = np.array([[1.0, 0.8, 0.4, 0.05]])
    >>> out, _ = select_peaks(tt, h, n_peaks=3, kalpha2=kalpha2_ratio("CuKa"))
    >>> out.tolist()
    [[30.0, 50.0, 60.0]]
    >>> select_peaks(tt, h, n_peaks=2, order="strongest")[0].tolist()
    [[30.0, 50.0]]
    """
    if order not in ("angle", "strongest"):
        raise ValueError(f"order must be 'angle' or 'strongest', got {order!r}")
    two_theta = np.asarray(two_theta, dtype=float)
    height = np.asarray(height, dtype=float)
    keep = np.isfinite(two_theta)
    width = int(keep.sum(axis=1).max(initial=0))
    if kalpha2 is not None and len(two_theta) > 64:  # bound the pairwise arrays
        parts = [
            select_peaks(
                two_theta[i : i + 64],
                height[i : i + 64],
                n_peaks=n_peaks,
                order=order,
                kalpha2=kalpha2,
            )
            for i in range(0, len(two_theta), 64)
        ]
        return tuple(np.concatenate(p) for p in zip(*parts))
    # the padding is at the end of each row (NaN sorts last)
    two_theta, height, keep = two_theta[:, :width], height[:, :width], keep[:, :width]
    if kalpha2 is not None:
        sin2 = kalpha2 * np.sin(np.radians(np.nan_to_num(two_theta)) / 2)
        partner = np.degrees(2 * np.arcsin(np.clip(sin2, -1, 1)))
        window = (partner - two_theta) / 3 + 0.01
        # pair (i, j): peak j sits at the K-alpha2 place of a stronger peak i
        hit = np.abs(two_theta[:, None, :] - partner[:, :, None]) <= window[:, :, None]
        hit &= height[:, None, :] * 1.25 <= height[:, :, None]
        hit &= keep[:, :, None] & (sin2 < 1)[:, :, None]
        keep &= ~hit.any(axis=1)
    score = np.where(keep, height if order == "strongest" else -two_theta, -np.inf)
    rank = np.argsort(-score, axis=1, kind="stable")[:, :n_peaks]
    chosen = np.take_along_axis(keep, rank, axis=1)
    tt = np.where(chosen, np.take_along_axis(two_theta, rank, axis=1), np.nan)
    hh = np.where(chosen, np.take_along_axis(height, rank, axis=1), 0.0)
    by_angle = np.argsort(np.where(chosen, tt, np.inf), axis=1, kind="stable")
    out_tt = np.full((len(two_theta), n_peaks), np.nan)
    out_h = np.zeros((len(two_theta), n_peaks))
    w = tt.shape[1]
    out_tt[:, :w] = np.take_along_axis(tt, by_angle, axis=1)
    out_h[:, :w] = np.take_along_axis(hh, by_angle, axis=1)
    return out_tt, out_h


def qspace_features(two_theta, height=None, *, n_peaks=20, wavelength="CuKa"):
    """Q-space features of peak lists: Q, ratios to the first Q, intensities.

    Parameters
    ----------
    two_theta : array-like of shape (n_samples, n_found) or (n_found,)
        Peak positions in degrees; NaN entries are padding. Each row is sorted
        and its first ``n_peaks`` peaks are used.
    height : array-like of the same shape, default=None
        Peak intensities; each row is divided by its maximum. ``None`` gives 1.
    n_peaks : int, default=20
        Width of each block.
    wavelength : str or float, default="CuKa"
        Tube line or wavelength in angstrom.

    Returns
    -------
    features : ndarray of shape (n_samples, 3 * n_peaks)
        ``[Q_0 .. Q_{n-1}, Q_1/Q_0 .. Q_{n-1}/Q_0, I_0 .. I_{n-1}, n_found]``
        with ``Q`` in inverse square angstrom; missing peaks are padded with 0
        in every block and ``n_found`` counts the real ones.

    Examples
    --------
    >>> f = qspace_features([[27.39, 31.72]], [[0.5, 1.0]], n_peaks=3)
    >>> f.round(4).tolist()
    [[0.0943, 0.1257, 0.0, 1.3324, 0.0, 0.5, 1.0, 0.0, 2.0]]
    """
    lam = resolve_wavelength(wavelength)
    tt = np.atleast_2d(np.asarray(two_theta, dtype=float))
    if height is None:
        h = np.where(np.isfinite(tt), 1.0, 0.0)
    else:
        h = np.atleast_2d(np.asarray(height, dtype=float))
        if h.shape != tt.shape:
            raise ValueError(
                f"height has shape {h.shape} but two_theta has shape {tt.shape}"
            )
    valid = np.isfinite(tt) & (tt > 0) & (tt < 180)
    order = np.argsort(np.where(valid, tt, np.inf), axis=1, kind="stable")
    tt = np.take_along_axis(np.where(valid, tt, np.nan), order, axis=1)
    h = np.take_along_axis(np.where(valid, h, 0.0), order, axis=1)
    width = tt.shape[1]
    if width < n_peaks:
        tt = np.pad(tt, ((0, 0), (0, n_peaks - width)), constant_values=np.nan)
        h = np.pad(h, ((0, 0), (0, n_peaks - width)))
    tt, h = tt[:, :n_peaks], h[:, :n_peaks]
    found = np.isfinite(tt)
    q = np.where(found, (2 * np.sin(np.radians(np.nan_to_num(tt)) / 2) / lam) ** 2, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(found[:, 1:], q[:, 1:] / q[:, :1], 0.0)
        top = h.max(axis=1, keepdims=True)
        intensity = np.where(top > 0, h / top, 0.0)
    ratio = np.nan_to_num(ratio, nan=0.0, posinf=0.0)
    n_found = found.sum(axis=1, keepdims=True).astype(float)
    return np.hstack([q, ratio, intensity, n_found])


def _qspace_feature_names(n_peaks):
    return np.asarray(
        [f"q_{i}" for i in range(n_peaks)]
        + [f"q_ratio_{i}" for i in range(1, n_peaks)]
        + [f"intensity_{i}" for i in range(n_peaks)]
        + ["n_peaks_found"],
        dtype=object,
    )


class QSpacePeaks(TransformerMixin, BaseEstimator):
    """Lowest-angle peaks of each pattern as Q = 1/d^2, ratios and intensities.

    Peaks (local maxima above ``min_height`` times the pattern's maximum) are
    located to sub-bin precision by parabolic interpolation and converted to
    ``Q = 1/d^2 = (2 sin(theta) / lambda)^2``, so that patterns measured with
    any tube line map to the same features. Ratios ``Q_i / Q_0`` do not depend
    on the cell size of a cubic lattice and vary little with it otherwise.

    Parameters
    ----------
    n_peaks : int, default=20
        How many of the lowest-angle peaks to describe.
    wavelength : str or float, default="CuKa"
        Tube line (see :data:`sklearn_xrd.simulation.WAVELENGTHS`) or
        wavelength in angstrom of the input patterns.
    two_theta_start : float, default=5.0
        2-theta of the first bin, in degrees.
    step : float, default=0.02
        Grid spacing, in degrees.
    min_height : float, default=0.01
        Smallest peak height as a fraction of the pattern's maximum.

    Attributes
    ----------
    n_features_in_ : int
        Number of grid points seen during fit.

    See Also
    --------
    IndexingFeatures : Figures of merit of each lattice system for the peaks.

    Notes
    -----
    Output columns: ``q_0 .. q_{n-1}`` (inverse square angstrom, ascending),
    ``q_ratio_1 .. q_ratio_{n-1}`` (``Q_i / Q_0``), ``intensity_0 ..
    intensity_{n-1}`` (parabola-vertex height over the pattern's maximum) and
    ``n_peaks_found``. A pattern with fewer than ``n_peaks`` peaks is padded
    with 0 in every block; ``n_peaks_found`` tells real peaks from padding.
    Peak finding assumes smooth (simulated or denoised) patterns: every local
    maximum above ``min_height`` counts as a peak.

    Examples
    --------
    >>> from sklearn_xrd.simulation import grid
    >>> x = grid((5, 90), 0.02)
    >>> X = np.exp(-0.5 * ((x - 31.72) / 0.04) ** 2)[None, :]
    >>> Xt = QSpacePeaks(n_peaks=2).fit_transform(X)
    >>> Xt.shape, round(float(Xt[0, 0]), 4)
    ((1, 6), 0.1257)
    """

    _parameter_constraints: dict = {
        "n_peaks": [Interval(Integral, 1, None, closed="left")],
        "wavelength": [str, Interval(Real, 0, None, closed="neither")],
        "two_theta_start": [Interval(Real, 0, 180, closed="left")],
        "step": [Interval(Real, 0, None, closed="neither")],
        "min_height": [Interval(Real, 0, 1, closed="both")],
    }

    def __init__(
        self,
        n_peaks=20,
        *,
        wavelength="CuKa",
        two_theta_start=5.0,
        step=0.02,
        min_height=0.01,
    ):
        self.n_peaks = n_peaks
        self.wavelength = wavelength
        self.two_theta_start = two_theta_start
        self.step = step
        self.min_height = min_height

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the patterns and the parameters; nothing is learned.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_bins)
            Patterns on the grid ``two_theta_start + step * k``.
        y : None
            Ignored.

        Returns
        -------
        self : QSpacePeaks
        """
        validate_patterns(self, X, reset=True)
        resolve_wavelength(self.wavelength)
        return self

    def transform(self, X):
        """Q-space features of each pattern.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_bins)
            Patterns on the grid ``two_theta_start + step * k``.

        Returns
        -------
        features : ndarray of shape (n_samples, 3 * n_peaks)
        """
        X = validate_patterns(self, X, reset=False)
        tt, height = find_pattern_peaks(
            X,
            two_theta_start=self.two_theta_start,
            step=self.step,
            min_height=self.min_height,
            n_peaks=self.n_peaks,
        )
        return qspace_features(
            tt, height, n_peaks=self.n_peaks, wavelength=self.wavelength
        )

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns: ``q_i``, ``q_ratio_i``, ``intensity_i``.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Ignored (the outputs do not map to input columns).

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        return _qspace_feature_names(self.n_peaks)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        return tags
