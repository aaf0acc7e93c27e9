"""GaussianBroadening, Normalizer and PeakExtractor on patterns."""

import numpy as np
import pytest
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.pipeline import make_pipeline

from sklearn_xrd.preprocessing import (
    CIFToPattern,
    GaussianBroadening,
    Normalizer,
    PeakExtractor,
)


def measured_fwhm(profile, step):
    half = profile.max() / 2
    above = np.flatnonzero(profile >= half)
    # linear interpolation on both flanks
    i0, i1 = above[0], above[-1]
    left = i0 - (profile[i0] - half) / (profile[i0] - profile[i0 - 1])
    right = i1 + (profile[i1] - half) / (profile[i1] - profile[i1 + 1])
    return (right - left) * step


@pytest.mark.parametrize("fwhm", [0.1, 0.25, 0.5])
def test_gaussian_fwhm_and_area(fwhm):
    X = np.zeros((1, 2001))
    X[0, 1000] = 5.0
    out = GaussianBroadening(fwhm=fwhm, step=0.01).fit_transform(X)
    assert measured_fwhm(out[0], 0.01) == pytest.approx(fwhm, rel=0.01)
    assert out.sum() == pytest.approx(5.0, rel=1e-6)


def test_normalizer_norms():
    X = np.array([[0.0, 3.0, 4.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(
        Normalizer("max").fit_transform(X), [[0, 0.75, 1], [0, 0, 0]]
    )
    np.testing.assert_allclose(
        Normalizer("area").fit_transform(X), [[0, 3 / 7, 4 / 7], [0, 0, 0]]
    )
    np.testing.assert_allclose(
        Normalizer("l2").fit_transform(X), [[0, 0.6, 0.8], [0, 0, 0]]
    )


@pytest.mark.parametrize("est", [GaussianBroadening(), Normalizer(), PeakExtractor()])
def test_nan_names_the_row(est):
    X = np.ones((4, 50))
    X[2, 7] = np.nan
    with pytest.raises(ValueError, match=r"row\(s\) \[2\]"):
        est.fit(X)
    est.fit(np.ones((4, 50)))
    X[2, 7] = np.inf
    with pytest.raises(ValueError, match=r"NaN or infinity in row\(s\) \[2\]"):
        est.transform(X)


@pytest.mark.parametrize("est", [GaussianBroadening(), Normalizer(), PeakExtractor()])
def test_wrong_width_at_transform(est):
    est.fit(np.ones((3, 50)))
    with pytest.raises(ValueError, match="has 49 features, but .* is expecting 50"):
        est.transform(np.ones((3, 49)))


def test_peak_extractor_positions_on_simulated_pattern(nacl):
    sim = CIFToPattern(input="structure")
    sticks = sim.transform([nacl])
    X = GaussianBroadening(fwhm=0.15).fit_transform(sticks)
    feats = PeakExtractor(n_peaks=4, sort_by="angle").fit_transform(X)[0]
    # the four lowest strong NaCl lines: (111) is weak, so among the 4 strongest
    # (200), (220), (222), (420)
    lam = 1.54184
    expected = [
        np.degrees(2 * np.arcsin(lam * np.sqrt(n) / (2 * 5.64))) for n in (4, 8, 12, 20)
    ]
    sticks_feats = PeakExtractor(n_peaks=4, sort_by="angle").fit_transform(sticks)[0]
    np.testing.assert_allclose(sticks_feats[:4], expected, atol=0.011)
    np.testing.assert_allclose(feats[:4], expected, atol=0.011)
    assert feats[4:].max() == 1.0


def test_peak_extractor_sub_bin_refinement():
    step = 0.02
    t = 5 + step * np.arange(500)
    true = 7.3337
    X = np.exp(-0.5 * ((t - true) / 0.05) ** 2)[None, :]
    pos = PeakExtractor(n_peaks=1).fit_transform(X)[0, 0]
    assert abs(pos - true) < 0.002  # a tenth of a bin


def test_peak_extractor_padding_and_order():
    X = np.zeros((2, 30))
    X[0, [3, 10, 20]] = [0.5, 1.0, 0.2]
    feats = PeakExtractor(n_peaks=5, two_theta_start=0, step=1).fit_transform(X)
    np.testing.assert_allclose(feats[0], [10, 3, 20, 0, 0, 1, 0.5, 0.2, 0, 0])
    np.testing.assert_allclose(
        feats[1], np.zeros(10)
    )  # an empty pattern is all padding
    by_angle = PeakExtractor(n_peaks=5, two_theta_start=0, step=1, sort_by="angle")
    np.testing.assert_allclose(by_angle.fit_transform(X)[0, :3], [3, 10, 20])


def test_min_height_drops_weak_peaks():
    X = np.zeros((1, 30))
    X[0, [5, 15]] = [1.0, 0.004]
    feats = PeakExtractor(
        n_peaks=2, two_theta_start=0, step=1, min_height=0.01
    ).fit_transform(X)
    np.testing.assert_allclose(feats[0], [5, 0, 1, 0])


def test_feature_names():
    names = PeakExtractor(n_peaks=2).get_feature_names_out()
    assert names.tolist() == [
        "peak_0_two_theta",
        "peak_1_two_theta",
        "peak_0_intensity",
        "peak_1_intensity",
    ]


def test_peaks_then_trees_on_plain_arrays():
    rng = np.random.default_rng(0)
    X = rng.random((40, 200))
    y = np.repeat(["cubic", "hexagonal"], 20)
    X[y == "cubic", 50] += 3  # a strong peak marks the class
    model = make_pipeline(PeakExtractor(), ExtraTreesClassifier(random_state=0)).fit(
        X, y
    )
    assert model.score(X, y) == 1.0
    assert set(model.predict(X)) <= {"cubic", "hexagonal"}
