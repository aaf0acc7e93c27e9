"""Ready-to-fit models: patterns on the default grid to crystal systems and cells.

Each factory returns a scikit-learn :class:`~sklearn.pipeline.Pipeline` with the
steps ``frontend`` (pattern clean-up, see :func:`make_frontend`), ``features``
and ``classifier``; :func:`predict_cell` gives the fitted cell of the predicted
crystal system from the indexing search.
"""

from ._cell import CELL_KEYS, predict_cell, predict_with_cells, sharing_search
from ._clean import PeakCleaner
from ._factories import (
    MEASURED_INDEXING,
    MODELS,
    downsample,
    make_frontend,
    make_indexing_model,
    make_model,
    make_peak_model,
    make_physics_model,
    make_qspace_model,
    make_space_group_model,
    make_spectrum_model,
)
from ._space_group import HierarchicalSpaceGroupClassifier

__all__ = [
    "CELL_KEYS",
    "HierarchicalSpaceGroupClassifier",
    "MEASURED_INDEXING",
    "MODELS",
    "PeakCleaner",
    "downsample",
    "make_frontend",
    "make_indexing_model",
    "make_model",
    "make_peak_model",
    "make_physics_model",
    "make_qspace_model",
    "make_space_group_model",
    "make_spectrum_model",
    "predict_cell",
    "predict_with_cells",
    "sharing_search",
]
