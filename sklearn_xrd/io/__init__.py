"""Readers for measured powder patterns (text columns, RAS, XRDML, BRML, RAW)."""

from ._common import Pattern
from ._readers import read_pattern
from ._text import read_topas_wavelength

__all__ = ["Pattern", "read_pattern", "read_topas_wavelength"]
