"""Tests for sklearn_xrd.evaluation: metrics, displays and temperature scaling."""

import inspect

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from numpydoc.docscrape import ClassDoc, FunctionDoc  # noqa: E402
from sklearn.base import BaseEstimator, ClassifierMixin  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.ensemble import ExtraTreesClassifier  # noqa: E402
from sklearn.frozen import FrozenEstimator  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import (  # noqa: E402
    ConfusionMatrixDisplay,
    accuracy_score,
    balanced_accuracy_score,
    f1_score,
    log_loss,
)
from sklearn.naive_bayes import GaussianNB  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import FunctionTransformer, StandardScaler  # noqa: E402

import sklearn_xrd.evaluation as evaluation  # noqa: E402
from sklearn_xrd.evaluation import (  # noqa: E402
    CertaintyCoverageDisplay,
    CertaintyHistogramDisplay,
    FeatureEmbeddingDisplay,
    FeatureImportanceDisplay,
    ReliabilityDisplay,
    TemperatureScaledClassifier,
    TrainingCurveDisplay,
    accuracy_at_coverage,
    accuracy_coverage_curve,
    certainty_threshold_for_accuracy,
    classification_summary,
    expected_calibration_error,
    plot_confusion_matrix_percent,
)

SYSTEMS = np.array(["cubic", "hexagonal", "monoclinic", "tetragonal"])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def data():
    """Four string classes, a train and a test half."""
    X, y = make_classification(
        n_samples=240,
        n_features=8,
        n_informative=4,
        n_classes=4,
        n_clusters_per_class=1,
        flip_y=0.1,
        random_state=0,
    )
    y = SYSTEMS[y]
    return X[:120], y[:120], X[120:], y[120:]


@pytest.fixture(scope="module")
def logreg(data):
    X_train, y_train, _, _ = data
    return LogisticRegression(max_iter=1000).fit(X_train, y_train)


@pytest.fixture(scope="module")
def proba(data, logreg):
    """Test labels, probabilities and the classifier's classes."""
    _, _, X_test, y_test = data
    return y_test, logreg.predict_proba(X_test), logreg.classes_


def _brute_force(y, y_proba, classes, threshold):
    certainty = y_proba.max(axis=1)
    correct = classes[y_proba.argmax(axis=1)] == y
    kept = certainty >= threshold
    return correct[kept].mean() if kept.any() else np.nan, kept.mean()


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "y_proba, classes, match",
    [
        ([[0.5, 0.6], [0.5, 0.5]], None, "sum to 1"),
        ([[0.5, 0.5]], None, "inconsistent numbers of samples"),
        ([0.5, 0.5], None, "2-D"),
        ([[1.5, -0.5], [0.5, 0.5]], None, r"\[0, 1\]"),
        ([[0.5, 0.5], [0.5, 0.5]], ["cubic", "trigonal"], "not among the classes"),
        ([[0.2, 0.3, 0.5], [0.2, 0.3, 0.5]], None, "3 columns but there are 2"),
        ([[np.nan, 0.5], [0.5, 0.5]], None, "NaN"),
    ],
)
def test_bad_probabilities_raise(y_proba, classes, match):
    y = ["cubic", "hexagonal"]
    with pytest.raises(ValueError, match=match):
        expected_calibration_error(y, y_proba, classes)
    with pytest.raises(ValueError, match=match):
        CertaintyHistogramDisplay.from_predictions(
            y, y_proba, classes=classes, plot=False
        )


def test_proba_and_pred_certainty_are_exclusive(proba):
    y, y_proba, classes = proba
    with pytest.raises(ValueError, match="not both"):
        CertaintyHistogramDisplay.from_predictions(
            y, y_proba, y_pred=y, certainty=y_proba.max(1), plot=False
        )
    with pytest.raises(ValueError, match="both y_pred and certainty"):
        CertaintyCoverageDisplay.from_predictions(y, y_pred=y, plot=False)


