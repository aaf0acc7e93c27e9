"""Kinematic powder X-ray diffraction, vectorised over reflections and atoms.

For a structure with fractional coordinates ``r_j`` the intensity of the
reflection ``g = (h, k, l)`` is

    I(g) = LP(theta) * |sum_j f_j(s) exp(-B_j s^2) exp(2 pi i g . r_j)|^2

with ``s = sin(theta) / lambda = |g| / 2``, the atomic form factor
``f(s) = Z - 41.78214 s^2 sum_i a_i exp(-b_i s^2)`` (the coefficients pymatgen
tabulates, so that both engines agree), and the Lorentz-polarisation factor
``LP = (1 + cos^2 2theta) / (sin^2 theta cos theta)``. Every reciprocal-lattice
point inside the limiting sphere is enumerated, so symmetry-equivalent
reflections all contribute; Friedel pairs ``g`` and ``-g`` give equal
intensities (no anomalous dispersion) and one of each pair is computed.
"""

import math

import numpy as np


def _load_scattering_params():
    """pymatgen's table of form-factor coefficients, read from its JSON file.

    The file beside ``pymatgen.analysis.diffraction.xrd`` (what its
    ``ATOMIC_SCATTERING_PARAMS`` holds), found without importing pymatgen:
    importing the diffraction module pulls in all of ``pymatgen.core`` and
    took most of the start-up of ``sklearn-xrd predict``.
    """
    import importlib.util
    import json
    from pathlib import Path

    spec = importlib.util.find_spec("pymatgen")
    folder = Path(next(iter(spec.submodule_search_locations)))
    path = folder / "analysis" / "diffraction" / "atomic_scattering_params.json"
    table = json.loads(path.read_text())
    return {el: np.asarray(c, dtype=float) for el, c in table.items()}


_SCATTERING_PARAMS = _load_scattering_params()
SCATTERING_ELEMENTS = frozenset(_SCATTERING_PARAMS)

# Reflections weaker than this fraction of the strongest are systematic
# absences up to rounding and are dropped.
_ABSENT = 1e-12

# Upper bound on the entries of one (reflections x atoms) phase block.
_CHUNK_ENTRIES = 2_000_000


def check_two_theta_range(two_theta_range):
    """``(min, max)`` as floats, or ``ValueError`` saying what is wrong.

    Parameters
    ----------
    two_theta_range : tuple of float
        Degrees, ``0 <= min < max < 180``.

    Returns
    -------
    lo, hi : float

    Examples
    --------
    >>> check_two_theta_range((5, 90))
    (5.0, 90.0)
    """
    try:
        lo, hi = (float(v) for v in two_theta_range)
    except (TypeError, ValueError):
        raise ValueError(
            "two_theta_range must be a pair of numbers (min, max) in degrees, "
            f"got {two_theta_range!r}"
        ) from None
    if not 0 <= lo < hi < 180:
        raise ValueError(
            f"two_theta_range must satisfy 0 <= min < max < 180, got {(lo, hi)}"
        )
    return lo, hi


def grid(two_theta_range, step):
    """The 2-theta grid ``two_theta_range[0] + step * k`` that patterns live on.

    Parameters
    ----------
    two_theta_range : tuple of float
        ``(start, stop)`` in degrees; ``stop`` is included when it lies on the grid.
    step : float
        Grid spacing in degrees.

    Returns
    -------
    two_theta : ndarray of shape (n_bins,)

    Examples
    --------
    >>> grid((5, 6), 0.25)
    array([5.  , 5.25, 5.5 , 5.75, 6.  ])
    """
    start, stop = two_theta_range
    n_bins = int(math.floor((stop - start) / step + 1e-9)) + 1
    return start + step * np.arange(n_bins)


def reflections(lattice_matrix, wavelength, two_theta_range):
    """Reciprocal-lattice points whose Bragg angle falls in ``two_theta_range``.

    One of each Friedel pair ``(h, k, l)``, ``(-h, -k, -l)`` is returned.

    Parameters
    ----------
    lattice_matrix : ndarray of shape (3, 3)
        Rows are the direct lattice vectors a, b, c in angstrom.
    wavelength : float
        In angstrom.
    two_theta_range : tuple of float
        ``(min, max)`` in degrees, ``0 <= min < max < 180``.

    Returns
    -------
    hkl : ndarray of shape (n_reflections, 3), int
    g : ndarray of shape (n_reflections,)
        ``|g| = 1 / d`` in inverse angstrom.

    Examples
    --------
    >>> hkl, g = reflections(4.0 * np.eye(3), 1.54184, (20, 30))
    >>> hkl.tolist(), np.round(1 / g, 3).tolist()
    ([[0, 0, 1], [0, 1, 0], [1, 0, 0]], [4.0, 4.0, 4.0])
    """
    lattice_matrix = np.asarray(lattice_matrix, dtype=float)
    recip = np.linalg.inv(lattice_matrix).T  # rows a*, b*, c* (no 2 pi)
    lo, hi = two_theta_range
    g_min = 2 * math.sin(math.radians(lo) / 2) / wavelength
    g_max = 2 * math.sin(math.radians(hi) / 2) / wavelength
    # |h| = |g . a| <= g_max |a|
    bounds = np.floor(g_max * np.linalg.norm(lattice_matrix, axis=1) + 1e-9)
    hmax, kmax, lmax = bounds.astype(int)
    h = np.arange(0, hmax + 1)
    k = np.arange(-kmax, kmax + 1)
    l = np.arange(-lmax, lmax + 1)
    hh, kk, ll = np.meshgrid(h, k, l, indexing="ij")
    hkl = np.stack([hh.ravel(), kk.ravel(), ll.ravel()], axis=1)
    h_, k_, l_ = hkl.T
    half = (h_ > 0) | ((h_ == 0) & (k_ > 0)) | ((h_ == 0) & (k_ == 0) & (l_ > 0))
    hkl = hkl[half]
    metric = recip @ recip.T
    g2 = np.einsum("ij,jk,ik->i", hkl, metric, hkl)
    keep = (g2 <= g_max**2 * (1 + 1e-12)) & (g2 >= g_min**2 * (1 - 1e-12))
    return hkl[keep], np.sqrt(g2[keep])


