"""The physics of powder diffraction: reflections, form factors, intensities.

Also the default grid (wavelength, 2-theta range, step) that every model reads.
"""

from ._grid import DEFAULT_GRID, resampling_params
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
    "stick_pattern",
]
