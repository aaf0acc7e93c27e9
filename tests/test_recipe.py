"""The training recipe's pieces that do not need the 41,000 structures."""

import numpy as np
import pytest
from sklearn.utils import Bunch

from sklearn_xrd.pretrained._recipe import (
    block_weights,
    real_block_key,
    select_structures,
    threshold_on_measured,
)
from sklearn_xrd.utils import CRYSTAL_SYSTEMS


def _collection(approximated):
    n = len(approximated)
    return Bunch(
        target=np.array(["cubic"] * n, dtype=object),
        groups=np.array(["quartz"] * n, dtype=object),
        formula=np.array(["SiO2"] * n, dtype=object),
        approximated=np.asarray(approximated, dtype=bool),
    )


@pytest.mark.parametrize("seed", range(5))
def test_select_prefers_an_exact_entry_of_a_mineral(seed):
    bunch = _collection([True, True, False, True])
    assert select_structures(bunch, random_state=seed).tolist() == [2]
    # with only approximations, one of them is still drawn
    assert len(select_structures(_collection([True, True]), random_state=seed)) == 1


def test_select_caps_per_class_and_excludes_formulas():
    bunch = Bunch(
        target=np.array(["cubic"] * 4 + ["triclinic"] * 2, dtype=object),
        groups=np.array(list("abcdef"), dtype=object),
        formula=np.array(["NaCl", "KCl", "MgO", "CaO", "X", "Y"], dtype=object),
    )
    chosen = select_structures(bunch, per_class=2, exclude_formulas={"X"})
    assert sorted(bunch.target[chosen]).count("cubic") == 2
    assert "X" not in set(bunch.formula[chosen])
    assert chosen.tolist() == sorted(chosen.tolist())


def test_block_weights_follow_the_blocks():
    w = block_weights(
        ["synthetic", "oqmd_icsd", "amcsd"], [2, 3, 1], {"oqmd_icsd": 0.3}
    )
    np.testing.assert_allclose(w, [1, 1, 0.3, 0.3, 0.3, 1])


def test_real_block_key_names_the_disorder_mode_for_amcsd_only():
    kw = dict(oqmd_per_class=300, real_variants={"oqmd_icsd": 1, "amcsd": 2})
    skip = real_block_key("amcsd", (0,), amcsd_disorder="skip", **kw)
    majority = real_block_key("amcsd", (0,), amcsd_disorder="majority", **kw)
    assert skip != majority
    assert real_block_key("oqmd_icsd", (0,), amcsd_disorder="skip", **kw) == (
        real_block_key("oqmd_icsd", (0,), amcsd_disorder="majority", **kw)
    )


class _Fixed:
    """A 'model' whose probabilities are given (two classes)."""

    classes_ = np.array(CRYSTAL_SYSTEMS[:2], dtype=object)

    def __init__(self, proba):
        self.proba = np.asarray(proba)

    def predict_proba(self, X):
        return self.proba[np.asarray(X, dtype=int).ravel()]


def test_threshold_on_measured_reaches_the_target():
    a, b = CRYSTAL_SYSTEMS[:2]
    # certain ones right, uncertain ones wrong
    proba = [[0.95, 0.05], [0.9, 0.1], [0.85, 0.15], [0.55, 0.45], [0.52, 0.48]]
    y = np.array([a, a, a, b, b], dtype=object)
    metadata = {
        "low_certainty_threshold": 0.0,
        "low_certainty_target_accuracy": 0.8,
        "recipe": {"measured_data_used": "none"},
    }
    out = threshold_on_measured(
        _Fixed(proba), metadata, np.arange(5)[:, None], y, source="tests"
    )
    assert 0.55 < out["low_certainty_threshold"] <= 0.85
    assert out["low_certainty_coverage"] == pytest.approx(0.6)
    assert out["prototype_threshold"] == 0.0
    assert "tests" in out["recipe"]["measured_data_used"]
    assert metadata["low_certainty_threshold"] == 0.0  # the input is not changed
