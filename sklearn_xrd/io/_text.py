"""Column text files (.xy, .xye, .csv, .txt, .dat) and TOPAS wavelengths."""

import io
import re
import warnings
from pathlib import Path

import numpy as np

from ..simulation import WAVELENGTHS
from ._common import fail, finish_pattern, read_bytes

COMMENT_PREFIXES = ("#", "!", ";", "%", "'", "//")
_SPLIT = re.compile(r"[\s,;]+")
_WAVELENGTH_RE = re.compile(
    r"(?:lambda|wavelength|wave[ _-]?length)\s*[=:]?\s*"
    r"(\d*\.?\d+(?:[eE][-+]?\d+)?)\s*(nm|pm|a\b|å|angstrom)?",
    re.IGNORECASE,
)
_TUBE_RE = re.compile(
    r"\b(Cu|Mo|Co|Fe|Cr|Ag)\s*[-_ ]?\s*K\s*[-_ ]?\s*(?:alpha|a|α)\s*([12])?\b",
    re.IGNORECASE,
)
_MAX_HEADER_LINES = 200


def decode_text(path, data):
    """Text of a file that should be text; binary content raises ``ValueError``."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise fail(path, "undecodable UTF-16 text") from None
    head = data[:8192]
    if b"\x00" in head:
        raise fail(path, "binary file (NUL bytes), not a text pattern")
    controls = sum(b < 32 and b not in b"\t\n\r\x0b\x0c\x1a" for b in head)
    if controls > 0.01 * len(head) + 2:
        raise fail(path, "binary file (control bytes), not a text pattern")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _to_float(token):
    try:
        return float(token)
    except ValueError:
        # Fortran exponents: 1.0D+03
        return float(token.replace("D", "E").replace("d", "e"))


def _parse_row(tokens):
    try:
        return [_to_float(t) for t in tokens]
    except ValueError:
        return None


def wavelength_from_header(lines, *, rejected=None):
    """Wavelength (angstrom) stated in header or comment lines, or ``None``.

    Looks for ``lambda=1.5418``, ``wavelength: 0.154 nm`` (converted) and, when
    no number is given, a tube line such as ``Cu Ka`` or ``Mo K-alpha1``. A
    stated number outside 0.05-5 angstrom (a wrong or missing unit) is not
    used; when ``rejected`` is a list, its text is appended there so that an
    error can say what the file stated.
    """
    text = "\n".join(lines)
    for match in _WAVELENGTH_RE.finditer(text):
        value = float(match.group(1))
        unit = (match.group(2) or "").lower()
        if unit == "nm":
            value *= 10.0
        elif unit == "pm":
            value /= 100.0
        if 0.05 <= value <= 5.0:
            return value
        if rejected is not None:
            rejected.append(match.group(0).strip())
    match = _TUBE_RE.search(text)
    if match:
        anode = match.group(1).capitalize()
        return WAVELENGTHS[f"{anode}Ka{match.group(2) or ''}"]
    return None


def read_text_pattern(path, *, data=None, sigma_column=None):
    """Read a column text file.

    Parameters
    ----------
    path : path-like
    data : bytes, default=None
        The file content when already read.
    sigma_column : bool or None, default=None
        Whether a third column holds sigma. ``None`` decides: yes for
        ``.xye`` files, otherwise when the column is non-negative and its
        median is at most half the median absolute intensity (counting
        errors); a third column that is not sigma, and any further columns,
        go to ``metadata["extra_columns"]``.

    Returns
    -------
    pattern : Pattern
    """
    path = Path(path)
    if data is None:
        data = read_bytes(path)
    text = decode_text(path, data)
    if re.search(r"^\s*data_\S*\s*$", text[:20000], re.MULTILINE) and re.search(
        r"^\s*_(cell_length|symmetry|space_group|atom_site)", text, re.MULTILINE
    ):
        raise fail(path, "this is a CIF (crystal structure), not a diffraction pattern")
    if text.lstrip().startswith("<"):
        raise fail(path, "markup (XML/HTML), not a column text pattern")

    lines = text.splitlines()
    header, footer = [], []
    width = start = None
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith(COMMENT_PREFIXES):
            if "#" in stripped:
                stripped = stripped.split("#", 1)[0].strip()
            values = _parse_row([t for t in _SPLIT.split(stripped) if t])
            if values is not None and len(values) >= 2:
                width, start = len(values), index
                break
        if len(header) < _MAX_HEADER_LINES:
            header.append(stripped)
    if width is None:
        raise fail(
            path,
            "no numeric data: expected lines of at least two numbers "
            "(2-theta, intensity)",
        )
    table = _fast_table(lines[start:], width)
    if table is None:
        table = _slow_table(path, lines, start, width, header, footer)
    metadata = {"format": "text", "n_columns": width}
    if header:
        metadata["header"] = header
    if footer:
        metadata["footer"] = footer
    sigma = None
    extra = table[:, 2:]
    if width >= 3:
        third = table[:, 2]
        if sigma_column is None:
            finite = np.isfinite(third).all()
            sigma_column = path.suffix.lower() == ".xye" or bool(
                finite
                and third.min() >= 0
                and np.median(third) <= 0.5 * np.median(np.abs(table[:, 1]))
            )
        if sigma_column:
            sigma = third
            extra = table[:, 3:]
    if extra.shape[1]:
        metadata["extra_columns"] = extra
    rejected = []
    wavelength = wavelength_from_header(header, rejected=rejected)
    if wavelength is not None:
        metadata["wavelength_source"] = "header"
    elif rejected:
        metadata["rejected_wavelength"] = (
            f"the header states {rejected[0]!r}, not a wavelength between 0.05 "
            "and 5 angstrom (wrong or missing unit?)"
        )
    return finish_pattern(
        path,
        table[:, 0],
        table[:, 1],
        sigma=sigma,
        wavelength=wavelength,
        metadata=metadata,
    )


_PLAIN_BODY = re.compile(r"[0-9.eE+\-\s,]*")


def _fast_table(lines, width):
    """All data lines at once with numpy when they hold nothing but numbers."""
    body = "\n".join(lines)
    if not _PLAIN_BODY.fullmatch(body):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            table = np.loadtxt(io.StringIO(body.replace(",", " ")), ndmin=2)
    except ValueError:
        return None
    return table if table.shape[1] == width else None


def _slow_table(path, lines, start, width, header, footer):
    """Line by line, naming the first line that breaks the column layout."""
    rows = []
    pending_bad = None  # a non-data line after the data started
    for index in range(start, len(lines)):
        lineno = index + 1
        stripped = lines[index].strip()
        if not stripped:
            continue
        if stripped.startswith(COMMENT_PREFIXES):
            if len(header) < _MAX_HEADER_LINES:
                header.append(stripped)
            continue
        if "#" in stripped:
            stripped = stripped.split("#", 1)[0].strip()
            if not stripped:
                continue
        values = _parse_row([t for t in _SPLIT.split(stripped) if t])
        if values is None:
            if pending_bad is None:
                pending_bad = (lineno, stripped)
            if len(footer) < _MAX_HEADER_LINES:
                footer.append(stripped)
            continue
        if pending_bad is not None or len(values) != width:
            bad_line, content = pending_bad or (lineno, stripped)
            raise fail(
                path,
                f"line {bad_line}: expected {width} numeric columns, got "
                f"{content[:60]!r} (corrupt or truncated file?)",
            )
        rows.append(values)
    return np.asarray(rows, dtype=np.float64)


# ---------------------------------------------------------------- TOPAS
_TOPAS_NUMBER = r"([-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)"
# ``la 1``, ``la @ 0.5``, ``la !w1 0.5``, ``lo 1.5406`_0.0001``
_TOPAS_VALUE = r"\s+(?:[@!]\s*)?(?:[A-Za-z_]\w*\s+)?" + _TOPAS_NUMBER
_LAM_KEYWORDS = {
    "la",
    "lo",
    "lh",
    "lg",
    "lb",
    "ymin_on_ymax",
    "no_th_dependence",
    "calculate_lam",
    "show_lines",
    "lam",
}


def _strip_topas_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.DOTALL)
    return "\n".join(line.split("'", 1)[0] for line in text.splitlines())


def topas_lines(path):
    """Emission lines ``[(weight, wavelength), ...]`` of a TOPAS ``lam`` block."""
    path = Path(path)
    text = _strip_topas_comments(decode_text(path, read_bytes(path)))
    start = re.search(r"(?<![\w.])lam(?![\w.])", text)
    if start is None:
        raise fail(path, "no 'lam' block (TOPAS emission profile) found")
    block = []
    for line in text[start.end() :].splitlines():
        tokens = line.split()
        if tokens and tokens[0] not in _LAM_KEYWORDS:
            break
        block.append(line)
    block = "\n".join(block)
    weights = [float(v) for v in re.findall(r"\bla" + _TOPAS_VALUE, block)]
    positions = [float(v) for v in re.findall(r"\blo" + _TOPAS_VALUE, block)]
    if not positions or len(weights) not in (0, len(positions)):
        raise fail(path, "could not parse the la/lo lines of the 'lam' block")
    if not weights:
        weights = [1.0] * len(positions)
    if min(positions) <= 0 or sum(weights) <= 0:
        raise fail(path, "non-positive wavelength or weights in the 'lam' block")
    return list(zip(weights, positions))


def read_topas_wavelength(path):
    """Wavelength of a TOPAS ``.inp``/``.out`` file, from its ``lam`` block.

    The ``lam`` block lists emission lines as ``la <weight> lo <wavelength>``;
    the result is their weighted mean (a single line gives its own
    wavelength; ``la 1 lo 1.540562`` plus ``la 0.5 lo 1.544398`` gives
    1.5418 A, Cu K-alpha).

    Parameters
    ----------
    path : str or path-like
        A TOPAS input (``.inp``) or output (``.out``) file.

    Returns
    -------
    wavelength : float
        In angstrom.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> inp = pathlib.Path(tempfile.mkdtemp()) / "fit.inp"
    >>> _ = inp.write_text("xdd data.xy\\n  lam\\n    ymin_on_ymax 0.001\\n"
    ...                    "    la 1 lo 0.406626 lh 0.5\\n  bkg @ 1 2\\n")
    >>> read_topas_wavelength(inp)
    0.406626
    """
    lines = topas_lines(path)
    total = sum(w for w, _ in lines)
    return float(sum(w * lo for w, lo in lines) / total)


_MAX_TOPAS_BYTES = 16 * 2**20
_XDD_RE = re.compile(r"^\s*xdd\s+\"?([^\"\s]+)", re.MULTILINE)


def _names_data_file(topas, path):
    """Whether the TOPAS file's ``xdd`` lines name the data file ``path``."""
    try:
        if topas.stat().st_size > _MAX_TOPAS_BYTES:
            return False
        text = _strip_topas_comments(decode_text(topas, read_bytes(topas)))
    except (OSError, ValueError):
        return False
    names = {Path(m.replace("\\", "/")).name for m in _XDD_RE.findall(text)}
    return path.name in names


def find_topas_file(path):
    """The TOPAS file that belongs to a data file, or ``None``.

    A TOPAS ``.inp``/``.out`` belongs to ``path`` when it has the same stem,
    or when its ``xdd`` line names ``path``'s file name. Any other TOPAS file
    in the folder is unrelated and never used.
    """
    path = Path(path)
    folder = path.parent
    for suffix in (".inp", ".INP", ".out", ".OUT"):
        candidate = path.with_suffix(suffix)
        if candidate.is_file() and candidate != path:
            return candidate
    if not folder.is_dir():
        return None
    for suffix in (".inp", ".out"):
        for candidate in sorted(folder.iterdir()):
            if (
                candidate.suffix.lower() == suffix
                and candidate.is_file()
                and _names_data_file(candidate, path)
            ):
                return candidate
    return None
