"""Model factories and predict_cell."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from sklearn_xrd.datasets import make_patterns, make_random_crystals
from sklearn_xrd.models import (
    CELL_KEYS,
    MODELS,
    PeakCleaner,
    downsample,
    make_frontend,
    make_indexing_model,
    make_model,
    make_peak_model,
    make_physics_model,
    predict_cell,
)
from sklearn_xrd.preprocessing import (
    CIFToPattern,
    GaussianBroadening,
    IndexingFeatures,
    find_pattern_peaks,
)
from sklearn_xrd.utils import CRYSTAL_SYSTEMS

N_BINS = 4251
FAST = {"n_estimators": 10, "n_jobs": 1}


@pytest.fixture(scope="module")
def tiny():
    crystals = make_random_crystals(2, max_atoms=12, random_state=0)
    patterns = make_patterns(crystals.data, n_variants=1, random_state=0)
    y = np.asarray(crystals.target)[patterns.source_index]
    return patterns.data, y


@pytest.fixture(scope="module")
def nacl_pattern(nacl):
    sticks = CIFToPattern(input="structure").transform([nacl])
    return GaussianBroadening(0.1).fit_transform(sticks)


def _factory_cases():
    cases = [(name, {}) for name in MODELS]
    cases.append(("physics", {"classifier": "hist_gradient_boosting", "peaks": False}))
    cases.append(("peaks", {"measured": False}))
    return cases


@pytest.mark.parametrize(("name", "kwargs"), _factory_cases())
def test_factory_fits_and_predicts(tiny, name, kwargs):
    X, y = tiny
    assert X.shape[1] == N_BINS
    model = make_model(name, random_state=0, **FAST, **kwargs)
    assert isinstance(model, Pipeline)
    assert [s for s, _ in model.steps] == ["frontend", "features", "classifier"]
    pred = model.fit(X, y).predict(X[:5])
    assert pred.shape == (5,)
    assert set(pred) <= set(CRYSTAL_SYSTEMS)
    assert model.predict_proba(X[:5]).shape == (5, len(set(y)))


@pytest.mark.parametrize("name", ["peaks", "qspace"])
def test_deterministic(tiny, name):
    X, y = tiny
    a = make_model(name, random_state=3, **FAST).fit(X, y).predict_proba(X)
    b = make_model(name, random_state=3, **FAST).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)


def test_clone_and_get_params():
    model = make_physics_model(random_state=7, n_jobs=2)
    params = model.get_params()
    assert params["classifier__random_state"] == 7
    assert params["features__indexing__n_jobs"] == 2
    assert params["frontend__smoother__window"] == 0.1
    assert params["frontend__cleaner__noise_factor"] == 10.0
    copy = clone(model).set_params(classifier__n_estimators=5)
    assert copy.get_params()["classifier__n_estimators"] == 5
    assert model.get_params()["classifier__n_estimators"] == 300
    assert [s for s, _ in make_frontend(False).steps] == ["normalizer"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_estimators": 0}, "n_estimators"),
        ({"n_jobs": "two"}, "n_jobs"),
        ({"classifier": "svm"}, "classifier"),
    ],
)
def test_bad_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_physics_model(**kwargs)


def test_make_model_unknown_name():
    with pytest.raises(ValueError, match="name must be one of"):
        make_model("cnn")


def test_downsample():
    X = np.arange(12.0).reshape(2, 6)
    np.testing.assert_array_equal(downsample(X, 4), [[3, 5], [9, 11]])
    with pytest.raises(ValueError, match="factor"):
        make_model("spectrum", factor=0)


def test_predict_cell_nacl(tiny, nacl_pattern):
    X, y = tiny
    model = make_indexing_model(random_state=0, **FAST).fit(X, y)
    cells = predict_cell(model, nacl_pattern)
    assert len(cells) == 1 and set(cells[0]) == set(CELL_KEYS)
    if cells[0]["crystal_system"] == "cubic":
        assert cells[0]["a"] == pytest.approx(5.64, rel=5e-3)
    # the cell of a given system, whatever the prediction
    cubic = predict_cell(model, nacl_pattern, ["cubic"])[0]
    assert cubic["lattice"] == "cubic"
    assert cubic["a"] == pytest.approx(5.64, rel=5e-3)
    assert cubic["alpha"] == pytest.approx(90)
    assert cubic["volume"] == pytest.approx(5.64**3, rel=1.5e-2)
    assert cubic["n_indexed"] > 5


def test_predict_cell_systems(nacl_pattern):
    X = np.repeat(nacl_pattern, 3, axis=0)
    indexer = make_frontend().fit(X)
    model = Pipeline([("frontend", indexer), ("indexing", IndexingFeatures())])
    cells = predict_cell(model, X, ["triclinic", "trigonal", "monoclinic"])
    assert [c["crystal_system"] for c in cells] == [
        "triclinic",
        "trigonal",
        "monoclinic",
    ]
    assert cells[0]["lattice"] is None and np.isnan(cells[0]["a"])
    assert cells[1]["lattice"] in ("rhombohedral", "hexagonal")
    assert cells[2]["lattice"] == "monoclinic"
    for c in cells[1:]:
        assert all(isinstance(c[k], float) for k in ("a", "b", "c", "volume"))


def test_predict_cell_without_indexing_step(tiny, nacl_pattern):
    X, y = tiny
    model = make_peak_model(random_state=0, **FAST).fit(X, y)
    cells = predict_cell(model, nacl_pattern)
    assert cells[0]["crystal_system"] in CRYSTAL_SYSTEMS


def test_predict_cell_bad_input(nacl_pattern):
    indexer = IndexingFeatures().fit(nacl_pattern)
    with pytest.raises(ValueError, match="2-D"):
        predict_cell(indexer, nacl_pattern[0], ["cubic"])
    with pytest.raises(ValueError, match="unknown crystal systems"):
        predict_cell(indexer, nacl_pattern, ["cubicle"])
    with pytest.raises(ValueError, match="shape"):
        predict_cell(indexer, nacl_pattern, ["cubic", "cubic"])
    with pytest.raises(ValueError, match="crystal_systems is required"):
        predict_cell(indexer, nacl_pattern)


def test_peak_cleaner_ignores_white_noise_extremes():
    # one line on white noise: peak to valley, the noise reaches about 7 of its
    # standard deviations somewhere in 4,000 bins, which must not pass as a peak
    x = np.arange(4000) * 0.02
    line = np.exp(-0.5 * ((x - 40.0) / 0.05) ** 2)
    found = []
    for seed in range(5):
        noise = 0.01 * np.random.default_rng(seed).normal(size=x.shape)
        Xt = PeakCleaner().fit_transform((line + noise)[None, :])
        peaks, _ = find_pattern_peaks(Xt, two_theta_start=0.0, n_peaks=50)
        found.append(peaks[np.isfinite(peaks)])
    for peaks in found:
        np.testing.assert_allclose(peaks, [40.0], atol=0.02)


def test_peak_cleaner_removes_noise(nacl_pattern):
    rng = np.random.default_rng(0)
    X = nacl_pattern / nacl_pattern.max() + 0.02 * rng.random(nacl_pattern.shape)
    Xt = PeakCleaner().fit_transform(X)
    assert Xt.shape == X.shape
    clean, _ = find_pattern_peaks(nacl_pattern, n_peaks=50)
    noisy, _ = find_pattern_peaks(X, n_peaks=50)
    found, _ = find_pattern_peaks(Xt, n_peaks=50)
    n_clean = np.isfinite(clean).sum()
    assert np.isfinite(noisy).sum() > 2 * n_clean
    found = found[np.isfinite(found)]
    assert n_clean - 2 <= len(found) <= n_clean  # weak lines may go, no noise
    distance = np.abs(found[:, None] - clean[0, :n_clean][None, :]).min(axis=1)
    assert distance.max() < 0.02  # degrees; the indexing tolerance is 0.03
    with pytest.raises(ValueError, match="prominence"):
        PeakCleaner(prominence=2.0).fit(X)
