"""Progress bars under ``verbose``: shown when asked, results unchanged."""

import numpy as np
import pytest
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_xrd.cli import _verbose as cli_verbose
from sklearn_xrd.cli import build_parser
from sklearn_xrd.datasets import make_random_crystals
from sklearn_xrd.models import make_physics_model
from sklearn_xrd.preprocessing import Normalizer, PeakExtractor
from sklearn_xrd.study import simulated_test_patterns
from sklearn_xrd.utils import fit_in_chunks, transform_in_chunks


@pytest.fixture(scope="module")
def patterns(prototypes):
    """Twenty-one prototype patterns, three of each crystal system."""
    target = np.asarray(prototypes.target)
    idx = np.concatenate([np.flatnonzero(target == c)[:3] for c in np.unique(target)])
    data = [prototypes.data[i] for i in idx]
    return simulated_test_patterns(data), target[idx]


def test_transform_in_chunks_equals_one_transform(patterns, capsys):
    X, _ = patterns
    features = make_physics_model(n_jobs=1)[:-1].fit(X[:2])
    expected = features.transform(X[:4])
    got = transform_in_chunks(features, X[:4], chunk_size=3, verbose=1, desc="feat")
    np.testing.assert_array_equal(got, expected)
    err = capsys.readouterr().err
    assert "feat" in err and "4/4" in err


def test_transform_in_chunks_is_silent_by_default(patterns, capsys):
    X, _ = patterns
    features = make_pipeline(Normalizer(), PeakExtractor()).fit(X[:2])
    transform_in_chunks(features, X, chunk_size=5)
    assert capsys.readouterr().err == ""
    with pytest.raises(ValueError, match="chunk_size"):
        transform_in_chunks(features, X, chunk_size=0)


def test_fit_in_chunks_equals_fit(patterns, capsys):
    X, y = patterns

    def model():
        return make_pipeline(
            Normalizer(),
            PeakExtractor(),
            ExtraTreesClassifier(n_estimators=20, random_state=0),
        )

    expected = model().fit(X, y).predict_proba(X)
    fitted = fit_in_chunks(model(), X, y, chunk_size=4, verbose=1)
    np.testing.assert_array_equal(fitted.predict_proba(X), expected)
    assert "fit ExtraTreesClassifier" in capsys.readouterr().err


def test_fit_in_chunks_refuses_a_step_that_learns(patterns):
    X, y = patterns
    pipe = make_pipeline(StandardScaler(), ExtraTreesClassifier(n_estimators=5))
    with pytest.raises(ValueError, match="standardscaler"):
        fit_in_chunks(pipe, X, y)


def test_random_crystals_bar_changes_nothing(capsys):
    kwargs = dict(crystal_systems=["cubic", "hexagonal"], max_atoms=12, random_state=0)
    quiet = make_random_crystals(2, **kwargs)
    assert capsys.readouterr().err == ""
    shown = make_random_crystals(2, verbose=1, **kwargs)
    assert "crystals" in capsys.readouterr().err
    assert list(shown.formula) == list(quiet.formula)
    np.testing.assert_array_equal(shown.space_group, quiet.space_group)
    for a, b in zip(shown.data, quiet.data):
        np.testing.assert_allclose(a.frac_coords, b.frac_coords)


@pytest.mark.parametrize("command", ["demo", "benchmark"])
def test_cli_bars_on_a_terminal_unless_quiet(command, monkeypatch):
    parser = build_parser()
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    assert cli_verbose(parser.parse_args([command])) == 1
    assert cli_verbose(parser.parse_args([command, "--quiet"])) == 0
    monkeypatch.setattr("sys.stderr.isatty", lambda: False)
    assert cli_verbose(parser.parse_args([command])) == 0


def test_feature_cache_bar_is_not_part_of_the_key(patterns, tmp_path, capsys):
    from sklearn_xrd.models import make_peak_model
    from sklearn_xrd.pretrained._feature_cache import FeatureCache

    X, _ = patterns
    model = make_peak_model(n_estimators=5)
    features = FeatureCache(model).features.fit(X[:2])
    expected = np.asarray(features.transform(X), dtype=np.float32)  # as it was
    shown = FeatureCache(model, tmp_path, verbose=1)
    np.testing.assert_array_equal(shown(("block",), X), expected)
    assert "block features" in capsys.readouterr().err
    # verbose is no part of the key: a quiet cache finds the block, and a
    # verbose one reads it back without computing (no bar)
    np.testing.assert_array_equal(
        FeatureCache(model, tmp_path)(("block",), X), expected
    )
    again = FeatureCache(model, tmp_path, verbose=1)(("block",), X)
    np.testing.assert_array_equal(again, expected)
    assert capsys.readouterr().err == ""
