"""Powder indexing: the search for the cell that explains the first peak positions.

The search works on ``Q = 1/d^2`` of the first ``N`` observed peaks and, for one
lattice system at a time, runs three stages (all vectorised with numpy):

1. **Trial cells.** ``p`` peaks chosen among the first few (every combination,
   so that one impurity or one missing line among them leaves a clean subset)
   are assigned every ordered tuple of small-index lines (``|h|, |k|, |l| <= 1``
   or 2, plus ``00l`` up to ``l = 3`` for the uniaxial systems) and the ``p x p``
   linear system ``rows @ params = Q`` is solved. Tuples related by a symmetry
   of the metric (permutations of the orthorhombic axes, ``a <-> c`` in
   monoclinic) are enumerated once. Cells that are not positive definite or
   whose volume exceeds ``max_volume`` are dropped, near-duplicates merged.
   The monoclinic metric has four parameters; its trial cells come from two
   families, each built in two steps from a three-parameter sub-metric (the
   zone idea of Ito's method): three parameters from three peaks, kept when
   they explain many peaks on their own, then the fourth from the value that
   the most unexplained peaks vote for when assigned to small lines that
   depend on it. The first family takes ``A, B, C`` from lines with
   ``hl = 0`` (these do not feel ``beta``) and votes for ``E`` with
   ``hl != 0`` lines; the second takes ``A, C, E`` from the ``h0l`` zone
   (a two-dimensional oblique lattice, screened with the chance matches of a
   plane mesh) and votes for ``B`` with ``k != 0`` lines. All of the first
   20 peaks that the sub-metric leaves unexplained vote: in a large or
   C-centred cell the first ``k != 0`` lines are few and spread out, and
   with only the first 10 voting the true ``B`` often has a single vote
   (the figures behind the choice: ``benchmarks/bench_physics_features.py``).
   A pattern whose
   first peaks hold three ``h0l`` lines but not three ``hl = 0`` lines is
   found by the second family, and the other way round. Each zone cell is
   also tried with ``a`` or ``c`` doubled before the vote: C- or A-centring
   and a c-glide leave only even ``h`` or ``l`` in the zone, so its mesh
   shows that axis halved and the ``k != 0`` lines would vote for a wrong
   ``B``. The orthorhombic trial cells that pass the screening are completed
   the same way: for each axis, the peaks that the zone of the other two axes
   leaves unexplained vote for that axis's parameter, which repairs a trial
   cell with two axes right and the third wrong (weak or absent first lines
   along a short axis); the voted cells are screened in turn. Here only the
   first 10 peaks vote: unlike the monoclinic vote, more voters find fewer
   true orthorhombic cells (more chance votes for a wrong axis). A third
   orthorhombic family starts from a rectangular zone: two of the first six
   peaks put on two small ``0kl`` lines (indices up to 3) give ``B, C``; the
   meshes that explain the most peaks, also with either or both axes
   doubled, get ``A`` by the same vote. It finds centred cells (C, I, F),
   whose first lines (011, 002, 112, 013 ...) are not the small lines of the
   direct trials.
2. **Screening.** Each trial cell counts how many of the first 12 peaks it
   indexes within the tolerance, less the number a cell of its volume would
   index by chance (large cells have dense lines and index anything); with
   many trial cells, a first pass on the first 9 peaks keeps 150 (fewer
   peaks would not separate trials solved from the first five). For
   ``Q = A m + tail`` metrics the tail is enumerated and ``m`` rounded and
   looked up in a table of allowed values; the monoclinic metric solves a
   quadratic in ``h``. The best trial cells (by
   that score, then by smaller volume) go on.
3. **Refinement.** Every one of the first ``N`` peaks is matched to the nearest
   line of the full reflection table; the parameters and a zero shift of the
   2-theta scale are fitted by weighted linear least squares on the matched
   peaks (three rounds); the zero shift is fitted only with at least ``p + 4``
   matched peaks and dropped if it exceeds ``max_zero_shift``.

The tolerance is an angle: a peak is indexed when it lies within ``tolerance``
degrees 2-theta of a line (after the zero-shift correction); in Q this is
``Q cot(theta) * tolerance`` (radians), loose at low angles and tight at high
angles, like the measurement error itself. A zero shift smaller than the
tolerance is absorbed during the search and then fitted.

The figure of merit is de Wolff's ``M_N = Q_N / (2 <|dQ|> N_calc)``: ``Q_N``
the Q of the last peak used, ``<|dQ|>`` the mean Q discrepancy of the indexed
peaks, ``N_calc`` the number of distinct lines of the system (see
:func:`~sklearn_xrd.indexing.reflection_table`) up to ``Q_N`` that the sparsest
lattice centring consistent with the indexed peaks allows (P, I, F for cubic;
P, I tetragonal; P, C, A, B, I, F orthorhombic; P, C, A, I monoclinic; see
:func:`~sklearn_xrd.indexing.centring_table`), multiplied by the
fraction of the ``N`` peaks that are indexed, to the sixth power, so that
unexplained peaks count against a cell (one impurity among 20 costs a quarter;
a sub-cell that explains two thirds of the peaks loses a factor of 11).
``<|dQ|>`` is floored at 1 % of the tolerance (in Q, at ``Q_N``): peak
positions are not known better than that, and without a floor a cell that
fits a few peaks exactly would outscore one that explains them all. A cell
that indexes no more peaks than it has parameters scores 0, since it would
fit any such peaks exactly. With ``N = 20`` this is the usual M20 for fully
indexed patterns.
"""

