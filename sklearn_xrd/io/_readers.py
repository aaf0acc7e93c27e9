"""``read_pattern``: one entry point for the measured-pattern formats."""

from pathlib import Path

from ..simulation import resolve_wavelength
from ._bruker import read_brml, read_bruker_raw
from ._common import Pattern, fail, read_bytes
from ._rigaku import read_ras
from ._text import find_topas_file, read_text_pattern, topas_lines
from ._xrdml import read_xrdml

TEXT_SUFFIXES = (".xy", ".xye", ".csv", ".txt", ".dat", ".asc")
_READERS = {
    ".xrdml": read_xrdml,
    ".ras": read_ras,
    ".brml": read_brml,
    ".raw": read_bruker_raw,
}


def _sniff(data):
    """A reader guessed from the first bytes of a file of unknown suffix."""
    head = data[:4096].lstrip()
    if head.startswith(b"PK\x03\x04"):
        return read_brml
    if head.startswith(b"RAW"):
        return read_bruker_raw
    if head.startswith(b"<") and b"xrdMeasurements" in head:
        return read_xrdml
    if head.startswith(b"*RAS_DATA_START"):
        return read_ras
    return None


def read_pattern(path, *, wavelength=None, find_topas=True):
    """Read a measured powder pattern from a file.

    The format follows the suffix (case-insensitive):

    - ``.xy``, ``.xye``, ``.csv``, ``.txt``, ``.dat``, ``.asc``: columns of
      numbers (2-theta, intensity, optional sigma), separated by whitespace,
      commas, semicolons or tabs, with decimal points. Lines starting with
      ``#``, ``!``, ``;``, ``%``, ``'`` or ``//`` are comments; non-numeric
      lines before the data are a header, after it a footer. A third column
      is sigma for ``.xye`` files, or when it is non-negative with a median
      at most half the median intensity; otherwise it, like any further
      column, goes to ``metadata["extra_columns"]``. A header stating
      ``lambda=1.5418``, ``wavelength: 0.1541 nm`` or a tube line (``Cu Ka``)
      gives the wavelength.
    - ``.ras`` (Rigaku): the first ``*RAS_DATA_START`` block; counts times the
      attenuation column; wavelength from ``*HW_XG_WAVE_LENGTH_ALPHA1/2``.
    - ``.xrdml`` (PANalytical): the first scan's 2-theta positions and
      intensities (or counts); wavelength from ``<usedWavelength>``.
    - ``.brml`` (Bruker, zipped XML) and ``.raw`` (Bruker binary, versions 3
      ``RAW1.01`` and 4 ``RAW4.00``): best effort, first range only; older RAW
      versions raise ``ValueError``.
    - Any other suffix: recognised by its first bytes when it is one of the
      formats above, else read as column text.

    Every reader checks at least two points, finite values and strictly
    monotonic angles; a descending scan is reversed (``metadata["reversed"]``),
    repeated or unsorted angles raise.

    Parameters
    ----------
    path : str or path-like
        The file.
    wavelength : str or float, default=None
        Wavelength in angstrom or a tube line of
        :data:`sklearn_xrd.simulation.WAVELENGTHS` (e.g. ``"CuKa"``);
        overrides what the file states. ``None`` takes it from the file, else
        from a sibling TOPAS file (see ``find_topas``), else leaves it
        ``None``.
    find_topas : bool, default=True
        When the wavelength is otherwise unknown, look for the TOPAS input or
        output file of the data (``<stem>.inp``, ``<stem>.out``, else an
        ``.inp``/``.out`` of the folder whose ``xdd`` line names this file;
        unrelated TOPAS files are ignored) and take the weighted mean of its
        ``lam`` block (see :func:`read_topas_wavelength`).

    Returns
    -------
    pattern : Pattern
        ``two_theta``, ``intensity``, ``sigma`` (or ``None``), ``wavelength``
        (angstrom or ``None``), ``metadata`` (with ``"format"`` and
        ``"wavelength_source"``: ``"argument"``, ``"header"``, ``"file"``,
        ``"topas:<file name>"`` or ``None``; ``"rejected_wavelength"`` says
        what a header stated when it was not a usable wavelength) and
        ``source``.

    Raises
    ------
    FileNotFoundError
        When ``path`` is not a file.
    ValueError
        When the file is empty, binary where text is expected, of another
        kind (a CIF, an image), truncated or corrupt; the message names the
        file and the reason.

    See Also
    --------
    read_topas_wavelength : The wavelength of a TOPAS file.
    sklearn_xrd.preprocessing.PatternResampler : Patterns onto the model grid.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "quartz.xy"
    >>> _ = f.write_text("# Cu Ka, lambda=1.5406\\n20.0 10\\n20.02 12\\n20.04 30\\n")
    >>> p = read_pattern(f)
    >>> p.two_theta.tolist(), p.intensity.tolist(), p.wavelength
    ([20.0, 20.02, 20.04], [10.0, 12.0, 30.0], 1.5406)
    """
    path = Path(path)
    if wavelength is not None:
        try:
            wavelength = resolve_wavelength(wavelength)
        except ValueError as exc:
            raise ValueError(f"read_pattern({str(path)!r}): {exc}") from None
    data = read_bytes(path)
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is not None:
        pattern = reader(path, data)
    elif suffix in TEXT_SUFFIXES:
        pattern = read_text_pattern(path, data=data)
    else:
        reader = _sniff(data)
        if reader is not None:
            pattern = reader(path, data)
        else:
            try:
                pattern = read_text_pattern(path, data=data)
            except ValueError as exc:
                reason = str(exc).removeprefix(f"{path}: ")
                raise fail(
                    path,
                    f"unknown format {suffix or '(no suffix)'!r} and not a column "
                    f"text file ({reason})",
                ) from None
    metadata = dict(pattern.metadata)
    metadata.setdefault("wavelength_source", None)
    if wavelength is not None:
        if pattern.wavelength is not None:
            metadata["file_wavelength"] = pattern.wavelength
        metadata["wavelength_source"] = "argument"
    elif pattern.wavelength is not None:
        wavelength = pattern.wavelength
    elif find_topas:
        topas = find_topas_file(path)
        if topas is not None:
            try:
                lines = topas_lines(topas)
            except ValueError:
                lines = None
            if lines:
                total = sum(w for w, _ in lines)
                wavelength = sum(w * lo for w, lo in lines) / total
                metadata["wavelength_source"] = f"topas:{topas.name}"
                metadata["topas_lines"] = lines
    return Pattern(
        two_theta=pattern.two_theta,
        intensity=pattern.intensity,
        sigma=pattern.sigma,
        wavelength=None if wavelength is None else float(wavelength),
        metadata=metadata,
        source=pattern.source,
    )
