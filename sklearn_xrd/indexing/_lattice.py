"""Lattice metrics of the crystal systems in Q = 1/d^2 and their reflection tables.

For a lattice with reciprocal metric tensor ``G*`` the reflection ``(h, k, l)``
lies at

    Q_hkl = 1 / d_hkl^2 = h^2 A + k^2 B + l^2 C + hk D + hl E + kl F

with ``A = a*^2``, ``D = 2 a* b* cos(gamma*)`` and so on. Each lattice system
ties the six coefficients to ``p`` free parameters through a fixed ``6 x p``
basis, so that ``Q_hkl = row_hkl . params`` with the design row
``row_hkl = (h^2, k^2, l^2, hk, hl, kl) @ basis``:

============  ==  ==========================================  ==================
system        p   params                                      design row
============  ==  ==========================================  ==================
cubic         1   ``A = 1/a^2``                               ``h^2+k^2+l^2``
tetragonal    2   ``A = 1/a^2, C = 1/c^2``                    ``(h^2+k^2, l^2)``
hexagonal     2   ``A = 4/(3a^2), C = 1/c^2``                 ``(h^2+hk+k^2, l^2)``
rhombohedral  2   as hexagonal (hexagonal axes)               idem, ``-h+k+l = 3n``
orthorhombic  3   ``A, B, C = 1/a^2, 1/b^2, 1/c^2``           ``(h^2, k^2, l^2)``
monoclinic    4   ``A, B, C, E`` (b unique, ``E = 2a*c*cos``  ``(h^2, k^2, l^2, hl)``
                  ``beta*``)
============  ==  ==========================================  ==================

Reflections with the same design row fall at the same Q for every value of the
parameters (symmetry-equivalent or metrically equivalent reflections); they form
one *line* of the system. The rhombohedral lattice keeps only the lines that hold
a reflection with ``-h + k + l = 3n`` (obverse) or ``h - k + l = 3n`` (reverse);
the other centred lattices are searched as their primitive lattice.
"""

import functools

import numpy as np

SYSTEMS = (
    "cubic",
    "tetragonal",
    "hexagonal",
    "rhombohedral",
    "orthorhombic",
    "monoclinic",
)

# Columns: A, B, C, D, E, F multiply h^2, k^2, l^2, hk, hl, kl.
_BASIS = {
    "cubic": [[1], [1], [1], [0], [0], [0]],
    "tetragonal": [[1, 0], [1, 0], [0, 1], [0, 0], [0, 0], [0, 0]],
    "hexagonal": [[1, 0], [1, 0], [0, 1], [1, 0], [0, 0], [0, 0]],
    "rhombohedral": [[1, 0], [1, 0], [0, 1], [1, 0], [0, 0], [0, 0]],
    "orthorhombic": [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
    ],
    "monoclinic": [
        [1, 0, 0, 0],
        [0, 1, 0, 0],
        [0, 0, 1, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 1],
        [0, 0, 0, 0],
    ],
}

N_PARAMS = {system: len(basis[0]) for system, basis in _BASIS.items()}

#: The entries of a cell vector (:func:`cell_from_coefficients`), in order.
CELL_PARAMETERS = ("a", "b", "c", "alpha", "beta", "gamma", "volume")

# Largest |h|, |k|, |l| in the reflection tables: a cell whose lines up to the
# last observed peak need larger indices is not searched.
MAX_INDEX = 12


def check_system(system):
    """Raise ``ValueError`` unless ``system`` is one of :data:`SYSTEMS`."""
    if system not in _BASIS:
        raise ValueError(f"unknown lattice system {system!r}; use one of {SYSTEMS}")
    return system


def basis(system):
    """The ``6 x p`` matrix from a system's parameters to ``(A, B, C, D, E, F)``.

    Parameters
    ----------
    system : str
        One of :data:`SYSTEMS`.

    Returns
    -------
    basis : ndarray of shape (6, p)

    Examples
    --------
    >>> basis("hexagonal").T
    array([[1., 1., 0., 1., 0., 0.],
           [0., 0., 1., 0., 0., 0.]])
    """
    return np.asarray(_BASIS[check_system(system)], dtype=float)


def hkl_products(hkl):
    """``(h^2, k^2, l^2, hk, hl, kl)`` for each row of ``hkl``.

    Parameters
    ----------
    hkl : array-like of shape (n, 3)

    Returns
    -------
    products : ndarray of shape (n, 6)
    """
    h, k, l = np.asarray(hkl, dtype=float).T
    return np.stack([h * h, k * k, l * l, h * k, h * l, k * l], axis=-1)


