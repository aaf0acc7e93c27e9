"""Training-time augmentation of patterns, as an imbalanced-learn sampler."""

import math
from numbers import Integral, Real

import numpy as np
from imblearn.base import BaseSampler
from imblearn.utils._validation import ArraysTransformer
from scipy import sparse
from sklearn.utils import check_random_state
from sklearn.utils.validation import validate_data
from sklearn_compat.base import _fit_context

from ..preprocessing._profiles import _apply_matrix, doublet_matrix
from ..simulation import resolve_wavelength
from ..simulation._wavelengths import kalpha_lines
from ..utils._param_validation import Interval
from ..utils._validation import check_finite_rows
from ._perturbations import (
    _scale,
    _two_theta,
    _warp,
    add_amorphous_hump,
    add_background,
    add_gaussian_noise,
    add_impurity_peaks,
    add_poisson_noise,
    broaden_crystallite_size,
    modulate_intensities,
)

# Amorphous silica-like hump: d = 2.97-4.44 A (20-30 deg 2-theta with Cu K-alpha),
# FWHM 5-10 deg.
HUMP_D_RANGE = (2.97, 4.44)
HUMP_FWHM_RANGE = (5.0, 10.0)
# Chebyshev degree of the background and of the orientation modulation.
SMOOTH_DEGREE = 3
# Width of the impurity peaks, in degrees (before crystallite-size broadening).
IMPURITY_FWHM = 0.1

# Perturbation -> (lowest allowed value, whether it may equal that value).
_RANGE_BOUNDS = {
    "zero_shift": (-math.inf, False),
    "sample_displacement": (-math.inf, False),
    "strain": (-1.0, False),
    "crystallite_size": (0.0, False),
    "preferred_orientation": (0.0, True),
    "background": (0.0, True),
    "amorphous_hump": (0.0, True),
    "impurity_peaks": (0.0, True),
    "poisson_noise": (0.0, False),
    "gaussian_noise": (0.0, True),
    "kalpha2": (0.0, True),
}
# Each perturbation draws from its own stream, so switching one off leaves the
# draws of the others unchanged.
_STREAMS = tuple(_RANGE_BOUNDS)


def _check_range(name, value):
    """``(low, high)`` as floats, or ``None``; ``ValueError`` when out of bounds."""
    if value is None:
        return None
    lowest, closed = _RANGE_BOUNDS[name]
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be None or a (low, high) tuple of numbers, got {value!r}"
        ) from None
    if not low <= high:
        raise ValueError(f"{name} must have low <= high, got {value!r}")
    if low < lowest or (low == lowest and not closed):
        bound = ">=" if closed else ">"
        raise ValueError(f"{name} must have low {bound} {lowest:g}, got {value!r}")
    return low, high


def _uniform(rng, bounds, size, log=False):
    low, high = bounds
    if log:
        return np.exp(rng.uniform(math.log(low), math.log(high), size))
    return rng.uniform(low, high, size)


