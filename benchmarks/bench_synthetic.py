"""Throughput of the synthetic-data pipeline: crystals/s and patterns/s.

Run: ``python benchmarks/bench_synthetic.py [--n-per-class 10] [--n-jobs 1]``.
Prints the speed of :func:`make_random_crystals` (pyxtal), the failure rate per
crystal system (failed attempts per generated crystal), and the speed of
:func:`make_patterns` on those crystals, with and without variants.
"""

import argparse
import time

import numpy as np

from sklearn_xrd.datasets import make_patterns, make_random_crystals

# private: the failure kinds make_random_crystals counts, and its per-space-group
# table (warmed up here so that the timing leaves it out)
from sklearn_xrd.datasets._synthetic import FAILURE_KINDS, _group


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-per-class", type=int, default=10)
    parser.add_argument("--max-atoms", type=int, default=40)
    parser.add_argument("--n-variants", type=int, default=4)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--distribution", default="uniform")
    parser.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args()

    # Building pyxtal's 230 Group objects (~40 ms each, cached per process) is
    # a one-off cost; with n_jobs=1 it is paid here, outside the timing.
    start = time.perf_counter()
    make_random_crystals(1, crystal_systems=["cubic"], random_state=0)
    if args.n_jobs == 1:
        for number in range(1, 231):
            _group(number)
    print(f"warm-up (imports, space-group tables): {time.perf_counter() - start:.1f} s")

    start = time.perf_counter()
    crystals = make_random_crystals(
        args.n_per_class,
        max_atoms=args.max_atoms,
        space_group_distribution=args.distribution,
        random_state=args.random_state,
        n_jobs=args.n_jobs,
    )
    elapsed = time.perf_counter() - start
    n = len(crystals.data)
    print(
        f"make_random_crystals: {n} crystals in {elapsed:.1f} s = "
        f"{n / elapsed:.1f} crystals/s (n_jobs={args.n_jobs}, "
        f"max_atoms={args.max_atoms}, {args.distribution})"
    )
    print(f"  atoms per cell: median {np.median([len(s) for s in crystals.data]):.0f}")
    print("  failed attempts per crystal (" + ", ".join(FAILURE_KINDS) + "):")
    for system, counts in crystals.failures.items():
        rates = ", ".join(f"{counts[k] / args.n_per_class:.2f}" for k in FAILURE_KINDS)
        print(f"    {system:<12} {rates}")

    for n_variants in (0, args.n_variants):
        start = time.perf_counter()
        patterns = make_patterns(
            crystals.data,
            n_variants=n_variants,
            random_state=args.random_state,
            n_jobs=args.n_jobs,
        )
        elapsed = time.perf_counter() - start
        rows = len(patterns.data)
        print(
            f"make_patterns (n_variants={n_variants}): {rows} patterns in "
            f"{elapsed:.1f} s = {rows / elapsed:.1f} patterns/s, "
            f"{n / elapsed:.1f} structures/s"
        )


if __name__ == "__main__":
    main()
