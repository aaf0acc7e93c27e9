"""The study's comparison: every model on every representation, one report.

Train on augmented synthetic crystals (:func:`~sklearn_xrd._protocol.
synthetic_training_set`), choose settings on ``mp20_dev``, test on the
prototypes, ``mp20_dev`` and ``rruff_dev`` (:func:`~sklearn_xrd._protocol.
real_test_sets`), and write ``report.md`` with the figures of
:mod:`sklearn_xrd.evaluation` beside it. ``sklearn-xrd benchmark`` runs it.
"""

import datetime
import pickle
import platform
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from ._protocol import GRID, SCORES, real_test_sets, synthetic_training_set
from .evaluation import classification_summary

#: Models of the study, in the order of the report.
MODELS = (
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
#: Test sets, in the order of the report.
TEST_SETS = ("prototypes", "mp20_dev", "rruff_dev")

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

#: Sizes of the run: crystals per class, augmented copies per crystal,
#: epochs of the networks and trees of the forest.
SIZES = {
    "default": {"n_per_class": 80, "n_variants": 4, "max_epochs": 20, "n_trees": 300},
    "quick": {"n_per_class": 10, "n_variants": 3, "max_epochs": 5, "n_trees": 100},
    "tiny": {"n_per_class": 2, "n_variants": 1, "max_epochs": 1, "n_trees": 10},
}


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
    from .neural import (
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
    raise ValueError(f"unknown model {model!r}; choose from {MODELS}")


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
        One of :data:`MODELS` or :data:`OPTIONAL_MODELS`.
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

    from .preprocessing import Normalizer, PeakExtractor

    if model == "physics":
        try:
            from .models import make_physics_model
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
                    two_theta_start=GRID["two_theta_range"][0],
                    step=GRID["step"],
                ),
            )
        )
        if model != "extra_trees":
            steps.append(("scale", StandardScaler()))
    steps.append(("clf", clf))
    return Pipeline(steps)


def _configurations(models, representations, losses):
    for model in models:
        if model == "physics":
            yield model, "physics", None
            continue
        for representation in representations:
            if model == "extra_trees":
                yield model, representation, None
            else:
                for loss in losses:
                    yield model, representation, loss


def _size(pipeline):
    """(parameters, bytes) of the final step; nodes and pickle bytes for trees."""
    clf = pipeline[-1]
    if hasattr(clf, "n_parameters_"):
        return clf.n_parameters_, clf.model_size_bytes_
    nodes = sum(int(t.tree_.node_count) for t in clf.estimators_)
    return nodes, len(pickle.dumps(clf, protocol=pickle.HIGHEST_PROTOCOL))


def _versions():
    import joblib
    import sklearn
    import skorch
    import torch

    from . import __version__

    return {
        "sklearn_xrd": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "torch": torch.__version__,
        "skorch": skorch.__version__,
        "joblib": joblib.__version__,
        "platform": platform.platform(),
    }


def _check_names(values, allowed, what):
    values = tuple(allowed if values is None else values)
    unknown = [v for v in values if v not in allowed]
    if unknown or not values:
        raise ValueError(f"unknown {what} {unknown}; choose from {allowed}")
    return values


