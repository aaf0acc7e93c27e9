"""Training-only augmentation: each perturbation, determinism, pipelines."""

import math

import numpy as np
import pytest
from imblearn.pipeline import make_pipeline
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from sklearn_xrd.augmentation import (
    PatternAugmenter,
    add_amorphous_hump,
    add_background,
    add_gaussian_noise,
    add_impurity_peaks,
    add_poisson_noise,
    apply_strain,
    broaden_crystallite_size,
    displace_sample,
    march_dollase,
    modulate_intensities,
    shift_pattern,
)
from sklearn_xrd.simulation import WAVELENGTHS, grid

START, STEP = 5.0, 0.02
TWO_THETA = grid((5.0, 90.0), STEP)
N_BINS = len(TWO_THETA)
PERTURBATIONS = (
    "zero_shift",
    "sample_displacement",
    "strain",
    "crystallite_size",
    "preferred_orientation",
    "background",
    "amorphous_hump",
    "impurity_peaks",
    "poisson_noise",
    "gaussian_noise",
    "kalpha2",
)


def _index(angle):
    return int(round((angle - START) / STEP))


def _peaks(*angles, n_rows=1, fwhm=0.1):
    """Gaussian peaks of height 1 (FWHM ``fwhm``) at ``angles``."""
    X = np.zeros((n_rows, N_BINS))
    for angle in angles:
        X += np.exp(-4 * math.log(2) * ((TWO_THETA - angle) / fwhm) ** 2)
    return X


def _centroid(row, angle, half_width=1.0):
    near = np.abs(TWO_THETA - angle) <= half_width
    return (row[near] * TWO_THETA[near]).sum() / row[near].sum()


def _fwhm(profile, center):
    """Full width at half maximum of the peak at bin ``center``, interpolated."""
    half = profile[center] / 2
    right = center + np.argmax(profile[center:] < half)
    left = center - np.argmax(profile[center::-1] < half)
    x_right = (
        right - 1 + (profile[right - 1] - half) / (profile[right - 1] - profile[right])
    )
    x_left = left + 1 - (profile[left + 1] - half) / (profile[left + 1] - profile[left])
    return (x_right - x_left) * STEP


def _only(**ranges):
    """An augmenter with every perturbation off except ``ranges``."""
    params = dict.fromkeys(PERTURBATIONS)
    params.update(ranges)
    return PatternAugmenter(n_variants=1, keep_original=False, random_state=0, **params)


def _xy(n=4, seed=0):
    rng = np.random.default_rng(seed)
    X = _peaks(30.0, 50.0, n_rows=n) * rng.uniform(0.5, 2.0, (n, 1))
    return X, np.arange(n) % 2


def test_same_random_state_same_output_different_differs():
    X, y = _xy()
    a = PatternAugmenter(random_state=0).fit_resample(X, y)[0]
    b = PatternAugmenter(random_state=0).fit_resample(X, y)[0]
    c = PatternAugmenter(random_state=1).fit_resample(X, y)[0]
    assert_array_equal(a, b)
    assert not np.allclose(a[len(X) :], c[len(X) :])
    rs = np.random.RandomState(5)
    aug = PatternAugmenter(random_state=rs)
    assert not np.allclose(aug.fit_resample(X, y)[0], aug.fit_resample(X, y)[0])


@pytest.mark.parametrize("keep_original", [True, False])
def test_output_count_and_labels(keep_original):
    X, _ = _xy(n=5)
    y = np.array(["cubic", "hexagonal", "cubic", "triclinic", "trigonal"])
    aug = PatternAugmenter(n_variants=3, keep_original=keep_original, random_state=0)
    X_res, y_res = aug.fit_resample(X, y)
    n_out = 5 * (int(keep_original) + 3)
    assert X_res.shape == (n_out, N_BINS) and y_res.shape == (n_out,)
    expected = np.repeat(np.arange(5), 3)
    if keep_original:
        expected = np.concatenate([np.arange(5), expected])
        assert_array_equal(X_res[:5], X)
    assert_array_equal(aug.sample_indices_, expected)
    assert_array_equal(y_res, y[expected])


def test_continuous_and_multioutput_targets_are_repeated():
    X, _ = _xy(n=3)
    y = np.array([[1.0, 5.43], [2.0, 4.05], [3.0, 3.61]])
    _, y_res = PatternAugmenter(n_variants=2, random_state=0).fit_resample(X, y)
    assert_array_equal(y_res, y[[0, 1, 2, 0, 0, 1, 1, 2, 2]])


