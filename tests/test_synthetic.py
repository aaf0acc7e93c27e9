"""Random crystals: balance, labels verified by spglib, determinism, failures."""

from collections import Counter

import numpy as np
import pytest

from sklearn_xrd.datasets import _synthetic
from sklearn_xrd.datasets._labels import space_group_number
from sklearn_xrd.datasets._synthetic import (
    DATABASE_WEIGHTS,
    FAILURE_KINDS,
    _group_probabilities,
    _system_groups,
    make_random_crystals,
)
from sklearn_xrd.utils import CRYSTAL_SYSTEMS, crystal_system_from_space_group


def _same_structures(a, b):
    return len(a) == len(b) and all(
        s.species == t.species
        and np.array_equal(s.lattice.matrix, t.lattice.matrix)
        and np.array_equal(s.frac_coords, t.frac_coords)
        for s, t in zip(a, b)
    )


@pytest.fixture(scope="module")
def crystals():
    return make_random_crystals(2, max_atoms=24, random_state=0)


def test_balanced_and_labels_verified(crystals):
    assert Counter(crystals.target) == dict.fromkeys(CRYSTAL_SYSTEMS, 2)
    assert list(crystals.target) == [s for s in CRYSTAL_SYSTEMS for _ in range(2)]
    for structure, system, number, requested in zip(
        crystals.data,
        crystals.target,
        crystals.space_group,
        crystals.requested_space_group,
    ):
        assert structure.is_ordered and len(structure) <= 24
        assert 2 <= len(structure.composition.elements) <= 3
        # the label is what spglib finds, and it is the requested system
        assert space_group_number(structure, 0.1) == number
        assert crystal_system_from_space_group(number) == system
        assert crystal_system_from_space_group(int(requested)) == system
    assert len(crystals.formula) == len(crystals.data) == 14
    assert "symprec=0.1" in crystals.DESCR


def test_failures_add_up(crystals):
    assert set(crystals.failures) == set(CRYSTAL_SYSTEMS)
    for counts in crystals.failures.values():
        assert set(counts) == set(FAILURE_KINDS)
    total = sum(sum(c.values()) for c in crystals.failures.values())
    assert crystals.n_failures == total


def test_deterministic_and_independent_of_n_jobs():
    kwargs = dict(crystal_systems=["orthorhombic", "hexagonal"], max_atoms=16)
    first = make_random_crystals(2, random_state=7, **kwargs)
    np.random.seed(123)  # noqa: NPY002 (pyxtal must not read the global RNG)
    again = make_random_crystals(2, random_state=7, **kwargs)
    parallel = make_random_crystals(2, random_state=7, n_jobs=2, **kwargs)
    for other in (again, parallel):
        assert _same_structures(first.data, other.data)
        assert np.array_equal(first.space_group, other.space_group)
        assert first.failures == other.failures
    different = make_random_crystals(2, random_state=8, **kwargs)
    assert not _same_structures(first.data, different.data)


def test_failed_attempts_are_retried_and_counted(monkeypatch):
    from pyxtal import pyxtal

    original = pyxtal.from_random
    calls = Counter()

    def flaky_from_random(self, *args, **kwargs):
        calls["pyxtal"] += 1
        if calls["pyxtal"] % 2:  # every other attempt cannot place its atoms
            raise RuntimeError("long time to generate structure, check inputs")
        return original(self, *args, **kwargs)

    def wrong_symmetry(structure, symprec):
        calls["spglib"] += 1
        return 1 if calls["spglib"] == 1 else space_group_number(structure, symprec)

    monkeypatch.setattr(pyxtal, "from_random", flaky_from_random)
    monkeypatch.setattr(_synthetic, "space_group_number", wrong_symmetry)
    result = make_random_crystals(
        3, crystal_systems=["tetragonal"], max_atoms=16, random_state=0
    )
    counts = result.failures["tetragonal"]
    assert counts["placement"] == 4  # 3 crystals + 1 redrawn, each after one failure
    assert counts["symmetry"] == 1  # the first one came out "triclinic"
    assert result.n_failures == sum(counts.values())
    assert list(result.target) == ["tetragonal"] * 3


def test_space_groups_and_database_distribution():
    result = make_random_crystals(
        2,
        space_groups=[225, 194],
        space_group_distribution="database",
        max_atoms=16,
        random_state=0,
    )
    assert list(result.target) == ["hexagonal"] * 2 + ["cubic"] * 2
    assert set(result.requested_space_group) <= {225, 194}


@pytest.mark.parametrize("system", CRYSTAL_SYSTEMS)
def test_database_weights(system):
    groups = _system_groups(system)
    p = _group_probabilities(groups, "database")
    assert p.sum() == pytest.approx(1.0) and (p > 0).all()
    listed = [n for n in groups if n in DATABASE_WEIGHTS]
    unlisted = p[[n not in DATABASE_WEIGHTS for n in groups]]
    if unlisted.size:
        assert unlisted.sum() == pytest.approx(_synthetic._OTHER_WEIGHT)
    most_common = max(listed, key=DATABASE_WEIGHTS.get)
    assert groups[int(p.argmax())] == most_common


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_per_class=0), "n_per_class"),
        (dict(crystal_systems=["cubik"]), "crystal_systems"),
        (dict(space_groups=[231]), "space_groups"),
        (dict(crystal_systems=["cubic"], space_groups=[14]), r"\['cubic'\]"),
        (dict(elements=["Xx"]), "elements"),
        (dict(space_group_distribution="icsd"), "space_group_distribution"),
        (dict(crystal_systems=["cubic"], max_atoms=1), "max_atoms=1"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_random_crystals(**{"n_per_class": 1, **kwargs})
