"""Contracts of the network classifiers and of the focal loss."""

import inspect
import io
import pickle

import joblib
import numpy as np
import pytest
import torch
from numpydoc.docscrape import ClassDoc
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.utils.class_weight import compute_class_weight

from sklearn_xrd.neural import (
    BiLSTMClassifier,
    CNNClassifier,
    CNNLSTMClassifier,
    DenseClassifier,
    FocalLoss,
    TransformerClassifier,
)

CLASSIFIERS = [
    DenseClassifier,
    CNNClassifier,
    CNNLSTMClassifier,
    BiLSTMClassifier,
    TransformerClassifier,
]

# Small networks and few epochs: the contracts do not need accuracy.
COMMON = dict(max_epochs=2, lr=0.01, batch_size=16, device="cpu", random_state=0)
TINY = {
    DenseClassifier: dict(hidden_units=6),
    CNNClassifier: dict(filters=(3, 4), kernel_size=5, n_pooled=3, hidden_units=6),
    CNNLSTMClassifier: dict(
        filters=3, kernel_size=5, sequence_length=4, lstm_units=5, hidden_units=6
    ),
    BiLSTMClassifier: dict(patch_size=8, lstm_units=4, hidden_units=6),
    TransformerClassifier: dict(
        patch_size=8, d_model=6, n_heads=2, n_layers=1, dim_feedforward=8
    ),
}
SYSTEMS = np.array(["cubic", "hexagonal", "tetragonal"])


def _tiny(cls, **params):
    return cls(**{**COMMON, **TINY[cls], **params})


def _data(n_samples=30, n_features=40, seed=0):
    """Patterns whose class sets where a bump sits, with string labels."""
    rng = np.random.default_rng(seed)
    codes = np.arange(n_samples) % len(SYSTEMS)
    X = rng.normal(scale=0.1, size=(n_samples, n_features))
    centre = ((codes + 1) * n_features) // (len(SYSTEMS) + 1)
    X[np.arange(n_samples), centre] += 1.0
    return X, SYSTEMS[codes]


pytestmark = pytest.mark.usefixtures("one_torch_thread")


# -- FocalLoss ----------------------------------------------------------------


