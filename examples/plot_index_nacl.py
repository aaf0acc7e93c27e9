"""
Index the peaks of rock salt
============================

Before machine learning, crystallographers found the crystal system by
indexing: searching, for each lattice system, a cell whose reflections
explain the observed peak positions.
:func:`sklearn_xrd.indexing.index_peaks` does this for the first peaks of a
pattern and returns a figure of merit per system;
:class:`~sklearn_xrd.preprocessing.IndexingFeatures` turns these results into
features for a classifier. Here the peaks are found in a broadened simulated
pattern of NaCl (cubic, a = 5.64 A), so their positions carry the small
errors of a real peak search. A cubic cell is a special case of every
lower-symmetry cell, so those index the peaks too, and with more free
parameters their figures of merit can be as high; the crystallographer's rule
is to keep the most symmetric system that indexes every peak, here cubic with
a = 5.64 A.
"""

import matplotlib.pyplot as plt
import numpy as np
from pymatgen.core import Lattice, Structure

from sklearn_xrd.indexing import index_peaks
from sklearn_xrd.preprocessing import (
    CIFToPattern,
    GaussianBroadening,
    Normalizer,
    PeakExtractor,
)

nacl = Structure.from_spacegroup(
    "Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]]
)
sticks = CIFToPattern(input="structure").transform([nacl])
pattern = Normalizer().fit_transform(GaussianBroadening(fwhm=0.1).fit_transform(sticks))
features = PeakExtractor(n_peaks=20, sort_by="angle").fit_transform(pattern)[0]
peaks = features[:20][features[:20] > 0]  # position 0 pads missing peaks
print(f"{len(peaks)} NaCl peaks found between 5 and 90 deg (Cu K-alpha):")
print(np.round(peaks, 3))

results = index_peaks(peaks)
for system, res in results.items():
    cell = ", ".join(f"{v:.3f}" for v in res["cell"][:3])
    print(
        f"{system:<13} FOM {res['fom']:8.2f}  indexed {res['n_indexed']:2d}"
        f"  a, b, c = {cell}"
    )
# Systems come from the most to the least symmetric.
best = next(s for s, r in results.items() if r["n_indexed"] == len(peaks))
print(f"most symmetric system indexing all {len(peaks)} peaks: {best}")
print(f"its cell: a = {results[best]['cell'][0]:.3f} A")

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.bar(list(results), [results[s]["fom"] for s in results], color="C0")
ax.set_ylabel("figure of merit")
ax.set_title(f"index_peaks on NaCl (most symmetric full indexing: {best})")
ax.tick_params(axis="x", rotation=30)
fig.tight_layout()
plt.show()
