"""The training recipe of the shipped space-group model.

The same patterns as the crystal-system model (:mod:`._recipe`): random
symmetric crystals (pyxtal), OQMD-ICSD and AMCSD structures and half of
pymatgen's prototypes, labelled with their space groups (spglib, or the
group pyxtal generated and spglib confirmed); the other half of the
prototypes scores it. At prediction time the crystal-system model supplies
P(system) and this model P(group | system), so the two answers agree.
"""

import datetime
import platform
import time

import numpy as np

from ..simulation import DEFAULT_GRID
from ._feature_cache import FeatureCache
from ._recipe import (
    RECIPE,
    block_weights,
    describe_model,
    prototype_training_half,
    real_block_key,
    real_training_sets,
)

#: Parameters of the shipped space-group artifact: the crystal-system
#: recipe's sources (:data:`RECIPE`) with one augmented copy per structure
#: and half as many OQMD-ICSD structures, about 10,800 patterns instead of
#: 16,100 (the indexing search of each pattern is most of the build's time).
SPACE_GROUP_RECIPE = {
    **{k: v for k, v in RECIPE.items() if k != "target_accuracy"},
    "n_variants": 1,
    "oqmd_per_class": 150,
    "real_variants": {"oqmd_icsd": 1, "amcsd": 1},
    "max_iter": 60,
}

#: The factory of the model, recorded in the metadata.
FACTORY = "sklearn_xrd.models.make_space_group_model"


def build_space_group_model(random_state=0, n_jobs=None, max_iter=60):
    """The (unfitted) space-group model of the recipe.

    :func:`sklearn_xrd.models.make_space_group_model` with small trees
    (8 leaves) so that about 240 groups x ``max_iter`` trees stay a few MB.

    Parameters
    ----------
    random_state : int, default=0
    n_jobs : int, default=None
    max_iter : int, default=60

    Returns
    -------
    model : sklearn.pipeline.Pipeline
    """
    from ..models import make_space_group_model

    model = make_space_group_model(
        random_state=random_state, n_jobs=n_jobs, max_iter=max_iter
    )
    return model.set_params(classifier__estimator__max_leaf_nodes=8)


def top_k_accuracy(y, proba, classes, k):
    """Share of rows whose true class is among the ``k`` most probable."""
    order = np.argsort(-proba, axis=1, kind="stable")[:, :k]
    return float(
        np.mean(np.any(np.asarray(classes)[order] == np.asarray(y)[:, None], axis=1))
    )


