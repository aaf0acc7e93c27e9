"""Physics: Bragg's law, pymatgen's XRDCalculator as reference, invariances."""

import warnings

import numpy as np
import pytest
from pymatgen.analysis.diffraction.xrd import XRDCalculator

from sklearn_xrd.datasets import load_structure_table
from sklearn_xrd.preprocessing import CIFToPattern
from sklearn_xrd.simulation import bin_sticks, grid, stick_pattern

CU = 1.54184
RANGE = (5.0, 90.0)
STEP = 0.02
# reflections within half a bin outside RANGE land in the edge bins
BIN_RANGE = (RANGE[0] - STEP / 2, RANGE[1] + STEP / 2)


def bragg_two_theta(d, wavelength=CU):
    return np.degrees(2 * np.arcsin(wavelength / (2 * d)))


def cubic_reflections(a, allowed, max_index=8):
    """Distinct Bragg angles in RANGE of the allowed hkl of a cubic cell."""
    angles = set()
    rng = range(-max_index, max_index + 1)
    for h in rng:
        for k in rng:
            for l in rng:
                n = h * h + k * k + l * l
                if n == 0 or not allowed(h, k, l):
                    continue
                sin_theta = CU * np.sqrt(n) / (2 * a)
                if sin_theta >= 1:
                    continue
                tt = bragg_two_theta(a / np.sqrt(n))
                if RANGE[0] <= tt <= RANGE[1]:
                    angles.add(round(float(tt), 6))
    return np.array(sorted(angles))


def distinct(tt):
    return np.unique(np.round(tt, 6))


def test_nacl_peaks_follow_bragg_law(nacl):
    def fcc(h, k, l):
        return len({h % 2, k % 2, l % 2}) == 1

    expected = cubic_reflections(5.64, fcc)
    tt, intensity = stick_pattern(nacl, wavelength=CU, two_theta_range=RANGE)
    np.testing.assert_allclose(distinct(tt), expected, atol=1e-6)
    # (111) at 27.37 deg and (200) at 31.71 deg for a = 5.64 A
    assert expected[0] == pytest.approx(
        2 * np.degrees(np.arcsin(CU * np.sqrt(3) / (2 * 5.64)))
    )


def test_silicon_peaks_and_diamond_absences(silicon):
    def diamond(h, k, l):
        if h % 2 and k % 2 and l % 2:
            return True
        return h % 2 == k % 2 == l % 2 == 0 and (h + k + l) % 4 == 0

    tt, _ = stick_pattern(silicon, wavelength=CU, two_theta_range=RANGE)
    np.testing.assert_allclose(
        distinct(tt), cubic_reflections(5.431, diamond), atol=1e-6
    )
    # (111), (220), (311) at the textbook 28.44, 47.30, 56.12 deg (Cu K-alpha1)
    tt1, _ = stick_pattern(silicon, wavelength=1.54056, two_theta_range=RANGE)
    np.testing.assert_allclose(distinct(tt1)[:3], [28.44, 47.30, 56.12], atol=0.01)
    # (200) and (222) are absent in diamond
    for hkl2 in (4, 12):
        forbidden = bragg_two_theta(5.431 / np.sqrt(hkl2))
        assert np.min(np.abs(tt - forbidden)) > 0.05


