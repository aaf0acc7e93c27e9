"""Loaders for the built-in prototypes, CIF folders and CSV tables of CIFs."""

import contextlib
import csv
import fnmatch
import functools
import re
import signal
import sys
import threading
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn.utils import Bunch

from ..simulation import read_cif
from ._labels import crystal_systems, screen_structure

#: Most symmetry operations a CIF may list: no space group has more than
#: 192 in its conventional (centred) setting.
MAX_SYMMETRY_OPERATIONS = 192
#: Longest cell edge accepted from a CIF, angstrom (sanity, not a filter).
MAX_CELL_EDGE = 1e4

_CELL_RE = re.compile(
    r"^\s*_cell_(length_[abc]|angle_(?:alpha|beta|gamma))\s+(\S+)", re.MULTILINE
)
_SYMOP_TAGS = ("_symmetry_equiv_pos_as_xyz", "_space_group_symop_operation_xyz")


def _loop_rows(text, tags):
    """Rows of the first CIF loop that has one of ``tags``, roughly counted."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip().lower() != "loop_":
            i += 1
            continue
        i += 1
        names = []
        while i < len(lines) and lines[i].strip().startswith("_"):
            names.append(lines[i].strip().split()[0].lower())
            i += 1
        rows = 0
        while i < len(lines):
            line = lines[i].strip()
            if line.lower().startswith(("loop_", "_", "data_")):
                break
            if line and not line.startswith("#"):
                rows += 1
            i += 1
        if any(t in names for t in tags):
            return rows
    return 0


def _precheck_cif(text, max_sites):
    """Reason to skip a CIF text before parsing it, or ``None``.

    Checks what pymatgen would accept but no crystal has: a cell edge or
    angle that is not a positive finite number in range, more symmetry
    operations than any space group has, or more generated sites than
    ``max_sites`` (symmetry operations times listed atoms, an upper bound:
    parsing time grows about quadratically with the sites generated).
    """
    for key, raw in _CELL_RE.findall(text):
        try:
            value = float(re.sub(r"\(\d*\)$", "", raw))
        except ValueError:
            return f"cell {key.replace('_', ' ')} {raw!r} is not a number"
        if key.startswith("length"):
            if not (np.isfinite(value) and 0 < value <= MAX_CELL_EDGE):
                return (
                    f"cell {key.replace('_', ' ')} = {value:g} A is not a positive "
                    f"length of at most {MAX_CELL_EDGE:g} A"
                )
        elif not (np.isfinite(value) and 0 < value < 180):
            return f"cell {key.replace('_', ' ')} = {value:g} deg is not in (0, 180)"
    n_ops = _loop_rows(text, _SYMOP_TAGS)
    if n_ops > MAX_SYMMETRY_OPERATIONS:
        return (
            f"lists {n_ops} symmetry operations; no space group has more than "
            f"{MAX_SYMMETRY_OPERATIONS}"
        )
    if max_sites is not None:
        n_atoms = _loop_rows(text, ("_atom_site_fract_x",))
        if max(n_ops, 1) * n_atoms > max_sites:
            return (
                f"expands to up to {max(n_ops, 1) * n_atoms} sites ({n_ops} "
                f"symmetry operations x {n_atoms} atoms), more than "
                f"max_sites={max_sites}"
            )
    return None


class _TimeLimit(BaseException):
    """Time is up; a BaseException so that no ``except Exception`` on the
    way (pymatgen, read_cif) swallows it."""


@contextlib.contextmanager
def _time_limit(seconds):
    """Raise :class:`_TimeLimit` after ``seconds`` of wall time (main thread).

    Uses ``SIGALRM``; where there is none (Windows) or outside the main
    thread, no limit applies.
    """
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def _expired(signum, frame):
        raise _TimeLimit

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _read_text(source, name):
    try:
        with open(source, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError as exc:
        raise ValueError(f"{name}: cannot read file ({exc.strerror})") from exc


def _pymatgen_reason(text):
    """What pymatgen warned while failing on ``text`` (its error says only
    "no structures"), or ``None``."""
    from pymatgen.io.cif import CifParser

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            CifParser.from_str(text).parse_structures(primitive=False, on_error="warn")
        except Exception:  # noqa: BLE001 - only the warnings are wanted
            pass
    found = []
    for w in caught:
        if issubclass(w.category, (DeprecationWarning, FutureWarning)):
            continue
        message = " ".join(str(w.message).split())
        if message and "no structures" not in message and message not in found:
            found.append(message)
    return "; ".join(found[:3]) or None


def _read_and_screen(source, name, from_text, filters, limits=None):
    """Worker: parse one CIF, filter and label it."""
    limits = limits or {}
    try:
        text = source if from_text else _read_text(source, name)
        if isinstance(text, str):
            reason = _precheck_cif(text, limits.get("max_sites"))
            if reason is not None:
                return None, None, reason
        with _time_limit(limits.get("timeout")):
            try:
                structure = read_cif(text, name=name, from_text=True)
            except ValueError as exc:
                if "no structure" not in str(exc):
                    raise
                reason = _pymatgen_reason(text)
                if reason is None:
                    raise
                return None, None, f"cannot parse CIF: {reason}"
            if limits.get("max_sites") is not None and (
                len(structure) > limits["max_sites"]
            ):
                return (
                    None,
                    None,
                    (
                        f"{len(structure)} sites, more than "
                        f"max_sites={limits['max_sites']}"
                    ),
                )
            number, reason = screen_structure(structure, name, **filters)
    except _TimeLimit:
        return None, None, f"took longer than timeout={limits['timeout']:g} s"
    except ValueError as exc:
        return None, None, str(exc).removeprefix(f"{name}: ")
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
    timeout=60.0,
    max_sites=10_000,
    n_jobs=None,
    verbose=0,
):
    """Load every CIF of a folder, apply the study's filters, label by symmetry.

    Parameters
    ----------
    path : str or path-like
        Folder to read (not recursive).
    pattern : str
        Glob for the file names to read, ``"*.cif"`` by default; matched
        case-insensitively, so ``*.cif`` also reads ``X.CIF``.
    {filters}
    timeout : float or None, default=60.0
        Seconds one file may take to parse, filter and label; a file taking
        longer is skipped with its reason. ``None`` sets no limit (nor does
        a platform without ``SIGALRM``, or a thread other than the main one).
    max_sites : int or None, default=10_000
        Skip a CIF whose symmetry operations times listed atoms exceed this
        before parsing it (parse time grows about quadratically with the
        sites), or whose parsed cell holds more sites. A CIF listing more
        than 192 symmetry operations, or a cell edge or angle that is not a
        positive number in range, is skipped whatever this says.
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
    >>> len(bunch.data), bunch.skipped[0][1][:17]
    (0, 'cannot parse CIF:')
    """
    folder = Path(path)
    if not folder.is_dir():
        raise ValueError(f"{folder}: not a directory")
    wanted = pattern.lower()
    files = sorted(
        f
        for f in folder.iterdir()
        if fnmatch.fnmatchcase(f.name.lower(), wanted) and not f.is_dir()
    )
    filters = dict(
        max_cell_length=max_cell_length,
        exclude_organic=exclude_organic,
        symprec=symprec,
    )
    limits = dict(timeout=timeout, max_sites=max_sites)
    results = Parallel(n_jobs=n_jobs, verbose=verbose)(
        delayed(_read_and_screen)(str(f), str(f), False, filters, limits) for f in files
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
