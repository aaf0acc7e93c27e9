"""Namespace-agnostic helpers for the XML formats (XRDML, BRML)."""

import xml.etree.ElementTree as ET
from xml.parsers import expat

from ._common import fail


class _EntityDeclared(Exception):
    """Raised from expat's handler at the first entity declaration."""


def _refuse_entity(*args):
    raise _EntityDeclared


def _declares_entities(data):
    """Whether the XML declares entities, in whatever encoding it is written.

    expat reads the byte-order mark and the encoding declaration, so a
    UTF-16 or UTF-32 file cannot hide ``<!ENTITY`` from this check the way
    it hides it from a byte search. The handler fires at the declaration,
    before any entity is expanded.
    """
    parser = expat.ParserCreate()
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    try:
        parser.Parse(data, True)
    except _EntityDeclared:
        return True
    except (expat.ExpatError, ValueError, LookupError):
        return False  # malformed: ET names the reason below
    return False


def local(tag):
    """``'{ns}name'`` -> ``'name'``."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_xml(path, data, what):
    """Parse XML bytes; entity declarations (entity expansion attacks) refuse."""
    if b"<!ENTITY" in data or _declares_entities(data):
        raise fail(path, f"{what} declares XML entities; refused")
    try:
        return ET.fromstring(data)
    except (ET.ParseError, ValueError, LookupError) as exc:
        # ValueError/LookupError: an encoding expat cannot read
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