def _pymatgen_binned(structure, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = XRDCalculator(**kwargs).get_pattern(
            structure, scaled=False, two_theta_range=BIN_RANGE
        )
    return bin_sticks(np.asarray(p.x), np.asarray(p.y), RANGE, STEP)


def _ours_binned(structure, **kwargs):
    tt, inten = stick_pattern(
        structure, wavelength=CU, two_theta_range=BIN_RANGE, **kwargs
    )
    return bin_sticks(tt, inten, RANGE, STEP)


def assert_parity(ours, ref, name):
    """Each peak above 1% of the strongest within one bin and 1% in intensity."""
    assert ref.max() > 0, f"{name}: reference pattern is empty"
    ours = ours / ours.max() * 100
    ref = ref / ref.max() * 100
    for a, b, label in ((ref, ours, "missing in ours"), (ours, ref, "extra in ours")):
        for i in np.flatnonzero(a > 1.0):
            window = b[max(i - 1, 0) : i + 2]
            close = np.min(np.abs(window - a[i]))
            assert close <= 1.0, (
                f"{name}: peak at bin {i} ({a[i]:.2f}%) {label}; nearest {close:.2f}"
            )


def test_intensity_ratios_match_pymatgen(nacl, silicon, rutile):
    for name, s in (("NaCl", nacl), ("Si", silicon), ("rutile", rutile)):
        ours = _ours_binned(s)
        ref = _pymatgen_binned(s)
        peaks = ref > 1e-3 * ref.max()
        np.testing.assert_allclose(
            ours[peaks] / ours.max(), ref[peaks] / ref.max(), rtol=1e-6, err_msg=name
        )


def test_debye_waller_matches_pymatgen(nacl):
    b = {"Na": 1.2, "Cl": 0.8}
    ours = _ours_binned(nacl, debye_waller=b)
    ref = _pymatgen_binned(nacl, debye_waller_factors=b)
    np.testing.assert_allclose(ours / ours.max(), ref / ref.max(), atol=1e-9)
    engine = CIFToPattern(input="structure", debye_waller=b).transform([nacl])[0]
    np.testing.assert_allclose(engine, ref / ref.max() * 100, atol=1e-4)
    # thermal motion weakens high-angle peaks relative to low-angle ones
    plain = _ours_binned(nacl)
    hi = grid(RANGE, STEP) > 60
    assert (ours[hi] / ours.max()).sum() < (plain[hi] / plain.max()).sum()


def test_parity_with_pymatgen_on_every_prototype(prototypes):
    engine = CIFToPattern(input="structure").transform(prototypes.data)
    for label, s, row in zip(prototypes.ids, prototypes.data, engine):
        ref = _pymatgen_binned(s)
        assert_parity(row, ref, label)
        assert_parity(_ours_binned(s), ref, label)


def test_compiled_engine_matches_reference_sticks(prototypes):
    """The batched kernel and the per-structure reference give the same rows."""
    engine = CIFToPattern(input="structure").transform(prototypes.data)
    for label, s, row in zip(prototypes.ids, prototypes.data, engine):
        ref = _ours_binned(s)
        np.testing.assert_allclose(row, ref / ref.max() * 100, atol=1e-4, err_msg=label)


@pytest.mark.shared_data
def test_parity_with_pymatgen_on_mp20_dev(shared_data):
    table = load_structure_table(shared_data / "structures" / "mp20_dev.csv", n_jobs=2)
    assert len(table.data) > 900
    engine = CIFToPattern(input="structure").transform(table.data)
    for mid, s, row in zip(table.ids, table.data, engine):
        assert_parity(row, _pymatgen_binned(s), mid)


def test_origin_shift_invariance(rutile):
    shifted = rutile.copy()
    shifted.translate_sites(
        range(len(shifted)), [0.137, 0.291, 0.613], to_unit_cell=True
    )
    np.testing.assert_allclose(
        _ours_binned(shifted), _ours_binned(rutile), rtol=1e-9, atol=1e-9
    )


@pytest.mark.parametrize(
    "scaling", [[2, 1, 1], [1, 1, 3], [[1, 1, 0], [-1, 1, 0], [0, 0, 1]]]
)
def test_supercell_invariance(rutile, scaling):
    big = rutile.copy()
    big.make_supercell(scaling)
    a = _ours_binned(rutile)
    b = _ours_binned(big)
    np.testing.assert_allclose(b / b.max(), a / a.max(), atol=1e-9)


def test_other_wavelength_rescales_through_d_spacing(nacl):
    mo = CIFToPattern(input="structure", wavelength="MoKa", two_theta_range=(5, 40))
    X = mo.transform([nacl])[0]
    strongest = mo.two_theta_[X.argmax()]
    d200 = 5.64 / 2
    assert strongest == pytest.approx(bragg_two_theta(d200, 0.71073), abs=STEP)


def test_backends_agree(nacl, rutile):
    ours = CIFToPattern(input="structure").transform([nacl, rutile])
    ref = CIFToPattern(input="structure", backend="pymatgen").transform([nacl, rutile])
    for o, r, name in zip(ours, ref, ["NaCl", "rutile"]):
        assert_parity(o, r, name)