import functools
import itertools
import math

import numpy as np

from ._lattice import (
    N_PARAMS,
    SYSTEMS,
    cell_from_coefficients,
    centring_table,
    check_system,
    metric_coefficients,
    reflection_table,
)

# How many of the first peaks the trial cells are built from, by parameter count.
_N_FIRST = {1: 4, 2: 5, 3: 5, 4: 5}
# Peaks used in the screening stage and trial cells kept for refinement.
_N_SCREEN = 12
# A first screening on fewer peaks when there are many trial cells.
_N_PRESCREEN = 9
_N_PRESCREEN_KEEP = 150
_N_REFINE = 8
# Largest tail index (l for uniaxial systems, k and l for orthorhombic) screened.
_TAIL_INDEX = {
    "cubic": 0,
    "tetragonal": 10,
    "hexagonal": 10,
    "rhombohedral": 10,
    "orthorhombic": 4,
}
# Floor of the mean Q discrepancy, as a fraction of the tolerance at Q_N.
_EPS_FLOOR = 0.01
# Reciprocal-lattice points per line (Laue-group order; rhombohedral also counts
# the two thirds of the hexagonal-axes points that centring removes).
_MULTIPLICITY = {
    "cubic": 48,
    "tetragonal": 16,
    "hexagonal": 24,
    "rhombohedral": 36,
    "orthorhombic": 8,
    "monoclinic": 4,
}
# The figure of merit is multiplied by the indexed fraction to this power.
_FRACTION_POWER = 6


def q_from_two_theta(two_theta, wavelength):
    """``Q = 1/d^2 = (2 sin(theta) / lambda)^2`` in inverse square angstrom.

    Parameters
    ----------
    two_theta : array-like
        Bragg angles 2-theta, degrees.
    wavelength : float
        Angstrom.

    Returns
    -------
    q : ndarray

    Examples
    --------
    >>> round(float(q_from_two_theta(31.72, 1.54184)), 4)  # NaCl (200), d = 2.82
    0.1257
    """
    theta = np.radians(np.asarray(two_theta, dtype=float)) / 2
    return (2 * np.sin(theta) / wavelength) ** 2


def _dq_d2theta(q, two_theta):
    """``dQ / d(2 theta)`` per degree: ``Q cot(theta) pi / 180``."""
    theta = np.radians(two_theta) / 2
    return q / np.tan(theta) * (math.pi / 180)


# ----------------------------------------------------------------- tables
@functools.cache
def _m_table(system):
    """Allowed ``m`` (first design-row entry) per tail, for the screening stage."""
    rows, _ = reflection_table(system)
    t_max = _TAIL_INDEX[system] ** 2
    keep = np.all(rows[:, 1:] <= t_max, axis=1)
    rows = rows[keep]
    m = np.rint(rows[:, 0]).astype(int)
    tails, tail_idx = np.unique(rows[:, 1:], axis=0, return_inverse=True)
    allowed = np.zeros((m.max() + 2, len(tails)), dtype=bool)
    allowed[m, tail_idx.ravel()] = True
    return allowed, tails


@functools.cache
def _mono_abc_table():
    """Orthorhombic-like table of monoclinic lines with ``hl = 0``."""
    rows, _ = reflection_table("orthorhombic")
    t_max = _TAIL_INDEX["orthorhombic"] ** 2
    rows = rows[np.all(rows[:, 1:] <= t_max, axis=1)]
    rows = rows[(rows[:, 0] == 0) | (rows[:, 2] == 0)]
    m = np.rint(rows[:, 0]).astype(int)
    tails, tail_idx = np.unique(rows[:, 1:], axis=0, return_inverse=True)
    allowed = np.zeros((m.max() + 2, len(tails)), dtype=bool)
    allowed[m, tail_idx.ravel()] = True
    return allowed, tails


def _base_rows(system):
    """Small-index lines that the first peaks are assigned to."""
    if system == "cubic":
        rows, _ = reflection_table("cubic")
        return rows[rows[:, 0] <= 24]
    if system in ("tetragonal", "hexagonal", "rhombohedral"):
        rows, _ = reflection_table(system)
        return rows[(rows[:, 0] <= 5) & (rows[:, 1] <= 9)]
    if system == "orthorhombic":
        rows = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, 0, 1], [0, 1, 1]]
        rows += [[1, 1, 1], [4, 0, 0], [0, 4, 0], [0, 0, 4]]
        # one index 2 beside a 1 (012, 102, ...), and 003: the first lines of
        # cells with one long axis or with absences
        rows += sorted(set(itertools.permutations([0, 1, 4])))
        rows += [[9, 0, 0], [0, 9, 0], [0, 0, 9]]
        return np.array(rows, dtype=float)
    # monoclinic, first step: lines with hl = 0, in (h^2, k^2, l^2)
    rows = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 1, 1]]
    rows += [[4, 0, 0], [0, 4, 0], [0, 0, 4]]
    return np.array(rows, dtype=float)


