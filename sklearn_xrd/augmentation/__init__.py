"""Training-only augmentation: samplers that add perturbed copies of patterns.

:class:`PatternAugmenter` is an imbalanced-learn sampler: inside
:class:`imblearn.pipeline.Pipeline` it runs in ``fit`` only. The functions
apply one perturbation each, with explicit parameters.
"""

from ._pattern_augmenter import PatternAugmenter
from ._perturbations import (
    add_amorphous_hump,
    add_background,
    add_gaussian_noise,
    add_impurity_peaks,
    add_poisson_noise,
    apply_strain,
    broaden_crystallite_size,
    displace_sample,
    march_dollase,
    modulate_intensities,
    shift_pattern,
)

__all__ = [
    "PatternAugmenter",
    "add_amorphous_hump",
    "add_background",
    "add_gaussian_noise",
    "add_impurity_peaks",
    "add_poisson_noise",
    "apply_strain",
    "broaden_crystallite_size",
    "displace_sample",
    "march_dollase",
    "modulate_intensities",
    "shift_pattern",
]
