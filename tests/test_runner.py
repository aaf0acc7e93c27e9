"""The one batched runner: same rows as the engine, every input accounted for."""

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from sklearn_xrd.datasets import make_patterns
from sklearn_xrd.preprocessing import CIFToPattern
from sklearn_xrd.simulation import (
    PATTERN_MAX,
    resolve_wavelength,
    scale_to_max,
    simulate_batches,
    simulate_many,
)
from sklearn_xrd.simulation._engine import simulate_patterns, structure_arrays

GRID = {"two_theta_range": (5.0, 90.0), "step": 0.02}


@pytest.fixture(scope="module")
def structures(nacl, rutile, silicon, prototypes):
    return [nacl, rutile, silicon, *prototypes.data[:5]]


@pytest.fixture(scope="module")
def engine_rows(structures):
    """The engine called directly, one structure per call."""
    arrays = [structure_arrays(s, f"structure {i}") for i, s in enumerate(structures)]
    wavelength = resolve_wavelength("CuKa")
    return np.vstack(
        [simulate_patterns([a], wavelength=wavelength, **GRID) for a in arrays]
    )


@pytest.mark.parametrize("batch_size", [None, 1, 3])
def test_runner_gives_the_engine_rows_bit_for_bit(structures, engine_rows, batch_size):
    result = simulate_many(structures, batch_size=batch_size)
    np.testing.assert_array_equal(result.data, engine_rows)
    assert result.index.tolist() == list(range(len(structures)))
    assert result.skipped == []
    texts = [s.to(fmt="cif") for s in structures]
    from_text = simulate_many(texts, input="content", batch_size=batch_size)
    np.testing.assert_allclose(from_text.data, engine_rows, atol=1e-6)


def test_both_callers_give_the_engine_rows(structures, engine_rows):
    np.testing.assert_array_equal(
        CIFToPattern(input="structure").transform(structures), engine_rows
    )
    np.testing.assert_array_equal(
        CIFToPattern(input="structure", n_jobs=2).transform(structures), engine_rows
    )
    sticks = make_patterns(structures, profile="passthrough", batch_size=3).data
    np.testing.assert_array_equal(sticks, engine_rows.astype(np.float32))


def test_every_input_is_kept_or_skipped_with_its_reason(nacl, silicon):
    alloy = Structure(Lattice.cubic(3.6), [{"Cu": 0.5, "Au": 0.5}], [[0, 0, 0]])
    items = [nacl, alloy, "data_x\n_cell_length_a 3", silicon, 42]
    batches = list(simulate_batches(items, input="auto", on_error="skip", batch_size=2))
    assert len(batches) == 3
    for kept, rows, _ in batches:
        assert (0 if rows is None else len(rows)) == len(kept)
    kept = [i for b in batches for i in b[0]]
    reasons = dict(s for b in batches for s in b[2])
    assert kept == [0, 3] and sorted(reasons) == [1, 2, 4]
    assert "disordered" in reasons[1] and "cannot parse CIF" in reasons[2]
    assert (
        reasons[4] == "structure 4: expected a pymatgen Structure or CIF text, got int"
    )
    result = simulate_many(items, input="auto", on_error="skip")
    assert len(result.index) + len(result.skipped) == len(items)
    with pytest.raises(ValueError, match="structure 1: disordered"):
        simulate_many(items, input="auto")


def test_arguments_are_checked_before_the_first_batch(nacl):
    with pytest.raises(ValueError, match="on_error"):
        simulate_batches([nacl], on_error="ignore")
    with pytest.raises(ValueError, match="input"):
        simulate_batches([nacl], input="files")
    with pytest.raises(ValueError, match="two_theta_range"):
        simulate_batches([nacl], two_theta_range=(90, 5))


def test_cache_is_keyed_on_content_and_hit(tmp_path, nacl, rutile, engine_rows):
    first = simulate_many([nacl, rutile], memory=tmp_path)
    assert len(list(tmp_path.rglob("output.pkl"))) == 1
    second = simulate_many([nacl, rutile], memory=tmp_path)
    np.testing.assert_array_equal(second.data, first.data)
    np.testing.assert_array_equal(first.data, engine_rows[:2])
    assert len(list(tmp_path.rglob("output.pkl"))) == 1
    simulate_many([nacl, rutile], memory=tmp_path, step=0.05)
    assert len(list(tmp_path.rglob("output.pkl"))) == 2


def test_scale_to_max():
    X = scale_to_max([[0.0, 1.0, 3.0], [0.0, 0.0, 0.0], [2.0, 0.5, 0.0]])
    np.testing.assert_array_equal(X.max(axis=1), [PATTERN_MAX, 0.0, PATTERN_MAX])
    assert X[0, 1] == 1.0 * (PATTERN_MAX / 3.0)
