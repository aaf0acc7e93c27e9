"""The training recipe of the shipped crystal-system model.

Everything here is regenerated from data the repository makes itself:
random symmetric crystals (pyxtal) and pymatgen's 288 AFLOW prototypes (real
structure types), simulated and augmented. The classifier learns from the
crystals and half of the prototypes; the other half (other structures)
calibrates the probabilities and sets the low-certainty threshold.
"""

import datetime
import json
import platform
import time

import numpy as np

from .._protocol import GRID

#: Parameters of the shipped artifact; ``scripts/build_pretrained.py`` uses them.
RECIPE = {
    "n_per_class": 500,
    "n_variants": 2,
    "random_state": 0,
    "prototype_variants": 3,
    "target_accuracy": 0.8,
}

#: The factory :func:`build_model` calls, recorded in the metadata.
FACTORY = "sklearn_xrd.models.make_physics_model"

#: Its parameters (``classifier__*`` are set on the returned pipeline).
FACTORY_PARAMS = {
    "classifier": "hist_gradient_boosting",
    "n_estimators": 300,
}


def build_model(random_state=0, n_jobs=None):
    """The (unfitted) classifier of the shipped model; the one line to change.

    :func:`sklearn_xrd.models.make_physics_model`: the measured-data front
    end (SNIP background, Savitzky-Golay smoothing, peak clean-up,
    max-normalisation), then Q-space peaks, indexing figures of merit of each
    lattice system (K-alpha2 partners dropped) and the 20 strongest peaks side
    by side, then gradient boosting (300 iterations; a few MB, where a forest
    of the same accuracy needed the 20 MB limit). On ``bench_physics_features``
    at 300 crystals per system it scored 0.761 on mp20_dev, the validation set,
    against 0.719 for ExtraTrees on the same features.

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
        Takes patterns on :data:`sklearn_xrd._protocol.GRID`; the recipe
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


def train_pretrained(
    *,
    n_per_class=RECIPE["n_per_class"],
    n_variants=RECIPE["n_variants"],
    random_state=RECIPE["random_state"],
    prototype_variants=RECIPE["prototype_variants"],
    target_accuracy=RECIPE["target_accuracy"],
    n_jobs=2,
    memory=None,
    out=print,
):
    """Train and calibrate the crystal-system model; return it with metadata.

    1. ``n_per_class`` pyxtal crystals per crystal system, each simulated on
       :data:`~sklearn_xrd._protocol.GRID` with ``n_variants`` augmented
       copies (:func:`~sklearn_xrd._protocol.synthetic_training_set`), and
       pymatgen's AFLOW prototypes, simulated with ``prototype_variants``
       augmented copies each (another seed).
    2. The prototypes are split in two halves by structure, stratified by
       crystal system. The model of :func:`build_model` is fitted on the
       crystals and the first half (real structure types help on measured
       patterns: +3 points of accuracy on the held-out half).
    3. The second half is the calibration set: a temperature
       (:class:`~sklearn_xrd.evaluation.TemperatureScaledClassifier` on the
       frozen classifier) is fitted on it, and the low-certainty threshold is
       the smallest certainty at which the calibrated predictions on it reach
       ``target_accuracy``
       (:func:`~sklearn_xrd.evaluation.certainty_threshold_for_accuracy`).

    Parameters
    ----------
    n_per_class : int, default=500
        Synthetic crystals per crystal system.
    n_variants : int, default=2
        Augmented copies per synthetic crystal.
    random_state : int, default=0
        Seed of the crystals, the augmentation and the classifier.
    prototype_variants : int, default=3
        Augmented copies per prototype.
    target_accuracy : float, default=0.8
        Accuracy that defines the low-certainty threshold.
    n_jobs : int, default=2
        Parallel workers for simulation and training.
    memory : str or None, default=None
        joblib cache folder for the simulated patterns.
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
    from sklearn.utils import Bunch

    from .. import __version__
    from .._protocol import scores, synthetic_training_set
    from ..datasets import load_prototypes, make_patterns
    from ..evaluation import (
        certainty_threshold_for_accuracy,
        expected_calibration_error,
    )

    t0 = time.perf_counter()
    train = synthetic_training_set(
        n_per_class,
        n_variants=n_variants,
        random_state=random_state,
        n_jobs=n_jobs,
        memory=memory,
    )
    t_data = time.perf_counter() - t0
    out(
        f"training set: {len(train.data)} patterns of {len(train.structures)} "
        f"crystals in {t_data:.0f} s"
    )

    t1 = time.perf_counter()
    protos = load_prototypes()
    patterns = make_patterns(
        protos.data,
        n_variants=prototype_variants,
        random_state=random_state + 1,
        n_jobs=n_jobs,
        memory=memory,
        **GRID,
    )
    proto_target = np.asarray(protos.target)
    fit_half = prototype_training_half(proto_target, random_state)
    in_fit = np.isin(patterns.source_index, fit_half)
    y_proto = proto_target[patterns.source_index]
    cal = Bunch(data=patterns.data[~in_fit], variant=patterns.variant[~in_fit])
    y_cal = y_proto[~in_fit]
    t_protos = time.perf_counter() - t1
    out(f"{len(y_proto)} prototype patterns in {t_protos:.0f} s")

    t1 = time.perf_counter()
    model = build_model(random_state=random_state, n_jobs=n_jobs)
    model.fit(
        np.vstack([train.data, patterns.data[in_fit]]),
        np.concatenate([train.target, y_proto[in_fit]]),
    )
    t_fit = time.perf_counter() - t1
    out(f"model fitted in {t_fit:.0f} s")
    _set_n_jobs(model, None)  # before the classifier is frozen inside the calibrator

    t2 = time.perf_counter()
    features = model[:-1].transform(cal.data)
    uncalibrated = model[-1].predict_proba(features)
    model = _calibrated(model, features, y_cal)
    proba = model[-1].predict_proba(features)
    classes = model.classes_
    threshold, coverage = certainty_threshold_for_accuracy(
        y_cal, proba, classes, target_accuracy=target_accuracy
    )
    # unreachable target: every prediction is flagged (threshold 1, not inf)
    threshold = min(float(threshold), 1.0)
    clean = cal.variant == 0
    cal_scores = scores(y_cal, classes[proba.argmax(axis=1)])
    clean_scores = scores(y_cal[clean], classes[proba[clean].argmax(axis=1)])
    temperature = float(model[-1].temperature_)
    t_cal = time.perf_counter() - t2
    out(
        f"calibrated on {len(y_cal)} prototype patterns in {t_cal:.0f} s: "
        f"T={temperature:.3f}, accuracy {cal_scores['accuracy']:.3f}, "
        f"low-certainty threshold {threshold:.3f} (coverage {coverage:.2f})"
    )

    metadata = {
        "package_version": __version__,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"
        ),
        "task": "crystal system from a powder X-ray diffraction pattern",
        "classes": [str(c) for c in classes],
        "grid": {
            "wavelength": GRID["wavelength"],
            "wavelength_angstrom": 1.54184,
            "two_theta_range": list(GRID["two_theta_range"]),
            "step": GRID["step"],
            "n_points": int(train.data.shape[1]),
        },
        "recipe": {
            "seed": random_state,
            "n_per_class": n_per_class,
            "n_variants": n_variants,
            "n_training_patterns": int(len(train.data) + in_fit.sum()),
            "n_synthetic_patterns": int(len(train.data)),
            "n_generation_retries": int(train.n_failures),
            "prototypes": (
                "pymatgen AFLOW prototypes, augmented; half the structures "
                "(stratified by crystal system, seed) in training, the other "
                "half for calibration"
            ),
            "n_prototype_training_patterns": int(in_fit.sum()),
            "prototype_variants": prototype_variants,
            "n_calibration_patterns": int(len(y_cal)),
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
            "data": round(t_data + t_protos, 1),
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
            **{k: float(v) for k, v in cal_scores.items()},
            "clean_prototypes": {k: float(v) for k, v in clean_scores.items()},
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
