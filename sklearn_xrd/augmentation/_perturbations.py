"""Physical perturbations of patterns on the grid ``start + step * k``.

Every function takes a 2-D array of patterns (one per row) and per-row
parameters (a scalar applies to every row) and returns a new float64 array.
Only the noise functions draw random numbers; the others are deterministic,
and :class:`~sklearn_xrd.augmentation.PatternAugmenter` draws their parameters.
"""

import math

import numpy as np
from numpy.polynomial import chebyshev
from scipy import fft
from sklearn.utils import check_random_state

from ..simulation import resolve_wavelength

# Rows of the FFT work array handled at once (memory: rows * 2 * n_bins complex).
_FFT_CHUNK = 256


def _per_row(value, n_rows, name):
    value = np.asarray(value, dtype=float)
    try:
        return np.broadcast_to(value, (n_rows,))
    except ValueError:
        raise ValueError(
            f"{name} must be a scalar or have one value per pattern ({n_rows}), "
            f"got shape {value.shape}"
        ) from None


def _as_patterns(X):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"patterns must be a 2-D array, got {X.ndim} dimension(s)")
    return X


def _two_theta(X, two_theta_start, step):
    return two_theta_start + step * np.arange(X.shape[1])


def _scale(X):
    """Largest absolute value of each row (the unit of relative heights)."""
    return np.abs(X).max(axis=1) if X.shape[1] else np.zeros(len(X))


def _interpolate(X, position):
    """Rows of ``X`` at fractional bin ``position``, linearly; 0 off the grid.

    ``position`` has the shape of ``X`` (one map per row) or ``(n_out,)`` (one
    map for all rows); NaN positions give 0.
    """
    n_bins = X.shape[1]
    position = np.where(np.isfinite(position), position, -2.0)
    lo = np.floor(position)
    frac = position - lo
    lo = lo.astype(np.intp)
    out = 0.0
    for index, weight in ((lo, 1.0 - frac), (lo + 1, frac)):
        inside = (index >= 0) & (index < n_bins)
        index = np.clip(index, 0, max(n_bins - 1, 0))
        if position.ndim == 2:
            values = np.take_along_axis(X, index, axis=1)
        else:
            values = X[:, index]
        out = out + values * (weight * inside)
    return out


def _source_two_theta(
    two_theta, *, zero_shift=0.0, displacement=0.0, strain=0.0, radius=240.0
):
    """Angle whose intensity lands on ``two_theta`` after the three shifts.

    An observed peak sits at ``2theta_strained + delta_disp + zero_shift``;
    this inverts that map (the displacement term is taken at the observed
    angle, exact to first order in ``displacement / radius``).
    """
    zero_shift = np.reshape(np.asarray(zero_shift, dtype=float), (-1, 1))
    displacement = np.reshape(np.asarray(displacement, dtype=float), (-1, 1))
    strain = np.reshape(np.asarray(strain, dtype=float), (-1, 1))
    theta = np.radians(two_theta) / 2
    delta_disp = np.degrees(-2.0 * displacement * np.cos(theta) / radius)
    unstrained = two_theta - zero_shift - delta_disp
    # d -> d (1 + e): sin(theta_old) = (1 + e) sin(theta_new)
    sin_old = (1.0 + strain) * np.sin(np.radians(unstrained) / 2)
    with np.errstate(invalid="ignore"):
        return np.degrees(2.0 * np.arcsin(sin_old))


def _warp(X, two_theta_start, step, **shifts):
    tt = _two_theta(X, two_theta_start, step)
    source = _source_two_theta(tt, **shifts)
    return _interpolate(X, (source - two_theta_start) / step)


