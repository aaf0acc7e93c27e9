"""sklearn_xrd: crystal-system classification from powder X-ray diffraction.

Subpackages
-----------
datasets
    Loaders for structures (built-in AFLOW prototypes, CIF folders, CSV tables)
    and leakage-aware splits.
simulation
    The physics: reflections, structure factors, Lorentz-polarisation.
preprocessing
    scikit-learn transformers from CIFs to patterns to peak features.
augmentation
    Training-only samplers (imbalanced-learn) that perturb patterns.
indexing
    Automatic indexing: lattice metrics fitted to peak positions.
utils
    Crystal-system helpers and the estimator-check registry.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
