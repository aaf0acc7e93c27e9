"""The evaluation protocol shared by the demo, the benchmarks and the CLI.

Train on synthetic crystals (:func:`~sklearn_xrd.datasets.synthetic_training_set`)
with training-only augmentation; test on real structures never seen in
training: pymatgen's AFLOW prototypes (always available), Materials Project's
mp20_dev (simulated) and RRUFF's rruff_dev (measured), the last two when the
shared validation data is present. Every test set comes on the default grid
(:data:`~sklearn_xrd.simulation.DEFAULT_GRID`), so that one model reads all.
The heavy imports wait inside the functions: ``sklearn-xrd`` reads the demo's
defaults from this family when it builds its parser.
"""

import warnings

#: Scores of :func:`~sklearn_xrd.evaluation.classification_summary` that the
#: demo, the benchmark report and the benchmark scripts print.
SCORES = ("accuracy", "balanced_accuracy", "macro_f1")

#: The real test sets, in the order of the reports.
TEST_SETS = ("prototypes", "mp20_dev", "rruff_dev")


def simulated_test_patterns(structures, *, n_jobs=None):
    """Patterns of real structures as the simulated test sets hold them.

    Stick patterns on the default grid, broadened by a Gaussian of 0.1 deg
    FWHM and scaled so that the strongest point of each row is 100; no
    augmentation, as a test set shows the structures themselves.

    Parameters
    ----------
    structures : list of pymatgen.core.Structure
        The structures.
    n_jobs : int, default=None
        Parallel workers for the simulation.

    Returns
    -------
    X : ndarray of shape (n_structures, 4251)
        Patterns on :data:`~sklearn_xrd.simulation.DEFAULT_GRID`.
    """
    from ..preprocessing import CIFToPattern, GaussianBroadening
    from ..simulation import DEFAULT_GRID, scale_to_max

    sticks = CIFToPattern(input="structure", n_jobs=n_jobs, **DEFAULT_GRID).transform(
        structures
    )
    X = GaussianBroadening(fwhm=0.1, step=DEFAULT_GRID["step"]).fit_transform(sticks)
    return scale_to_max(X)


def real_test_sets(names=TEST_SETS, *, n_jobs=None):
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
        ``data`` (patterns on :data:`~sklearn_xrd.simulation.DEFAULT_GRID`),
        ``target``, ``space_group``, ``ids``, ``formula`` (simulated sets)
        and ``kind`` (``"simulated"`` or ``"measured"``) for each set found.
    skipped : list of (str, str)
        Sets that could not be loaded, with the reason.
    """
    from sklearn.utils import Bunch

    from ..datasets import (
        get_shared_data_dir,
        load_prototypes,
        load_rruff,
        load_structure_table,
    )
    from ..simulation import resampling_params

    sets, skipped = {}, []
    shared = get_shared_data_dir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for name in names:
            if name == "prototypes":
                b = load_prototypes()
                sets[name] = Bunch(
                    data=simulated_test_patterns(b.data, n_jobs=n_jobs),
                    target=b.target,
                    space_group=b.space_group,
                    formula=b.formula,
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
                    data=simulated_test_patterns(b.data, n_jobs=n_jobs),
                    target=b.target,
                    space_group=b.space_group,
                    formula=b.formula,
                    ids=b.ids,
                    kind="simulated",
                )
            elif name == "rruff_dev":
                b = load_rruff(
                    shared / "experimental" / "rruff_dev", **resampling_params()
                )
                sets[name] = Bunch(
                    data=b.data,
                    target=b.target,
                    space_group=b.space_group,
                    ids=b.filenames,
                    kind="measured",
                )
            else:
                raise ValueError(f"unknown test set {name!r}")
    return sets, skipped