@functools.cache
def _trial_inverses(system):
    """Inverses of the ``p x p`` matrices of every non-singular row tuple."""
    rows = _base_rows(system)
    p = rows.shape[1] if system != "monoclinic" else 3
    tuples = np.array(list(itertools.permutations(range(len(rows)), p)))
    if system in ("orthorhombic", "monoclinic"):
        # one tuple per orbit under the axis permutations that leave the metric
        # invariant: all six for orthorhombic, a <-> c for monoclinic
        perms = (
            list(itertools.permutations(range(3)))
            if system == "orthorhombic"
            else [(0, 1, 2), (2, 1, 0)]
        )
        keys = []
        for perm in perms:
            permuted = rows[tuples][:, :, list(perm)]
            keys.append(permuted.reshape(len(tuples), -1))
        keys = np.stack(keys, axis=1)  # (n_tuples, n_perms, p * 3)
        canon = np.array([min(map(tuple, k)) for k in keys])
        _, first = np.unique(canon, axis=0, return_index=True)
        tuples = tuples[np.sort(first)]
    mats = rows[tuples]  # (n_tuples, p, p)
    det = np.linalg.det(mats)
    ok = np.abs(det) > 1e-9
    return np.linalg.inv(mats[ok])


# ------------------------------------------------------------ screening
def _count_m_table(params, q, tol, table):
    """Which peaks each trial cell of a ``Q = A m + tail`` metric indexes."""
    allowed, tails = table
    a = params[:, :1, None]
    tail_q = params[:, 1:] @ tails.T  # (n_cells, n_tails)
    r = q[None, :, None] - tail_q[:, None, :]
    m = np.rint(r / a)
    resid = np.abs(r - a * m)
    m = np.clip(m, -1, allowed.shape[0] - 1).astype(int)
    ok = allowed[m, np.arange(len(tails))] & (resid <= tol[None, :, None])
    return ok.any(axis=2)


@functools.cache
def _mono_tails(zone=False):
    """``(k, l)`` pairs screened: ``k, l <= 4``, or ``k = 0`` for the h0l zone."""
    k, l = np.meshgrid(np.arange(1 if zone else 5), np.arange(5), indexing="ij")
    return k.ravel().astype(float), l.ravel().astype(float)


def _count_monoclinic(params, q, tol, zone=False):
    """Which peaks each monoclinic trial cell indexes (quadratic in ``h``).

    With ``zone=True`` only the ``h0l`` lines count (``B`` is then unused).
    """
    k, l = _mono_tails(zone)
    a, b, c, e = (params[:, i, None, None] for i in range(4))
    c0 = b * k**2 + c * l**2 - q[None, :, None]  # (n_cells, n_peaks, n_tails)
    bl = e * l
    root = np.sqrt(np.maximum(bl * bl - 4 * a * c0, 0.0))
    found = np.zeros(c0.shape[:2], dtype=bool)
    origin = (k == 0) & (l == 0)
    for sign in (1.0, -1.0):
        h = np.rint((-bl + sign * root) / (2 * a))
        resid = np.abs(a * h * h + bl * h + c0)
        ok = (resid <= tol[None, :, None]) & ~(origin & (h == 0))
        found |= ok.any(axis=2)
    return found


# ----------------------------------------------------------- trial cells
def _volume(system, params):
    return cell_from_coefficients(metric_coefficients(system, params))[:, 6]


def _unique_cells(params, resolution=5e-4):
    key = np.rint(np.log(np.abs(params) + 1e-300) / resolution)
    key = np.where(params < 0, -key, key)
    _, first = np.unique(key, axis=0, return_index=True)
    return params[np.sort(first)]


def _solve_trials(system, q):
    """Solve every assignment of small lines to subsets of the first peaks."""
    inv = _trial_inverses(system)
    p = inv.shape[1]
    n_first = min(_N_FIRST[N_PARAMS[system]], len(q))
    subsets = np.array(list(itertools.combinations(range(n_first), p)))
    if len(subsets) == 0:
        return np.empty((0, p))
    params = np.einsum("tij,sj->tsi", inv, q[subsets]).reshape(-1, p)
    return params[np.all(params > 0, axis=1)]


def _chance_matches(volume, q, tol, multiplicity):
    """Expected number of peaks a cell indexes by chance.

    A cell of volume ``V`` has about ``(4 pi / 3) Q^(3/2) V / mult`` distinct
    lines up to ``Q``, so a window of ``2 dQ`` at ``Q`` holds a line with
    probability ``min(1, 4 pi sqrt(Q) V dQ / mult)``.
    """
    density = 4 * np.pi * np.sqrt(q)[None, :] * tol[None, :] / multiplicity
    return np.minimum(volume[:, None] * density, 1.0).sum(axis=1)


def _zone_chance_matches(area, tol):
    """Expected chance matches of a plane mesh of (real-space) ``area``.

    A mesh has about ``pi Q area / 2`` distinct lines up to ``Q`` (``hl`` and
    ``-h-l`` coincide), so a window of ``2 dQ`` holds one with probability
    ``min(1, pi area dQ)``.
    """
    return np.minimum(np.pi * area[:, None] * tol[None, :], 1.0).sum(axis=1)


def _best(params, score, size, n_keep):
    """The ``n_keep`` best cells by score, then by smaller size."""
    order = np.lexsort((size, -np.round(score, 6)))
    return params[order[:n_keep]], size[order[:n_keep]]


