"""Loaders, filters, labels from symmetry and splits."""

import csv
from collections import Counter

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from sklearn_xrd.datasets import (
    class_capped_split,
    formula_groups,
    grouped_train_test_split,
    load_cif_directory,
    load_structure_table,
)
from sklearn_xrd.utils import CRYSTAL_SYSTEMS, crystal_system_from_space_group


@pytest.fixture()
def messy_dir(tmp_path, nacl, rutile):
    (tmp_path / "nacl.cif").write_text(nacl.to(fmt="cif"))  # written in P1
    (tmp_path / "rutile.cif").write_text(rutile.to(fmt="cif"))
    methane = Structure(
        Lattice.cubic(6), ["C", "H", "H"], [[0, 0, 0], [0.1, 0.1, 0.1], [0.9, 0.9, 0.1]]
    )
    (tmp_path / "methane.cif").write_text(methane.to(fmt="cif"))
    huge = Structure(Lattice.tetragonal(4, 55), ["Cu"], [[0, 0, 0]])
    (tmp_path / "huge.cif").write_text(huge.to(fmt="cif"))
    alloy = Structure(Lattice.cubic(3.6), [{"Cu": 0.5, "Au": 0.5}], [[0, 0, 0]])
    (tmp_path / "alloy.cif").write_text(alloy.to(fmt="cif"))
    es = Structure(Lattice.cubic(4), ["Es"], [[0, 0, 0]])
    (tmp_path / "einsteinium.cif").write_text(es.to(fmt="cif"))
    (tmp_path / "empty.cif").write_text("")
    (tmp_path / "garbage.cif").write_bytes(b"\x00\x01 not a cif at all \xff")
    text = nacl.to(fmt="cif")
    (tmp_path / "truncated.cif").write_text(text[: len(text) // 2])
    (tmp_path / "notes.txt").write_text("not matched by the glob")
    return tmp_path


def test_cif_directory_filters_and_reports(messy_dir):
    bunch = load_cif_directory(messy_dir)
    seen = len(list(messy_dir.glob("*.cif")))
    assert len(bunch.data) + len(bunch.skipped) == seen == 9
    kept = {p.rsplit("/", 1)[-1] for p in bunch.filenames}
    assert kept == {"nacl.cif", "rutile.cif"}
    reasons = {name.rsplit("/", 1)[-1]: reason for name, reason in bunch.skipped}
    assert "organic" in reasons["methane.cif"]
    assert "exceeds max_cell_length=50" in reasons["huge.cif"]
    assert "disordered" in reasons["alloy.cif"]
    assert "form factors" in reasons["einsteinium.cif"]
    assert "empty" in reasons["empty.cif"]
    for name in ("garbage.cif", "truncated.cif"):
        assert reasons[name]
    # labels from symmetry, although the CIFs say P 1
    by_name = dict(
        zip(
            kept_names := [p.rsplit("/", 1)[-1] for p in bunch.filenames],
            bunch.space_group,
        )
    )
    assert by_name["nacl.cif"] == 225 and by_name["rutile.cif"] == 136
    assert dict(zip(kept_names, bunch.target)) == {
        "nacl.cif": "cubic",
        "rutile.cif": "tetragonal",
    }
    assert sorted(bunch.formula) == ["NaCl", "TiO2"]


def test_cif_directory_filters_can_be_relaxed(messy_dir):
    bunch = load_cif_directory(
        messy_dir, max_cell_length=None, exclude_organic=False, n_jobs=2
    )
    kept = {p.rsplit("/", 1)[-1] for p in bunch.filenames}
    assert {"methane.cif", "huge.cif"} <= kept
    assert len(bunch.data) + len(bunch.skipped) == 9


def test_cif_directory_missing_folder(tmp_path):
    with pytest.raises(ValueError, match="not a directory"):
        load_cif_directory(tmp_path / "missing")


def test_structure_table(tmp_path, nacl, rutile):
    path = tmp_path / "table.csv"
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["material_id", "cif", "crystal_system"])
        w.writerow(
            ["a-1", nacl.to(fmt="cif"), "triclinic"]
        )  # the label column is ignored
        w.writerow(["a-2", "", "cubic"])
        w.writerow(["a-3", rutile.to(fmt="cif"), "cubic"])
        w.writerow(["a-4", "data_broken\n_cell_length_a 1", "cubic"])
    bunch = load_structure_table(path)
    assert bunch.ids.tolist() == ["a-1", "a-3"]
    assert bunch.target.tolist() == ["cubic", "tetragonal"]
    assert [
        name.split(":")[-1] if ":" in name else name for name, _ in bunch.skipped
    ] == ["a-2", "a-4"]
    assert len(bunch.data) + len(bunch.skipped) == 4


def test_structure_table_without_cif_column(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id,structure\n1,x\n")
    with pytest.raises(ValueError, match="no column 'cif'"):
        load_structure_table(path)


def test_prototypes(prototypes):
    assert len(prototypes.data) + len(prototypes.skipped) == 288
    assert set(prototypes.target) == set(CRYSTAL_SYSTEMS)
    assert len(set(prototypes.ids)) == len(prototypes.ids)
    rocksalt = prototypes.data[list(prototypes.ids).index("AB_cF8_225_a_b")]
    assert prototypes.space_group[list(prototypes.ids).index("AB_cF8_225_a_b")] == 225
    assert (
        rocksalt.composition.reduced_formula == "NaCl" and len(rocksalt) == 2
    )  # primitive cell
    # the AFLOW label carries the space group; spglib at symprec 0.1 agrees on most
    from_label = [int(i.split("#")[0].split("_")[2]) for i in prototypes.ids]
    assert np.mean(np.asarray(from_label) == prototypes.space_group) > 0.9


@pytest.mark.shared_data
def test_mp20_dev_labels_agree_with_materials_project(shared_data):
    path = shared_data / "structures" / "mp20_dev.csv"
    bunch = load_structure_table(path, n_jobs=2)
    with open(path, newline="") as fh:
        mp = {row["material_id"]: row["crystal_system"] for row in csv.DictReader(fh)}
    assert len(bunch.data) + len(bunch.skipped) == len(mp)
    agree = np.mean([mp[i] == t for i, t in zip(bunch.ids, bunch.target)])
    assert agree > 0.97


def test_crystal_system_from_space_group():
    edges = {
        1: "triclinic",
        2: "triclinic",
        3: "monoclinic",
        15: "monoclinic",
        16: "orthorhombic",
        74: "orthorhombic",
        75: "tetragonal",
        142: "tetragonal",
        143: "trigonal",
        167: "trigonal",
        168: "hexagonal",
        194: "hexagonal",
        195: "cubic",
        230: "cubic",
    }
    assert crystal_system_from_space_group(list(edges)).tolist() == list(edges.values())
    for bad in (0, 231, 2.5):
        with pytest.raises(ValueError):
            crystal_system_from_space_group(bad)


def test_class_capped_split_caps_and_disjointness():
    y = np.array(["cubic"] * 50 + ["hexagonal"] * 8 + ["triclinic"] * 5)
    info = {"cubic": (30, 5, 5), "hexagonal": (10, 2, 2), "triclinic": (1, 1, 1)}
    train, val, test = class_capped_split(y, info, random_state=0)
    counts = {
        name: Counter(y[idx])
        for name, idx in (("tr", train), ("va", val), ("te", test))
    }
    assert counts["tr"] == {"cubic": 30, "hexagonal": 4, "triclinic": 1}
    assert counts["va"] == {"cubic": 5, "hexagonal": 2, "triclinic": 1}
    assert counts["te"] == {"cubic": 5, "hexagonal": 2, "triclinic": 1}
    assert not (set(train) & set(val) or set(train) & set(test) or set(val) & set(test))
    again = class_capped_split(y, info, random_state=0)
    other = class_capped_split(y, info, random_state=1)
    assert all(np.array_equal(a, b) for a, b in zip(again, (train, val, test)))
    assert not np.array_equal(other[0], train)
    with pytest.raises(ValueError, match="three non-negative integers"):
        class_capped_split(y, {"cubic": (1, 2)})


@pytest.mark.filterwarnings("ignore:The least populated class")
def test_grouped_split_keeps_formulas_apart(prototypes):
    groups = formula_groups(prototypes.data)
    train, test = grouped_train_test_split(
        prototypes.target, groups, test_size=0.25, random_state=0
    )
    assert not set(groups[train]) & set(groups[test])
    assert len(train) + len(test) == len(groups)
    assert 0.15 < len(test) / len(groups) < 0.35
