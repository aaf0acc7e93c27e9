"""Reflection conditions of a fitted cell: centring, glide planes, screw axes.

A space group's lattice centring, glide planes and screw axes remove whole
classes of reflections (International Tables, Vol. A, reflection
conditions). Given the cell that the search fitted for a lattice system and
the peaks it indexed, two numbers per condition say how well the condition
fits: how many indexed peaks lie on lines that the condition forbids (one
such peak rules it out, up to indexing errors), and how many lines it allows
up to the largest Q of the indexed peaks (a condition that allows many
more lines than were indexed is unlikely; primitive is the line count with
no condition).

In a powder pattern, reflections of equal Q fall on one line, so a line is
forbidden only when every reflection on it is. The conditions are written
so that they are closed under the Laue symmetry of the system (cubic ones
under permutations of h, k, l): a condition that holds for ``0kl`` but not
for ``k0l`` cannot be seen in a powder pattern of a cubic crystal.
"""

import functools

import numpy as np

from ._lattice import MAX_INDEX, reflection_lines, reflection_table


def _even(x):
    return x % 2 == 0


def _zone_rule(zone, rule):
    """Allowed unless in ``zone`` and breaking ``rule``."""

    def allowed(h, k, l):
        return ~zone(h, k, l) | rule(h, k, l)

    return allowed


def _sorted_abs(h, k, l):
    return np.sort(np.abs(np.stack([h, k, l])), axis=0)


def _cubic_axis(h, k, l):  # h00 and its permutations
    return (np.count_nonzero(np.stack([h, k, l]), axis=0) == 1), h + k + l


def _cubic_hhl(h, k, l):
    """(in zone ``hhl``, ``h``, ``l``): two indices equal in magnitude."""
    s = _sorted_abs(h, k, l)
    low_pair = s[0] == s[1]
    high_pair = s[1] == s[2]
    pair = np.where(high_pair, s[2], s[0])
    odd = np.where(high_pair, s[0], s[2])
    return (low_pair | high_pair) & (s[2] > 0), pair, odd


def _cubic_zero(h, k, l):
    s = _sorted_abs(h, k, l)
    return s[0] == 0, s[1], s[2]


