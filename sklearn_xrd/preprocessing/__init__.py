"""Transformers: structures to patterns to features."""

from ._broadening import GaussianBroadening
from ._cif_to_pattern import CIFToPattern
from ._normalizer import Normalizer
from ._peaks import PeakExtractor, find_peaks_2d

__all__ = [
    "CIFToPattern",
    "GaussianBroadening",
    "Normalizer",
    "PeakExtractor",
    "find_peaks_2d",
]
