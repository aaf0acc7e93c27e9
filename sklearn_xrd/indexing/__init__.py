"""Powder indexing: which cell of each lattice system explains the peak positions.

Pure numpy functions; :class:`sklearn_xrd.preprocessing.IndexingFeatures` turns
their results into features for a classifier.
"""

from ._absences import ABSENCE_FEATURES, hexagonal_absence_counts
from ._ambiguity import AMBIGUITIES, metric_ambiguity
from ._extinctions import CONDITIONS, extinction_counts, extinction_feature_names
from ._lattice import (
    CELL_PARAMETERS,
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
    "ABSENCE_FEATURES",
    "AMBIGUITIES",
    "CELL_PARAMETERS",
    "CENTRINGS",
    "CONDITIONS",
    "N_PARAMS",
    "SYSTEMS",
    "cell_from_coefficients",
    "centring_table",
    "coefficients_from_cell",
    "extinction_counts",
    "extinction_feature_names",
    "hexagonal_absence_counts",
    "index_peaks",
    "metric_ambiguity",
    "metric_coefficients",
    "q_from_two_theta",
    "reflection_table",
]
