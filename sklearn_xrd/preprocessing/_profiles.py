"""Angle-dependent peak shapes: pseudo-Voigt (Caglioti, Scherrer), K-alpha2."""

import math
from numbers import Real

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted
from sklearn_compat.base import _fit_context

from ..simulation import resolve_wavelength
from ..utils._param_validation import Interval
from ..utils._validation import validate_patterns

# Below this density of non-zero bins, X is treated as a stick list (sparse).
_STICK_DENSITY = 0.05
# Matrix entries computed at once while building a profile matrix.
_BLOCK_ENTRIES = 2_000_000


def scherrer_fwhm(
    two_theta, crystallite_size, *, wavelength="CuKa", shape_factor_K=0.9
):
    """Scherrer size broadening ``K lambda / (tau cos(theta))``, in degrees 2-theta.

    Parameters
    ----------
    two_theta : array-like
        Bragg angles 2-theta, in degrees.
    crystallite_size : float
        Mean crystallite size ``tau``, in nanometres.
    wavelength : str or float, default="CuKa"
        Tube line (see :data:`~sklearn_xrd.simulation.WAVELENGTHS`) or angstrom.
    shape_factor_K : float, default=0.9
        Scherrer constant.

    Returns
    -------
    fwhm : ndarray
        Full width at half maximum, in degrees 2-theta.

    Examples
    --------
    >>> scherrer_fwhm([30.0, 60.0], 10.0).round(4)
    array([0.8231, 0.9181])
    """
    lam = resolve_wavelength(wavelength)
    theta = np.radians(np.asarray(two_theta, dtype=float)) / 2
    # tau in angstrom = 10 * nm; the width comes out in radians of 2-theta.
    return np.degrees(shape_factor_K * lam / (10.0 * crystallite_size * np.cos(theta)))


def caglioti_fwhm(two_theta, U=0.0, V=0.0, W=0.01):
    """Instrumental width ``sqrt(U tan^2(theta) + V tan(theta) + W)``, in degrees.

    Parameters
    ----------
    two_theta : array-like
        Bragg angles 2-theta, in degrees.
    U, V, W : float
        Caglioti coefficients, in square degrees.

    Returns
    -------
    fwhm : ndarray
        Full width at half maximum, in degrees 2-theta.

    Raises
    ------
    ValueError
        If ``U tan^2(theta) + V tan(theta) + W`` is negative at some angle.

    Examples
    --------
    >>> caglioti_fwhm([20.0, 80.0], U=0.01, V=-0.005, W=0.004).round(4)
    array([0.0586, 0.0827])
    """
    tan = np.tan(np.radians(np.asarray(two_theta, dtype=float)) / 2)
    fwhm2 = U * tan**2 + V * tan + W
    if np.any(fwhm2 < 0):
        bad = np.asarray(two_theta, dtype=float)[fwhm2 < 0]
        raise ValueError(
            f"Caglioti U tan^2 + V tan + W is negative at 2-theta = {bad[0]:.3f} "
            f"deg (U={U}, V={V}, W={W}); choose U, V, W with a positive width"
        )
    return np.sqrt(fwhm2)


def _pseudo_voigt(x, fwhm, eta):
    """Unit-area pseudo-Voigt ``eta L + (1 - eta) G`` of full width ``fwhm``."""
    u = (2.0 * x / fwhm) ** 2
    gauss = (2.0 * math.sqrt(math.log(2.0) / math.pi) / fwhm) * np.exp(
        -math.log(2.0) * u
    )
    lorentz = (2.0 / (math.pi * fwhm)) / (1.0 + u)
    return eta * lorentz + (1.0 - eta) * gauss


