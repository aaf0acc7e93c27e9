"""The synthetic training set: augmented patterns of random symmetric crystals.

What the demo, the benchmarks and the shipped model's recipe train on:
:func:`~sklearn_xrd.datasets.make_random_crystals` balanced over the seven
crystal systems, simulated and augmented by
:func:`~sklearn_xrd.datasets.make_patterns` on the default grid.
"""

import time

import numpy as np
from sklearn.utils import Bunch

from ..simulation import DEFAULT_GRID
from ._patterns import make_patterns
from ._synthetic import make_random_crystals


def synthetic_training_set(
    n_per_class=100,
    *,
    n_variants=4,
    random_state=0,
    n_jobs=None,
    memory=None,
    verbose=0,
):
    """Augmented patterns of random crystals, balanced over the 7 systems.

    Parameters
    ----------
    n_per_class : int, default=100
        Crystals per crystal system
        (:func:`~sklearn_xrd.datasets.make_random_crystals`).
    n_variants : int, default=4
        Augmented copies per crystal, beside the clean pattern
        (:class:`~sklearn_xrd.augmentation.PatternAugmenter` defaults).
    random_state : int, default=0
        Seed of the crystals and of the augmentation.
    n_jobs : int, default=None
        Parallel workers.
    memory : str or None, default=None
        joblib cache folder for the patterns.
    verbose : int, default=0
        Progress bars.

    Returns
    -------
    data : Bunch
        ``data`` (float32 patterns on
        :data:`~sklearn_xrd.simulation.DEFAULT_GRID`), ``target``,
        ``space_group`` (spglib-confirmed number per row), ``groups``
        (the crystal each row comes from, for grouped splits), ``structures``,
        ``n_failures`` and ``seconds``.
    """
    t0 = time.perf_counter()
    crystals = make_random_crystals(
        n_per_class, random_state=random_state, n_jobs=n_jobs, verbose=verbose
    )
    t1 = time.perf_counter()
    patterns = make_patterns(
        crystals.data,
        n_variants=n_variants,
        random_state=random_state,
        n_jobs=n_jobs,
        memory=memory,
        verbose=verbose,
        **DEFAULT_GRID,
    )
    return Bunch(
        data=patterns.data,
        target=np.asarray(crystals.target)[patterns.source_index],
        space_group=np.asarray(crystals.space_group)[patterns.source_index],
        groups=patterns.source_index,
        structures=crystals.data,
        n_failures=crystals.n_failures,
        seconds={"crystals": t1 - t0, "patterns": time.perf_counter() - t1},
    )
