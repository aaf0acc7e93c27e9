"""The shipped crystal-system model: artifact, safety checks, predictions."""

import json
import shutil

import numpy as np
import pytest
import skops.io as sio

from sklearn_xrd.pretrained import ARTIFACTS, load, load_metadata, predict_files
from sklearn_xrd.pretrained._artifact import (
    TRUSTED_TYPES,
    artifact_paths,
    load_artifact,
)
from sklearn_xrd.simulation import DEFAULT_GRID, grid
from sklearn_xrd.utils import CRYSTAL_SYSTEMS

METADATA_KEYS = {
    "package_version",
    "created",
    "classes",
    "grid",
    "recipe",
    "training_seconds",
    "temperature",
    "low_certainty_threshold",
    "low_certainty_rule",
    "calibration_scores",
    "trusted_types",
    "sha256",
    "size_bytes",
}


def _patterns(n, random_state=0):
    """``n`` patterns of random Gaussian peaks on the model grid."""
    rng = np.random.default_rng(random_state)
    x = grid(DEFAULT_GRID["two_theta_range"], DEFAULT_GRID["step"])
    X = np.zeros((n, x.size), dtype=np.float32)
    for row in X:
        for center, height in zip(rng.uniform(10, 85, 12), rng.uniform(5, 100, 12)):
            row += height * np.exp(-0.5 * ((x - center) / 0.06) ** 2)
    return X


@pytest.fixture(scope="module")
def model():
    return load("crystal-system")


@pytest.mark.parametrize("name", ARTIFACTS)
def test_artifact_is_small(name):
    model_path, _ = artifact_paths(name)
    assert model_path.stat().st_size <= 20 * 1024 * 1024


@pytest.mark.parametrize("name", ARTIFACTS)
def test_artifact_types_are_all_known_and_ours(name):
    model_path, _ = artifact_paths(name)
    metadata = load_metadata(name)
    untrusted = sio.get_untrusted_types(file=model_path)
    assert set(untrusted) <= set(metadata["trusted_types"])
    assert set(untrusted) <= TRUSTED_TYPES


@pytest.mark.parametrize("name", ARTIFACTS)
def test_conformal_calibration_is_named_and_complete(name):
    stored = load_metadata(name)["conformal"]
    assert "rruff_dev" in stored["source"] and "calibrate_sets.py" in stored["command"]
    assert len(stored["scores"]) == len(stored["labels"]) > 0
    assert all(0 <= v <= 1 for v in stored["scores"])


def test_space_group_model_agrees_with_its_crystal_systems():
    from sklearn_xrd.utils import crystal_system_from_space_group

    sg_model, metadata = load("space-group", return_metadata=True)
    head = sg_model[-1]
    assert metadata["classes"] == head.classes_.tolist()
    assert metadata["recipe"]["measured_data_used"] == "none"
    assert set(crystal_system_from_space_group(head.classes_)) == set(CRYSTAL_SYSTEMS)
    X = _patterns(4)
    features = sg_model[:-1].transform(X)
    proba = head.predict_proba(features)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    # each system's groups add up to the probability of that system
    systems = head.predict_system_proba(features)
    for j, system in enumerate(head.systems_):
        columns = head.class_system_ == system
        np.testing.assert_allclose(proba[:, columns].sum(axis=1), systems[:, j])
    # the crystal-system model's probabilities can take the first factor's place
    system_model = load("crystal-system")
    given = system_model.predict_proba(X)
    order = [str(c) for c in system_model.classes_]
    joint = head.predict_proba_given_system(features, given, systems=order)
    for j, system in enumerate(order):
        columns = head.class_system_ == system
        np.testing.assert_allclose(joint[:, columns].sum(axis=1), given[:, j])


def test_metadata():
    metadata = load_metadata("crystal-system")
    assert METADATA_KEYS <= set(metadata)
    recipe = metadata["recipe"]
    for key in ("seed", "n_per_class", "n_variants", "factory", "model"):
        assert key in recipe
    assert metadata["grid"]["n_points"] == 4251
    assert metadata["grid"]["two_theta_range"] == [5.0, 90.0]
    assert sorted(metadata["classes"]) == sorted(CRYSTAL_SYSTEMS)
    assert 0 <= metadata["low_certainty_threshold"] <= 1
    assert metadata["training_seconds"]["total"] > 0


def test_unknown_name():
    assert ARTIFACTS == ("crystal-system", "space-group")
    with pytest.raises(ValueError, match="unknown pretrained model"):
        load("space group")


