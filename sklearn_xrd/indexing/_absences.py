"""Systematic absences of a fitted hexagonal cell: the 6_3 screw axis and c-glide.

A primitive trigonal lattice and a hexagonal one share the same metric, so the
figures of merit cannot tell them apart. Some of their space groups differ in
their absences: a ``6_3`` screw axis along c removes the ``00l`` lines with
``l`` odd (P6_3, P6_3/m, P6_3/mmc, P6_3mc, P6_322, ...), and a c-glide
parallel to c removes the ``hh(-2h)l`` lines with ``l`` odd (P6_3/mmc, P-62c,
P-31c, P31c). Counting, for the fitted cell, how many observed peaks sit on
such lines against how many such lines lie in the observed range gives the
classifier that evidence. Only lines of their own kind are counted: a line of
the kind that coincides with another line at the same Q is not separated.
"""

import numpy as np

ABSENCE_FEATURES = ("00l_odd", "00l_odd_expected", "hhl_odd", "hhl_odd_expected")


def hexagonal_absence_counts(result):
    """Observed and expected ``00l`` and ``hh(-2h)l`` lines with ``l`` odd.

    Parameters
    ----------
    result : dict
        The ``"hexagonal"`` entry of :func:`index_peaks`'s result (``params``,
        ``hkl``, ``indexed``).

    Returns
    -------
    counts : ndarray of shape (4,)
        In the order of :data:`ABSENCE_FEATURES`: indexed peaks on ``00l``
        lines with ``l`` odd, such lines up to the largest Q of the indexed
        peaks, then the same for ``hh(-2h)l`` lines (hexagonal axes, ``hk``
        with ``h^2 + hk + k^2 = 3 n^2``). All zero when no cell was found.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> from sklearn_xrd.indexing import index_peaks
    >>> from sklearn_xrd.simulation import stick_pattern
    >>> mg = Structure.from_spacegroup(  # hcp, P6_3/mmc
    ...     "P6_3/mmc", Lattice.hexagonal(3.21, 5.21), ["Mg"], [[1/3, 2/3, 0.25]])
    >>> tt, _ = stick_pattern(mg)
    >>> res = index_peaks(np.unique(tt.round(5)), systems=["hexagonal"])
    >>> hexagonal_absence_counts(res["hexagonal"]).tolist()  # none observed
    [0.0, 2.0, 0.0, 1.0]
    """
    a, c = result["params"]
    if not (np.isfinite(a) and np.isfinite(c)):
        return np.zeros(len(ABSENCE_FEATURES))
    h, k, l = result["hkl"][result["indexed"]].T
    if len(h) == 0:
        return np.zeros(len(ABSENCE_FEATURES))
    m = h * h + h * k + k * k
    q_max = float(np.max(a * m + c * l * l))
    n = np.sqrt(m / 3)
    hh = (m > 0) & (np.abs(n - np.round(n)) < 1e-9)
    odd = l % 2 == 1
    l_odd = np.arange(1, 2 * int(np.sqrt(q_max / c)) + 3, 2)
    n_hh = np.arange(1, int(np.sqrt(q_max / (3 * a))) + 2)
    expected_00l = np.sum(c * l_odd**2 <= q_max * (1 + 1e-9))
    expected_hh = np.sum(
        3 * a * n_hh[:, None] ** 2 + c * l_odd[None, :] ** 2 <= q_max * (1 + 1e-9)
    )
    return np.array(
        [np.sum((m == 0) & odd), expected_00l, np.sum(hh & odd), expected_hh],
        dtype=float,
    )