def _screen(params, counts, volume, n_keep, q, tol, multiplicity):
    """Best cells by indexed peaks minus chance matches, then by volume."""
    score = counts.sum(axis=1) - _chance_matches(volume, q, tol, multiplicity)
    return _best(params, score, volume, n_keep)


def _screen_two_stage(params, volume, count, q, tol, n_keep, multiplicity):
    """Screen on the first peaks, then on the first ``_N_SCREEN`` of the best."""
    n_screen = min(_N_SCREEN, len(q))
    if len(params) > _N_PRESCREEN_KEEP:
        n_pre = min(_N_PRESCREEN, n_screen)
        qp, tp = q[:n_pre], tol[:n_pre]
        counts = count(params, qp, tp)
        params, volume = _screen(
            params, counts, volume, _N_PRESCREEN_KEEP, qp, tp, multiplicity
        )
    qs, ts = q[:n_screen], tol[:n_screen]
    counts = count(params, qs, ts)
    return _screen(params, counts, volume, n_keep, qs, ts, multiplicity)


def _trial_cells(system, q, tol, max_volume):
    if system == "monoclinic":
        return _monoclinic_trials(q, tol, max_volume)
    params = _solve_trials(system, q)
    if system == "orthorhombic":
        params = np.sort(params, axis=1)  # a is the longest axis (largest h)
    params = _unique_cells(params)
    volume = _volume(system, params)
    keep = volume <= max_volume
    params, volume = params[keep], volume[keep]
    table = _m_table(system)
    count = functools.partial(_count_m_table, table=table)
    mult = _MULTIPLICITY[system]
    if len(params):
        params = _screen_two_stage(params, volume, count, q, tol, _N_REFINE, mult)[0]
    if system != "orthorhombic":
        return params
    out = [params]  # the zone family below does not need a direct trial cell
    voted = _voted_axis(params, q, tol, count, max_volume) if len(params) else params
    voted = _unique_cells(np.sort(voted, axis=1))
    if len(voted):
        volume = _volume(system, voted)
        out.append(_screen_two_stage(voted, volume, count, q, tol, _N_REFINE, mult)[0])
    zone = _orthorhombic_zone_trials(q, tol, max_volume, count)
    if len(zone):  # the vote keeps the volume below max_volume
        volume = _volume(system, zone)
        n_keep = 2 * _N_REFINE
        out.append(_screen_two_stage(zone, volume, count, q, tol, n_keep, mult)[0])
    return np.concatenate(out)


@functools.cache
def _axis_vote_lines():
    """``(h^2, k^2, l^2)`` of small lines with ``l != 0``, in angle order."""
    hkl = [(h, k, l) for h in range(3) for k in range(3) for l in (1, 2, 3)]
    hkl = np.array(hkl, dtype=float) ** 2
    return hkl[np.argsort(hkl.sum(axis=1), kind="stable")]


def _vote_axis(cells, axis, q, tol, count, max_volume, n_vote, n_best):
    """Orthorhombic cells with the parameter of ``axis`` re-chosen by vote.

    The peaks that the zone of the other two axes explains are set aside;
    each remaining peak among the first ``n_vote``, put on every small line
    with a non-zero index along ``axis``, implies a value of its parameter,
    and the ``n_best`` values most others agree with replace it. The value
    in ``cells[:, axis]`` is not used.
    """
    lines = _axis_vote_lines()
    n_v = min(n_vote, len(q))
    zone = cells.copy()
    zone[:, axis] = 1e6 * q[-1]  # lines with a non-zero index here: out of range
    explained = count(zone, q[:n_v], tol[:n_v])
    fixed = cells[:, [i for i in range(3) if i != axis]]
    rest = fixed @ lines[:, :2].T  # (n_cells, n_lines)
    coef = lines[:, 2]
    values = (q[None, :n_v, None] - rest[:, None, :]) / coef
    tols = np.broadcast_to(tol[None, :n_v, None] / coef, values.shape)
    # the axis at most max_volume / (area of the other two)
    smallest = 1.0 / (max_volume**2 * fixed[:, 0] * fixed[:, 1])
    valid = (values > smallest[:, None, None]) & ~explained[:, :, None]
    n = len(cells)
    voted, ok = _vote(
        values.reshape(n, -1), tols.reshape(n, -1), valid.reshape(n, -1), n_best
    )
    new = np.repeat(cells, voted.shape[1], axis=0)
    new[:, axis] = voted.ravel()
    return new[ok.ravel()]


def _voted_axis(cells, q, tol, count, max_volume, n_vote=10, n_best=4):
    """Orthorhombic trials with one axis re-chosen by vote (each axis in turn).

    A trial cell often has two axes right and the third wrong (a multiple or
    a fraction of the true one, when the first lines of that axis are absent
    or weak); :func:`_vote_axis` repairs it.
    """
    return np.concatenate(
        [
            _vote_axis(cells, axis, q, tol, count, max_volume, n_vote, n_best)
            for axis in range(3)
        ]
    )


