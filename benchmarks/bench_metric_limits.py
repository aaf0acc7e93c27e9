"""How many test structures have line positions that another crystal system explains.

The physics features classify by the lattice metric: which cell indexes the
peak positions. For some real structures the positions alone cannot tell the
true crystal system from a higher one, whatever the model:
:func:`sklearn_xrd.indexing.metric_ambiguity` names three cases (primitive
trigonal, a lattice of higher symmetry, a special axis ratio). This script
counts them per crystal system.

``--tolerance`` (default 0.002, relative) is how close counts as equal: a
relative change of d of 0.2 % moves a line at 25 degrees 2-theta (Cu K-alpha)
by 0.05 degrees, the indexing tolerance of the measured-data front end.

The census runs on pymatgen's 288 prototypes and, when ``../shared/data``
is there, on mp20_dev; for mp20_dev the shipped model
(``sklearn_xrd.pretrained.load("crystal-system")``) is also scored on each
group, which shows where its errors on simulated patterns are.

Run::

    python benchmarks/bench_metric_limits.py [--tolerance 0.002] [--n-jobs N]
"""

import argparse
import sys
import time
import warnings

import numpy as np
from _common import command_line

from sklearn_xrd.datasets import get_shared_data_dir, load_structure_table
from sklearn_xrd.indexing import AMBIGUITIES, metric_ambiguity
from sklearn_xrd.study import simulated_test_patterns


def census(name, structures, target, space_groups, tolerance):
    """Print the table of one set; returns which structures fall in a group."""
    t0 = time.perf_counter()
    groups = [
        metric_ambiguity(s, space_group=g, tolerance=tolerance)
        for s, g in zip(structures, space_groups)
    ]
    target = np.asarray(target)
    groups = np.array([g or "" for g in groups])
    print(f"\n{name}: {len(target)} structures ({time.perf_counter() - t0:.0f} s)")
    print("| crystal system | n | " + " | ".join(AMBIGUITIES) + " | any |")
    print("|---|---|" + "---|" * (len(AMBIGUITIES) + 1))
    for c in [*sorted(set(target)), "all"]:
        m = np.ones(len(target), bool) if c == "all" else target == c
        counts = [int(np.sum(groups[m] == g)) for g in AMBIGUITIES]
        print(
            f"| {c} | {m.sum()} | "
            + " | ".join(map(str, counts))
            + f" | {sum(counts)} |"
        )
    ambiguous = groups != ""
    print(
        f"{ambiguous.sum()} of {len(target)} ({ambiguous.mean():.1%}) have line "
        "positions that another crystal system explains as well"
    )
    return ambiguous


def main(argv=None):
    """Print the census; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tolerance",
        type=float,
        default=0.002,
        help="relative tolerance on axis ratios and the lattice metric",
    )
    parser.add_argument("--n-jobs", type=int, default=2, help="parallel workers")
    args = parser.parse_args(argv)
    print("$ " + command_line())
    from sklearn_xrd.datasets import load_prototypes

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        protos = load_prototypes()
        numbers = [None] * len(protos.data)  # pymatgen's analysis, as for the labels
        census("prototypes", protos.data, protos.target, numbers, args.tolerance)

        shared = get_shared_data_dir()
        if shared is None:
            print("\nmp20_dev skipped: no shared validation data (../shared/data)")
            return 0
        path = shared / "structures" / "mp20_dev.csv"
        table = load_structure_table(path, n_jobs=args.n_jobs)
        import pandas as pd

        space_group = pd.read_csv(path, usecols=["material_id", "space_group_number"])
        space_group = dict(space_group.itertuples(index=False))
        numbers = [int(space_group[i]) for i in table.ids]
        ambiguous = census(
            "mp20_dev", table.data, table.target, numbers, args.tolerance
        )

        from sklearn_xrd.pretrained import load

        # the clean patterns of bench_physics_features, from the same structures
        patterns = simulated_test_patterns(table.data, n_jobs=args.n_jobs)
        pred = load("crystal-system").predict(patterns)
    right = pred == np.asarray(table.target)
    print("\nshipped model on mp20_dev (clean simulated patterns):")
    for label, m in (("these structures", ambiguous), ("the others", ~ambiguous)):
        print(
            f"  {label}: {m.sum()} structures, accuracy {right[m].mean():.3f} "
            f"({np.sum(~right[m])} errors)"
        )
    print(
        f"  all: accuracy {right.mean():.3f}; with every one of these structures "
        f"right it would be {(right | ambiguous).mean():.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
