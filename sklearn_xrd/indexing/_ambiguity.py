"""Structures whose powder line positions another crystal system explains."""

from numbers import Integral, Real

import numpy as np

from ..utils import crystal_system_from_space_group

# Axis ratios of a cell at which its lines are (nearly) those of a cell of
# higher symmetry: tetragonal c/a = n, 1/n or sqrt(2) (times n) index as
# cubic; rhombohedral (hexagonal axes) c/a = sqrt(6)/4, sqrt(6)/2, sqrt(6) and
# 2 sqrt(6) are the body-centred, primitive and face-centred cubic lattices
# (alpha near 109.5, 90 and 60 degrees); orthorhombic axes in the ratio 1 or
# sqrt(3) are tetragonal or orthohexagonal.
_S2, _S3, _S6 = np.sqrt(2.0), np.sqrt(3.0), np.sqrt(6.0)
_SPECIAL_RATIOS = {
    ("tetragonal", "c", "a"): (1, 2, 3, 1 / 2, 1 / 3, _S2, 1 / _S2, 2 * _S2, _S2 / 4),
    ("rhombohedral", "c", "a"): (_S6 / 4, _S6 / 2, _S6, 2 * _S6),
    ("hexagonal", "c", "a"): (),
    ("orthorhombic", "b", "a"): (1, _S3, 1 / _S3),
    ("orthorhombic", "c", "a"): (1, _S3, 1 / _S3),
    ("orthorhombic", "c", "b"): (1, _S3, 1 / _S3),
}

#: What :func:`metric_ambiguity` can return, besides ``None``.
AMBIGUITIES = (
    "primitive trigonal",
    "lattice of higher symmetry",
    "special axis ratio",
)

# Lattice systems from low to high point symmetry (trigonal: the R lattice).
_RANK = {
    "triclinic": 0,
    "monoclinic": 1,
    "orthorhombic": 2,
    "tetragonal": 3,
    "trigonal": 4,
    "hexagonal": 4,
    "cubic": 5,
}
_R_CENTRED = frozenset({146, 148, 155, 160, 161, 166, 167})


def metric_ambiguity(structure, *, space_group=None, tolerance=0.002, symprec=0.1):
    """Why another crystal system explains the line positions of a structure.

    Automatic indexing, and every classifier that reads the lattice metric
    from peak positions, cannot tell a structure's crystal system from a
    higher one when the higher one puts a line at every line position:

    - ``"primitive trigonal"``: a trigonal space group without R centring
      has a hexagonal lattice, so a hexagonal cell of the same a and c has
      the same lines. Only intensities and absences separate the two;
    - ``"lattice of higher symmetry"``: the lattice alone (one point per
      primitive cell) has a higher point symmetry than the crystal, within
      ``tolerance`` (relative on lengths, radians on angles): a monoclinic
      crystal with beta = 90 degrees, a rhombohedral one with a cubic
      lattice;
    - ``"special axis ratio"``: an axis ratio of the conventional cell is,
      within ``tolerance`` (relative), one at which a cell of higher
      symmetry indexes every line: tetragonal c/a = 1/3, 1/2, 1, 2, 3,
      sqrt(2)/4, 1/sqrt(2), sqrt(2) or 2 sqrt(2) (cubic, possibly a
      supercell), rhombohedral c/a (hexagonal axes) = sqrt(6)/4, sqrt(6)/2,
      sqrt(6) or 2 sqrt(6) (cubic), orthorhombic axis ratios 1 or sqrt(3)
      (tetragonal, hexagonal).

    The checks run in that order and the first that holds is returned.

    Parameters
    ----------
    structure : pymatgen.core.Structure
        An ordered structure.
    space_group : int, default=None
        Its space-group number (1-230), when known (a database label);
        ``None`` means pymatgen's analysis at ``symprec``.
    tolerance : float, default=0.002
        How close counts as equal. A relative change of d of 0.2 % moves a
        line at 25 degrees 2-theta (Cu K-alpha) by 0.05 degrees.
    symprec : float, default=0.1
        Distance tolerance (angstrom) of the symmetry analysis of the
        structure (space group, primitive and conventional cells).

    Returns
    -------
    reason : str or None
        One of :data:`AMBIGUITIES`, or ``None`` when the line positions
        single out the crystal system (as far as these checks go).

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> rutile = Structure.from_spacegroup(
    ...     "P4_2/mnm", Lattice.tetragonal(4.594, 2.959), ["Ti", "O"],
    ...     [[0, 0, 0], [0.305, 0.305, 0]])
    >>> metric_ambiguity(rutile) is None
    True
    >>> cdi2 = Structure.from_spacegroup(
    ...     "P-3m1", Lattice.hexagonal(4.24, 6.84), ["Cd", "I"],
    ...     [[0, 0, 0], [1 / 3, 2 / 3, 0.25]])
    >>> metric_ambiguity(cdi2)
    'primitive trigonal'
    """
    from pymatgen.core import Structure
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

    if not isinstance(structure, Structure):
        raise TypeError(
            f"structure must be a pymatgen Structure, got {type(structure).__name__}"
        )
    if not isinstance(tolerance, Real) or not 0 < tolerance < 0.1:
        raise ValueError(f"tolerance must be in (0, 0.1), got {tolerance!r}")
    analyzer = SpacegroupAnalyzer(structure, symprec=symprec)
    if space_group is None:
        space_group = analyzer.get_space_group_number()
    if not isinstance(space_group, Integral) or not 1 <= space_group <= 230:
        raise ValueError(f"space_group must be an integer 1-230, got {space_group!r}")
    system = crystal_system_from_space_group(int(space_group))
    if system == "trigonal" and space_group not in _R_CENTRED:
        return "primitive trigonal"

    primitive = analyzer.find_primitive()
    lattice = (primitive if primitive is not None else structure).lattice
    point = Structure(lattice, ["H"], [[0.0, 0.0, 0.0]])
    lattice_system = SpacegroupAnalyzer(
        point,
        symprec=tolerance * float(np.mean(lattice.abc)),
        angle_tolerance=float(np.degrees(tolerance)),
    ).get_crystal_system()
    if _RANK[lattice_system] > _RANK[system]:
        return "lattice of higher symmetry"

    abc = dict(zip("abc", analyzer.get_conventional_standard_structure().lattice.abc))
    for (cell_system, num, den), special in _SPECIAL_RATIOS.items():
        if cell_system == "rhombohedral":
            applies = system == "trigonal"  # only R-centred ones get this far
        else:
            applies = system == cell_system
        if applies and special:
            distance = np.abs(np.log(abc[num] / abc[den]) - np.log(special))
            if distance.min() < tolerance:
                return "special axis ratio"
    return None
