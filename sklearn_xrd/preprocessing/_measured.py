"""Transformers for measured patterns: resampling, background, K-alpha2, smoothing."""

from numbers import Integral, Real

import numpy as np
from scipy import sparse
from scipy.signal import savgol_filter
from scipy.sparse.linalg import spsolve, spsolve_triangular
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn_compat.base import _fit_context

from ..simulation import WAVELENGTHS, grid, resolve_wavelength
from ..simulation._xrd import check_two_theta_range
from ..utils._param_validation import Interval, StrOptions
from ..utils._validation import validate_patterns
from ._profiles import doublet_matrix

_WAVELENGTH_CONSTRAINT = [
    StrOptions(set(WAVELENGTHS)),
    Interval(Real, 0, None, closed="neither"),
]


def resample_pattern(
    two_theta,
    intensity,
    *,
    wavelength,
    target_wavelength="CuKa",
    two_theta_range=(5, 90),
    step=0.02,
):
    """Map a measured pattern onto the model grid, through d-spacing.

    Each target angle ``2theta'`` of the grid ``two_theta_range[0] + step * k``
    sees the spacing ``d = target_lambda / (2 sin theta')``, which the
    measurement saw at ``2theta = 2 asin(lambda / (2 d))``; the intensity
    there is interpolated linearly between the measured points. Target
    angles whose spacing lies outside the measured range (or beyond the
    reach of the measured wavelength) get zero intensity. Intensities are
    not rescaled (no Lorentz-polarisation or Jacobian correction).

    Parameters
    ----------
    two_theta : array-like of shape (n_points,)
        Measured angles in degrees, strictly monotonic.
    intensity : array-like of shape (n_points,)
        Measured intensities.
    wavelength : str or float
        Wavelength of the measurement: a tube line of
        :data:`sklearn_xrd.simulation.WAVELENGTHS` or angstrom.
    target_wavelength : str or float, default="CuKa"
        Wavelength of the model grid.
    two_theta_range : tuple of (float, float), default=(5, 90)
        First and last grid point, degrees.
    step : float, default=0.02
        Grid spacing, degrees.

    Returns
    -------
    resampled : ndarray of shape (n_bins,)
        The pattern on the grid (zeros outside the measured range).

    Examples
    --------
    >>> import numpy as np
    >>> tt = np.linspace(2, 40, 1901)
    >>> y = np.exp(-0.5 * ((tt - 10.0) / 0.05) ** 2)  # a peak at 10 deg, Mo Ka
    >>> out = resample_pattern(tt, y, wavelength="MoKa", two_theta_range=(5, 90))
    >>> round(5 + 0.02 * int(out.argmax()), 2)  # the same d seen with Cu Ka
    21.8
    """
    lam = resolve_wavelength(wavelength)
    target = resolve_wavelength(target_wavelength)
    lo, hi = check_two_theta_range(two_theta_range)
    if not (isinstance(step, Real) and step > 0):
        raise ValueError(f"step must be a positive number, got {step!r}")
    x = np.asarray(two_theta, dtype=np.float64).ravel()
    y = np.asarray(intensity, dtype=np.float64).ravel()
    if x.shape != y.shape:
        raise ValueError(
            f"two_theta and intensity differ in length: {x.size} != {y.size}"
        )
    if x.size < 2:
        raise ValueError(f"a pattern needs at least 2 points, got {x.size}")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("two_theta and intensity must be finite")
    diff = np.diff(x)
    if np.all(diff < 0):
        x, y = x[::-1], y[::-1]
    elif not np.all(diff > 0):
        raise ValueError("two_theta must be strictly monotonic")
    out_grid = grid((lo, hi), step)
    sin_source = lam / target * np.sin(np.radians(out_grid) / 2.0)
    out = np.zeros_like(out_grid)
    reach = sin_source < 1.0
    source = np.degrees(2.0 * np.arcsin(sin_source[reach]))
    out[reach] = np.interp(source, x, y, left=0.0, right=0.0)
    return out


