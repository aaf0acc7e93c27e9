"""The :class:`Pattern` record and the checks every reader shares."""

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


@dataclass(frozen=True, eq=False)
class Pattern:
    """One measured powder pattern, as :func:`read_pattern` returns it.

    Parameters
    ----------
    two_theta : ndarray of shape (n_points,)
        Diffraction angles in degrees, strictly increasing.
    intensity : ndarray of shape (n_points,)
        Intensities (counts or arbitrary units, as stored in the file).
    sigma : ndarray of shape (n_points,) or None, default=None
        Standard uncertainties of ``intensity`` when the file gives them.
    wavelength : float or None, default=None
        Wavelength in angstrom; ``None`` when neither the file, a sibling
        TOPAS file nor the caller states it.
    metadata : dict, default={}
        Format-specific header values (``"format"``, ``"wavelength_source"``,
        tube lines, scan parameters, header lines, ...).
    source : str or None, default=None
        The file the pattern was read from.

    Examples
    --------
    >>> import numpy as np
    >>> p = Pattern(np.array([10.0, 10.02]), np.array([5.0, 7.0]), wavelength=1.5406)
    >>> len(p), p.wavelength
    (2, 1.5406)
    """

    two_theta: np.ndarray
    intensity: np.ndarray
    sigma: np.ndarray | None = None
    wavelength: float | None = None
    metadata: dict = field(default_factory=dict)
    source: str | None = None

    def __len__(self):
        return len(self.two_theta)

    def __repr__(self):
        if len(self):
            span = f"{self.two_theta[0]:g}-{self.two_theta[-1]:g} deg"
        else:
            span = "empty"
        return (
            f"Pattern({len(self)} points, {span}, wavelength={self.wavelength!r}, "
            f"source={self.source!r})"
        )


def fail(path, reason):
    """``ValueError`` naming the file and the reason."""
    return ValueError(f"{path}: {reason}")


def finish_pattern(
    path, two_theta, intensity, *, sigma=None, wavelength=None, metadata=None
):
    """Check the columns of a freshly read pattern and wrap them in a Pattern.

    Checks: 1-D columns of equal length, at least two points, finite values,
    angles within (-180, 180) degrees, strictly monotonic angles (a
    descending scan is reversed; repeated or unsorted angles raise), sigma
    non-negative.
    """
    metadata = dict(metadata or {})
    two_theta = np.asarray(two_theta, dtype=np.float64).ravel()
    intensity = np.asarray(intensity, dtype=np.float64).ravel()
    if sigma is not None:
        sigma = np.asarray(sigma, dtype=np.float64).ravel()
    if two_theta.shape != intensity.shape:
        raise fail(
            path,
            f"{two_theta.size} angles but {intensity.size} intensities "
            "(truncated or corrupt file?)",
        )
    if sigma is not None and sigma.shape != intensity.shape:
        raise fail(path, f"{sigma.size} sigma values for {intensity.size} points")
    if two_theta.size < 2:
        raise fail(path, f"{two_theta.size} data point(s); a pattern needs at least 2")
    for name, column in (
        ("2-theta", two_theta),
        ("intensity", intensity),
        ("sigma", sigma),
    ):
        if column is None:
            continue
        bad = np.flatnonzero(~np.isfinite(column))
        if bad.size:
            raise fail(
                path,
                f"non-finite {name} value at point(s) {bad[:5].tolist()}"
                + (f" and {bad.size - 5} more" if bad.size > 5 else ""),
            )
    if np.abs(two_theta).max() >= 180:
        raise fail(
            path,
            f"2-theta values up to {np.abs(two_theta).max():g} deg lie outside "
            "(-180, 180); is the first column an angle in degrees?",
        )
    diff = np.diff(two_theta)
    if np.all(diff < 0):
        two_theta, intensity = two_theta[::-1], intensity[::-1]
        sigma = None if sigma is None else sigma[::-1]
        metadata["reversed"] = True
    elif not np.all(diff > 0):
        i = int(np.flatnonzero(diff <= 0)[0])
        raise fail(
            path,
            "2-theta is not strictly monotonic: point "
            f"{i + 1} ({two_theta[i + 1]:g}) follows {two_theta[i]:g}",
        )
    if sigma is not None and sigma.min() < 0:
        raise fail(path, "negative sigma values")
    if wavelength is not None:
        wavelength = float(wavelength)
        if not (np.isfinite(wavelength) and wavelength > 0):
            raise fail(path, f"invalid wavelength {wavelength!r}")
    return Pattern(
        two_theta=two_theta,
        intensity=intensity,
        sigma=sigma,
        wavelength=wavelength,
        metadata=metadata,
        source=str(path),
    )


def weighted_wavelength(alpha1, alpha2=None, ratio=None):
    """Intensity-weighted mean of the K-alpha lines (K-alpha1 alone if no alpha2)."""
    if alpha1 is None:
        return None
    if alpha2 is None or not alpha2 > 0:
        return float(alpha1)
    ratio = 0.5 if ratio is None else float(ratio)
    return float((alpha1 + ratio * alpha2) / (1.0 + ratio))


def read_bytes(path):
    """All bytes of ``path``, with a clear error for a missing or empty file."""
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"{path}: a directory, not a pattern file")
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    data = path.read_bytes()
    if not data.strip():
        raise fail(path, "empty file")
    return data
