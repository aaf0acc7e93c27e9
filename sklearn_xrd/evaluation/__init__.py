"""Metrics and displays to judge a crystal-system classifier.

Certainty (top-class probability) against correctness and coverage,
calibration (reliability diagrams, ECE, temperature scaling), class
frequencies other than the training ones (Bayes' rule, EM estimate), embeddings of
learned features, training curves, feature importances on the 2-theta axis,
and percent confusion matrices. The displays follow scikit-learn's pattern:
``from_estimator``, ``from_predictions``, ``plot(ax=...)``, ``ax_``, ``figure_``.
"""

from ._certainty_histogram import CertaintyHistogramDisplay
from ._conformal import ConformalSets, hinge_scores
from ._confusion import plot_confusion_matrix_percent
from ._coverage import (
    CertaintyCoverageDisplay,
    accuracy_at_coverage,
    accuracy_coverage_curve,
    certainty_threshold_for_accuracy,
)
from ._embedding import FeatureEmbeddingDisplay, learned_features
from ._feature_importance import FeatureImportanceDisplay, two_theta_from_names
from ._prior import adjust_to_prior, estimate_prior
from ._reliability import ReliabilityDisplay, expected_calibration_error
from ._summary import classification_summary
from ._temperature import TemperatureScaledClassifier
from ._training_curve import TrainingCurveDisplay

__all__ = [
    "ConformalSets",
    "CertaintyCoverageDisplay",
    "CertaintyHistogramDisplay",
    "FeatureEmbeddingDisplay",
    "FeatureImportanceDisplay",
    "ReliabilityDisplay",
    "TemperatureScaledClassifier",
    "TrainingCurveDisplay",
    "accuracy_at_coverage",
    "accuracy_coverage_curve",
    "adjust_to_prior",
    "certainty_threshold_for_accuracy",
    "classification_summary",
    "estimate_prior",
    "expected_calibration_error",
    "hinge_scores",
    "learned_features",
    "plot_confusion_matrix_percent",
    "two_theta_from_names",
]
