"""PANalytical ``.xrdml`` files."""

import numpy as np

from ._common import fail, finish_pattern, weighted_wavelength
from ._xml import children_local, find_local, iter_local, local, parse_xml

_TO_ANGSTROM = {"angstrom": 1.0, "a": 1.0, "nm": 10.0, "pm": 0.01}


def _numbers(path, element, what):
    try:
        return np.array((element.text or "").split(), dtype=np.float64)
    except ValueError:
        raise fail(path, f"non-numeric values in <{what}>") from None


def _length(path, element):
    if element is None:
        return None
    unit = (element.get("unit") or "Angstrom").strip().lower()
    try:
        return float(element.text) * _TO_ANGSTROM.get(unit, 1.0)
    except (TypeError, ValueError):
        raise fail(path, f"non-numeric <{local(element.tag)}>") from None


def read_xrdml(path, data):
    """Read the first 2-theta scan of an XRDML file.

    Angles come from ``<positions axis="2Theta">``, either
    ``<listPositions>`` or ``<startPosition>``/``<endPosition>`` (evenly
    spaced over the number of intensities); intensities from
    ``<intensities>`` (XRDML >= 1.1) or ``<counts>`` (1.0), as stored. The
    wavelength is ``kAlpha1`` when ``<usedWavelength intended="K-Alpha 1">``,
    else the weighted mean of ``kAlpha1`` and ``kAlpha2`` with
    ``ratioKAlpha2KAlpha1``. Further scans are counted in
    ``metadata["n_scans"]`` and not read.
    """
    root = parse_xml(path, data, "XRDML")
    if local(root.tag) != "xrdMeasurements":
        raise fail(path, f"not an XRDML file (root element <{local(root.tag)}>)")
    scans = [
        s for s in iter_local(root, "scan") if find_local(s, "dataPoints") is not None
    ]
    if not scans:
        raise fail(path, "XRDML file holds no <scan> with <dataPoints>")
    points = find_local(scans[0], "dataPoints")
    positions = [
        p
        for p in children_local(points, "positions")
        if (p.get("axis") or "").lower() in ("2theta", "2theta-omega")
    ]
    if not positions:
        raise fail(path, 'no <positions axis="2Theta"> in the first scan')
    values = find_local(points, "intensities")
    if values is None:
        values = find_local(points, "counts")
    if values is None:
        raise fail(path, "no <intensities> or <counts> in the first scan")
    intensity = _numbers(path, values, local(values.tag))
    listed = find_local(positions[0], "listPositions")
    if listed is not None:
        two_theta = _numbers(path, listed, "listPositions")
    else:
        start = find_local(positions[0], "startPosition")
        end = find_local(positions[0], "endPosition")
        if start is None or end is None:
            raise fail(path, "2Theta positions lack startPosition/endPosition")
        try:
            lo, hi = float(start.text), float(end.text)
        except (TypeError, ValueError):
            raise fail(path, "non-numeric startPosition/endPosition") from None
        two_theta = np.linspace(lo, hi, intensity.size)
    metadata = {"format": "xrdml", "n_scans": len(scans)}
    time = find_local(points, "commonCountingTime")
    if time is not None and time.text:
        metadata["counting_time"] = time.text.strip()
    wavelength = None
    used = find_local(root, "usedWavelength")
    if used is not None:
        alpha1 = _length(path, find_local(used, "kAlpha1"))
        alpha2 = _length(path, find_local(used, "kAlpha2"))
        ratio_el = find_local(used, "ratioKAlpha2KAlpha1")
        try:
            ratio = float(ratio_el.text) if ratio_el is not None else None
        except (TypeError, ValueError):
            raise fail(path, "non-numeric <ratioKAlpha2KAlpha1>") from None
        intended = (used.get("intended") or "").replace(" ", "").lower()
        metadata.update(
            kalpha1=alpha1, kalpha2=alpha2, ratio=ratio, intended=used.get("intended")
        )
        if intended.endswith("alpha1"):
            wavelength = alpha1
        else:
            wavelength = weighted_wavelength(alpha1, alpha2, ratio)
        if wavelength is not None:
            metadata["wavelength_source"] = "file"
    return finish_pattern(
        path, two_theta, intensity, wavelength=wavelength, metadata=metadata
    )