def shift_pattern(X, shift, *, two_theta_start=5.0, step=0.02):
    """Move every peak by a constant ``shift`` in 2-theta (a zero-point error).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_bins)
        Patterns on the grid ``two_theta_start + step * k``.
    shift : float or array-like of shape (n_samples,)
        Offset in degrees; positive moves peaks to higher angles.
    two_theta_start : float, default=5.0
        Angle of the first bin, in degrees.
    step : float, default=0.02
        Grid spacing, in degrees.

    Returns
    -------
    X_new : ndarray of shape (n_samples, n_bins)
        Linearly interpolated; bins shifted in from beyond the grid are 0.

    Examples
    --------
    >>> shift_pattern([[0.0, 1.0, 0.0, 0.0]], 0.03, step=0.02)
    array([[0. , 0. , 0.5, 0.5]])
    """
    X = _as_patterns(X)
    shift = _per_row(shift, len(X), "shift")
    return _warp(X, two_theta_start, step, zero_shift=shift)


def displace_sample(
    X, displacement, *, goniometer_radius=240.0, two_theta_start=5.0, step=0.02
):
    """Shift peaks as a sample surface off the goniometer axis does.

    A Bragg-Brentano sample displaced by ``s`` moves a peak by
    ``delta(2theta) = -2 s cos(theta) / R`` radians: most at low angles.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_bins)
        Patterns on the grid ``two_theta_start + step * k``.
    displacement : float or array-like of shape (n_samples,)
        ``s`` in millimetres; positive (surface above the axis, towards the
        source) moves peaks to lower angles.
    goniometer_radius : float, default=240.0
        ``R`` in millimetres.
    two_theta_start : float, default=5.0
        Angle of the first bin, in degrees.
    step : float, default=0.02
        Grid spacing, in degrees.

    Returns
    -------
    X_new : ndarray of shape (n_samples, n_bins)

    Examples
    --------
    >>> X = np.zeros((1, 4251)); X[0, 500] = 1.0  # 15 deg
    >>> Xd = displace_sample(X, 0.5)  # about -0.24 deg, 12 bins
    >>> int(Xd.argmax())
    488
    """
    X = _as_patterns(X)
    displacement = _per_row(displacement, len(X), "displacement")
    return _warp(
        X,
        two_theta_start,
        step,
        displacement=displacement,
        radius=goniometer_radius,
    )


def apply_strain(X, strain, *, two_theta_start=5.0, step=0.02):
    """Move peaks as a uniform lattice strain ``d -> d (1 + strain)`` does.

    Each angle is remapped through Bragg's law,
    ``sin(theta_new) = sin(theta) / (1 + strain)``, which does not depend on
    the wavelength. Only isotropic strain can be applied to a pattern:
    anisotropic strain moves each reflection according to its ``hkl``, which a
    pattern no longer carries.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_bins)
        Patterns on the grid ``two_theta_start + step * k``.
    strain : float or array-like of shape (n_samples,)
        Relative change of every d-spacing; positive (expansion) moves peaks
        to lower angles. Must be greater than -1.
    two_theta_start : float, default=5.0
        Angle of the first bin, in degrees.
    step : float, default=0.02
        Grid spacing, in degrees.

    Returns
    -------
    X_new : ndarray of shape (n_samples, n_bins)

    Examples
    --------
    >>> X = np.zeros((1, 4251)); X[0, 2750] = 1.0  # 60 deg, d = 1.5418 A
    >>> Xs = apply_strain(X, 0.01)  # d = 1.5572 A: 2-theta = 59.34 deg
    >>> int(Xs.argmax())
    2717
    """
    X = _as_patterns(X)
    strain = _per_row(strain, len(X), "strain")
    if np.any(strain <= -1):
        raise ValueError("strain must be greater than -1")
    return _warp(X, two_theta_start, step, strain=strain)