_RULES = {
    "I": lambda h, k, l: _even(h + k + l),
    "F": lambda h, k, l: _even(h + k) & _even(k + l),
    "C": lambda h, k, l: _even(h + k),
    "A": lambda h, k, l: _even(k + l),
    "B": lambda h, k, l: _even(h + l),
    # obverse or reverse: a hexagonal fit of a rhombohedral lattice may be
    # either, and the two are one line each
    "R": lambda h, k, l: ((-h + k + l) % 3 == 0) | ((h - k + l) % 3 == 0),
    # axial (screw axes)
    "h00:h=2n": _zone_rule(
        lambda h, k, l: (k == 0) & (l == 0), lambda h, k, l: _even(h)
    ),
    "0k0:k=2n": _zone_rule(
        lambda h, k, l: (h == 0) & (l == 0), lambda h, k, l: _even(k)
    ),
    "00l:l=2n": _zone_rule(
        lambda h, k, l: (h == 0) & (k == 0), lambda h, k, l: _even(l)
    ),
    "00l:l=3n": _zone_rule(
        lambda h, k, l: (h == 0) & (k == 0), lambda h, k, l: l % 3 == 0
    ),
    "00l:l=4n": _zone_rule(
        lambda h, k, l: (h == 0) & (k == 0), lambda h, k, l: l % 4 == 0
    ),
    "00l:l=6n": _zone_rule(
        lambda h, k, l: (h == 0) & (k == 0), lambda h, k, l: l % 6 == 0
    ),
    # zonal (glide planes), orthorhombic and monoclinic settings
    "0kl:k=2n": _zone_rule(lambda h, k, l: h == 0, lambda h, k, l: _even(k)),
    "0kl:l=2n": _zone_rule(lambda h, k, l: h == 0, lambda h, k, l: _even(l)),
    "0kl:k+l=2n": _zone_rule(lambda h, k, l: h == 0, lambda h, k, l: _even(k + l)),
    "0kl:k+l=4n": _zone_rule(lambda h, k, l: h == 0, lambda h, k, l: (k + l) % 4 == 0),
    "h0l:h=2n": _zone_rule(lambda h, k, l: k == 0, lambda h, k, l: _even(h)),
    "h0l:l=2n": _zone_rule(lambda h, k, l: k == 0, lambda h, k, l: _even(l)),
    "h0l:h+l=2n": _zone_rule(lambda h, k, l: k == 0, lambda h, k, l: _even(h + l)),
    "h0l:h+l=4n": _zone_rule(lambda h, k, l: k == 0, lambda h, k, l: (h + l) % 4 == 0),
    "hk0:h=2n": _zone_rule(lambda h, k, l: l == 0, lambda h, k, l: _even(h)),
    "hk0:k=2n": _zone_rule(lambda h, k, l: l == 0, lambda h, k, l: _even(k)),
    "hk0:h+k=2n": _zone_rule(lambda h, k, l: l == 0, lambda h, k, l: _even(h + k)),
    "hk0:h+k=4n": _zone_rule(lambda h, k, l: l == 0, lambda h, k, l: (h + k) % 4 == 0),
    # tetragonal: the 4-fold axis maps 0kl onto h0l and h00 onto 0k0
    "h00/0k0:2n": _zone_rule(
        lambda h, k, l: (l == 0) & ((h == 0) ^ (k == 0)), lambda h, k, l: _even(h + k)
    ),
    "0kl/h0l:in-plane=2n": _zone_rule(
        lambda h, k, l: (h == 0) ^ (k == 0), lambda h, k, l: _even(h + k)
    ),
    "0kl/h0l:l=2n": _zone_rule(
        lambda h, k, l: (h == 0) ^ (k == 0), lambda h, k, l: _even(l)
    ),
    "0kl/h0l:k+l=2n": _zone_rule(
        lambda h, k, l: (h == 0) ^ (k == 0), lambda h, k, l: _even(h + k + l)
    ),
    "hk0:h,k=2n": _zone_rule(
        lambda h, k, l: l == 0, lambda h, k, l: _even(h) & _even(k)
    ),
    "hhl:l=2n": _zone_rule(
        lambda h, k, l: (np.abs(h) == np.abs(k)) & (h != 0), lambda h, k, l: _even(l)
    ),
    "hhl:2h+l=4n": _zone_rule(
        lambda h, k, l: (np.abs(h) == np.abs(k)) & (h != 0),
        lambda h, k, l: (2 * h + l) % 4 == 0,
    ),
    # cubic: closed under permutations of h, k, l
    "cubic h00:h=2n": lambda h, k, l: (
        ~_cubic_axis(h, k, l)[0] | _even(_cubic_axis(h, k, l)[1])
    ),
    "cubic h00:h=4n": lambda h, k, l: (
        ~_cubic_axis(h, k, l)[0] | (_cubic_axis(h, k, l)[1] % 4 == 0)
    ),
    "cubic 0kl:k+l=2n": lambda h, k, l: (
        ~_cubic_zero(h, k, l)[0]
        | _even(_cubic_zero(h, k, l)[1] + _cubic_zero(h, k, l)[2])
    ),
    "cubic 0kl:k,l=2n": lambda h, k, l: (
        ~_cubic_zero(h, k, l)[0]
        | (_even(_cubic_zero(h, k, l)[1]) & _even(_cubic_zero(h, k, l)[2]))
    ),
    "cubic hhl:l=2n": lambda h, k, l: (
        ~_cubic_hhl(h, k, l)[0] | _even(_cubic_hhl(h, k, l)[2])
    ),
    "cubic hhl:2h+l=4n": lambda h, k, l: (
        ~_cubic_hhl(h, k, l)[0]
        | ((2 * _cubic_hhl(h, k, l)[1] + _cubic_hhl(h, k, l)[2]) % 4 == 0)
    ),
}

#: The reflection conditions evaluated for each lattice system's fitted cell
#: (names of the form ``zone:rule``; a letter is a lattice centring).
CONDITIONS = {
    "cubic": (
        "I",
        "F",
        "cubic h00:h=2n",
        "cubic h00:h=4n",
        "cubic 0kl:k+l=2n",
        "cubic 0kl:k,l=2n",
        "cubic hhl:l=2n",
        "cubic hhl:2h+l=4n",
    ),
    "tetragonal": (
        "I",
        "00l:l=2n",
        "00l:l=4n",
        "h00/0k0:2n",
        "0kl/h0l:in-plane=2n",
        "0kl/h0l:l=2n",
        "0kl/h0l:k+l=2n",
        "hk0:h+k=2n",
        "hk0:h,k=2n",
        "hhl:l=2n",
        "hhl:2h+l=4n",
    ),
    "hexagonal": ("R", "00l:l=2n", "00l:l=3n", "00l:l=6n"),
    "rhombohedral": ("00l:l=2n",),
    "orthorhombic": (
        "I",
        "F",
        "C",
        "A",
        "B",
        "h00:h=2n",
        "0k0:k=2n",
        "00l:l=2n",
        "0kl:k=2n",
        "0kl:l=2n",
        "0kl:k+l=2n",
        "0kl:k+l=4n",
        "h0l:h=2n",
        "h0l:l=2n",
        "h0l:h+l=2n",
        "h0l:h+l=4n",
        "hk0:h=2n",
        "hk0:k=2n",
        "hk0:h+k=2n",
        "hk0:h+k=4n",
    ),
    "monoclinic": (
        "C",
        "A",
        "I",
        "0k0:k=2n",
        "h0l:h=2n",
        "h0l:l=2n",
        "h0l:h+l=2n",
    ),
}


