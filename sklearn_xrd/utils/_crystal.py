"""Space-group numbers and the seven crystal systems."""

import functools

import numpy as np

CRYSTAL_SYSTEMS = (
    "triclinic",
    "monoclinic",
    "orthorhombic",
    "tetragonal",
    "trigonal",
    "hexagonal",
    "cubic",
)

# Last space-group number of each crystal system, in the order above.
_LAST_NUMBER = np.array([2, 15, 74, 142, 167, 194, 230])


def crystal_system_from_space_group(number):
    """Crystal system of one or more space-group numbers (1-230).

    Parameters
    ----------
    number : int or array-like of int
        International Tables space-group number(s).

    Returns
    -------
    system : str or ndarray of str
        One of :data:`CRYSTAL_SYSTEMS` for each number.

    Examples
    --------
    >>> crystal_system_from_space_group(225)
    'cubic'
    >>> crystal_system_from_space_group([1, 14, 62, 139, 166, 194]).tolist()
    ['triclinic', 'monoclinic', 'orthorhombic', 'tetragonal', 'trigonal', 'hexagonal']
    """
    numbers = np.asarray(number)
    if not np.issubdtype(numbers.dtype, np.integer):
        if not np.all(np.equal(np.mod(numbers, 1), 0)):
            raise ValueError(f"space-group numbers must be integers, got {number!r}")
        numbers = numbers.astype(int)
    if numbers.size and (numbers.min() < 1 or numbers.max() > 230):
        raise ValueError(f"space-group numbers must lie in 1..230, got {number!r}")
    systems = np.asarray(CRYSTAL_SYSTEMS, dtype=object)[
        np.searchsorted(_LAST_NUMBER, numbers)
    ]
    if numbers.ndim == 0:
        return str(systems)
    return systems.astype(str)


@functools.cache
def _symbols():
    import spglib

    table = {}
    for hall in range(1, 531):  # every setting; the first of a number is standard
        kind = spglib.get_spacegroup_type(hall)
        table.setdefault(kind.number, kind.international_short)
    return table


def space_group_symbol(number):
    """Short Hermann-Mauguin symbol of a space-group number (standard setting).

    Parameters
    ----------
    number : int
        International Tables number, 1 to 230.

    Returns
    -------
    symbol : str
        As spglib writes it (``_`` before a screw axis' subscript).

    Examples
    --------
    >>> space_group_symbol(14), space_group_symbol(225)
    ('P2_1/c', 'Fm-3m')
    """
    if isinstance(number, bool) or int(number) != number or not 1 <= number <= 230:
        raise ValueError(f"space-group numbers lie in 1..230, got {number!r}")
    return _symbols()[int(number)]