def test_estimator_without_predict_proba_raises(data):
    X_train, y_train, X_test, y_test = data
    clf = make_pipeline(StandardScaler(), FunctionTransformer())
    clf.fit(X_train, y_train)
    with pytest.raises(ValueError, match="predict_proba"):
        ReliabilityDisplay.from_estimator(clf, X_test, y_test)


# ---------------------------------------------------------------- certainty


def test_certainty_histogram_from_estimator(data, logreg):
    _, _, X_test, y_test = data
    fig, ax = plt.subplots()
    disp = CertaintyHistogramDisplay.from_estimator(logreg, X_test, y_test, ax=ax)
    assert disp.ax_ is ax and disp.figure_ is fig
    assert set(disp.bars_) == {"correct", "incorrect"}
    n_correct = int((logreg.predict(X_test) == y_test).sum())
    assert disp.counts_correct.sum() == n_correct
    assert disp.counts_incorrect.sum() == y_test.size - n_correct
    assert disp.counts_correct.sum() + disp.counts_incorrect.sum() == y_test.size
    assert disp.bin_edges.shape == (21,)
    assert disp.estimator_name == "LogisticRegression"
    assert len(ax.patches) == 2 * 20


def test_certainty_histogram_from_predictions_forms_agree(proba):
    y, y_proba, classes = proba
    by_proba = CertaintyHistogramDisplay.from_predictions(
        y, y_proba, classes=classes, bins=10
    )
    by_pred = CertaintyHistogramDisplay.from_predictions(
        y,
        y_pred=classes[y_proba.argmax(1)],
        certainty=y_proba.max(1),
        bins=np.linspace(0, 1, 11),
        plot=False,
    )
    np.testing.assert_array_equal(by_proba.counts_correct, by_pred.counts_correct)
    np.testing.assert_array_equal(by_proba.counts_incorrect, by_pred.counts_incorrect)
    assert not hasattr(by_pred, "ax_")
    by_pred.plot(stacked=False)
    assert by_pred.ax_ is not by_proba.ax_


# ---------------------------------------------------------------- coverage


def test_accuracy_coverage_curve_matches_brute_force(proba):
    y, y_proba, classes = proba
    thresholds, accuracy, coverage = accuracy_coverage_curve(y, y_proba, classes)
    assert thresholds[0] == 0 and coverage[0] == 1
    overall = accuracy_score(y, classes[y_proba.argmax(1)])
    assert accuracy[0] == pytest.approx(overall)
    assert np.all(np.diff(thresholds) > 0)
    assert np.all(np.diff(coverage) <= 0)
    for t, acc, cov in zip(thresholds, accuracy, coverage):
        assert (acc, cov) == pytest.approx(_brute_force(y, y_proba, classes, t))


@pytest.mark.parametrize("target", [0.5, 0.8, 0.9, 0.95])
def test_certainty_threshold_for_accuracy(proba, target):
    y, y_proba, classes = proba
    threshold, coverage = certainty_threshold_for_accuracy(y, y_proba, classes, target)
    accuracy, kept = _brute_force(y, y_proba, classes, threshold)
    assert accuracy >= target
    assert kept == pytest.approx(coverage)
    # no smaller candidate threshold reaches the target
    for t in np.unique(y_proba.max(1)):
        if t < threshold:
            assert _brute_force(y, y_proba, classes, t)[0] < target


def test_certainty_threshold_unreachable():
    y = [0, 1]
    y_proba = [[0.9, 0.1], [0.8, 0.2]]  # the most certain is wrong
    y = [1, 0]
    assert certainty_threshold_for_accuracy(y, y_proba, target_accuracy=0.99) == (
        np.inf,
        0.0,
    )
    with pytest.raises(ValueError, match="target_accuracy"):
        certainty_threshold_for_accuracy(y, y_proba, target_accuracy=1.5)