@functools.cache
def _rect_zone_inverses():
    """Inverses of the ``2 x 2`` systems of small lines of a rectangular mesh.

    Lines ``(k^2, l^2)`` with ``k, l <= 3`` (one or both indices 2 or 3
    included: the first lines of centred cells, such as 011, 002 and 013 of
    an I-centred one); one tuple per orbit under ``b <-> c``.
    """
    kl = [(1, 0), (0, 1), (1, 1), (4, 0), (0, 4), (4, 1), (1, 4), (4, 4)]
    kl += [(9, 0), (0, 9), (9, 1), (1, 9)]
    rows = np.array(kl, dtype=float)
    tuples = np.array(list(itertools.permutations(range(len(rows)), 2)))
    swapped = rows[:, ::-1]
    keys = [min(tuple(rows[t].ravel()), tuple(swapped[t].ravel())) for t in tuples]
    _, first = np.unique(np.array(keys), axis=0, return_index=True)
    mats = rows[tuples[np.sort(first)]]
    ok = np.abs(np.linalg.det(mats)) > 1e-9
    return np.linalg.inv(mats[ok])


def _orthorhombic_zone_trials(q, tol, max_volume, count, n_zone=80, n_vote=10):
    """Orthorhombic trials from a rectangular zone and a voted third axis.

    Two of the first peaks are put on two small lines of a rectangular mesh
    (``0kl``), which gives ``B, C``; the meshes that explain the most of the
    first peaks (less the lines a mesh of that area matches by chance: a
    rectangular mesh has half the distinct lines of an oblique one) are kept,
    also with either or both axes doubled (C-, I- and F-centring leave only
    even indices in some zones), and :func:`_vote_axis` supplies ``A`` from
    the peaks that the mesh leaves unexplained. This finds the cells of
    centred lattices, whose first lines (011, 002, 112, 013 ...) are not the
    small lines that the direct trial cells assign.
    """
    n_first = min(_N_FIRST[3] + 1, len(q))
    subsets = np.array(list(itertools.combinations(range(n_first), 2)))
    if len(subsets) == 0:
        return np.empty((0, 3))
    bc = np.einsum("tij,sj->tsi", _rect_zone_inverses(), q[subsets]).reshape(-1, 2)
    bc = _unique_cells(np.sort(bc[np.all(bc > 0, axis=1)], axis=1))
    if len(bc) == 0:
        return np.empty((0, 3))
    n_screen = min(_N_SCREEN, len(q))
    # with A out of range only the 0kl lines (k, l <= 4) of the mesh count
    meshes = np.insert(bc, 0, 1e6 * q[-1], axis=1)
    hits = count(meshes, q[:n_screen], tol[:n_screen])
    area = 1 / np.sqrt(bc[:, 0] * bc[:, 1])
    score = hits.sum(axis=1) - _zone_chance_matches(area, tol[:n_screen]) / 2
    bc, _ = _best(bc, score, area, n_zone)
    bc = np.concatenate([bc, bc * [0.25, 1.0], bc * [1.0, 0.25], bc * 0.25])
    cells = np.insert(bc, 0, 1.0, axis=1)  # the first axis is voted
    voted = _vote_axis(cells, 0, q, tol, count, max_volume, n_vote, n_best=4)
    return _unique_cells(np.sort(voted, axis=1))


def _vote(values, tols, valid, n_best):
    """The values that most other candidates agree with, per trial cell.

    ``values`` (n_cells, n_candidates) are the fourth parameter implied by each
    (peak, line) assignment; a candidate's votes are how many other valid
    candidates of the same cell lie within its tolerance, counted with one
    sorted search over all cells (each offset by its own span). Returns the
    ``n_best`` most-voted values per cell and whether each is valid.
    """
    big = float(np.abs(values).max()) + 1.0
    span = 4 * big
    sentinel = 2 * big + np.arange(values.shape[1]) * 1e-3 * span
    key = np.where(valid, values, sentinel) + span * np.arange(len(values))[:, None]
    flat = np.sort(key.ravel())
    lo = np.searchsorted(flat, (key - tols).ravel())
    hi = np.searchsorted(flat, (key + tols).ravel(), side="right")
    votes = np.where(valid, (hi - lo - 1).reshape(values.shape), -1)
    best = np.argsort(-votes, axis=1, kind="stable")[:, :n_best]
    ok = np.take_along_axis(votes, best, axis=1) >= 0
    return np.take_along_axis(values, best, axis=1), ok


@functools.cache
def _vote_lines(free):
    """Small lines ``(h, k, l)`` that depend on the voted parameter."""
    if free == "E":
        hkl = [(h, k, l) for h in (-2, -1, 1, 2) for k in (0, 1) for l in (1, 2)]
    else:  # B; h < 0 with l = 0 repeats h > 0
        hkl = [
            (h, k, l)
            for k in (1, 2)
            for h in (-2, -1, 0, 1, 2)
            for l in (0, 1, 2)
            if not (h < 0 and l == 0)
        ]
    hkl = np.array(hkl, dtype=float)
    return hkl[np.argsort((hkl**2).sum(axis=1), kind="stable")]


