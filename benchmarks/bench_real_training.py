"""Would real structures in the training set help? mp20_dev cross-validated.

The physics model of ``bench_physics_features`` (Q + indexing + peaks ->
HistGradientBoosting, behind the measured-data front end) learns from
synthetic crystals only. Here the same model also learns from real
structures: mp20_dev is split in 5 folds grouped by reduced formula (so that
no polymorph of a test compound is in training) and stratified by crystal
system; each fold is predicted by a model trained on the synthetic set plus
the clean simulated patterns of the other 4 folds. Printed: the pooled
accuracy of those held-out predictions against the synthetic-only model on
the same patterns, and the mean rruff_dev accuracy of the 5 models against
the synthetic-only one. It answers whether the distance to the targets is the
gap between synthetic and real structures or what the features carry.

The synthetic set, test sets and features are those of
``bench_physics_features`` (``_common``'s cache, same keys), so after that
benchmark this one only fits.

Run::

    python benchmarks/bench_real_training.py [--n-jobs 2]
"""

import argparse
import sys
import time
import warnings

import numpy as np
import pandas as pd
from _common import (
    FeatureBlocks,
    add_data_arguments,
    cached_test_sets,
    cached_training_set,
    command_line,
    score_cells,
    shared_data_or_none,
    training_set_key,
)
from joblib import Memory
from sklearn.base import clone
from sklearn.model_selection import StratifiedGroupKFold

from sklearn_xrd.evaluation import classification_summary
from sklearn_xrd.models import make_physics_model
from sklearn_xrd.study import SCORES


def main(argv=None):
    """Print the comparison; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_arguments(parser)
    parser.add_argument("--n-folds", type=int, default=5)
    args = parser.parse_args(argv)
    print("$ " + command_line())
    shared = shared_data_or_none()
    if shared is None:
        return 0
    warnings.filterwarnings("ignore", category=UserWarning)
    memory = Memory(args.cache or None, verbose=0)
    t0 = time.perf_counter()
    train = cached_training_set(args, memory)
    sets, _ = cached_test_sets(args, memory, ("prototypes", "mp20_dev", "rruff_dev"))
    model = make_physics_model(
        classifier="hist_gradient_boosting",
        random_state=args.random_state,
        n_jobs=args.n_jobs,
    )
    features = FeatureBlocks(memory, args.n_jobs)
    train_key = training_set_key(args)
    F_syn, y_syn = features(train_key, train["data"], model), train["target"]
    mp20, rruff = sets["mp20_dev"], sets["rruff_dev"]
    F_mp, y_mp = features("mp20_dev", mp20["data"], model), np.asarray(mp20["target"])
    F_rr, y_rr = features("rruff_dev", rruff["data"], model), rruff["target"]
    print(
        f"features of {len(y_syn)} + {len(y_mp)} + {len(y_rr)} patterns: "
        f"{time.perf_counter() - t0:.0f} s"
    )

    table = pd.read_csv(
        shared / "structures" / "mp20_dev.csv",
        usecols=["material_id", "pretty_formula"],
    )
    formula = dict(table.itertuples(index=False))
    groups = np.array([formula[i] for i in mp20["ids"]], dtype=object)

    def fit(X, y):
        return clone(model.named_steps["classifier"]).fit(X, y)

    t1 = time.perf_counter()
    synthetic = fit(F_syn, y_syn)
    pred_syn, pred_mixed = synthetic.predict(F_mp), np.empty(len(y_mp), dtype=object)
    rruff_mixed = []
    folds = StratifiedGroupKFold(
        args.n_folds, shuffle=True, random_state=args.random_state
    )
    for fit_idx, test_idx in folds.split(F_mp, y_mp, groups):
        mixed = fit(
            np.vstack([F_syn, F_mp[fit_idx]]), np.concatenate([y_syn, y_mp[fit_idx]])
        )
        pred_mixed[test_idx] = mixed.predict(F_mp[test_idx])
        rruff_mixed.append(classification_summary(y_rr, mixed.predict(F_rr)))
    print(f"{args.n_folds + 1} models fitted in {time.perf_counter() - t1:.0f} s\n")

    s_syn = classification_summary(y_mp, pred_syn)
    s_mixed = classification_summary(y_mp, pred_mixed)
    r_syn = classification_summary(y_rr, synthetic.predict(F_rr))
    r_mixed = {k: np.mean([r[k] for r in rruff_mixed]) for k in SCORES}
    n_real = len(y_mp) * (args.n_folds - 1) // args.n_folds
    print(
        "| training set | mp20_dev held-out folds: acc / bal. acc / macro-F1 "
        "| rruff_dev: acc / bal. acc / macro-F1 |"
    )
    print("|---|---|---|")
    for label, s, r in (
        (f"synthetic ({len(y_syn)} patterns)", s_syn, r_syn),
        (f"synthetic + about {n_real} mp20_dev structures", s_mixed, r_mixed),
    ):
        cells = [" / ".join(score_cells(x)) for x in (s, r)]
        print(f"| {label} | {cells[0]} | {cells[1]} |")
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