def test_no_output_raises():
    X, y = _xy()
    with pytest.raises(ValueError, match="no samples"):
        PatternAugmenter(n_variants=0, keep_original=False).fit_resample(X, y)


def test_zero_shift_of_0_2_degrees_moves_a_peak_10_bins():
    X = _peaks(40.0)
    X_res, _ = _only(zero_shift=(0.2, 0.2)).fit_resample(X, [0])
    assert np.argmax(X_res[0]) - np.argmax(X[0]) == 10
    assert_allclose(X_res[0, 10:], X[0, :-10], atol=1e-12)
    assert_allclose(shift_pattern(X, -0.2)[0, :-10], X[0, 10:], atol=1e-12)


def test_kalpha2_partner_at_bragg_angle_with_drawn_ratio():
    # one sharp line at 60 deg; its K-alpha2 partner follows Bragg's law with
    # lambda2 / lambda1 and carries the drawn fraction of the intensity
    X = _peaks(60.0, fwhm=0.05)
    X_res, _ = _only(kalpha2=(0.5, 0.5)).fit_resample(X, [0])
    theta2 = math.asin(
        WAVELENGTHS["CuKa2"] / WAVELENGTHS["CuKa1"] * math.sin(math.radians(30.0))
    )
    partner = math.degrees(2 * theta2)
    assert 0.15 < partner - 60.0 < 0.2
    extra = X_res[0] - X[0]
    peak = START + STEP * np.sum(np.arange(N_BINS) * extra) / extra.sum()
    assert abs(peak - partner) < 0.01
    assert_allclose(extra.sum(), 0.5 * X[0].sum(), rtol=1e-3)
    # scale restored: the strongest bin is unchanged (the pair is resolved)
    assert_allclose(X_res[0].max(), X[0].max(), rtol=0.02)


def test_kalpha2_needs_a_tube_line():
    X, y = _xy()
    with pytest.raises(ValueError, match="K-alpha tube line"):
        PatternAugmenter(wavelength=1.5406).fit_resample(X, y)
    out, _ = PatternAugmenter(wavelength=1.5406, kalpha2=None).fit_resample(X, y)
    assert out.shape == (5 * len(X), X.shape[1])


@pytest.mark.parametrize("strain", [-0.01, 0.005, 0.02])
def test_strain_moves_peaks_to_bragg_angle(strain):
    angles = [25.0, 60.0, 85.0]
    X = _peaks(*angles, fwhm=0.2)
    X_res, _ = _only(strain=(strain, strain)).fit_resample(X, [0])
    for out in (X_res[0], apply_strain(X, strain)[0]):
        for angle in angles:
            # d -> d (1 + e)
            expected = math.degrees(
                2 * math.asin(math.sin(math.radians(angle / 2)) / (1 + strain))
            )
            assert _centroid(out, expected) == pytest.approx(expected, abs=0.2 * STEP)


def test_sample_displacement_follows_cos_theta():
    angles = [15.0, 80.0]
    s, radius = 0.3, 200.0
    X = _peaks(*angles, fwhm=0.2)
    aug = _only(sample_displacement=(s, s))
    aug.set_params(goniometer_radius=radius)
    for out in (
        aug.fit_resample(X, [0])[0][0],
        displace_sample(X, s, goniometer_radius=radius)[0],
    ):
        for angle in angles:
            shift = math.degrees(-2 * s * math.cos(math.radians(angle / 2)) / radius)
            assert _centroid(out, angle + shift) == pytest.approx(
                angle + shift, abs=0.1 * STEP
            )


def test_crystallite_size_broadening_follows_scherrer():
    size = 15.0
    X = np.zeros((1, N_BINS))
    for angle in (20.0, 50.0, 80.0):
        X[0, _index(angle)] = 1.0
    Xb = broaden_crystallite_size(X, size, eta=0.0)[0]
    assert Xb.sum() == pytest.approx(3.0, rel=0.01)
    for angle in (20.0, 50.0, 80.0):
        expected = math.degrees(
            0.9 * WAVELENGTHS["CuKa"] / (10 * size * math.cos(math.radians(angle / 2)))
        )
        assert _fwhm(Xb, _index(angle)) == pytest.approx(expected, rel=0.005)
    # larger crystallites, narrower peaks; the augmenter draws within range
    narrow = broaden_crystallite_size(X, 100.0)[0]
    assert narrow.max() > 3 * Xb.max()
    out = _only(crystallite_size=(size, size)).fit_resample(X, [0])[0][0]
    assert np.argmax(out) in {_index(a) for a in (20.0, 50.0, 80.0)}
    assert (out >= out.max() / 2).sum() > 20


