"""The fitted cell of the predicted crystal system, from the indexing search."""

import contextlib

import numpy as np
from sklearn.pipeline import FeatureUnion, Pipeline

from ..indexing import CELL_PARAMETERS
from ..preprocessing import IndexingFeatures
from ..utils import CRYSTAL_SYSTEMS

#: Keys of each dict returned by :func:`predict_cell`.
CELL_KEYS = (
    "crystal_system",
    "lattice",
    *CELL_PARAMETERS,
    "figure_of_merit",
    "n_indexed",
    "zero_shift",
)
_LATTICES = {
    "cubic": ("cubic",),
    "tetragonal": ("tetragonal",),
    "hexagonal": ("hexagonal",),
    "trigonal": ("rhombohedral", "hexagonal"),
    "orthorhombic": ("orthorhombic",),
    "monoclinic": ("monoclinic",),
    "triclinic": (),
}


def _find_indexer(model):
    """``(steps before it, IndexingFeatures)`` inside a pipeline, or None."""
    if isinstance(model, IndexingFeatures):
        return [], model
    if not isinstance(model, Pipeline):
        return None
    for i, (_, step) in enumerate(model.steps):
        candidates = [step]
        if isinstance(step, FeatureUnion):
            candidates = [t for _, t in step.transformer_list]
        for candidate in candidates:
            if isinstance(candidate, IndexingFeatures):
                return [s for _, s in model.steps[:i]], candidate
            if isinstance(candidate, Pipeline):
                found = _find_indexer(candidate)
                if found is not None:
                    prefix, indexer = found
                    return [s for _, s in model.steps[:i]] + prefix, indexer
    return None


def _cell_of(result, system, indexer_systems):
    lattices = [s for s in _LATTICES[system] if s in indexer_systems]
    row = dict.fromkeys(CELL_KEYS[2:], float("nan"))
    row.update(crystal_system=system, lattice=None, n_indexed=0)
    if not lattices:
        return row
    best = max(lattices, key=lambda s: result[s]["fom"])
    r = result[best]
    if not np.all(np.isfinite(r["cell"])):
        return row | {"lattice": best}
    row.update(zip(CELL_PARAMETERS, r["cell"], strict=True))
    row = {k: float(v) if isinstance(v, np.floating) else v for k, v in row.items()}
    row.update(
        lattice=best,
        figure_of_merit=float(r["fom"]),
        n_indexed=int(r["n_indexed"]),
        zero_shift=float(r["zero_shift"]),
    )
    return row


def _check_systems(crystal_systems, n_samples):
    """``crystal_systems`` as strings, one known crystal system per pattern."""
    crystal_systems = np.asarray(crystal_systems).astype(str)
    if crystal_systems.shape != (n_samples,):
        raise ValueError(
            f"crystal_systems must have shape ({n_samples},), "
            f"got {crystal_systems.shape}"
        )
    unknown = sorted(set(crystal_systems) - set(CRYSTAL_SYSTEMS))
    if unknown:
        raise ValueError(
            f"unknown crystal systems {unknown}; expected among {CRYSTAL_SYSTEMS}"
        )
    return crystal_systems