def run_benchmark(
    output="benchmark_output",
    *,
    size="default",
    models=None,
    representations=None,
    losses=None,
    test_sets=TEST_SETS,
    n_per_class=None,
    n_variants=None,
    max_epochs=None,
    random_state=0,
    n_jobs=None,
    memory=None,
    threads=1,
    command=None,
    out=print,
):
    """Train every model on synthetic crystals, test on real sets, write a report.

    Protocol: :func:`~sklearn_xrd._protocol.synthetic_training_set` (random
    pyxtal crystals, balanced over the 7 systems, with augmented copies) is
    the only training data. Each configuration (model x representation x
    loss) is fitted once with fixed settings; for each model the
    configuration with the best macro-F1 on the selection set (``mp20_dev``,
    or a held-out 20 % of the synthetic crystals when ``mp20_dev`` is absent)
    is marked as selected, and the overall best network and the selected
    ExtraTrees get the figures. Scores on the selection set are optimistic
    for the selected rows; the prototypes and ``rruff_dev`` are untouched.

    Parameters
    ----------
    output : str or path-like, default="benchmark_output"
        Folder for ``report.md`` and the PNG figures.
    size : {"default", "quick", "tiny"}, default="default"
        Preset of :data:`SIZES`: ``"default"`` runs in under an hour on two
        CPU cores, ``"quick"`` in a few minutes, ``"tiny"`` is for tests.
    models : list of str, default=None
        Subset of :data:`MODELS` and :data:`OPTIONAL_MODELS`; all of
        :data:`MODELS` when ``None``.
    representations : list of str, default=None
        Subset of :data:`REPRESENTATIONS`; all when ``None``.
    losses : list of str, default=None
        Subset of :data:`LOSSES` for the networks; all when ``None``.
    test_sets : tuple of str, default=("prototypes", "mp20_dev", "rruff_dev")
        Test sets to load (those missing are reported as skipped).
    n_per_class, n_variants, max_epochs : int, default=None
        Override the preset's crystals per class, augmented copies per
        crystal and epochs.
    random_state : int, default=0
        Seed of the crystals, augmentation, splits, models and t-SNE.
    n_jobs : int, default=None
        Parallel workers for crystals, simulation and trees.
    memory : str or None, default=None
        joblib cache folder for the simulated training patterns.
    threads : int or None, default=1
        Threads of torch and of the BLAS and OpenMP pools during the run
        (restored afterwards): one thread avoids oversubscription on small or
        shared machines, where it is several times faster. ``None`` keeps the
        libraries' settings. Trees and simulation use ``n_jobs`` processes.
    command : str, default=None
        Command line recorded in the report; ``sys.argv`` when ``None``.
    out : callable, default=print
        Where progress and the report go.

    Returns
    -------
    result : Bunch
        ``rows`` (one dict per configuration), ``report`` (path of
        ``report.md``), ``figures`` (paths of the PNG files), ``skipped``
        (test sets not loaded, with the reason) and ``seconds``.
    """
    import torch
    from threadpoolctl import threadpool_limits

    if size not in SIZES:
        raise ValueError(f"size must be one of {tuple(SIZES)}; got {size!r}")
    models = (
        MODELS
        if models is None
        else _check_names(models, MODELS + OPTIONAL_MODELS, "models")
    )
    representations = _check_names(representations, REPRESENTATIONS, "representations")
    losses = _check_names(losses, LOSSES, "losses")
    _check_names(test_sets, TEST_SETS, "test sets")
    settings = dict(SIZES[size])
    for key, value in [
        ("n_per_class", n_per_class),
        ("n_variants", n_variants),
        ("max_epochs", max_epochs),
    ]:
        if value is not None:
            settings[key] = int(value)
    if command is None:
        command = " ".join(["sklearn-xrd"] + sys.argv[1:])
    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)

    old_threads = torch.get_num_threads()
    limits = threadpool_limits(limits=threads)  # no-op for None
    if threads is not None:
        torch.set_num_threads(int(threads))
    try:
        return _run(
            folder,
            settings=settings,
            size=size,
            configurations=list(_configurations(models, representations, losses)),
            test_sets=tuple(test_sets),
            random_state=random_state,
            n_jobs=n_jobs,
            memory=memory,
            command=command,
            out=out,
        )
    finally:
        torch.set_num_threads(old_threads)
        limits.restore_original_limits()


