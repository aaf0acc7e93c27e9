"""The study's comparison: every model on every representation, one report.

Train on augmented synthetic crystals
(:func:`~sklearn_xrd.datasets.synthetic_training_set`), choose settings on
``mp20_dev``, test on the prototypes, ``mp20_dev`` and ``rruff_dev``
(:func:`~sklearn_xrd.study.real_test_sets`), and write ``report.md`` with the
figures of :mod:`sklearn_xrd.evaluation` beside it. ``sklearn-xrd benchmark``
runs it.
"""

import datetime
import pickle
import sys
import time
from pathlib import Path

import numpy as np

from ..utils import progress_bar
from ._figures import save_figures
from ._protocol import SCORES, TEST_SETS, real_test_sets
from ._report import report_markdown
from ._zoo import (
    BENCHMARK_MODELS,
    LOSSES,
    MODEL_NAMES,
    OPTIONAL_MODELS,
    REPRESENTATIONS,
    make_benchmark_model,
)

#: Sizes of the run: crystals per class, augmented copies per crystal,
#: epochs of the networks and trees of the forest.
SIZES = {
    "default": {"n_per_class": 80, "n_variants": 4, "max_epochs": 20, "n_trees": 300},
    "quick": {"n_per_class": 10, "n_variants": 3, "max_epochs": 5, "n_trees": 100},
    "tiny": {"n_per_class": 2, "n_variants": 1, "max_epochs": 1, "n_trees": 10},
}


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
    verbose=0,
    out=print,
):
    """Train every model on synthetic crystals, test on real sets, write a report.

    Protocol: :func:`~sklearn_xrd.datasets.synthetic_training_set` (random
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
        Subset of :data:`BENCHMARK_MODELS` and :data:`OPTIONAL_MODELS`; all of
        :data:`BENCHMARK_MODELS` when ``None``.
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
    verbose : int, default=0
        tqdm progress bars (crystals, patterns, then one step per model), with
        the time left, on stderr when positive. The results do not depend on
        it.
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
        BENCHMARK_MODELS
        if models is None
        else _check_names(models, BENCHMARK_MODELS + OPTIONAL_MODELS, "models")
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
            verbose=verbose,
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
    verbose,
    out,
):
    from sklearn.model_selection import GroupShuffleSplit
    from sklearn.utils import Bunch

    from ..datasets import synthetic_training_set
    from ..evaluation import classification_summary

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
        verbose=verbose,
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
    bar = progress_bar(verbose, total=len(configurations), desc="models", unit="model")
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
        with bar.external_write_mode():  # the line above the bar
            out(
                f"  {label:<42} fit {fit_seconds:7.1f} s  "
                + "  ".join(
                    f"{name} F1 {row[f'{name}:macro_f1']:.3f}" for name in eval_sets
                )
            )
        bar.update(1)
    bar.close()

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
    figures = save_figures(
        folder, rows, fitted, eval_sets[figure_set], figure_set, random_state
    )
    seconds = time.perf_counter() - t_start
    text = report_markdown(
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
