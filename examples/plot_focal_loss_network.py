"""
Train a network with focal loss and watch its training curve
============================================================

Real databases are dominated by a few crystal systems; the study trains its
networks with the focal loss of Lin et al. (2017), which down-weights the
examples a model already gets right. This example trains a small
:class:`~sklearn_xrd.neural.CNNClassifier` with ``loss="focal"`` on a tiny
augmented synthetic set (:func:`~sklearn_xrd.datasets.make_random_crystals`
and :func:`~sklearn_xrd.datasets.make_patterns`), keeps a fifth of the
crystals aside, and draws the per-epoch training curve
(:class:`~sklearn_xrd.evaluation.TrainingCurveDisplay`). A few epochs on a
few hundred patterns show the mechanics, not the accuracy of the study.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import GroupShuffleSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_xrd.datasets import make_patterns, make_random_crystals
from sklearn_xrd.evaluation import TrainingCurveDisplay
from sklearn_xrd.neural import CNNClassifier
from sklearn_xrd.preprocessing import Normalizer

# %%
# Eight random crystals per crystal system (pyxtal), each simulated on the
# default grid with two augmented copies (peak shifts, widths, preferred
# orientation, background, noise).
crystals = make_random_crystals(8, random_state=0)
patterns = make_patterns(crystals.data, n_variants=2, random_state=0)
X = patterns.data
y = np.asarray(crystals.target)[patterns.source_index]
split = GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=0)
fit_idx, test_idx = next(split.split(X, y, groups=patterns.source_index))
print(f"{len(fit_idx)} training and {len(test_idx)} held-out patterns")


def average_pool(X, factor=4):
    """Mean of each run of ``factor`` points (4251 -> 1062 points)."""
    n = X.shape[1] // factor * factor
    return X[:, :n].reshape(len(X), -1, factor).mean(axis=2)


# %%
# Scale each pattern to maximum 1, average-pool by 4 (4251 -> 1062 points),
# then a compact CNN trained with focal loss (gamma 2). A tenth of the
# training rows is held out inside ``fit`` for the validation curve.
net = CNNClassifier(
    filters=(8, 16),
    hidden_units=(32,),
    loss="focal",
    focal_gamma=2.0,
    max_epochs=8,
    lr=3e-3,
    batch_size=32,
    validation_fraction=0.1,
    random_state=0,
)
model = make_pipeline(Normalizer(), FunctionTransformer(average_pool), net)
model.fit(X[fit_idx], y[fit_idx])
accuracy = model.score(X[test_idx], y[test_idx])
print(f"{net.n_parameters_} weights ({net.model_size_bytes_ / 1024:.0f} KiB)")
print(f"held-out accuracy after {net.n_iter_} epochs: {accuracy:.3f} (chance 0.14)")
print(f"final training loss: {net.history_[-1]['train_loss']:.3f}")

# %%
# Loss and validation accuracy per epoch.
fig, ax = plt.subplots(figsize=(6, 4))
TrainingCurveDisplay.from_estimator(net, name="CNN, focal loss", ax=ax)
fig.tight_layout()
plt.show()
