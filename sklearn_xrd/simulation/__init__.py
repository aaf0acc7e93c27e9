"""The physics of powder diffraction: reflections, form factors, intensities."""

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
    "WAVELENGTHS",
    "bin_sticks",
    "check_structure",
    "form_factors",
    "grid",
    "lorentz_polarisation",
    "read_cif",
    "reflections",
    "resolve_wavelength",
    "stick_pattern",
]
