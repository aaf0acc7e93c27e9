"""Compiled inner loop of the pattern engine (numba).

Why numba here: a structure factor is a sum over atoms for every reflection.
In numpy that is a (reflections x atoms) array per structure, and with the
~20 numpy calls each structure needs, per-call overhead and memory traffic
cost more than the arithmetic. Compiled, the loop runs over reflections
inside the limiting sphere only, builds phase factors by complex
multiplication from per-atom tables (no trigonometric call per reflection
and atom) and bins intensities directly into the output row (its speed against
pymatgen's calculator: ``benchmarks/bench_simulation.py``).
"""

import math

import numpy as np
from numba import njit


@njit(cache=True)
def _phase_table(x, n_neg, n_pos, re, im, j):
    """cos/sin(2 pi n x) for n = -n_neg..n_pos into column j (row n + n_neg).

    Powers of exp(2 pi i x) by repeated multiplication, re-anchored with an
    exact cos/sin every 8 steps so rounding cannot accumulate.
    """
    c1 = math.cos(2.0 * math.pi * x)
    s1 = math.sin(2.0 * math.pi * x)
    cr = 1.0
    ci = 0.0
    for n in range(n_pos + 1):
        if n % 8 == 0:
            cr = math.cos(2.0 * math.pi * n * x)
            ci = math.sin(2.0 * math.pi * n * x)
        re[n + n_neg, j] = cr
        im[n + n_neg, j] = ci
        if n <= n_neg:
            re[n_neg - n, j] = cr
            im[n_neg - n, j] = -ci
        cr, ci = cr * c1 - ci * s1, cr * s1 + ci * c1


@njit(cache=True)
def _scale_bins(row, bins, n, top, height, absent):
    """Scale ``row[bins[:n]]`` so that ``top`` becomes ``height``, in place.

    Entries at most ``absent * top`` become 0 (``absent=-inf`` keeps them all).
    """
    scale = height / top
    for j in range(n):
        i = bins[j]
        if row[i] <= absent * top:
            row[i] = 0.0
        else:
            row[i] *= scale


@njit(cache=True)
def _scale_rows(X, height, absent):
    """Scale each row of ``X`` in place so that its largest entry is ``height``.

    Entries at most ``absent`` times the largest become 0 (pass ``-inf`` to
    keep them all); a row whose largest entry is not positive is left as it is.
    """
    n_cols = X.shape[1]
    every = np.arange(n_cols)
    for r in range(X.shape[0]):
        row = X[r]
        top = 0.0
        for i in range(n_cols):
            if row[i] > top:
                top = row[i]
        if top > 0.0:
            _scale_bins(row, every, n_cols, top, height, absent)


