"""Rigaku ``.ras`` files (SmartLab, MiniFlex)."""

import re

import numpy as np

from ._common import fail, finish_pattern, weighted_wavelength
from ._text import decode_text

_HEADER_RE = re.compile(r'^\*(\w+)\s*(?:"(.*)"|(\S.*))?\s*$')


def _float(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def read_ras(path, data):
    """Read the first scan of a Rigaku RAS file.

    The header lines ``*KEY "value"`` between ``*RAS_HEADER_START`` and
    ``*RAS_HEADER_END`` go to ``metadata["header"]``; the data lines between
    ``*RAS_INT_START`` and ``*RAS_INT_END`` hold angle, counts and an optional
    attenuation coefficient, which multiplies the counts. Further scans
    (repeated ``*RAS_DATA_START`` blocks) are counted in
    ``metadata["n_scans"]`` and not read.
    """
    text = decode_text(path, data)
    blocks = text.split("*RAS_DATA_START")
    if len(blocks) < 2:
        raise fail(path, "not a Rigaku RAS file (no *RAS_DATA_START line)")
    block = blocks[1]
    header = {}
    rows = []
    in_data = False
    closed = False
    for line in block.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("*"):
            key = stripped.split()[0]
            if key == "*RAS_INT_START":
                in_data = True
            elif key == "*RAS_INT_END":
                in_data, closed = False, True
            elif key == "*RAS_DATA_END":
                break
            else:
                match = _HEADER_RE.match(stripped)
                if match:
                    header[match.group(1)] = (
                        match.group(2)
                        if match.group(2) is not None
                        else (match.group(3) or "")
                    ).strip()
            continue
        if in_data:
            try:
                values = [float(t) for t in stripped.split()]
            except ValueError:
                raise fail(
                    path, f"data line {stripped[:60]!r} is not numeric"
                ) from None
            if len(values) < 2:
                raise fail(path, f"data line {stripped[:60]!r} has one column")
            rows.append(values[:3] + [1.0] * (3 - len(values[:3])))
    if not rows:
        raise fail(path, "RAS file holds no data lines (*RAS_INT_START block)")
    table = np.asarray(rows)
    metadata = {"format": "ras", "header": header, "n_scans": len(blocks) - 1}
    alpha1 = _float(header.get("HW_XG_WAVE_LENGTH_ALPHA1"))
    alpha2 = _float(header.get("HW_XG_WAVE_LENGTH_ALPHA2"))
    wavelength = weighted_wavelength(alpha1, alpha2)
    if wavelength is not None:
        metadata["wavelength_source"] = "file"
        metadata["kalpha1"], metadata["kalpha2"] = alpha1, alpha2
    if not closed:
        raise fail(path, "truncated RAS file (no *RAS_INT_END line)")
    return finish_pattern(
        path,
        table[:, 0],
        table[:, 1] * table[:, 2],
        wavelength=wavelength,
        metadata=metadata,
    )
