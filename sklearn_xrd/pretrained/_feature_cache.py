"""Features of named blocks of patterns, computed once and kept on disk.

A module of its own: joblib's Memory keys a cached function by its source
and its first line, so any edit above it in a busy file (a recipe default)
would throw away the cached features; here nothing moves it.
"""

import numpy as np

from ..utils import transform_in_chunks


def _features_block(key, features, X, verbose=0):
    """Features of one block of patterns (``X`` is identified by ``key``)."""
    # row by row, so chunks give the rows of one transform; a bar under verbose
    name = key[0][0] if isinstance(key[0], tuple) else key[0]
    return transform_in_chunks(
        features, X, verbose=verbose, desc=f"{name} features", dtype=np.float32
    )


class FeatureCache:
    """The feature steps of a model, applied once per named block of patterns.

    With a ``memory`` folder the features are kept on disk (joblib), keyed by
    the block's name, the feature steps and the package's source fingerprint,
    so the build and the benchmarks that learn from the same blocks compute
    them once.

    Parameters
    ----------
    model : Pipeline
        A model of the recipe's ``build_model``; every step but the last
        is stateless.
    memory : str or None
        joblib cache folder, or ``None`` for no cache.
    verbose : int, default=0
        A progress bar over the patterns of a block being computed (not part
        of the cache key).
    """

    def __init__(self, model, memory=None, verbose=0):
        from joblib import Memory

        from ..utils._fingerprint import source_fingerprint

        self.features = model[:-1]
        self._key = (repr(self.features), source_fingerprint())
        self._block = Memory(memory, verbose=0).cache(
            _features_block, ignore=["X", "verbose"]
        )
        self.verbose = verbose
        self._fitted = False

    def __call__(self, name, X):
        """Features of the patterns ``X``, cached under ``name``."""
        if not self._fitted:
            self.features.fit(X[:2])  # stateless: checks the grid only
            self._fitted = True
        return self._block((name,) + self._key, self.features, X, self.verbose)
