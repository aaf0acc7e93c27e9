"""Reflection conditions of fitted cells: centring, glide and screw evidence."""

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from sklearn_xrd.indexing import (
    CONDITIONS,
    extinction_counts,
    extinction_feature_names,
    index_peaks,
)
from sklearn_xrd.preprocessing import ExtinctionFeatures, IndexingFeatures
from sklearn_xrd.simulation import stick_pattern

# (space group, lattice, species, coordinates, lattice system searched,
#  conditions the group obeys, conditions it breaks)
CASES = {
    "NaCl Fm-3m": (
        "Fm-3m",
        Lattice.cubic(5.64),
        ["Na", "Cl"],
        [[0, 0, 0], [0.5, 0.5, 0.5]],
        "cubic",
        ["F", "cubic 0kl:k+l=2n", "cubic 0kl:k,l=2n"],
        ["I"],
    ),
    "anatase I4_1/amd": (
        "I4_1/amd",
        Lattice.tetragonal(3.78, 9.5),
        ["Ti", "O"],
        [[0, 0.75, 0.125], [0, 0.75, 0.333]],
        "tetragonal",
        ["I", "hhl:2h+l=4n", "hk0:h+k=2n", "00l:l=4n"],
        ["0kl/h0l:l=2n"],
    ),
    "Mg P6_3/mmc": (
        "P6_3/mmc",
        Lattice.hexagonal(3.21, 5.21),
        ["Mg"],
        [[1 / 3, 2 / 3, 0.25]],
        "hexagonal",
        ["00l:l=2n"],
        ["R"],
    ),
    "ZrO2-like P2_1/c": (
        "P2_1/c",
        Lattice.monoclinic(5.1, 5.2, 5.3, 99),
        ["Zr", "O", "O"],
        [[0.27, 0.04, 0.21], [0.07, 0.33, 0.34], [0.45, 0.76, 0.48]],
        "monoclinic",
        ["0k0:k=2n"],
        ["C", "A", "I"],
    ),
}


def _counts(case, shift=(0.0, 0.0, 0.0)):
    group, lattice, species, coords, system, _, _ = CASES[case]
    structure = Structure.from_spacegroup(group, lattice, species, coords)
    structure.translate_sites(range(len(structure)), shift, to_unit_cell=True)
    tt, _ = stick_pattern(structure)
    result = index_peaks(np.unique(tt.round(5))[:20], systems=[system])[system]
    names = extinction_feature_names(system)
    return dict(zip(names, extinction_counts(system, result), strict=True)), system


@pytest.mark.parametrize("case", sorted(CASES))
def test_conditions_of_the_true_group_hold_and_others_break(case):
    counts, system = _counts(case)
    *_, obeyed, broken = CASES[case]
    for condition in obeyed:
        assert counts[f"{system}_{condition}_violations"] == 0, condition
    for condition in broken:
        assert counts[f"{system}_{condition}_violations"] > 0, condition
    # a condition allows a subset of the lines
    for condition in CONDITIONS[system]:
        assert counts[f"{system}_{condition}_lines"] <= counts[f"{system}_lines"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_origin_shift_changes_nothing(case):
    # intensities and lines do not depend on where the origin is
    assert _counts(case) == _counts(case, shift=(0.13, 0.29, 0.41))


def test_no_cell_gives_zeros():
    result = index_peaks([20.0, np.nan], systems=["cubic"])["cubic"]
    counts = extinction_counts("cubic", result)
    assert counts.shape == (len(extinction_feature_names("cubic")),)
    assert not counts.any()


def test_extinction_features_extend_indexing_features():
    from scipy.ndimage import gaussian_filter1d

    from sklearn_xrd.simulation import bin_sticks

    group, lattice, species, coords, *_ = CASES["NaCl Fm-3m"]
    nacl = Structure.from_spacegroup(group, lattice, species, coords)
    X = gaussian_filter1d(bin_sticks(*stick_pattern(nacl), (5, 90), 0.02), 2)[None]
    params = dict(systems=("cubic", "monoclinic"), contrasts=True)
    base = IndexingFeatures(**params).fit(X)
    extended = ExtinctionFeatures(**params).fit(X)
    Xb, Xe = base.transform(X), extended.transform(X)
    names = extended.get_feature_names_out()
    assert Xe.shape[1] == len(names)
    assert list(names[: Xb.shape[1]]) == list(base.get_feature_names_out())
    np.testing.assert_array_equal(Xe[:, : Xb.shape[1]], Xb)
    counts = dict(zip(names, Xe[0]))
    assert counts["cubic_F_violations"] == 0
    assert counts["cubic_I_violations"] > 0