def _focal_numpy(logits, target, alpha, gamma):
    """FL = -alpha_t (1 - p_t)^gamma log(p_t), per sample, by hand."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    pt = p[np.arange(len(target)), target]
    alpha_t = np.ones_like(pt) if alpha is None else np.asarray(alpha)[target]
    return -alpha_t * (1 - pt) ** gamma * np.log(pt)


@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0, 5.0])
@pytest.mark.parametrize("alpha", [None, [0.25, 1.0, 2.0, 0.5]])
def test_focal_loss_matches_formula(alpha, gamma):
    rng = np.random.default_rng(1)
    logits = rng.normal(scale=3.0, size=(50, 4))
    target = rng.integers(0, 4, size=50)
    expected = _focal_numpy(logits, target, alpha, gamma)
    criterion = FocalLoss(alpha=alpha, gamma=gamma, reduction="none")
    got = criterion(torch.tensor(logits), torch.tensor(target)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    mean = FocalLoss(alpha=alpha, gamma=gamma)(
        torch.tensor(logits), torch.tensor(target)
    )
    np.testing.assert_allclose(float(mean), expected.mean(), rtol=1e-5)
    total = FocalLoss(alpha=alpha, gamma=gamma, reduction="sum")(
        torch.tensor(logits), torch.tensor(target)
    )
    np.testing.assert_allclose(float(total), expected.sum(), rtol=1e-5)


def test_focal_loss_gamma_zero_is_cross_entropy():
    torch.manual_seed(0)
    logits = torch.randn(64, 7) * 4
    target = torch.randint(0, 7, (64,))
    focal = FocalLoss(alpha=None, gamma=0.0)(logits, target)
    torch.testing.assert_close(focal, torch.nn.functional.cross_entropy(logits, target))


def test_focal_loss_down_weights_easy_samples():
    logits = torch.tensor([[5.0, 0.0], [0.0, 0.5]])
    target = torch.tensor([0, 0])
    ce = FocalLoss(gamma=0.0, reduction="none")(logits, target)
    fl = FocalLoss(gamma=2.0, reduction="none")(logits, target)
    # the easy sample loses far more of its weight than the hard one
    assert fl[0] / ce[0] < 1e-3 < 0.1 < fl[1] / ce[1] < 1.0


def test_focal_loss_balanced_uses_batch_frequencies():
    rng = np.random.default_rng(2)
    logits = rng.normal(size=(12, 3))
    target = np.array([0] * 8 + [1] * 3 + [2])
    alpha = compute_class_weight("balanced", classes=np.arange(3), y=target)
    expected = _focal_numpy(logits, target, alpha, 2.0).mean()
    got = FocalLoss(alpha="balanced")(torch.tensor(logits), torch.tensor(target))
    np.testing.assert_allclose(float(got), expected, rtol=1e-5)


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(gamma=-1.0), "gamma"),
        (dict(gamma=float("nan")), "gamma"),
        (dict(alpha="uniform"), "alpha"),
        (dict(alpha=[1.0, -1.0]), "non-negative"),
        (dict(alpha=[[1.0, 2.0]]), "1-D"),
        (dict(reduction="max"), "reduction"),
    ],
)
def test_focal_loss_rejects_bad_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        FocalLoss(**params)


def test_focal_loss_alpha_must_match_classes():
    with pytest.raises(ValueError, match="3 class weights"):
        FocalLoss(alpha=[1.0, 1.0, 1.0])(torch.zeros(2, 4), torch.tensor([0, 1]))


# -- classifiers --------------------------------------------------------------


@pytest.mark.parametrize("cls", CLASSIFIERS)
@pytest.mark.parametrize("loss", ["cross_entropy", "focal"])
def test_predict_proba_sums_to_one_and_predict_returns_labels(cls, loss):
    X, y = _data()
    clf = _tiny(cls, loss=loss, class_weight="balanced").fit(X, y)
    assert clf.classes_.tolist() == SYSTEMS.tolist()
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 3)
    assert (proba >= 0).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    y_pred = clf.predict(X)
    assert set(y_pred) <= set(SYSTEMS)
    np.testing.assert_array_equal(y_pred, SYSTEMS[proba.argmax(axis=1)])


def test_dense_classifier_learns_string_labels():
    X, y = _data(n_samples=60)
    clf = DenseClassifier(hidden_units=16, max_epochs=30, lr=0.01, random_state=0)
    clf.fit(X, y)
    assert clf.score(X, y) == 1.0


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_transform_is_the_penultimate_layer(cls):
    X, y = _data()
    clf = _tiny(cls).fit(X, y)
    features = clf.transform(X)
    module = clf.net_.module_
    assert features.shape == (len(X), module.head.in_features)
    assert features.dtype == np.float32
    # the head applied to the features gives the probabilities of predict_proba
    with torch.no_grad():
        logits = module.head(torch.from_numpy(features))
    np.testing.assert_allclose(
        torch.softmax(logits, dim=-1).numpy(), clf.predict_proba(X), atol=1e-6
    )
    names = clf.get_feature_names_out()
    assert len(names) == features.shape[1]
    assert names[0] == f"{cls.__name__.lower()}0"


def test_history_without_validation():
    X, y = _data()
    clf = _tiny(DenseClassifier, max_epochs=3).fit(X, y)
    assert clf.n_iter_ == 3
    assert [row["epoch"] for row in clf.history_] == [1, 2, 3]
    for row in clf.history_:
        assert set(row) == {"epoch", "train_loss", "duration"}
        assert isinstance(row["train_loss"], float)


def test_history_with_validation_fraction():
    X, y = _data(n_samples=60)
    clf = _tiny(DenseClassifier, max_epochs=3, validation_fraction=0.2).fit(X, y)
    assert clf.n_iter_ == 3
    for row in clf.history_:
        assert set(row) == {
            "epoch",
            "train_loss",
            "valid_loss",
            "valid_accuracy",
            "duration",
        }
        assert 0.0 <= row["valid_accuracy"] <= 1.0
        # 12 of 60 samples held out: accuracy is a multiple of 1/12
        assert round(row["valid_accuracy"] * 12, 6).is_integer()


def test_early_stopping_stops_and_restores_the_best_epoch():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 20))
    y = rng.integers(0, 2, size=80)  # noise: the validation loss soon rises
    clf = DenseClassifier(
        hidden_units=64, max_epochs=200, lr=0.05, early_stopping=3, random_state=0
    ).fit(X, y)
    assert clf.n_iter_ < 200
    losses = [row["valid_loss"] for row in clf.history_]
    # skorch's EarlyStopping counts an improvement below 1e-4 (relative) as none
    best, best_loss = 0, np.inf
    for epoch, loss in enumerate(losses):
        if loss < best_loss * (1 - 1e-4):
            best, best_loss = epoch, loss
    assert clf.n_iter_ == best + 1 + 3
    # the weights of the best epoch are back: its validation loss again
    split = clf.net_.train_split
    _, valid = split(clf.net_.get_dataset(X.astype(np.float32), y), y)
    idx = valid.indices
    proba = clf.predict_proba(X[idx])
    codes = np.searchsorted(clf.classes_, y[idx])
    valid_loss = -np.log(proba[np.arange(len(idx)), codes]).mean()
    np.testing.assert_allclose(valid_loss, losses[best], rtol=1e-4)


def test_early_stopping_split_is_seeded_and_stratified():
    X, y = _data(n_samples=60)
    clf = _tiny(DenseClassifier, early_stopping=5, validation_fraction=0.3).fit(X, y)
    split = clf.net_.train_split
    assert split.stratified
    _, valid = split(clf.net_.get_dataset(X.astype(np.float32)), np.arange(60) % 3)
    counts = np.bincount(np.arange(60)[valid.indices] % 3)
    np.testing.assert_array_equal(counts, [6, 6, 6])
    again = _tiny(DenseClassifier, early_stopping=5, validation_fraction=0.3)
    again.fit(X, y)
    assert again.net_.train_split.random_state == split.random_state


def test_parameter_count_and_size():
    X, y = _data(n_features=40)
    clf = _tiny(DenseClassifier, hidden_units=(6, 5)).fit(X, y)
    expected = (40 * 6 + 6) + (6 * 5 + 5) + (5 * 3 + 3)
    assert clf.n_parameters_ == expected
    assert clf.model_size_bytes_ == 4 * expected


def test_small_cnn_lstm_is_75_kib_for_seven_classes_at_any_width():
    sizes = set()
    for width in (7, 500):
        X = np.random.default_rng(0).random((14, width))
        clf = CNNLSTMClassifier.small(max_epochs=1, random_state=0, device="cpu")
        clf.fit(X, np.arange(14) % 7)
        sizes.add((clf.n_parameters_, clf.model_size_bytes_))
    assert len(sizes) == 1
    n_parameters, size = sizes.pop()
    assert round(size / 1024) == 75
    assert size == 4 * n_parameters
    assert clone(CNNLSTMClassifier.small()).get_params()["lstm_units"] == 42
    assert CNNLSTMClassifier.small(lstm_units=8).lstm_units == 8


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_same_random_state_same_predictions(cls):
    X, y = _data()
    params = dict(early_stopping=2, validation_fraction=0.3, max_epochs=3)
    state = torch.random.get_rng_state()
    first = _tiny(cls, **params).fit(X, y).predict_proba(X)
    # fit and predict leave torch's global generator as they found it
    torch.testing.assert_close(torch.random.get_rng_state(), state)
    second = _tiny(cls, **params).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)
    other = _tiny(cls, **{**params, "random_state": 1}).fit(X, y).predict_proba(X)
    assert not np.allclose(first, other)


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_pickle_and_joblib_round_trip(cls):
    X, y = _data()
    clf = _tiny(cls, loss="focal").fit(X, y)
    expected = clf.predict_proba(X)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), expected)
    np.testing.assert_array_equal(restored.predict(X), clf.predict(X))
    buffer = io.BytesIO()
    joblib.dump(clf, buffer)
    buffer.seek(0)
    np.testing.assert_array_equal(joblib.load(buffer).predict_proba(X), expected)


@pytest.mark.parametrize("cls", CLASSIFIERS)
@pytest.mark.parametrize("width", [7, 40, 3000])
def test_any_input_width(cls, width):
    X, y = _data(n_samples=12, n_features=width)
    clf = _tiny(cls, max_epochs=1).fit(X, y)
    assert clf.n_features_in_ == width
    assert clf.predict_proba(X).shape == (12, 3)
    assert clf.transform(X[:2]).shape[0] == 2
    with pytest.raises(ValueError, match=f"expecting {width} features"):
        clf.predict(X[:, :-1])


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_single_sample_raises_value_error(cls):
    X, y = _data()
    with pytest.raises(ValueError, match="1 sample"):
        _tiny(cls).fit(X[:1], y[:1])


def test_single_class_raises_value_error():
    X, _ = _data()
    with pytest.raises(ValueError, match="at least 2 classes"):
        _tiny(DenseClassifier).fit(X, np.full(len(X), "cubic"))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_patterns_raise(bad):
    X, y = _data()
    X_bad = X.copy()
    X_bad[4, 3] = bad
    with pytest.raises(ValueError, match=r"row\(s\) \[4\]"):
        _tiny(DenseClassifier).fit(X_bad, y)
    clf = _tiny(DenseClassifier).fit(X, y)
    for method in (clf.predict, clf.predict_proba, clf.transform):
        with pytest.raises(ValueError, match=r"row\(s\) \[4\]"):
            method(X_bad)


def test_class_weight_reaches_the_criterion():
    X, y = _data(n_samples=40)
    y = np.where(np.arange(40) < 30, "cubic", "hexagonal")
    balanced = compute_class_weight("balanced", classes=SYSTEMS[:2], y=y)
    clf = _tiny(DenseClassifier, class_weight="balanced").fit(X, y)
    np.testing.assert_allclose(clf.net_.criterion_.weight.numpy(), balanced)
    clf = _tiny(DenseClassifier, class_weight={"hexagonal": 3.0}).fit(X, y)
    np.testing.assert_allclose(clf.net_.criterion_.weight.numpy(), [1.0, 3.0])
    clf = _tiny(DenseClassifier, loss="focal", class_weight="balanced", focal_gamma=1)
    clf.fit(X, y)
    assert isinstance(clf.net_.criterion_, FocalLoss)
    assert clf.net_.criterion_.gamma == 1.0
    np.testing.assert_allclose(clf.net_.criterion_.alpha.numpy(), balanced)
    clf = _tiny(DenseClassifier, loss="focal").fit(X, y)
    assert clf.net_.criterion_.alpha is None


def test_class_weight_with_unknown_label_raises():
    X, y = _data()
    with pytest.raises(ValueError, match="not in y"):
        _tiny(DenseClassifier, class_weight={"triclinic": 2.0}).fit(X, y)


@pytest.mark.parametrize(
    "cls, params, match",
    [
        (DenseClassifier, dict(hidden_units=(8, 0)), "positive integers"),
        (CNNClassifier, dict(filters=(4, 2.5)), "positive integers"),
        (TransformerClassifier, dict(d_model=6, n_heads=4), "multiple of"),
    ],
)
def test_bad_architecture_raises_value_error(cls, params, match):
    X, y = _data()
    with pytest.raises(ValueError, match=match):
        _tiny(cls, **params).fit(X, y)


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here")
def test_cuda_without_cuda_raises():
    X, y = _data()
    with pytest.raises(ValueError, match="CUDA is not available"):
        _tiny(DenseClassifier, device="cuda").fit(X, y)
    assert _tiny(DenseClassifier, device="auto").fit(X, y).net_.device == "cpu"


def test_fit_leaves_torch_threads_alone():
    X, y = _data()
    before = torch.get_num_threads()
    _tiny(CNNClassifier).fit(X, y)
    assert torch.get_num_threads() == before


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_docstring_documents_every_parameter(cls):
    documented = [p.name for p in ClassDoc(cls)["Parameters"]]
    signature = list(inspect.signature(cls).parameters)
    assert documented == signature
    attributes = {p.name for p in ClassDoc(cls)["Attributes"]}
    assert {"classes_", "net_", "history_", "n_parameters_"} <= attributes


def test_grid_search_over_width_and_loss():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 10)).astype(np.float32)
    y = np.where(X[:, 0] + X[:, 1] > 0, "cubic", "hexagonal")
    # settings that fit the sum of two features (the common checks' networks)
    dense = DenseClassifier(
        max_epochs=5,
        lr=0.02,
        batch_size=16,
        dropout=0.0,
        device="cpu",
        random_state=0,
        hidden_units=8,
    )
    search = GridSearchCV(
        dense,
        {"hidden_units": [2, 8], "loss": ["cross_entropy", "focal"]},
        cv=2,
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert search.best_params_["hidden_units"] in (2, 8)
    assert search.best_estimator_.classes_.tolist() == ["cubic", "hexagonal"]
    assert (
        search.best_estimator_.net_.module_.head.in_features
        == (search.best_params_["hidden_units"])
    )
    assert search.score(X, y) > 0.8
