"""Benchmark the network classifiers of sklearn_xrd.neural on CPU.

Protocol (``sklearn_xrd.study``): train on augmented patterns of random
synthetic crystals (pyxtal, balanced over the seven crystal systems); test on
real structures never seen in training: pymatgen's AFLOW prototypes (always),
mp20_dev (simulated) and rruff_dev (measured) when the shared data is there.
Patterns (Cu K-alpha, 5-90 degrees, 0.02 degree bins) are normalised to a
maximum of 1 and average-pooled by 4 (1063 points) to keep CPU time sane.

For each network the script prints accuracy and macro-F1 on each test set,
the fit time, the predict throughput and the size of the network. Every
random choice flows from ``--random-state``.

Usage::

    python benchmarks/bench_neural.py --quick
    python benchmarks/bench_neural.py --random-state 1 --epochs 40
"""

import argparse
import shlex
import sys
import time

import numpy as np
import torch
from sklearn.base import clone

from sklearn_xrd.datasets import synthetic_training_set
from sklearn_xrd.evaluation import classification_summary
from sklearn_xrd.neural import (
    BiLSTMClassifier,
    CNNClassifier,
    CNNLSTMClassifier,
    DenseClassifier,
    TransformerClassifier,
)
from sklearn_xrd.study import real_test_sets

POOL = 4

# Default widths; the sCNN-LSTM is the study's compact 75 KiB preset.
NETWORKS = {
    "Dense": DenseClassifier(),
    "CNN": CNNClassifier(),
    "sCNN-LSTM": CNNLSTMClassifier.small(),
    "BiLSTM": BiLSTMClassifier(),
    "Transformer": TransformerClassifier(),
}


def pooled(X):
    """Normalise each pattern to a maximum of 1 and average-pool by ``POOL``."""
    X = np.asarray(X, dtype=np.float32)
    pad = (-X.shape[1]) % POOL
    X = np.pad(X, ((0, 0), (0, pad)))
    X = X.reshape(len(X), -1, POOL).mean(axis=2)
    return X / np.maximum(X.max(axis=1, keepdims=True), 1e-12)


def make_data(n_per_class, n_variants, random_state):
    """Synthetic training patterns and the real test sets, pooled."""
    train = synthetic_training_set(
        n_per_class, n_variants=n_variants, random_state=random_state, n_jobs=2
    )
    sets, skipped = real_test_sets(n_jobs=2)
    for name, reason in skipped:
        print(f"skipped test set {name}: {reason}")
    tests = {name: (pooled(b.data), np.asarray(b.target)) for name, b in sets.items()}
    return pooled(train.data), np.asarray(train.target), tests


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
        n_per_class, n_variants, epochs, lr, patience = 30, 2, 8, 3e-3, None
    else:
        n_per_class, n_variants, epochs, lr, patience = 100, 4, 30, 1e-3, 5
    if args.epochs is not None:
        epochs = args.epochs
    if args.n_threads is not None:
        torch.set_num_threads(args.n_threads)

    start = time.perf_counter()
    X_train, y_train, tests = make_data(n_per_class, n_variants, args.random_state)
    print(
        f"data: {X_train.shape[0]} synthetic training patterns of "
        f"{X_train.shape[1]} points ({n_per_class} crystals per system, "
        f"{n_variants} variants), test sets "
        + ", ".join(f"{k} ({len(v[1])})" for k, v in tests.items())
        + f" ({time.perf_counter() - start:.1f} s); torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads, CPU"
    )
    cols = "".join(f" {k + ' acc':>15} {k + ' F1':>14}" for k in tests)
    header = (
        f"{'network':<12}{cols} {'fit s':>7} {'predict/s':>10} {'params':>8} {'KiB':>7}"
    )
    print(header)
    print("-" * len(header))
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
        cells = ""
        for X_test, y_test in tests.values():
            s = classification_summary(y_test, clf.predict(X_test))
            cells += f" {s['accuracy']:>15.3f} {s['macro_f1']:>14.3f}"
        X_rate = next(iter(tests.values()))[0]
        rate = throughput(clf, X_rate, n_repeats=1 if args.quick else 3)
        print(
            f"{name:<12}{cells} {fit_s:>7.1f} {rate:>10.0f} {clf.n_parameters_:>8d} "
            f"{clf.model_size_bytes_ / 1024:>7.1f}",
            flush=True,
        )
    command = " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv])
    print(f"\ncommand: {command}")


if __name__ == "__main__":
    main()