def _profile_matrix(fwhm, eta, window, step):
    """``(n_bins, n_bins)`` map whose row ``j`` is bin ``j``'s profile.

    Each profile is sampled at the bin centres within ``window`` FWHM of its
    centre and scaled to unit sum over that window (bins beyond the grid's ends
    included, so intensity spread past them is lost). Built in blocks of rows;
    a sparse matrix, or a dense array once more than a quarter is filled
    (broad profiles), where a BLAS product is faster.
    """
    n = len(fwhm)
    half = np.minimum(np.ceil(window * fwhm / step), n - 1).astype(np.int64)
    # A zero width has a one-bin window: all weight stays on the centre bin.
    fwhm = np.maximum(fwhm, 1e-3 * step)
    lengths = 2 * half + 1
    dense = lengths.sum() > n * n / 4
    blocks = []
    total = np.cumsum(lengths)
    cuts = np.searchsorted(total, np.arange(_BLOCK_ENTRIES, total[-1], _BLOCK_ENTRIES))
    bounds = np.unique(np.concatenate([[0], cuts, [n]]))
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        length = lengths[lo:hi]
        src = np.repeat(np.arange(hi - lo), length)
        first = np.repeat(np.cumsum(length) - length + half[lo:hi], length)
        offsets = np.arange(length.sum()) - first
        values = _pseudo_voigt(offsets * step, fwhm[lo:hi][src], eta)
        values /= np.bincount(src, weights=values, minlength=hi - lo)[src]
        dst = src + lo + offsets
        inside = (dst >= 0) & (dst < n)
        block = sparse.csr_matrix(
            (values[inside], (src[inside], dst[inside])), shape=(hi - lo, n)
        )
        blocks.append(block.toarray() if dense else block)
    return np.vstack(blocks) if dense else sparse.vstack(blocks, format="csr")


def _apply_matrix(X, matrix):
    """``X @ matrix``, through a sparse ``X`` when ``X`` is mostly zero (sticks)."""
    matrix = matrix.astype(X.dtype, copy=False)
    if np.count_nonzero(X) < _STICK_DENSITY * X.size:
        X = sparse.csr_matrix(X)
    out = X @ matrix
    return out.toarray() if sparse.issparse(out) else np.asarray(out)


def doublet_matrix(two_theta, step, *, ratio, wavelength_alpha1, wavelength_alpha2):
    """``M`` with ``X @ M`` = X plus its K-alpha2 copy: identity plus the partners.

    Bin ``j`` at ``2theta_1`` sends ``ratio`` of its intensity to
    ``2theta_2 = 2 asin(lambda_2 / lambda_1 sin(theta_1))``, split linearly
    between the two nearest bins; partners beyond 180 deg or past the grid
    are dropped. Shared by :class:`KAlpha2Doublet` and the Rachinger
    correction of :class:`~sklearn_xrd.preprocessing.KAlpha2Stripper`.

    Parameters
    ----------
    two_theta : ndarray of shape (n_bins,)
        The grid, degrees (evenly spaced by ``step``).
    step : float
        Grid spacing, degrees.
    ratio : float
        Intensity of K-alpha2 relative to K-alpha1.
    wavelength_alpha1, wavelength_alpha2 : str or float
        Tube lines or angstrom.

    Returns
    -------
    M : scipy.sparse.csr_matrix of shape (n_bins, n_bins)
    """
    n = len(two_theta)
    lam1 = resolve_wavelength(wavelength_alpha1)
    lam2 = resolve_wavelength(wavelength_alpha2)
    sin2 = lam2 / lam1 * np.sin(np.radians(two_theta) / 2)
    src = np.flatnonzero(sin2 < 1.0)
    partner = np.degrees(2 * np.arcsin(sin2[src]))
    pos = (partner - two_theta[0]) / step if n else partner
    lo = np.floor(pos).astype(np.int64)
    frac = pos - lo
    rows = np.concatenate([np.arange(n), src, src])
    cols = np.concatenate([np.arange(n), lo, lo + 1])
    vals = np.concatenate([np.ones(n), ratio * (1 - frac), ratio * frac])
    inside = (cols >= 0) & (cols < n)
    return sparse.csr_matrix((vals[inside], (rows[inside], cols[inside])), shape=(n, n))


def _grid(start, step, n_bins):
    two_theta = start + step * np.arange(n_bins)
    if two_theta[-1] >= 180.0 or two_theta[0] <= 0.0:
        raise ValueError(
            f"the grid two_theta_start + step * k for {n_bins} bins spans "
            f"{two_theta[0]:g}-{two_theta[-1]:g} deg; it must lie inside (0, 180)"
        )
    return two_theta


