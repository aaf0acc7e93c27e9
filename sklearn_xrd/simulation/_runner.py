"""One batched runner for the pattern engine: read, check, batch, run, cache.

:class:`~sklearn_xrd.preprocessing.CIFToPattern` and
:func:`~sklearn_xrd.datasets.make_patterns` both simulate through
:func:`simulate_batches`. Inputs are read and checked in the calling process
(a structure becomes the arrays its pattern depends on; a CIF travels as its
text, or as its file name when nothing is cached), cut into batches that
joblib runs, each batch one call of the compiled engine, and cached per batch
with :class:`joblib.Memory`. Every input comes back either as rows or as the
reason it could not be simulated, so nothing is lost silently.
"""

import math
import os
import warnings

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.utils import Bunch
from sklearn.utils.validation import check_memory

from ._engine import PATTERN_MAX, simulate_patterns, structure_arrays
from ._kernel import _scale_rows
from ._structure import check_structure, read_cif
from ._wavelengths import resolve_wavelength
from ._xrd import bin_sticks, check_two_theta_range, grid

# Most inputs in one batch when the caller leaves the batch size to us.
_MAX_BATCH = 2048

_INPUTS = ("filename", "content", "structure", "auto")


def scale_to_max(X):
    """Scale each pattern so that its strongest point is :data:`PATTERN_MAX`.

    The one place where "strongest bin = 100" is applied outside the engine
    (which applies the same arithmetic to its stick patterns).

    Parameters
    ----------
    X : array-like of shape (n_patterns, n_points)

    Returns
    -------
    X_scaled : ndarray of shape (n_patterns, n_points), float64
        A new array; a row without a positive entry is returned unchanged.

    Examples
    --------
    >>> scale_to_max([[0.0, 2.0, 4.0], [0.0, 0.0, 0.0]]).tolist()
    [[0.0, 50.0, 100.0], [0.0, 0.0, 0.0]]
    """
    X = np.array(X, dtype=np.float64, order="C", ndmin=2)
    _scale_rows(X, PATTERN_MAX, -math.inf)
    return X


def _versions():
    """Package versions and the source fingerprint: the cache's notion of "code"."""
    from pymatgen.core import __version__ as pymatgen_version

    from .. import __version__
    from ..utils._fingerprint import source_fingerprint

    return (
        f"sklearn_xrd {__version__} ({source_fingerprint()}), "
        f"pymatgen {pymatgen_version}"
    )


def _name(item, index, input):
    if input == "filename":
        return str(item)
    return f"{'document' if input == 'content' else 'structure'} {index}"


def _read_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError as exc:
        raise ValueError(f"{path}: cannot read file ({exc.strerror})") from exc


def _payload(item, name, input, backend, read_files):
    """What travels to a worker (and keys the cache): ``(kind, content)``.

    A structure is reduced here to what its pattern depends on (lattice,
    coordinates, elements), which also checks it; CIF text is parsed by the
    worker. ``kind`` is ``"error"`` with the reason as content when the input
    is unusable.
    """
    from pymatgen.core import Structure

    try:
        if input == "filename":
            if read_files:  # the cache keys on what the file holds, not its name
                return "cif", _read_text(item)
            return "file", item
        if input == "content" or (input == "auto" and isinstance(item, str)):
            return "cif", item
        if input == "auto" and not isinstance(item, Structure):
            return "error", (
                f"{name}: expected a pymatgen Structure or CIF text, "
                f"got {type(item).__name__}"
            )
        if backend == "pymatgen":
            check_structure(item, name)
            return "structure", item
        return "arrays", structure_arrays(item, name)
    except ValueError as exc:
        return "error", str(exc)


def _pymatgen_rows(structures, *, wavelength, two_theta_range, step, debye_waller):
    """Rows from pymatgen's XRDCalculator, binned like our engine."""
    from pymatgen.analysis.diffraction.xrd import XRDCalculator

    lo, hi = two_theta_range
    calc = XRDCalculator(wavelength=wavelength, debye_waller_factors=debye_waller)
    rows = []
    for structure in structures:
        pattern = calc.get_pattern(
            structure,
            scaled=False,
            two_theta_range=(max(lo - step / 2, 0.0), min(hi + step / 2, 179.99)),
        )
        x, y = np.asarray(pattern.x), np.asarray(pattern.y)
        rows.append(bin_sticks(x, y, two_theta_range, step))
    return scale_to_max(np.vstack(rows))


