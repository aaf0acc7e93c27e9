"""scikit-learn's common estimator checks over every estimator of the package.

Estimators are discovered from the subpackages' ``__all__``; what is skipped
or expected to fail is listed, with its reason, in
:mod:`sklearn_xrd.utils.estimator_checks`.
"""

import importlib
import inspect
import pkgutil

import numpy as np
import pytest
from imblearn.utils.estimator_checks import estimator_checks_generator
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.estimator_checks import (
    check_estimator_cloneable,
    check_estimator_repr,
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
    parametrize_with_checks,
)

import sklearn_xrd
from sklearn_xrd.utils.estimator_checks import (
    EXCLUDED_ESTIMATORS,
    expected_failed_checks,
    expected_failed_sampler_checks,
)

#: Every family of the package, a new one included.
SUBPACKAGES = [m.name for m in pkgutil.iter_modules(sklearn_xrd.__path__) if m.ispkg]


def discover_estimators():
    """Every scikit-learn estimator class in a subpackage's ``__all__``."""
    found = {}
    for sub in SUBPACKAGES:
        module = importlib.import_module(f"sklearn_xrd.{sub}")
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) and issubclass(obj, BaseEstimator):
                found[name] = obj
    return found


ESTIMATORS = discover_estimators()


class _FirstCharacter:
    """Parents of the labels of the checks (0, 1, 2 or "one", "two", ...).

    A class with a fixed repr: test ids hold the estimator's repr, which
    must be the same in every pytest-xdist worker (a function's holds its
    address).
    """

    def __call__(self, y):
        return np.asarray([str(v)[:1] for v in y], dtype=object)

    def __repr__(self):
        return "first_character"


# Tiny, fast networks: a few epochs of small networks, still able to fit the
# blobs of check_classifiers_train (accuracy > 0.83) on CPU: with these
# settings every network reaches >= 0.89 there for random_state 0 to 7.
NETWORK = dict(
    max_epochs=5, lr=0.02, batch_size=16, dropout=0.0, device="cpu", random_state=0
)
#: Parameters of the instances checked, by class name (several settings where
#: a class has modes); the defaults where a class is not named.
INIT_PARAMS = {
    "GaussianBroadening": [{}, dict(fwhm=0.3, step=0.05)],
    "Normalizer": [dict(norm=norm) for norm in ("max", "area", "l2")],
    "PeakExtractor": [dict(n_peaks=3), dict(n_peaks=5, sort_by="angle")],
    "BackgroundRemover": [{}, dict(method="als", als_lambda=1e2)],
    "QSpacePeaks": [dict(n_peaks=4)],
    "IndexingFeatures": [
        dict(n_peaks=5, systems=("cubic", "tetragonal")),
        dict(n_peaks=5, systems=("tetragonal", "monoclinic"), contrasts=True),
    ],
    "PatternAugmenter": [dict(random_state=0)],
    "ExtinctionFeatures": [dict(n_peaks=5, systems=("cubic", "monoclinic"))],
    "HierarchicalSpaceGroupClassifier": [
        dict(estimator=DecisionTreeClassifier(random_state=0), parent=_FirstCharacter())
    ],
    "TemperatureScaledClassifier": [dict(estimator=LogisticRegression(), cv=3)],
    "DenseClassifier": [dict(NETWORK, hidden_units=8)],
    "CNNClassifier": [
        dict(NETWORK, filters=4, kernel_size=3, n_pooled=2, hidden_units=8)
    ],
    "CNNLSTMClassifier": [
        dict(
            NETWORK,
            filters=8,
            kernel_size=3,
            sequence_length=2,
            lstm_units=8,
            hidden_units=8,
        )
    ],
    "BiLSTMClassifier": [dict(NETWORK, patch_size=4, lstm_units=8, hidden_units=8)],
    "TransformerClassifier": [
        dict(NETWORK, patch_size=1, d_model=8, n_heads=2, n_layers=1, dim_feedforward=8)
    ],
}


def _instances(names):
    for name in names:
        for params in INIT_PARAMS.get(name, [{}]):
            yield ESTIMATORS[name](**params)


CHECKED = sorted(set(ESTIMATORS) - set(EXCLUDED_ESTIMATORS))
SAMPLERS = [name for name in CHECKED if hasattr(ESTIMATORS[name], "fit_resample")]


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_every_estimator_is_found():
    # the families' estimators, as listed when this test was written
    assert {
        "BackgroundRemover",
        "BiLSTMClassifier",
        "CIFToPattern",
        "CNNClassifier",
        "CNNLSTMClassifier",
        "DenseClassifier",
        "ExtinctionFeatures",
        "GaussianBroadening",
        "HierarchicalSpaceGroupClassifier",
        "IndexingFeatures",
        "KAlpha2Doublet",
        "KAlpha2Stripper",
        "Normalizer",
        "PatternAugmenter",
        "PatternResampler",
        "PeakCleaner",
        "PeakExtractor",
        "PseudoVoigtProfile",
        "QSpacePeaks",
        "Smoother",
        "TemperatureScaledClassifier",
        "TransformerClassifier",
    } <= set(ESTIMATORS)
    # every exclusion names an estimator that exists, and gives a reason
    assert set(EXCLUDED_ESTIMATORS) <= set(ESTIMATORS)
    assert all(reason.strip() for reason in EXCLUDED_ESTIMATORS.values())
    assert set(INIT_PARAMS) <= set(CHECKED)
    assert SAMPLERS == ["PatternAugmenter"]


@parametrize_with_checks(
    list(_instances(CHECKED)), expected_failed_checks=expected_failed_checks
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


DATA_FREE_CHECKS = (
    check_estimator_cloneable,
    check_estimator_repr,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_get_params_invariance,
    check_set_params,
)


@pytest.mark.parametrize("check", DATA_FREE_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("name", sorted(EXCLUDED_ESTIMATORS))
def test_excluded_estimators_pass_the_data_free_checks(name, check):
    check(name, ESTIMATORS[name]())


def _check_id(obj):
    return getattr(getattr(obj, "func", obj), "__name__", type(obj).__name__)


# imblearn's own parametrize_with_checks hands pytest a generator (deprecated).
@pytest.mark.parametrize(
    "estimator, check",
    [
        pair
        for estimator in _instances(SAMPLERS)
        for pair in estimator_checks_generator(
            estimator,
            expected_failed_checks=expected_failed_sampler_checks(estimator),
            mark="xfail",
        )
    ],
    ids=_check_id,
)
def test_imblearn_compatible(estimator, check):
    check(estimator)
