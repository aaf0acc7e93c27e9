"""Patterns at scale: simulate, broaden and augment many structures."""

import io
import os
from numbers import Integral, Real

import numpy as np
from sklearn.base import clone
from sklearn.utils import Bunch, check_random_state
from sklearn.utils.validation import check_memory

from ..simulation import grid, resolve_wavelength, scale_to_max, simulate_batches
from ..simulation._xrd import check_two_theta_range


def _set_grid(estimator, wavelength, start, step):
    """Give ``estimator`` our grid, for the parameters it has."""
    params = estimator.get_params(deep=False)
    on_grid = {"wavelength": wavelength, "two_theta_start": start, "step": step}
    estimator.set_params(**{k: v for k, v in on_grid.items() if k in params})
    return estimator


def _check_profile(profile, wavelength, start, step):
    from ..preprocessing import GaussianBroadening

    if profile is None:
        return GaussianBroadening(fwhm=0.1, step=step)
    if isinstance(profile, str) and profile == "passthrough":
        return None
    if not hasattr(profile, "fit_transform") or not hasattr(profile, "get_params"):
        raise ValueError(
            "profile must be None, 'passthrough' or a transformer of patterns "
            f"(e.g. GaussianBroadening, PseudoVoigtProfile), got {profile!r}"
        )
    return _set_grid(clone(profile), wavelength, start, step)


def _check_augment(augment, n_variants, wavelength, start, step):
    from ..augmentation import PatternAugmenter

    if n_variants == 0:
        return None
    if augment is None:
        augment = PatternAugmenter()
    elif isinstance(augment, dict):
        try:
            augment = PatternAugmenter(**augment)
        except TypeError as exc:
            raise ValueError(
                f"augment: bad PatternAugmenter parameters ({exc})"
            ) from None
    elif not hasattr(augment, "fit_resample") or not hasattr(augment, "set_params"):
        raise ValueError(
            "augment must be None, a dict of PatternAugmenter parameters or a "
            f"sampler with fit_resample and set_params, got {augment!r}"
        )
    else:
        augment = clone(augment)
    augment.set_params(n_variants=n_variants, keep_original=True)
    return _set_grid(augment, wavelength, start, step)


class _Finish:
    """Worker side of :func:`make_patterns`: profile, strongest point 100, variants.

    ``profile`` is already fitted; both are part of the cache key.
    """

    def __init__(self, profile, augment):
        self.profile = profile
        self.augment = augment

    def __call__(self, X, seeds):
        if self.profile is not None:
            X = np.asarray(self.profile.transform(X), dtype=float)
        X = scale_to_max(X)
        if self.augment is None:
            return X.astype(np.float32)
        blocks = []
        for row, seed in zip(X, seeds):
            sampler = clone(self.augment).set_params(random_state=seed)
            rows, _ = sampler.fit_resample(row[None, :], np.zeros(1))
            blocks.append(np.asarray(rows, dtype=np.float32))
        return np.vstack(blocks)


def _shrink_npy(path, n_rows):
    """Cut the ``.npy`` file at ``path`` to its first ``n_rows`` rows, in place."""
    fmt = np.lib.format
    with open(path, "r+b") as fh:
        major, minor = fmt.read_magic(fh)
        read_header = fmt.read_array_header_1_0
        if major != 1:
            read_header = fmt.read_array_header_2_0
        shape, fortran_order, dtype = read_header(fh)
        offset = fh.tell()
        header = {
            "descr": fmt.dtype_to_descr(dtype),
            "fortran_order": fortran_order,
            "shape": (n_rows,) + tuple(shape[1:]),
        }
        buf = io.BytesIO()
        (fmt.write_array_header_1_0 if major == 1 else fmt.write_array_header_2_0)(
            buf, header
        )
        row_bytes = dtype.itemsize * int(np.prod(shape[1:]))
        if len(buf.getvalue()) == offset:
            fh.seek(0)
            fh.write(buf.getvalue())
            fh.truncate(offset + n_rows * row_bytes)
            return
    # The header would change size (never seen with numpy's padding): copy.
    old = np.load(path, mmap_mode="r")
    tmp = f"{path}.tmp.npy"
    new = fmt.open_memmap(tmp, mode="w+", dtype=old.dtype, shape=header["shape"])
    for start in range(0, n_rows, 1024):
        new[start : start + 1024] = old[start : min(start + 1024, n_rows)]
    new.flush()
    del new, old
    os.replace(tmp, path)