def _add_voted(fixed, free, q, tol, explained, max_volume, n_vote, n_best=6):
    """Complete three-parameter trials with the most-voted fourth parameter.

    ``fixed`` holds ``A, B, C`` (``free="E"``) or ``A, C, E`` (``free="B"``);
    only the first ``n_vote`` peaks vote, those that ``explained`` (one column
    per voting peak) marks False.
    Returns full ``(A, B, C, E)`` cells.
    """
    h, k, l = _vote_lines(free).T
    n_v = min(n_vote, len(q))
    if free == "E":
        a, _, c = fixed.T
        rest = fixed @ np.stack([h * h, k * k, l * l])
        coef = h * l
    else:
        a, c, e = fixed.T
        rest = fixed @ np.stack([h * h, l * l, h * l])
        coef = k * k
    values = (q[None, :n_v, None] - rest[:, None, :]) / coef
    tols = np.broadcast_to(tol[None, :n_v, None] / np.abs(coef), values.shape)
    values = values.reshape(len(fixed), -1)
    tols = tols.reshape(len(fixed), -1)
    if free == "E":  # positive definite
        valid = np.abs(values) < 2 * np.sqrt(a * c)[:, None] * 0.995
    else:  # B >= 1/b^2 with b at most max_volume / (a-c mesh area)
        area = 1 / np.sqrt(a * c - e * e / 4)
        valid = values > ((area / max_volume) ** 2)[:, None]
    valid &= ~np.repeat(explained, len(h), axis=1)
    voted, ok = _vote(values, tols, valid, n_best)
    fixed = np.repeat(fixed, voted.shape[1], axis=0)
    voted = voted.reshape(-1, 1)
    if free == "E":
        cells = np.concatenate([fixed, voted], axis=1)
    else:
        cells = np.concatenate([fixed[:, :1], voted, fixed[:, 1:]], axis=1)
    return cells[ok.ravel()]


@functools.cache
def _zone_inverses():
    """Inverses of the ``3 x 3`` systems of ``h0l`` lines, in ``(h^2, l^2, hl)``.

    One tuple per orbit under ``a <-> c`` and ``E -> -E`` (the sign of ``hl``).
    """
    hl = [(1, 0), (0, 1), (1, 1), (1, -1), (2, 0), (0, 2)]
    hl += [(2, 1), (2, -1), (1, 2), (1, -2)]
    rows = np.array([[h * h, l * l, h * l] for h, l in hl], dtype=float)
    tuples = np.array(list(itertools.permutations(range(len(rows)), 3)))
    keys = []
    for perm, sign in itertools.product([(0, 1, 2), (1, 0, 2)], (1, -1)):
        permuted = rows[tuples][:, :, list(perm)] * [1, 1, sign]
        keys.append(permuted.reshape(len(tuples), -1))
    keys = np.stack(keys, axis=1)
    canon = np.array([min(map(tuple, k)) for k in keys])
    _, first = np.unique(canon, axis=0, return_index=True)
    mats = rows[tuples[np.sort(first)]]
    ok = np.abs(np.linalg.det(mats)) > 1e-9
    return np.linalg.inv(mats[ok])


def _abc_family(q, tol, max_volume, n_abc, n_vote):
    """``A, B, C`` from ``hl = 0`` lines, then ``E`` by vote."""
    abc = _unique_cells(_solve_trials("monoclinic", q))
    if len(abc) == 0:
        return np.empty((0, 4))
    volume = 1 / np.sqrt(np.prod(abc, axis=1))
    keep = volume <= max_volume
    count = functools.partial(_count_m_table, table=_mono_abc_table())
    abc, _ = _screen_two_stage(abc[keep], volume[keep], count, q, tol, n_abc, 16)
    if len(abc) == 0:  # every trial cell above max_volume
        return np.empty((0, 4))
    explained = count(abc, q[:n_vote], tol[:n_vote])  # only these peaks vote
    return _add_voted(abc, "E", q, tol, explained, max_volume, n_vote)


def _zone_family(q, tol, max_volume, n_zone, n_vote):
    """``A, C, E`` from ``h0l`` lines, then ``B`` by vote."""
    n_first = min(_N_FIRST[4], len(q))
    subsets = np.array(list(itertools.combinations(range(n_first), 3)))
    if len(subsets) == 0:
        return np.empty((0, 4))
    ace = np.einsum("tij,sj->tsi", _zone_inverses(), q[subsets]).reshape(-1, 3)
    a, c, e = ace.T
    ace = _unique_cells(ace[(a > 0) & (c > 0) & (e * e < 4 * a * c * 0.99)])
    if len(ace) == 0:
        return np.empty((0, 4))
    n_screen = min(_N_SCREEN, len(q))
    as_cells = np.insert(ace, 1, 0.0, axis=1)  # B unused by the zone count
    counts = _count_monoclinic(as_cells, q[:n_screen], tol[:n_screen], zone=True)
    a, c, e = ace.T
    area = 1 / np.sqrt(a * c - e * e / 4)
    score = counts.sum(axis=1) - _zone_chance_matches(area, tol[:n_screen])
    ace, _ = _best(ace, score, area, n_zone)
    # a centring or a glide halves a or c in the h0l zone (C: h even; A and
    # c-glide: l even): the zone mesh of the true cell has that axis doubled
    ace = np.concatenate([ace, ace * [0.25, 1.0, 0.5], ace * [1.0, 0.25, 0.5]])
    cells = np.insert(ace, 1, 0.0, axis=1)
    explained = _count_monoclinic(cells, q[:n_vote], tol[:n_vote], zone=True)
    return _add_voted(ace, "B", q, tol, explained, max_volume, n_vote)


