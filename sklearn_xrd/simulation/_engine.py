"""Batched kinematic diffraction: many structures per call of a compiled kernel.

Structures are flattened into arrays (lattice metrics, fractional
coordinates sorted by element, element groups) and handed to
:func:`sklearn_xrd.simulation._kernel._patterns_kernel`, which loops over the
reciprocal-lattice points inside the limiting sphere (one of each Friedel
pair) and bins ``2 LP |F|^2`` straight into each output row. Form factors are
tabulated once per s^2 range. The per-structure reference implementation,
:func:`sklearn_xrd.simulation.stick_pattern`, gives the same intensities.
"""

import functools
import math

import numpy as np

from ._xrd import _ABSENT, _SCATTERING_PARAMS, SCATTERING_ELEMENTS

#: Height of the strongest bin of every simulated pattern.
PATTERN_MAX = 100.0

_ELEMENTS = sorted(SCATTERING_ELEMENTS)
_ELEMENT_INDEX = {el: i + 1 for i, el in enumerate(_ELEMENTS)}  # 0 = padding


def _element_tables():
    from pymatgen.core import Element

    z = np.zeros(len(_ELEMENTS) + 1)
    a = np.zeros((len(_ELEMENTS) + 1, 4))
    b = np.zeros((len(_ELEMENTS) + 1, 4))
    for el, i in _ELEMENT_INDEX.items():
        coeff = _SCATTERING_PARAMS[el]
        z[i] = Element(el).Z
        a[i, : len(coeff)] = coeff[:, 0]
        b[i, : len(coeff)] = coeff[:, 1]
    return z, a, b


_Z, _A, _B = _element_tables()


def structure_arrays(structure, name):
    """Lattice, fractional coordinates and element indices of an ordered structure.

    Raises ``ValueError`` naming ``name`` when the structure cannot be
    simulated: not a pymatgen ``Structure``, no sites, no volume, a disordered
    site (partial or mixed occupancy), or an element without X-ray form
    factors.

    Parameters
    ----------
    structure : pymatgen.core.Structure
    name : str
        How to call the input in error messages.

    Returns
    -------
    matrix : ndarray of shape (3, 3)
        Rows a, b, c in angstrom.
    frac : ndarray of shape (n_sites, 3)
    elements : ndarray of shape (n_sites,), int
        Index into the engine's element table (1-based).
    """
    from pymatgen.core import Structure

    if not isinstance(structure, Structure):
        raise ValueError(
            f"{name}: expected a pymatgen Structure, got {type(structure).__name__}"
        )
    sites = structure.sites
    if not sites:
        raise ValueError(f"{name}: structure has no sites")
    matrix = structure.lattice.matrix
    # the triple product in Python: np.linalg.det costs more than the check
    (a0, a1, a2), (b0, b1, b2), (c0, c1, c2) = matrix.tolist()
    volume = (
        a0 * (b1 * c2 - b2 * c1) - a1 * (b0 * c2 - b2 * c0) + a2 * (b0 * c1 - b1 * c0)
    )
    if not abs(volume) > 1e-6:
        raise ValueError(f"{name}: unit cell has no volume")
    symbols, frac = [], []
    for site in sites:
        try:
            ((sp, occu),) = site.species.items()  # one species per site, or raise
        except ValueError:
            raise ValueError(_disordered(name)) from None
        if abs(occu - 1.0) > 1e-6:
            raise ValueError(_disordered(name))
        symbols.append(sp.symbol)
        frac.append(site.frac_coords)
    try:
        elements = np.array([_ELEMENT_INDEX[s] for s in symbols])
    except KeyError:
        missing = sorted(set(symbols) - SCATTERING_ELEMENTS)
        raise ValueError(
            f"{name}: no X-ray atomic form factors for element(s) {missing}"
        ) from None
    return matrix, np.array(frac), elements


def _disordered(name):
    return (
        f"{name}: disordered structure (a site with partial or mixed occupancy); "
        "order it first, e.g. with pymatgen's OrderDisorderedStructureTransformation"
    )


def _form_factors(elements, s2):
    """f(s) for element indices ``elements`` (..., n_el) at ``s2`` (...,)."""
    s2 = s2[..., None]
    decay = np.einsum(
        "...ec,...ec->...e", _A[elements], np.exp(-_B[elements] * s2[..., None])
    )
    return np.where(elements > 0, _Z[elements] - 41.78214 * s2 * decay, 0.0)


# Form factors are tabulated on a fine grid of s^2 for the compiled kernel;
# linear interpolation errs by less than 1e-6 of f.
_S2_POINTS = 8192


