"""Bruker files: ``.brml`` (zipped XML) and binary ``.raw`` (versions 3 and 4).

Both readers are best effort, written from public descriptions of the
formats (DIFFRAC.SUITE users' manuals, the layout xylib documents), not from a
specification: they read the first coupled 2-theta range of a file and raise
``ValueError`` naming the file for anything else they cannot follow.
"""

import io
import re
import struct
import zipfile

import numpy as np

from ._common import fail, finish_pattern, weighted_wavelength
from ._xml import find_local, iter_local, local, parse_xml

_RAWDATA_RE = re.compile(r"(^|/)RawData\d*\.xml$", re.IGNORECASE)
#: Most bytes inflated from one BRML archive, all members together.
MAX_INFLATED_BYTES = 64 * 2**20
#: Most members a BRML archive may list.
MAX_MEMBERS = 10_000


# ---------------------------------------------------------------- BRML
def _member_bytes(path, archive, name, budget):
    """Inflate one member, never past ``budget`` bytes (whatever it declares)."""
    info = archive.getinfo(name)
    if info.file_size > budget:
        raise fail(
            path,
            f"archive member {name} inflates to {info.file_size} B, more than the "
            f"{MAX_INFLATED_BYTES} B a BRML file may hold; refused",
        )
    try:
        with archive.open(name) as member:
            data = member.read(budget + 1)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as exc:
        raise fail(path, f"corrupt archive member {name} ({exc})") from None
    if len(data) > budget:
        raise fail(
            path,
            f"archive member {name} inflates past the {MAX_INFLATED_BYTES} B a "
            "BRML file may hold; refused",
        )
    return data


def _brml_wavelength(roots):
    """Tube lines from ``WaveLength*`` elements (``Value`` attribute, angstrom)."""
    found = {}
    for root in roots:
        for element in root.iter():
            name = local(element.tag)
            if name.startswith("WaveLength") and name not in found:
                try:
                    found[name] = float(element.get("Value"))
                except (TypeError, ValueError):
                    continue
    average = found.get("WaveLengthAverage")
    if average and average > 0:
        return average, found
    return weighted_wavelength(
        found.get("WaveLengthAlpha1"),
        found.get("WaveLengthAlpha2"),
        found.get("WaveLengthRatio"),
    ), found