def broaden_crystallite_size(
    X,
    crystallite_size,
    *,
    shape_factor_K=0.9,
    eta=0.5,
    wavelength="CuKa",
    two_theta_start=5.0,
    step=0.02,
):
    """Convolve with a pseudo-Voigt whose width follows the Scherrer formula.

    The Scherrer width ``K lambda / (tau cos(theta))`` in 2-theta is the
    constant ``K / tau`` in ``s = 2 sin(theta) / lambda = 1 / d``. Each pattern
    is therefore rebinned onto uniform ``s`` cells (no wider than any 2-theta
    bin), convolved there by FFT with a pseudo-Voigt of FWHM ``K / tau``, and
    rebinned back. Rebinning spreads each bin's intensity evenly over the bin
    and sums it into the new cells, so intensity is conserved.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_bins)
        Patterns on the grid ``two_theta_start + step * k``.
    crystallite_size : float or array-like of shape (n_samples,)
        ``tau`` in nanometres.
    shape_factor_K : float, default=0.9
        Scherrer constant.
    eta : float, default=0.5
        Lorentzian fraction of the pseudo-Voigt.
    wavelength : str or float, default="CuKa"
        Tube line or angstrom.
    two_theta_start : float, default=5.0
        Angle of the first bin, in degrees.
    step : float, default=0.02
        Grid spacing, in degrees.

    Returns
    -------
    X_new : ndarray of shape (n_samples, n_bins)
        Peak areas are kept (the resampling conserves intensity); intensity
        pushed past the grid ends is lost.

    See Also
    --------
    sklearn_xrd.preprocessing.PseudoVoigtProfile : The same widths, one
        crystallite size for every pattern, applied as a transformer.

    Examples
    --------
    >>> X = np.zeros((1, 4251)); X[0, 1250] = 1.0  # a stick at 30 deg
    >>> Xb = broaden_crystallite_size(X, 10.0)  # Scherrer FWHM 0.82 deg
    >>> round(float(Xb.sum()), 2), int((Xb[0] > Xb.max() / 2).sum())  # 41 bins
    (1.0, 41)
    """
    X = _as_patterns(X)
    size = _per_row(crystallite_size, len(X), "crystallite_size")
    if np.any(size <= 0):
        raise ValueError("crystallite_size must be positive")
    n_bins = X.shape[1]
    if n_bins < 3 or len(X) == 0:
        return X.copy()
    lam = resolve_wavelength(wavelength)
    # Bin edges in 2-theta and in s; s cells no wider than the narrowest bin.
    edges = two_theta_start + step * (np.arange(n_bins + 1) - 0.5)
    s_edges = 2.0 * np.sin(np.radians(edges) / 2) / lam
    ds = np.min(np.diff(s_edges))
    n_s = int(math.ceil((s_edges[-1] - s_edges[0]) / ds))
    cell_edges = s_edges[0] + ds * np.arange(n_s + 1)
    to_s = (
        np.degrees(2.0 * np.arcsin(np.clip(lam * cell_edges / 2, -1, 1))) - edges[0]
    ) / step
    back = (s_edges - s_edges[0]) / ds
    n_fft = fft.next_fast_len(2 * n_s, real=True)
    nu = fft.rfftfreq(n_fft, d=ds)
    # FWHM in s = K / tau, tau in angstrom (10 * nm)
    width = shape_factor_K / (10.0 * size)
    sigma = width / (2.0 * math.sqrt(2.0 * math.log(2.0)))
    out = np.empty_like(X)
    for start in range(0, len(X), _FFT_CHUNK):
        rows = slice(start, start + _FFT_CHUNK)
        on_s = _rebin(X[rows], to_s)
        w = width[rows, None]
        g = sigma[rows, None]
        kernel = eta * np.exp(-math.pi * w * nu) + (1.0 - eta) * np.exp(
            -2.0 * (math.pi * g * nu) ** 2
        )
        spectrum = fft.rfft(on_s, n=n_fft, axis=1) * kernel
        # The grid is zero-padded to twice its length: tails do not wrap round.
        convolved = fft.irfft(spectrum, n=n_fft, axis=1)[:, :n_s]
        out[rows] = _rebin(convolved, back)
    return out


