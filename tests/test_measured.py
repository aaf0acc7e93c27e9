"""Transformers and loaders for measured patterns."""

import numpy as np
import pytest

from sklearn_xrd.datasets._measured import load_crystalyze, load_rruff
from sklearn_xrd.io import Pattern
from sklearn_xrd.preprocessing import KAlpha2Doublet
from sklearn_xrd.preprocessing._measured import (
    BackgroundRemover,
    KAlpha2Stripper,
    PatternResampler,
    Smoother,
    resample_pattern,
)
from sklearn_xrd.simulation import WAVELENGTHS, grid

GRID = grid((5, 90), 0.02)


def gaussian(x, center, fwhm, height=1.0):
    sigma = fwhm / (2 * np.sqrt(2 * np.log(2)))
    return height * np.exp(-0.5 * ((x - center) / sigma) ** 2)


# ---------------------------------------------------------------- resampling
def test_resample_identity_on_same_grid():
    y = np.random.default_rng(0).random(GRID.size)
    out = resample_pattern(GRID, y, wavelength="CuKa")
    np.testing.assert_allclose(out, y, atol=1e-12)


def test_resample_follows_bragg():
    # a d = 2.0 A reflection measured with Mo K-alpha lands where Cu K-alpha puts it
    d = 2.0
    mo, cu = WAVELENGTHS["MoKa"], WAVELENGTHS["CuKa"]
    tt_mo = np.degrees(2 * np.arcsin(mo / (2 * d)))
    tt_cu = np.degrees(2 * np.arcsin(cu / (2 * d)))
    x = np.arange(3.0, 45.0, 0.005)
    out = resample_pattern(x, gaussian(x, tt_mo, 0.05), wavelength="MoKa")
    assert abs(GRID[out.argmax()] - tt_cu) <= 0.02
    # beyond the measured range: zeros
    short = resample_pattern(x[x < 20], gaussian(x[x < 20], 10, 0.1), wavelength=mo)
    cut = np.degrees(2 * np.arcsin(cu / mo * np.sin(np.radians(x[x < 20][-1]) / 2)))
    assert np.all(short[GRID > cut + 0.02] == 0)
    assert short.max() > 0.9


def test_resample_errors():
    with pytest.raises(ValueError, match="differ in length"):
        resample_pattern([1, 2, 3], [1, 2], wavelength=1.5)
    with pytest.raises(ValueError, match="monotonic"):
        resample_pattern([1, 3, 2], [1, 2, 3], wavelength=1.5)
    with pytest.raises(ValueError, match="unknown wavelength"):
        resample_pattern([1, 2], [1, 2], wavelength="CuKz")
    with pytest.raises(ValueError, match="two_theta_range"):
        resample_pattern([1, 2], [1, 2], wavelength=1.5, two_theta_range=(90, 5))


def test_pattern_resampler():
    x1 = np.arange(10.0, 80.0, 0.01)
    x2 = np.arange(2.0, 30.0, 0.013)
    p1 = Pattern(x1, gaussian(x1, 30.0, 0.1), wavelength=WAVELENGTHS["CuKa"])
    p2 = Pattern(x2, gaussian(x2, 10.0, 0.05), wavelength=0.406626)
    resampler = PatternResampler()
    X = resampler.fit_transform([p1, p2])
    assert X.shape == (2, GRID.size)
    assert GRID[X[0].argmax()] == pytest.approx(30.0)
    assert X[1].max() > 0.8
    names = resampler.get_feature_names_out()
    assert names[0] == "two_theta_5.000" and names.size == GRID.size
    # pairs need a wavelength
    with pytest.raises(ValueError, match="pattern 0: wavelength unknown"):
        PatternResampler().transform([(x1, p1.intensity)])
    Xp = PatternResampler(wavelength="CuKa").transform([(x1, p1.intensity)])
    np.testing.assert_allclose(Xp[0], X[0])
    with pytest.raises(ValueError, match="pattern 1"):
        PatternResampler(wavelength=1.5).transform([(x1, p1.intensity), 3.0])
    with pytest.raises(ValueError, match="2-D array"):
        PatternResampler(wavelength=1.5).transform(np.zeros((2, 5)))
    assert PatternResampler(wavelength=1.5).transform([]).shape == (0, GRID.size)
    assert PatternResampler().__sklearn_tags__().input_tags.two_d_array is False


# ---------------------------------------------------------------- background
PEAKS = [(20.0, 1000.0), (33.0, 400.0), (47.5, 700.0), (61.0, 250.0), (76.0, 500.0)]


def _peaks():
    return sum(gaussian(GRID, c, 0.12, h) for c, h in PEAKS)


def _background():
    t = (GRID - 5) / 85
    return 300 - 250 * t + 120 * t**2 + 40 * np.exp(-(GRID - 5) / 6)


@pytest.mark.parametrize(
    "remover", [BackgroundRemover(), BackgroundRemover("als", als_lambda=1e7)]
)
def test_background_removal(remover):
    peaks = _peaks()
    X = np.vstack([peaks + _background(), 2 * (peaks + _background())])
    Xt = remover.fit_transform(X)
    for row, scale in zip(Xt, (1, 2)):
        for center, height in PEAKS:
            i = int(np.argmin(np.abs(GRID - center)))
            assert row[i] == pytest.approx(scale * height, rel=0.05)
        far = np.all([np.abs(GRID - c) > 1.0 for c, _ in PEAKS], axis=0)
        # most of the background goes
        assert np.abs(row[far]).mean() < 0.05 * (scale * _background()[far]).mean()


