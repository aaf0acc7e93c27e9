"""The ``sklearn-xrd benchmark`` command and its runner."""

import re

import numpy as np
import pytest

from sklearn_xrd.cli import main
from sklearn_xrd.study import average_pool, make_benchmark_model, run_benchmark


def test_benchmark_help_exits_zero(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["benchmark", "--help"])
    assert exc.value.code == 0
    assert "--quick" in capsys.readouterr().out


def test_benchmark_rejects_unknown_model(tmp_path):
    with pytest.raises(ValueError, match="unknown models"):
        run_benchmark(tmp_path, size="tiny", models=["svm"], out=lambda *a: None)


def test_make_benchmark_model_checks_loss():
    with pytest.raises(ValueError, match="no loss"):
        make_benchmark_model("extra_trees", "peaks", loss="focal")
    with pytest.raises(ValueError, match="needs a loss"):
        make_benchmark_model("dense", "spectrum")


def test_average_pool_keeps_the_mean():
    X = np.random.default_rng(0).random((3, 4251))
    pooled = average_pool(X)
    assert pooled.shape == (3, 1063)
    np.testing.assert_allclose(pooled[:, 0], X[:, :4].mean(axis=1), rtol=1e-6)
    np.testing.assert_allclose(pooled[:, -1], X[:, -3:].mean(axis=1), rtol=1e-6)


def test_tiny_benchmark_report(tmp_path, check_saved_figures):
    lines = []
    result = run_benchmark(
        tmp_path,
        size="tiny",
        models=["dense", "extra_trees"],
        test_sets=("prototypes",),
        random_state=0,
        command="pytest",
        out=lines.append,
    )
    report = (tmp_path / "report.md").read_text()
    assert result.report == tmp_path / "report.md"
    assert report in lines

    # A row per model x representation (x loss for the network).
    expected = {
        ("Dense", "spectrum", "cross_entropy"),
        ("Dense", "spectrum", "focal"),
        ("Dense", "peaks", "cross_entropy"),
        ("Dense", "peaks", "focal"),
        ("ExtraTrees", "spectrum", "-"),
        ("ExtraTrees", "peaks", "-"),
    }
    table = [line for line in report.splitlines() if line.startswith("| ")]
    header, body = table[0], table[1:]
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in body]
    assert {tuple(c[:3]) for c in cells} == expected
    assert len(body) == len(expected)
    assert len(result.rows) == len(expected)

    # Without mp20_dev, settings are chosen on held-out synthetic crystals.
    columns = [c.strip() for c in header.strip("|").split("|")]
    metric_columns = [
        i for i, c in enumerate(columns) if re.search(r" (acc|bal|F1)$", c)
    ]
    assert {columns[i].split()[0] for i in metric_columns} == {
        "prototypes",
        "synthetic_val",
    }
    for row in cells:
        values = [float(row[i]) for i in metric_columns]
        assert all(0.0 <= v <= 1.0 for v in values)
    for row in result.rows:
        assert row["parameters"] > 0 and row["bytes"] > 0
        assert row["fit_seconds"] >= 0 and row["throughput"] > 0
    # One configuration selected per model.
    assert sum(r["selected"] for r in result.rows) == 2

    for name in (
        "coverage.png",
        "reliability.png",
        "training_curve.png",
        "tsne.png",
        "feature_importances.png",
    ):
        assert (tmp_path / name).stat().st_size > 0
        assert f"]({name})" in report
    assert len(list(tmp_path.glob("confusion_*.png"))) == 2
    assert len(list(tmp_path.glob("certainty_*.png"))) == 2
    assert all(path.exists() for path in result.figures)
    # every figure keeps its title and labels inside, at its saved size
    assert {name for name, _ in check_saved_figures} == {
        path.name for path in result.figures
    }
    assert [(name, out) for name, out in check_saved_figures if out] == []
    assert "- Command: `pytest`" in report
    assert "scikit-learn" in report
