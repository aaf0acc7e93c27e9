"""The evaluation protocol shared by the demo, the benchmarks and the CLI.

Train on synthetic crystals (pyxtal) with training-only augmentation; test on
real structures never seen in training: pymatgen's AFLOW prototypes (always
available), Materials Project's mp20_dev (simulated) and RRUFF's rruff_dev
(measured), the last two when the shared validation data is present.
"""

import time
import warnings

import numpy as np
from sklearn.utils import Bunch

from .utils import CRYSTAL_SYSTEMS

#: Scores of :func:`~sklearn_xrd.evaluation.classification_summary` that the
#: demo, the benchmark report and the benchmark scripts print.
SCORES = ("accuracy", "balanced_accuracy", "macro_f1")

#: Grid of every model here: Cu K-alpha, 5-90 degrees, 0.02 degree steps.
GRID = {"wavelength": "CuKa", "two_theta_range": (5.0, 90.0), "step": 0.02}


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
        ``data`` (float32 patterns on :data:`GRID`), ``target``, ``groups``
        (the crystal each row comes from, for grouped splits), ``structures``,
        ``n_failures`` and ``seconds``.
    """
    from .datasets import make_patterns, make_random_crystals

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
        **GRID,
    )
    return Bunch(
        data=patterns.data,
        target=np.asarray(crystals.target)[patterns.source_index],
        groups=patterns.source_index,
        structures=crystals.data,
        n_failures=crystals.n_failures,
        seconds={"crystals": t1 - t0, "patterns": time.perf_counter() - t1},
    )


def _simulated(structures, n_jobs):
    from .preprocessing import CIFToPattern, GaussianBroadening

    sticks = CIFToPattern(input="structure", n_jobs=n_jobs, **GRID).transform(
        structures
    )
    X = GaussianBroadening(fwhm=0.1, step=GRID["step"]).fit_transform(sticks)
    top = X.max(axis=1, keepdims=True)
    return np.divide(X * 100.0, top, out=np.zeros_like(X), where=top > 0)


def real_test_sets(names=("prototypes", "mp20_dev", "rruff_dev"), *, n_jobs=None):
    """The real test sets, with what was skipped and why.

    Parameters
    ----------
    names : tuple of str, default=("prototypes", "mp20_dev", "rruff_dev")
        Which sets to load.
    n_jobs : int, default=None
        Parallel workers for loading and simulation.

    Returns
    -------
    sets : dict of str to Bunch
        ``data`` (patterns on :data:`GRID`), ``target``, ``ids`` and ``kind``
        (``"simulated"`` or ``"measured"``) for each set found.
    skipped : list of (str, str)
        Sets that could not be loaded, with the reason.
    """
    from .datasets import (
        get_shared_data_dir,
        load_prototypes,
        load_rruff,
        load_structure_table,
    )

    sets, skipped = {}, []
    shared = get_shared_data_dir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for name in names:
            if name == "prototypes":
                b = load_prototypes()
                sets[name] = Bunch(
                    data=_simulated(b.data, n_jobs),
                    target=b.target,
                    ids=b.ids,
                    kind="simulated",
                )
            elif shared is None:
                skipped.append((name, "no shared validation data (../shared/data)"))
            elif name == "mp20_dev":
                b = load_structure_table(
                    shared / "structures" / "mp20_dev.csv", n_jobs=n_jobs
                )
                sets[name] = Bunch(
                    data=_simulated(b.data, n_jobs),
                    target=b.target,
                    ids=b.ids,
                    kind="simulated",
                )
            elif name == "rruff_dev":
                b = load_rruff(shared / "experimental" / "rruff_dev", **GRID_MEASURED)
                sets[name] = Bunch(
                    data=b.data, target=b.target, ids=b.filenames, kind="measured"
                )
            else:
                raise ValueError(f"unknown test set {name!r}")
    return sets, skipped


GRID_MEASURED = {
    "two_theta_range": GRID["two_theta_range"],
    "step": GRID["step"],
    "target_wavelength": GRID["wavelength"],
}


__all__ = [
    "CRYSTAL_SYSTEMS",
    "GRID",
    "SCORES",
    "real_test_sets",
    "synthetic_training_set",
]
