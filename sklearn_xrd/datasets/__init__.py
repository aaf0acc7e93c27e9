"""Structures with crystal-system labels, training data, leakage-aware splits.

Real structures and measured patterns (loaders), and the synthetic training
data made from random crystals (:func:`make_random_crystals`,
:func:`make_patterns`, :func:`synthetic_training_set`).
"""

from ._collections import (
    find_collection,
    get_cache_dir,
    load_amcsd,
    load_oqmd_icsd,
)
from ._labels import is_organic, space_group_number
from ._loaders import load_cif_directory, load_prototypes, load_structure_table
from ._measured import load_crystalyze, load_rruff
from ._patterns import make_patterns
from ._shared import get_shared_data_dir
from ._split import class_capped_split, formula_groups, grouped_train_test_split
from ._synthetic import make_random_crystals
from ._training_set import synthetic_training_set

__all__ = [
    "find_collection",
    "get_cache_dir",
    "load_amcsd",
    "load_oqmd_icsd",
    "make_patterns",
    "make_random_crystals",
    "load_crystalyze",
    "load_rruff",
    "class_capped_split",
    "formula_groups",
    "get_shared_data_dir",
    "grouped_train_test_split",
    "is_organic",
    "load_cif_directory",
    "load_prototypes",
    "load_structure_table",
    "space_group_number",
    "synthetic_training_set",
]
