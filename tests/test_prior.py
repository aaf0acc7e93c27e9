"""Tests for label-shift adjustment: Bayes' rule and the EM prior estimate."""

import numpy as np
import pytest
from scipy.stats import norm

from sklearn_xrd.evaluation import adjust_to_prior, estimate_prior

MEANS = np.array([0.0, 1.5, 3.0])


def _posterior(x, prior):
    """Exact class probabilities of 1-D unit Gaussians with these means."""
    joint = norm.pdf(x[:, None], MEANS[None, :]) * prior
    return joint / joint.sum(axis=1, keepdims=True)


def _batch(prior, n, seed):
    rng = np.random.default_rng(seed)
    y = rng.choice(len(prior), size=n, p=prior)
    return rng.normal(MEANS[y], 1.0), y


def test_adjust_to_prior_is_bayes_rule():
    x = np.linspace(-2, 5, 50)
    prior = np.array([0.6, 0.3, 0.1])
    adjusted = adjust_to_prior(_posterior(x, np.ones(3) / 3), prior)
    np.testing.assert_allclose(adjusted, _posterior(x, prior), rtol=1e-10)
    # from one non-uniform training prior to another
    back = adjust_to_prior(_posterior(x, prior), [1, 1, 1], training_prior=prior)
    np.testing.assert_allclose(back, _posterior(x, np.ones(3) / 3), rtol=1e-10)


def test_adjust_to_prior_uniform_is_identity_and_zero_rules_a_class_out():
    proba = _posterior(np.linspace(-1, 4, 7), np.ones(3) / 3)
    np.testing.assert_allclose(adjust_to_prior(proba, [2, 2, 2]), proba)
    out = adjust_to_prior(proba, [1, 1, 0])
    assert np.all(out[:, 2] == 0)
    np.testing.assert_allclose(out.sum(axis=1), 1.0)


@pytest.mark.parametrize("seed", [0, 1])
def test_estimate_prior_recovers_the_batch_frequencies(seed):
    true = np.array([0.6, 0.3, 0.1])
    x, y = _batch(true, 4000, seed)
    proba = _posterior(x, np.ones(3) / 3)  # a calibrated, balanced-trained model
    prior, adjusted, n_iter = estimate_prior(proba)
    assert np.max(np.abs(prior - true)) < 0.04
    assert 1 < n_iter < 1000
    np.testing.assert_allclose(adjusted.sum(axis=1), 1.0)
    before = np.mean(proba.argmax(axis=1) == y)
    after = np.mean(adjusted.argmax(axis=1) == y)
    assert after > before + 0.02


def test_estimate_prior_of_a_balanced_batch_stays_near_uniform():
    x, _ = _batch(np.ones(3) / 3, 3000, 2)
    prior, _, _ = estimate_prior(_posterior(x, np.ones(3) / 3))
    assert np.max(np.abs(prior - 1 / 3)) < 0.04


@pytest.mark.parametrize(
    "proba, prior, match",
    [
        ([0.5, 0.5], [1, 1], "2-D"),
        ([[0.5, 0.6]], [1, 1], "row 0 sums to 1.1"),
        ([[np.nan, 1.0]], [1, 1], "finite"),
        ([[0.5, 0.5]], [1, 1, 1], "one entry per class"),
        ([[0.5, 0.5]], [0, 0], "not all zero"),
        ([[0.5, 0.5]], [-1, 2], "non-negative"),
    ],
)
def test_adjust_to_prior_bad_input(proba, prior, match):
    with pytest.raises(ValueError, match=match):
        adjust_to_prior(proba, prior)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"max_iter": 0}, "max_iter"),
        ({"tol": 0.0}, "tol"),
        ({"training_prior": [1, 0]}, "positive for every class"),
    ],
)
def test_estimate_prior_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        estimate_prior([[0.5, 0.5]], **kwargs)