def _rebin(X, edges):
    """Intensity of each row of ``X`` summed over new cells, conserving the total.

    Each input bin's intensity is spread evenly over the bin; ``edges``
    (n_out + 1,) are the new cell edges in input-bin units (0 is the left edge
    of bin 0). A constant pattern stays smooth, a stick keeps its area.
    """
    cumulative = np.zeros((len(X), X.shape[1] + 1))
    np.cumsum(X, axis=1, out=cumulative[:, 1:])
    at_edges = _interpolate(cumulative, np.clip(edges, 0, X.shape[1]))
    return np.diff(at_edges, axis=1)


def _log_shape(X, coefficients, two_theta_start, step):
    """``exp(sum_k c_k T_k(u))``, ``u`` the grid mapped onto [-1, 1], per row."""
    n_bins = X.shape[1]
    u = np.linspace(-1.0, 1.0, n_bins) if n_bins > 1 else np.zeros(n_bins)
    coefficients = np.asarray(coefficients, dtype=float)
    if coefficients.ndim == 1:
        coefficients = np.broadcast_to(coefficients, (len(X), len(coefficients)))
    if len(coefficients) != len(X):
        raise ValueError(
            f"coefficients must have one row per pattern ({len(X)}), "
            f"got {len(coefficients)}"
        )
    # chebval on a (degree, n_rows) coefficient array gives (n_rows, n_bins).
    with_constant = np.hstack([np.zeros((len(X), 1)), coefficients])
    return np.exp(chebyshev.chebval(u, with_constant.T))


def modulate_intensities(X, coefficients, *, two_theta_start=5.0, step=0.02):
    """Multiply each pattern by a smooth positive function of angle.

    A stand-in for preferred orientation on patterns, which no longer know
    which ``hkl`` each peak comes from: relative peak heights change smoothly
    with angle, by the factor ``exp(sum_k c_k T_k(u))`` (Chebyshev polynomials
    ``T_k`` of the grid mapped onto ``u`` in [-1, 1]). This is not
    March-Dollase; for that, apply :func:`march_dollase` to stick intensities.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_bins)
        Patterns on the grid.
    coefficients : array-like of shape (n_samples, degree) or (degree,)
        ``c_1 ... c_degree``; zeros leave the pattern unchanged.
    two_theta_start : float, default=5.0
        Angle of the first bin, in degrees (unused; kept for a uniform API).
    step : float, default=0.02
        Grid spacing, in degrees (unused).

    Returns
    -------
    X_new : ndarray of shape (n_samples, n_bins)

    Examples
    --------
    >>> modulate_intensities(np.ones((1, 3)), [0.5]).round(3)  # exp(0.5 u)
    array([[0.607, 1.   , 1.649]])
    """
    X = _as_patterns(X)
    return X * _log_shape(X, coefficients, two_theta_start, step)


