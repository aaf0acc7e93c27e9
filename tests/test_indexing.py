"""Powder indexing from physics: simulated lattices must index to their cells."""

import warnings

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure
from scipy.ndimage import gaussian_filter1d

from sklearn_xrd.indexing import (
    N_PARAMS,
    SYSTEMS,
    cell_from_coefficients,
    coefficients_from_cell,
    hexagonal_absence_counts,
    index_peaks,
    metric_coefficients,
    q_from_two_theta,
    reflection_table,
)
from sklearn_xrd.preprocessing._qspace import find_pattern_peaks
from sklearn_xrd.simulation import bin_sticks, grid, reflections, stick_pattern

WAVELENGTH = 1.54184


def _structures():
    """One structure per lattice system, with a true space group of that system."""
    mono = Structure.from_spacegroup(
        "P2/m",
        Lattice.monoclinic(5.1, 3.8, 6.7, 104.0),
        ["Na", "Cl", "Cl"],
        [[0.11, 0.0, 0.23], [0.37, 0.5, 0.71], [0.5, 0.5, 0.0]],
    )
    return {
        "cubic": Structure.from_spacegroup(
            "Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5] * 3]
        ),
        "tetragonal": Structure.from_spacegroup(
            "P4/mmm",
            Lattice.tetragonal(3.9, 6.3),
            ["Ti", "O"],
            [[0] * 3, [0.5, 0.5, 0.3]],
        ),
        "hexagonal": Structure.from_spacegroup(
            "P6_3/mmc", Lattice.hexagonal(3.2, 5.2), ["Mg"], [[1 / 3, 2 / 3, 0.25]]
        ),
        "rhombohedral": Structure.from_spacegroup(
            "R-3m", Lattice.hexagonal(4.1, 14.2), ["Bi", "Se"], [[0] * 3, [0, 0, 0.21]]
        ),
        "orthorhombic": Structure.from_spacegroup(
            "Pmmm",
            Lattice.orthorhombic(3.7, 4.6, 5.9),
            ["Na", "Cl"],
            [[0, 0, 0], [0.5, 0.5, 0.5]],
        ),
        "monoclinic": mono,
    }


STRUCTURES = _structures()


