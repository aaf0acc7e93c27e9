"""metric_ambiguity: flagged structures really have the lines of a higher system."""

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from sklearn_xrd.indexing import (
    AMBIGUITIES,
    index_peaks,
    metric_ambiguity,
    q_from_two_theta,
)
from sklearn_xrd.simulation import stick_pattern

WAVELENGTH = 1.54184


def _tetragonal(c_over_a, a=3.9):
    return Structure.from_spacegroup(
        "P4/mmm",
        Lattice.tetragonal(a, a * c_over_a),
        ["Ba", "Ti", "O"],
        [[0, 0, 0], [0.5, 0.5, 0.5], [0.5, 0.5, 0.0]],
    )


def _monoclinic(beta):
    return Structure.from_spacegroup(
        "P2/m",
        Lattice.monoclinic(5.1, 3.8, 6.7, beta),
        ["Na", "Cl", "Cl"],
        [[0.11, 0.0, 0.23], [0.37, 0.5, 0.71], [0.5, 0.5, 0.0]],
    )


def _lines(structure):
    """Distinct Q = 1/d^2 of the structure's lines, 1/angstrom^2."""
    tt, intensity = stick_pattern(structure, wavelength=WAVELENGTH)
    return np.unique(q_from_two_theta(tt[intensity > 0.1], WAVELENGTH).round(8))


def test_tetragonal_with_c_over_a_sqrt2_has_cubic_lines():
    """Q a^2 = h^2 + k^2 + l^2 / 2: every 2 Q a^2 an integer, a cubic cell of edge c."""
    flagged = _tetragonal(np.sqrt(2))
    assert metric_ambiguity(flagged) == "special axis ratio"
    c = flagged.lattice.c
    n = _lines(flagged) * c**2
    np.testing.assert_allclose(n, np.rint(n), atol=1e-6)
    # an ordinary ratio: the lines are not those of a cubic cell
    plain = _tetragonal(1.63)
    assert metric_ambiguity(plain) is None
    n = _lines(plain) * plain.lattice.c**2
    assert np.max(np.abs(n - np.rint(n))) > 0.05


def test_tolerance_decides_how_close_counts():
    near = _tetragonal(np.sqrt(2) * 1.001)  # 0.1 % off sqrt(2)
    assert metric_ambiguity(near, tolerance=0.002) == "special axis ratio"
    assert metric_ambiguity(near, tolerance=0.0005) is None


def test_primitive_trigonal_indexes_as_hexagonal():
    cdi2 = Structure.from_spacegroup(
        "P-3m1",
        Lattice.hexagonal(4.24, 6.84),
        ["Cd", "I"],
        [[0, 0, 0], [1 / 3, 2 / 3, 0.25]],
    )
    assert metric_ambiguity(cdi2) == "primitive trigonal"
    tt, _ = stick_pattern(cdi2, wavelength=WAVELENGTH)
    res = index_peaks(np.unique(tt.round(6)), systems=["hexagonal"])["hexagonal"]
    assert res["n_unindexed"] == 0
    np.testing.assert_allclose(res["cell"][[0, 2]], [4.24, 6.84], rtol=1e-3)
    # R centring: the lattice is rhombohedral, not hexagonal
    calcite_like = Structure.from_spacegroup(
        "R-3m",
        Lattice.hexagonal(4.99, 17.06),
        ["Ca", "C"],
        [[0, 0, 0], [0, 0, 0.25]],
    )
    assert metric_ambiguity(calcite_like) is None


def test_monoclinic_at_beta_90_has_an_orthorhombic_lattice():
    assert metric_ambiguity(_monoclinic(90.0)) == "lattice of higher symmetry"
    assert metric_ambiguity(_monoclinic(104.0)) is None


def test_rhombohedral_with_cubic_lattice():
    """R-3m with alpha = 90 degrees: a primitive cubic lattice (c/a = sqrt(6)/2)."""
    bi_like = Structure(
        Lattice.rhombohedral(4.0, 90.0),
        ["Bi", "Bi"],
        [[0.23, 0.23, 0.23], [-0.23, -0.23, -0.23]],
    )
    assert metric_ambiguity(bi_like, space_group=166) == "lattice of higher symmetry"
    # every line of the structure is a line of the cubic cell of edge 4.0
    n = _lines(bi_like) * 4.0**2
    np.testing.assert_allclose(n, np.rint(n), atol=1e-6)


def test_supercell_and_origin_shift_do_not_change_the_answer():
    flagged = _tetragonal(np.sqrt(2))
    shifted = flagged.copy()
    shifted.translate_sites(range(len(shifted)), [0.13, 0.29, 0.07])
    for s in (flagged * (2, 1, 1), shifted):
        assert metric_ambiguity(s) == "special axis ratio"
    assert metric_ambiguity(_tetragonal(1.63) * (1, 1, 2)) is None


def test_returns_one_of_the_named_reasons():
    for s in (_tetragonal(np.sqrt(2)), _monoclinic(90.0)):
        assert metric_ambiguity(s) in AMBIGUITIES


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"tolerance": 0.0}, ValueError, "tolerance"),
        ({"tolerance": "0.002"}, ValueError, "tolerance"),
        ({"space_group": 0}, ValueError, "space_group"),
        ({"space_group": 12.5}, ValueError, "space_group"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, match):
    with pytest.raises(error, match=match):
        metric_ambiguity(_tetragonal(1.63), **kwargs)


def test_not_a_structure():
    with pytest.raises(TypeError, match="pymatgen Structure"):
        metric_ambiguity("BaTiO3")