def _monoclinic_trials(q, tol, max_volume, n_abc=40, n_zone=150, n_vote=20):
    """Trial cells of both families, each screened on its own."""
    out = []
    for cells in (
        _abc_family(q, tol, max_volume, n_abc, n_vote),
        _zone_family(q, tol, max_volume, n_zone, n_vote),
    ):
        if len(cells) == 0:
            continue
        cells = _unique_cells(_reduce_monoclinic(cells))
        volume = _volume("monoclinic", cells)
        keep = np.isfinite(volume) & (volume <= max_volume)
        cells, volume = cells[keep], volume[keep]
        mult = _MULTIPLICITY["monoclinic"]
        count = _count_monoclinic
        out.append(_screen_two_stage(cells, volume, count, q, tol, _N_REFINE, mult)[0])
    return np.concatenate(out) if out else np.empty((0, 4))


def _reduce_monoclinic(params):
    """Gauss-reduce the ``(h, l)`` reciprocal metric; make ``E >= 0``."""
    a, b, c, e = (params[:, i].copy() for i in range(4))
    for _ in range(12):
        swap = a > c
        a, c = np.where(swap, c, a), np.where(swap, a, c)
        with np.errstate(divide="ignore", invalid="ignore"):
            n = np.rint(e / (2 * a))
        n = np.where(np.isfinite(n) & (a > 0), n, 0.0)
        e, c = e - 2 * n * a, c - n * e + n * n * a
    return np.stack([a, b, c, np.abs(e)], axis=1)


# ------------------------------------------------------------ refinement
def _valid(system, params):
    """Whether each parameter vector is a positive-definite metric."""
    positive = np.all(params[:, :3] > 0, axis=1) & np.all(np.isfinite(params), axis=1)
    if system == "monoclinic":
        positive &= params[:, 3] ** 2 < 4 * params[:, 0] * params[:, 2]
    return positive


def _match(rows, params, q, tol, shift, centrings=None):
    """Nearest line of every peak for a batch of cells.

    Returns residuals ``Q_obs - shift - Q_line`` (n_cells, n_peaks), the line
    indices into ``rows`` and the number of lines up to the last peak.
    """
    q_obs = q[None, :] - shift
    qc = params @ rows.T  # (n_cells, n_rows)
    limit = q_obs[:, -1:] + tol[-1]
    near = np.flatnonzero(np.any(qc <= limit, axis=0))
    if len(near) == 0:
        inf = np.full(q_obs.shape, np.inf)
        return inf, np.zeros(q_obs.shape, dtype=int), np.zeros(len(params), int)
    qc = qc[:, near]
    below = qc <= q_obs[:, -1:] * (1 + 1e-12)
    qc = np.where(qc <= limit, qc, np.inf)
    diff = q_obs[:, :, None] - qc[:, None, :]
    pick = np.argmin(np.abs(diff), axis=2)
    resid = np.take_along_axis(diff, pick[:, :, None], axis=2)[:, :, 0]
    line = near[pick]
    if centrings is None:
        return resid, line, below.sum(axis=1)
    # lines up to the last peak under the sparsest centring that allows every
    # indexed peak's line
    ok = np.abs(resid) <= tol
    allowed = centrings[near]  # (n_near, n_centrings)
    n_calc = np.einsum("kr,rc->kc", below.astype(float), allowed.astype(float))
    fits = np.all(centrings[line] | ~ok[:, :, None], axis=1)  # (n_cells, n_c)
    return resid, line, np.where(fits, n_calc, np.inf).min(axis=1)


def _lstsq(design, target, weight):
    """Batched weighted linear least squares through the pseudo-inverse."""
    wd = design * weight[:, :, None]
    return np.einsum("kpn,kn->kp", np.linalg.pinv(wd), target * weight)


def _refine(system, params, q, tol, g, max_zero_shift, n_rounds=3):
    """Least-squares refinement of a batch of trial cells; see the module notes."""
    rows, hkl = reflection_table(system)
    n_cells, p = params.shape
    zero = np.zeros(n_cells)
    qq = np.broadcast_to(q, (n_cells, len(q)))
    for _ in range(n_rounds):
        resid, line, _ = _match(rows, params, q, tol, zero[:, None] * g)
        ok = np.abs(resid) <= tol
        n_ok = ok.sum(axis=1)
        weight = ok / tol
        design = rows[line]
        new = _lstsq(design, qq, weight)
        new_zero = np.zeros(n_cells)
        if max_zero_shift > 0:
            gg = np.broadcast_to(g[None, :, None], (n_cells, len(q), 1))
            with_zero = _lstsq(np.concatenate([design, gg], axis=2), qq, weight)
            use = (n_ok >= p + 4) & (np.abs(with_zero[:, -1]) <= max_zero_shift)
            new = np.where(use[:, None], with_zero[:, :p], new)
            new_zero = np.where(use, with_zero[:, -1], 0.0)
        if system == "monoclinic":
            new = _reduce_monoclinic(new)
        accept = (n_ok >= p) & _valid(system, new)
        params = np.where(accept[:, None], new, params)
        zero = np.where(accept, new_zero, zero)
    centrings = centring_table(system)
    resid, line, n_calc = _match(rows, params, q, tol, zero[:, None] * g, centrings)
    ok = np.abs(resid) <= tol
    n = len(q)
    eps = np.where(ok, np.abs(resid), 0.0).sum(axis=1) / np.maximum(ok.sum(axis=1), 1)
    eps = np.maximum(eps, _EPS_FLOOR * tol[-1])
    frac = ok.sum(axis=1) / n
    fom = q[-1] / (2 * eps * np.maximum(n_calc, 1)) * frac**_FRACTION_POWER
    # a cell that indexes no more peaks than it has parameters fits them
    # exactly whatever they are: it explains nothing
    fom = np.where(ok.sum(axis=1) > p, fom, 0.0)
    best = int(np.argmax(fom))
    return {
        "fom": float(fom[best]),
        "n_indexed": int(ok[best].sum()),
        "n_unindexed": int(n - ok[best].sum()),
        "params": params[best],
        "cell": cell_from_coefficients(metric_coefficients(system, params[best])),
        "zero_shift": float(zero[best]),
        "mean_error": float(
            np.abs(resid[best] / g)[ok[best]].mean() if ok[best].any() else np.nan
        ),
        "hkl": np.where(ok[best][:, None], hkl[line[best]], 0).astype(int),
        "indexed": ok[best],
    }