def train_space_group(
    *,
    n_per_class=SPACE_GROUP_RECIPE["n_per_class"],
    n_variants=SPACE_GROUP_RECIPE["n_variants"],
    random_state=SPACE_GROUP_RECIPE["random_state"],
    prototype_variants=SPACE_GROUP_RECIPE["prototype_variants"],
    collections=SPACE_GROUP_RECIPE["collections"],
    oqmd_per_class=SPACE_GROUP_RECIPE["oqmd_per_class"],
    real_variants=SPACE_GROUP_RECIPE["real_variants"],
    amcsd_disorder=SPACE_GROUP_RECIPE["amcsd_disorder"],
    weights=SPACE_GROUP_RECIPE["weights"],
    max_iter=SPACE_GROUP_RECIPE["max_iter"],
    n_jobs=2,
    memory=None,
    verbose=0,
    out=print,
):
    """Train the space-group model on the crystal-system recipe's patterns.

    Parameters
    ----------
    n_per_class, n_variants, random_state, prototype_variants, collections, \
oqmd_per_class, real_variants, amcsd_disorder, weights
        As :func:`sklearn_xrd.pretrained._recipe.train_pretrained`.
    max_iter : int, default=60
        Boosting iterations of each classifier of the hierarchy.
    n_jobs : int, default=2
        Parallel workers for simulation and features.
    memory : str or None, default=None
        joblib cache folder for the patterns and their features.
    verbose : int, default=0
        Progress bars (simulation, features); results do not change.
    out : callable, default=print
        Where progress lines go.

    Returns
    -------
    model : sklearn.pipeline.Pipeline
        Fitted, with ``n_jobs=None``.
    metadata : dict
        JSON-serialisable recipe, timings and scores on the held-out half of
        the prototypes.
    """
    import sklearn

    from .. import __version__
    from ..datasets import load_prototypes, make_patterns, synthetic_training_set

    t0 = time.perf_counter()
    train = synthetic_training_set(
        n_per_class,
        n_variants=n_variants,
        random_state=random_state,
        n_jobs=n_jobs,
        memory=memory,
        verbose=verbose,
    )
    protos = load_prototypes()
    patterns = make_patterns(
        protos.data,
        n_variants=prototype_variants,
        random_state=random_state + 1,
        n_jobs=n_jobs,
        memory=memory,
        verbose=verbose,
        **DEFAULT_GRID,
    )
    proto_groups = np.asarray(protos.space_group)[patterns.source_index]
    fit_half = prototype_training_half(np.asarray(protos.target), random_state)
    in_fit = np.isin(patterns.source_index, fit_half)
    real = real_training_sets(
        collections=collections,
        oqmd_per_class=oqmd_per_class,
        real_variants=real_variants,
        amcsd_disorder=amcsd_disorder,
        random_state=random_state,
        n_jobs=n_jobs,
        memory=memory,
        verbose=verbose,
    )
    t_data = time.perf_counter() - t0
    out(f"patterns in {t_data:.0f} s")

    t1 = time.perf_counter()
    model = build_space_group_model(random_state, n_jobs=n_jobs, max_iter=max_iter)
    cache = FeatureCache(model, memory, verbose=verbose)
    key = (random_state, n_per_class, n_variants, prototype_variants)
    features_proto = cache(("prototypes",) + key, patterns.data)
    blocks = [
        (cache(("synthetic",) + key, train.data), train.space_group),
        (features_proto[in_fit], proto_groups[in_fit]),
    ]
    for name, b in real.items():
        block_key = real_block_key(
            name,
            key,
            oqmd_per_class=oqmd_per_class,
            real_variants=real_variants,
            amcsd_disorder=amcsd_disorder,
        )
        blocks.append((cache(block_key, b.data), b.space_group))
    names = ["synthetic", "prototypes", *real]
    t_features = time.perf_counter() - t1
    out(f"features of {sum(len(f) for f, _ in blocks)} patterns in {t_features:.0f} s")

    t1 = time.perf_counter()
    y = np.concatenate([g for _, g in blocks]).astype(int)
    model.steps[-1][1].fit(
        np.vstack([f for f, _ in blocks]),
        y,
        sample_weight=block_weights(names, [len(g) for _, g in blocks], weights),
    )
    t_fit = time.perf_counter() - t1
    out(f"classifier fitted in {t_fit:.0f} s ({len(np.unique(y))} space groups)")
    model.set_params(features__indexing__n_jobs=None)

    held_out = ~in_fit
    proba = model[-1].predict_proba(features_proto[held_out])
    classes = model[-1].classes_
    y_held = proto_groups[held_out]
    scores = {
        "top1": top_k_accuracy(y_held, proba, classes, 1),
        "top5": top_k_accuracy(y_held, proba, classes, 5),
        "n_patterns": int(held_out.sum()),
        "groups_seen_in_training": float(np.mean(np.isin(y_held, classes))),
    }
    out(
        f"held-out prototypes ({scores['n_patterns']} patterns): top-1 "
        f"{scores['top1']:.3f}, top-5 {scores['top5']:.3f}"
    )
    counts = {name: int(len(g)) for name, (_, g) in zip(names, blocks)}
    metadata = {
        "package_version": __version__,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"
        ),
        "task": "space group from a powder X-ray diffraction pattern",
        "classes": [int(c) for c in classes],
        "class_systems": [str(s) for s in model[-1].class_system_],
        "grid": {
            "wavelength": DEFAULT_GRID["wavelength"],
            "two_theta_range": list(DEFAULT_GRID["two_theta_range"]),
            "step": DEFAULT_GRID["step"],
        },
        "recipe": {
            "seed": random_state,
            "n_per_class": n_per_class,
            "n_variants": n_variants,
            "prototype_variants": prototype_variants,
            "collections": list(collections),
            "oqmd_per_class": oqmd_per_class,
            "real_variants": dict(real_variants),
            "amcsd_disorder": amcsd_disorder,
            "block_weights": {k: float(v) for k, v in weights.items()},
            "n_training_patterns": counts,
            "labels": (
                "space groups by spglib (symprec 0.1) for the prototypes and "
                "the collections, the generated group (confirmed by spglib) for "
                "the pyxtal crystals"
            ),
            "measured_data_used": "none",
            "factory": FACTORY,
            "max_iter": max_iter,
            "model": describe_model(model),
            "command": "python scripts/build_pretrained.py --model space-group",
        },
        "combined_with": "crystal-system",
        "rule": (
            "P(group) = P(crystal system, from the crystal-system model) x "
            "P(group | crystal system, from this model)"
        ),
        "held_out_prototype_scores": scores,
        "training_seconds": {
            "data": round(t_data, 1),
            "features": round(t_features, 1),
            "fit": round(t_fit, 1),
            "total": round(time.perf_counter() - t0, 1),
        },
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
        },
    }
    return model, metadata