class PseudoVoigtProfile(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Spread each bin into a pseudo-Voigt peak whose width follows the angle.

    Every bin of the input (a stick pattern, or any pattern on the grid) is
    treated as a reflection at its angle and replaced by a unit-area
    pseudo-Voigt ``eta L + (1 - eta) G`` whose full width at half maximum is

    ``FWHM(2theta) = sqrt(FWHM_instr^2 + FWHM_size^2)``

    with the Caglioti instrumental width
    ``FWHM_instr^2 = U tan^2(theta) + V tan(theta) + W`` (square degrees) and
    the Scherrer size width ``FWHM_size = K lambda / (tau cos(theta))``
    (radians, converted to degrees). Gaussian and Lorentzian share that one
    width.

    Parameters
    ----------
    U : float, default=0.0
        Caglioti coefficient of ``tan^2(theta)``, in square degrees.
    V : float, default=0.0
        Caglioti coefficient of ``tan(theta)``, in square degrees.
    W : float, default=0.01
        Caglioti constant, in square degrees (``W=0.01`` is a 0.1 deg width).
    crystallite_size : float or None, default=None
        Scherrer crystallite size ``tau``, in **nanometres**; ``None`` adds no
        size broadening.
    shape_factor_K : float, default=0.9
        Scherrer constant ``K``.
    eta : float, default=0.5
        Lorentzian fraction: 0 is a pure Gaussian, 1 a pure Lorentzian.
    wavelength : str or float, default="CuKa"
        Tube line (a key of :data:`~sklearn_xrd.simulation.WAVELENGTHS`) or
        angstrom; used by the Scherrer width only.
    two_theta_start : float, default=5.0
        Angle of the first bin, in degrees.
    step : float, default=0.02
        Grid spacing, in degrees.
    window : float, default=10.0
        Half-width of each profile, in multiples of its local FWHM; the
        profile is cut there and scaled back to unit area.

    Attributes
    ----------
    fwhm_ : ndarray of shape (`n_features_in_`,)
        Profile width at each bin, in degrees 2-theta.
    profile_matrix_ : sparse matrix or ndarray of shape (n_bins, n_bins)
        ``transform(X) = X @ profile_matrix_``; row ``j`` is the profile of bin
        ``j``. Dense when the profiles are broad (more than a quarter filled).
    n_features_in_ : int
        Number of grid points seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    GaussianBroadening : One Gaussian width at every angle.
    KAlpha2Doublet : Add the K-alpha2 partner of every peak.

    Notes
    -----
    Widths add in quadrature, the Gaussian rule, for both components; the
    Thompson-Cox-Hastings convention would instead add the Lorentzian parts
    linearly. Each profile is sampled at bin centres and scaled to unit sum,
    so the integrated intensity of a peak is kept exactly, except for what
    falls past the ends of the grid. A zero width leaves the bin unchanged.

    ``fit`` builds the matrix once for the grid width it sees; ``transform``
    is one matrix product (a stick pattern, mostly zeros, is first made
    sparse). On two cores, 1000 patterns of 4251 bins take about 0.2-0.3 s at
    the defaults, 0.3-0.6 s with 20 nm crystallites and about 1 s with 5 nm
    ones (dense matrix).

    References
    ----------
    .. [1] G. Caglioti, A. Paoletti, F. P. Ricci, "Choice of collimators for a
       crystal spectrometer for neutron diffraction", Nucl. Instrum. 3, 223
       (1958).
    .. [2] A. L. Patterson, "The Scherrer formula for X-ray particle size
       determination", Phys. Rev. 56, 978 (1939).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.zeros((1, 4251)); X[0, 1250] = 1.0  # a stick at 30 deg
    >>> pv = PseudoVoigtProfile(W=0.0, crystallite_size=10.0).fit(X)
    >>> float(pv.fwhm_[1250].round(4))  # 0.9 * 1.54184 / (100 cos 15 deg) rad
    0.8231
    >>> Xt = pv.transform(X)
    >>> float(Xt.sum().round(6)), int(Xt.argmax())
    (1.0, 1250)
    """

    _parameter_constraints: dict = {
        "U": [Real],
        "V": [Real],
        "W": [Real],
        "crystallite_size": [Interval(Real, 0, None, closed="neither"), None],
        "shape_factor_K": [Interval(Real, 0, None, closed="neither")],
        "eta": [Interval(Real, 0, 1, closed="both")],
        "wavelength": [str, Interval(Real, 0, None, closed="neither")],
        "two_theta_start": [Interval(Real, 0, 180, closed="neither")],
        "step": [Interval(Real, 0, None, closed="neither")],
        "window": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        *,
        U=0.0,
        V=0.0,
        W=0.01,
        crystallite_size=None,
        shape_factor_K=0.9,
        eta=0.5,
        wavelength="CuKa",
        two_theta_start=5.0,
        step=0.02,
        window=10.0,
    ):
        self.U = U
        self.V = V
        self.W = W
        self.crystallite_size = crystallite_size
        self.shape_factor_K = shape_factor_K
        self.eta = eta
        self.wavelength = wavelength
        self.two_theta_start = two_theta_start
        self.step = step
        self.window = window

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Compute the width at each bin and build the profile matrix.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_bins)
            Patterns on the grid ``two_theta_start + step * k``.
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        X = validate_patterns(self, X, reset=True)
        two_theta = _grid(self.two_theta_start, self.step, X.shape[1])
        fwhm2 = caglioti_fwhm(two_theta, self.U, self.V, self.W) ** 2
        if self.crystallite_size is not None:
            fwhm2 += (
                scherrer_fwhm(
                    two_theta,
                    self.crystallite_size,
                    wavelength=self.wavelength,
                    shape_factor_K=self.shape_factor_K,
                )
                ** 2
            )
        self.fwhm_ = np.sqrt(fwhm2)
        self.profile_matrix_ = _profile_matrix(
            self.fwhm_, self.eta, self.window, self.step
        )
        return self

    def transform(self, X):
        """Broaden each pattern.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_bins)

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_bins)
        """
        check_is_fitted(self)
        X = validate_patterns(self, X, reset=False)
        return _apply_matrix(X, self.profile_matrix_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


class KAlpha2Doublet(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Add the K-alpha2 partner of every bin, at its Bragg angle.

    A reflection of spacing ``d`` seen at ``2theta1`` with K-alpha1 is seen
    with K-alpha2 at ``2theta2 = 2 asin(lambda2 / lambda1 * sin(theta1))``.
    Each bin's intensity times ``ratio`` is added there, split linearly
    between the two nearest bins. Partners beyond the grid (or beyond 180
    deg) are dropped.

    Parameters
    ----------
    ratio : float, default=0.5
        Intensity of K-alpha2 relative to K-alpha1.
    wavelength_alpha1 : str or float, default="CuKa1"
        Line the input pattern was computed for (name or angstrom).
    wavelength_alpha2 : str or float, default="CuKa2"
        Second line (name or angstrom).
    two_theta_start : float, default=5.0
        Angle of the first bin, in degrees.
    step : float, default=0.02
        Grid spacing, in degrees.

    Attributes
    ----------
    doublet_matrix_ : scipy.sparse.csr_matrix of shape (n_bins, n_bins)
        ``transform(X) = X @ doublet_matrix_`` (identity plus the shifted copy).
    n_features_in_ : int
        Number of grid points seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    PseudoVoigtProfile : Angle-dependent peak widths.

    Notes
    -----
    The input should hold K-alpha1 positions (simulate with
    ``wavelength="CuKa1"``). The total intensity grows by ``1 + ratio``; follow
    with :class:`~sklearn_xrd.preprocessing.Normalizer` to rescale. Apply the
    doublet to stick patterns before the profile, or to broadened patterns:
    the two operations nearly commute.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.zeros((1, 4251)); X[0, 2750] = 1.0  # a stick at 60 deg
    >>> Xt = KAlpha2Doublet().fit_transform(X)
    >>> np.flatnonzero(Xt[0]).tolist(), float(Xt[0, 2758:2760].sum())
    ([2750, 2758, 2759], 0.5)
    """

    _parameter_constraints: dict = {
        "ratio": [Interval(Real, 0, None, closed="left")],
        "wavelength_alpha1": [str, Interval(Real, 0, None, closed="neither")],
        "wavelength_alpha2": [str, Interval(Real, 0, None, closed="neither")],
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

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Locate each bin's K-alpha2 partner and build the doublet matrix.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_bins)
            Patterns on the grid ``two_theta_start + step * k``.
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        X = validate_patterns(self, X, reset=True)
        n = X.shape[1]
        self.doublet_matrix_ = doublet_matrix(
            _grid(self.two_theta_start, self.step, n),
            self.step,
            ratio=self.ratio,
            wavelength_alpha1=self.wavelength_alpha1,
            wavelength_alpha2=self.wavelength_alpha2,
        )
        return self

    def transform(self, X):
        """Add the K-alpha2 copy to each pattern.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_bins)

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_bins)
        """
        check_is_fitted(self)
        X = validate_patterns(self, X, reset=False)
        return _apply_matrix(X, self.doublet_matrix_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
