"""Split-conformal prediction sets: the coverage they promise, where it holds."""

import numpy as np
import pytest

from sklearn_xrd.evaluation import ConformalSets, hinge_scores


def _noisy_model(n, rng, classes=4, skill=(2.0, 2.0, 2.0, 0.3)):
    """Labels and probabilities of a model that is good on some classes only."""
    y = rng.integers(0, classes, n)
    logits = rng.normal(size=(n, classes))
    logits[np.arange(n), y] += np.asarray(skill)[y]
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return y, proba


@pytest.mark.parametrize("coverage", [0.8, 0.9, 0.95])
@pytest.mark.parametrize("bins", ["class", None])
def test_sets_cover_at_least_the_stated_share(coverage, bins):
    rng = np.random.default_rng(0)
    classes = np.arange(4)
    y_cal, p_cal = _noisy_model(2000, rng)
    y, p = _noisy_model(20000, rng)
    in_set = (
        ConformalSets(bins).fit(p_cal, classes, y_cal).predict_set(p, classes, coverage)
    )
    covered = in_set[np.arange(len(y)), y].mean()
    # at least `coverage` on average over calibration sets; this one set of
    # 2,000 moves it by about 0.007 (one standard deviation)
    assert coverage - 0.02 <= covered <= coverage + 0.03
    assert in_set.sum(axis=1).mean() < len(classes)


def test_class_conditional_covers_the_hard_class_too():
    rng = np.random.default_rng(1)
    classes = np.arange(4)
    y_cal, p_cal = _noisy_model(4000, rng)
    y, p = _noisy_model(20000, rng)
    hard = y == 3  # the model is poor on class 3
    marginal = (
        ConformalSets(None).fit(p_cal, classes, y_cal).predict_set(p, classes, 0.9)
    )
    by_class = ConformalSets().fit(p_cal, classes, y_cal).predict_set(p, classes, 0.9)
    assert marginal[hard, 3].mean() < 0.85  # marginal sets miss the hard class
    assert by_class[hard, 3].mean() >= 0.88  # class-conditional ones do not


def test_mondrian_bins_by_a_function_of_the_label():
    rng = np.random.default_rng(2)
    classes = np.arange(4)
    y_cal, p_cal = _noisy_model(4000, rng)
    y, p = _noisy_model(20000, rng)
    pairs = ConformalSets(lambda labels: np.asarray(labels) // 2)
    in_set = pairs.fit(p_cal, classes, y_cal).predict_set(p, classes, 0.9)
    for pair in (0, 1):  # about 2,000 calibration patterns each: sd 0.007
        rows = y // 2 == pair
        assert in_set[rows, y[rows]].mean() >= 0.88


def test_a_class_without_calibration_is_always_in_the_set():
    proba = np.array([[0.9, 0.05, 0.05]])
    sets = ConformalSets().fit(np.tile(proba, (50, 1)), ["a", "b", "c"], ["a"] * 50)
    assert sets.predict_set(proba, ["a", "b", "c"], 0.9).tolist() == [
        [True, True, True]
    ]


def test_unknown_label_scores_one_and_bad_input_is_refused():
    assert hinge_scores([[0.6, 0.4]], [1, 2], [7]).tolist() == [1.0]
    sets = ConformalSets()
    with pytest.raises(ValueError, match="1-D of one non-zero length"):
        sets.fit_scores([0.1, 0.2], [1])
    with pytest.raises(ValueError, match="finite"):
        sets.fit_scores([np.nan], [1])
    sets.fit_scores([0.1, 0.2], [1, 1])
    with pytest.raises(ValueError, match=r"coverage must lie in \(0, 1\)"):
        sets.predict_set([[0.5, 0.5]], [1, 2], coverage=1.0)
    with pytest.raises(ValueError, match="2 columns for 3 classes"):
        sets.predict_set([[0.5, 0.5]], [1, 2, 3], coverage=0.9)
