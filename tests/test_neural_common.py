"""scikit-learn's common estimator checks for the network classifiers."""

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_xrd.neural import (
    BiLSTMClassifier,
    CNNClassifier,
    CNNLSTMClassifier,
    DenseClassifier,
    TransformerClassifier,
)
from sklearn_xrd.utils.estimator_checks import expected_failed_checks

# Tiny, fast settings: a few epochs of small networks, still able to fit the
# blobs of check_classifiers_train (accuracy > 0.83) on CPU: with these
# settings every network reaches >= 0.89 there for random_state 0 to 7.
COMMON = dict(
    max_epochs=5, lr=0.02, batch_size=16, dropout=0.0, device="cpu", random_state=0
)
TINY = {
    DenseClassifier: dict(hidden_units=8),
    CNNClassifier: dict(filters=4, kernel_size=3, n_pooled=2, hidden_units=8),
    CNNLSTMClassifier: dict(
        filters=8, kernel_size=3, sequence_length=2, lstm_units=8, hidden_units=8
    ),
    BiLSTMClassifier: dict(patch_size=4, lstm_units=8, hidden_units=8),
    TransformerClassifier: dict(
        patch_size=1, d_model=8, n_heads=2, n_layers=1, dim_feedforward=8
    ),
}


def _tiny(cls, **params):
    return cls(**{**COMMON, **TINY[cls], **params})


@pytest.fixture(autouse=True)
def _one_torch_thread():
    """Tiny networks run fastest on one thread; restore the setting after."""
    n_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n_threads)


@parametrize_with_checks(
    [_tiny(cls) for cls in TINY], expected_failed_checks=expected_failed_checks
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_grid_search_over_width_and_loss():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 10)).astype(np.float32)
    y = np.where(X[:, 0] + X[:, 1] > 0, "cubic", "hexagonal")
    search = GridSearchCV(
        _tiny(DenseClassifier),
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
