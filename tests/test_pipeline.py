"""The user-facing flows: the issue's pipeline, the demo and the CLI."""

import numpy as np
import pytest
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline

from sklearn_xrd.cli import main
from sklearn_xrd.preprocessing import (
    CIFToPattern,
    GaussianBroadening,
    Normalizer,
    PeakExtractor,
)


def test_structures_to_cross_validated_classifier(prototypes):
    pipe = make_pipeline(
        CIFToPattern(input="structure"),
        GaussianBroadening(),
        Normalizer(),
        PeakExtractor(),
        ExtraTreesClassifier(n_estimators=50, random_state=0),
    )
    scores = cross_val_score(pipe, prototypes.data, prototypes.target, cv=3)
    assert scores.shape == (3,)
    # seven classes; the largest is 68 / 288 = 24 %
    assert scores.mean() > 0.3


def test_grid_search_over_transformer_parameters(prototypes):
    X = CIFToPattern(input="structure").transform(prototypes.data[:120])
    y = prototypes.target[:120]
    pipe = make_pipeline(
        GaussianBroadening(),
        Normalizer(),
        PeakExtractor(),
        ExtraTreesClassifier(n_estimators=20, random_state=0),
    )
    search = GridSearchCV(
        pipe,
        {"peakextractor__n_peaks": [5, 10], "gaussianbroadening__fwhm": [0.1, 0.3]},
        cv=2,
    )
    search.fit(X, y)
    assert set(search.best_params_) == {
        "peakextractor__n_peaks",
        "gaussianbroadening__fwhm",
    }
    assert len(search.cv_results_["mean_test_score"]) == 4


def test_demo_trains_on_synthetic_and_tests_on_prototypes(
    tmp_path, capsys, check_saved_figures
):
    argv = [
        "demo",
        "--output",
        str(tmp_path),
        "--n-per-class",
        "3",
        "--n-variants",
        "1",
        "--test-sets",
        "prototypes",
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "21 random crystals" in out
    for key in ("accuracy", "balanced accuracy", "macro-F1", "precision"):
        assert key in out
    assert (tmp_path / "confusion_prototypes.png").stat().st_size > 1000
    assert (tmp_path / "accuracy_coverage.png").stat().st_size > 1000
    # every figure keeps its title and labels inside, at its saved size
    assert check_saved_figures == [
        ("confusion_prototypes.png", []),
        ("accuracy_coverage.png", []),
    ]
    lines = (tmp_path / "predictions.csv").read_text().splitlines()
    assert len(lines) == 289
    acc = float(out.split("accuracy ")[1].split(",")[0])
    assert lines[0] == "test_set,id,true,predicted,certainty"
    certainty = np.array([float(line.split(",")[4]) for line in lines[1:]])
    assert np.all((certainty > 0) & (certainty <= 1))
    truth = np.array([line.split(",")[2] for line in lines[1:]])
    pred = np.array([line.split(",")[3] for line in lines[1:]])
    assert acc == pytest.approx(np.mean(truth == pred), abs=1e-3)
