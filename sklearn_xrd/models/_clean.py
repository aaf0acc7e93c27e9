"""Re-draw a pattern from its prominent peaks: noise-free input for peak features."""

from numbers import Real

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.signal import find_peaks
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn_compat.base import _fit_context

from ..utils._param_validation import Interval
from ..utils._validation import validate_patterns


def _clean_row(x, prominence, noise_factor, sigma_bins):
    x = x - x.min()
    top = x.max()
    out = np.zeros_like(x, dtype=float)
    if top <= 0 or len(x) < 3:
        return out
    # noise: most bins are background, so their spread about the median
    # (median absolute deviation) measures it, even when it is correlated
    noise = 1.4826 * np.median(np.abs(x - np.median(x)))
    threshold = max(prominence * top, noise_factor * noise)
    idx, _ = find_peaks(x, prominence=threshold)
    idx = idx[(idx > 0) & (idx < len(x) - 1)]
    if len(idx) == 0:
        return out
    y0, y1, y2 = x[idx - 1], x[idx], x[idx + 1]
    curvature = y0 - 2 * y1 + y2
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.where(curvature < 0, 0.5 * (y0 - y2) / curvature, 0.0)
    delta = np.clip(delta, -0.5, 0.5)
    pos = idx + delta
    lo = np.floor(pos).astype(int)
    frac = pos - lo
    np.add.at(out, lo, y1 * (1 - frac))
    np.add.at(out, np.minimum(lo + 1, len(x) - 1), y1 * frac)
    out = gaussian_filter1d(out, sigma_bins, mode="constant")
    return out * (top / out.max()) if out.max() > 0 else out


class PeakCleaner(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Keep only the prominent peaks of each pattern, re-drawn as clean Gaussians.

    Peaks are the local maxima whose topographic prominence exceeds both
    ``prominence`` times the pattern's maximum and ``noise_factor`` times the
    noise level (the median absolute deviation of the pattern, mostly background). Each
    is refined to sub-bin precision (parabola through three bins) and re-drawn
    as a Gaussian of width ``fwhm`` with its height, so that the local-maximum
    peak finders of :class:`~sklearn_xrd.preprocessing.QSpacePeaks`,
    :class:`~sklearn_xrd.preprocessing.IndexingFeatures` and
    :class:`~sklearn_xrd.preprocessing.PeakExtractor` see the lines of a
    measured pattern and not its noise.

    Parameters
    ----------
    prominence : float, default=0.02
        Smallest prominence, as a fraction of the pattern's maximum.
    noise_factor : float, default=10.0
        Smallest prominence, in units of the estimated noise level. Peak to
        valley, white noise reaches about 7 noise levels somewhere in a
        pattern of a few thousand bins (each extreme about 3.7 noise levels
        from the mean), so 10 keeps noise out, where 5 lets noise bumps in
        among the first 20 peaks (figures: ``benchmarks/bench_measured.py``).
    fwhm : float, default=0.1
        Width of the re-drawn peaks, degrees 2-theta.
    step : float, default=0.02
        Grid spacing, degrees.

    Attributes
    ----------
    n_features_in_ : int
        Number of grid points seen during fit.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = np.arange(500) * 0.02
    >>> X = np.exp(-0.5 * ((x - 5.0) / 0.05) ** 2) + 0.005 * rng.normal(size=500)
    >>> Xt = PeakCleaner().fit_transform(X[None, :])
    >>> Xt.shape, int(np.argmax(Xt)), bool(Xt[0, :200].max() == 0)
    ((1, 500), 250, True)
    """

    _parameter_constraints: dict = {
        "prominence": [Interval(Real, 0, 1, closed="both")],
        "noise_factor": [Interval(Real, 0, None, closed="left")],
        "fwhm": [Interval(Real, 0, None, closed="neither")],
        "step": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, prominence=0.02, *, noise_factor=10.0, fwhm=0.1, step=0.02):
        self.prominence = prominence
        self.noise_factor = noise_factor
        self.fwhm = fwhm
        self.step = step

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the patterns; nothing is learned.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_bins)
            Patterns.
        y : None
            Ignored.

        Returns
        -------
        self : PeakCleaner
        """
        validate_patterns(self, X, reset=True)
        return self

    def transform(self, X):
        """Re-draw every pattern from its prominent peaks.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_bins)
            Patterns.

        Returns
        -------
        X_clean : ndarray of shape (n_samples, n_bins)
            Same maximum as the input (after subtracting its minimum).
        """
        X = validate_patterns(self, X, reset=False)
        sigma = self.fwhm / (2 * np.sqrt(2 * np.log(2))) / self.step
        out = np.empty(X.shape, dtype=np.float64)
        for i, row in enumerate(np.asarray(X, dtype=np.float64)):
            out[i] = _clean_row(row, self.prominence, self.noise_factor, sigma)
        return out.astype(X.dtype, copy=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        return tags
