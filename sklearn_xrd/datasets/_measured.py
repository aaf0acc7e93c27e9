"""Loaders for the measured benchmark patterns beside the repository."""

import csv
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from ..io import read_pattern
from ..preprocessing._measured import resample_pattern
from ..simulation import grid, read_cif
from ..utils import crystal_system_from_space_group
from ._labels import space_group_number
from ._shared import get_shared_data_dir


def _folder(path, default, what):
    """The data folder: ``path``, else ``<shared data>/<default>``."""
    if path is None:
        shared = get_shared_data_dir()
        if shared is None:
            raise FileNotFoundError(
                f"{what}: no data folder given and the shared validation data was "
                "not found; pass path= or set SKLEARN_XRD_DATA"
            )
        path = shared / default
    path = Path(path)
    if not path.is_dir():
        raise FileNotFoundError(f"{what}: {path} is not a folder")
    return path


def load_rruff(
    path=None,
    *,
    two_theta_range=(5, 90),
    step=0.02,
    target_wavelength="CuKa",
    return_X_y=False,
):
    """Load the measured RRUFF patterns onto the model grid.

    Reads every ``*.xy`` of the folder listed in its ``labels.csv`` (columns
    ``file, crystal_system, space_group_number``) and resamples it with
    :func:`sklearn_xrd.preprocessing.resample_pattern` from the wavelength
    its header states (Cu K-alpha, 1.5418 A; ``"CuKa"`` when absent) to
    ``target_wavelength``. The files run 5.00-89.99 deg in steps of 0.01 deg,
    so on the default grid (5-90 deg, step 0.02) the last column is zero.
    Labels come from ``labels.csv`` (the publishers' space groups).

    Parameters
    ----------
    path : str or path-like, default=None
        The folder; ``None`` means ``<shared data>/experimental/rruff_dev``
        (see :func:`get_shared_data_dir`).
    two_theta_range : tuple of (float, float), default=(5, 90)
        First and last grid point, degrees.
    step : float, default=0.02
        Grid spacing, degrees.
    target_wavelength : str or float, default="CuKa"
        Wavelength of the output grid.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of the Bunch.

    Returns
    -------
    data : Bunch
        ``data`` (ndarray of shape (n_patterns, n_bins)), ``target``
        (crystal-system names), ``space_group`` (int), ``filenames``,
        ``two_theta`` (the grid), ``skipped`` (``(file, reason)`` pairs for
        unreadable or unlabelled files and labels without a file) and
        ``DESCR``.
    (data, target) : tuple
        When ``return_X_y`` is true.

    Raises
    ------
    FileNotFoundError
        When the folder or its ``labels.csv`` is absent.
    """
    folder = _folder(path, "experimental/rruff_dev", "load_rruff")
    labels_file = folder / "labels.csv"
    if not labels_file.is_file():
        raise FileNotFoundError(f"load_rruff: {labels_file} not found")
    with open(labels_file, newline="") as f:
        reader = csv.DictReader(f)
        missing = {"file", "space_group_number"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(
                f"load_rruff: {labels_file} lacks column(s) {sorted(missing)}"
            )
        labels = {row["file"]: row for row in reader}
    rows, names, groups, skipped = [], [], [], []
    for file in sorted(folder.glob("*.xy")):
        label = labels.pop(file.name, None)
        if label is None:
            skipped.append((file.name, "not listed in labels.csv"))
            continue
        try:
            number = int(label["space_group_number"])
            crystal_system_from_space_group(number)
            pattern = read_pattern(file, find_topas=False)
            rows.append(
                resample_pattern(
                    pattern.two_theta,
                    pattern.intensity,
                    wavelength=pattern.wavelength or "CuKa",
                    target_wavelength=target_wavelength,
                    two_theta_range=two_theta_range,
                    step=step,
                )
            )
        except ValueError as exc:
            skipped.append((file.name, str(exc).removeprefix(f"{file}: ")))
            continue
        names.append(file.name)
        groups.append(number)
    skipped += [(name, "listed in labels.csv but absent") for name in labels]
    two_theta = grid(tuple(float(v) for v in two_theta_range), step)
    data = np.vstack(rows) if rows else np.zeros((0, two_theta.size))
    target = np.asarray(
        crystal_system_from_space_group(groups) if groups else [], dtype=object
    )
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        space_group=np.asarray(groups, dtype=int),
        filenames=np.asarray(names, dtype=object),
        two_theta=two_theta,
        skipped=skipped,
        DESCR=(
            "Measured RRUFF powder patterns (Salgado et al., npj Comput. Mater. "
            f"2023, MIT) from {folder}, resampled to {target_wavelength} on "
            f"{two_theta_range[0]}-{two_theta_range[1]} deg, step {step}."
        ),
    )


def load_crystalyze(path=None, *, symprec=0.1):
    """Load the Crystalyze measured patterns with labels from their solved CIFs.

    Each sub-folder holds one measured ``.xy`` (2-theta, counts), a TOPAS
    ``.inp``/``.out`` whose ``lam`` block gives the wavelength (Cu K-alpha
    or synchrotron 0.406626 A) and the solved ``.cif``. The patterns are
    returned raw (their own grids and wavelengths): put them on the model
    grid with :class:`sklearn_xrd.preprocessing.PatternResampler`.

    Parameters
    ----------
    path : str or path-like, default=None
        The folder of sub-folders; ``None`` means
        ``<shared data>/experimental/crystalyze``.
    symprec : float, default=0.1
        spglib distance tolerance (angstrom) of the symmetry analysis that
        labels each CIF; the CIF's own space-group tags are not read.

    Returns
    -------
    data : Bunch
        ``data`` (list of :class:`sklearn_xrd.io.Pattern`), ``target``
        (crystal systems), ``space_group``, ``names`` (folder names),
        ``filenames`` (the ``.xy`` paths), ``skipped`` (``(folder, reason)``
        pairs) and ``DESCR``.

    Raises
    ------
    FileNotFoundError
        When the folder is absent.
    """
    folder = _folder(path, "experimental/crystalyze", "load_crystalyze")
    patterns, groups, names, files, skipped = [], [], [], [], []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        xy = sorted(sub.glob("*.xy"))
        cifs = sorted(sub.glob("*.cif"))
        if len(xy) != 1 or len(cifs) != 1:
            skipped.append(
                (
                    sub.name,
                    f"expected one .xy and one .cif, found {len(xy)} and {len(cifs)}",
                )
            )
            continue
        try:
            pattern = read_pattern(xy[0])
            structure = read_cif(cifs[0])
            number = space_group_number(structure, symprec=symprec)
        except ValueError as exc:
            skipped.append((sub.name, str(exc)))
            continue
        if pattern.wavelength is None:
            skipped.append((sub.name, "wavelength unknown (no TOPAS lam block)"))
            continue
        patterns.append(pattern)
        groups.append(number)
        names.append(sub.name)
        files.append(str(xy[0]))
    return Bunch(
        data=patterns,
        target=np.asarray(
            crystal_system_from_space_group(groups) if groups else [], dtype=object
        ),
        space_group=np.asarray(groups, dtype=int),
        names=np.asarray(names, dtype=object),
        filenames=np.asarray(files, dtype=object),
        skipped=skipped,
        DESCR=(
            "Measured patterns with solved structures from the Crystalyze study "
            f"(CC BY 4.0), from {folder}; labels by spglib at symprec={symprec}."
        ),
    )
