"""The demo: train on synthetic crystals, test on real structures and patterns.

``sklearn-xrd demo`` (and ``make demo``) runs :func:`run_demo`: the package's
main job end to end, on the protocol of :mod:`sklearn_xrd.study`, in minutes.
"""

import time
from pathlib import Path

from ._protocol import TEST_SETS


def demo_model(random_state=0, n_jobs=None):
    """The model the demo trains: the physics model of :mod:`sklearn_xrd.models`.

    Q-space peaks and automatic-indexing features behind the measured-data
    front end (background removal, smoothing, peak cleaning, normalisation),
    classified by gradient-boosted trees: the best model of
    ``benchmarks/bench_physics_features.py`` on every test set.

    Parameters
    ----------
    random_state : int, default=0
        Seed of the classifier.
    n_jobs : int, default=None
        Parallel workers of the feature steps and the classifier.

    Returns
    -------
    name : str
    model : estimator
        Takes patterns on the default grid, measured or simulated.
    """
    from ..models import make_physics_model

    model = make_physics_model(
        classifier="hist_gradient_boosting", random_state=random_state, n_jobs=n_jobs
    )
    return "Q-space + indexing + peaks -> gradient boosting", model


def _say(line):
    print(line, flush=True)  # a pipe (tee, a log) gets each line as it comes


def confusion_figure(y_true, y_pred, labels, title):
    """The demo's confusion matrix (percent of each true class) as a figure.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted crystal systems.
    labels : list of str
        Classes, in the order of the rows.
    title : str
        Title, wrapped to the figure's width.

    Returns
    -------
    fig : matplotlib Figure
        Constrained layout: the labels and the title fit at its saved size.
    """
    import matplotlib.pyplot as plt

    from ..evaluation import plot_confusion_matrix_percent
    from ..evaluation._layout import set_wrapped_title

    fig, ax = plt.subplots(figsize=(7, 6), layout="constrained")
    plot_confusion_matrix_percent(
        y_true, y_pred, labels=labels, ax=ax, colorbar=False, xticks_rotation=45
    )
    set_wrapped_title(ax, title)
    return fig


def coverage_figure(curves, title):
    """Accuracy of the most certain predictions against the fraction kept.

    Parameters
    ----------
    curves : dict of str to (y_true, y_proba, classes)
        One curve per test set.
    title : str
        Title, wrapped to the figure's width.

    Returns
    -------
    fig : matplotlib Figure
    """
    import matplotlib.pyplot as plt

    from ..evaluation import CertaintyCoverageDisplay
    from ..evaluation._layout import set_wrapped_title

    fig, ax = plt.subplots(figsize=(7, 5), layout="constrained")
    for set_name, (y_true, y_proba, classes) in curves.items():
        CertaintyCoverageDisplay.from_predictions(
            y_true, y_proba, classes=classes, name=set_name, kind="coverage", ax=ax
        )
    ax.grid(alpha=0.3)
    set_wrapped_title(ax, title)
    return fig


