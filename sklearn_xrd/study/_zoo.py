"""The study's models: every classifier on every representation, one pipeline each.

Networks (Dense, CNN, CNN-LSTM, BiLSTM, Transformer) and ExtraTrees, on the
pooled spectrum or on the strongest peaks; :func:`make_benchmark_model` builds
the pipeline of one row of the benchmark report, :func:`build_peak_pipeline`
the study's original ExtraTrees protocol. All take patterns on the default
grid (:data:`~sklearn_xrd.simulation.DEFAULT_GRID`).
"""

import numpy as np

#: Models of the study, in the order of the report.
BENCHMARK_MODELS = (
    "dense",
    "cnn",
    "extra_trees",
    "cnn_lstm",
    "small_cnn_lstm",
    "bilstm",
    "transformer",
)

#: Models run only when asked for (``--models physics``): the physics-feature
#: model of :func:`sklearn_xrd.models.make_physics_model` (Q-space peaks,
#: indexing and the strongest peaks, then ExtraTrees), on its own features.
OPTIONAL_MODELS = ("physics",)

#: Input representations: the downsampled pattern and the peak list.
REPRESENTATIONS = ("spectrum", "peaks")

#: Losses of the networks (trees have none).
LOSSES = ("cross_entropy", "focal")

MODEL_NAMES = {
    "dense": "Dense",
    "cnn": "CNN+Dense",
    "extra_trees": "ExtraTrees",
    "cnn_lstm": "CNN-LSTM",
    "small_cnn_lstm": "small CNN-LSTM",
    "bilstm": "BiLSTM",
    "transformer": "Transformer",
    "physics": "Physics features + ExtraTrees",
}

#: Average-pooling factor of the full spectra: 4251 points of 0.02 deg become
#: 1063 points of 0.08 deg (the last one averages the 3 remaining points).
POOL = 4

#: Peaks kept by :class:`~sklearn_xrd.preprocessing.PeakExtractor`.
N_PEAKS = 20


def average_pool(X, factor=POOL):
    """Average consecutive groups of ``factor`` points of each row.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Patterns on a regular grid.
    factor : int, default=4
        Points per group; the last group may be shorter.

    Returns
    -------
    X_pooled : ndarray of shape (n_samples, ceil(n_features / factor))
        Means of the groups, float32.

    Examples
    --------
    >>> average_pool(np.arange(10.0).reshape(1, -1), factor=4)
    array([[1.5, 5.5, 8.5]], dtype=float32)
    """
    X = np.asarray(X, dtype=np.float32)
    starts = np.arange(0, X.shape[1], factor)
    counts = np.diff(np.append(starts, X.shape[1])).astype(np.float32)
    return np.add.reduceat(X, starts, axis=1) / counts


def _network(model, representation, loss, max_epochs, random_state):
    from ..neural import (
        BiLSTMClassifier,
        CNNClassifier,
        CNNLSTMClassifier,
        DenseClassifier,
        TransformerClassifier,
    )

    # Patches of 32 points (2.56 deg) on the pooled spectrum, 4 values on the
    # 40 peak features.
    patch = 32 if representation == "spectrum" else 4
    common = {
        "max_epochs": max_epochs,
        "lr": 1e-3,
        "batch_size": 64,
        "loss": loss,
        "validation_fraction": 0.1,
        "random_state": random_state,
    }
    if model == "dense":
        return DenseClassifier(hidden_units=(128, 64), **common)
    if model == "cnn":
        return CNNClassifier(**common)
    if model == "cnn_lstm":
        return CNNLSTMClassifier(**common)
    if model == "small_cnn_lstm":
        return CNNLSTMClassifier.small(**common)
    if model == "bilstm":
        return BiLSTMClassifier(patch_size=patch, **common)
    if model == "transformer":
        return TransformerClassifier(patch_size=patch, **common)
    raise ValueError(f"unknown model {model!r}; choose from {BENCHMARK_MODELS}")