def march_dollase(hkl, lattice_matrix, r, *, texture_axis=(0, 0, 1)):
    """March-Dollase preferred-orientation factor of each reflection.

    ``P(alpha) = (r^2 cos^2(alpha) + sin^2(alpha) / r)^(-3/2)``, ``alpha`` the
    angle between the scattering vector of ``hkl`` and the texture axis. Use it
    on sticks before binning, reflection by reflection (equivalent reflections
    get different factors, as they should).

    Parameters
    ----------
    hkl : array-like of shape (n_reflections, 3)
        Miller indices, e.g. from :func:`sklearn_xrd.simulation.reflections`
        (called with the arguments given to
        :func:`~sklearn_xrd.simulation.stick_pattern`, it lists the same
        reflections in the same order).
    lattice_matrix : array-like of shape (3, 3)
        Rows are the direct lattice vectors, in angstrom.
    r : float
        March parameter: 1 is a random powder, ``r < 1`` platelets lying on
        the texture planes (their reflections are enhanced), ``r > 1`` needles.
    texture_axis : array-like of shape (3,), default=(0, 0, 1)
        ``hkl`` of the preferred planes; the axis is their normal.

    Returns
    -------
    factor : ndarray of shape (n_reflections,)
        Multiply the stick intensities by it.

    References
    ----------
    .. [1] W. A. Dollase, "Correction of intensities for preferred orientation
       in powder diffractometry", J. Appl. Cryst. 19, 267 (1986).

    Examples
    --------
    >>> march_dollase([[0, 0, 1], [1, 0, 0]], 4.0 * np.eye(3), 0.8).round(3)
    array([1.953, 0.716])
    """
    if r <= 0:
        raise ValueError(f"the March parameter r must be positive, got {r}")
    recip = np.linalg.inv(np.asarray(lattice_matrix, dtype=float)).T
    g = np.asarray(hkl, dtype=float) @ recip
    axis = np.asarray(texture_axis, dtype=float) @ recip
    cos2 = (g @ axis) ** 2 / (np.einsum("ij,ij->i", g, g) * (axis @ axis))
    return (r**2 * cos2 + (1.0 - cos2) / r) ** -1.5


def add_background(X, height, coefficients, *, two_theta_start=5.0, step=0.02):
    """Add a smooth positive background, ``exp`` of a Chebyshev polynomial.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_bins)
        Patterns on the grid.
    height : float or array-like of shape (n_samples,)
        Maximum of the background, as a fraction of each pattern's largest
        absolute value.
    coefficients : array-like of shape (n_samples, degree) or (degree,)
        Shape ``exp(sum_k c_k T_k(u))``, ``u`` the grid on [-1, 1].
    two_theta_start : float, default=5.0
        Angle of the first bin, in degrees (unused; kept for a uniform API).
    step : float, default=0.02
        Grid spacing, in degrees (unused).

    Returns
    -------
    X_new : ndarray of shape (n_samples, n_bins)

    Examples
    --------
    >>> add_background([[0.0, 2.0, 0.0]], 0.5, [-1.0]).round(3)  # decays
    array([[1.   , 2.368, 0.135]])
    """
    X = _as_patterns(X)
    height = _per_row(height, len(X), "height")
    shape = _log_shape(X, coefficients, two_theta_start, step)
    if shape.shape[1]:
        shape /= shape.max(axis=1, keepdims=True)
    return X + (height * _scale(X))[:, None] * shape


def add_amorphous_hump(X, height, center, fwhm, *, two_theta_start=5.0, step=0.02):
    """Add a broad Gaussian, the scattering of an amorphous phase.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_bins)
        Patterns on the grid.
    height : float or array-like of shape (n_samples,)
        Peak of the hump, as a fraction of each pattern's largest absolute
        value.
    center : float or array-like of shape (n_samples,)
        In degrees 2-theta (glass: about 20-30 deg with Cu K-alpha).
    fwhm : float or array-like of shape (n_samples,)
        In degrees 2-theta.
    two_theta_start : float, default=5.0
        Angle of the first bin, in degrees.
    step : float, default=0.02
        Grid spacing, in degrees.

    Returns
    -------
    X_new : ndarray of shape (n_samples, n_bins)

    Examples
    --------
    >>> X = np.zeros((1, 4251)); X[0, 0] = 1.0
    >>> Xh = add_amorphous_hump(X, 0.1, 22.0, 8.0)
    >>> float(Xh[0, 850])  # 22 deg
    0.1
    """
    X = _as_patterns(X)
    n = len(X)
    height = _per_row(height, n, "height")[:, None]
    center = _per_row(center, n, "center")[:, None]
    fwhm = _per_row(fwhm, n, "fwhm")[:, None]
    tt = _two_theta(X, two_theta_start, step)
    hump = np.exp(-4.0 * math.log(2.0) * ((tt - center) / fwhm) ** 2)
    return X + height * _scale(X)[:, None] * hump