@functools.lru_cache(maxsize=8)
def _form_factor_table(s2_max):
    """f(s) of every element on ``_S2_POINTS`` values of s^2 in [0, s2_max]."""
    s2 = np.linspace(0.0, s2_max, _S2_POINTS)
    elements = np.arange(len(_Z))[None, :]
    table = np.ascontiguousarray(_form_factors(elements, s2).T)
    table.setflags(write=False)
    return table, s2[1] - s2[0]


def _bin_edges(wavelength, lo, step, n_bins, g_min, g_max):
    """g^2 at the bin edges (nearest-bin rule) and a coarse lookup into them.

    Bin ``k`` takes reflections with ``lo + (k - 1/2) step <= 2 theta <
    lo + (k + 1/2) step``; in ``g^2 = (2 sin(theta) / lambda)^2`` these edges
    are monotonic, so the kernel bins without an inverse sine.
    """
    tt = np.clip(lo + (np.arange(n_bins + 1) - 0.5) * step, 0.0, 180.0)
    edges = (2 * np.sin(np.radians(tt) / 2) / wavelength) ** 2
    n_fine = 4 * n_bins + 1
    fine_step = (g_max**2 * (1 + 1e-9) - g_min**2) / n_fine
    fine_g2 = g_min**2 + fine_step * np.arange(n_fine)
    fine_bin = np.searchsorted(edges, fine_g2, side="right").astype(np.int64) - 1
    return edges, np.clip(fine_bin, 0, n_bins - 1), fine_step


def compiled_patterns(arrays, *, wavelength, two_theta_range, step, debye_waller=None):
    """:func:`simulate_patterns` through the compiled kernel.

    The Debye-Waller factor is folded into the tabulated form factors.
    """
    from ._kernel import _patterns_kernel

    lo, hi = two_theta_range
    n_bins = int(math.floor((hi - lo) / step + 1e-9)) + 1
    n = len(arrays)
    if n == 0:
        return np.zeros((0, n_bins))
    t_lo = max(lo - step / 2, 0.0)
    t_hi = min(hi + step / 2, 179.99)
    g_min = 2 * math.sin(math.radians(t_lo) / 2) / wavelength
    g_max = 2 * math.sin(math.radians(t_hi) / 2) / wavelength
    matrices = np.stack([a[0] for a in arrays])
    bounds = np.floor(g_max * np.linalg.norm(matrices, axis=2) + 1e-9).astype(np.int64)
    recip = np.linalg.inv(matrices).transpose(0, 2, 1)
    metrics = np.ascontiguousarray(recip @ recip.transpose(0, 2, 1))
    frac = np.ascontiguousarray(np.concatenate([a[1] for a in arrays]), dtype=float)
    atom_elem = np.concatenate([a[2] for a in arrays]).astype(np.int64)
    atom_start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum([len(a[2]) for a in arrays], out=atom_start[1:])
    edges, fine_bin, fine_step = _bin_edges(wavelength, lo, step, n_bins, g_min, g_max)
    s2_max = g_max**2 / 4 * (1 + 1e-6)
    table, s2_step = _form_factor_table(round(s2_max, 12))
    if debye_waller:
        table = table.copy()
        s2 = np.arange(_S2_POINTS) * s2_step
        for el, value in debye_waller.items():
            if el in _ELEMENT_INDEX:
                table[_ELEMENT_INDEX[el]] *= np.exp(-float(value) * s2)
    return _patterns_kernel(
        metrics,
        bounds,
        frac,
        atom_elem,
        atom_start,
        table,
        s2_step,
        float(wavelength),
        (g_min**2) * (1 - 1e-12),
        (g_max**2) * (1 + 1e-12),
        edges,
        fine_bin,
        fine_step,
        _ABSENT,
        PATTERN_MAX,
    )


def simulate_patterns(arrays, *, wavelength, two_theta_range, step, debye_waller=None):
    """Binned stick patterns, strongest bin :data:`PATTERN_MAX`, one per structure.

    Parameters
    ----------
    arrays : list of tuple
        ``(matrix, frac, elements)`` from :func:`structure_arrays`.
    wavelength : float
        Angstrom.
    two_theta_range : tuple of float
        First and last grid point, degrees. Reflections within half a step
        outside the range land in the first or last bin (nearest-bin rule).
    step : float
        Grid spacing, degrees.
    debye_waller : dict of str to float, default=None
        Isotropic B factors (square angstrom) by element symbol.

    Returns
    -------
    patterns : ndarray of shape (len(arrays), n_bins)
        A row with no reflection in range is all zeros.
    """
    return compiled_patterns(
        arrays,
        wavelength=wavelength,
        two_theta_range=two_theta_range,
        step=step,
        debye_waller=debye_waller,
    )
