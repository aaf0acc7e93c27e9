"""Splits: the study's per-class caps, and formula-grouped splits."""

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.utils import check_random_state


def class_capped_split(y, split_info, *, random_state=None):
    """Train / validation / test indices with a fixed cap per class, as the study.

    For each class named in ``split_info`` its samples are shuffled, then the
    first ``n_test`` go to test, the next ``n_val`` to validation and the next
    ``n_train`` to train: a rare class fills its test and validation quota
    first and gives train what is left. Samples beyond the caps, and classes
    not named in ``split_info``, are left out.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Labels.
    split_info : dict
        ``{label: (n_train, n_val, n_test)}``, e.g.
        ``{"tetragonal": (3000, 500, 100), "hexagonal": (100, 10, 5)}``.
    random_state : int, RandomState instance or None, default=None
        Shuffling seed.

    Returns
    -------
    train, val, test : ndarray of int
        Indices into ``y``, each sorted.

    Examples
    --------
    >>> y = ["cubic"] * 6 + ["hexagonal"] * 3
    >>> tr, va, te = class_capped_split(
    ...     y, {"cubic": (3, 1, 1), "hexagonal": (5, 1, 1)}, random_state=0)
    >>> len(tr), len(va), len(te)
    (4, 2, 2)
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D, got shape {y.shape}")
    rng = check_random_state(random_state)
    parts = ([], [], [])
    for label, caps in split_info.items():
        if len(caps) != 3 or any(int(c) != c or c < 0 for c in caps):
            raise ValueError(
                f"split_info[{label!r}] must be three non-negative integers "
                f"(n_train, n_val, n_test), got {caps!r}"
            )
        n_train, n_val, n_test = (int(c) for c in caps)
        idx = rng.permutation(np.flatnonzero(y == label))
        test = idx[:n_test]
        val = idx[n_test : n_test + n_val]
        train = idx[n_test + n_val : n_test + n_val + n_train]
        for part, chosen in zip(parts, (train, val, test)):
            part.append(chosen)
    return tuple(
        np.sort(np.concatenate(p)).astype(int) if p else np.zeros(0, dtype=int)
        for p in parts
    )


def formula_groups(structures):
    """Reduced formula of each structure, for grouped cross-validation.

    Polymorphs and near-duplicates of one compound share a group, so that a
    grouped splitter (:class:`~sklearn.model_selection.StratifiedGroupKFold`)
    never puts one in train and another in test.

    Parameters
    ----------
    structures : list of pymatgen.core.Structure

    Returns
    -------
    groups : ndarray of str objects
    """
    return np.asarray([s.composition.reduced_formula for s in structures], dtype=object)


def grouped_train_test_split(y, groups, *, test_size=0.25, random_state=None):
    """Stratified train/test indices that keep each group on one side.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Labels, used to balance the classes between the sides.
    groups : array-like of shape (n_samples,)
        Group of each sample, e.g. from :func:`formula_groups`.
    test_size : float, default=0.25
        Approximate fraction of the samples in the test side; the split is
        the first fold of a ``StratifiedGroupKFold`` with
        ``round(1 / test_size)`` folds.
    random_state : int, RandomState instance or None, default=None
        Shuffling seed.

    Returns
    -------
    train, test : ndarray of int

    Examples
    --------
    >>> y = ["a", "a", "b", "b", "a", "b", "a", "b"]
    >>> groups = ["x", "x", "y", "y", "z", "w", "v", "u"]
    >>> train, test = grouped_train_test_split(y, groups, test_size=0.5, random_state=0)
    >>> sorted(set(np.asarray(groups)[train]) & set(np.asarray(groups)[test]))
    []
    """
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must lie in (0, 1), got {test_size}")
    y = np.asarray(y)
    groups = np.asarray(groups)
    if len(y) != len(groups):
        raise ValueError(f"y has {len(y)} samples but groups has {len(groups)}")
    n_splits = max(2, round(1 / test_size))
    cv = StratifiedGroupKFold(
        n_splits=n_splits, shuffle=True, random_state=random_state
    )
    train, test = next(cv.split(np.zeros(len(y)), y, groups))
    return train, test
