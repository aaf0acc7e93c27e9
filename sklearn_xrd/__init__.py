"""sklearn_xrd: crystal-system classification from powder X-ray diffraction.

Subpackages
-----------
datasets
    Loaders for structures (built-in AFLOW prototypes, CIF folders, CSV tables),
    synthetic training data and leakage-aware splits.
simulation
    The physics: reflections, structure factors, Lorentz-polarisation; the
    default grid (wavelength, 2-theta range, step).
preprocessing
    scikit-learn transformers from CIFs to patterns to peak features.
augmentation
    Training-only samplers (imbalanced-learn) that perturb patterns.
evaluation
    Displays and metrics: certainty, coverage, calibration, t-SNE, importances.
io
    Readers for measured pattern files (xy, ras, xrdml, brml, raw).
indexing
    Automatic indexing: lattice metrics fitted to peak positions.
models
    Ready pipelines (peaks, spectrum, Q-space, indexing, physics) and
    ``predict_cell``.
neural
    The study's networks (Dense, CNN, CNN-LSTM, BiLSTM, Transformer) as
    scikit-learn classifiers backed by skorch, and ``FocalLoss``.
pretrained
    The shipped crystal-system model (``load``, ``predict_files``).
study
    The evaluation harness: protocol, model zoo, benchmark report and demo
    (``sklearn-xrd demo``, ``sklearn-xrd benchmark``, ``benchmarks/``); no
    other family imports it.
utils
    Crystal-system helpers and the estimator-check registry.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