def _lines(structure, rel=1e-3):
    """Distinct Bragg angles of the reflections stronger than ``rel`` x max."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tt, inten = stick_pattern(structure, wavelength=WAVELENGTH)
    key, inverse = np.unique(np.round(tt, 5), return_inverse=True)
    total = np.bincount(inverse.ravel(), inten)
    keep = total > rel * total.max()
    return key[keep], total[keep]


def _niggli(cell):
    lattice = Lattice.from_parameters(*cell[:6]).get_niggli_reduced_lattice()
    return np.array(lattice.abc), np.array(lattice.angles)


def _assert_same_lattice(found, structure, rel=1e-3, deg=0.1):
    """Same lattice up to the choice of cell: compare Niggli-reduced cells."""
    assert np.all(np.isfinite(found[:6])), found
    abc, angles = _niggli(found)
    abc_true, angles_true = _niggli(
        np.r_[structure.lattice.abc, structure.lattice.angles]
    )
    np.testing.assert_allclose(abc, abc_true, rtol=rel)
    # a reduced cell may come with all-acute or all-obtuse angles
    diff = np.minimum(np.abs(angles - angles_true), np.abs(180 - angles - angles_true))
    assert np.all(diff <= deg), (angles, angles_true)


def _assert_best_of_its_rank(results, system):
    """Its own system beats every system with as many parameters or fewer."""
    own = results[system]["fom"]
    for other, res in results.items():
        if other != system and N_PARAMS[other] <= N_PARAMS[system]:
            assert own > res["fom"], (system, other, own, res["fom"])


@pytest.mark.parametrize("system", list(STRUCTURES))
def test_exact_lines_index_true_cell(system):
    structure = STRUCTURES[system]
    tt, _ = _lines(structure)
    results = index_peaks(tt, wavelength=WAVELENGTH)
    assert set(results) == set(SYSTEMS)
    res = results[system]
    _assert_same_lattice(res["cell"], structure)
    assert res["n_unindexed"] == 0
    assert abs(res["zero_shift"]) < 1e-3
    _assert_best_of_its_rank(results, system)


# Orthorhombic cells whose first lines leave an axis undetermined: absences
# (Pnma, Cmcm) or a long axis (first lines 00l, 0kl with l = 2, 3) make the
# trial cells come out with that axis halved or wrong, which the rescaled
# trials and the 012-type lines of the search repair.
ABSENCES = {
    "Pnma perovskite": Structure.from_spacegroup(
        "Pnma",
        Lattice.orthorhombic(5.61, 7.71, 5.38),
        ["Gd", "Fe", "O", "O"],
        [[0.06, 0.25, 0.99], [0, 0, 0.5], [0.47, 0.25, 0.09], [0.3, 0.05, 0.7]],
    ),
    "Cmcm, long b": Structure.from_spacegroup(
        "Cmcm",
        Lattice.orthorhombic(3.86, 11.32, 4.04),
        ["Ca", "Si"],
        [[0, 0.14, 0.25], [0, 0.43, 0.25]],
    ),
    "Pnma, long c": Structure.from_spacegroup(
        "Pnma",
        Lattice.orthorhombic(3.25, 4.77, 10.45),
        ["Sn", "S"],
        [[0.12, 0.25, 0.12], [0.48, 0.25, 0.85]],
    ),
}


# Pnma cells with a short axis whose first lines are weak: every trial cell
# has the two long axes right and the short one wrong (not a multiple of the
# true one), and only the vote of the peaks that the long axes' zone leaves
# unexplained finds it.
VOTED_AXIS = {
    "Pnma KMnCl3 type": Structure.from_spacegroup(
        "Pnma",
        Lattice.orthorhombic(8.924, 3.904, 14.613),
        ["K", "Mn", "Cl", "Cl", "Cl"],
        [
            [0.0635, 0.75, 0.3244],
            [0.6652, 0.25, 0.4439],
            [0.0204, 0.25, 0.9024],
            [0.1744, 0.25, 0.4961],
            [0.2228, 0.75, 0.7069],
        ],
    ),
    "Pnma TlCdI3 type": Structure.from_spacegroup(
        "Pnma",
        Lattice.orthorhombic(16.638, 4.497, 10.396),
        ["Tl", "Cd", "I", "I", "I"],
        [
            [0.6753, 0.25, 0.9526],
            [0.446, 0.25, 0.6678],
            [0.1053, 0.75, 0.9813],
            [0.5103, 0.75, 0.8359],
            [0.7879, 0.75, 0.7102],
        ],
    ),
}


# F-centred with d-glides (the alpha-sulfur type): the first lines are 111,
# 022, 113, 131, 202 ..., not the small lines that the direct trial cells
# assign, and a cell of half the axes explains the even ones; only the
# rectangular-zone family (022 and 004 give the 0kl mesh with both axes
# halved, doubled, then the vote for a) finds it.
CENTRED_ZONE = {
    "Fddd": Structure.from_spacegroup(
        "Fddd", Lattice.orthorhombic(5.9, 8.3, 10.6), ["S"], [[0.13, 0.11, 0.05]]
    ),
}


@pytest.mark.parametrize("name", [*ABSENCES, *VOTED_AXIS, *CENTRED_ZONE])
def test_orthorhombic_with_absences_long_or_short_axis(name):
    structure = {**ABSENCES, **VOTED_AXIS, **CENTRED_ZONE}[name]
    tt, _ = _lines(structure, rel=1e-2)
    res = index_peaks(tt, systems=["orthorhombic"], wavelength=WAVELENGTH)
    assert res["orthorhombic"]["n_unindexed"] == 0
    _assert_same_lattice(res["orthorhombic"]["cell"], structure)


# Monoclinic cells whose first lines hold three lines of the h0l zone but not
# three lines with hl = 0 (C-centring removes 100, 010, 110...): the ``A, B,
# C`` trial cells miss them and the h0l-zone family of the search finds them.
ZONE_ONLY = {
    "C2/m": Structure.from_spacegroup(
        "C2/m",
        Lattice.monoclinic(10.3, 6.88, 8.34, 102.3),
        ["Si", "Si"],
        [[0.632, 0.981, 0.732], [0.83, 0.895, 0.272]],
    ),
    "P2_1/c, two long axes": Structure.from_spacegroup(
        "P2_1/c",
        Lattice.monoclinic(11.41, 4.36, 10.57, 98.6),
        ["Na", "Ca", "Ca"],
        [[0.802, 0.401, 0.45], [0.924, 0.071, 0.156], [0.973, 0.913, 0.147]],
    ),
}


# Cells whose h0l zone shows one axis halved: C-centring keeps only h even
# there, so the zone mesh has a/2 and the k != 0 lines (110, 310) vote for a
# wrong B unless the zone cell is tried with that axis doubled.
HALVED_ZONE = {
    "C2/m, Hf2Bi type": Structure.from_spacegroup(
        "C2/m",
        Lattice.monoclinic(12.118, 3.774, 6.667, 110.63),
        ["Hf", "Hf", "Bi"],
        [[0.336, 0.5, 0.910], [0.003, 0.5, 0.235], [0.157, 0.0, 0.609]],
    ),
}


# A C-centred cell with a short b axis, read down to 6 % of the strongest line:
# its first k != 0 lines (111, 310, 112 ...) are few, and the first 10 peaks
# held too few of them to agree on B; the vote now takes the first 20 peaks.
FEW_K_LINES = {
    "C2/m, short b": Structure.from_spacegroup(
        "C2/m",
        Lattice.monoclinic(13.81, 3.88, 6.59, 106.19),
        ["Ca", "O", "O"],
        [[0.197, 0.0, 0.477], [0.386, 0.0, 0.614], [0.25, 0.0, 0.1]],
    ),
}


@pytest.mark.parametrize(
    "name, rel",
    [(name, 1e-2) for name in [*ZONE_ONLY, *HALVED_ZONE]]
    + [(name, 0.06) for name in FEW_K_LINES],
)
def test_monoclinic_found_through_the_h0l_zone(name, rel):
    structure = {**ZONE_ONLY, **HALVED_ZONE, **FEW_K_LINES}[name]
    tt, _ = _lines(structure, rel=rel)
    res = index_peaks(tt, wavelength=WAVELENGTH)
    assert res["monoclinic"]["n_unindexed"] == 0
    _assert_same_lattice(res["monoclinic"]["cell"], structure)
    _assert_best_of_its_rank(res, "monoclinic")


def test_a_cell_fitting_no_more_peaks_than_parameters_does_not_win():
    """The first three lines of bcc niobium, read to 0.01 degree. A tiny cell
    that puts one peak exactly on its first line (one parameter fitted to one
    peak) used to win with an enormous figure of merit; such a fit explains
    nothing, and the cell that indexes all three must win."""
    structure = Structure.from_spacegroup(
        "Im-3m", Lattice.cubic(3.30), ["Nb"], [[0] * 3]
    )
    tt, _ = _lines(structure)
    tt = np.round(tt[:3], 2)
    res = index_peaks(tt, systems=["cubic"], wavelength=WAVELENGTH)["cubic"]
    assert res["n_indexed"] == 3
    # 110, 200, 211 of the I cell, or 100, 110, 111 of the P cell of a/sqrt(2)
    q = (2 * np.sin(np.radians(tt) / 2) / WAVELENGTH) ** 2
    np.testing.assert_allclose(
        (res["hkl"] ** 2).sum(axis=1) / res["cell"][0] ** 2, q, rtol=1e-3
    )


def _impurity(structure, lo, hi):
    """A 2-theta between ``lo`` and ``hi`` far from every line of the lattice
    (systematically absent ones included)."""
    _, g = reflections(structure.lattice.matrix, WAVELENGTH, (5, 90))
    lines = 2 * np.degrees(np.arcsin(WAVELENGTH * g / 2))
    trial = np.linspace(lo, hi, 201)[1:-1]
    distance = np.abs(trial[:, None] - lines[None, :]).min(axis=1)
    return trial[np.argmax(distance)]


@pytest.mark.parametrize("system", ["cubic", "tetragonal", "monoclinic"])
def test_one_missing_and_one_spurious_peak(system):
    structure = STRUCTURES[system]
    tt, _ = _lines(structure)
    tt = np.delete(tt, 2)
    impurity = _impurity(structure, tt[3], tt[4])
    results = index_peaks(np.append(tt, impurity), wavelength=WAVELENGTH)
    res = results[system]
    _assert_same_lattice(res["cell"], structure)
    assert res["n_unindexed"] == 1
    # the impurity is the peak left unindexed
    position = np.searchsorted(np.sort(np.append(tt, impurity))[:20], impurity)
    assert not res["indexed"][position]
    _assert_best_of_its_rank(results, system)


@pytest.mark.parametrize("system", ["tetragonal", "orthorhombic"])
def test_zero_shift_is_fitted(system):
    structure = STRUCTURES[system]
    tt, _ = _lines(structure)
    res = index_peaks(tt + 0.05, wavelength=WAVELENGTH, systems=[system])[system]
    _assert_same_lattice(res["cell"], structure, rel=2e-4)
    assert res["zero_shift"] == pytest.approx(0.05, abs=2e-3)
    assert res["n_unindexed"] == 0
    # without the zero-shift parameter the cell is worse
    fixed = index_peaks(
        tt + 0.05, wavelength=WAVELENGTH, systems=[system], max_zero_shift=0
    )[system]
    assert fixed["zero_shift"] == 0.0
    assert fixed["fom"] < res["fom"]


def _profile_pattern(tt, inten, fwhm=0.08):
    """Gaussian peaks at the exact Bragg angles on the 5-90 degree grid."""
    x = grid((5.0, 90.0), 0.02)
    sigma = fwhm / (2 * np.sqrt(2 * np.log(2)))
    pattern = np.zeros_like(x)
    for t, i in zip(tt, inten, strict=True):
        lo, hi = np.searchsorted(x, [t - 6 * sigma, t + 6 * sigma])
        pattern[lo:hi] += i * np.exp(-0.5 * ((x[lo:hi] - t) / sigma) ** 2)
    return pattern


@pytest.mark.parametrize("system", ["hexagonal", "orthorhombic", "monoclinic"])
def test_gridded_pattern_indexes_true_cell(system):
    """From a pattern on the grid: sub-bin peak positions, then the search."""
    structure = STRUCTURES[system]
    tt, inten = _lines(structure)
    pattern = _profile_pattern(tt, inten)
    peaks, _ = find_pattern_peaks(pattern[None, :], n_peaks=20)
    results = index_peaks(peaks[0], wavelength=WAVELENGTH)
    _assert_same_lattice(results[system]["cell"], structure)
    _assert_best_of_its_rank(results, system)


def test_binned_sticks_index_true_cell():
    """``bin_sticks`` moves each reflection to its bin centre (up to 0.01 deg);
    the least-squares cell still comes within 0.1 %."""
    structure = STRUCTURES["tetragonal"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tt, inten = stick_pattern(structure, wavelength=WAVELENGTH)
    pattern = gaussian_filter1d(bin_sticks(tt, inten, (5, 90), 0.02), 2.0)
    peaks, _ = find_pattern_peaks(pattern[None, :], n_peaks=20)
    res = index_peaks(peaks[0], wavelength=WAVELENGTH, systems=["tetragonal"])
    _assert_same_lattice(res["tetragonal"]["cell"], structure)


def test_other_wavelength_same_cell():
    structure = STRUCTURES["hexagonal"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tt, _ = stick_pattern(structure, wavelength=0.71073, two_theta_range=(5, 60))
    res = index_peaks(np.unique(tt.round(5)), wavelength=0.71073, systems=["hexagonal"])
    _assert_same_lattice(res["hexagonal"]["cell"], structure)


def test_too_few_peaks_give_empty_result():
    res = index_peaks([20.0, np.nan], systems=["cubic", "orthorhombic"])
    assert res["cubic"]["fom"] == 0.0 and res["orthorhombic"]["fom"] == 0.0
    assert np.all(np.isnan(res["orthorhombic"]["cell"]))
    assert res["orthorhombic"]["n_unindexed"] == 1


def test_unknown_system_raises():
    with pytest.raises(ValueError, match="unknown lattice system 'triclinic'"):
        index_peaks([20.0, 30.0, 40.0], systems=["triclinic"])


def test_q_from_two_theta_is_bragg():
    d = 2.82
    two_theta = 2 * np.degrees(np.arcsin(WAVELENGTH / (2 * d)))
    assert q_from_two_theta(two_theta, WAVELENGTH) == pytest.approx(1 / d**2)


@pytest.mark.parametrize(
    "system, cell",
    [
        ("cubic", (4.0, 4.0, 4.0, 90, 90, 90)),
        ("tetragonal", (4.0, 4.0, 7.0, 90, 90, 90)),
        ("hexagonal", (3.0, 3.0, 5.0, 90, 90, 120)),
        ("orthorhombic", (3.0, 4.0, 5.0, 90, 90, 90)),
        ("monoclinic", (5.0, 4.0, 6.0, 90, 110, 90)),
    ],
)
def test_metric_round_trip(system, cell):
    coeffs = coefficients_from_cell(*cell)
    found = cell_from_coefficients(coeffs)
    np.testing.assert_allclose(found[:6], cell, atol=1e-9)
    rows, hkl = reflection_table(system, 3)
    # the system's design rows reproduce 1/d^2 of the full metric
    params = np.linalg.lstsq(
        np.eye(6)[:, : N_PARAMS[system]] * 0 + metric_basis(system), coeffs, rcond=None
    )[0]
    np.testing.assert_allclose(metric_coefficients(system, params), coeffs, atol=1e-12)
    h, k, l = hkl.T
    q = coeffs @ np.stack([h * h, k * k, l * l, h * k, h * l, k * l])
    np.testing.assert_allclose(rows @ params, q, rtol=1e-10)


def metric_basis(system):
    from sklearn_xrd.indexing._lattice import basis

    return basis(system)


def test_rhombohedral_lines_obey_centring():
    rows, hkl = reflection_table("rhombohedral", 4)
    h, k, l = hkl.T
    assert np.all(((-h + k + l) % 3 == 0) | ((h - k + l) % 3 == 0))
    hex_rows, _ = reflection_table("hexagonal", 4)
    # (1, 0, 0) at Q = A is absent, (1, 0, 1) present
    assert [1.0, 0.0] in hex_rows.tolist() and [1.0, 0.0] not in rows.tolist()
    assert [1.0, 1.0] in rows.tolist()


def test_non_positive_metric_gives_nan_cell():
    assert np.all(np.isnan(cell_from_coefficients([1.0, -1.0, 1.0, 0, 0, 0])))


def test_absence_counts_without_a_cell_are_zero():
    res = index_peaks([20.0, 30.0], systems=["hexagonal"])["hexagonal"]
    assert np.isnan(res["params"]).all()
    assert hexagonal_absence_counts(res).tolist() == [0.0, 0.0, 0.0, 0.0]