def run_demo(
    output="demo_output",
    *,
    n_per_class=100,
    n_variants=2,
    test_sets=TEST_SETS,
    random_state=0,
    n_jobs=None,
    verbose=0,
    out=_say,
):
    """Train on augmented synthetic crystals; test on data the model never saw.

    Training: ``n_per_class`` random crystals per crystal system (pyxtal),
    each simulated and augmented ``n_variants`` times. Testing: pymatgen's
    288 AFLOW prototypes (always), Materials Project's mp20_dev (simulated)
    and RRUFF's rruff_dev (measured) when the shared data is there. Prints
    accuracy, balanced accuracy, macro-F1 and the per-class report for each
    test set, and saves a confusion matrix (percent of each true class) per
    set and one accuracy-coverage figure (the accuracy of the most certain
    predictions against the fraction kept, one curve per set).

    Parameters
    ----------
    output : str or path-like, default="demo_output"
        Folder for the PNG files and ``predictions.csv``.
    n_per_class : int, default=100
        Synthetic crystals per crystal system.
    n_variants : int, default=2
        Augmented copies per crystal.
    test_sets : tuple of str, default=("prototypes", "mp20_dev", "rruff_dev")
        Which real test sets to use (those absent are reported and skipped).
    random_state : int, default=0
        Seed of the crystals, the augmentation and the model.
    n_jobs : int, default=None
        Parallel workers.
    verbose : int, default=0
        tqdm progress bars (crystals, patterns, features, fit), with the
        time left, on stderr when positive. The results do not depend on it.
    out : callable, default=print
        Where the report lines go (printed and flushed line by line).

    Returns
    -------
    scores : dict
        Per test set: ``accuracy``, ``balanced_accuracy``, ``macro_f1``; and
        ``output``, the files written.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import classification_report

    from ..datasets import synthetic_training_set
    from ..evaluation import classification_summary
    from ..utils import CRYSTAL_SYSTEMS, fit_in_chunks, transform_in_chunks
    from ._protocol import SCORES, real_test_sets

    t0 = time.perf_counter()
    out(
        f"Generating {7 * n_per_class} random crystals with pyxtal ({n_per_class} "
        f"per crystal system) and {1 + n_variants} patterns of each ..."
    )
    train = synthetic_training_set(
        n_per_class,
        n_variants=n_variants,
        random_state=random_state,
        n_jobs=n_jobs,
        verbose=verbose,
    )
    out(
        f"Training set: {len(train.structures)} random crystals from pyxtal "
        f"({n_per_class} per crystal system, {train.n_failures} generation retries), "
        f"{len(train.data)} patterns (Cu K-alpha, 5-90 deg, {n_variants} augmented "
        f"variants each) in {time.perf_counter() - t0:.0f} s."
    )
    name, model = demo_model(random_state=random_state, n_jobs=n_jobs)
    out(f"Fitting {name} (features of every pattern, then the classifier) ...")
    t1 = time.perf_counter()
    fit_in_chunks(
        model, train.data, train.target, verbose=verbose, desc="training features"
    )
    out(f"Model: {name}; fitted in {time.perf_counter() - t1:.0f} s.")

    out(f"Loading the test sets ({', '.join(test_sets)}) ...")
    sets, skipped = real_test_sets(test_sets, n_jobs=n_jobs)
    for set_name, reason in skipped:
        out(f"Test set {set_name} skipped: {reason}.")

    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    results, files, curves = {}, [], {}
    lines = ["test_set,id,true,predicted,certainty"]
    for set_name, test in sets.items():
        features = transform_in_chunks(
            model[:-1], test.data, verbose=verbose, desc=f"{set_name} features"
        )
        proba = model[-1].predict_proba(features)
        y_pred = model.classes_[proba.argmax(axis=1)]
        curves[set_name] = (test.target, proba, model.classes_)
        s = classification_summary(test.target, y_pred)
        results[set_name] = {k: s[k] for k in SCORES}
        out(
            f"\n{set_name} ({len(test.target)} {test.kind} patterns, never seen in "
            f"training): accuracy {s['accuracy']:.3f}, balanced accuracy "
            f"{s['balanced_accuracy']:.3f}, macro-F1 {s['macro_f1']:.3f}"
        )
        labels = [c for c in CRYSTAL_SYSTEMS if c in set(test.target) | set(y_pred)]
        out(classification_report(test.target, y_pred, labels=labels, zero_division=0))
        fig = confusion_figure(
            test.target, y_pred, labels, f"{set_name}: {name} (% of true class)"
        )
        png = folder / f"confusion_{set_name}.png"
        fig.savefig(png, dpi=110)
        plt.close(fig)
        files.append(str(png))
        lines += [
            f"{set_name},{i},{t},{p},{c:.3f}"
            for i, t, p, c in zip(test.ids, test.target, y_pred, proba.max(axis=1))
        ]
    if curves:
        fig = coverage_figure(
            curves,
            f"{name}: accuracy of the most certain predictions against the "
            "fraction kept",
        )
        png = folder / "accuracy_coverage.png"
        fig.savefig(png, dpi=110)
        plt.close(fig)
        files.append(str(png))
    csv_path = folder / "predictions.csv"
    csv_path.write_text("\n".join(lines) + "\n")
    files.append(str(csv_path))
    out("Outputs:")
    for f in files:
        out(f"  {Path(f).resolve()}")
    out(f"Total time {time.perf_counter() - t0:.0f} s.")
    results["output"] = files
    return results
