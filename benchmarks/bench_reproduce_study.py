"""The study's ExtraTrees protocol on a CIF folder or a CSV table of CIFs.

Simulate Cu K-alpha patterns (5-90 deg, 0.02 deg), broaden with a Gaussian,
keep the 20 strongest peaks and classify crystal systems with ExtraTrees.
The split is either grouped by reduced formula (default; no polymorph leaks
between train and test) or the study's per-class caps.

Run::

    python benchmarks/bench_reproduce_study.py   # mp20_dev, else prototypes
    python benchmarks/bench_reproduce_study.py \
        --table ../shared/data/structures/mp20_dev.csv
    python benchmarks/bench_reproduce_study.py --cif-dir path/to/cifs --split capped
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
    load_cif_directory,
    load_prototypes,
    load_structure_table,
)
from sklearn_xrd.evaluation import classification_summary
from sklearn_xrd.preprocessing import CIFToPattern
from sklearn_xrd.study import build_peak_pipeline


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
    args = parser.parse_args(argv)

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
