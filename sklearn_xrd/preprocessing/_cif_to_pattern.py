"""Structures (CIF files, CIF texts or pymatgen objects) to stick patterns."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn_compat.base import _fit_context

from ..simulation import WAVELENGTHS, grid, simulate_many
from ..simulation._xrd import check_two_theta_range
from ..utils._param_validation import HasMethods, Interval, StrOptions


class CIFToPattern(TransformerMixin, BaseEstimator):
    """Simulate powder X-ray stick patterns of crystal structures.

    Stateless, like :class:`~sklearn.feature_extraction.text.HashingVectorizer`:
    a 1-D list of CIF files, CIF texts or pymatgen structures goes in, a matrix
    of fixed width comes out, one row per structure on the grid
    ``two_theta_range[0] + step * k``.

    Each row holds the unbroadened stick intensities: for every
    reciprocal-lattice point in range (so every symmetry-equivalent
    reflection), ``LP(theta) |F_hkl|^2`` with structure factors from X-ray
    atomic form factors, an optional isotropic Debye-Waller factor and the
    Lorentz-polarisation factor, summed into the nearest bin and scaled so
    that the strongest bin is 100 (a row with no reflection in range is all
    zeros). Broaden with :class:`GaussianBroadening` or a pseudo-Voigt profile.

    Parameters
    ----------
    input : {"filename", "content", "structure"}, default="filename"
        What each element of ``X`` is: a path to a CIF file, the text of a
        CIF, or a :class:`pymatgen.core.Structure`.
    wavelength : str or float, default="CuKa"
        A tube line of :data:`sklearn_xrd.simulation.WAVELENGTHS` or a
        wavelength in angstrom.
    two_theta_range : tuple of (float, float), default=(5, 90)
        First and last grid point, degrees.
    step : float, default=0.02
        Grid spacing, degrees.
    debye_waller : dict of str to float, default=None
        Isotropic B factors (square angstrom) by element symbol.
    backend : {"numpy", "pymatgen"}, default="numpy"
        ``"numpy"``: our engine, which simulates a batch of structures per
        call of a compiled kernel (numba) and gives the same intensities as
        the per-structure reference :func:`sklearn_xrd.simulation.stick_pattern`,
        in a fraction of the time of ``"pymatgen"``:
        :class:`pymatgen.analysis.diffraction.xrd.XRDCalculator`, the
        reference both are tested against (speed ratio:
        ``benchmarks/bench_simulation.py``).
    n_jobs : int, default=None
        Parallel jobs over structures (joblib); ``None`` means 1.
    memory : str or object with the joblib.Memory interface, default=None
        Cache for simulated rows, one entry per chunk of up to 2048 inputs,
        keyed on the inputs (CIF texts, or lattice, coordinates and elements),
        the parameters, the versions of sklearn_xrd and pymatgen and a
        fingerprint of sklearn_xrd's source code.
    verbose : int, default=0
        joblib's progress messages when positive.

    Attributes
    ----------
    two_theta_ : ndarray of shape (n_bins,)
        The grid, degrees (available without fitting, as a property).

    See Also
    --------
    sklearn_xrd.datasets.load_cif_directory : Load and filter a CIF folder.
    GaussianBroadening : Peak shapes.

    Notes
    -----
    Structures must be ordered: a site with partial occupancy raises
    ``ValueError`` (order it first). Errors name the input: the file name, or
    ``document i`` / ``structure i``.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> nacl = Structure.from_spacegroup(
    ...     "Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5] * 3])
    >>> sim = CIFToPattern(input="structure")
    >>> X = sim.transform([nacl])
    >>> X.shape
    (1, 4251)
    >>> round(float(sim.two_theta_[X[0].argmax()]), 2)  # (200): 2 d sin(theta) = lambda
    31.74
    """

    _parameter_constraints: dict = {
        "input": [StrOptions({"filename", "content", "structure"})],
        "wavelength": [
            StrOptions(set(WAVELENGTHS)),
            Interval(Real, 0, None, closed="neither"),
        ],
        "two_theta_range": [tuple, list],
        "step": [Interval(Real, 0, None, closed="neither")],
        "debye_waller": [dict, None],
        "backend": [StrOptions({"numpy", "pymatgen"})],
        "n_jobs": [Integral, None],
        "memory": [None, str, HasMethods(["cache"])],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        input="filename",
        *,
        wavelength="CuKa",
        two_theta_range=(5, 90),
        step=0.02,
        debye_waller=None,
        backend="numpy",
        n_jobs=None,
        memory=None,
        verbose=0,
    ):
        self.input = input
        self.wavelength = wavelength
        self.two_theta_range = two_theta_range
        self.step = step
        self.debye_waller = debye_waller
        self.backend = backend
        self.n_jobs = n_jobs
        self.memory = memory
        self.verbose = verbose

    def _check_range(self):
        return check_two_theta_range(self.two_theta_range)

    @property
    def two_theta_(self):
        """The 2-theta grid of the output columns, degrees."""
        return grid(self._check_range(), self.step)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X=None, y=None):
        """Validate the parameters; nothing is learned.

        Parameters
        ----------
        X : list of str or Structure, default=None
            Ignored.
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        self._check_range()
        return self

    def transform(self, X):
        """Simulate one stick pattern per input.

        Parameters
        ----------
        X : iterable of str, path-like or pymatgen.core.Structure
            One-dimensional: file names, CIF texts or structures, as ``input``
            says.

        Returns
        -------
        patterns : ndarray of shape (n_samples, n_bins)
            Stick intensities, strongest bin 100.
        """
        self._validate_params()
        lo, hi = self._check_range()
        if isinstance(X, (str, bytes)):
            raise ValueError(
                "Iterable over CIF documents expected, a single string received; "
                "wrap it in a list"
            )
        if isinstance(X, np.ndarray) and X.ndim != 1:
            raise ValueError(
                f"CIFToPattern expects a 1-D list of inputs, got an array of shape "
                f"{X.shape}"
            )
        docs = list(X)
        if not docs:
            return np.zeros((0, len(grid((lo, hi), self.step))))
        return simulate_many(
            docs,
            input=self.input,
            wavelength=self.wavelength,
            two_theta_range=(lo, hi),
            step=self.step,
            debye_waller=self.debye_waller,
            backend=self.backend,
            n_jobs=self.n_jobs,
            memory=self.memory,
            verbose=self.verbose,
        ).data

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
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = False
        return tags
