"""Filters and symmetry labels shared by every loader."""

import warnings

from ..simulation import check_structure
from ..utils import crystal_system_from_space_group


def is_organic(structure):
    """Whether ``structure`` counts as organic: it holds both carbon and hydrogen.

    This is the usual rule for inorganic crystal databases (carbonates,
    carbides and hydrides stay; anything with a C-H bond candidate goes).

    Parameters
    ----------
    structure : pymatgen.core.Structure

    Returns
    -------
    organic : bool

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> ch4 = Structure(Lattice.cubic(5), ["C", "H"], [[0, 0, 0], [0.2, 0.2, 0.2]])
    >>> is_organic(ch4)
    True
    """
    elements = {el.symbol for el in structure.composition.elements}
    return {"C", "H"} <= elements


def space_group_number(structure, symprec=0.1):
    """International space-group number from spglib (through pymatgen).

    Parameters
    ----------
    structure : pymatgen.core.Structure
    symprec : float, default=0.1
        Distance tolerance in angstrom.

    Returns
    -------
    number : int
    """
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return int(
            SpacegroupAnalyzer(structure, symprec=symprec).get_space_group_number()
        )


def screen_structure(structure, name, *, max_cell_length, exclude_organic, symprec):
    """Apply the study's filters and label one structure.

    Returns
    -------
    space_group : int or None
    reason : str or None
        Why the structure is skipped (``None`` when it is kept).
    """
    try:
        check_structure(structure, name)
    except ValueError as exc:
        return None, str(exc).removeprefix(f"{name}: ")
    if max_cell_length is not None:
        longest = max(structure.lattice.abc)
        if longest > max_cell_length:
            return None, (
                f"cell length {longest:.1f} A exceeds max_cell_length="
                f"{max_cell_length:g} A"
            )
    if exclude_organic and is_organic(structure):
        return None, "organic (contains both C and H)"
    try:
        number = space_group_number(structure, symprec)
    except Exception as exc:  # spglib failures come in several kinds
        return None, f"symmetry analysis failed ({exc})"
    return number, None


def crystal_systems(space_groups):
    """Crystal-system names for a list of space-group numbers."""
    return crystal_system_from_space_group(list(space_groups)) if space_groups else []
