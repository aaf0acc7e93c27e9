"""Benchmark the network classifiers of sklearn_xrd.neural on CPU.

Training and test data are augmented simulations of the AFLOW prototypes that
pymatgen ships (:func:`sklearn_xrd.datasets.load_prototypes`): each structure
gives a stick pattern (Cu K-alpha, 5-90 degrees, 0.02 degree bins), and each
copy of it gets a random Gaussian width, a random zero shift of a few bins and
noise. Structures are split into train and test grouped by reduced formula,
so no compound sits on both sides.

For each network the script prints accuracy and macro-F1 on the test
patterns, the fit time, the predict throughput and the size of the network.
Every random choice flows from ``--random-state``.

Usage::

    python benchmarks/bench_neural.py --quick
    python benchmarks/bench_neural.py --random-state 1 --epochs 40
"""

import argparse
import shlex
import sys
import time
import warnings

import numpy as np
import torch
from scipy.ndimage import gaussian_filter1d
from sklearn.base import clone
from sklearn.metrics import accuracy_score, f1_score

from sklearn_xrd.datasets import grouped_train_test_split, load_prototypes
from sklearn_xrd.neural import (
    BiLSTMClassifier,
    CNNClassifier,
    CNNLSTMClassifier,
    DenseClassifier,
    TransformerClassifier,
)
from sklearn_xrd.simulation import bin_sticks, stick_pattern

TWO_THETA_RANGE = (5.0, 90.0)
STEP = 0.02
WAVELENGTH = 1.54184

# Default widths; the sCNN-LSTM is the study's compact 75 KiB preset.
NETWORKS = {
    "Dense": DenseClassifier(),
    "CNN": CNNClassifier(),
    "sCNN-LSTM": CNNLSTMClassifier.small(),
    "BiLSTM": BiLSTMClassifier(),
    "Transformer": TransformerClassifier(),
}


def simulate_sticks(structures):
    """Binned stick pattern of each structure on the 0.02 degree grid."""
    return np.stack(
        [
            bin_sticks(
                *stick_pattern(
                    s, wavelength=WAVELENGTH, two_theta_range=TWO_THETA_RANGE
                ),
                TWO_THETA_RANGE,
                STEP,
            )
            for s in structures
        ]
    )


def augment(sticks, n_copies, rng, *, max_shift=5, fwhm_range=(0.05, 0.3)):
    """Random broadening, zero shift and noise; each row scaled to max 1.

    Parameters
    ----------
    sticks : ndarray of shape (n_structures, n_bins)
    n_copies : int
        Patterns per structure.
    rng : numpy.random.Generator
    max_shift : int, default=5
        Largest zero shift, in bins (0.1 degree at 0.02 degree steps).
    fwhm_range : tuple of float, default=(0.05, 0.3)
        Range of the Gaussian FWHM, in degrees.

    Returns
    -------
    X : ndarray of shape (n_structures * n_copies, n_bins), float32
    source : ndarray of shape (n_structures * n_copies,)
        Row of ``sticks`` each pattern comes from.
    """
    source = np.repeat(np.arange(len(sticks)), n_copies)
    X = np.empty((len(source), sticks.shape[1]), dtype=np.float32)
    fwhm = rng.uniform(*fwhm_range, size=len(source))
    shifts = rng.integers(-max_shift, max_shift + 1, size=len(source))
    for i, (row, width, shift) in enumerate(zip(source, fwhm, shifts, strict=True)):
        sigma = width / (2 * np.sqrt(2 * np.log(2))) / STEP
        pattern = gaussian_filter1d(sticks[row], sigma, mode="constant")
        pattern = np.roll(pattern, shift)
        if shift > 0:
            pattern[:shift] = 0.0
        elif shift < 0:
            pattern[shift:] = 0.0
        pattern /= max(pattern.max(), 1e-12)
        pattern += rng.normal(scale=rng.uniform(0.0, 0.02), size=pattern.shape)
        X[i] = pattern / max(pattern.max(), 1e-12)
    return X, source


