"""Patterns per second of IndexingFeatures on simulated patterns (one core).

Random NaCl-like crystals from pyxtal in space groups of the six searched
lattice systems, simulated on the default Cu K-alpha 5-90 degree grid with a
Gaussian profile, then indexed under all six systems::

    python benchmarks/bench_indexing_speed.py [n_patterns] [n_jobs]
"""

import sys
import time
import warnings

import numpy as np

from sklearn_xrd.preprocessing import IndexingFeatures
from sklearn_xrd.simulation import grid, stick_pattern

SPACE_GROUPS = [225, 221, 123, 139, 191, 194, 166, 148, 47, 62, 11, 14]


def simulate(n_patterns, seed=0):
    from pyxtal import pyxtal

    rng = np.random.default_rng(seed)
    x = grid((5.0, 90.0), 0.02)
    patterns = []
    while len(patterns) < n_patterns:
        sg = int(rng.choice(SPACE_GROUPS))
        crystal = pyxtal()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                crystal.from_random(3, sg, ["Na", "Cl"], [4, 4], random_state=rng)
                tt, inten = stick_pattern(crystal.to_pymatgen())
        except Exception:  # pyxtal gives up on some compositions
            continue
        sigma = 0.04
        pattern = np.zeros_like(x)
        for t, i in zip(tt, inten, strict=True):
            lo, hi = np.searchsorted(x, [t - 5 * sigma, t + 5 * sigma])
            pattern[lo:hi] += i * np.exp(-0.5 * ((x[lo:hi] - t) / sigma) ** 2)
        patterns.append(pattern / pattern.max())
    return np.array(patterns)


def main():
    n_patterns = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    n_jobs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    X = simulate(n_patterns)
    est = IndexingFeatures(n_jobs=n_jobs).fit(X)
    est.transform(X[:2])  # build the cached tables
    start = time.perf_counter()
    est.transform(X)
    elapsed = time.perf_counter() - start
    print(
        f"IndexingFeatures, 6 systems, {n_patterns} patterns, n_jobs={n_jobs}: "
        f"{n_patterns / elapsed:.1f} patterns/s ({1000 * elapsed / n_patterns:.1f} "
        "ms per pattern)"
    )


if __name__ == "__main__":
    main()