def add_impurity_peaks(
    X, positions, heights, *, fwhm=0.1, two_theta_start=5.0, step=0.02
):
    """Add sharp Gaussian peaks, as from a minor impurity phase.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_bins)
        Patterns on the grid.
    positions : array-like of shape (n_samples, n_peaks)
        Peak angles, in degrees 2-theta.
    heights : array-like of shape (n_samples, n_peaks)
        Peak heights, as fractions of each pattern's largest absolute value;
        0 leaves a slot empty.
    fwhm : float, default=0.1
        Width of every impurity peak, in degrees.
    two_theta_start : float, default=5.0
        Angle of the first bin, in degrees.
    step : float, default=0.02
        Grid spacing, in degrees.

    Returns
    -------
    X_new : ndarray of shape (n_samples, n_bins)

    Examples
    --------
    >>> X = np.zeros((1, 4251)); X[0, 0] = 1.0
    >>> Xi = add_impurity_peaks(X, [[40.0]], [[0.05]])
    >>> int(Xi[0, 1:].argmax()) + 1, float(Xi[0, 1750].round(3))
    (1750, 0.05)
    """
    X = _as_patterns(X)
    positions = np.asarray(positions, dtype=float).reshape(len(X), -1)
    heights = np.asarray(heights, dtype=float).reshape(positions.shape)
    tt = _two_theta(X, two_theta_start, step)
    out = X.copy()
    scale = _scale(X)
    for j in range(positions.shape[1]):
        peak = np.exp(-4.0 * math.log(2.0) * ((tt - positions[:, j, None]) / fwhm) ** 2)
        out += (heights[:, j] * scale)[:, None] * peak
    return out


def add_poisson_noise(X, counts, *, random_state=None):
    """Counting noise: scale each pattern to ``counts`` at its maximum, draw.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_bins)
        Patterns; negative values count as 0.
    counts : float or array-like of shape (n_samples,)
        Counts at the largest absolute value of each pattern; fewer counts,
        more noise (relative standard deviation ``1 / sqrt(counts)`` there).
    random_state : int, RandomState instance or None, default=None
        Seeds the draw.

    Returns
    -------
    X_new : ndarray of shape (n_samples, n_bins)
        On the input's scale.

    Examples
    --------
    >>> X = np.full((1, 10000), 2.0)
    >>> Xn = add_poisson_noise(X, 100.0, random_state=0)
    >>> round(float(Xn.std() / 2.0), 2)  # 1 / sqrt(100)
    0.1
    """
    X = _as_patterns(X)
    counts = _per_row(counts, len(X), "counts")
    rng = check_random_state(random_state)
    scale = _scale(X)
    unit = np.divide(counts, scale, out=np.zeros(len(X)), where=scale > 0)[:, None]
    drawn = rng.poisson(np.clip(X, 0.0, None) * unit)
    return np.divide(drawn, unit, out=np.zeros_like(X), where=unit > 0)


def add_gaussian_noise(X, sigma, *, random_state=None):
    """Add white Gaussian noise relative to each pattern's maximum.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_bins)
        Patterns.
    sigma : float or array-like of shape (n_samples,)
        Standard deviation, as a fraction of each pattern's largest absolute
        value. The result is not clipped: it may go below 0.
    random_state : int, RandomState instance or None, default=None
        Seeds the draw.

    Returns
    -------
    X_new : ndarray of shape (n_samples, n_bins)

    Examples
    --------
    >>> Xn = add_gaussian_noise(np.full((1, 10000), 2.0), 0.05, random_state=0)
    >>> round(float(Xn.std()), 2)  # 0.05 * 2
    0.1
    """
    X = _as_patterns(X)
    sigma = _per_row(sigma, len(X), "sigma")
    rng = check_random_state(random_state)
    return X + rng.standard_normal(X.shape) * (sigma * _scale(X))[:, None]