def _run_batch(batch, params, backend, finish, versions):
    """Worker: ``(kept, rows, skipped)`` for one batch.

    ``batch`` holds ``(index, name, (kind, content), seed)``; ``rows`` stacks
    the rows of the kept inputs in order, as many per input as ``finish``
    makes (one without it). ``versions`` only keys the cache.
    """
    kept, good, seeds, skipped = [], [], [], []
    for index, name, (kind, content), seed in batch:
        try:
            if kind == "error":
                raise ValueError(content)
            if kind in ("cif", "file"):
                content = read_cif(content, name=name, from_text=kind == "cif")
                if backend == "pymatgen":
                    check_structure(content, name)
                else:
                    content = structure_arrays(content, name)
        except ValueError as exc:
            skipped.append((index, str(exc)))
            continue
        kept.append(index)
        good.append(content)
        seeds.append(seed)
    if not good:
        return kept, None, skipped
    if backend == "pymatgen":
        X = _pymatgen_rows(good, **params)
    else:
        X = simulate_patterns(good, **params)
    if finish is not None:
        X = finish(X, seeds)
    return kept, X, skipped


def simulate_batches(
    items,
    *,
    input="structure",
    wavelength="CuKa",
    two_theta_range=(5.0, 90.0),
    step=0.02,
    debye_waller=None,
    backend="numpy",
    finish=None,
    seeds=None,
    batch_size=None,
    n_jobs=None,
    memory=None,
    on_error="raise",
    verbose=0,
):
    """Simulate many structures batch by batch; an iterator of each batch's rows.

    Parameters
    ----------
    items : list
        CIF file names, CIF texts or :class:`pymatgen.core.Structure`, as
        ``input`` says.
    input : {"filename", "content", "structure", "auto"}, default="structure"
        What each item is; ``"auto"``: a structure or a CIF text, item by item.
        Error messages call an item by its file name, ``document i``
        (``"content"``) or ``structure i``.
    wavelength : str or float, default="CuKa"
        A tube line of :data:`~sklearn_xrd.simulation.WAVELENGTHS` or angstrom.
    two_theta_range : tuple of (float, float), default=(5.0, 90.0)
        First and last grid point, degrees.
    step : float, default=0.02
        Grid spacing, degrees.
    debye_waller : dict of str to float, default=None
        Isotropic B factors (square angstrom) by element symbol.
    backend : {"numpy", "pymatgen"}, default="numpy"
        Our compiled engine, or pymatgen's XRDCalculator (the reference).
    finish : callable, default=None
        ``finish(X, seeds)`` turns a batch's stick patterns (strongest bin
        :data:`PATTERN_MAX`) into its output rows, the same number per
        input, in the worker; part of the cache key, so it must pickle.
    seeds : list, default=None
        One value per item, handed to ``finish`` with its rows (e.g. to seed
        augmentation); part of the cache key.
    batch_size : int, default=None
        Items per batch (one engine call, one cache entry). ``None``: the
        items split evenly over the ``n_jobs`` workers, at most 2048 a batch.
    n_jobs : int, default=None
        Parallel jobs over batches (joblib); ``None`` means 1.
    memory : str, path-like or object with the joblib.Memory interface, \
            default=None
        Cache of each batch's rows, keyed on its inputs (CIF texts, or
        lattice, coordinates and elements), the parameters above, the
        versions of sklearn_xrd and pymatgen and a fingerprint of
        sklearn_xrd's source code.
    on_error : {"raise", "skip"}, default="raise"
        An item that cannot be simulated raises ``ValueError`` with the
        reason, or is reported in the batch's ``skipped``.
    verbose : int, default=0
        joblib's progress messages when positive.

    Returns
    -------
    batches : generator of tuple
        One ``(kept, rows, skipped)`` per batch, in input order (the
        arguments are checked before it starts). ``kept``: the indices into
        ``items`` of the batch's simulated inputs; ``rows``: their rows
        stacked in that order, ndarray of shape ``(n_rows, n_bins)``, or
        ``None`` when none was kept; ``skipped``: ``(index, reason)`` of each
        input left out. ``kept`` and ``skipped`` hold every index of the batch.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> nacl = Structure.from_spacegroup(
    ...     "Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5] * 3])
    >>> batches = simulate_batches([nacl, "no CIF", nacl], input="auto",
    ...                            on_error="skip")
    >>> for kept, rows, skipped in batches:
    ...     print(kept, rows.shape, skipped[0][0], skipped[0][1][:29])
    [0, 2] (2, 4251) 1 structure 1: not a CIF with a
    """
    if input not in _INPUTS:
        raise ValueError(f"input must be one of {_INPUTS}, got {input!r}")
    if backend not in ("numpy", "pymatgen"):
        raise ValueError(f"backend must be 'numpy' or 'pymatgen', got {backend!r}")
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
    lo, hi = check_two_theta_range(two_theta_range)
    params = {
        "wavelength": resolve_wavelength(wavelength),
        "two_theta_range": (lo, hi),
        "step": float(step),
        "debye_waller": dict(debye_waller) if debye_waller else None,
    }
    items = list(items)
    n = len(items)
    if seeds is None:
        seeds = [None] * n
    memory = check_memory(
        os.fspath(memory) if isinstance(memory, os.PathLike) else memory
    )
    # a cache (anything but joblib.Memory(None)) keys on file contents
    read_files = getattr(memory, "location", "") is not None
    if batch_size is None:
        n_batches = max(1, min(n, effective_n_jobs(n_jobs)))
        batch_size = max(1, min(_MAX_BATCH, -(-n // n_batches)))
    func = memory.cache(_run_batch)
    versions = _versions()

    def batch(start):
        return [
            (i, name, _payload(items[i], name, input, backend, read_files), seeds[i])
            for i in range(start, min(start + batch_size, n))
            for name in [_name(items[i], i, input)]
        ]

    # A generator: payloads are made as joblib dispatches the batches.
    jobs = (
        delayed(func)(batch(start), params, backend, finish, versions)
        for start in range(0, n, batch_size)
    )
    return _results(
        Parallel(n_jobs=n_jobs, verbose=verbose, return_as="generator")(jobs), on_error
    )


def _results(outputs, on_error):
    """The batches of ``outputs`` in order; the first error raised if asked."""
    try:
        for kept, rows, skipped in outputs:
            if skipped and on_error == "raise":
                raise ValueError(skipped[0][1])
            yield kept, rows, skipped
    finally:
        with warnings.catch_warnings():
            # joblib warns that the batches still running are cancelled
            warnings.simplefilter("ignore", UserWarning)
            outputs.close()


def simulate_many(items, **params):
    """Simulate many structures; all rows in one matrix.

    Parameters
    ----------
    items : list
        CIF file names, CIF texts or :class:`pymatgen.core.Structure`.
    **params
        The keyword arguments of :func:`simulate_batches`.

    Returns
    -------
    result : Bunch
        ``data``: ndarray of shape ``(n_rows, n_bins)``, the rows of the kept
        items in input order; ``index``: the index in ``items`` of each kept
        item; ``skipped``: ``(index, reason)`` pairs. ``len(index) +
        len(skipped) == len(items)``.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> nacl = Structure.from_spacegroup(
    ...     "Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5] * 3])
    >>> result = simulate_many([nacl], two_theta_range=(20, 40), step=0.05)
    >>> result.data.shape, float(result.data.max()), result.skipped
    ((1, 401), 100.0, [])
    """
    kept, blocks, skipped = [], [], []
    for batch_kept, rows, batch_skipped in simulate_batches(items, **params):
        kept.extend(batch_kept)
        skipped.extend(batch_skipped)
        if rows is not None:
            blocks.append(rows)
    if len(blocks) == 1:
        data = blocks[0]
    elif blocks:
        data = np.vstack(blocks)
    else:
        two_theta_range = params.get("two_theta_range", (5.0, 90.0))
        n_bins = len(
            grid(check_two_theta_range(two_theta_range), params.get("step", 0.02))
        )
        data = np.zeros((0, n_bins))
    return Bunch(data=data, index=np.asarray(kept, dtype=np.intp), skipped=skipped)
