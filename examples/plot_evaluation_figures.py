"""
Judge a classifier: confusion, certainty, coverage, calibration, t-SNE
======================================================================

Accuracy alone hides what a user of a crystal-system classifier needs to
know: which systems it confuses, whether its certainty means anything, and
how much more accurate it gets when it may abstain on uncertain patterns.
Here a peaks -> ExtraTrees pipeline and a small dense network are trained on
a small augmented synthetic set and tested on pymatgen's AFLOW prototypes,
and :mod:`sklearn_xrd.evaluation` draws

* the confusion matrix in percent of each true class,
* the histogram of certainty (top-class probability), right and wrong,
* accuracy against coverage when only the most certain patterns are kept,
* the reliability diagram with the expected calibration error,
* a t-SNE map of the network's learned (penultimate-layer) features.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_xrd.datasets import load_prototypes, make_patterns, make_random_crystals
from sklearn_xrd.evaluation import (
    CertaintyCoverageDisplay,
    CertaintyHistogramDisplay,
    FeatureEmbeddingDisplay,
    ReliabilityDisplay,
    classification_summary,
    plot_confusion_matrix_percent,
)
from sklearn_xrd.neural import DenseClassifier
from sklearn_xrd.preprocessing import (
    CIFToPattern,
    GaussianBroadening,
    Normalizer,
    PeakExtractor,
)

# %%
# Training data: 8 random crystals per system, two augmented copies each.
# Test data: the 288 prototypes, simulated and broadened.
crystals = make_random_crystals(8, random_state=0)
patterns = make_patterns(crystals.data, n_variants=2, random_state=0)
X_train = patterns.data
y_train = np.asarray(crystals.target)[patterns.source_index]

prototypes = load_prototypes()
sticks = CIFToPattern(input="structure").transform(prototypes.data)
X_test = GaussianBroadening(fwhm=0.1).fit_transform(sticks)
y_test = np.asarray(prototypes.target)
print(f"train {X_train.shape}, test {X_test.shape}")

# %%
# Two models on the same 20-peak representation.
trees = make_pipeline(
    Normalizer(),
    PeakExtractor(n_peaks=20),
    ExtraTreesClassifier(n_estimators=200, class_weight="balanced", random_state=0),
).fit(X_train, y_train)
network = make_pipeline(
    Normalizer(),
    PeakExtractor(n_peaks=20),
    StandardScaler(),
    DenseClassifier(hidden_units=(64, 32), max_epochs=20, random_state=0),
).fit(X_train, y_train)
for name, model in [("ExtraTrees", trees), ("Dense", network)]:
    summary = classification_summary(
        y_test, model.predict(X_test), model.predict_proba(X_test), model.classes_
    )
    print(name, {k: round(v, 3) for k, v in summary.items() if np.isscalar(v)})

# %%
# The figures. Every display also has ``from_predictions`` for stored
# probabilities, and returns an object with ``ax_`` and ``figure_``.
fig, axes = plt.subplots(2, 3, figsize=(15, 9.5))
plot_confusion_matrix_percent(
    y_test,
    trees.predict(X_test),
    ax=axes[0, 0],
    colorbar=False,
    xticks_rotation=45,
)
axes[0, 0].set_title("ExtraTrees, % of true class")
CertaintyHistogramDisplay.from_estimator(
    trees, X_test, y_test, name="ExtraTrees", ax=axes[0, 1]
)
CertaintyHistogramDisplay.from_estimator(
    network, X_test, y_test, name="Dense", ax=axes[0, 2]
)
for model, name in [(trees, "ExtraTrees"), (network, "Dense")]:
    CertaintyCoverageDisplay.from_estimator(
        model, X_test, y_test, name=name, ax=axes[1, 0]
    )
    ReliabilityDisplay.from_estimator(
        model, X_test, y_test, name=name, ax=axes[1, 1], ref_line=name == "Dense"
    )
FeatureEmbeddingDisplay.from_estimator(
    network, X_test, y_test, random_state=0, name="Dense", ax=axes[1, 2]
)
fig.tight_layout()
plt.show()