def make_data(n_train_copies, n_test_copies, random_state):
    """Augmented train and test patterns, split grouped by formula."""
    rng = np.random.default_rng(random_state)
    protos = load_prototypes()
    y = np.asarray(protos.target)
    with warnings.catch_warnings():
        # triclinic has two prototypes, fewer than the folds: known and harmless
        warnings.filterwarnings("ignore", "The least populated class", UserWarning)
        train, test = grouped_train_test_split(
            y, protos.formula, test_size=0.25, random_state=random_state
        )
    sticks = simulate_sticks(protos.data)
    X_train, src_train = augment(sticks[train], n_train_copies, rng)
    X_test, src_test = augment(sticks[test], n_test_copies, rng)
    return X_train, y[train][src_train], X_test, y[test][src_test]


def throughput(clf, X, n_repeats):
    """Patterns per second of ``predict`` (best of ``n_repeats``)."""
    best = np.inf
    for _ in range(n_repeats):
        start = time.perf_counter()
        clf.predict(X)
        best = min(best, time.perf_counter() - start)
    return len(X) / best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="few copies and epochs (< 3 min)"
    )
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=None, help="max_epochs")
    parser.add_argument(
        "--networks",
        nargs="+",
        choices=list(NETWORKS),
        default=list(NETWORKS),
        help="which networks to run",
    )
    parser.add_argument(
        "--n-threads",
        type=int,
        default=None,
        help="torch CPU threads (default: torch's)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        n_train_copies, n_test_copies, epochs, lr, patience = 4, 2, 8, 3e-3, None
    else:
        n_train_copies, n_test_copies, epochs, lr, patience = 20, 5, 30, 1e-3, 5
    if args.epochs is not None:
        epochs = args.epochs
    if args.n_threads is not None:
        torch.set_num_threads(args.n_threads)

    start = time.perf_counter()
    X_train, y_train, X_test, y_test = make_data(
        n_train_copies, n_test_copies, args.random_state
    )
    print(
        f"data: {X_train.shape[0]} train / {X_test.shape[0]} test patterns of "
        f"{X_train.shape[1]} points, {len(np.unique(y_train))} crystal systems "
        f"({time.perf_counter() - start:.1f} s); torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads, CPU"
    )
    header = (
        f"{'network':<12} {'accuracy':>8} {'macro-F1':>8} {'fit s':>7} "
        f"{'predict/s':>10} {'params':>8} {'KiB':>7}"
    )
    print(header)
    print("-" * len(header))
    labels, counts = np.unique(y_train, return_counts=True)
    majority = np.full(len(y_test), labels[counts.argmax()])
    print(
        f"{'majority':<12} {accuracy_score(y_test, majority):>8.3f} "
        f"{f1_score(y_test, majority, average='macro', zero_division=0):>8.3f}"
    )
    for name in args.networks:
        clf = clone(NETWORKS[name]).set_params(
            max_epochs=epochs,
            lr=lr,
            batch_size=32,
            early_stopping=patience,
            device="cpu",
            random_state=args.random_state,
        )
        start = time.perf_counter()
        clf.fit(X_train, y_train)
        fit_s = time.perf_counter() - start
        y_pred = clf.predict(X_test)
        rate = throughput(clf, X_test, n_repeats=1 if args.quick else 3)
        print(
            f"{name:<12} {accuracy_score(y_test, y_pred):>8.3f} "
            f"{f1_score(y_test, y_pred, average='macro', zero_division=0):>8.3f} "
            f"{fit_s:>7.1f} {rate:>10.0f} {clf.n_parameters_:>8d} "
            f"{clf.model_size_bytes_ / 1024:>7.1f}",
            flush=True,
        )
    command = " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv])
    print(f"\ncommand: {command}")


if __name__ == "__main__":
    main()
