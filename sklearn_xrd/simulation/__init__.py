"""The physics of powder diffraction: reflections, form factors, intensities.

One batched runner (:func:`simulate_many`, :func:`simulate_batches`) reads,
checks, batches, parallelises and caches the pattern engine for every caller.

Also the default grid (wavelength, 2-theta range, step) that every model reads.
"""

from ._engine import PATTERN_MAX
from ._grid import DEFAULT_GRID, resampling_params
from ._runner import scale_to_max, simulate_batches, simulate_many
from ._structure import check_structure, read_cif
from ._wavelengths import WAVELENGTHS, resolve_wavelength
from ._xrd import (
    bin_sticks,
    form_factors,
    grid,
    lorentz_polarisation,
    reflections,
    stick_pattern,
)

__all__ = [
    "DEFAULT_GRID",
    "PATTERN_MAX",
    "WAVELENGTHS",
    "bin_sticks",
    "check_structure",
    "form_factors",
    "grid",
    "lorentz_polarisation",
    "read_cif",
    "reflections",
    "resampling_params",
    "resolve_wavelength",
    "scale_to_max",
    "simulate_batches",
    "simulate_many",
    "stick_pattern",
]