@functools.cache
def reflection_table(system, max_index=MAX_INDEX):
    """The lines of a lattice system: unique design rows and one ``hkl`` each.

    Parameters
    ----------
    system : str
        One of :data:`SYSTEMS`.
    max_index : int, default=MAX_INDEX
        Reflections with ``|h|, |k|, |l| <= max_index`` are enumerated.

    Returns
    -------
    rows : ndarray of shape (n_lines, p)
        Design rows, so that the lines lie at ``Q = rows @ params``.
    hkl : ndarray of shape (n_lines, 3), int
        A representative reflection of each line (non-negative indices first).

    Examples
    --------
    >>> rows, hkl = reflection_table("cubic", 2)
    >>> rows[:6, 0].tolist()  # h^2 + k^2 + l^2; 7 is no sum of three squares
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    >>> hkl[:3].tolist()
    [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    """
    r = np.arange(max_index, -max_index - 1, -1)  # non-negative indices first
    hkl = np.stack(np.meshgrid(r, r, r, indexing="ij"), axis=-1).reshape(-1, 3)
    hkl = hkl[np.any(hkl != 0, axis=1)]
    if system == "rhombohedral":
        h, k, l = hkl.T
        hkl = hkl[((-h + k + l) % 3 == 0) | ((h - k + l) % 3 == 0)]
    rows = hkl_products(hkl) @ basis(system)
    rows, first = np.unique(rows, axis=0, return_index=True)
    hkl = hkl[first]
    order = np.lexsort((hkl[:, 0], hkl[:, 1], hkl[:, 2], rows.sum(axis=1)))
    rows, hkl = rows[order], hkl[order]
    rows.setflags(write=False)
    hkl.setflags(write=False)
    return rows, hkl


# Lattice centrings whose extinctions the figure of merit may assume, per system.
CENTRINGS = {
    "cubic": ("P", "I", "F"),
    "tetragonal": ("P", "I"),
    "hexagonal": ("P",),
    "rhombohedral": ("R",),
    "orthorhombic": ("P", "I", "F", "C", "A", "B"),
    "monoclinic": ("P", "C", "A", "I"),
}


def _centring_condition(centring, h, k, l):
    return {
        "P": np.ones_like(h, dtype=bool),
        "R": np.ones_like(h, dtype=bool),
        "I": (h + k + l) % 2 == 0,
        "F": ((h + k) % 2 == 0) & ((k + l) % 2 == 0),
        "C": (h + k) % 2 == 0,
        "A": (k + l) % 2 == 0,
        "B": (h + l) % 2 == 0,
    }[centring]


@functools.cache
def centring_table(system, max_index=MAX_INDEX):
    """Which lines of :func:`reflection_table` each centring of the system allows.

    A line is allowed when one of its reflections obeys the centring's
    reflection condition (``I``: ``h + k + l`` even; ``F``: ``h, k, l`` all even
    or all odd; ``C``: ``h + k`` even; ``A``: ``k + l`` even; ``B``: ``h + l``
    even).

    Parameters
    ----------
    system : str
    max_index : int, default=MAX_INDEX

    Returns
    -------
    allowed : ndarray of shape (n_lines, n_centrings), bool
        Columns in the order of ``CENTRINGS[system]``.

    Examples
    --------
    >>> rows, _ = reflection_table("cubic", 3)
    >>> allowed = centring_table("cubic", 3)
    >>> rows[allowed[:, 2], 0][:4].tolist()  # F: (111), (200), (220), (311)
    [3.0, 4.0, 8.0, 11.0]
    """
    hkl, line = reflection_lines(system, max_index)
    h, k, l = hkl.T
    n_lines = len(reflection_table(system, max_index)[0])
    allowed = np.zeros((n_lines, len(CENTRINGS[system])), dtype=bool)
    for j, centring in enumerate(CENTRINGS[system]):
        ok = _centring_condition(centring, h, k, l)
        allowed[:, j] = np.bincount(line[ok], minlength=n_lines) > 0
    allowed.setflags(write=False)
    return allowed


@functools.cache
def reflection_lines(system, max_index=MAX_INDEX):
    """Every reflection of the system and the line of :func:`reflection_table` it is on.

    Parameters
    ----------
    system : str
    max_index : int, default=MAX_INDEX

    Returns
    -------
    hkl : ndarray of shape (n_reflections, 3), int
        All reflections with ``|h|, |k|, |l| <= max_index`` (rhombohedral: those
        of the obverse or reverse setting).
    line : ndarray of shape (n_reflections,), int
        Index of each one's line (equal Q for every cell of the system).

    Examples
    --------
    >>> hkl, line = reflection_lines("cubic", 1)
    >>> rows, _ = reflection_table("cubic", 1)
    >>> sorted(set(rows[line, 0].tolist()))  # h^2 + k^2 + l^2
    [1.0, 2.0, 3.0]
    """
    rows, _ = reflection_table(system, max_index)
    r = np.arange(-max_index, max_index + 1)
    hkl = np.stack(np.meshgrid(r, r, r, indexing="ij"), axis=-1).reshape(-1, 3)
    hkl = hkl[np.any(hkl != 0, axis=1)]
    if system == "rhombohedral":
        h, k, l = hkl.T
        hkl = hkl[((-h + k + l) % 3 == 0) | ((h - k + l) % 3 == 0)]
    all_rows = hkl_products(hkl) @ basis(system)
    # position of every reflection's row in the sorted table
    _, inverse = np.unique(
        np.concatenate([rows, all_rows]), axis=0, return_inverse=True
    )
    inverse = inverse.ravel()
    slot = np.empty(len(rows), dtype=int)
    slot[inverse[: len(rows)]] = np.arange(len(rows))
    line = slot[inverse[len(rows) :]]
    hkl.setflags(write=False)
    line.setflags(write=False)
    return hkl, line