def _pairs(X):
    """``(two_theta, intensity, wavelength)`` for each element of ``X``."""
    if isinstance(X, (str, bytes)):
        raise ValueError("PatternResampler expects a list of patterns, got a string")
    if isinstance(X, np.ndarray) and X.ndim == 2:
        raise ValueError(
            "PatternResampler expects a 1-D list of Pattern objects or "
            f"(two_theta, intensity) pairs, got a 2-D array of shape {X.shape}"
        )
    items = []
    for i, item in enumerate(X):
        if hasattr(item, "two_theta") and hasattr(item, "intensity"):
            items.append(
                (item.two_theta, item.intensity, getattr(item, "wavelength", None))
            )
            continue
        try:
            two_theta, intensity = item
        except (TypeError, ValueError):
            raise ValueError(
                f"pattern {i}: expected a Pattern or a (two_theta, intensity) "
                f"pair, got {type(item).__name__}"
            ) from None
        items.append((two_theta, intensity, None))
    return items


class PatternResampler(TransformerMixin, BaseEstimator):
    """Put measured patterns of any grid and wavelength onto the model grid.

    Stateless, like :class:`CIFToPattern`: a 1-D list of patterns goes in
    (:class:`sklearn_xrd.io.Pattern` objects or ``(two_theta, intensity)``
    pairs, each of its own length), a matrix of fixed width comes out, one
    row per pattern, computed by :func:`resample_pattern` (through
    d-spacing, linear interpolation, zeros outside the measured range).

    Parameters
    ----------
    wavelength : str or float, default=None
        Wavelength of every input (tube line or angstrom). ``None`` takes it
        from each :class:`~sklearn_xrd.io.Pattern` and raises ``ValueError``
        for a pattern without one (and for plain pairs).
    target_wavelength : str or float, default="CuKa"
        Wavelength of the output grid.
    two_theta_range : tuple of (float, float), default=(5, 90)
        First and last grid point, degrees.
    step : float, default=0.02
        Grid spacing, degrees.

    Attributes
    ----------
    two_theta_ : ndarray of shape (n_bins,)
        The output grid, degrees (available without fitting, as a property).

    See Also
    --------
    resample_pattern : The same for one pattern.
    sklearn_xrd.io.read_pattern : Read measured files.

    Examples
    --------
    >>> import numpy as np
    >>> tt = np.arange(10.0, 80.0, 0.01)
    >>> y = np.exp(-0.5 * ((tt - 30.0) / 0.05) ** 2)
    >>> X = PatternResampler(wavelength="CuKa").transform([(tt, y)])
    >>> X.shape, round(5 + 0.02 * int(X[0].argmax()), 2)
    ((1, 4251), 30.0)
    """

    _parameter_constraints: dict = {
        "wavelength": [None, *_WAVELENGTH_CONSTRAINT],
        "target_wavelength": list(_WAVELENGTH_CONSTRAINT),
        "two_theta_range": [tuple, list],
        "step": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        wavelength=None,
        *,
        target_wavelength="CuKa",
        two_theta_range=(5, 90),
        step=0.02,
    ):
        self.wavelength = wavelength
        self.target_wavelength = target_wavelength
        self.two_theta_range = two_theta_range
        self.step = step

    @property
    def two_theta_(self):
        """The 2-theta grid of the output columns, degrees."""
        return grid(check_two_theta_range(self.two_theta_range), self.step)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X=None, y=None):
        """Validate the parameters; nothing is learned.

        Parameters
        ----------
        X : list of Pattern or (two_theta, intensity) pairs, default=None
            Ignored.
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        check_two_theta_range(self.two_theta_range)
        return self

    def transform(self, X):
        """Resample each pattern onto the grid.

        Parameters
        ----------
        X : iterable of Pattern or (two_theta, intensity) pairs
            One-dimensional; each pattern may have its own length.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_bins)
        """
        self._validate_params()
        lo, hi = check_two_theta_range(self.two_theta_range)
        rows = []
        for i, (two_theta, intensity, own) in enumerate(_pairs(X)):
            lam = self.wavelength if self.wavelength is not None else own
            if lam is None:
                raise ValueError(
                    f"pattern {i}: wavelength unknown; pass wavelength= to "
                    "PatternResampler or read the file with read_pattern(..., "
                    "wavelength=...)"
                )
            try:
                rows.append(
                    resample_pattern(
                        two_theta,
                        intensity,
                        wavelength=lam,
                        target_wavelength=self.target_wavelength,
                        two_theta_range=(lo, hi),
                        step=self.step,
                    )
                )
            except ValueError as exc:
                raise ValueError(f"pattern {i}: {exc}") from None
        if not rows:
            return np.zeros((0, len(grid((lo, hi), self.step))))
        return np.vstack(rows)

    def get_feature_names_out(self, input_features=None):
        """Column names ``two_theta_<angle>``, e.g. ``two_theta_12.340``.

        Parameters
        ----------
        input_features : None
            Ignored.

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        return np.asarray([f"two_theta_{t:.3f}" for t in self.two_theta_], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.requires_fit = False
        return tags


class _RowTransformer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Shared fit/transform of the stateless row-wise transformers."""

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check ``X`` and record its width; nothing is learned.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_bins)
            Patterns on a grid of spacing ``step``.
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        validate_patterns(self, X, reset=True)
        return self

    def transform(self, X):
        """Apply the correction to each pattern.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_bins)

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_bins)
        """
        self._validate_params()
        X = validate_patterns(self, X, reset=False)
        out = self._transform(np.asarray(X, dtype=np.float64))
        return out.astype(X.dtype, copy=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _lls(X):
    return np.log(np.log(np.sqrt(X + 1.0) + 1.0) + 1.0)


def _lls_inverse(V):
    return (np.exp(np.exp(V) - 1.0) - 1.0) ** 2 - 1.0


def snip_background(X, n_iterations):
    """SNIP background of each row of ``X`` (LLS-transformed, increasing window).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_bins)
    n_iterations : int
        Largest clipping half-width, in bins.

    Returns
    -------
    background : ndarray of shape (n_samples, n_bins)
        Never above ``X``.
    """
    X = np.asarray(X, dtype=np.float64)
    offset = np.minimum(X.min(axis=1, keepdims=True), 0.0) if X.size else 0.0
    V = _lls(X - offset)
    n = X.shape[1]
    for p in range(1, min(int(n_iterations), (n - 1) // 2) + 1):
        mean = 0.5 * (V[:, : n - 2 * p] + V[:, 2 * p :])
        np.minimum(V[:, p : n - p], mean, out=V[:, p : n - p])
    return np.minimum(_lls_inverse(V) + offset, X)


def als_background(X, lam, p, n_iter=10):
    """Asymmetric least-squares background of each row (Eilers and Boelens).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_bins)
    lam : float
        Smoothness penalty on second differences (in bins).
    p : float
        Weight of points above the background (below get ``1 - p``).
    n_iter : int, default=10
        Reweighting iterations.

    Returns
    -------
    background : ndarray of shape (n_samples, n_bins)
    """
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[1]
    out = np.array(X, copy=True)
    if n < 3:
        return out
    D = sparse.diags([1.0, -2.0, 1.0], [0, 1, 2], shape=(n - 2, n), format="csc")
    penalty = lam * (D.T @ D)
    for i, y in enumerate(X):
        w = np.ones(n)
        z = y
        for _ in range(n_iter):
            W = sparse.diags(w, 0, format="csc")
            z = spsolve((W + penalty).tocsc(), w * y)
            w_new = np.where(y > z, p, 1.0 - p)
            if np.array_equal(w_new, w):
                break
            w = w_new
        out[i] = z
    return out


class BackgroundRemover(_RowTransformer):
    """Subtract a smooth background from each pattern (SNIP or ALS).

    Parameters
    ----------
    method : {"snip", "als"}, default="snip"
        ``"snip"``: Statistics-sensitive Non-linear Iterative Peak-clipping
        (Ryan et al. 1988) on the log-log-square-root (LLS) transformed
        intensities, with clipping half-widths growing from one bin to
        ``snip_width / step`` bins; the background never exceeds the pattern,
        so the result is non-negative. ``"als"``: asymmetric least squares
        (Eilers and Boelens 2005) solved with :mod:`scipy.sparse`; the result
        may dip slightly below zero.
    snip_width : float, default=1.0
        Largest clipping half-width of SNIP, degrees; make it wider than the
        broadest peak (about twice its FWHM or more).
    als_lambda : float, default=1e6
        ALS smoothness penalty on second differences, in units of bins
        (larger: stiffer background). It scales with ``step ** -4`` for a
        given smoothness in degrees.
    als_p : float, default=0.01
        ALS asymmetry: weight of points above the background.
    als_max_iter : int, default=10
        ALS reweighting iterations.
    step : float, default=0.02
        Grid spacing, degrees.

    Attributes
    ----------
    n_features_in_ : int
        Number of grid points seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    Smoother : Savitzky-Golay smoothing.
    KAlpha2Stripper : Remove the K-alpha2 doublet.

    References
    ----------
    C. G. Ryan et al., Nucl. Instrum. Methods B 34, 396 (1988);
    M. Morhac, Nucl. Instrum. Methods A 600, 478 (2009);
    P. H. C. Eilers and H. F. M. Boelens, "Baseline correction with
    asymmetric least squares smoothing" (2005).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.linspace(5, 90, 4251)
    >>> X = (100 * np.exp(-0.5 * ((x - 30) / 0.05) ** 2) + 50 - 0.3 * x)[None]
    >>> Xt = BackgroundRemover().fit_transform(X)
    >>> round(float(Xt[0, 1250]), 1), round(float(Xt[0, 3000]), 1)
    (100.0, 0.0)
    """

    _parameter_constraints: dict = {
        "method": [StrOptions({"snip", "als"})],
        "snip_width": [Interval(Real, 0, None, closed="neither")],
        "als_lambda": [Interval(Real, 0, None, closed="neither")],
        "als_p": [Interval(Real, 0, 1, closed="neither")],
        "als_max_iter": [Interval(Integral, 1, None, closed="left")],
        "step": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        method="snip",
        *,
        snip_width=1.0,
        als_lambda=1e6,
        als_p=0.01,
        als_max_iter=10,
        step=0.02,
    ):
        self.method = method
        self.snip_width = snip_width
        self.als_lambda = als_lambda
        self.als_p = als_p
        self.als_max_iter = als_max_iter
        self.step = step

    def _transform(self, X):
        if self.method == "snip":
            n_iterations = int(np.ceil(self.snip_width / self.step))
            background = snip_background(X, n_iterations)
        else:
            background = als_background(
                X, self.als_lambda, self.als_p, self.als_max_iter
            )
        return X - background


class KAlpha2Stripper(_RowTransformer):
    """Remove the K-alpha2 component of each pattern (Rachinger correction).

    A reflection seen with K-alpha1 at ``2theta1`` has its K-alpha2 partner,
    ``ratio`` times as strong, at ``2theta2 = 2 asin(lambda2 / lambda1 *
    sin(theta1))``. Going from low to high angle, the stripped intensity of
    each bin is the measured intensity minus ``ratio`` times the stripped
    intensity whose partner lands there. This solves exactly the
    triangular system that :class:`KAlpha2Doublet` (with the same parameters)
    applies, so stripping undoes it.

    Parameters
    ----------
    ratio : float, default=0.5
        Intensity of K-alpha2 relative to K-alpha1.
    wavelength_alpha1 : str or float, default="CuKa1"
        First line (name or angstrom).
    wavelength_alpha2 : str or float, default="CuKa2"
        Second line (name or angstrom).
    two_theta_start : float, default=5.0
        Angle of the first bin, in degrees.
    step : float, default=0.02
        Grid spacing, in degrees.

    Attributes
    ----------
    n_features_in_ : int
        Number of grid points seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    KAlpha2Doublet : The forward operation.
    resample_pattern : Convert to the model wavelength afterwards.

    Notes
    -----
    Stripping amplifies noise a little (each bin subtracts a neighbour), and
    a pattern whose true ratio differs from ``ratio`` keeps a small residue.
    The result is on the K-alpha1 scale: resample with the K-alpha1
    wavelength.

    References
    ----------
    W. A. Rachinger, J. Sci. Instrum. 25, 254 (1948).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_xrd.preprocessing import KAlpha2Doublet
    >>> X = np.zeros((1, 4251)); X[0, 2750] = 1.0
    >>> doublet = KAlpha2Doublet().fit_transform(X)
    >>> np.allclose(KAlpha2Stripper().fit_transform(doublet), X)
    True
    """

    _parameter_constraints: dict = {
        "ratio": [Interval(Real, 0, None, closed="left")],
        "wavelength_alpha1": list(_WAVELENGTH_CONSTRAINT),
        "wavelength_alpha2": list(_WAVELENGTH_CONSTRAINT),
        "two_theta_start": [Interval(Real, 0, 180, closed="neither")],
        "step": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        *,
        ratio=0.5,
        wavelength_alpha1="CuKa1",
        wavelength_alpha2="CuKa2",
        two_theta_start=5.0,
        step=0.02,
    ):
        self.ratio = ratio
        self.wavelength_alpha1 = wavelength_alpha1
        self.wavelength_alpha2 = wavelength_alpha2
        self.two_theta_start = two_theta_start
        self.step = step

    def _doublet_matrix(self, n):
        """``M`` with ``doublet = X @ M``: identity plus the alpha2 partners."""
        return doublet_matrix(
            self.two_theta_start + self.step * np.arange(n),
            self.step,
            ratio=self.ratio,
            wavelength_alpha1=self.wavelength_alpha1,
            wavelength_alpha2=self.wavelength_alpha2,
        )

    def _transform(self, X):
        if X.shape[0] == 0 or X.shape[1] == 0:
            return X.copy()
        if resolve_wavelength(self.wavelength_alpha2) < resolve_wavelength(
            self.wavelength_alpha1
        ):
            raise ValueError(
                "wavelength_alpha2 must not be shorter than wavelength_alpha1"
            )
        M = self._doublet_matrix(X.shape[1])
        # X_stripped @ M = X  <=>  M.T @ X_stripped.T = X.T, M.T lower triangular
        solved = spsolve_triangular(M.T.tocsr(), X.T, lower=True)
        return np.asarray(solved).T


class Smoother(_RowTransformer):
    """Light smoothing of each pattern (Savitzky-Golay).

    Parameters
    ----------
    method : {"savgol"}, default="savgol"
        :func:`scipy.signal.savgol_filter`, which keeps peak heights and
        positions better than a moving average.
    window : float, default=0.1
        Window width in degrees; it becomes the odd number of bins
        ``2 * floor(window / (2 * step)) + 1`` (at least ``polyorder + 1``,
        at most the pattern length). Keep it below the narrowest peak FWHM.
    polyorder : int, default=3
        Order of the local polynomial.
    step : float, default=0.02
        Grid spacing, degrees.

    Attributes
    ----------
    n_features_in_ : int
        Number of grid points seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    BackgroundRemover : Subtract the background.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.linspace(-1, 1, 201)
    >>> smooth = (x**3 - x)[None]
    >>> np.allclose(Smoother().fit_transform(smooth), smooth)  # cubics pass through
    True
    >>> noise = np.random.default_rng(0).normal(size=(1, 201))
    >>> bool(Smoother().fit_transform(noise).std() < 0.8 * noise.std())
    True
    """

    _parameter_constraints: dict = {
        "method": [StrOptions({"savgol"})],
        "window": [Interval(Real, 0, None, closed="neither")],
        "polyorder": [Interval(Integral, 0, None, closed="left")],
        "step": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, method="savgol", *, window=0.1, polyorder=3, step=0.02):
        self.method = method
        self.window = window
        self.polyorder = polyorder
        self.step = step

    def _transform(self, X):
        n = X.shape[1]
        length = 2 * int(np.floor(self.window / (2 * self.step) + 1e-9)) + 1
        if length <= self.polyorder:
            length = self.polyorder + 1 + (self.polyorder % 2 == 0)
        if length > n:
            length = n if n % 2 else n - 1
        if length <= self.polyorder or length < 3 or X.shape[0] == 0:
            return X.copy()
        return savgol_filter(X, length, self.polyorder, axis=1, mode="interp")