def test_predictions_deterministic_and_calibrated(model):
    X = _patterns(6)
    proba = model.predict_proba(X)
    assert proba.shape == (6, len(CRYSTAL_SYSTEMS))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_array_equal(model.predict(X), model.classes_[proba.argmax(1)])
    again = load("crystal-system").predict_proba(X)
    np.testing.assert_allclose(proba, again, rtol=1e-12, atol=1e-15)
    assert model[-1].temperature_ > 0


def _copy_artifact(tmp_path):
    for path in artifact_paths("crystal-system"):
        shutil.copy(path, tmp_path / path.name)
    return artifact_paths("crystal-system", tmp_path)


def test_loader_refuses_types_not_on_the_list(tmp_path):
    _, metadata_path = _copy_artifact(tmp_path)
    metadata = json.loads(metadata_path.read_text())
    metadata["trusted_types"] = metadata["trusted_types"][1:]
    metadata_path.write_text(json.dumps(metadata))
    with pytest.raises(ValueError, match="not in its trusted list"):
        load_artifact("crystal-system", folder=tmp_path)


def test_loader_refuses_foreign_modules(tmp_path):
    _, metadata_path = _copy_artifact(tmp_path)
    metadata = json.loads(metadata_path.read_text())
    metadata["trusted_types"].append("os.system")
    metadata_path.write_text(json.dumps(metadata))
    with pytest.raises(ValueError, match="refusing to trust"):
        load_artifact("crystal-system", folder=tmp_path)


def test_loader_checks_the_checksum(tmp_path):
    model_path, _ = _copy_artifact(tmp_path)
    with open(model_path, "ab") as f:
        f.write(b"\0")
    with pytest.raises(ValueError, match="checksum"):
        load_artifact("crystal-system", folder=tmp_path)


def test_predict_files(tmp_path, model):
    x = np.arange(10.0, 80.0, 0.01)
    # the same d-spacings seen with Mo K-alpha: 2-theta shrinks
    y = sum(np.exp(-0.5 * ((x - p) / 0.05) ** 2) for p in (28.4, 47.3, 56.1, 69.1))
    cu = tmp_path / "cu.xy"
    np.savetxt(cu, np.c_[x, 100 * y], header="Cu Ka, lambda=1.5406 A")
    plain = tmp_path / "plain.xy"
    np.savetxt(plain, np.c_[x, 100 * y])
    results = predict_files([cu, plain], wavelength="CuKa", top_k=2, model=model)
    assert [r["file"] for r in results] == [str(cu), str(plain)]
    assert [r["wavelength_source"] for r in results] == ["option", "option"]
    assert results[0]["stated_wavelength"] == pytest.approx(1.5406)
    [own] = predict_files([cu], top_k=2, model=model)
    assert own["wavelength_source"] == "header"
    assert own["wavelength"] == pytest.approx(1.5406)
    for r in results:
        assert len(r["top_k"]) == 2
        assert r["top_k"][0][0] == r["prediction"]
        assert sum(r["probabilities"].values()) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="plain.xy: wavelength unknown"):
        predict_files([plain], model=model)
    [report] = predict_files([plain], model=model, errors="report")
    assert set(report) == {"file", "error"}


class _PeakSideModel:
    """Stand-in classifier: which half of the grid holds the strongest point."""

    classes_ = np.array(["cubic", "hexagonal"])

    def predict_proba(self, X):
        low = np.argmax(X, axis=1) < X.shape[1] // 2
        return np.where(low[:, None], [0.6, 0.4], [0.3, 0.7])


def test_predict_files_prior(tmp_path):
    x = np.arange(10.0, 80.0, 0.02)
    paths = []
    for i, peak in enumerate([30.0] * 36 + [70.0] * 4):
        paths.append(tmp_path / f"p{i}.xy")
        np.savetxt(paths[-1], np.c_[x, 100 * np.exp(-0.5 * ((x - peak) / 0.05) ** 2)])
    kw = {
        "wavelength": "CuKa",
        "model": _PeakSideModel(),
        "low_certainty_threshold": 0.5,
    }
    plain, none = predict_files(paths, return_prior=True, **kw)
    assert none is None and plain[0]["probabilities"]["cubic"] == pytest.approx(0.6)
    results, prior = predict_files(paths, prior="batch", return_prior=True, **kw)
    # nine in ten patterns lean cubic: the batch is mostly cubic
    assert prior["cubic"] > 0.8 and sum(prior.values()) == pytest.approx(1.0)
    mean = np.mean([[r["probabilities"][c] for c in prior] for r in results], axis=0)
    np.testing.assert_allclose(mean, list(prior.values()), atol=1e-6)  # EM fixed point
    assert results[0]["probabilities"]["cubic"] > 0.6
    results = predict_files(paths[:1], prior={"hexagonal": 3, "cubic": 1}, **kw)
    assert results[0]["probabilities"]["hexagonal"] == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="at least 30 readable files"):
        predict_files(paths[:29], prior="batch", **kw)
    with pytest.raises(ValueError, match=r"does not know: \['cubical'\]"):
        predict_files(paths[:1], prior={"cubical": 1}, **kw)
    for bad in ("minerals", np.array([0.5, 0.5])):
        with pytest.raises(ValueError, match="prior must be None, 'batch' or a dict"):
            predict_files(paths[:1], prior=bad, **kw)


