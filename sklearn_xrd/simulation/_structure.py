"""Reading CIFs into pymatgen structures and checking they can be simulated."""

import io
import os
import warnings

from ._engine import structure_arrays


def read_cif(source, *, name=None, from_text=False):
    """Parse one CIF (a path or its text) into an ordered pymatgen ``Structure``.

    Parameters
    ----------
    source : str or path-like
        A file name, or the CIF text itself when ``from_text=True``.
    name : str, default=None
        How to call the input in error messages; the file name by default.
    from_text : bool, default=False
        Whether ``source`` is CIF text rather than a path.

    Returns
    -------
    structure : pymatgen.core.Structure
        The first structure of the CIF, in the cell the file gives.

    Raises
    ------
    ValueError
        Naming the input and the reason: unreadable file, empty or truncated
        text, no structure in it. A disordered site is reported by
        :func:`check_structure`.
    """
    from pymatgen.io.cif import CifParser

    if name is None:
        name = "<CIF text>" if from_text else os.fspath(source)
    if from_text:
        if not isinstance(source, str):
            raise ValueError(f"{name}: CIF content must be str, got {type(source)}")
        text = source
    else:
        try:
            with open(source, encoding="utf-8", errors="replace") as fh:
                text = fh.read()
        except OSError as exc:
            raise ValueError(f"{name}: cannot read file ({exc.strerror})") from exc
    if not text.strip():
        raise ValueError(f"{name}: empty CIF")
    if "_cell_length_a" not in text:
        raise ValueError(f"{name}: not a CIF with a unit cell (no _cell_length_a)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parser = CifParser(io.StringIO(text))
            structures = parser.parse_structures(primitive=False, on_error="ignore")
        except Exception as exc:  # pymatgen raises many kinds on corrupt text
            raise ValueError(f"{name}: cannot parse CIF ({exc})") from exc
    if not structures:
        raise ValueError(f"{name}: the CIF holds no structure that could be read")
    return structures[0]


def check_structure(structure, name):
    """Raise ``ValueError`` naming ``name`` if ``structure`` cannot be simulated.

    A structure can be simulated when it is a pymatgen ``Structure`` with at
    least one site, a cell of positive volume, every site fully occupied by
    one species (ordered), and tabulated X-ray form factors for every element.

    Parameters
    ----------
    structure : pymatgen.core.Structure
    name : str
        How to call the input in the message (file name, id or index).
    """
    structure_arrays(structure, name)
