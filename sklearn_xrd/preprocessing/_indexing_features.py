"""Indexing figures of merit and fitted cells of each lattice system, as features."""

from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn_compat.base import _fit_context

from ..indexing import (
    ABSENCE_FEATURES,
    CELL_PARAMETERS,
    CONDITIONS,
    SYSTEMS,
    extinction_counts,
    extinction_feature_names,
    hexagonal_absence_counts,
    index_peaks,
)
from ..indexing._ambiguity import _SPECIAL_RATIOS
from ..simulation import resolve_wavelength
from ..utils._param_validation import Interval, StrOptions
from ..utils._validation import validate_patterns
from ._qspace import find_pattern_peaks, kalpha2_ratio, select_peaks

_PER_SYSTEM = ("m20", "n_unindexed", "mean_error", *CELL_PARAMETERS)


def _index_rows(two_theta, systems, kwargs):
    return [index_peaks(tt, systems=systems, **kwargs) for tt in two_theta]


def _contrast_names(systems):
    """Names of the columns that :func:`_contrasts` appends."""
    blank = np.zeros((1, len(systems) * len(_PER_SYSTEM)))
    return [name for name, _ in _contrasts(blank, systems)]


def _contrasts(features, systems):
    """Comparisons across systems of the per-system columns of :func:`_features`.

    Differences of ``m20`` (a log, so these are log ratios of the figures of
    merit) and of ``n_unindexed`` for every pair of systems, each system's
    ``m20`` below the best one, and axis ratios of the fitted cells with their
    log distance to the nearest special ratio of
    :data:`sklearn_xrd.indexing._ambiguity._SPECIAL_RATIOS`
    (cells whose metric mimics a system of higher symmetry). A tree sees a
    single column where it would need a split on each of two.

    Returns a list of ``(name, column)`` pairs: names and values come from one
    place, so they cannot drift apart.
    """
    width = len(_PER_SYSTEM)

    def column(system, what):
        return features[:, systems.index(system) * width + _PER_SYSTEM.index(what)]

    out = []
    for i, first in enumerate(systems):
        for second in systems[i + 1 :]:
            for what in ("m20", "n_unindexed"):
                diff = column(second, what) - column(first, what)
                out.append((f"{what}_{second}_minus_{first}", diff))
    best = np.max([column(s, "m20") for s in systems], axis=0)
    out += [(f"{s}_m20_below_best", column(s, "m20") - best) for s in systems]
    for (system, num, den), special in _SPECIAL_RATIOS.items():
        if system not in systems:
            continue
        top, bottom = column(system, num), column(system, den)
        found = (top > 0) & (bottom > 0)  # cell columns are 0 without a cell
        ratio = np.where(found, top / np.where(found, bottom, 1.0), 0.0)
        name = f"{system}_{num}_over_{den}"
        out.append((name, ratio))
        if special:
            log_ratio = np.log(np.where(found, ratio, 1.0))[:, None]
            distance = np.min(np.abs(log_ratio - np.log(special)), axis=1)
            out.append((f"{name}_from_special", np.where(found, distance, 1.0)))
    if "monoclinic" in systems:
        beta = column("monoclinic", "beta")
        out.append(("monoclinic_beta_from_90", np.where(beta > 0, abs(beta - 90), 0)))
    return out


def _features(results, systems, tolerance):
    absences = "hexagonal" in systems
    n_columns = len(systems) * len(_PER_SYSTEM) + absences * len(ABSENCE_FEATURES)
    out = np.zeros((len(results), n_columns))
    for i, res in enumerate(results):
        row = []
        for system in systems:
            r = res[system]
            error = r["mean_error"]
            row += [np.log10(1.0 + r["fom"]), r["n_unindexed"]]
            # no indexed peak: the worst error the tolerance allows
            row += [error if np.isfinite(error) else tolerance]
            row += list(np.nan_to_num(r["cell"], nan=0.0))
        if absences:
            row += list(hexagonal_absence_counts(res["hexagonal"]))
        out[i] = row
    return out