def test_accuracy_at_coverage(proba):
    y, y_proba, classes = proba
    overall = accuracy_score(y, classes[y_proba.argmax(1)])
    assert accuracy_at_coverage(y, y_proba, classes, 1.0) == pytest.approx(overall)
    order = np.argsort(-y_proba.max(1), kind="stable")[: y.size // 2]
    expected = np.mean(classes[y_proba[order].argmax(1)] == y[order])
    assert accuracy_at_coverage(y, y_proba, classes) == pytest.approx(expected)
    assert accuracy_at_coverage(y, y_proba, classes, 0.5) >= overall
    with pytest.raises(ValueError, match="coverage"):
        accuracy_at_coverage(y, y_proba, classes, coverage=0)


def test_certainty_coverage_display(data, logreg, proba):
    _, _, X_test, y_test = data
    fig, ax = plt.subplots()
    disp = CertaintyCoverageDisplay.from_estimator(
        logreg, X_test, y_test, ax=ax, target_accuracy=0.9
    )
    assert disp.ax_ is ax and disp.figure_ is fig
    assert disp.line_accuracy_.axes is ax and disp.line_coverage_.axes is ax
    y, y_proba, classes = proba
    expected = accuracy_coverage_curve(y, y_proba, classes)
    for got, want in zip((disp.thresholds, disp.accuracy, disp.coverage), expected):
        np.testing.assert_allclose(got, want)
    other = CertaintyCoverageDisplay.from_predictions(
        y, y_pred=classes[y_proba.argmax(1)], certainty=y_proba.max(1)
    )
    np.testing.assert_allclose(other.coverage, disp.coverage)
    assert other.coverage[other.thresholds == 0] == 1


# ---------------------------------------------------------------- calibration


def _synthetic_confidences(n, sharpen, seed):
    """Binary probabilities whose true-class frequency equals the confidence.

    ``sharpen > 1`` reports over-confident probabilities for the same outcomes.
    """
    rng = np.random.RandomState(seed)
    confidence = rng.uniform(0.5, 1.0, n)
    predicted = rng.randint(0, 2, n)
    correct = rng.uniform(size=n) < confidence
    y = np.where(correct, predicted, 1 - predicted)
    odds = (confidence / (1 - confidence)) ** sharpen
    reported = odds / (1 + odds)
    y_proba = np.empty((n, 2))
    y_proba[np.arange(n), predicted] = reported
    y_proba[np.arange(n), 1 - predicted] = 1 - reported
    return y, y_proba


def test_expected_calibration_error_synthetic():
    y, calibrated = _synthetic_confidences(20_000, sharpen=1, seed=0)
    _, overconfident = _synthetic_confidences(20_000, sharpen=4, seed=0)
    ece_calibrated = expected_calibration_error(y, calibrated)
    ece_overconfident = expected_calibration_error(y, overconfident)
    assert ece_calibrated < 0.02
    assert ece_overconfident > 0.1
    assert ece_overconfident > 5 * ece_calibrated


def test_expected_calibration_error_by_hand():
    y = ["cubic", "cubic", "hexagonal", "hexagonal"]
    y_proba = [[0.9, 0.1], [0.7, 0.3], [0.6, 0.4], [0.35, 0.65]]
    # bins of width 0.5: (0.5, 1] holds all; accuracy 3/4, mean confidence 0.7125
    assert expected_calibration_error(y, y_proba, n_bins=2) == pytest.approx(0.0375)
    # 10 bins: 0.9 right; 0.7 right; 0.6 wrong; 0.65 right
    expected = (0.1 + 0.3 + 0.6 + 0.35) / 4
    assert expected_calibration_error(y, y_proba, n_bins=10) == pytest.approx(expected)
    with pytest.raises(ValueError, match="n_bins"):
        expected_calibration_error(y, y_proba, n_bins=0)


def test_reliability_display(data, logreg, proba):
    _, _, X_test, y_test = data
    fig, ax = plt.subplots()
    disp = ReliabilityDisplay.from_estimator(logreg, X_test, y_test, n_bins=10, ax=ax)
    assert disp.ax_ is ax and disp.figure_ is fig and disp.line_.axes is ax
    assert disp.counts.sum() == y_test.size
    assert disp.prob_true.shape == disp.prob_pred.shape == (10,)
    filled = disp.counts > 0
    assert np.all(disp.prob_pred[filled] > disp.bin_edges[:-1][filled] - 1e-12)
    assert np.all(disp.prob_pred[filled] <= disp.bin_edges[1:][filled] + 1e-12)
    y, y_proba, classes = proba
    assert disp.ece == pytest.approx(
        expected_calibration_error(y, y_proba, classes, n_bins=10)
    )
    assert "ECE" in ax.get_legend().get_texts()[0].get_text()
    other = ReliabilityDisplay.from_predictions(y, y_proba, classes=classes, n_bins=10)
    np.testing.assert_array_equal(other.counts, disp.counts)


@pytest.fixture(scope="module")
def overconfident():
    """Gaussian naive Bayes on redundant features: famously over-confident."""
    X, y = make_classification(
        n_samples=1500,
        n_features=20,
        n_informative=4,
        n_redundant=10,
        n_classes=4,
        n_clusters_per_class=1,
        flip_y=0.05,
        random_state=0,
    )
    y = SYSTEMS[y]
    model = GaussianNB().fit(X[:500], y[:500])
    return model, (X[500:1000], y[500:1000]), (X[1000:], y[1000:])


def test_temperature_scaling_prefit_reduces_ece_and_log_loss(overconfident):
    model, (X_calib, y_calib), (X_test, y_test) = overconfident
    calibrated = TemperatureScaledClassifier(FrozenEstimator(model))
    calibrated.fit(X_calib, y_calib)
    assert calibrated.temperature_ > 1
    np.testing.assert_array_equal(calibrated.classes_, model.classes_)
    raw, scaled = model.predict_proba(X_test), calibrated.predict_proba(X_test)
    np.testing.assert_allclose(scaled.sum(axis=1), 1.0)
    np.testing.assert_array_equal(calibrated.predict(X_test), model.predict(X_test))
    assert log_loss(y_test, scaled) < log_loss(y_test, raw)
    ece_raw = expected_calibration_error(y_test, raw, model.classes_)
    ece_scaled = expected_calibration_error(y_test, scaled, calibrated.classes_)
    assert ece_scaled < ece_raw
    # the frozen model was not refitted
    assert calibrated.estimator_.estimator is model


def test_temperature_scaling_cross_validated(overconfident):
    model, (X_calib, y_calib), (X_test, y_test) = overconfident
    X_train, y_train = np.r_[X_calib], y_calib
    calibrated = TemperatureScaledClassifier(GaussianNB(), cv=3)
    calibrated.fit(X_train, y_train)
    assert calibrated.temperature_ > 1
    reference = GaussianNB().fit(X_train, y_train)
    np.testing.assert_array_equal(calibrated.predict(X_test), reference.predict(X_test))
    assert log_loss(y_test, calibrated.predict_proba(X_test)) < log_loss(
        y_test, reference.predict_proba(X_test)
    )
    assert calibrated.n_features_in_ == X_train.shape[1]


def test_temperature_scaling_in_pipeline_and_weights(data):
    X_train, y_train, X_test, y_test = data
    pipe = make_pipeline(
        StandardScaler(),
        TemperatureScaledClassifier(LogisticRegression(max_iter=1000), cv=3),
    )
    pipe.fit(X_train, y_train)
    proba = pipe.predict_proba(X_test)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert set(pipe.predict(X_test)) <= set(SYSTEMS)
    weighted = TemperatureScaledClassifier(LogisticRegression(max_iter=1000), cv=3)
    weighted.fit(X_train, y_train, sample_weight=np.ones(y_train.size))
    assert weighted.temperature_ == pytest.approx(pipe[-1].temperature_, rel=0.2)


def test_temperature_scaling_errors(overconfident):
    model, (X_calib, y_calib), _ = overconfident
    y_bad = y_calib.copy()
    y_bad[0] = "trigonal"
    with pytest.raises(ValueError, match="not among the classes"):
        TemperatureScaledClassifier(FrozenEstimator(model)).fit(X_calib, y_bad)
    with pytest.raises(ValueError, match="fewer than 5 samples"):
        TemperatureScaledClassifier(GaussianNB(), cv=5).fit(X_calib[:8], y_calib[:8])


# ---------------------------------------------------------------- embedding


class _PenultimateNet(ClassifierMixin, BaseEstimator):
    """A stand-in network: ``transform`` gives 'penultimate' features."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def transform(self, X):
        return np.asarray(X)[:, :3] * 2.0


def test_feature_embedding_tsne_from_estimator(data):
    X_train, y_train, _, _ = data
    X, y = X_train[:60], y_train[:60]
    pipe = make_pipeline(StandardScaler(), ExtraTreesClassifier(n_estimators=5))
    pipe.fit(X, y)
    fig, ax = plt.subplots()
    disp = FeatureEmbeddingDisplay.from_estimator(
        pipe, X, y, perplexity=10, random_state=0, ax=ax
    )
    assert disp.ax_ is ax and disp.figure_ is fig
    assert disp.embedding.shape == (60, 2)
    assert disp.feature_source == "input"
    np.testing.assert_array_equal(disp.classes, np.unique(y))
    assert set(disp.scatters_) == set(np.unique(y))
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [str(c) for c in np.unique(y)]
    assert ax.get_xlabel() == "t-SNE 1"


def test_feature_embedding_uses_transform(data):
    X_train, y_train, _, _ = data
    net = _PenultimateNet().fit(X_train, y_train)
    features, source = evaluation.learned_features(net, X_train)
    assert source == "transform" and features.shape == (X_train.shape[0], 3)
    features, source = evaluation.learned_features(
        make_pipeline(StandardScaler(), net).fit(X_train, y_train), X_train
    )
    assert source == "transform" and features.shape[1] == 3
    disp = FeatureEmbeddingDisplay.from_estimator(
        net, X_train, y_train, method="pca", plot=False
    )
    assert disp.feature_source == "transform"
    # PCA of the doubled first three columns
    np.testing.assert_allclose(
        np.abs(disp.embedding),
        np.abs(
            FeatureEmbeddingDisplay.from_features(
                X_train[:, :3], y_train, method="pca", plot=False
            ).embedding
            * 2.0
        ),
    )
    with pytest.raises(ValueError, match="method"):
        FeatureEmbeddingDisplay.from_features(X_train, y_train, method="umap")


# ---------------------------------------------------------------- training curves


class _FakeNet:
    def __init__(self, history):
        self.history_ = history


def test_training_curve_from_history_attribute():
    history = [
        {"epoch": 1, "train_loss": 1.2, "valid_loss": 1.3, "dur": 0.1},
        {"epoch": 2, "train_loss": 0.8, "valid_loss": 1.0, "valid_acc": 0.6},
        {"epoch": 3, "train_loss": 0.5, "valid_acc": 0.7, "valid_loss_best": True},
    ]
    fig, ax = plt.subplots()
    disp = TrainingCurveDisplay.from_estimator(_FakeNet(history), ax=ax)
    assert disp.ax_ is ax and disp.figure_ is fig
    np.testing.assert_array_equal(disp.epochs, [1, 2, 3])
    assert list(disp.curves) == ["train_loss", "valid_loss", "valid_acc"]
    np.testing.assert_allclose(disp.curves["valid_loss"], [1.3, 1.0, np.nan])
    np.testing.assert_allclose(disp.curves["valid_acc"], [np.nan, 0.6, 0.7])
    assert disp.lines_["train_loss"].axes is ax
    assert disp.lines_["valid_acc"].axes is disp.ax_metric_
    assert disp.estimator_name == "_FakeNet"

    only = TrainingCurveDisplay.from_estimator(
        _FakeNet(history), keys=["valid_acc"], plot=False
    )
    assert list(only.curves) == ["valid_acc"]
    with pytest.raises(ValueError, match="not in the history"):
        TrainingCurveDisplay.from_estimator(_FakeNet(history), keys=["test_f1"])


def test_training_curve_accepts_skorch_history():
    History = pytest.importorskip("skorch.history").History
    history = History()
    for epoch, loss in enumerate([1.0, 0.6], start=1):
        history.new_epoch()
        history.record("epoch", epoch)
        history.record("train_loss", loss)
        history.record("train_loss_best", True)
    disp = TrainingCurveDisplay.from_history(history)
    assert list(disp.curves) == ["train_loss"]
    assert disp.ax_metric_ is None

    class _SkorchLike:
        pass

    net = _SkorchLike()
    net.history = history
    assert list(TrainingCurveDisplay.from_estimator(net, plot=False).curves) == [
        "train_loss"
    ]


def test_training_curve_without_history_raises():
    with pytest.raises(ValueError, match="no training history"):
        TrainingCurveDisplay.from_estimator(LogisticRegression())
    with pytest.raises(ValueError, match="empty"):
        TrainingCurveDisplay.from_estimator(_FakeNet([]))


# ---------------------------------------------------------------- importances


def _grid_data(informative=17, n_features=40, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(size=(200, n_features))
    y = SYSTEMS[(X[:, informative] > 0.5).astype(int)]
    two_theta = np.linspace(10.0, 10.0 + 0.02 * (n_features - 1), n_features)
    return X, y, two_theta


def test_feature_importance_two_theta_from_pipeline_names():
    X, y, two_theta = _grid_data()
    names = [f"two_theta_{t:.3f}" for t in two_theta]
    pipe = make_pipeline(
        FunctionTransformer(feature_names_out=lambda transformer, _: names),
        ExtraTreesClassifier(n_estimators=30, random_state=0),
    ).fit(X, y)
    fig, ax = plt.subplots()
    disp = FeatureImportanceDisplay.from_estimator(pipe, ax=ax)
    assert disp.ax_ is ax and disp.figure_ is fig
    assert disp.kind == "pattern"
    assert disp.two_theta.shape == disp.importances.shape == (40,)
    np.testing.assert_allclose(disp.two_theta, np.round(two_theta, 3))
    assert disp.two_theta[np.argmax(disp.importances)] == pytest.approx(two_theta[17])
    assert disp.artist_.axes is ax
    assert disp.estimator_name == "ExtraTreesClassifier"


def test_feature_importance_explicit_two_theta():
    X, y, two_theta = _grid_data(informative=5)
    trees = ExtraTreesClassifier(n_estimators=30, random_state=0).fit(X, y)
    disp = FeatureImportanceDisplay.from_estimator(trees, two_theta=two_theta)
    assert disp.kind == "pattern"
    assert disp.two_theta[np.argmax(disp.importances)] == pytest.approx(two_theta[5])
    with pytest.raises(ValueError, match="angles"):
        FeatureImportanceDisplay.from_estimator(trees, two_theta=two_theta[:-1])
    with pytest.raises(ValueError, match="feature_importances_"):
        FeatureImportanceDisplay.from_estimator(LogisticRegression().fit(X, y))


def test_feature_importance_peak_features_bar_chart():
    X, y, _ = _grid_data(informative=7, n_features=10)
    names = [f"peak_{i}_two_theta" for i in range(5)]
    names += [f"peak_{i}_intensity" for i in range(5)]
    trees = ExtraTreesClassifier(n_estimators=30, random_state=0).fit(X, y)
    fig, ax = plt.subplots()
    disp = FeatureImportanceDisplay.from_estimator(
        trees, feature_names=names, top_k=4, ax=ax
    )
    assert disp.kind == "bar" and disp.two_theta is None
    assert disp.top_indices.shape == (4,)
    assert disp.feature_names[disp.top_indices[0]] == "peak_2_intensity"
    assert len(disp.artist_.patches) == 4
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == "peak_2_intensity"  # the most important on top


# ---------------------------------------------------------------- confusion, summary


def test_plot_confusion_matrix_percent():
    y_true = ["cubic"] * 4 + ["hexagonal"] * 2
    y_pred = ["cubic", "cubic", "cubic", "hexagonal", "hexagonal", "cubic"]
    fig, ax = plt.subplots()
    disp = plot_confusion_matrix_percent(y_true, y_pred, ax=ax)
    assert isinstance(disp, ConfusionMatrixDisplay)
    assert disp.ax_ is ax and disp.figure_ is fig
    np.testing.assert_allclose(disp.confusion_matrix, [[0.75, 0.25], [0.5, 0.5]])
    texts = [t.get_text() for t in disp.text_.ravel()]
    assert texts == ["75.0%", "25.0%", "50.0%", "50.0%"]
    disp = plot_confusion_matrix_percent(
        y_true, y_pred, labels=["hexagonal", "cubic"], decimals=0, colorbar=False
    )
    assert disp.text_[0, 0].get_text() == "50%"


def test_classification_summary(proba):
    y, y_proba, classes = proba
    y_pred = classes[y_proba.argmax(1)]
    summary = classification_summary(y, y_pred)
    assert summary["accuracy"] == pytest.approx(accuracy_score(y, y_pred))
    assert summary["balanced_accuracy"] == pytest.approx(
        balanced_accuracy_score(y, y_pred)
    )
    assert summary["macro_f1"] == pytest.approx(f1_score(y, y_pred, average="macro"))
    assert summary["macro_f1"] == pytest.approx(
        f1_score(y, y_pred, labels=np.unique(y), average="macro")
    )
    assert "ece" not in summary and summary["n_samples"] == y.size
    assert set(classes) <= set(summary["per_class"])
    full = classification_summary(y, y_pred, y_proba, classes)
    assert full["ece"] == pytest.approx(expected_calibration_error(y, y_proba, classes))
    assert full["log_loss"] == pytest.approx(log_loss(y, y_proba, labels=classes))
    # columns in another order give the same numbers
    order = [2, 0, 3, 1]
    shuffled = classification_summary(y, y_pred, y_proba[:, order], classes[order])
    assert shuffled["log_loss"] == pytest.approx(full["log_loss"])
    assert shuffled["ece"] == pytest.approx(full["ece"])


def test_classification_summary_macro_f1_over_true_classes():
    # one macro-F1 behind every figure: over the classes present in y_true,
    # whatever is predicted or listed in ``classes``
    y_true = ["cubic", "cubic", "hexagonal", "hexagonal"]
    y_pred = ["cubic", "trigonal", "hexagonal", "hexagonal"]
    expected = f1_score(y_true, y_pred, labels=["cubic", "hexagonal"], average="macro")
    summary = classification_summary(y_true, y_pred)
    assert summary["macro_f1"] == pytest.approx(expected)
    assert summary["macro_f1"] > f1_score(y_true, y_pred, average="macro")
    with_classes = classification_summary(
        y_true, y_pred, classes=["cubic", "hexagonal", "monoclinic", "trigonal"]
    )
    assert with_classes["macro_f1"] == pytest.approx(expected)
    assert set(with_classes["per_class"]) >= {"monoclinic", "trigonal"}


# ---------------------------------------------------------------- docstrings


def _ids(value):
    return value if isinstance(value, str) else ""


def _documented_callables():
    for name in evaluation.__all__:
        obj = getattr(evaluation, name)
        yield name, obj
        if inspect.isclass(obj):
            for method in ("plot", "fit", "predict_proba", "predict"):
                if hasattr(obj, method):
                    yield f"{name}.{method}", getattr(obj, method)
            for method in dir(obj):
                if method.startswith("from_"):
                    yield f"{name}.{method}", getattr(obj, method)


@pytest.mark.parametrize(
    "name, obj",
    list(_documented_callables()),
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_parameters_are_documented(name, obj):
    is_class = inspect.isclass(obj)
    doc = ClassDoc(obj) if is_class else FunctionDoc(obj)
    target = obj.__init__ if is_class else obj
    signature = [
        p.name
        for p in inspect.signature(target).parameters.values()
        if p.name not in ("self", "cls")
        and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    documented = [
        n.strip()
        for p in doc["Parameters"]
        for n in p.name.split(",")
        if not n.strip().startswith("*")
    ]
    assert documented == signature, f"{name}: {documented} vs {signature}"
    assert doc["Summary"], f"{name} has no summary line"
