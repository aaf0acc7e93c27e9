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


def run_demo(
    output="demo_output",
    *,
    n_per_class=100,
    n_variants=2,
    test_sets=TEST_SETS,
    random_state=0,
    n_jobs=None,
    out=print,
):
    """Train on augmented synthetic crystals; test on data the model never saw.

    Training: ``n_per_class`` random crystals per crystal system (pyxtal),
    each simulated and augmented ``n_variants`` times. Testing: pymatgen's
    288 AFLOW prototypes (always), Materials Project's mp20_dev (simulated)
    and RRUFF's rruff_dev (measured) when the shared data is there. Prints
    accuracy, balanced accuracy, macro-F1 and the per-class report for each
    test set, and saves a confusion matrix (percent of each true class) per
    set.

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
    out : callable, default=print
        Where the report lines go.

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
    from ..evaluation import classification_summary, plot_confusion_matrix_percent
    from ..utils import CRYSTAL_SYSTEMS
    from ._protocol import SCORES, real_test_sets

    t0 = time.perf_counter()
    train = synthetic_training_set(
        n_per_class, n_variants=n_variants, random_state=random_state, n_jobs=n_jobs
    )
    out(
        f"Training set: {len(train.structures)} random crystals from pyxtal "
        f"({n_per_class} per crystal system, {train.n_failures} generation retries), "
        f"{len(train.data)} patterns (Cu K-alpha, 5-90 deg, {n_variants} augmented "
        f"variants each) in {time.perf_counter() - t0:.0f} s."
    )
    name, model = demo_model(random_state=random_state, n_jobs=n_jobs)
    t1 = time.perf_counter()
    model.fit(train.data, train.target)
    out(f"Model: {name}; fitted in {time.perf_counter() - t1:.0f} s.")

    sets, skipped = real_test_sets(test_sets, n_jobs=n_jobs)
    for set_name, reason in skipped:
        out(f"Test set {set_name} skipped: {reason}.")

    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    results, files = {}, []
    lines = ["test_set,id,true,predicted"]
    for set_name, test in sets.items():
        y_pred = model.predict(test.data)
        s = classification_summary(test.target, y_pred)
        results[set_name] = {k: s[k] for k in SCORES}
        out(
            f"\n{set_name} ({len(test.target)} {test.kind} patterns, never seen in "
            f"training): accuracy {s['accuracy']:.3f}, balanced accuracy "
            f"{s['balanced_accuracy']:.3f}, macro-F1 {s['macro_f1']:.3f}"
        )
        labels = [c for c in CRYSTAL_SYSTEMS if c in set(test.target) | set(y_pred)]
        out(classification_report(test.target, y_pred, labels=labels, zero_division=0))
        fig, ax = plt.subplots(figsize=(7, 6))
        plot_confusion_matrix_percent(
            test.target,
            y_pred,
            labels=labels,
            ax=ax,
            colorbar=False,
            xticks_rotation=45,
        )
        ax.set_title(f"{set_name}: {name} (% of true class)")
        fig.tight_layout()
        png = folder / f"confusion_{set_name}.png"
        fig.savefig(png, dpi=110)
        plt.close(fig)
        files.append(str(png))
        lines += [
            f"{set_name},{i},{t},{p}" for i, t, p in zip(test.ids, test.target, y_pred)
        ]
    csv_path = folder / "predictions.csv"
    csv_path.write_text("\n".join(lines) + "\n")
    files.append(str(csv_path))
    out("Outputs:")
    for f in files:
        out(f"  {Path(f).resolve()}")
    out(f"Total time {time.perf_counter() - t0:.0f} s.")
    results["output"] = files
    return results