def predict_cell(model, X, crystal_systems=None):
    """The fitted cell of each pattern's predicted crystal system.

    The cell comes from the indexing search of the model's
    :class:`~sklearn_xrd.preprocessing.IndexingFeatures` step (after the
    steps before it, such as the measured-data front end); it is the best
    cell of the lattice system that the crystal system implies. When the
    systems are predicted here, the prediction's own search gives the cells
    (:func:`predict_with_cells`); given systems cost one search per pattern.

    Parameters
    ----------
    model : Pipeline or IndexingFeatures
        A fitted pipeline (for instance from :func:`make_physics_model` or
        :func:`make_indexing_model`), or a bare ``IndexingFeatures`` when
        ``crystal_systems`` is given. A pipeline without an
        ``IndexingFeatures`` step is used for the predictions only, and the
        cells come from a default ``IndexingFeatures`` on ``X`` as given.
    X : array-like of shape (n_samples, n_bins)
        Patterns on the model's grid.
    crystal_systems : array-like of str of shape (n_samples,), default=None
        Crystal system of each pattern; ``None`` predicts it (the most
        probable class of ``model.predict_proba``, else ``model.predict``).

    Returns
    -------
    cells : list of dict
        One dict per pattern with the keys :data:`CELL_KEYS`:
        ``crystal_system``; ``lattice``, the lattice system whose cell is
        given (``None`` for triclinic); ``a, b, c`` (angstrom), ``alpha, beta,
        gamma`` (degrees), ``volume`` (cubic angstrom); ``figure_of_merit``
        (see :func:`sklearn_xrd.indexing.index_peaks`); ``n_indexed`` (peaks
        the cell explains) and ``zero_shift`` (degrees 2-theta). Numbers are
        Python floats and ints, NaN where there is no cell.

    Notes
    -----
    Trigonal: the better (higher figure of merit) of the rhombohedral cell,
    given in hexagonal axes (``a = b``, ``gamma = 120``, three times the
    primitive volume, as in the conventional standard cell of pymatgen), and
    the hexagonal cell (trigonal groups with a hexagonal lattice); ``lattice``
    says which. Monoclinic cells have ``b`` unique and ``beta >= 90``.
    Triclinic: the search has no triclinic metric, so every number is NaN.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> from scipy.ndimage import gaussian_filter1d
    >>> from sklearn_xrd.preprocessing import IndexingFeatures
    >>> from sklearn_xrd.simulation import bin_sticks, stick_pattern
    >>> nacl = Structure.from_spacegroup(
    ...     "Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5] * 3])
    >>> X = gaussian_filter1d(bin_sticks(*stick_pattern(nacl), (5, 90), 0.02), 2)
    >>> indexer = IndexingFeatures(systems=("cubic",)).fit(X[None, :])
    >>> cell = predict_cell(indexer, X[None, :], ["cubic"])[0]
    >>> cell["lattice"], round(cell["a"], 2)
    ('cubic', 5.64)
    """
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_bins), got shape {X.shape}")
    found = _find_indexer(model)
    if (
        crystal_systems is None
        and found is not None
        and hasattr(model, "predict_proba")
    ):
        # the prediction's own search gives the cells: one search per pattern
        proba, cells = predict_with_cells(model, X)
        predicted = np.asarray(model.classes_).astype(str)[proba.argmax(axis=1)]
        _check_systems(predicted, len(X))
        return [c[s] for c, s in zip(cells, predicted)]
    if crystal_systems is None:
        if not hasattr(model, "predict"):
            raise ValueError(
                "crystal_systems is required when the model has no predict method"
            )
        crystal_systems = model.predict(X)
    crystal_systems = _check_systems(crystal_systems, len(X))
    if found is None:
        prefix, indexer = [], IndexingFeatures().fit(X)
    else:
        prefix, indexer = found
    Xt = X
    for step in prefix:
        Xt = step.transform(Xt)
    results = indexer.index_patterns(Xt)
    systems = tuple(indexer.systems)
    return [_cell_of(r, s, systems) for r, s in zip(results, crystal_systems)]


@contextlib.contextmanager
def _patched_search(indexer, wrap):
    """``indexer.index_patterns`` replaced by ``wrap(it)`` on this instance.

    The instance's previous attribute (another patch) comes back on exit, so
    patches nest.
    """
    before = indexer.__dict__.get("index_patterns")
    indexer.index_patterns = wrap(indexer.index_patterns)
    try:
        yield
    finally:
        if before is None:
            del indexer.index_patterns
        else:
            indexer.index_patterns = before


@contextlib.contextmanager
def _recorded_search(indexer):
    """Keep the results of every ``index_patterns`` call of ``indexer``."""
    log = []

    def wrap(search):
        def index_patterns(X):
            results = search(X)
            log.extend(results)
            return results

        return index_patterns

    with _patched_search(indexer, wrap):
        yield log


def _search_params(indexer):
    params = indexer.get_params()
    params.pop("n_jobs")  # where it runs, not what it finds
    return params


