"""Neural-network classifiers: scikit-learn estimators that own a skorch net.

Each classifier takes 2-D patterns ``(n_samples, n_features)`` of any width,
builds its torch module and a :class:`skorch.NeuralNetClassifier` in ``fit``,
returns the original labels from ``predict`` and softmax probabilities from
``predict_proba`` under every loss, and exposes the penultimate-layer
features through ``transform``.
"""

from ._base import BaseNeuralClassifier
from ._classifiers import (
    BiLSTMClassifier,
    CNNClassifier,
    CNNLSTMClassifier,
    DenseClassifier,
    TransformerClassifier,
)
from ._focal_loss import FocalLoss
from ._modules import (
    BiLSTMModule,
    CNNLSTMModule,
    CNNModule,
    DenseModule,
    TransformerModule,
)

__all__ = [
    "BaseNeuralClassifier",
    "BiLSTMClassifier",
    "BiLSTMModule",
    "CNNClassifier",
    "CNNLSTMClassifier",
    "CNNLSTMModule",
    "CNNModule",
    "DenseClassifier",
    "DenseModule",
    "FocalLoss",
    "TransformerClassifier",
    "TransformerModule",
]
