"""X-ray tube lines, in angstrom."""

from numbers import Real

# K-alpha is the intensity-weighted mean of K-alpha1 and K-alpha2 (2:1).
# Values agree with pymatgen's ``WAVELENGTHS`` table.
WAVELENGTHS = {
    "CuKa": 1.54184,
    "CuKa1": 1.54056,
    "CuKa2": 1.54439,
    "CuKb1": 1.39222,
    "MoKa": 0.71073,
    "MoKa1": 0.70930,
    "MoKa2": 0.71359,
    "MoKb1": 0.63229,
    "CrKa": 2.29100,
    "CrKa1": 2.28970,
    "CrKa2": 2.29361,
    "CrKb1": 2.08487,
    "FeKa": 1.93735,
    "FeKa1": 1.93604,
    "FeKa2": 1.93998,
    "FeKb1": 1.75661,
    "CoKa": 1.79026,
    "CoKa1": 1.78896,
    "CoKa2": 1.79285,
    "CoKb1": 1.63079,
    "AgKa": 0.560885,
    "AgKa1": 0.559421,
    "AgKa2": 0.563813,
    "AgKb1": 0.497082,
}


def resolve_wavelength(wavelength):
    """Wavelength in angstrom from a tube-line name or a positive number.

    Parameters
    ----------
    wavelength : str or float
        A key of :data:`WAVELENGTHS` (e.g. ``"CuKa"``) or a value in angstrom.

    Returns
    -------
    wavelength : float

    Examples
    --------
    >>> resolve_wavelength("CuKa")
    1.54184
    >>> resolve_wavelength(0.7)
    0.7
    """
    if isinstance(wavelength, str):
        try:
            return WAVELENGTHS[wavelength]
        except KeyError:
            raise ValueError(
                f"unknown wavelength {wavelength!r}; use one of "
                f"{sorted(WAVELENGTHS)} or a number in angstrom"
            ) from None
    if isinstance(wavelength, Real) and not isinstance(wavelength, bool):
        if wavelength > 0:
            return float(wavelength)
    raise ValueError(
        f"wavelength must be a tube-line name or a positive number in angstrom, "
        f"got {wavelength!r}"
    )


def kalpha_lines(wavelength):
    """Names of the K-alpha1 and K-alpha2 lines of a tube, or None.

    Parameters
    ----------
    wavelength : str or float
        A K-alpha line of :data:`WAVELENGTHS` (``"CuKa"``, ``"CuKa1"``, ...);
        anything else (a number, a K-beta line) gives None.

    Returns
    -------
    lines : tuple of str or None

    Examples
    --------
    >>> kalpha_lines("MoKa")
    ('MoKa1', 'MoKa2')
    >>> kalpha_lines(0.7) is None
    True
    """
    if not isinstance(wavelength, str) or "Ka" not in wavelength:
        return None
    tube = wavelength.split("Ka")[0]
    lines = (tube + "Ka1", tube + "Ka2")
    return lines if all(line in WAVELENGTHS for line in lines) else None