def _run(
    folder,
    *,
    settings,
    size,
    configurations,
    test_sets,
    random_state,
    n_jobs,
    memory,
    command,
    out,
):
    from sklearn.model_selection import GroupShuffleSplit

    t_start = time.perf_counter()
    started = datetime.datetime.now(datetime.timezone.utc)
    out(
        f"Synthetic training set: {settings['n_per_class']} crystals per class, "
        f"{settings['n_variants']} augmented copies each ..."
    )
    train = synthetic_training_set(
        settings["n_per_class"],
        n_variants=settings["n_variants"],
        random_state=random_state,
        n_jobs=n_jobs,
        memory=memory,
    )
    out(
        f"  {train.data.shape[0]} patterns from {len(train.structures)} crystals "
        f"({train.n_failures} failures) in {sum(train.seconds.values()):.1f} s"
    )
    out(f"Test sets {', '.join(test_sets)} ...")
    t0 = time.perf_counter()
    sets, skipped = real_test_sets(test_sets, n_jobs=n_jobs)
    out(
        "  "
        + ", ".join(f"{k}: {len(v.target)}" for k, v in sets.items())
        + f" patterns in {time.perf_counter() - t0:.1f} s"
        + "".join(f"; skipped {n} ({why})" for n, why in skipped)
    )

    X_train, y_train = train.data, np.asarray(train.target)
    if "mp20_dev" in sets:
        selection_name = "mp20_dev"
        selection = sets["mp20_dev"]
    else:
        split = GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=random_state)
        fit_idx, val_idx = next(split.split(X_train, y_train, groups=train.groups))
        selection_name = "synthetic_val"
        selection = Bunch(
            data=X_train[val_idx], target=y_train[val_idx], kind="synthetic"
        )
        X_train, y_train = X_train[fit_idx], y_train[fit_idx]
        out(
            f"  no mp20_dev: settings chosen on {len(val_idx)} held-out synthetic "
            "patterns (20 % of the crystals)"
        )
    eval_sets = dict(sets)
    if selection_name not in eval_sets:
        eval_sets[selection_name] = selection

    rows, fitted = [], {}
    for model, representation, loss in configurations:
        label = f"{MODEL_NAMES[model]} / {representation}" + (
            f" / {loss}" if loss else ""
        )
        pipe = make_benchmark_model(
            model,
            representation,
            loss=loss,
            max_epochs=settings["max_epochs"],
            n_trees=settings["n_trees"],
            random_state=random_state,
            n_jobs=n_jobs,
        )
        t0 = time.perf_counter()
        pipe.fit(X_train, y_train)
        fit_seconds = time.perf_counter() - t0
        row = {
            "model": model,
            "name": MODEL_NAMES[model],
            "representation": representation,
            "loss": loss,
            "fit_seconds": fit_seconds,
        }
        row["parameters"], row["bytes"] = _size(pipe)
        n_pred, t_pred, probas = 0, 0.0, {}
        for set_name, data in eval_sets.items():
            t0 = time.perf_counter()
            proba = pipe.predict_proba(data.data)
            t_pred += time.perf_counter() - t0
            n_pred += len(data.data)
            probas[set_name] = proba
            y_pred = pipe.classes_[proba.argmax(axis=1)]
            summary = classification_summary(data.target, y_pred)
            for metric in SCORES:
                row[f"{set_name}:{metric}"] = summary[metric]
        row["throughput"] = n_pred / t_pred if t_pred > 0 else float("inf")
        row["selection_score"] = row[f"{selection_name}:macro_f1"]
        rows.append(row)
        fitted[len(rows) - 1] = (pipe, probas)
        out(
            f"  {label:<42} fit {fit_seconds:7.1f} s  "
            + "  ".join(
                f"{name} F1 {row[f'{name}:macro_f1']:.3f}" for name in eval_sets
            )
        )

    # Selection: best macro-F1 on the selection set per model.
    for model in dict.fromkeys(r["model"] for r in rows):
        idx = [i for i, r in enumerate(rows) if r["model"] == model]
        best = max(idx, key=lambda i: rows[i]["selection_score"])
        for i in idx:
            rows[i]["selected"] = i == best

    figure_set = next(
        (s for s in ("rruff_dev", "prototypes", "mp20_dev") if s in sets),
        selection_name,
    )
    figures = _figures(
        folder, rows, fitted, eval_sets[figure_set], figure_set, random_state
    )
    seconds = time.perf_counter() - t_start
    text = _report(
        rows=rows,
        figures=figures,
        train=train,
        n_train=len(y_train),
        sets=sets,
        skipped=skipped,
        selection_name=selection_name,
        selection_size=len(selection.target),
        figure_set=figure_set,
        settings=settings,
        size=size,
        random_state=random_state,
        command=command,
        started=started,
        seconds=seconds,
        eval_names=list(eval_sets),
    )
    report = folder / "report.md"
    report.write_text(text, encoding="utf-8")
    out("")
    out(text)
    out(f"Report: {report.resolve()}")
    return Bunch(
        rows=rows,
        report=report,
        figures=[folder / f for f, _ in figures],
        skipped=skipped,
        seconds=seconds,
    )


