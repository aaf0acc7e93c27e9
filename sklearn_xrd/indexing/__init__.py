"""Powder indexing: which cell of each lattice system explains the peak positions.

Pure numpy functions; :class:`sklearn_xrd.preprocessing.IndexingFeatures` turns
their results into features for a classifier.
"""

from ._lattice import (
    CENTRINGS,
    N_PARAMS,
    SYSTEMS,
    cell_from_coefficients,
    centring_table,
    coefficients_from_cell,
    metric_coefficients,
    reflection_table,
)
from ._search import index_peaks, q_from_two_theta

__all__ = [
    "CENTRINGS",
    "N_PARAMS",
    "SYSTEMS",
    "cell_from_coefficients",
    "centring_table",
    "coefficients_from_cell",
    "index_peaks",
    "metric_coefficients",
    "q_from_two_theta",
    "reflection_table",
]
