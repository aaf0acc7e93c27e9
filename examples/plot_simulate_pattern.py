"""
Simulate and plot a powder pattern
==================================

Simulate the Cu K-alpha pattern of rock salt and rutile from their structures,
broaden the sticks with a Gaussian, and mark the peaks that
:class:`~sklearn_xrd.preprocessing.PeakExtractor` finds. The strongest rock-salt
line, (200), sits where Bragg's law puts it: ``2 theta = 2 asin(lambda / 2d)``
with ``d = a / 2``.
"""

import matplotlib.pyplot as plt
import numpy as np
from pymatgen.core import Lattice, Structure

from sklearn_xrd.preprocessing import (
    CIFToPattern,
    GaussianBroadening,
    Normalizer,
    PeakExtractor,
)

nacl = Structure.from_spacegroup(
    "Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]]
)
rutile = Structure.from_spacegroup(
    "P4_2/mnm",
    Lattice.tetragonal(4.594, 2.959),
    ["Ti", "O"],
    [[0, 0, 0], [0.3053, 0.3053, 0]],
)

simulator = CIFToPattern(input="structure")
sticks = simulator.transform([nacl, rutile])
patterns = Normalizer().fit_transform(
    GaussianBroadening(fwhm=0.15).fit_transform(sticks)
)
peaks = PeakExtractor(n_peaks=8).fit_transform(patterns)

two_theta = simulator.two_theta_
d200 = 5.64 / 2
print(
    "NaCl (200) from Bragg's law: "
    f"{np.degrees(2 * np.arcsin(1.54184 / (2 * d200))):.2f} deg"
)
print(f"NaCl strongest simulated peak: {peaks[0, 0]:.2f} deg")

fig, axes = plt.subplots(2, 1, figsize=(8, 5), sharex=True)
for ax, pattern, feats, name in zip(
    axes, patterns, peaks, ["NaCl (cubic)", "TiO2 rutile (tetragonal)"]
):
    ax.plot(two_theta, pattern, lw=1)
    ax.plot(feats[:8], feats[8:], "v", color="C3", label="PeakExtractor")
    ax.set_ylabel("intensity (max = 1)")
    ax.set_title(name)
    ax.legend(loc="upper right")
axes[-1].set_xlabel("2-theta (degrees, Cu K-alpha)")
fig.tight_layout()
plt.show()
