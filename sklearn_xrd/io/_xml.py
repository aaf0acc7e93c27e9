"""Namespace-agnostic helpers for the XML formats (XRDML, BRML)."""

import xml.etree.ElementTree as ET

from ._common import fail


def local(tag):
    """``'{ns}name'`` -> ``'name'``."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_xml(path, data, what):
    """Parse XML bytes; entity declarations (entity expansion attacks) refuse."""
    if b"<!ENTITY" in data:
        raise fail(path, f"{what} declares XML entities; refused")
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise fail(path, f"malformed {what} ({exc})") from None


def iter_local(element, name):
    """All descendants (and ``element`` itself) whose local tag is ``name``."""
    return (e for e in element.iter() if local(e.tag) == name)


def find_local(element, name):
    """First descendant whose local tag is ``name``, or ``None``."""
    return next(iter_local(element, name), None)


def children_local(element, name):
    """Direct children whose local tag is ``name``."""
    return [e for e in element if local(e.tag) == name]