class IndexingFeatures(TransformerMixin, BaseEstimator):
    """How well each lattice system's metric indexes the first peak positions.

    For every pattern the lowest-angle peaks are located (parabolic sub-bin
    refinement, see :func:`find_pattern_peaks`) and indexed under each lattice
    system by :func:`sklearn_xrd.indexing.index_peaks`. The crystal system is a
    statement about the metric, so the figures of merit separate the systems
    that peak intensities alone confuse.

    Parameters
    ----------
    n_peaks : int, default=20
        How many of the lowest-angle peaks to index (the N of M_N).
    systems : tuple of str, default=("cubic", "tetragonal", "hexagonal", \
"rhombohedral", "orthorhombic", "monoclinic")
        Lattice systems to search (see :data:`sklearn_xrd.indexing.SYSTEMS`).
    tolerance : float, default=0.03
        Largest peak-to-line distance in degrees 2-theta for a peak to count
        as indexed (after the fitted zero shift).
    wavelength : str or float, default="CuKa"
        Tube line or wavelength in angstrom of the input patterns.
    two_theta_start : float, default=5.0
        2-theta of the first bin, in degrees.
    step : float, default=0.02
        Grid spacing, in degrees.
    min_height : float, default=0.01
        Smallest peak height as a fraction of the pattern's maximum.
    peak_order : {"angle", "strongest"}, default="angle"
        Which ``n_peaks`` peaks are indexed: the lowest-angle ones (the usual
        choice for clean data) or the strongest ones, in angle order (robust
        to weak spurious bumps in measured data); see :func:`select_peaks`.
    kalpha2 : "auto", float or None, default=None
        Drop peaks at the K-alpha2 place of a stronger peak before indexing:
        ``"auto"`` takes ``lambda2 / lambda1`` from ``wavelength`` when it is
        a K-alpha line name (nothing is dropped for a number), a float gives
        that ratio, None keeps every peak.
    max_zero_shift : float, default=0.1
        Largest zero shift (degrees 2-theta) the refinement may fit.
    max_volume : float, default=4000.0
        Largest cell volume searched, in cubic angstrom.
    contrasts : bool, default=False
        Append comparisons across systems (see Notes): what a tree would
        otherwise need two splits for.
    n_jobs : int, default=None
        Parallel jobs over patterns (joblib); ``None`` means 1.

    Attributes
    ----------
    n_features_in_ : int
        Number of grid points seen during fit.

    See Also
    --------
    QSpacePeaks : The peak positions themselves as Q = 1/d^2.
    sklearn_xrd.indexing.index_peaks : The search, on a list of peak positions.

    Notes
    -----
    Ten columns per system, named ``{system}_{what}``: ``m20`` is
    ``log10(1 + M)`` with M the figure of merit of
    :func:`~sklearn_xrd.indexing.index_peaks` (de Wolff's M_N times the
    indexed fraction to the sixth power), ``n_unindexed`` the number of peaks
    the best cell leaves unexplained, ``mean_error`` the mean distance in
    degrees 2-theta between the indexed peaks and their lines (``tolerance``
    when nothing was indexed; a pseudo-cubic tetragonal pattern indexes as
    cubic within the tolerance, but with larger errors than as tetragonal),
    then the best cell ``a, b, c`` (angstrom),
    ``alpha, beta, gamma`` (degrees) and ``volume`` (cubic angstrom); cell
    columns are 0 when no cell was found. Rhombohedral cells are given in
    hexagonal axes; monoclinic cells have b unique and beta >= 90.

    When ``"hexagonal"`` is searched, four more columns come last:
    ``hexagonal_00l_odd``, ``hexagonal_00l_odd_expected``,
    ``hexagonal_hhl_odd`` and ``hexagonal_hhl_odd_expected``, the observed
    and expected lines of the fitted hexagonal cell that a ``6_3`` screw axis
    or a c-glide removes (see
    :func:`sklearn_xrd.indexing.hexagonal_absence_counts`): evidence that
    separates hexagonal from trigonal space groups, which share the metric.

    With ``contrasts=True``, more columns follow: for every pair of systems
    (in ``systems`` order) ``m20_{second}_minus_{first}`` (a log ratio of the
    figures of merit) and ``n_unindexed_{second}_minus_{first}``; then
    ``{system}_m20_below_best``; then axis ratios of the fitted cells
    (``tetragonal_c_over_a``, ``rhombohedral_c_over_a``,
    ``hexagonal_c_over_a``, ``orthorhombic_b_over_a``, ``_c_over_a``,
    ``_c_over_b``), each but the hexagonal one with ``..._from_special``, the
    log distance to the nearest ratio at which the cell's lines are those of
    a cell of higher symmetry (tetragonal c/a of 1/3, 1/2, 1, 2, 3 or a
    multiple of sqrt(2): cubic; rhombohedral c/a of sqrt(6)/4, sqrt(6)/2,
    sqrt(6), 2 sqrt(6): a cubic lattice; orthorhombic 1, sqrt(3): tetragonal,
    orthohexagonal), 1 without a cell; and ``monoclinic_beta_from_90``.
    With the six default systems they add 30 + 6 + 11 + 1 = 48 columns
    (their effect on the scores: ``benchmarks/bench_physics_features.py``).

    A figure of merit compares cells of one system; across systems, a metric
    with more parameters indexes at least as well as its special cases (an
    orthorhombic fit of a tetragonal pattern is as good as the tetragonal one),
    which the classifier learns from the fitted cells.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> from scipy.ndimage import gaussian_filter1d
    >>> from sklearn_xrd.simulation import bin_sticks, stick_pattern
    >>> nacl = Structure.from_spacegroup(
    ...     "Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5] * 3])
    >>> X = gaussian_filter1d(bin_sticks(*stick_pattern(nacl), (5, 90), 0.02), 2)
    >>> est = IndexingFeatures(systems=("cubic", "tetragonal"))
    >>> Xt = est.fit_transform(X[None, :])
    >>> Xt.shape
    (1, 20)
    >>> round(float(Xt[0, 3]), 2)  # cubic_a
    5.64
    """

    _parameter_constraints: dict = {
        "n_peaks": [Interval(Integral, 3, None, closed="left")],
        "systems": [tuple, list],
        "tolerance": [Interval(Real, 0, None, closed="neither")],
        "wavelength": [str, Interval(Real, 0, None, closed="neither")],
        "two_theta_start": [Interval(Real, 0, 180, closed="left")],
        "step": [Interval(Real, 0, None, closed="neither")],
        "min_height": [Interval(Real, 0, 1, closed="both")],
        "peak_order": [StrOptions({"angle", "strongest"})],
        "kalpha2": [StrOptions({"auto"}), Interval(Real, 1, None, closed="left"), None],
        "max_zero_shift": [Interval(Real, 0, None, closed="left")],
        "max_volume": [Interval(Real, 0, None, closed="neither")],
        "contrasts": ["boolean"],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        n_peaks=20,
        *,
        systems=SYSTEMS,
        tolerance=0.03,
        wavelength="CuKa",
        two_theta_start=5.0,
        step=0.02,
        min_height=0.01,
        peak_order="angle",
        kalpha2=None,
        max_zero_shift=0.1,
        max_volume=4000.0,
        contrasts=False,
        n_jobs=None,
    ):
        self.n_peaks = n_peaks
        self.systems = systems
        self.tolerance = tolerance
        self.wavelength = wavelength
        self.two_theta_start = two_theta_start
        self.step = step
        self.min_height = min_height
        self.peak_order = peak_order
        self.kalpha2 = kalpha2
        self.max_zero_shift = max_zero_shift
        self.max_volume = max_volume
        self.contrasts = contrasts
        self.n_jobs = n_jobs

    def _check_params(self):
        resolve_wavelength(self.wavelength)
        unknown = [s for s in self.systems if s not in SYSTEMS]
        if unknown or not len(self.systems):
            raise ValueError(
                f"systems must be a non-empty subset of {SYSTEMS}, got {self.systems!r}"
            )

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
        self : IndexingFeatures
        """
        validate_patterns(self, X, reset=True)
        self._check_params()
        return self

    def index_patterns(self, X):
        """Index every pattern; the full results, fitted cells included.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_bins)
            Patterns on the grid ``two_theta_start + step * k``.

        Returns
        -------
        results : list of dict
            One dict per pattern mapping each system to the result of
            :func:`sklearn_xrd.indexing.index_peaks` (``fom``, ``cell``,
            ``hkl`` per peak, ``zero_shift``, ...).
        """
        X = validate_patterns(self, X, reset=False)
        self._check_params()
        ratio = (
            kalpha2_ratio(self.wavelength) if self.kalpha2 == "auto" else self.kalpha2
        )
        # the first n_peaks suffice unless K-alpha2 partners or weak bumps are to
        # be passed over: then every peak (at most one per two bins)
        plain = ratio is None and self.peak_order == "angle"
        tt, height = find_pattern_peaks(
            X,
            two_theta_start=self.two_theta_start,
            step=self.step,
            min_height=self.min_height,
            n_peaks=self.n_peaks if plain else X.shape[1] // 2,
        )
        tt, _ = select_peaks(
            tt, height, n_peaks=self.n_peaks, order=self.peak_order, kalpha2=ratio
        )
        kwargs = dict(
            wavelength=resolve_wavelength(self.wavelength),
            n_peaks=self.n_peaks,
            tolerance=self.tolerance,
            max_zero_shift=self.max_zero_shift,
            max_volume=self.max_volume,
        )
        systems = tuple(self.systems)
        n_jobs = 1 if self.n_jobs is None else self.n_jobs
        if n_jobs == 1 or len(tt) < 2:
            return _index_rows(tt, systems, kwargs)
        chunks = np.array_split(tt, min(len(tt), 4 * abs(n_jobs)))
        parts = Parallel(n_jobs=n_jobs)(
            delayed(_index_rows)(c, systems, kwargs) for c in chunks if len(c)
        )
        return [r for part in parts for r in part]

    def transform(self, X):
        """Figures of merit, unindexed counts and fitted cells per system.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_bins)
            Patterns on the grid ``two_theta_start + step * k``.

        Returns
        -------
        features : ndarray of shape (n_samples, n_features)
            Ten columns per system, four absence counts when
            ``"hexagonal"`` is searched, and the comparisons across systems
            with ``contrasts=True`` (see Notes).
        """
        return self._features_of(self.index_patterns(X))

    def _features_of(self, results):
        """The output columns from the results of :meth:`index_patterns`."""
        systems = tuple(self.systems)
        features = _features(results, systems, self.tolerance)
        if self.contrasts:
            extra = [values for _, values in _contrasts(features, systems)]
            features = np.column_stack([features, *extra])
        return features

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns, such as ``cubic_m20`` or ``monoclinic_beta``.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Ignored (the outputs do not map to input columns).

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        names = [f"{s}_{what}" for s in self.systems for what in _PER_SYSTEM]
        if "hexagonal" in self.systems:
            names += [f"hexagonal_{what}" for what in ABSENCE_FEATURES]
        if self.contrasts:
            names += _contrast_names(tuple(self.systems))
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        return tags


class ExtinctionFeatures(IndexingFeatures):
    """:class:`IndexingFeatures` plus the reflection conditions of each fitted cell.

    The columns of :class:`IndexingFeatures`, then, for each searched lattice
    system with conditions in :data:`sklearn_xrd.indexing.CONDITIONS`, the
    evidence of :func:`sklearn_xrd.indexing.extinction_counts`: the lines of
    the fitted cell up to the last indexed peak, and per lattice centring,
    glide plane or screw axis the indexed peaks on lines it forbids and the
    lines it allows. The crystal system says which metric; these say which
    space groups of it fit the lines that are present and absent, from the
    same indexing search.

    Parameters
    ----------
    n_peaks : int, default=20
        How many of the lowest-angle peaks to index.
    systems : tuple of str, default=("cubic", "tetragonal", "hexagonal", \
"rhombohedral", "orthorhombic", "monoclinic")
        Lattice systems to search.
    tolerance : float, default=0.03
        Largest peak-to-line distance in degrees 2-theta.
    wavelength : str or float, default="CuKa"
        Tube line or wavelength in angstrom of the input patterns.
    two_theta_start : float, default=5.0
        2-theta of the first bin, in degrees.
    step : float, default=0.02
        Grid spacing, in degrees.
    min_height : float, default=0.01
        Smallest peak height as a fraction of the pattern's maximum.
    peak_order : {"angle", "strongest"}, default="angle"
        Which peaks are indexed (see :class:`IndexingFeatures`).
    kalpha2 : "auto", float or None, default=None
        K-alpha2 partners to drop before indexing.
    max_zero_shift : float, default=0.1
        Largest zero shift (degrees 2-theta) the refinement may fit.
    max_volume : float, default=4000.0
        Largest cell volume searched, in cubic angstrom.
    contrasts : bool, default=False
        Append comparisons across systems.
    n_jobs : int, default=None
        Parallel jobs over patterns (joblib); ``None`` means 1.

    Attributes
    ----------
    n_features_in_ : int
        Number of grid points seen during fit.

    See Also
    --------
    IndexingFeatures : The same search, without the reflection conditions.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> from scipy.ndimage import gaussian_filter1d
    >>> from sklearn_xrd.simulation import bin_sticks, stick_pattern
    >>> nacl = Structure.from_spacegroup(
    ...     "Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5] * 3])
    >>> X = gaussian_filter1d(bin_sticks(*stick_pattern(nacl), (5, 90), 0.02), 2)
    >>> est = ExtinctionFeatures(systems=("cubic",)).fit(X[None, :])
    >>> counts = dict(zip(est.get_feature_names_out(), est.transform(X[None, :])[0]))
    >>> float(counts["cubic_F_violations"]), bool(counts["cubic_I_violations"] > 0)
    (0.0, True)
    """

    def _features_of(self, results):
        features = super()._features_of(results)
        systems = [s for s in self.systems if s in CONDITIONS]
        extra = np.array(
            [
                np.concatenate([extinction_counts(s, r[s]) for s in systems])
                for r in results
            ]
        ).reshape(len(results), -1)
        return np.column_stack([features, extra])

    def get_feature_names_out(self, input_features=None):
        """Names of :class:`IndexingFeatures`, then ``{system}_{condition}_...``.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Ignored (the outputs do not map to input columns).

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        names = list(super().get_feature_names_out())
        for s in self.systems:
            if s in CONDITIONS:
                names += extinction_feature_names(s)
        return np.asarray(names, dtype=object)
