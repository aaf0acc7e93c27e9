"""Transformers: structures to patterns to features."""

from ._broadening import GaussianBroadening
from ._cif_to_pattern import CIFToPattern
from ._normalizer import Normalizer
from ._peaks import PeakExtractor, find_peaks_2d
from ._profiles import KAlpha2Doublet, PseudoVoigtProfile, caglioti_fwhm, scherrer_fwhm

__all__ = [
    "CIFToPattern",
    "GaussianBroadening",
    "KAlpha2Doublet",
    "Normalizer",
    "PeakExtractor",
    "PseudoVoigtProfile",
    "caglioti_fwhm",
    "find_peaks_2d",
    "scherrer_fwhm",
]