def read_brml(path, data):
    """Read the first data route of the first ``RawData*.xml`` of a BRML file.

    Each ``<Datum>`` holds comma-separated values; the common layout is
    ``time, enabled, 2theta, theta, counts[, ...]``: 2-theta is the third
    value and the intensity the fifth (the last when there are fewer).
    Disabled points (second value ``0``) are dropped. The wavelength comes
    from the ``WaveLengthAverage`` (or ``WaveLengthAlpha1``/``Alpha2``/
    ``Ratio``) elements of that ``RawData*.xml``. Only that member is
    inflated and parsed, and never past :data:`MAX_INFLATED_BYTES`; an
    archive listing more than :data:`MAX_MEMBERS` members is refused (zip
    bombs).
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise fail(path, f"not a BRML file: not a zip archive ({exc})") from None
    with archive:
        names = archive.namelist()
        if len(names) > MAX_MEMBERS:
            raise fail(
                path,
                f"BRML archive lists {len(names)} members, more than {MAX_MEMBERS}; "
                "refused",
            )
        raw_names = sorted(n for n in names if _RAWDATA_RE.search(n))
        if not raw_names:
            raise fail(path, "BRML archive holds no RawData*.xml")
        # only the member that holds the data is inflated and parsed
        xml = _member_bytes(path, archive, raw_names[0], MAX_INFLATED_BYTES)
    root = parse_xml(path, xml, "BRML XML")
    wavelength, lines = _brml_wavelength([root])
    routes = [
        r for r in iter_local(root, "DataRoute") if find_local(r, "Datum") is not None
    ]
    if not routes:
        raise fail(path, f"{raw_names[0]} holds no <Datum> lines")
    rows = []
    for number, datum in enumerate(iter_local(routes[0], "Datum"), start=1):
        text = (datum.text or "").strip()
        if not text:
            raise fail(path, f"<Datum> {number} of {raw_names[0]} is empty")
        try:
            rows.append([float(v) for v in text.split(",")])
        except ValueError:
            raise fail(path, f"non-numeric <Datum> {text[:60]!r}") from None
    widths = {len(r) for r in rows}
    if len(widths) != 1 or min(widths) < 3:
        raise fail(
            path,
            "unsupported <Datum> layout (expected time, enabled, 2theta, theta, "
            f"counts; found {sorted(widths)} values per line)",
        )
    table = np.asarray(rows)
    enabled = table[:, 1] != 0 if table.shape[1] >= 5 else np.ones(len(table), bool)
    table = table[enabled]
    intensity = table[:, 4] if table.shape[1] >= 5 else table[:, -1]
    metadata = {
        "format": "brml",
        "raw_data_files": raw_names,
        "n_routes": len(routes),
        "datum_columns": int(table.shape[1]),
    }
    if wavelength is not None:
        metadata["wavelength_source"] = "file"
        metadata["tube_lines"] = lines
    return finish_pattern(
        path, table[:, 2], intensity, wavelength=wavelength, metadata=metadata
    )


# ---------------------------------------------------------------- RAW
def _text(raw):
    return raw.split(b"\x00", 1)[0].decode("latin-1").strip()


class _Reader:
    """Little-endian reads at absolute offsets; running off the end raises."""

    def __init__(self, path, data):
        self.path, self.data = path, data

    def unpack(self, fmt, offset):
        try:
            return struct.unpack_from("<" + fmt, self.data, offset)
        except struct.error:
            raise fail(
                self.path, f"truncated Bruker RAW file (reading at byte {offset})"
            ) from None

    def one(self, fmt, offset):
        return self.unpack(fmt, offset)[0]

    def text(self, offset, size):
        if offset + size > len(self.data):
            raise fail(self.path, "truncated Bruker RAW file")
        return _text(self.data[offset : offset + size])

    def floats(self, offset, count, size=4):
        if size not in (4, 8):
            raise fail(self.path, f"unsupported datum size {size} in Bruker RAW")
        end = offset + count * size
        if count < 0 or end > len(self.data):
            raise fail(
                self.path,
                f"truncated Bruker RAW file ({count} points announced, "
                f"{max(len(self.data) - offset, 0) // size} present)",
            )
        dtype = "<f4" if size == 4 else "<f8"
        return np.frombuffer(self.data, dtype=dtype, count=count, offset=offset)


def _read_raw3(path, reader):
    n_ranges = reader.one("I", 12)
    metadata = {
        "format": "bruker_raw",
        "version": 3,
        "n_ranges": n_ranges,
        "date": reader.text(16, 10),
        "time": reader.text(26, 10),
        "sample": reader.text(326, 60),
        "anode": reader.text(608, 4),
    }
    average, alpha1, alpha2, _, ratio = reader.unpack("5d", 616)
    if n_ranges < 1:
        raise fail(path, "Bruker RAW file holds no range")
    offset = 712
    header_len, steps = reader.unpack("2I", offset)
    if header_len != 304:
        raise fail(path, f"unexpected range header length {header_len} (not 304)")
    start = reader.one("d", offset + 16)
    step = reader.one("d", offset + 176)
    used = reader.one("d", offset + 240)
    extra = reader.one("I", offset + 256)
    values = reader.floats(offset + header_len + extra, steps)
    metadata.update(kalpha1=alpha1, kalpha2=alpha2, ratio=ratio, used_lambda=used)
    wavelength = _raw_wavelength(average, alpha1, alpha2, ratio, used)
    return start, step, values, wavelength, metadata


def _read_raw4(path, reader):
    metadata = {
        "format": "bruker_raw",
        "version": 4,
        "date": reader.text(12, 12),
        "time": reader.text(24, 10),
    }
    offset = 61
    average = alpha1 = alpha2 = ratio = None
    while True:
        kind = reader.one("I", offset)
        if kind in (0, 160):
            break
        length = reader.one("I", offset + 4)
        if length < 8:
            raise fail(path, f"corrupt Bruker RAW segment length {length}")
        if kind == 10 and length >= 36:
            metadata[reader.text(offset + 12, 24)] = reader.text(
                offset + 36, length - 36
            )
        elif kind == 30 and length >= 120:
            average, alpha1, alpha2, _, ratio = reader.unpack("5d", offset + 72)
            metadata["anode"] = reader.text(offset + 116, 4)
        offset += length
    metadata["scan_type"] = reader.text(offset + 32, 24)
    start, step = reader.unpack("2d", offset + 72)
    steps = reader.one("I", offset + 88)
    used = reader.one("d", offset + 112)
    datum_size, extra = reader.unpack("2I", offset + 136)
    values = reader.floats(offset + 160 + extra, steps, datum_size)
    metadata.update(kalpha1=alpha1, kalpha2=alpha2, ratio=ratio, used_lambda=used)
    wavelength = _raw_wavelength(average, alpha1, alpha2, ratio, used)
    return start, step, values, wavelength, metadata


def _raw_wavelength(average, alpha1, alpha2, ratio, used):
    for value in (average, weighted_wavelength(alpha1, alpha2, ratio), used):
        if value is not None and np.isfinite(value) and 0.05 < value < 5:
            return float(value)
    return None


def read_bruker_raw(path, data):
    """Read the first range of a Bruker RAW file, version 3 or 4.

    Version 3 files start with ``RAW1.01``, version 4 with ``RAW4.00``;
    versions 1 (``RAW ``) and 2 (``RAW2``) raise ``ValueError``
    ("unsupported Bruker RAW version"). Angles are ``start + step * k``;
    intensities are stored as read (counts per step). The wavelength is the
    file's K-alpha average (else the weighted K-alpha lines, else the range's
    "used lambda").
    """
    magic = data[:7]
    reader = _Reader(path, data)
    if magic == b"RAW1.01":
        start, step, values, wavelength, metadata = _read_raw3(path, reader)
    elif magic == b"RAW4.00":
        start, step, values, wavelength, metadata = _read_raw4(path, reader)
    elif data[:4] in (b"RAW ", b"RAW2") or data[:3] == b"RAW":
        raise fail(
            path,
            f"unsupported Bruker RAW version (header {data[:7]!r}); only RAW1.01 "
            "(v3) and RAW4.00 (v4) are read: export the scan as .xy or .brml",
        )
    else:
        raise fail(path, "not a Bruker RAW file (no RAW header)")
    if not (np.isfinite(step) and step != 0 and np.isfinite(start)):
        raise fail(path, f"invalid scan start {start!r} / step {step!r}")
    two_theta = start + step * np.arange(values.size)
    if wavelength is not None:
        metadata["wavelength_source"] = "file"
    return finish_pattern(
        path,
        two_theta,
        values.astype(np.float64),
        wavelength=wavelength,
        metadata=metadata,
    )