def test_gaussian_noise_has_the_right_variance():
    X = _peaks(40.0, n_rows=1) * 3.0  # maximum 3
    X_res, _ = _only(gaussian_noise=(0.01, 0.01)).fit_resample(X, [0])
    assert np.std(X_res[0] - X[0]) == pytest.approx(0.03, rel=0.05)
    assert abs(np.mean(X_res[0] - X[0])) < 0.003
    direct = add_gaussian_noise(np.full((2, 20000), 2.0), [0.01, 0.1], random_state=0)
    assert_allclose(direct.std(axis=1), [0.02, 0.2], rtol=0.03)


def test_poisson_noise_has_counting_variance():
    X = np.full((1, 20000), 4.0)
    X[0, 0] = 8.0  # maximum: 1000 counts there, 500 on the plateau
    X_res, _ = _only(poisson_noise=(1000.0, 1000.0)).fit_resample(X, [0])
    plateau = X_res[0, 1:]
    assert plateau.mean() == pytest.approx(4.0, rel=0.01)
    # std of 500 counts is sqrt(500), on a scale of 8 / 1000 per count
    assert plateau.std() == pytest.approx(math.sqrt(500) * 8 / 1000, rel=0.05)
    noisy = add_poisson_noise(X, 1000.0, random_state=0)
    assert_allclose(noisy * 1000 / 8, np.round(noisy * 1000 / 8))  # whole counts


def test_background_is_smooth_and_positive():
    X = np.zeros((1, N_BINS))
    X[0, _index(30.0)] = 1.0
    out = _only(background=(0.2, 0.2)).fit_resample(X, [0])[0][0]
    assert out.max() == pytest.approx(1.0)  # rescaled to the input's maximum
    assert out.min() > 0
    for rest in (out[: _index(30.0)], out[_index(30.0) + 1 :]):
        assert np.abs(np.diff(rest, 2)).max() < 1e-5  # smooth at the grid scale
    coef = np.random.default_rng(0).uniform(-1, 1, (5, 3))
    bg = add_background(np.ones((5, N_BINS)), 0.1, coef) - 1.0
    assert bg.min() > 0 and np.abs(np.diff(bg, 2, axis=1)).max() < 1e-5
    assert_allclose(bg.max(axis=1), 0.1)


def test_amorphous_hump_and_impurity_peaks():
    X = np.zeros((1, N_BINS))
    X[0, 0] = 1.0
    hump = add_amorphous_hump(X, 0.1, 25.0, 8.0)[0]
    assert np.argmax(hump[1:]) + 1 == _index(25.0)
    fwhm_bins = (hump[1:] >= 0.05).sum()
    assert fwhm_bins * STEP == pytest.approx(8.0, abs=2 * STEP)
    out = _only(amorphous_hump=(0.1, 0.1)).fit_resample(X, [0])[0][0]
    center = TWO_THETA[1 + np.argmax(out[1:])]
    assert 19.9 <= center <= 30.1  # d = 2.97-4.44 A with Cu K-alpha
    # impurities: 1 to 3 sharp peaks no higher than 5 % of the maximum
    imp = add_impurity_peaks(X, [[40.0, 70.0]], [[0.05, 0.0]])[0]
    assert imp[_index(40.0)] == pytest.approx(0.05) and imp[_index(70.0)] == 0
    aug = _only(impurity_peaks=(0.02, 0.05))
    aug.set_params(n_variants=20)
    outs = aug.fit_resample(np.repeat(X, 1, axis=0), [0])[0]
    for out in outs:
        extra = out[1:]
        n_peaks = ((extra[1:-1] > extra[:-2]) & (extra[1:-1] > extra[2:])).sum()
        assert 1 <= n_peaks <= 3
        assert extra.max() <= 0.05 + 1e-9 and extra.max() >= 0.02 - 1e-9


def test_preferred_orientation_modulates_heights_smoothly():
    X = _peaks(20.0, 50.0, 80.0)
    out = _only(preferred_orientation=(0.3, 0.3)).fit_resample(X, [0])[0][0]
    ratio = out[[_index(20.0), _index(50.0), _index(80.0)]]
    assert not np.allclose(ratio, ratio[0])  # relative heights changed
    assert out.max() == pytest.approx(1.0)
    assert_array_equal(np.argmax(out[: _index(35.0)]), _index(20.0))  # not moved
    factor = modulate_intensities(np.ones((1, N_BINS)), [[0.3, -0.15, 0.1]])[0]
    assert factor.min() > 0 and np.abs(np.diff(factor, 2)).max() < 1e-5


