"""
Classify a measured pattern file
================================

A diffractometer writes a file on its own grid and wavelength, with a
background and counting noise. To classify it, read it with
:func:`sklearn_xrd.io.read_pattern`, put it on the model grid with
:func:`~sklearn_xrd.preprocessing.resample_pattern` (through d-spacing, so a
Mo K-alpha scan lands where Cu K-alpha would have put its peaks), subtract
the background with :class:`~sklearn_xrd.preprocessing.BackgroundRemover`,
and hand it to a model trained on simulated patterns.

So that this page builds without any data, the "measurement" is made here:
rutile (TiO2, tetragonal) simulated with Mo K-alpha on 3-40 degrees in steps
of 0.01 degrees, given a background, peak shifts and noise by
:class:`~sklearn_xrd.augmentation.PatternAugmenter`, and written as a
two-column ``.xy`` file with a wavelength header.
"""

import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from pymatgen.core import Lattice, Structure
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.pipeline import make_pipeline

from sklearn_xrd.augmentation import PatternAugmenter
from sklearn_xrd.datasets import make_patterns, make_random_crystals
from sklearn_xrd.io import read_pattern
from sklearn_xrd.preprocessing import (
    BackgroundRemover,
    CIFToPattern,
    GaussianBroadening,
    Normalizer,
    PeakExtractor,
    resample_pattern,
)

# %%
# A measured-like file: Mo K-alpha (0.7107 A), 3-40 degrees, step 0.01.
rutile = Structure.from_spacegroup(
    "P4_2/mnm",
    Lattice.tetragonal(4.594, 2.959),
    ["Ti", "O"],
    [[0, 0, 0], [0.3053, 0.3053, 0]],
)
mo_grid = {"wavelength": "MoKa", "two_theta_range": (3, 40), "step": 0.01}
sticks = CIFToPattern(input="structure", **mo_grid).transform([rutile])
clean = GaussianBroadening(fwhm=0.06, step=0.01).fit_transform(sticks)
augmenter = PatternAugmenter(
    n_variants=1,
    keep_original=False,
    background=(0.1, 0.1),
    poisson_noise=(2e3, 2e3),
    wavelength="MoKa",
    two_theta_start=3.0,
    step=0.01,
    random_state=0,
)
measured, _ = augmenter.fit_resample(clean, ["tetragonal"])
two_theta_mo = 3.0 + 0.01 * np.arange(measured.shape[1])
counts = 1000 * measured[0] / measured[0].max()

folder = Path(tempfile.mkdtemp())
path = folder / "rutile_MoKa.xy"
with open(path, "w") as fh:
    fh.write("# rutile, simulated measurement; lambda=0.71073\n")
    for angle, value in zip(two_theta_mo, counts):
        fh.write(f"{angle:.2f} {value:.1f}\n")

# %%
# Read it back and put it on the model grid (Cu K-alpha, 5-90 deg, 0.02 deg).
pattern = read_pattern(path)
print(f"read {len(pattern.two_theta)} points, wavelength {pattern.wavelength} A")
on_grid = resample_pattern(
    pattern.two_theta, pattern.intensity, wavelength=pattern.wavelength
)
X = BackgroundRemover().fit_transform(on_grid[np.newaxis, :])
two_theta = 5.0 + 0.02 * np.arange(X.shape[1])

# %%
# A small model trained on simulated crystals: 15 per system with three
# augmented copies each, peaks -> ExtraTrees.
crystals = make_random_crystals(15, random_state=0)
train = make_patterns(crystals.data, n_variants=3, random_state=0)
y_train = np.asarray(crystals.target)[train.source_index]
model = make_pipeline(
    Normalizer(),
    PeakExtractor(n_peaks=20),
    ExtraTreesClassifier(n_estimators=300, class_weight="balanced", random_state=0),
).fit(train.data, y_train)

proba = model.predict_proba(X)[0]
order = np.argsort(proba)[::-1][:3]
# A forest of ~100 synthetic crystals is a weak model: the study trains on
# thousands; the point here is the path from a file to a prediction.
print("rutile is tetragonal; the model says:")
for k in order:
    print(f"  {model.classes_[k]:<13} {proba[k]:.2f}")

# %%
# The file as read, on the model grid, and after background removal.
fig, axes = plt.subplots(3, 1, figsize=(8, 7))
axes[0].plot(pattern.two_theta, pattern.intensity, lw=0.8)
axes[0].set_title("file as read (Mo K-alpha)")
axes[0].set_xlabel("2-theta (deg, Mo K-alpha)")
axes[1].plot(two_theta, on_grid, lw=0.8)
axes[1].set_title("resampled to Cu K-alpha, 5-90 deg")
axes[2].plot(two_theta, X[0], lw=0.8, color="C2")
axes[2].set_title(
    f"background removed: predicted {model.classes_[order[0]]} ({proba[order[0]]:.2f})"
)
for ax in axes[1:]:
    ax.set_xlabel("2-theta (deg, Cu K-alpha)")
for ax in axes:
    ax.set_ylabel("counts")
fig.tight_layout()
plt.show()
