"""Structures with crystal-system labels, and leakage-aware splits."""

from ._labels import is_organic, space_group_number
from ._loaders import load_cif_directory, load_prototypes, load_structure_table
from ._shared import get_shared_data_dir
from ._split import class_capped_split, formula_groups, grouped_train_test_split

__all__ = [
    "class_capped_split",
    "formula_groups",
    "get_shared_data_dir",
    "grouped_train_test_split",
    "is_organic",
    "load_cif_directory",
    "load_prototypes",
    "load_structure_table",
    "space_group_number",
]