def form_factors(elements, s2):
    """X-ray atomic form factors ``f(s)`` of ``elements`` at ``s^2``.

    Parameters
    ----------
    elements : sequence of str
        Element symbols.
    s2 : ndarray of shape (n,)
        ``(sin(theta) / lambda)^2`` in inverse square angstrom.

    Returns
    -------
    f : ndarray of shape (n, len(elements))

    Examples
    --------
    >>> form_factors(["Na", "Cl"], np.zeros(1)).tolist()  # f(0) = Z
    [[11.0, 17.0]]
    """
    from pymatgen.core import Element

    out = np.empty((len(s2), len(elements)))
    for j, el in enumerate(elements):
        coeff = _SCATTERING_PARAMS[el]
        decay = np.exp(-np.outer(s2, coeff[:, 1])) @ coeff[:, 0]
        out[:, j] = Element(el).Z - 41.78214 * s2 * decay
    return out


def lorentz_polarisation(theta):
    """Lorentz-polarisation factor for an unpolarised beam, no monochromator.

    Parameters
    ----------
    theta : ndarray
        Bragg angle (half of 2-theta), radians.

    Returns
    -------
    lp : ndarray
        ``(1 + cos^2 2theta) / (sin^2 theta cos theta)``.

    Examples
    --------
    >>> round(float(lorentz_polarisation(np.radians(45.0))), 4)  # 2-theta = 90 deg
    2.8284
    """
    return (1 + np.cos(2 * theta) ** 2) / (np.sin(theta) ** 2 * np.cos(theta))


def stick_pattern(
    structure, *, wavelength=1.54184, two_theta_range=(5.0, 90.0), debye_waller=None
):
    """Bragg angles and intensities of every reflection of an ordered structure.

    Parameters
    ----------
    structure : pymatgen.core.Structure
        Ordered structure (checked by the caller).
    wavelength : float, default=1.54184
        In angstrom (Cu K-alpha).
    two_theta_range : tuple of float, default=(5.0, 90.0)
        Degrees.
    debye_waller : dict of str to float, default=None
        Isotropic B factors (square angstrom) by element symbol; missing
        elements get B = 0.

    Returns
    -------
    two_theta : ndarray of shape (n_reflections,)
        Degrees, one entry per reflection (equivalent reflections repeat).
    intensity : ndarray of shape (n_reflections,)
        ``LP |F|^2`` in electrons squared, Friedel mates included.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> nacl = Structure.from_spacegroup(
    ...     "Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    >>> tt, inten = stick_pattern(nacl, two_theta_range=(20, 35))
    >>> sorted(set(np.round(tt, 2).tolist()))  # (111) and (200); (100) is absent
    [27.39, 31.73]
    """
    hkl, g = reflections(structure.lattice.matrix, wavelength, two_theta_range)
    if len(g) == 0:
        return np.empty(0), np.empty(0)
    theta = np.arcsin(np.clip(wavelength * g / 2, -1.0, 1.0))
    s2 = (g / 2) ** 2

    symbols = [site.specie.symbol for site in structure]
    elements = sorted(set(symbols))
    element_index = np.array([elements.index(s) for s in symbols])
    f = form_factors(elements, s2)  # (n_refl, n_elements)
    if debye_waller:
        b = np.array([float(debye_waller.get(el, 0.0)) for el in elements])
        f = f * np.exp(-np.outer(s2, b))
    fcoords = structure.frac_coords  # (n_atoms, 3)

    n_atoms = len(symbols)
    rows = max(1, _CHUNK_ENTRIES // n_atoms)
    f_re = np.empty(len(g))
    f_im = np.empty(len(g))
    hkl_f = hkl.astype(float)
    for start in range(0, len(g), rows):
        sl = slice(start, start + rows)
        phase = (2 * math.pi) * (hkl_f[sl] @ fcoords.T)  # (chunk, n_atoms)
        fa = f[sl][:, element_index]
        f_re[sl] = np.einsum("ij,ij->i", fa, np.cos(phase))
        f_im[sl] = np.einsum("ij,ij->i", fa, np.sin(phase))
    intensity = 2.0 * (f_re**2 + f_im**2) * lorentz_polarisation(theta)
    # Systematic absences come out as rounding noise (~1e-28 of the strongest).
    present = intensity > _ABSENT * intensity.max()
    return np.degrees(2 * theta[present]), intensity[present]


def bin_sticks(two_theta, intensity, two_theta_range, step):
    """Sum stick intensities into the nearest bin of :func:`grid`.

    Parameters
    ----------
    two_theta, intensity : ndarray of shape (n_reflections,)
    two_theta_range : tuple of float
    step : float

    Returns
    -------
    pattern : ndarray of shape (n_bins,)

    Examples
    --------
    >>> bin_sticks(np.array([5.26, 5.74, 5.76]), np.ones(3), (5, 6), 0.25)
    array([0., 1., 0., 2., 0.])
    """
    n_bins = len(grid(two_theta_range, step))
    idx = np.rint((np.asarray(two_theta) - two_theta_range[0]) / step).astype(int)
    ok = (idx >= 0) & (idx < n_bins)
    return np.bincount(idx[ok], weights=np.asarray(intensity)[ok], minlength=n_bins)