class PatternAugmenter(BaseSampler):
    """Add perturbed copies of each pattern, for training only.

    ``fit_resample`` returns the original patterns (``keep_original=True``)
    followed by ``n_variants`` perturbed copies of each, with their labels
    repeated. Used as the first step of an :class:`imblearn.pipeline.Pipeline`
    it runs in ``fit`` only: ``predict`` and ``score`` see the data untouched.

    Each perturbation is a ``(low, high)`` range from which one value is drawn
    per variant (uniformly, or log-uniformly where stated), or ``None`` to
    switch it off. They are applied in this order:

    1. peak positions: zero shift, sample displacement, uniform strain (one
       interpolation of the pattern);
    2. preferred orientation (a smooth intensity modulation) and impurity
       peaks;
    3. crystallite-size broadening, then the K-alpha2 partner of every line;
    4. background and amorphous hump;
    5. rescaling, so that each variant's largest absolute value equals its
       original's;
    6. Poisson, then Gaussian noise (on that scale).

    Parameters
    ----------
    n_variants : int, default=4
        Perturbed copies per pattern.
    keep_original : bool, default=True
        Whether the unperturbed patterns come first in the output.
    zero_shift : tuple of float or None, default=(-0.1, 0.1)
        Constant 2-theta offset, in degrees.
    sample_displacement : tuple of float or None, default=(-0.1, 0.1)
        Sample-surface displacement ``s`` in millimetres, moving peaks by
        ``-2 s cos(theta) / R`` radians (``R = goniometer_radius``).
    goniometer_radius : float, default=240.0
        ``R`` in millimetres.
    strain : tuple of float or None, default=(-0.01, 0.01)
        Uniform lattice strain: every d-spacing becomes ``d (1 + strain)``.
    crystallite_size : tuple of float or None, default=(20.0, 200.0)
        Crystallite size in nanometres, drawn log-uniformly; adds a
        pseudo-Voigt of Scherrer width ``K lambda / (tau cos(theta))``.
    shape_factor_K : float, default=0.9
        Scherrer constant.
    eta : float, default=0.5
        Lorentzian fraction of the size-broadening profile.
    preferred_orientation : tuple of float or None, default=(0.0, 0.3)
        Strength ``a`` of a smooth multiplicative modulation
        ``exp(sum_k c_k T_k(u))``, ``c_k`` uniform in ``(-a / k, a / k)`` for
        ``k = 1..3``: relative peak heights change by up to ``exp(1.83 a)``.
        An approximation: see Notes.
    background : tuple of float or None, default=(0.0, 0.05)
        Maximum of a smooth positive background (``exp`` of a random
        third-degree Chebyshev polynomial), as a fraction of the pattern's
        maximum.
    amorphous_hump : tuple of float or None, default=(0.0, 0.05)
        Height of a broad Gaussian (centre at d = 2.97-4.44 angstrom, 20-30
        deg with Cu K-alpha; FWHM 5-10 deg), as a fraction of the maximum.
    impurity_peaks : tuple of float or None, default=(0.0, 0.05)
        Height of each impurity peak (Gaussian, FWHM 0.1 deg, anywhere on the
        grid), as a fraction of the maximum.
    n_impurity_peaks : int, default=3
        Each variant gets between 1 and this many impurity peaks.
    poisson_noise : tuple of float or None, default=(1e3, 1e5)
        Counts at the strongest peak, drawn log-uniformly; counting noise
        follows.
    gaussian_noise : tuple of float or None, default=(0.0, 0.005)
        Standard deviation of white noise, as a fraction of the maximum.
    kalpha2 : tuple of float or None, default=(0.0, 0.5)
        Intensity of the K-alpha2 line relative to K-alpha1 (0.5 for an
        unfiltered copper tube, 0 behind a primary monochromator): every bin
        also sends this fraction of its intensity to
        ``2 asin(lambda2 / lambda1 sin(theta))``. Needs ``wavelength`` to name
        a K-alpha line (``"CuKa"``, ``"MoKa"``, ...); set None otherwise.
    wavelength : str or float, default="CuKa"
        Tube line or angstrom (Scherrer widths, hump position).
    two_theta_start : float, default=5.0
        Angle of the first bin, in degrees.
    step : float, default=0.02
        Grid spacing, in degrees.
    random_state : int, RandomState instance or None, default=None
        Seeds every draw.

    Attributes
    ----------
    sample_indices_ : ndarray of shape (n_samples_new,)
        Row of the input each output row comes from (set by
        ``fit_resample``).
    n_features_in_ : int
        Number of grid points seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    sklearn_xrd.augmentation.shift_pattern : One perturbation at a time, with
        explicit parameters (also ``apply_strain``, ``displace_sample``, ...).
    sklearn_xrd.preprocessing.PseudoVoigtProfile : Peak shapes for
        simulated patterns.

    Notes
    -----
    Preferred orientation proper (March-Dollase) scales each reflection by a
    function of the angle between its ``hkl`` and the texture axis; a pattern
    does not record the ``hkl``, so here relative intensities are changed by a
    smooth function of angle instead. Apply
    :func:`~sklearn_xrd.augmentation.march_dollase` to stick intensities when
    the reflections are at hand. Likewise only isotropic strain can be applied
    to a pattern.

    Perturbations draw from separate random streams: switching one off (or
    changing its range) leaves the values drawn for the others unchanged.
    Outputs have the input's dtype. Gaussian noise is not clipped at 0.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.zeros((2, 4251)); X[:, [1000, 2000]] = 1.0
    >>> y = np.array(["cubic", "hexagonal"])
    >>> aug = PatternAugmenter(n_variants=3, random_state=0)
    >>> X_res, y_res = aug.fit_resample(X, y)
    >>> X_res.shape, y_res.tolist()
    ((8, 4251), ['cubic', 'hexagonal', 'cubic', 'cubic', 'cubic', 'hexagonal', \
'hexagonal', 'hexagonal'])
    >>> aug.sample_indices_.tolist()
    [0, 1, 0, 0, 0, 1, 1, 1]
    """

    _sampling_type = "bypass"

    _parameter_constraints: dict = {
        "n_variants": [Interval(Integral, 0, None, closed="left")],
        "keep_original": ["boolean"],
        "zero_shift": [tuple, None],
        "sample_displacement": [tuple, None],
        "goniometer_radius": [Interval(Real, 0, None, closed="neither")],
        "strain": [tuple, None],
        "crystallite_size": [tuple, None],
        "shape_factor_K": [Interval(Real, 0, None, closed="neither")],
        "eta": [Interval(Real, 0, 1, closed="both")],
        "preferred_orientation": [tuple, None],
        "background": [tuple, None],
        "amorphous_hump": [tuple, None],
        "impurity_peaks": [tuple, None],
        "n_impurity_peaks": [Interval(Integral, 1, None, closed="left")],
        "poisson_noise": [tuple, None],
        "gaussian_noise": [tuple, None],
        "kalpha2": [tuple, None],
        "wavelength": [str, Interval(Real, 0, None, closed="neither")],
        "two_theta_start": [Interval(Real, 0, 180, closed="neither")],
        "step": [Interval(Real, 0, None, closed="neither")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        n_variants=4,
        keep_original=True,
        zero_shift=(-0.1, 0.1),
        sample_displacement=(-0.1, 0.1),
        goniometer_radius=240.0,
        strain=(-0.01, 0.01),
        crystallite_size=(20.0, 200.0),
        shape_factor_K=0.9,
        eta=0.5,
        preferred_orientation=(0.0, 0.3),
        background=(0.0, 0.05),
        amorphous_hump=(0.0, 0.05),
        impurity_peaks=(0.0, 0.05),
        n_impurity_peaks=3,
        poisson_noise=(1e3, 1e5),
        gaussian_noise=(0.0, 0.005),
        kalpha2=(0.0, 0.5),
        wavelength="CuKa",
        two_theta_start=5.0,
        step=0.02,
        random_state=None,
    ):
        self.n_variants = n_variants
        self.keep_original = keep_original
        self.zero_shift = zero_shift
        self.sample_displacement = sample_displacement
        self.goniometer_radius = goniometer_radius
        self.strain = strain
        self.crystallite_size = crystallite_size
        self.shape_factor_K = shape_factor_K
        self.eta = eta
        self.preferred_orientation = preferred_orientation
        self.background = background
        self.amorphous_hump = amorphous_hump
        self.impurity_peaks = impurity_peaks
        self.n_impurity_peaks = n_impurity_peaks
        self.poisson_noise = poisson_noise
        self.gaussian_noise = gaussian_noise
        self.kalpha2 = kalpha2
        self.wavelength = wavelength
        self.two_theta_start = two_theta_start
        self.step = step
        self.random_state = random_state

    def _check_X_y(self, X, y):
        """Validate ``X`` (dense, finite rows), ``y`` and the parameter ranges."""
        X, y = validate_data(
            self,
            X,
            y,
            reset=True,
            dtype=[np.float64, np.float32],
            ensure_all_finite=False,
            multi_output=True,
        )
        check_finite_rows(X)
        if not self.keep_original and self.n_variants == 0:
            raise ValueError(
                "keep_original=False with n_variants=0 would return no samples"
            )
        self._check_ranges()
        resolve_wavelength(self.wavelength)
        if self.kalpha2 is not None and kalpha_lines(self.wavelength) is None:
            raise ValueError(
                "kalpha2 needs wavelength to name a K-alpha tube line such as "
                f"'CuKa', got wavelength={self.wavelength!r}; set kalpha2=None"
            )
        return X, y

    def _check_ranges(self):
        return {name: _check_range(name, getattr(self, name)) for name in _STREAMS}

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Check the patterns and parameters; use ``fit_resample`` to augment.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_bins)
            Patterns on the grid ``two_theta_start + step * k``.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets, repeated for the variants.

        Returns
        -------
        self : object
        """
        self._check_X_y(X, y)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_resample(self, X, y):
        """Return the patterns and their perturbed copies.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_bins)
            Patterns on the grid ``two_theta_start + step * k``.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets (class labels or values), repeated for the variants.

        Returns
        -------
        X_resampled : ndarray or DataFrame of shape (n_samples_new, n_bins)
            ``n_samples_new = n_samples * (keep_original + n_variants)``.
            Originals first (if kept), then the variants of sample 0, of
            sample 1, ...
        y_resampled : ndarray or Series of shape (n_samples_new, ...)
            ``y[sample_indices_]``.
        """
        # Lists, DataFrames and Series come back as they went in.
        arrays = ArraysTransformer(X, y)
        X, y = self._check_X_y(X, y)
        return arrays.transform(*self._fit_resample(X, y))

    def _fit_resample(self, X, y):
        n = len(X)
        source = np.repeat(np.arange(n), self.n_variants)
        variants = self._perturb(X[source])
        if self.keep_original:
            source = np.concatenate([np.arange(n), source])
            variants = np.concatenate([X, variants.astype(X.dtype, copy=False)])
        self.sample_indices_ = source
        return variants.astype(X.dtype, copy=False), y[source]

    def _perturb(self, X):
        """Apply every switched-on perturbation, one draw per row of ``X``."""
        m = len(X)
        r = self._check_ranges()
        seeds = check_random_state(self.random_state).randint(
            np.iinfo(np.int32).max, size=len(_STREAMS)
        )
        rng = {
            name: np.random.RandomState(seed)
            for name, seed in zip(_STREAMS, seeds, strict=True)
        }
        grid = dict(two_theta_start=self.two_theta_start, step=self.step)
        target_scale = _scale(X)
        out = np.asarray(X, dtype=float)

        shifts = {}
        if r["zero_shift"] is not None:
            shifts["zero_shift"] = _uniform(rng["zero_shift"], r["zero_shift"], m)
        if r["sample_displacement"] is not None:
            shifts["displacement"] = _uniform(
                rng["sample_displacement"], r["sample_displacement"], m
            )
            shifts["radius"] = self.goniometer_radius
        if r["strain"] is not None:
            shifts["strain"] = _uniform(rng["strain"], r["strain"], m)
        if shifts:
            out = _warp(out, self.two_theta_start, self.step, **shifts)

        degree = np.arange(1, SMOOTH_DEGREE + 1)
        if r["preferred_orientation"] is not None:
            g = rng["preferred_orientation"]
            a = _uniform(g, r["preferred_orientation"], m)
            coef = g.uniform(-1.0, 1.0, (m, SMOOTH_DEGREE)) * a[:, None] / degree
            out = modulate_intensities(out, coef, **grid)
        if r["impurity_peaks"] is not None:
            g = rng["impurity_peaks"]
            k = self.n_impurity_peaks
            tt = _two_theta(out, self.two_theta_start, self.step)
            positions = (
                g.uniform(tt[0], tt[-1], (m, k)) if len(tt) else np.zeros((m, k))
            )
            heights = _uniform(g, r["impurity_peaks"], (m, k))
            heights *= np.arange(k) < g.randint(1, k + 1, size=m)[:, None]
            out = add_impurity_peaks(
                out, positions, heights, fwhm=IMPURITY_FWHM, **grid
            )
        if r["crystallite_size"] is not None:
            size = _uniform(rng["crystallite_size"], r["crystallite_size"], m, log=True)
            out = broaden_crystallite_size(
                out,
                size,
                shape_factor_K=self.shape_factor_K,
                eta=self.eta,
                wavelength=self.wavelength,
                **grid,
            )
        if r["kalpha2"] is not None:
            ratio = _uniform(rng["kalpha2"], r["kalpha2"], m)
            tt = _two_theta(out, self.two_theta_start, self.step)
            alpha1, alpha2 = kalpha_lines(self.wavelength)
            partners = doublet_matrix(
                tt,
                self.step,
                ratio=1.0,
                wavelength_alpha1=alpha1,
                wavelength_alpha2=alpha2,
            ) - sparse.identity(len(tt), format="csr")
            out = out + ratio[:, None] * _apply_matrix(out, partners)
        if r["background"] is not None:
            g = rng["background"]
            height = _uniform(g, r["background"], m)
            coef = g.uniform(-1.0, 1.0, (m, SMOOTH_DEGREE)) / degree
            out = add_background(out, height, coef, **grid)
        if r["amorphous_hump"] is not None:
            g = rng["amorphous_hump"]
            lam = resolve_wavelength(self.wavelength)
            height = _uniform(g, r["amorphous_hump"], m)
            d = g.uniform(*HUMP_D_RANGE, m)
            center = np.degrees(2 * np.arcsin(np.minimum(lam / (2 * d), 1.0)))
            fwhm = g.uniform(*HUMP_FWHM_RANGE, m)
            out = add_amorphous_hump(out, height, center, fwhm, **grid)

        scale = _scale(out)
        ratio = np.divide(target_scale, scale, out=np.zeros(m), where=scale > 0)
        out *= ratio[:, None]

        if r["poisson_noise"] is not None:
            g = rng["poisson_noise"]
            counts = _uniform(g, r["poisson_noise"], m, log=True)
            out = add_poisson_noise(out, counts, random_state=g)
        if r["gaussian_noise"] is not None:
            g = rng["gaussian_noise"]
            sigma = _uniform(g, r["gaussian_noise"], m)
            out = add_gaussian_noise(out, sigma, random_state=g)
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.sampler_tags.sample_indices = True
        return tags