def make_patterns(
    structures,
    *,
    n_variants=0,
    augment=None,
    profile=None,
    wavelength="CuKa",
    two_theta_range=(5, 90),
    step=0.02,
    on_error="raise",
    random_state=None,
    n_jobs=None,
    batch_size=128,
    memory=None,
    out=None,
    verbose=0,
):
    """Simulate, broaden and augment the powder patterns of many structures.

    For each structure: the stick pattern of
    :class:`~sklearn_xrd.preprocessing.CIFToPattern` (kinematic intensities,
    binned on the grid ``two_theta_range[0] + step * k``), then the peak
    ``profile``, then a rescaling so that the strongest point is 100; that
    row is followed by ``n_variants`` perturbed copies from
    :class:`~sklearn_xrd.augmentation.PatternAugmenter`. Work is split into
    batches of structures that joblib runs in parallel (any joblib backend,
    e.g. ``dask`` inside ``joblib.parallel_config(backend="dask")``) through
    :func:`~sklearn_xrd.simulation.simulate_batches`; workers receive CIF
    texts or the arrays a structure's pattern depends on.

    Parameters
    ----------
    structures : list of pymatgen.core.Structure or str
        Structures, or CIF texts (not file names: see
        :func:`~sklearn_xrd.datasets.load_cif_directory`).
    n_variants : int, default=0
        Perturbed copies per structure.
    augment : PatternAugmenter, dict or None, default=None
        The sampler that makes the variants (cloned), a dict of
        :class:`~sklearn_xrd.augmentation.PatternAugmenter` parameters, or
        ``None`` for its defaults. Its ``n_variants``, ``keep_original``,
        ``random_state`` and grid parameters (``wavelength``,
        ``two_theta_start``, ``step``) are set by this function.
    profile : transformer, "passthrough" or None, default=None
        Peak shape applied to each stick pattern (cloned; its ``step``,
        ``two_theta_start`` and ``wavelength`` are set to the grid's), e.g.
        :class:`~sklearn_xrd.preprocessing.PseudoVoigtProfile`. ``None``
        means ``GaussianBroadening(fwhm=0.1)``, the study's profile;
        ``"passthrough"`` keeps the sticks.
    wavelength : str or float, default="CuKa"
        A tube line of :data:`~sklearn_xrd.simulation.WAVELENGTHS` or
        angstrom.
    two_theta_range : tuple of (float, float), default=(5, 90)
        First and last grid point, degrees.
    step : float, default=0.02
        Grid spacing, degrees.
    on_error : {"raise", "skip"}, default="raise"
        What to do with a structure that cannot be simulated (unreadable CIF,
        disordered sites, an element without form factors): raise a
        ``ValueError`` naming its index (``structure i: ...``), or leave it
        out and list it in ``skipped``.
    random_state : int, RandomState instance or None, default=None
        Seeds the variants. One seed per structure is drawn up front, so the
        output does not depend on ``n_jobs``, ``batch_size`` or the backend.
    n_jobs : int, default=None
        Parallel jobs over batches (joblib); ``None`` means 1.
    batch_size : int, default=128
        Structures per job (and per call of the pattern engine).
    memory : str, path-like or object with the joblib.Memory interface, \
            default=None
        Cache of each batch's rows, keyed on its structures (CIF text, or
        lattice, coordinates and elements), every parameter above that changes the rows,
        the seeds, the versions of sklearn_xrd and pymatgen and a fingerprint
        of sklearn_xrd's source code. Should be
        reachable by every worker (a shared folder on a cluster).
    out : str or path-like, default=None
        When given, rows are written batch by batch to a new ``.npy`` file
        there (:func:`numpy.lib.format.open_memmap`), so that the output never
        has to fit in memory, and ``data`` is that file opened read-only as
        a memory map.
    verbose : int, default=0
        A tqdm progress bar over structures when positive.

    Returns
    -------
    patterns : Bunch
        ``data``: float32 array (or memory map) of shape
        ``(n_kept * (1 + n_variants), n_bins)``, each kept structure's
        unperturbed row followed by its variants; ``source_index``: the
        index in ``structures`` of each row; ``variant``: 0 for the
        unperturbed row, ``1..n_variants`` for the variants; ``skipped``:
        ``(index, reason)`` pairs (``n_kept + len(skipped)`` is the number
        of structures); ``two_theta``: the grid, degrees.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> nacl = Structure.from_spacegroup(
    ...     "Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5] * 3])
    >>> patterns = make_patterns([nacl, nacl.to(fmt="cif")], n_variants=2,
    ...                          random_state=0)
    >>> patterns.data.shape, patterns.data.dtype
    ((6, 4251), dtype('float32'))
    >>> patterns.source_index.tolist(), patterns.variant.tolist()
    ([0, 0, 0, 1, 1, 1], [0, 1, 2, 0, 1, 2])
    >>> round(float(patterns.two_theta[patterns.data[0].argmax()]), 2)
    31.74
    """
    from tqdm.auto import tqdm

    if isinstance(structures, (str, bytes)):
        raise ValueError(
            "structures must be a list of Structures or CIF texts, got a single "
            "string; wrap it in a list"
        )
    structures = list(structures)
    if not isinstance(n_variants, Integral) or n_variants < 0:
        raise ValueError(f"n_variants must be an integer >= 0, got {n_variants!r}")
    if not isinstance(batch_size, Integral) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    if not isinstance(step, Real) or not step > 0:
        raise ValueError(f"step must be a positive number, got {step!r}")
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
    lo, hi = check_two_theta_range(two_theta_range)
    resolve_wavelength(wavelength)
    profile = _check_profile(profile, wavelength, lo, step)
    if profile is not None:  # fitted once here, applied batch by batch
        profile.fit(np.zeros((1, len(grid((lo, hi), step)))))
    augment = _check_augment(augment, n_variants, wavelength, lo, step)
    memory = check_memory(
        os.fspath(memory) if isinstance(memory, os.PathLike) else memory
    )
    n = len(structures)
    two_theta = grid((lo, hi), step)
    n_rows = 1 + n_variants
    seeds = [None] * n
    if n_variants:
        seeds = (
            check_random_state(random_state)
            .randint(np.iinfo(np.int32).max, size=n)
            .tolist()
        )
    shape = (n * n_rows, len(two_theta))
    if out is not None:
        out = os.fspath(out)
        X = np.lib.format.open_memmap(out, mode="w+", dtype=np.float32, shape=shape)
    else:
        X = np.empty(shape, dtype=np.float32)

    batches = simulate_batches(
        structures,
        input="auto",
        wavelength=wavelength,
        two_theta_range=(lo, hi),
        step=step,
        finish=_Finish(profile, augment),
        seeds=seeds,
        batch_size=batch_size,
        n_jobs=n_jobs,
        memory=memory,
        on_error=on_error,
    )
    kept, skipped = [], []
    try:
        with tqdm(total=n, disable=not verbose, unit="structure") as bar:
            for batch_kept, rows, batch_skipped in batches:
                if rows is not None:
                    start = len(kept) * n_rows
                    X[start : start + len(rows)] = rows
                kept.extend(batch_kept)
                skipped.extend(batch_skipped)
                bar.update(len(batch_kept) + len(batch_skipped))
    except BaseException:
        batches.close()  # cancels the batches still running
        if out is not None:  # no half-written file is left behind
            del X
            os.remove(out)
        raise

    n_out = len(kept) * n_rows
    if out is not None:
        X.flush()
        del X
        if n_out < shape[0]:
            _shrink_npy(out, n_out)
        X = np.load(out, mmap_mode="r")
    elif n_out < shape[0]:
        X = X[:n_out].copy()
    return Bunch(
        data=X,
        source_index=np.repeat(np.asarray(kept, dtype=np.intp), n_rows),
        variant=np.tile(np.arange(n_rows), len(kept)),
        skipped=skipped,
        two_theta=two_theta,
    )
