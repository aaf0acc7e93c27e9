"""Transformers: structures to patterns to features."""

from ._broadening import GaussianBroadening
from ._cif_to_pattern import CIFToPattern
from ._indexing_features import ExtinctionFeatures, IndexingFeatures
from ._measured import (
    BackgroundRemover,
    KAlpha2Stripper,
    PatternResampler,
    Smoother,
    resample_pattern,
)
from ._normalizer import Normalizer
from ._peaks import PeakExtractor, find_peaks_2d
from ._profiles import KAlpha2Doublet, PseudoVoigtProfile, caglioti_fwhm, scherrer_fwhm
from ._qspace import (
    QSpacePeaks,
    find_pattern_peaks,
    kalpha2_ratio,
    qspace_features,
    select_peaks,
)

__all__ = [
    "BackgroundRemover",
    "KAlpha2Stripper",
    "PatternResampler",
    "Smoother",
    "resample_pattern",
    "CIFToPattern",
    "GaussianBroadening",
    "ExtinctionFeatures",
    "IndexingFeatures",
    "KAlpha2Doublet",
    "Normalizer",
    "PeakExtractor",
    "PseudoVoigtProfile",
    "QSpacePeaks",
    "caglioti_fwhm",
    "find_pattern_peaks",
    "find_peaks_2d",
    "kalpha2_ratio",
    "qspace_features",
    "scherrer_fwhm",
    "select_peaks",
]
