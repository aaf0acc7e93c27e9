"""What the benchmark scripts share, written once.

The command line each script prints under its figures, the check for the
shared validation data, the cells of a score table, and the cached data of
the physics-feature benchmarks: the synthetic training set, the real test
sets and the feature blocks, keyed by the package's source fingerprint so a
code change recomputes them. Scripts import it by name (``from _common
import ...``): Python puts a script's own folder first on its path.
"""

import shlex
import sys

import numpy as np
from sklearn.base import clone
from sklearn.pipeline import FeatureUnion

from sklearn_xrd.datasets import get_shared_data_dir, synthetic_training_set
from sklearn_xrd.study import SCORES, real_test_sets
from sklearn_xrd.utils._fingerprint import source_fingerprint

NO_SHARED_DATA = "no shared validation data (../shared/data or SKLEARN_XRD_DATA)"


def command_line():
    """``python <script> <arguments>``, quoted for a shell."""
    return "python " + shlex.join(sys.argv)


def shared_data_or_none():
    """The shared data folder; ``None``, with a line saying so, when absent."""
    shared = get_shared_data_dir()
    if shared is None:
        print(f"skipped: {NO_SHARED_DATA}")
    return shared


def score_cells(summary):
    """Accuracy, balanced accuracy and macro-F1 of a summary, 3 decimals each.

    ``summary`` is what :func:`sklearn_xrd.evaluation.classification_summary`
    returns.
    """
    return [f"{summary[k]:.3f}" for k in SCORES]


def _training_set(n_per_class, n_variants, random_state, n_jobs, fingerprint):
    b = synthetic_training_set(
        n_per_class, n_variants=n_variants, random_state=random_state, n_jobs=n_jobs
    )
    return {"data": b.data, "target": np.asarray(b.target), "groups": b.groups}


def _test_sets(names, n_jobs, fingerprint):
    sets, skipped = real_test_sets(names, n_jobs=n_jobs)
    return {k: dict(v) for k, v in sets.items()}, skipped


def add_data_arguments(parser):
    """The options that choose the training set, the workers and the cache."""
    parser.add_argument("--n-per-class", type=int, default=300)
    parser.add_argument("--n-variants", type=int, default=2)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--cache", default=".sklearn_xrd_cache", help="joblib cache")


def cached_training_set(args, memory):
    """The synthetic training set that ``args`` names, from the cache if there."""
    return memory.cache(_training_set, ignore=["n_jobs"])(
        args.n_per_class,
        args.n_variants,
        args.random_state,
        args.n_jobs,
        source_fingerprint(),
    )


def cached_test_sets(args, memory, names):
    """The test sets ``names`` and what was skipped, from the cache if there."""
    return memory.cache(_test_sets, ignore=["n_jobs"])(
        names, args.n_jobs, source_fingerprint()
    )


def training_set_key(args):
    """The name under which the training set's features are cached."""
    return f"train-{args.n_per_class}-{args.n_variants}-{args.random_state}"


def _block(key, transformer, X):
    """One feature block of one data set (``X`` is identified by ``key``)."""
    return np.asarray(transformer.fit_transform(X), dtype=np.float32)


class FeatureBlocks:
    """Front ends and feature blocks, computed once per data set and cached."""

    def __init__(self, memory, n_jobs):
        self._block = memory.cache(_block, ignore=["X"])
        self._frontends = {}
        self.n_jobs = n_jobs

    def __call__(self, key, X, model):
        frontend, features = model.named_steps["frontend"], model[1]
        fkey = (key, repr(frontend))
        if fkey not in self._frontends:
            self._frontends[fkey] = clone(frontend).fit_transform(X)
        Xf = self._frontends[fkey]
        blocks = (
            [t for _, t in features.transformer_list]
            if isinstance(features, FeatureUnion)
            else [features]
        )
        parts = []
        for t in blocks:
            t = clone(t)
            if "n_jobs" in t.get_params():
                t.set_params(n_jobs=self.n_jobs)
            # the code fingerprint: a changed search never reuses old features
            parts.append(self._block(fkey + (repr(t), source_fingerprint()), t, Xf))
        return np.hstack(parts)