def metric_coefficients(system, params):
    """``(A, B, C, D, E, F)`` from a system's parameters.

    Parameters
    ----------
    system : str
    params : array-like of shape (..., p)

    Returns
    -------
    coefficients : ndarray of shape (..., 6)
    """
    return np.asarray(params, dtype=float) @ basis(system).T


def cell_from_coefficients(coefficients):
    """Direct cell ``(a, b, c, alpha, beta, gamma, volume)`` from ``(A, ..., F)``.

    Parameters
    ----------
    coefficients : array-like of shape (..., 6)
        The Q-space metric coefficients, in inverse square angstrom.

    Returns
    -------
    cell : ndarray of shape (..., 7)
        :data:`CELL_PARAMETERS`: lengths in angstrom, angles in degrees,
        volume in cubic angstrom; NaN
        where the coefficients are no positive-definite metric.

    Examples
    --------
    >>> cell_from_coefficients([1 / 16, 1 / 16, 1 / 25, 0, 0, 0]).round(3).tolist()
    [4.0, 4.0, 5.0, 90.0, 90.0, 90.0, 80.0]
    >>> a, c = 3.0, 5.0
    >>> coeffs = metric_coefficients("hexagonal", [4 / (3 * a**2), 1 / c**2])
    >>> cell_from_coefficients(coeffs).round(3).tolist()
    [3.0, 3.0, 5.0, 90.0, 90.0, 120.0, 38.971]
    """
    c6 = np.asarray(coefficients, dtype=float)
    A, B, C, D, E, F = np.moveaxis(c6, -1, 0)
    g_star = np.stack(
        [
            np.stack([A, D / 2, E / 2], axis=-1),
            np.stack([D / 2, B, F / 2], axis=-1),
            np.stack([E / 2, F / 2, C], axis=-1),
        ],
        axis=-2,
    )
    det = np.linalg.det(g_star)
    minor = A * B - D * D / 4
    ok = (A > 0) & (minor > 0) & (det > 0) & np.isfinite(det)
    safe = np.where(ok[..., None, None], g_star, np.eye(3))
    g = np.linalg.inv(safe)
    lengths = np.sqrt(np.diagonal(g, axis1=-2, axis2=-1))
    cos_alpha = g[..., 1, 2] / (lengths[..., 1] * lengths[..., 2])
    cos_beta = g[..., 0, 2] / (lengths[..., 0] * lengths[..., 2])
    cos_gamma = g[..., 0, 1] / (lengths[..., 0] * lengths[..., 1])
    angles = np.degrees(np.arccos(np.clip([cos_alpha, cos_beta, cos_gamma], -1, 1)))
    volume = 1 / np.sqrt(np.where(ok, det, 1.0))
    cell = np.concatenate(
        [lengths, np.moveaxis(angles, 0, -1), volume[..., None]], axis=-1
    )
    return np.where(ok[..., None], cell, np.nan)


def coefficients_from_cell(a, b, c, alpha, beta, gamma):
    """``(A, B, C, D, E, F)`` of a direct cell (lengths in angstrom, degrees).

    Parameters
    ----------
    a, b, c : float
        Cell edges, angstrom.
    alpha, beta, gamma : float
        Cell angles, degrees.

    Returns
    -------
    coefficients : ndarray of shape (6,)
        ``Q_hkl = h^2 A + k^2 B + l^2 C + hk D + hl E + kl F``.

    Examples
    --------
    >>> coefficients_from_cell(4, 4, 5, 90, 90, 90).round(4).tolist()
    [0.0625, 0.0625, 0.04, 0.0, 0.0, 0.0]
    """
    al, be, ga = np.radians([alpha, beta, gamma])
    g = np.array(
        [
            [a * a, a * b * np.cos(ga), a * c * np.cos(be)],
            [a * b * np.cos(ga), b * b, b * c * np.cos(al)],
            [a * c * np.cos(be), b * c * np.cos(al), c * c],
        ]
    )
    s = np.linalg.inv(g)
    return np.array([s[0, 0], s[1, 1], s[2, 2], 2 * s[0, 1], 2 * s[0, 2], 2 * s[1, 2]])
