"""Peak-shape transformers: widths against Caglioti and Scherrer, K-alpha2."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from sklearn_xrd.preprocessing._profiles import (
    KAlpha2Doublet,
    PseudoVoigtProfile,
    caglioti_fwhm,
    scherrer_fwhm,
)
from sklearn_xrd.simulation import WAVELENGTHS, grid

START, STEP = 5.0, 0.02
TWO_THETA = grid((5.0, 90.0), STEP)
N_BINS = len(TWO_THETA)  # 4251


def _stick(*angles, n_rows=1):
    X = np.zeros((n_rows, N_BINS))
    for angle in angles:
        X[:, int(round((angle - START) / STEP))] = 1.0
    return X


def _index(angle):
    return int(round((angle - START) / STEP))


def _fwhm(profile, center):
    """Full width at half maximum of the peak at bin ``center``, interpolated."""
    half = profile[center] / 2
    right = center + np.argmax(profile[center:] < half)
    left = center - np.argmax(profile[center::-1] < half)
    # linear interpolation of the half-maximum crossing on each side
    x_right = (
        right - 1 + (profile[right - 1] - half) / (profile[right - 1] - profile[right])
    )
    x_left = left + 1 - (profile[left + 1] - half) / (profile[left + 1] - profile[left])
    return (x_right - x_left) * STEP


@pytest.mark.parametrize("eta", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("size_nm", [8.0, 20.0])
def test_fwhm_follows_scherrer(eta, size_nm):
    angles = [15.0, 40.0, 65.0, 85.0]
    X = np.vstack([_stick(angle) for angle in angles])  # one peak per row
    Xt = PseudoVoigtProfile(U=0, V=0, W=0, crystallite_size=size_nm, eta=eta)
    Xt = Xt.fit_transform(X)
    lam = WAVELENGTHS["CuKa"]
    for row, angle in zip(Xt, angles, strict=True):
        expected = math.degrees(
            0.9 * lam / (10 * size_nm * math.cos(math.radians(angle / 2)))
        )
        assert _fwhm(row, _index(angle)) == pytest.approx(expected, rel=0.01)
        assert np.argmax(row) == _index(angle)


def test_broad_profiles_use_a_dense_matrix():
    X = np.vstack([_stick(20.0), _stick(60.0) + 0.1])
    pv = PseudoVoigtProfile(W=0, crystallite_size=2.0).fit(X)  # FWHM 4-6 deg
    assert isinstance(pv.profile_matrix_, np.ndarray)
    sharp = PseudoVoigtProfile(W=0, crystallite_size=2.0, window=0.5).fit(X)
    assert not isinstance(sharp.profile_matrix_, np.ndarray)
    Xt = pv.transform(X)
    expected = math.degrees(0.9 * 1.54184 / (20 * math.cos(math.radians(10))))
    assert _fwhm(Xt[0], _index(20.0)) == pytest.approx(expected, rel=0.01)
    assert Xt[0].sum() == pytest.approx(1.0, rel=0.02)  # a little falls off-grid


def test_width_grows_as_one_over_cos_theta():
    pv = PseudoVoigtProfile(W=0, crystallite_size=10.0).fit(_stick(30.0))
    theta = np.radians(TWO_THETA) / 2
    assert_allclose(pv.fwhm_ * np.cos(theta), pv.fwhm_[0] * np.cos(theta[0]))
    assert_allclose(pv.fwhm_, scherrer_fwhm(TWO_THETA, 10.0))


def test_caglioti_only_widths():
    U, V, W = 0.1, -0.02, 0.02
    angles = [20.0, 50.0, 80.0]
    for angle in angles:
        tan = math.tan(math.radians(angle / 2))
        expected = math.sqrt(U * tan**2 + V * tan + W)
        Xt = PseudoVoigtProfile(U=U, V=V, W=W, eta=0.5).fit_transform(_stick(angle))
        assert _fwhm(Xt[0], _index(angle)) == pytest.approx(expected, rel=0.02)
    pv = PseudoVoigtProfile(U=U, V=V, W=W).fit(_stick(20.0))
    assert_allclose(pv.fwhm_, caglioti_fwhm(TWO_THETA, U, V, W))


def test_instrument_and_size_add_in_quadrature():
    pv = PseudoVoigtProfile(W=0.04, crystallite_size=15.0).fit(_stick(30.0))
    expected = np.sqrt(0.04 + scherrer_fwhm(TWO_THETA, 15.0) ** 2)
    assert_allclose(pv.fwhm_, expected)


def test_negative_caglioti_width_raises():
    with pytest.raises(ValueError, match="Caglioti"):
        PseudoVoigtProfile(U=0.0, V=-1.0, W=0.01).fit(_stick(30.0))


@pytest.mark.parametrize("eta", [0.0, 0.3, 1.0])
def test_area_is_conserved(eta):
    rng = np.random.default_rng(0)
    X = np.zeros((3, N_BINS))
    X[:, rng.integers(300, N_BINS - 300, 20)] = rng.random((3, 20))
    Xt = PseudoVoigtProfile(W=0.01, crystallite_size=30.0, eta=eta).fit_transform(X)
    assert_allclose(Xt.sum(axis=1), X.sum(axis=1), rtol=1e-10)
    assert Xt.min() >= 0


def test_eta_zero_is_gaussian_eta_one_is_lorentzian():
    center = _index(45.0)
    x = (np.arange(N_BINS) - center) * STEP
    fwhm = 0.2
    gauss = PseudoVoigtProfile(W=fwhm**2, eta=0.0).fit_transform(_stick(45.0))[0]
    lorentz = PseudoVoigtProfile(W=fwhm**2, eta=1.0).fit_transform(_stick(45.0))[0]
    near = np.abs(x) <= 5 * fwhm
    assert_allclose(
        gauss[near] / gauss.max(), np.exp(-4 * math.log(2) * (x[near] / fwhm) ** 2)
    )
    assert_allclose(lorentz[near] / lorentz.max(), 1 / (1 + 4 * (x[near] / fwhm) ** 2))
    # Lorentzian tails: 1 % of the maximum 5 FWHM out; the Gaussian has none.
    far = _index(45.0 + 5 * fwhm)
    assert lorentz[far] / lorentz.max() == pytest.approx(1 / 101)
    assert gauss[far] / gauss.max() < 1e-20


def test_zero_width_leaves_pattern_unchanged():
    rng = np.random.default_rng(1)
    X = rng.random((2, 50))
    assert_allclose(PseudoVoigtProfile(W=0.0).fit_transform(X), X)


def test_stick_and_dense_paths_agree():
    rng = np.random.default_rng(2)
    sticks = np.zeros((2, N_BINS))
    sticks[:, rng.integers(0, N_BINS, 30)] = 1.0
    pv = PseudoVoigtProfile(W=0.02, crystallite_size=25.0).fit(sticks)
    dense = sticks + 1e-3  # every bin non-zero: the dense product
    assert_allclose(
        pv.transform(sticks) + pv.transform(np.full_like(sticks, 1e-3)),
        pv.transform(dense),
        atol=1e-12,
    )


def test_preserves_float32():
    X = _stick(30.0).astype(np.float32)
    assert PseudoVoigtProfile().fit_transform(X).dtype == np.float32
    assert KAlpha2Doublet().fit_transform(X).dtype == np.float32


@pytest.mark.parametrize("angle", [20.0, 60.0, 85.0])
def test_doublet_splitting_follows_bragg(angle):
    X = _stick(angle)
    Xt = KAlpha2Doublet(ratio=0.5).fit_transform(X)[0]
    lam1, lam2 = WAVELENGTHS["CuKa1"], WAVELENGTHS["CuKa2"]
    theta1 = math.radians(_index(angle) * STEP + START) / 2
    expected = math.degrees(2 * math.asin(lam2 / lam1 * math.sin(theta1)))
    partner = Xt.copy()
    partner[_index(angle)] -= 1.0
    assert partner.sum() == pytest.approx(0.5)
    assert Xt[_index(angle)] == 1.0
    centroid = (partner * TWO_THETA).sum() / partner.sum()
    assert centroid == pytest.approx(expected, abs=1e-9)
    peak = TWO_THETA[np.argmax(partner)]
    assert abs(peak - expected) <= STEP
    assert expected - angle > STEP  # it really moved


def test_doublet_at_60_degrees():
    Xt = KAlpha2Doublet().fit_transform(_stick(60.0))[0]
    # 2 asin(1.54439 / 1.54056 * sin 30 deg) = 60.1648 deg: bins 2758-2759
    assert_array_equal(np.flatnonzero(Xt), [2750, 2758, 2759])
    assert Xt[2758] == pytest.approx(0.5 * (1 - 0.2411), abs=0.01)


def test_doublet_partners_off_grid_are_dropped():
    Xt = KAlpha2Doublet(ratio=0.5).fit_transform(_stick(89.98))
    assert Xt.sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    "estimator", [PseudoVoigtProfile(crystallite_size=20.0), KAlpha2Doublet()]
)
def test_sklearn_api_basics(estimator):
    cloned = clone(estimator)
    assert cloned.get_params() == estimator.get_params()
    assert "two_theta_start" in estimator.get_params()
    rng = np.random.default_rng(3)
    X = _stick(20.0, n_rows=20) * rng.random((20, 1))
    X[10:, _index(40.0)] = 1.0
    y = np.repeat([0, 1], 10)
    pipe = make_pipeline(clone(estimator), LogisticRegression()).fit(X, y)
    assert_array_equal(pipe.predict(X), y)
    assert_array_equal(cloned.fit(X).get_feature_names_out()[:2], ["x0", "x1"])


@pytest.mark.parametrize("estimator", [PseudoVoigtProfile(), KAlpha2Doublet()])
def test_nan_raises_naming_row(estimator):
    X = _stick(30.0, n_rows=3)
    X[2, 5] = np.nan
    with pytest.raises(ValueError, match=r"row\(s\) \[2\]"):
        estimator.fit(X)
    estimator.fit(_stick(30.0))
    with pytest.raises(ValueError, match=r"row\(s\) \[2\]"):
        estimator.transform(X)


def test_grid_beyond_180_degrees_raises():
    with pytest.raises(ValueError, match="inside"):
        PseudoVoigtProfile(two_theta_start=170.0, step=1.0).fit(np.ones((1, 20)))
