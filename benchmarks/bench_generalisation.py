"""Train on synthetic crystals only; test on real structures and measured patterns.

Protocol (``sklearn_xrd.study``): pyxtal random crystals balanced over the
seven crystal systems, each simulated (Cu K-alpha, 5-90 deg, 0.02 deg,
Gaussian FWHM 0.1 deg) and augmented with ``PatternAugmenter``'s defaults
(shifts, strain, size broadening, texture, background, amorphous hump,
impurity peaks, noise). Test sets: pymatgen's 288 AFLOW prototypes (always),
mp20_dev (969 Materials Project structures, simulated) and rruff_dev (299
measured RRUFF patterns) when the shared data is there.

Run::

    python benchmarks/bench_generalisation.py                 # 100 crystals per class
    python benchmarks/bench_generalisation.py --n-per-class 300 --n-variants 4
"""

import argparse
import sys
import time

from _common import command_line, score_cells
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.pipeline import make_pipeline

from sklearn_xrd.datasets import synthetic_training_set
from sklearn_xrd.evaluation import classification_summary
from sklearn_xrd.preprocessing import BackgroundRemover, Normalizer, PeakExtractor
from sklearn_xrd.study import real_test_sets


def models(random_state, n_jobs):
    def forest():
        return ExtraTreesClassifier(
            n_estimators=300, n_jobs=n_jobs, random_state=random_state
        )

    return {
        "peaks -> ExtraTrees": make_pipeline(
            BackgroundRemover(), Normalizer(), PeakExtractor(n_peaks=20), forest()
        ),
        "full spectrum -> ExtraTrees": make_pipeline(
            BackgroundRemover(), Normalizer(), forest()
        ),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-per-class", type=int, default=100)
    parser.add_argument("--n-variants", type=int, default=4)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--cache", default=".sklearn_xrd_cache", help="joblib cache")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    train = synthetic_training_set(
        args.n_per_class,
        n_variants=args.n_variants,
        random_state=args.random_state,
        n_jobs=args.n_jobs,
        memory=args.cache or None,
    )
    print(
        f"training set: {len(train.structures)} synthetic crystals "
        f"({args.n_per_class} per system, {train.n_failures} generation retries), "
        f"{len(train.data)} patterns with {args.n_variants} augmented variants each; "
        f"{time.perf_counter() - t0:.0f} s"
    )
    sets, skipped = real_test_sets(n_jobs=args.n_jobs)
    for name, reason in skipped:
        print(f"skipped test set {name}: {reason}")
    header = "| model | fit s | " + " | ".join(
        f"{name} acc | {name} bal. acc | {name} macro-F1" for name in sets
    )
    print()
    print(header + " |")
    print("|" + "---|" * (2 + 3 * len(sets)))
    for label, model in models(args.random_state, args.n_jobs).items():
        t1 = time.perf_counter()
        model.fit(train.data, train.target)
        fit_s = time.perf_counter() - t1
        cells = []
        for test in sets.values():
            s = classification_summary(test.target, model.predict(test.data))
            cells += score_cells(s)
        print(f"| {label} | {fit_s:.0f} | " + " | ".join(cells) + " |")
    print()
    print(f"total {time.perf_counter() - t0:.0f} s")
    print("command: " + command_line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