@contextlib.contextmanager
def sharing_search(source, target):
    """Let ``target``'s indexing step reuse the searches of ``source``'s.

    Two pipelines with the same front end and an indexing step of the same
    parameters (the shipped crystal-system and space-group models) search
    the same peaks for the same cells. Inside this context, each search of
    ``source`` is kept with its input, and ``target``'s indexing step, given
    an input equal to a kept one, takes those results instead of searching
    again; any other input is searched as usual. Outside it, nothing changes.

    Parameters
    ----------
    source, target : Pipeline or None
        Pipelines with an :class:`~sklearn_xrd.preprocessing.IndexingFeatures`
        step (an :class:`~sklearn_xrd.preprocessing.ExtinctionFeatures` is
        one). With ``None``, or indexing steps of other parameters, the
        context does nothing.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_xrd.preprocessing import ExtinctionFeatures, IndexingFeatures
    >>> x = np.arange(5, 90, 0.02)
    >>> X = sum(np.exp(-0.5 * ((x - p) / 0.05) ** 2) for p in (27.4, 31.7, 45.5))
    >>> first = IndexingFeatures(systems=("cubic",)).fit(X[None])
    >>> second = ExtinctionFeatures(systems=("cubic",)).fit(X[None])
    >>> with sharing_search(first, second):
    ...     a = first.transform(X[None])
    ...     b = second.transform(X[None])  # no second search
    >>> bool(np.array_equal(a, b[:, : a.shape[1]]))
    True
    """
    found = [None if m is None else _find_indexer(m) for m in (source, target)]
    if None in found or _search_params(found[0][1]) != _search_params(found[1][1]):
        yield
        return
    done = []  # (input, results) of source's searches

    def record(search):
        def index_patterns(X):
            results = search(X)
            done.append((X, results))
            return results

        return index_patterns

    def replay(search):
        def index_patterns(X):
            for seen, results in done:
                if np.shape(seen) == np.shape(X) and np.array_equal(seen, X):
                    return results
            return search(X)

        return index_patterns

    with _patched_search(found[0][1], record), _patched_search(found[1][1], replay):
        yield


def predict_with_cells(model, X):
    """Class probabilities and the fitted cells, from one indexing search.

    The model's :class:`~sklearn_xrd.preprocessing.IndexingFeatures` step
    fits a cell of each lattice system while it computes its features; this
    keeps those cells instead of searching again, so asking for the cell
    costs nothing beyond the prediction.

    Parameters
    ----------
    model : Pipeline
        A fitted classifier pipeline with an ``IndexingFeatures`` step (in a
        ``FeatureUnion`` or a nested pipeline), such as the shipped model or
        one of :func:`make_physics_model`.
    X : array-like of shape (n_samples, n_bins)
        Patterns on the model's grid.

    Returns
    -------
    proba : ndarray of shape (n_samples, n_classes)
        ``model.predict_proba(X)``.
    cells : list of dict
        Per pattern, each crystal system mapped to its cell, a dict with the
        keys :data:`CELL_KEYS` as :func:`predict_cell` gives it; pick the
        cell of whichever system is reported (predicted, or after a prior).

    Raises
    ------
    ValueError
        When the model has no ``IndexingFeatures`` step.

    Examples
    --------
    >>> from sklearn_xrd.datasets import load_prototypes, make_patterns
    >>> from sklearn_xrd.models import make_indexing_model
    >>> protos = load_prototypes()
    >>> patterns = make_patterns(protos.data[:40])
    >>> y = [protos.target[i] for i in patterns.source_index]
    >>> model = make_indexing_model(random_state=0).fit(patterns.data, y)
    >>> proba, cells = predict_with_cells(model, patterns.data[:2])
    >>> proba.shape, sorted(cells[0]) == sorted(CRYSTAL_SYSTEMS)
    ((2, 7), True)
    """
    found = _find_indexer(model)
    if found is None:
        raise ValueError(
            f"{type(model).__name__} has no IndexingFeatures step to take cells from"
        )
    indexer = found[1]
    systems = tuple(indexer.systems)
    with _recorded_search(indexer) as log:
        proba = model.predict_proba(X)
    if len(log) != len(proba):  # the search ran elsewhere (a worker process)
        prefix = found[0]
        Xt = np.asarray(X)
        for step in prefix:
            Xt = step.transform(Xt)
        log = indexer.index_patterns(Xt)
    cells = [{s: _cell_of(r, s, systems) for s in CRYSTAL_SYSTEMS} for r in log]
    return proba, cells