def test_march_dollase():
    lattice = 4.0 * np.eye(3)
    assert_allclose(march_dollase([[1, 1, 1], [1, 0, 0]], lattice, 1.0), 1.0)
    p = march_dollase([[0, 0, 1], [1, 0, 0], [1, 0, 1]], lattice, 0.7)
    assert_allclose(p[:2], [0.7**-3, 0.7**1.5])  # platelets: (001) enhanced
    # normalised: averages to 1 over all directions (uniform in cos(alpha))
    cos = np.linspace(0, 1, 20001)
    dirs = np.stack([np.sqrt(1 - cos**2), np.zeros_like(cos), cos], axis=1)
    assert np.trapezoid(march_dollase(dirs, np.eye(3), 0.6), cos) == pytest.approx(
        1.0, rel=1e-6
    )


def test_switching_one_off_leaves_that_aspect_unchanged():
    X = _peaks(30.0, 60.0, n_rows=3)
    y = [0, 1, 0]
    kw = dict(n_variants=2, random_state=7)
    no_shift = PatternAugmenter(
        zero_shift=None,
        sample_displacement=None,
        strain=None,
        poisson_noise=None,
        gaussian_noise=None,
        **kw,
    ).fit_resample(X, y)[0]
    for out in no_shift[3:]:  # every other perturbation on: peaks stay put
        assert abs(np.argmax(out[: _index(45.0)]) - _index(30.0)) <= 1
        assert abs(np.argmax(out[_index(45.0) :]) + _index(45.0) - _index(60.0)) <= 1
    # Separate streams: adding noise leaves the shifts drawn unchanged, so the
    # difference is the noise alone (a 0.01 deg shift would leave +-0.2 there).
    shifts = dict(zero_shift=(-0.1, 0.1), strain=(-0.01, 0.01))
    clean = _only(**shifts).fit_resample(X, y)[0]
    noisy = _only(**shifts, gaussian_noise=(0.001, 0.001)).fit_resample(X, y)[0]
    moved = [abs(np.argmax(a) - np.argmax(X[0])) for a in clean]
    assert max(moved) > 0
    assert np.abs(noisy - clean).max() < 0.006
    assert np.std(noisy - clean) == pytest.approx(0.001, rel=0.05)
    # all off: variants are exact copies
    assert_allclose(_only().fit_resample(X, y)[0], X)


def test_float32_in_float32_out():
    X, y = _xy()
    X_res, _ = PatternAugmenter(random_state=0).fit_resample(X.astype(np.float32), y)
    assert X_res.dtype == np.float32


def test_pipeline_augments_in_fit_only():
    rng = np.random.default_rng(0)
    n = 30
    X = np.vstack([_peaks(25.0 + i % 3, 40.0) for i in range(n)])
    X[n // 2 :] = np.vstack([_peaks(25.0 + i % 3, 45.0) for i in range(n // 2)])
    X += rng.uniform(0, 0.01, X.shape)
    y = np.repeat(["cubic", "tetragonal"], n // 2)
    X = X[:, ::10]  # a coarser grid keeps the classifier quick
    aug = PatternAugmenter(n_variants=2, step=0.2, random_state=0)
    pipe = make_pipeline(aug, LogisticRegression(max_iter=200)).fit(X, y)
    X_aug, y_aug = clone(aug).fit_resample(X, y)
    direct = LogisticRegression(max_iter=200).fit(X_aug, y_aug)
    assert_array_equal(pipe.predict(X), direct.predict(X))
    assert_allclose(pipe.predict_proba(X), direct.predict_proba(X))
    assert pipe.score(X, y) == direct.score(X, y)


def test_nan_raises_naming_the_row():
    X, y = _xy()
    X[1, 7] = np.nan
    with pytest.raises(ValueError, match=r"row\(s\) \[1\]"):
        PatternAugmenter().fit_resample(X, y)
    with pytest.raises(ValueError, match=r"row\(s\) \[1\]"):
        PatternAugmenter().fit(X, y)


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(zero_shift=(0.1, -0.1)), "low <= high"),
        (dict(crystallite_size=(0.0, 10.0)), "crystallite_size must have low > 0"),
        (dict(strain=(-1.0, 0.0)), "strain"),
        (dict(background=(1.0,)), "tuple of numbers"),
        (dict(wavelength="CuKz"), "unknown wavelength"),
    ],
)
def test_invalid_ranges_raise(params, match):
    X, y = _xy()
    with pytest.raises(ValueError, match=match):
        PatternAugmenter(**params).fit_resample(X, y)