def extinction_feature_names(system):
    """Names of :func:`extinction_counts`'s values for ``system``.

    Parameters
    ----------
    system : str
        A key of :data:`CONDITIONS`.

    Returns
    -------
    names : list of str

    Examples
    --------
    >>> extinction_feature_names("hexagonal")[:3]
    ['hexagonal_lines', 'hexagonal_R_violations', 'hexagonal_R_lines']
    """
    names = [f"{system}_lines"]
    for condition in CONDITIONS[system]:
        names += [f"{system}_{condition}_violations", f"{system}_{condition}_lines"]
    return names


@functools.cache
def _line_table(system, max_index=MAX_INDEX):
    """Per line of :func:`reflection_table`: allowed by each condition; hkl keys."""
    rows, table_hkl = reflection_table(system, max_index)
    hkl, line = reflection_lines(system, max_index)
    h, k, l = hkl.T
    allowed = np.zeros((len(rows), len(CONDITIONS[system])), dtype=bool)
    for j, name in enumerate(CONDITIONS[system]):
        ok = _RULES[name](h, k, l)
        allowed[:, j] = np.bincount(line[ok], minlength=len(rows)) > 0
    width = 2 * max_index + 1
    keys = ((table_hkl + max_index) * [width * width, width, 1]).sum(axis=1)
    order = np.argsort(keys)
    return rows, allowed, keys[order], order


def extinction_counts(system, result):
    """Lines and violations of each reflection condition for a fitted cell.

    Parameters
    ----------
    system : str
        A key of :data:`CONDITIONS`.
    result : dict
        The ``system`` entry of :func:`index_peaks`'s result (``params``,
        ``hkl``, ``indexed``).

    Returns
    -------
    counts : ndarray of shape (1 + 2 * len(CONDITIONS[system]),)
        In the order of :func:`extinction_feature_names`: the lines up to the
        largest Q of the indexed peaks, then per condition the indexed peaks
        on lines it forbids and the lines it allows up to that Q. All zero
        when no cell was found.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> from sklearn_xrd.indexing import index_peaks
    >>> from sklearn_xrd.simulation import stick_pattern
    >>> nacl = Structure.from_spacegroup(  # face-centred cubic
    ...     "Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5] * 3])
    >>> tt, _ = stick_pattern(nacl)
    >>> res = index_peaks(np.unique(tt.round(5)), systems=["cubic"])
    >>> counts = dict(zip(extinction_feature_names("cubic"),
    ...                   extinction_counts("cubic", res["cubic"])))
    >>> float(counts["cubic_F_violations"]), bool(counts["cubic_I_violations"] > 0)
    (0.0, True)
    """
    names = CONDITIONS[system]
    out = np.zeros(1 + 2 * len(names))
    params = np.asarray(result["params"], dtype=float)
    indexed = np.asarray(result["indexed"], dtype=bool)
    if not indexed.any() or not np.all(np.isfinite(params)):
        return out
    rows, allowed, keys, order = _line_table(system)
    hkl = np.asarray(result["hkl"])[indexed]
    width = 2 * MAX_INDEX + 1
    key = ((hkl + MAX_INDEX) * [width * width, width, 1]).sum(axis=1)
    where = np.clip(np.searchsorted(keys, key), 0, len(keys) - 1)
    found = keys[where] == key
    lines = order[where[found]]
    q = rows @ params
    q_max = float(np.max(q[lines])) * (1 + 1e-9)
    below = q <= q_max
    out[0] = np.count_nonzero(below)
    out[1::2] = np.count_nonzero(~allowed[lines], axis=0)
    out[2::2] = np.count_nonzero(allowed[below], axis=0)
    return out
