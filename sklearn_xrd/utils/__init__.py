"""Utilities: crystal systems, progress bars, validation, estimator-check registry."""

from ._crystal import (
    CRYSTAL_SYSTEMS,
    crystal_system_from_space_group,
    space_group_symbol,
)
from ._progress import fit_in_chunks, progress_bar, transform_in_chunks

__all__ = [
    "CRYSTAL_SYSTEMS",
    "crystal_system_from_space_group",
    "fit_in_chunks",
    "progress_bar",
    "space_group_symbol",
    "transform_in_chunks",
]