def test_background_snip_non_negative_float32():
    X = (_peaks() + _background()).astype(np.float32)[None]
    Xt = BackgroundRemover().fit_transform(X)
    assert Xt.dtype == np.float32 and Xt.min() >= 0


# ---------------------------------------------------------------- K-alpha2
def test_kalpha2_stripper_removes_doublet():
    lam1, lam2 = WAVELENGTHS["CuKa1"], WAVELENGTHS["CuKa2"]
    clean = np.zeros_like(GRID)
    doublet = np.zeros_like(GRID)
    for center, height in PEAKS:
        partner = np.degrees(
            2 * np.arcsin(lam2 / lam1 * np.sin(np.radians(center) / 2))
        )
        clean += gaussian(GRID, center, 0.08, height)
        doublet += gaussian(GRID, center, 0.08, height)
        doublet += gaussian(GRID, partner, 0.08, 0.5 * height)
    stripped = KAlpha2Stripper().fit_transform(doublet[None])[0]
    for center, height in PEAKS:
        partner = np.degrees(
            2 * np.arcsin(lam2 / lam1 * np.sin(np.radians(center) / 2))
        )
        i, j = (int(np.argmin(np.abs(GRID - t))) for t in (center, partner))
        assert stripped[i] == pytest.approx(height, rel=0.03)
        # the alpha2 peak (only clearly split at higher angles) is gone
        assert abs(stripped[j] - clean[j]) < 0.03 * height
    assert np.abs(stripped - clean).max() < 0.03 * max(h for _, h in PEAKS)


def test_kalpha2_stripper_inverts_doublet():
    rng = np.random.default_rng(0)
    X = rng.random((3, 600))
    params = dict(two_theta_start=40.0, step=0.02)
    doubled = KAlpha2Doublet(**params).fit_transform(X)
    np.testing.assert_allclose(KAlpha2Stripper(**params).fit_transform(doubled), X)


def test_kalpha2_stripper_checks_lines():
    with pytest.raises(ValueError, match="shorter"):
        KAlpha2Stripper(wavelength_alpha2="CuKb1").fit_transform(np.ones((1, 10)))


# ---------------------------------------------------------------- smoothing
def test_smoother_keeps_peaks_and_reduces_noise():
    rng = np.random.default_rng(0)
    clean = _peaks()
    noisy = clean + rng.normal(scale=5.0, size=clean.shape)
    smooth = Smoother().fit_transform(noisy[None])[0]
    assert np.abs(smooth - clean).std() < 0.8 * np.abs(noisy - clean).std()
    for center, height in PEAKS:
        i = int(np.argmin(np.abs(GRID - center)))
        assert smooth[i] == pytest.approx(height, rel=0.05)


def test_smoother_short_rows():
    X = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(Smoother().fit_transform(X), X)


# ---------------------------------------------------------------- loaders
def test_loaders_name_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothere"):
        load_rruff(tmp_path / "nothere")
    with pytest.raises(FileNotFoundError, match="labels.csv"):
        load_rruff(tmp_path)
    with pytest.raises(FileNotFoundError, match="nothere"):
        load_crystalyze(tmp_path / "nothere")


def test_load_rruff_small_folder(tmp_path):
    x = np.round(np.arange(5.0, 90.0, 0.01), 2)
    body = "\n".join(f"{t:.2f} {v:.4f}" for t, v in zip(x, gaussian(x, 30, 0.1, 1e3)))
    (tmp_path / "a.xy").write_text("# Cu Ka, lambda=1.5418 A\n" + body)
    (tmp_path / "b.xy").write_text("garbage\n")
    (tmp_path / "c.xy").write_text(body)
    (tmp_path / "labels.csv").write_text(
        "file,crystal_system,space_group_number\n"
        "a.xy,cubic,225\nb.xy,cubic,225\nd.xy,triclinic,1\n"
    )
    bunch = load_rruff(tmp_path)
    assert bunch.data.shape == (1, GRID.size)
    assert bunch.target.tolist() == ["cubic"] and bunch.space_group.tolist() == [225]
    assert bunch.filenames.tolist() == ["a.xy"]
    assert dict(bunch.skipped).keys() == {"b.xy", "c.xy", "d.xy"}
    assert abs(GRID[bunch.data[0].argmax()] - 30) < 0.03
    X, y = load_rruff(tmp_path, return_X_y=True)
    np.testing.assert_array_equal(X, bunch.data)


@pytest.mark.shared_data
def test_load_rruff_shared(shared_data):
    bunch = load_rruff()
    assert bunch.data.shape == (299, GRID.size)
    assert bunch.skipped == []
    assert set(bunch.target) == {
        "triclinic",
        "monoclinic",
        "orthorhombic",
        "tetragonal",
        "hexagonal",
        "cubic",
    }
    assert np.isfinite(bunch.data).all() and bunch.data.max() <= 1000.0 + 1e-6
    assert np.all(bunch.data[:, -1] == 0)  # the files stop at 89.99 deg


@pytest.mark.shared_data
def test_load_crystalyze_shared(shared_data):
    bunch = load_crystalyze()
    assert len(bunch.data) == 8 and bunch.skipped == []
    got = dict(zip(bunch.names, bunch.space_group.tolist()))
    assert got == {
        "Ca2MnTeO6": 14,
        "HoNdV2O8": 141,
        "KBi3": 221,
        "LuOF": 129,
        "NaCu2P2": 139,
        "Rh3Bi": 221,
        "RuBi2": 140,
        "ZrGe6Ni6": 191,
    }
    X = PatternResampler().transform(bunch.data)
    assert X.shape == (8, GRID.size) and (X.max(axis=1) > 0).all()
