"""Q-space peak features and indexing features: physics and the sklearn API."""

import warnings

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from sklearn_xrd.preprocessing._indexing_features import IndexingFeatures
from sklearn_xrd.preprocessing._qspace import (
    QSpacePeaks,
    find_pattern_peaks,
    kalpha2_ratio,
    qspace_features,
    select_peaks,
)
from sklearn_xrd.simulation import WAVELENGTHS, grid, stick_pattern

NACL = Structure.from_spacegroup(
    "Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]]
)


def _pattern(structure, wavelength=1.54184, fwhm=0.08, start=5.0, stop=90.0):
    """Gaussian peaks at the exact Bragg angles on the 0.02 degree grid."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tt, inten = stick_pattern(
            structure, wavelength=wavelength, two_theta_range=(start, stop)
        )
    x = grid((start, stop), 0.02)
    sigma = fwhm / (2 * np.sqrt(2 * np.log(2)))
    pattern = np.zeros_like(x)
    for t, i in zip(tt, inten, strict=True):
        lo, hi = np.searchsorted(x, [t - 6 * sigma, t + 6 * sigma])
        pattern[lo:hi] += i * np.exp(-0.5 * ((x[lo:hi] - t) / sigma) ** 2)
    return pattern / pattern.max()


def test_sub_bin_peak_positions():
    rng = np.random.default_rng(0)
    centres = np.sort(rng.uniform(10, 80, size=8))
    x = grid((5, 90), 0.02)
    X = np.exp(-0.5 * ((x[None, :] - centres[:, None]) / 0.035) ** 2)
    tt, height = find_pattern_peaks(X, n_peaks=3)
    np.testing.assert_allclose(tt[:, 0], centres, atol=2e-3)  # a tenth of a bin
    np.testing.assert_allclose(height[:, 0], 1.0, atol=0.03)
    assert np.all(np.isnan(tt[:, 1:])) and np.all(height[:, 1:] == 0)


def test_min_height_and_order():
    x = grid((5, 20), 0.02)
    X = np.zeros((1, len(x)))
    for centre, amp in [(8.0, 0.005), (10.0, 1.0), (15.0, 0.3), (12.0, 0.5)]:
        X[0] += amp * np.exp(-0.5 * ((x - centre) / 0.04) ** 2)
    tt, height = find_pattern_peaks(X, n_peaks=5, min_height=0.01)
    np.testing.assert_allclose(tt[0, :3], [10.0, 12.0, 15.0], atol=1e-3)
    np.testing.assert_allclose(height[0, :3], [1.0, 0.5, 0.3], atol=1e-2)
    assert np.isnan(tt[0, 3:]).all()


def test_q_of_nacl_is_bragg():
    Xt = QSpacePeaks(n_peaks=4).fit_transform(_pattern(NACL)[None, :])
    m = np.array([3, 4, 8, 11])  # (111), (200), (220), (311)
    np.testing.assert_allclose(Xt[0, :4], m / 5.64**2, rtol=2e-4)
    np.testing.assert_allclose(Xt[0, 4:7], m[1:] / 3, rtol=2e-4)


def test_features_do_not_depend_on_the_tube():
    cu = _pattern(NACL, wavelength=1.54184)[None, :]
    mo = _pattern(NACL, wavelength=0.71073, stop=60.0)[None, :]
    f_cu = QSpacePeaks(n_peaks=6, wavelength="CuKa").fit_transform(cu)
    f_mo = QSpacePeaks(n_peaks=6, wavelength="MoKa").fit_transform(mo)
    np.testing.assert_allclose(f_cu[0, :11], f_mo[0, :11], rtol=5e-4)


def test_padding_and_feature_names():
    x = grid((5, 30), 0.02)
    X = np.exp(-0.5 * ((x[None, :] - 20.0) / 0.04) ** 2)
    est = QSpacePeaks(n_peaks=3).fit(X)
    Xt = est.transform(X)
    names = est.get_feature_names_out()
    assert Xt.shape == (1, 9) and len(names) == 9
    assert names.tolist() == [
        "q_0", "q_1", "q_2", "q_ratio_1", "q_ratio_2",
        "intensity_0", "intensity_1", "intensity_2", "n_peaks_found",
    ]  # fmt: skip
    assert Xt[0, 1] == Xt[0, 2] == Xt[0, 3] == Xt[0, 4] == 0.0
    assert Xt[0, 5] == pytest.approx(1.0) and Xt[0, -1] == 1.0


def test_qspace_features_from_peak_list():
    f = qspace_features([np.nan, 31.72, 27.39], [0.0, 1.0, 0.5], n_peaks=2)
    np.testing.assert_allclose(f[0, :2], [3 / 5.64**2, 4 / 5.64**2], rtol=2e-3)
    np.testing.assert_allclose(f[0, 3:5], [0.5, 1.0])
    with pytest.raises(ValueError, match="height has shape"):
        qspace_features([[20.0, 30.0]], [[1.0]])


@pytest.mark.parametrize("Est", [QSpacePeaks, IndexingFeatures])
def test_nan_row_is_named(Est):
    X = np.zeros((3, 50))
    X[2, 7] = np.nan
    with pytest.raises(ValueError, match=r"row\(s\) \[2\]"):
        Est().fit_transform(X)


@pytest.mark.parametrize("Est", [QSpacePeaks, IndexingFeatures])
def test_wrong_width_raises(Est):
    est = Est().fit(np.zeros((2, 50)))
    with pytest.raises(ValueError, match="50 features"):
        est.transform(np.zeros((2, 40)))


def test_bad_wavelength_and_systems_raise():
    X = np.zeros((1, 10))
    with pytest.raises(ValueError, match="unknown wavelength"):
        QSpacePeaks(wavelength="CuKx").fit(X)
    with pytest.raises(ValueError, match="systems must be"):
        IndexingFeatures(systems=("triclinic",)).fit(X)


def test_indexing_features_on_nacl():
    X = _pattern(NACL)[None, :]
    est = IndexingFeatures(systems=("cubic", "tetragonal", "hexagonal")).fit(X)
    Xt = est.transform(X)
    names = est.get_feature_names_out().tolist()
    assert Xt.shape == (1, 34) and len(names) == 34
    assert names[:4] == [
        "cubic_m20",
        "cubic_n_unindexed",
        "cubic_mean_error",
        "cubic_a",
    ]
    assert names[29:31] == ["hexagonal_volume", "hexagonal_00l_odd"]
    assert names[-1] == "hexagonal_hhl_odd_expected"
    no_hexagonal = IndexingFeatures(systems=("cubic",)).fit(X)
    assert no_hexagonal.transform(X).shape == (1, 10)
    row = dict(zip(names, Xt[0], strict=True))
    assert row["cubic_a"] == pytest.approx(5.64, rel=1e-3)
    assert row["cubic_volume"] == pytest.approx(5.64**3, rel=3e-3)
    assert row["cubic_n_unindexed"] == 0
    # a metric with more parameters may index as well: face-centred cubic is
    # body-centred tetragonal with c/a = sqrt(2), which the classifier can see
    assert row["tetragonal_c"] / row["tetragonal_a"] == pytest.approx(2**0.5, 1e-3)
    results = est.index_patterns(X)
    assert results[0]["cubic"]["hkl"][:2].tolist() == [[1, 1, 1], [2, 0, 0]]


def test_contrasts_compare_systems_and_flag_cubic_metrics():
    rutile = Structure.from_spacegroup(
        "P4_2/mnm",
        Lattice.tetragonal(4.594, 2.959),
        ["Ti", "O"],
        [[0, 0, 0], [0.305, 0.305, 0]],
    )
    X = np.stack([_pattern(NACL), _pattern(rutile)])
    systems = ("cubic", "tetragonal", "hexagonal")
    est = IndexingFeatures(systems=systems, contrasts=True).fit(X)
    Xt = est.transform(X)
    names = est.get_feature_names_out().tolist()
    # 3 pairs x 2, 3 gaps to the best, tetragonal c/a and its distance, hexagonal c/a
    assert Xt.shape == (2, 34 + 6 + 3 + 3) and len(names) == Xt.shape[1]
    plain = IndexingFeatures(systems=systems).fit_transform(X)
    np.testing.assert_array_equal(Xt[:, :34], plain)
    nacl, tio2 = (dict(zip(names, row, strict=True)) for row in Xt)
    for row in (nacl, tio2):
        assert row["m20_tetragonal_minus_cubic"] == pytest.approx(
            row["tetragonal_m20"] - row["cubic_m20"]
        )
        assert row["n_unindexed_hexagonal_minus_tetragonal"] == (
            row["hexagonal_n_unindexed"] - row["tetragonal_n_unindexed"]
        )
        assert max(row[f"{s}_m20_below_best"] for s in systems) == 0
    # rutile: no cubic cell explains it; its tetragonal one is far better
    assert tio2["m20_tetragonal_minus_cubic"] > 1  # a figure of merit 10x higher
    assert tio2["cubic_m20_below_best"] < -1
    assert tio2["tetragonal_c_over_a"] == pytest.approx(2.959 / 4.594, rel=1e-3)
    # nearest special ratio 1/sqrt(2): log(0.7071 / 0.6441)
    assert tio2["tetragonal_c_over_a_from_special"] == pytest.approx(0.0933, abs=2e-3)
    # NaCl's tetragonal cell is body-centred with c/a = sqrt(2): a cubic metric
    assert nacl["tetragonal_c_over_a_from_special"] < 1e-3


def test_absence_counts_tell_screw_axis_from_trigonal():
    # hcp Mg (P6_3/mmc) has no 00l or hh-2hl line with l odd; CdI2 (P-3m1),
    # on the same kind of metric, shows 001 and 003
    mg = Structure.from_spacegroup(
        "P6_3/mmc", Lattice.hexagonal(3.21, 5.21), ["Mg"], [[1 / 3, 2 / 3, 0.25]]
    )
    cdi2 = Structure.from_spacegroup(
        "P-3m1",
        Lattice.hexagonal(4.24, 6.84),
        ["Cd", "I"],
        [[0, 0, 0], [1 / 3, 2 / 3, 0.25]],
    )
    est = IndexingFeatures(systems=("hexagonal",)).fit(_pattern(mg)[None])
    names = est.get_feature_names_out().tolist()
    rows = [
        dict(zip(names, est.transform(_pattern(s)[None])[0], strict=True))
        for s in (mg, cdi2)
    ]
    for row in rows:
        assert row["hexagonal_n_unindexed"] == 0
        assert row["hexagonal_00l_odd_expected"] >= 2
        assert row["hexagonal_hhl_odd_expected"] >= 1
    assert rows[0]["hexagonal_00l_odd"] == rows[0]["hexagonal_hhl_odd"] == 0
    assert rows[1]["hexagonal_00l_odd"] >= 2
    assert rows[1]["hexagonal_hhl_odd"] >= 1


def test_mean_error_tells_pseudo_cubic_from_cubic():
    # c/a = 1.001: the cubic metric still indexes every peak within the 0.05
    # degree tolerance (the splitting is unresolved at this width), but with a
    # larger error than the tetragonal one; a truly cubic cell has both small
    lattice = Lattice.tetragonal(4.0, 4.004)
    distorted = Structure(lattice, ["Sr", "Ti"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    cubic = Structure(Lattice.cubic(4.0), ["Sr", "Ti"], [[0, 0, 0], [0.5] * 3])
    est = IndexingFeatures(systems=("cubic", "tetragonal"), tolerance=0.05)
    names = est.fit(_pattern(cubic)[None]).get_feature_names_out().tolist()
    rows = [
        dict(zip(names, est.transform(_pattern(s, fwhm=0.1)[None])[0], strict=True))
        for s in (distorted, cubic)
    ]
    assert rows[0]["cubic_n_unindexed"] == rows[1]["cubic_n_unindexed"] == 0
    assert rows[0]["cubic_mean_error"] > 1.5 * rows[0]["tetragonal_mean_error"]
    assert rows[0]["cubic_mean_error"] > 10 * rows[1]["cubic_mean_error"]


def _doublet(structure):
    """K-alpha1 lines plus their K-alpha2 partners at half the height."""
    one = _pattern(structure, wavelength=WAVELENGTHS["CuKa1"], fwhm=0.05)
    return one + 0.5 * _pattern(structure, wavelength=WAVELENGTHS["CuKa2"], fwhm=0.05)


def test_kalpha2_partners_are_dropped_before_indexing():
    X = _doublet(NACL)[None, :]
    tt, h = find_pattern_peaks(X, n_peaks=40)
    kept, _ = select_peaks(tt, h, n_peaks=40, kalpha2=kalpha2_ratio("CuKa"))
    # what is left are the peaks of the K-alpha1 lines alone
    alone, _ = find_pattern_peaks(
        _pattern(NACL, wavelength=WAVELENGTHS["CuKa1"], fwhm=0.05)[None], n_peaks=40
    )
    alone = alone[0][np.isfinite(alone[0])]
    kept = kept[0][np.isfinite(kept[0])]
    assert np.isfinite(tt[0]).sum() > len(kept)
    assert len(kept) == len(alone)
    np.testing.assert_allclose(kept, alone, atol=0.02)
    plain = IndexingFeatures(systems=("cubic",)).fit_transform(X)
    stripped = IndexingFeatures(systems=("cubic",), kalpha2="auto").fit_transform(X)
    assert plain[0, 1] > 0  # the partners are unindexed
    assert stripped[0, 1] == 0
    assert stripped[0, 3] == pytest.approx(5.64, rel=2e-3)


def test_strongest_peaks_pass_over_weak_bumps():
    # weak bumps below the first line of NaCl push lines out of the first 8
    x = grid((5.0, 90.0), 0.02)
    X = _pattern(NACL).copy()
    for centre in (7.0, 9.5, 12.0, 14.5, 17.0, 19.5, 22.0):
        X += 0.015 * np.exp(-0.5 * ((x - centre) / 0.04) ** 2)
    first = IndexingFeatures(n_peaks=8, systems=("cubic",)).fit_transform(X[None])
    strongest = IndexingFeatures(
        n_peaks=8, systems=("cubic",), peak_order="strongest"
    ).fit_transform(X[None])
    assert first[0, 1] >= 5
    assert strongest[0, 1] == 0
    assert strongest[0, 3] == pytest.approx(5.64, rel=1e-3)


def test_select_peaks_keeps_angle_order_and_pads():
    tt = np.array([[10.0, 20.0, 30.0, np.nan], [15.0, np.nan, np.nan, np.nan]])
    h = np.array([[0.1, 1.0, 0.5, 0.0], [1.0, 0.0, 0.0, 0.0]])
    out, out_h = select_peaks(tt, h, n_peaks=2, order="strongest")
    np.testing.assert_array_equal(out[0], [20.0, 30.0])
    assert out[1, 0] == 15.0 and np.isnan(out[1, 1])
    assert out_h[1, 1] == 0.0
    with pytest.raises(ValueError, match="order"):
        select_peaks(tt, h, order="height")


def test_indexing_features_n_jobs():
    X = np.stack([_pattern(NACL), np.roll(_pattern(NACL), 40)])
    est = IndexingFeatures(n_peaks=8, systems=("cubic", "tetragonal"))
    one = est.fit_transform(X)
    two = est.set_params(n_jobs=2).fit_transform(X)
    np.testing.assert_array_equal(one, two)
