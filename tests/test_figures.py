"""Every figure the package draws keeps its texts inside, at its saved size."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from conftest import texts_outside  # noqa: E402

from sklearn_xrd.evaluation import (  # noqa: E402
    CertaintyCoverageDisplay,
    CertaintyHistogramDisplay,
    FeatureEmbeddingDisplay,
    FeatureImportanceDisplay,
    ReliabilityDisplay,
    TrainingCurveDisplay,
    plot_confusion_matrix_percent,
)
from sklearn_xrd.study._demo import confusion_figure, coverage_figure  # noqa: E402
from sklearn_xrd.utils import CRYSTAL_SYSTEMS  # noqa: E402

#: A name as long as the demo's model name, which cut the demo's title.
LONG_NAME = "Q-space + indexing + peaks -> gradient boosting on mp20_dev (969 patterns)"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def predictions():
    """Seven crystal systems, noisy probabilities and the predictions."""
    rng = np.random.default_rng(0)
    classes = np.array(CRYSTAL_SYSTEMS)
    y = classes[rng.integers(0, 7, 140)]
    proba = rng.dirichlet(np.ones(7), size=140)
    proba[np.arange(140), np.searchsorted(classes, y, sorter=np.argsort(classes))] += (
        rng.random(140)
    )
    proba /= proba.sum(axis=1, keepdims=True)
    return y, proba, classes


def test_the_check_finds_a_cut_title():
    fig, ax = plt.subplots(figsize=(4, 3), layout="constrained")
    ax.set_title(f"{LONG_NAME} (% of true class)")  # the demo's old title
    ax.set_ylabel("fits")
    assert texts_outside(fig) == [f"{LONG_NAME} (% of true class)"]


def test_the_check_finds_a_label_cut_at_the_edge():
    fig, ax = plt.subplots(figsize=(4, 3))  # no layout: a big y label is cut
    ax.set_ylabel("true class", fontsize=40)
    assert texts_outside(fig) == ["true class"]


def _confusion(y, proba, classes):
    y_pred = classes[proba.argmax(axis=1)]
    return plot_confusion_matrix_percent(
        y, y_pred, labels=list(CRYSTAL_SYSTEMS), xticks_rotation=45
    ).figure_


def _histogram(y, proba, classes):
    return CertaintyHistogramDisplay.from_predictions(
        y, proba, classes=classes, name=LONG_NAME
    ).figure_


def _coverage_threshold(y, proba, classes):
    return CertaintyCoverageDisplay.from_predictions(
        y, proba, classes=classes, name="a model", target_accuracy=0.5
    ).figure_


def _coverage_kept(y, proba, classes):
    return CertaintyCoverageDisplay.from_predictions(
        y, proba, classes=classes, name="a model", kind="coverage"
    ).figure_


def _reliability(y, proba, classes):
    return ReliabilityDisplay.from_predictions(
        y, proba, classes=classes, name=LONG_NAME
    ).figure_


def _embedding(y, proba, classes):
    return FeatureEmbeddingDisplay.from_features(
        proba, y, method="pca", name=LONG_NAME
    ).figure_


def _importance_pattern(y, proba, classes):
    two_theta = np.linspace(5, 90, 200)
    return FeatureImportanceDisplay.from_importances(
        np.exp(-((two_theta - 30) ** 2)), two_theta=two_theta, name=LONG_NAME
    ).figure_


def _importance_bar(y, proba, classes):
    names = [f"indexing__{s}_figure_of_merit_ratio" for s in CRYSTAL_SYSTEMS]
    return FeatureImportanceDisplay.from_importances(
        np.arange(1.0, 8.0), feature_names=names, name=LONG_NAME
    ).figure_


def _training_curve(y, proba, classes):
    history = [
        {"epoch": i, "train_loss": 1 / i, "valid_loss": 1.2 / i, "valid_acc": 0.1 * i}
        for i in range(1, 6)
    ]
    return TrainingCurveDisplay.from_history(history, name=LONG_NAME).figure_


def _demo_confusion(y, proba, classes):
    return confusion_figure(
        y, classes[proba.argmax(axis=1)], list(CRYSTAL_SYSTEMS), LONG_NAME
    )


def _demo_coverage(y, proba, classes):
    curves = {name: (y, proba, classes) for name in ("prototypes", "rruff_dev")}
    return coverage_figure(curves, f"{LONG_NAME}: accuracy against coverage")


@pytest.mark.parametrize(
    "make_figure",
    [
        _confusion,
        _histogram,
        _coverage_threshold,
        _coverage_kept,
        _reliability,
        _embedding,
        _importance_pattern,
        _importance_bar,
        _training_curve,
        _demo_confusion,
        _demo_coverage,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_figure_texts_fit(make_figure, predictions):
    fig = make_figure(*predictions)
    assert texts_outside(fig, dpi=100) == []


def test_accuracy_against_coverage(predictions):
    y, proba, classes = predictions
    disp = CertaintyCoverageDisplay.from_predictions(
        y, proba, classes=classes, kind="coverage"
    )
    x, acc = disp.line_accuracy_.get_data()
    np.testing.assert_array_equal(x, disp.coverage)
    np.testing.assert_array_equal(acc, disp.accuracy)
    assert disp.line_coverage_ is None
    assert disp.ax_.get_xlabel().startswith("Coverage")
    with pytest.raises(ValueError, match="kind"):
        disp.plot(kind="risk")
