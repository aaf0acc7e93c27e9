"""Utilities: crystal systems, shared validation and the estimator-check registry."""

from ._crystal import (
    CRYSTAL_SYSTEMS,
    crystal_system_from_space_group,
    space_group_symbol,
)

__all__ = ["CRYSTAL_SYSTEMS", "crystal_system_from_space_group", "space_group_symbol"]