@njit(cache=True)
def _patterns_kernel(
    metrics,
    bounds,
    frac,
    atom_elem,
    atom_start,
    ff_table,
    s2_step,
    wavelength,
    g_min2,
    g_max2,
    edges,
    fine_bin,
    fine_step,
    absent,
    height,
):
    n_struct = metrics.shape[0]
    n_bins = edges.shape[0] - 1
    out = np.zeros((n_struct, n_bins))
    n_tab = ff_table.shape[1]
    n_fine = fine_bin.shape[0]
    local = np.full(ff_table.shape[0], -1)  # global element -> local index
    # the bins a row's reflections fall in: only those need scaling, and
    # intensities only add, so the running maximum is the row's maximum
    touched = np.zeros(n_bins, dtype=np.bool_)
    bins = np.empty(n_bins, dtype=np.int64)
    for b in range(n_struct):
        m = metrics[b]
        H = bounds[b, 0]
        K = bounds[b, 1]
        L = bounds[b, 2]
        a0 = atom_start[b]
        n_at = atom_start[b + 1] - a0
        # per-atom phase tables cos/sin(2 pi n x) for n up to each bound
        exr = np.empty((H + 1, n_at))
        exi = np.empty((H + 1, n_at))
        eyr = np.empty((2 * K + 1, n_at))
        eyi = np.empty((2 * K + 1, n_at))
        ezr = np.empty((2 * L + 1, n_at))
        ezi = np.empty((2 * L + 1, n_at))
        for j in range(n_at):
            _phase_table(frac[a0 + j, 0], 0, H, exr, exi, j)
            _phase_table(frac[a0 + j, 1], K, K, eyr, eyi, j)
            _phase_table(frac[a0 + j, 2], L, L, ezr, ezi, j)
        # local element index of each atom; form factors once per element
        uniq = np.empty(n_at, dtype=np.int64)
        lid = np.empty(n_at, dtype=np.int64)
        n_el = 0
        for j in range(n_at):
            e = atom_elem[a0 + j]
            if local[e] < 0:
                local[e] = n_el
                uniq[n_el] = e
                n_el += 1
            lid[j] = local[e]
        for g in range(n_el):
            local[uniq[g]] = -1
        fe = np.empty(n_el)
        txr = np.empty(n_at)
        txi = np.empty(n_at)
        row = out[b]
        n_touched = 0
        top = 0.0
        for h in range(H + 1):
            for k in range(-K, K + 1):
                if h == 0 and k < 0:
                    continue
                # g2(l) = c2 l^2 + 2 c1 l + c0 <= g_max2: solve for the l range
                c2 = m[2, 2]
                c1 = m[0, 2] * h + m[1, 2] * k
                c0 = m[0, 0] * h * h + m[1, 1] * k * k + 2.0 * m[0, 1] * h * k
                disc = c1 * c1 - c2 * (c0 - g_max2)
                if disc < 0.0:
                    continue
                root = math.sqrt(disc)
                l_lo = max(-L, int(math.ceil((-c1 - root) / c2 - 1e-9)))
                l_hi = min(L, int(math.floor((-c1 + root) / c2 + 1e-9)))
                if h == 0 and k == 0:
                    l_lo = max(l_lo, 1)
                if l_lo > l_hi:
                    continue
                for j in range(n_at):
                    txr[j] = exr[h, j] * eyr[k + K, j] - exi[h, j] * eyi[k + K, j]
                    txi[j] = exr[h, j] * eyi[k + K, j] + exi[h, j] * eyr[k + K, j]
                for l in range(l_lo, l_hi + 1):
                    g2 = c2 * l * l + 2.0 * c1 * l + c0
                    if g2 > g_max2 or g2 < g_min2:
                        continue
                    sin_t = wavelength * math.sqrt(g2) / 2.0
                    if sin_t >= 1.0:
                        continue
                    # form factors: linear interpolation in s^2
                    pos = g2 / 4.0 / s2_step
                    i0 = int(pos)
                    if i0 >= n_tab - 1:
                        i0 = n_tab - 2
                    w = pos - i0
                    li = l + L
                    for g in range(n_el):
                        e = uniq[g]
                        fe[g] = ff_table[e, i0] * (1.0 - w) + ff_table[e, i0 + 1] * w
                    f_re = 0.0
                    f_im = 0.0
                    for j in range(n_at):
                        f = fe[lid[j]]
                        zr = ezr[li, j]
                        zi = ezi[li, j]
                        f_re += f * (txr[j] * zr - txi[j] * zi)
                        f_im += f * (txr[j] * zi + txi[j] * zr)
                    cos_t = math.sqrt(1.0 - sin_t * sin_t)
                    cos_2t = 1.0 - 2.0 * sin_t * sin_t
                    lp = (1.0 + cos_2t * cos_2t) / (sin_t * sin_t * cos_t)
                    # bin from the g^2 edges: a coarse guess, then exact
                    i_fine = int((g2 - g_min2) / fine_step)
                    if i_fine >= n_fine:
                        i_fine = n_fine - 1
                    k_bin = fine_bin[i_fine]
                    while k_bin < n_bins and g2 >= edges[k_bin + 1]:
                        k_bin += 1
                    while k_bin >= 0 and g2 < edges[k_bin]:
                        k_bin -= 1
                    if 0 <= k_bin < n_bins:
                        row[k_bin] += 2.0 * (f_re * f_re + f_im * f_im) * lp
                        if not touched[k_bin]:
                            touched[k_bin] = True
                            bins[n_touched] = k_bin
                            n_touched += 1
                        if row[k_bin] > top:
                            top = row[k_bin]
        if top > 0.0:
            _scale_bins(row, bins, n_touched, top, height, absent)
        for j in range(n_touched):
            touched[bins[j]] = False
    return out
