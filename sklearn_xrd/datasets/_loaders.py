"""Loaders for the built-in prototypes, CIF folders and CSV tables of CIFs."""

import csv
import functools
import sys
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn.utils import Bunch

from ..simulation import read_cif
from ._labels import crystal_systems, screen_structure


def _read_and_screen(source, name, from_text, filters):
    """Worker: parse one CIF, filter and label it."""
    try:
        structure = read_cif(source, name=name, from_text=from_text)
    except ValueError as exc:
        return None, None, str(exc).removeprefix(f"{name}: ")
    number, reason = screen_structure(structure, name, **filters)
    if reason is not None:
        return None, None, reason
    return structure, number, None


def _make_bunch(names, results, name_key, descr, extra=None):
    """Collect worker results into a Bunch; every input is kept or skipped."""
    kept = [i for i, (_, _, reason) in enumerate(results) if reason is None]
    data = [results[i][0] for i in kept]
    space_group = [results[i][1] for i in kept]
    with warnings.catch_warnings():
        # pymatgen warns about elements without electronegativity (noble gases)
        warnings.simplefilter("ignore", UserWarning)
        formula = [s.composition.reduced_formula for s in data]
    bunch = Bunch(
        data=data,
        target=np.asarray(crystal_systems(space_group), dtype=object),
        space_group=np.asarray(space_group, dtype=int),
        formula=np.asarray(formula, dtype=object),
        skipped=[(names[i], r[2]) for i, r in enumerate(results) if r[2] is not None],
        DESCR=descr,
    )
    bunch[name_key] = np.asarray([names[i] for i in kept], dtype=object)
    for key, values in (extra or {}).items():
        bunch[key] = np.asarray([values[i] for i in kept], dtype=object)
    return bunch


_FILTER_DOC = """max_cell_length : float or None, default=50.0
        Skip structures with a cell edge longer than this (angstrom), as the
        study did; ``None`` keeps all.
    exclude_organic : bool, default=True
        Skip organic compounds, i.e. structures containing both carbon and
        hydrogen.
    symprec : float, default=0.1
        spglib distance tolerance (angstrom) for the symmetry analysis that
        gives the labels; CIF symmetry tags are never read for labels."""


def load_cif_directory(
    path,
    *,
    pattern="*.cif",
    max_cell_length=50.0,
    exclude_organic=True,
    symprec=0.1,
    n_jobs=None,
    verbose=0,
):
    """Load every CIF of a folder, apply the study's filters, label by symmetry.

    Parameters
    ----------
    path : str or path-like
        Folder to read (not recursive).
    pattern : str
        Glob for the files to read, ``"*.cif"`` by default.
    {filters}
    n_jobs : int, default=None
        Parallel workers (joblib) over files.
    verbose : int, default=0
        joblib's progress messages when positive.

    Returns
    -------
    data : Bunch
        ``data`` (list of Structure), ``target`` (crystal-system names),
        ``space_group``, ``filenames``, ``formula`` (reduced formulas) and
        ``skipped``, a list of ``(filename, reason)``. Every file matching
        ``pattern`` is either kept or skipped: ``len(data) + len(skipped)``
        is the number of files seen.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "broken.cif").write_text("data_x\\n_cell_length_a 3")
    ...     bunch = load_cif_directory(tmp)
    >>> len(bunch.data), bunch.skipped[0][1][:18]
    (0, 'cannot parse CIF (')
    """
    folder = Path(path)
    if not folder.is_dir():
        raise ValueError(f"{folder}: not a directory")
    files = sorted(folder.glob(pattern))
    filters = dict(
        max_cell_length=max_cell_length,
        exclude_organic=exclude_organic,
        symprec=symprec,
    )
    results = Parallel(n_jobs=n_jobs, verbose=verbose)(
        delayed(_read_and_screen)(str(f), str(f), False, filters) for f in files
    )
    return _make_bunch(
        [str(f) for f in files],
        results,
        "filenames",
        f"CIF files of {folder} (pattern {pattern!r}), symprec={symprec}",
    )


load_cif_directory.__doc__ = load_cif_directory.__doc__.format(filters=_FILTER_DOC)