def _slug(row):
    parts = [row["model"], row["representation"]] + (
        [row["loss"]] if row["loss"] else []
    )
    return "_".join(parts)


def _title(row):
    return f"{row['name']} ({row['representation']}" + (
        f", {row['loss']})" if row["loss"] else ")"
    )


def _figures(folder, rows, fitted, data, set_name, random_state):
    """PNG figures for the best network and the selected ExtraTrees."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .evaluation import (
        CertaintyCoverageDisplay,
        CertaintyHistogramDisplay,
        FeatureEmbeddingDisplay,
        FeatureImportanceDisplay,
        ReliabilityDisplay,
        TrainingCurveDisplay,
        plot_confusion_matrix_percent,
    )

    def pick(predicate):
        idx = [i for i, r in enumerate(rows) if predicate(r)]
        return max(idx, key=lambda i: rows[i]["selection_score"]) if idx else None

    chosen = [
        i
        for i in (
            pick(lambda r: r["model"] not in ("extra_trees", "physics")),
            pick(lambda r: r["model"] == "extra_trees"),
        )
        if i is not None
    ]
    figures = []

    def save(fig, name, caption):
        fig.tight_layout()
        fig.savefig(folder / name, dpi=100)
        plt.close(fig)
        figures.append((name, caption))

    y = np.asarray(data.target)
    for i in chosen:
        row, (pipe, probas) = rows[i], fitted[i]
        proba = probas[set_name]
        y_pred = pipe.classes_[proba.argmax(axis=1)]
        labels = sorted(set(y) | set(y_pred))
        fig, ax = plt.subplots(figsize=(6.5, 5.5))
        plot_confusion_matrix_percent(
            y, y_pred, labels=labels, xticks_rotation=45, ax=ax, colorbar=False
        )
        ax.set_title(f"{_title(row)} on {set_name} (% of true class)", fontsize=9)
        save(
            fig,
            f"confusion_{_slug(row)}.png",
            f"Confusion matrix (percent), {_title(row)}, {set_name}",
        )
        fig, ax = plt.subplots(figsize=(6, 4))
        CertaintyHistogramDisplay.from_predictions(
            y, proba, classes=pipe.classes_, name=_title(row), ax=ax
        )
        save(
            fig,
            f"certainty_{_slug(row)}.png",
            f"Certainty histogram, {_title(row)}, {set_name}",
        )

    fig_cov, ax_cov = plt.subplots(figsize=(6, 4))
    fig_rel, ax_rel = plt.subplots(figsize=(5, 5))
    for i in chosen:
        row, (pipe, probas) = rows[i], fitted[i]
        CertaintyCoverageDisplay.from_predictions(
            y, probas[set_name], classes=pipe.classes_, name=_title(row), ax=ax_cov
        )
        ReliabilityDisplay.from_predictions(
            y,
            probas[set_name],
            classes=pipe.classes_,
            name=_title(row),
            ax=ax_rel,
            ref_line=i == chosen[0],
        )
    save(fig_cov, "coverage.png", f"Accuracy against coverage, {set_name}")
    save(fig_rel, "reliability.png", f"Reliability diagram, {set_name}")

    for i in chosen:
        row, (pipe, _) = rows[i], fitted[i]
        if not hasattr(pipe[-1], "history_"):
            fig, ax = plt.subplots(figsize=(6, 5))
            FeatureImportanceDisplay.from_estimator(pipe, name=_title(row), ax=ax)
            save(
                fig,
                "feature_importances.png",
                f"ExtraTrees feature importances, {_title(row)}",
            )
            continue
        fig, ax = plt.subplots(figsize=(6, 4))
        TrainingCurveDisplay.from_estimator(pipe[-1], name=_title(row), ax=ax)
        save(fig, "training_curve.png", f"Training curves, {_title(row)}")
        if len(y) >= 5:
            fig, ax = plt.subplots(figsize=(6, 5))
            FeatureEmbeddingDisplay.from_estimator(
                pipe,
                data.data,
                y,
                random_state=random_state,
                name=_title(row),
                ax=ax,
            )
            save(
                fig,
                "tsne.png",
                f"t-SNE of the learned features, {_title(row)}, {set_name}",
            )
    return figures


def _fmt_int(value):
    return f"{int(value):,}".replace(",", " ")


def _report(
    *,
    rows,
    figures,
    train,
    n_train,
    sets,
    skipped,
    selection_name,
    selection_size,
    figure_set,
    settings,
    size,
    random_state,
    command,
    started,
    seconds,
    eval_names,
):
    short = {"accuracy": "acc", "balanced_accuracy": "bal", "macro_f1": "F1"}
    lines = [
        "# sklearn-xrd benchmark",
        "",
        f"- Command: `{command}`",
        f"- Date: {started.strftime('%Y-%m-%d %H:%M:%S UTC')}; "
        f"wall time {seconds:.0f} s",
        "- Versions: " + ", ".join(f"{k} {v}" for k, v in _versions().items()),
        f"- Size preset: `{size}` ({', '.join(f'{k}={v}' for k, v in settings.items())}"
        f"), random_state={random_state}",
        "",
        "## Protocol",
        "",
        f"- Training: {n_train} synthetic patterns of "
        f"{len(train.structures)} random pyxtal crystals "
        f"({settings['n_per_class']} per crystal system, {train.n_failures} "
        f"generation failures), each the clean pattern plus "
        f"{settings['n_variants']} augmented copies (PatternAugmenter defaults); "
        "Cu K-alpha, 5-90 deg, step 0.02 deg (4251 points).",
        f"- Representations: **spectrum** = pattern scaled to maximum 1, "
        f"average-pooled by {POOL} (4251 -> 1063 points of 0.08 deg); "
        f"**peaks** = positions and relative intensities of the {N_PEAKS} "
        "strongest peaks (PeakExtractor, 40 features; standardised for networks).",
        f"- Networks: Adam, lr 1e-3, batch 64, {settings['max_epochs']} epochs, "
        "10 % of the training rows held out for the training curves only, "
        "cross-entropy and focal loss (gamma 2); BiLSTM and Transformer read "
        "patches of 32 points (spectrum) or 4 values (peaks). ExtraTrees: "
        f"{settings['n_trees']} trees, balanced class weights.",
        f"- Selection: per model, the configuration with the best macro-F1 on "
        f"**{selection_name}** ({selection_size} patterns) is marked *; its "
        f"{selection_name} scores are therefore optimistic. The figures show the "
        "best network and the selected ExtraTrees.",
        "- Test: "
        + ", ".join(
            f"{name} ({len(b.target)} {b.kind} patterns)" for name, b in sets.items()
        )
        + ". The prototypes (pymatgen's AFLOW library) and rruff_dev (measured "
        "RRUFF patterns) play no part in training or selection.",
        "- Skipped: "
        + (
            "; ".join(f"{name} ({why})" for name, why in skipped)
            if skipped
            else "nothing"
        )
        + ".",
        "- Size: networks: weights and bytes of float32 weights and buffers; "
        "ExtraTrees: tree nodes and pickled bytes. Fit seconds include the "
        "preprocessing; throughput is patterns per second of `predict_proba` "
        "over all the test sets, preprocessing included.",
        "",
        "## Results",
        "",
    ]
    header = ["model", "input", "loss", "sel"]
    for name in eval_names:
        header += [f"{name} {s}" for s in short.values()]
    header += ["params", "bytes", "fit s", "patterns/s"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append(
        "|" + "|".join(["---"] * 3 + [":-:"] + ["--:"] * (len(header) - 4)) + "|"
    )
    for row in rows:
        cells = [
            row["name"],
            row["representation"],
            row["loss"] or "-",
            "*" if row.get("selected") else "",
        ]
        for name in eval_names:
            cells += [f"{row[f'{name}:{m}']:.3f}" for m in short]
        cells += [
            _fmt_int(row["parameters"]),
            _fmt_int(row["bytes"]),
            f"{row['fit_seconds']:.1f}",
            f"{row['throughput']:.0f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "acc = accuracy, bal = balanced accuracy, F1 = macro-F1 over the classes "
        "present in each set; sel = selected on " + selection_name + ".",
        "",
        f"## Figures ({figure_set})",
        "",
    ]
    for name, caption in figures:
        lines.append(f"- [{caption}]({name})")
    lines.append("")
    return "\n".join(lines)