def make_benchmark_model(
    model,
    representation,
    *,
    loss=None,
    max_epochs=20,
    n_trees=300,
    random_state=0,
    n_jobs=None,
):
    """The pipeline of one row of the benchmark: patterns in, systems out.

    Parameters
    ----------
    model : str
        One of :data:`BENCHMARK_MODELS` or :data:`OPTIONAL_MODELS`.
    representation : {"spectrum", "peaks"}
        ``"spectrum"``: the pattern scaled to maximum 1, then average-pooled
        by 4 (4251 -> 1063 points); ``"peaks"``: the positions and relative
        intensities of the 20 strongest peaks
        (:class:`~sklearn_xrd.preprocessing.PeakExtractor`), standardised for
        the networks. Ignored by ``"physics"``, which has its own features.
    loss : {"cross_entropy", "focal"} or None, default=None
        Loss of a network; must be ``None`` for ExtraTrees.
    max_epochs : int, default=20
        Epochs of a network.
    n_trees : int, default=300
        Trees of ExtraTrees.
    random_state : int, default=0
        Seed of the model.
    n_jobs : int, default=None
        Trees built in parallel.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Takes patterns on the default grid (5-90 deg, step 0.02 deg).
    """
    from sklearn.ensemble import ExtraTreesClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    from ..preprocessing import Normalizer, PeakExtractor
    from ..simulation import DEFAULT_GRID

    if model == "physics":
        try:
            from ..models import make_physics_model
        except ImportError as exc:  # pragma: no cover - optional
            raise ValueError(f"the physics model is unavailable: {exc}") from None
        return make_physics_model(
            random_state=random_state, n_jobs=n_jobs, n_estimators=n_trees
        )
    if representation not in REPRESENTATIONS:
        raise ValueError(
            f"unknown representation {representation!r}; choose from {REPRESENTATIONS}"
        )
    if model == "extra_trees":
        if loss is not None:
            raise ValueError("ExtraTrees has no loss; pass loss=None")
        clf = ExtraTreesClassifier(
            n_estimators=n_trees,
            class_weight="balanced",
            n_jobs=n_jobs,
            random_state=random_state,
        )
    else:
        if loss not in LOSSES:
            raise ValueError(f"a network needs a loss in {LOSSES}; got {loss!r}")
        clf = _network(model, representation, loss, max_epochs, random_state)
    steps = [("normalize", Normalizer())]
    if representation == "spectrum":
        steps.append(("pool", FunctionTransformer(average_pool)))
    else:
        steps.append(
            (
                "peaks",
                PeakExtractor(
                    n_peaks=N_PEAKS,
                    two_theta_start=DEFAULT_GRID["two_theta_range"][0],
                    step=DEFAULT_GRID["step"],
                ),
            )
        )
        if model != "extra_trees":
            steps.append(("scale", StandardScaler()))
    steps.append(("clf", clf))
    return Pipeline(steps)


def build_peak_pipeline(random_state=0, n_jobs=None):
    """Patterns -> broadened -> normalised -> 20 strongest peaks -> ExtraTrees.

    The study's protocol, for stick patterns on the default grid (5-90 deg,
    step 0.02 deg).

    Parameters
    ----------
    random_state : int, default=0
        Seed of the forest.
    n_jobs : int, default=None
        Trees built in parallel.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
    """
    from sklearn.ensemble import ExtraTreesClassifier
    from sklearn.pipeline import make_pipeline

    from ..preprocessing import GaussianBroadening, Normalizer, PeakExtractor

    return make_pipeline(
        GaussianBroadening(fwhm=0.1),
        Normalizer(),
        PeakExtractor(n_peaks=20),
        ExtraTreesClassifier(
            n_estimators=500,
            class_weight="balanced",
            n_jobs=n_jobs,
            random_state=random_state,
        ),
    )