def load_structure_table(
    path,
    *,
    cif_column="cif",
    id_column="material_id",
    max_cell_length=50.0,
    exclude_organic=True,
    symprec=0.1,
    n_jobs=None,
    verbose=0,
):
    """Load a CSV table whose rows hold CIF texts, e.g. ``mp20_dev.csv``.

    Parameters
    ----------
    path : str or path-like
        CSV file with a header row.
    cif_column : str, default="cif"
        Column holding the CIF text.
    id_column : str or None, default="material_id"
        Column naming each row; ``None`` (or a table without it) uses
        ``row <i>``.
    {filters}
    n_jobs : int, default=None
        Parallel workers (joblib) over rows.
    verbose : int, default=0
        joblib's progress messages when positive.

    Returns
    -------
    data : Bunch
        ``data``, ``target``, ``space_group``, ``ids``, ``formula`` and
        ``skipped`` (``(id, reason)`` pairs); kept + skipped = rows read.
        Labels come from symmetry analysis at ``symprec``, never from label
        columns of the table.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or cif_column not in reader.fieldnames:
            raise ValueError(
                f"{path}: no column {cif_column!r} (columns: {reader.fieldnames})"
            )
        rows = list(reader)
    use_id = id_column is not None and id_column in reader.fieldnames
    names = [row[id_column] if use_id else f"row {i}" for i, row in enumerate(rows)]
    filters = dict(
        max_cell_length=max_cell_length,
        exclude_organic=exclude_organic,
        symprec=symprec,
    )
    results = Parallel(n_jobs=n_jobs, verbose=verbose)(
        delayed(_read_and_screen)(
            row.get(cif_column) or "", f"{path.name}:{name}", True, filters
        )
        for name, row in zip(names, rows)
    )
    return _make_bunch(names, results, "ids", f"CIF table {path}, symprec={symprec}")


load_structure_table.__doc__ = load_structure_table.__doc__.format(filters=_FILTER_DOC)


@functools.lru_cache(maxsize=1)
def _aflow_library():
    """(unique id, mineral, structure) of each AFLOW prototype pymatgen ships."""
    from pymatgen.analysis.prototypes import AFLOW_PROTOTYPE_LIBRARY

    seen = Counter()
    library = []
    for entry in AFLOW_PROTOTYPE_LIBRARY:
        label = entry["tags"].get("aflow") or "prototype"
        seen[label] += 1
        # a few AFLOW labels occur more than once (other free parameters)
        uid = label if seen[label] == 1 else f"{label}#{seen[label]}"
        library.append((uid, entry["tags"].get("mineral", ""), entry["snl"].structure))
    return tuple(library)


def load_prototypes(*, symprec=0.1):
    """The 288 AFLOW prototype structures that pymatgen ships: the built-in data.

    Real structure types (rock salt, perovskite, spinel, ...) from the AFLOW
    Library of Crystallographic Prototypes, installed with pymatgen, so they
    are available offline on every machine.

    Parameters
    ----------
    symprec : float, default=0.1
        spglib tolerance for the labels (the AFLOW labels are not used).

    Returns
    -------
    data : Bunch
        ``data`` (288 Structure), ``target`` (crystal-system names),
        ``space_group``, ``ids`` (AFLOW prototype labels such as
        ``"AB_cF8_225_a_b"``; a label that repeats gets ``#2``, ``#3``),
        ``mineral``, ``formula`` and ``skipped``.

    Examples
    --------
    >>> protos = load_prototypes()
    >>> len(protos.data) + len(protos.skipped)
    288
    >>> sorted(set(protos.target))[:3]
    ['cubic', 'hexagonal', 'monoclinic']
    """
    library = _aflow_library()
    names = [label for label, _, _ in library]
    filters = dict(max_cell_length=None, exclude_organic=False, symprec=symprec)
    results = [
        (s.copy(),) + screen_structure(s, label, **filters) for label, _, s in library
    ]
    results = [(s if r is None else None, n, r) for s, n, r in results]
    return _make_bunch(
        names,
        results,
        "ids",
        "AFLOW crystallographic prototypes shipped with pymatgen "
        f"(Mehl et al. 2017, Hicks et al. 2019), symprec={symprec}",
        extra={"mineral": [m for _, m, _ in library]},
    )