def test_recipe_factory_is_recorded():
    from sklearn.pipeline import Pipeline

    from sklearn_xrd.pretrained._recipe import (
        FACTORY,
        FACTORY_PARAMS,
        build_model,
        describe_model,
    )

    model = build_model(random_state=0)
    assert isinstance(model, Pipeline)
    assert type(model[-1]).__name__ == "HistGradientBoostingClassifier"
    assert model[-1].max_iter == FACTORY_PARAMS["n_estimators"]
    json.dumps(describe_model(model))
    recipe = load_metadata()["recipe"]
    assert recipe["factory"] == FACTORY
    assert recipe["factory_params"]["n_estimators"] == FACTORY_PARAMS["n_estimators"]


def _write_artifact(folder, model_path, trusted):
    """A metadata file that matches ``model_path`` (its true SHA-256)."""
    import hashlib

    metadata = load_metadata()
    metadata["sha256"] = hashlib.sha256(model_path.read_bytes()).hexdigest()
    metadata["trusted_types"] = trusted
    (folder / "crystal-system.json").write_text(json.dumps(metadata))


def test_loader_refuses_a_type_that_runs_code(tmp_path):
    """A tampered folder whose JSON and hash agree, asking for a NumPy helper
    that calls ``exec``: an allowed module prefix, but not a trusted type."""
    from numpy.testing._private.utils import runstring
    from sklearn.preprocessing import FunctionTransformer

    model_path = tmp_path / "crystal-system.skops"
    sio.dump(FunctionTransformer(func=runstring), model_path)
    untrusted = sio.get_untrusted_types(file=model_path)
    assert "numpy.testing._private.utils.runstring" in untrusted
    _write_artifact(tmp_path, model_path, sorted(untrusted))
    with pytest.raises(ValueError, match="refusing to trust.*runstring"):
        load_artifact("crystal-system", folder=tmp_path)
    assert "numpy.testing._private.utils.runstring" not in TRUSTED_TYPES


def test_loader_refuses_a_file_that_is_not_skops(tmp_path):
    model_path = tmp_path / "crystal-system.skops"
    model_path.write_bytes(b"this is not a zip archive")
    _write_artifact(tmp_path, model_path, [])
    with pytest.raises(ValueError, match="not a skops model file"):
        load_artifact("crystal-system", folder=tmp_path)


def test_loader_checks_the_hash_before_opening(tmp_path, monkeypatch):
    model_path, _ = _copy_artifact(tmp_path)
    model_path.write_bytes(b"tampered")
    opened = []
    monkeypatch.setattr(sio, "get_untrusted_types", lambda **kw: opened.append(kw))
    monkeypatch.setattr(sio, "load", lambda *a, **kw: opened.append(a))
    with pytest.raises(ValueError, match="checksum"):
        load_artifact("crystal-system", folder=tmp_path)
    assert opened == []


def test_trusted_types_are_exact_and_importable():
    import importlib

    for name in TRUSTED_TYPES:
        module, _, attr = name.rpartition(".")
        assert isinstance(getattr(importlib.import_module(module), attr), type), name


def test_space_group_model_reuses_the_crystal_system_search(monkeypatch):
    from sklearn_xrd.models import sharing_search
    from sklearn_xrd.preprocessing import _indexing_features

    system_model, sg_model = load("crystal-system"), load("space-group")
    X = _patterns(3)
    own = sg_model[:-1].transform(X)  # its own search
    searched = []
    index_rows = _indexing_features._index_rows

    def counting(two_theta, *args):
        searched.append(len(two_theta))
        return index_rows(two_theta, *args)

    monkeypatch.setattr(_indexing_features, "_index_rows", counting)
    with sharing_search(system_model, sg_model):
        system_model.predict_proba(X)
        shared = sg_model[:-1].transform(X)
    assert searched == [3]  # one search served both models
    np.testing.assert_array_equal(shared, own)
    # outside the context each model searches again
    sg_model[:-1].transform(X)
    assert searched == [3, 3]