def _rescaled_axes(system, params):
    """Trial cells with one axis halved or doubled.

    A supercell's refinement may stall; a sub-cell (one axis halved, as the
    absences of a centred or screw-axis cell suggest from the first lines)
    indexes most peaks but not all, and doubling that axis explains the rest.
    """
    p = params.shape[1]
    n_axes = {"monoclinic": 3}.get(system, p)
    out = []
    for factor in (4.0, 0.25):
        for i in range(n_axes):
            scaled = params.copy()
            scaled[:, i] *= factor
            if system == "monoclinic" and i != 1:
                scaled[:, 3] *= math.sqrt(factor)
            out.append(scaled)
    return np.concatenate(out)


def _empty_result(system, n):
    p = N_PARAMS[system]
    return {
        "fom": 0.0,
        "n_indexed": 0,
        "n_unindexed": int(n),
        "params": np.full(p, np.nan),
        "cell": np.full(7, np.nan),
        "zero_shift": 0.0,
        "mean_error": np.nan,
        "hkl": np.zeros((n, 3), dtype=int),
        "indexed": np.zeros(n, dtype=bool),
    }


def index_peaks(
    two_theta,
    *,
    systems=SYSTEMS,
    wavelength=1.54184,
    n_peaks=20,
    tolerance=0.03,
    max_zero_shift=0.1,
    max_volume=4000.0,
):
    """Index the first peak positions under the metric of each lattice system.

    Parameters
    ----------
    two_theta : array-like of shape (n,)
        Peak positions in degrees 2-theta; NaN entries (padding) are ignored,
        the rest sorted, and the first ``n_peaks`` used.
    systems : sequence of str, default=SYSTEMS
        Lattice systems to search, from ``"cubic"``, ``"tetragonal"``,
        ``"hexagonal"``, ``"rhombohedral"`` (hexagonal axes),
        ``"orthorhombic"``, ``"monoclinic"``.
    wavelength : float, default=1.54184
        In angstrom.
    n_peaks : int, default=20
        How many of the lowest-angle peaks to index (the N of M_N).
    tolerance : float, default=0.03
        Largest distance in degrees 2-theta between a peak and its line for the
        peak to count as indexed.
    max_zero_shift : float, default=0.1
        Largest zero shift of the 2-theta scale (degrees) that the refinement
        may fit; 0 disables the zero-shift parameter.
    max_volume : float, default=4000.0
        Largest cell volume (cubic angstrom) searched.

    Returns
    -------
    results : dict of str to dict
        For each system: ``fom`` (the figure of merit described in the module
        notes; 0 when nothing was found), ``n_indexed``, ``n_unindexed``,
        ``cell`` (a, b, c, alpha, beta, gamma, volume; NaN when nothing was
        found; hexagonal axes for rhombohedral), ``params`` (the system's Q
        metric parameters), ``zero_shift`` (degrees; observed minus true),
        ``mean_error`` (mean distance in degrees 2-theta between the indexed
        peaks and their lines, after the zero shift; NaN when nothing was
        indexed: a pseudo-symmetric cell indexes within the tolerance but
        with larger errors than its true system), ``hkl`` (one index triple
        per peak, zeros where unindexed) and ``indexed`` (bool per peak).

    Examples
    --------
    >>> from sklearn_xrd.simulation import stick_pattern
    >>> from pymatgen.core import Lattice, Structure
    >>> nacl = Structure.from_spacegroup(
    ...     "Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5] * 3])
    >>> tt, _ = stick_pattern(nacl)
    >>> res = index_peaks(np.unique(tt.round(6)), systems=["cubic", "tetragonal"])
    >>> res["cubic"]["cell"][:3].round(3).tolist()
    [5.64, 5.64, 5.64]
    >>> res["cubic"]["fom"] > res["tetragonal"]["fom"]
    True
    """
    tt = np.asarray(two_theta, dtype=float).ravel()
    tt = np.sort(tt[np.isfinite(tt) & (tt > 0) & (tt < 180)])[:n_peaks]
    q = q_from_two_theta(tt, wavelength)
    g = _dq_d2theta(q, tt)
    tol = g * tolerance
    results = {}
    for system in systems:
        check_system(system)
        p = N_PARAMS[system]
        if len(q) < p + 1:
            results[system] = _empty_result(system, len(q))
            continue
        trials = _trial_cells(system, q, tol, max_volume)
        if len(trials) == 0:
            results[system] = _empty_result(system, len(q))
            continue
        trials = np.concatenate([trials, _rescaled_axes(system, trials)])
        results[system] = _refine(system, trials, q, tol, g, max_zero_shift)
    return results
