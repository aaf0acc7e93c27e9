"""Factories of ready-to-fit pipelines: patterns to crystal systems."""

from numbers import Integral

import numpy as np
from sklearn.ensemble import ExtraTreesClassifier, HistGradientBoostingClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer

from ..preprocessing import (
    BackgroundRemover,
    ExtinctionFeatures,
    IndexingFeatures,
    Normalizer,
    PeakExtractor,
    QSpacePeaks,
    Smoother,
)
from ._clean import PeakCleaner
from ._space_group import HierarchicalSpaceGroupClassifier

#: Names accepted by :func:`make_model`.
MODELS = ("peaks", "spectrum", "qspace", "indexing", "physics")
_CLASSIFIERS = ("extra_trees", "hist_gradient_boosting")


def _check(random_state, n_jobs, n_estimators, classifier="extra_trees"):
    if n_jobs is not None and not isinstance(n_jobs, Integral):
        raise ValueError(f"n_jobs must be an int or None, got {n_jobs!r}")
    if not isinstance(n_estimators, Integral) or n_estimators < 1:
        raise ValueError(f"n_estimators must be a positive int, got {n_estimators!r}")
    if classifier not in _CLASSIFIERS:
        raise ValueError(
            f"classifier must be one of {_CLASSIFIERS}, got {classifier!r}"
        )


def make_frontend(measured=True):
    """Pattern clean-up shared by the models: background, smoothing, scale.

    Parameters
    ----------
    measured : bool, default=True
        With ``True``, SNIP background removal (1 degree window), a light
        Savitzky-Golay smoothing (0.1 degree window), :class:`PeakCleaner`
        (only peaks well above the noise, re-drawn as clean Gaussians) and
        max-normalisation, so that measured patterns look like simulated
        ones; with ``False``,
        max-normalisation only (the study's front end).

    Returns
    -------
    frontend : Pipeline
        A stateless pipeline from patterns to patterns on the same grid.

    Examples
    --------
    >>> [name for name, _ in make_frontend().steps]
    ['background', 'smoother', 'cleaner', 'normalizer']
    """
    if measured:
        steps = [
            ("background", BackgroundRemover()),
            ("smoother", Smoother(window=0.1)),
            ("cleaner", PeakCleaner()),
            ("normalizer", Normalizer()),
        ]
    else:
        steps = [("normalizer", Normalizer())]
    return Pipeline(steps)


def _classifier(kind, random_state, n_jobs, n_estimators):
    if kind == "hist_gradient_boosting":
        return HistGradientBoostingClassifier(
            max_iter=n_estimators, random_state=random_state
        )
    return ExtraTreesClassifier(
        n_estimators=n_estimators, n_jobs=n_jobs, random_state=random_state
    )


#: :class:`IndexingFeatures` settings behind the measured-data front end:
#: K-alpha2 partners dropped, only peaks of at least 3 % of the maximum, and a
#: 0.05 degree tolerance (measured peak positions are less exact than simulated
#: ones, and a K-alpha2 partner or a weak bump is not a line of the cell);
#: their effect on measured patterns: ``benchmarks/bench_physics_features.py``.
MEASURED_INDEXING = {"kalpha2": "auto", "min_height": 0.03, "tolerance": 0.05}


def _indexing(measured, n_jobs):
    # contrasts: comparisons across systems (log ratios of the figures of merit,
    # axis ratios near those of a higher symmetry), which a figure of merit of
    # one system alone cannot give
    return IndexingFeatures(
        contrasts=True, n_jobs=n_jobs, **(MEASURED_INDEXING if measured else {})
    )


def _pipeline(features, measured, classifier, random_state, n_jobs, n_estimators):
    return Pipeline(
        [
            ("frontend", make_frontend(measured)),
            ("features", features),
            ("classifier", _classifier(classifier, random_state, n_jobs, n_estimators)),
        ]
    )


def make_peak_model(*, measured=True, random_state=None, n_jobs=None, n_estimators=300):
    """The study baseline: the 20 strongest peaks (position, intensity) -> ExtraTrees.

    Parameters
    ----------
    measured : bool, default=True
        Put the measured-data front end (:func:`make_frontend`) before the
        peaks; ``False`` gives the study's Normalizer -> PeakExtractor(20) ->
        ExtraTrees.
    random_state : int, RandomState instance or None, default=None
        Seed of the forest.
    n_jobs : int, default=None
        Parallel jobs of the forest.
    n_estimators : int, default=300
        Trees in the forest.

    Returns
    -------
    model : Pipeline
        Steps ``frontend``, ``features`` and ``classifier``; takes patterns
        on the default grid (5-90 degrees, 0.02 degree step, Cu K-alpha).

    Examples
    --------
    >>> make_peak_model(random_state=0).named_steps["features"]
    PeakExtractor()
    """
    _check(random_state, n_jobs, n_estimators)
    return _pipeline(
        PeakExtractor(n_peaks=20),
        measured,
        "extra_trees",
        random_state,
        n_jobs,
        n_estimators,
    )


def downsample(X, factor=5):
    """Max-pool each pattern over windows of ``factor`` bins.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_bins)
        Patterns.
    factor : int, default=5
        Bins per window; a last partial window is pooled too.

    Returns
    -------
    X_pooled : ndarray of shape (n_samples, ceil(n_bins / factor))

    Examples
    --------
    >>> downsample(np.arange(7.0)[None, :], factor=3).tolist()
    [[2.0, 5.0, 6.0]]
    """
    X = np.asarray(X)
    n_samples, n_bins = X.shape
    width = -(-n_bins // factor) * factor
    padded = np.full((n_samples, width), -np.inf, dtype=X.dtype)
    padded[:, :n_bins] = X
    return padded.reshape(n_samples, -1, factor).max(axis=2)


def make_spectrum_model(
    *, measured=True, factor=5, random_state=None, n_jobs=None, n_estimators=300
):
    """The whole pattern, max-pooled to 0.1 degree bins -> ExtraTrees.

    Parameters
    ----------
    measured : bool, default=True
        Put the measured-data front end (:func:`make_frontend`) first;
        ``False`` gives max-normalisation only.
    factor : int, default=5
        Bins pooled together (5 turns 4251 points into 851).
    random_state : int, RandomState instance or None, default=None
        Seed of the forest.
    n_jobs : int, default=None
        Parallel jobs of the forest.
    n_estimators : int, default=300
        Trees in the forest.

    Returns
    -------
    model : Pipeline
        Steps ``frontend``, ``features`` and ``classifier``.

    Examples
    --------
    >>> make_spectrum_model(factor=2).named_steps["features"].kw_args
    {'factor': 2}
    """
    _check(random_state, n_jobs, n_estimators)
    if not isinstance(factor, Integral) or factor < 1:
        raise ValueError(f"factor must be a positive int, got {factor!r}")
    features = FunctionTransformer(downsample, kw_args={"factor": factor})
    return _pipeline(
        features, measured, "extra_trees", random_state, n_jobs, n_estimators
    )


def make_qspace_model(
    *, measured=True, random_state=None, n_jobs=None, n_estimators=300
):
    """The 20 lowest-angle peaks as Q = 1/d^2, ratios and intensities -> ExtraTrees.

    Parameters
    ----------
    measured : bool, default=True
        Put the measured-data front end (:func:`make_frontend`) first.
    random_state : int, RandomState instance or None, default=None
        Seed of the forest.
    n_jobs : int, default=None
        Parallel jobs of the forest.
    n_estimators : int, default=300
        Trees in the forest.

    Returns
    -------
    model : Pipeline
        Steps ``frontend``, ``features`` (:class:`QSpacePeaks`) and
        ``classifier``.

    Examples
    --------
    >>> make_qspace_model().named_steps["features"]
    QSpacePeaks()
    """
    _check(random_state, n_jobs, n_estimators)
    return _pipeline(
        QSpacePeaks(n_peaks=20),
        measured,
        "extra_trees",
        random_state,
        n_jobs,
        n_estimators,
    )


def make_indexing_model(
    *, measured=True, random_state=None, n_jobs=None, n_estimators=300
):
    """Indexing figures of merit and fitted cells of each lattice system -> ExtraTrees.

    :class:`IndexingFeatures` with ``contrasts=True``: the comparisons across
    systems (log ratios of the figures of merit, axis ratios near those of a
    higher symmetry) come with the per-system columns.

    Parameters
    ----------
    measured : bool, default=True
        Put the measured-data front end (:func:`make_frontend`) first and
        index with :data:`MEASURED_INDEXING` (K-alpha2 partners dropped,
        peaks of at least 3 % of the maximum, 0.05 degree tolerance).
    random_state : int, RandomState instance or None, default=None
        Seed of the forest.
    n_jobs : int, default=None
        Parallel jobs of the indexing search and of the forest.
    n_estimators : int, default=300
        Trees in the forest.

    Returns
    -------
    model : Pipeline
        Steps ``frontend``, ``features`` (:class:`IndexingFeatures`) and
        ``classifier``; :func:`predict_cell` reads the fitted cells from it.

    Examples
    --------
    >>> make_indexing_model(n_jobs=2).named_steps["features"].n_jobs
    2
    """
    _check(random_state, n_jobs, n_estimators)
    return _pipeline(
        _indexing(measured, n_jobs),
        measured,
        "extra_trees",
        random_state,
        n_jobs,
        n_estimators,
    )


def make_physics_model(
    *,
    measured=True,
    peaks=True,
    classifier="extra_trees",
    random_state=None,
    n_jobs=None,
    n_estimators=300,
):
    """Physics features side by side: Q-space peaks, indexing, strongest peaks.

    A :class:`~sklearn.pipeline.FeatureUnion` of :class:`QSpacePeaks` (where
    the lines are), :class:`IndexingFeatures` (which metric explains them,
    with the fitted cells and the comparisons across systems) and, with
    ``peaks=True``, :class:`PeakExtractor` (the strongest peaks, which carry
    the intensity pattern that tells trigonal from hexagonal), then one
    classifier.

    Parameters
    ----------
    measured : bool, default=True
        Put the measured-data front end (:func:`make_frontend`) first and
        index with :data:`MEASURED_INDEXING`.
    peaks : bool, default=True
        Add the 20 strongest peaks (:class:`PeakExtractor`) to the union.
    classifier : {"extra_trees", "hist_gradient_boosting"}, default="extra_trees"
        The final estimator.
    random_state : int, RandomState instance or None, default=None
        Seed of the classifier.
    n_jobs : int, default=None
        Parallel jobs of the indexing search and of the forest.
    n_estimators : int, default=300
        Trees of the forest, or boosting iterations.

    Returns
    -------
    model : Pipeline
        Steps ``frontend``, ``features`` (a FeatureUnion with ``qspace``,
        ``indexing`` and optionally ``peaks``) and ``classifier``.

    Examples
    --------
    >>> model = make_physics_model(random_state=0)
    >>> [name for name, _ in model.named_steps["features"].transformer_list]
    ['qspace', 'indexing', 'peaks']
    """
    _check(random_state, n_jobs, n_estimators, classifier)
    blocks = [
        ("qspace", QSpacePeaks(n_peaks=20)),
        ("indexing", _indexing(measured, n_jobs)),
    ]
    if peaks:
        blocks.append(("peaks", PeakExtractor(n_peaks=20)))
    return _pipeline(
        FeatureUnion(blocks), measured, classifier, random_state, n_jobs, n_estimators
    )


def make_space_group_model(*, random_state=None, n_jobs=None, max_iter=100):
    """Space group from a measured-looking pattern: physics features -> hierarchy.

    The features of :func:`make_physics_model` (measured-data front end,
    Q-space peaks, indexing, strongest peaks), with the indexing step
    replaced by :class:`~sklearn_xrd.preprocessing.ExtinctionFeatures` (the
    same search, plus the lattice centrings, glide planes and screw axes the
    fitted cells' lines allow), then a
    :class:`HierarchicalSpaceGroupClassifier` of gradient-boosting models:
    crystal system, then the group within it.

    Parameters
    ----------
    random_state : int or None, default=None
        Seed of the gradient-boosting models.
    n_jobs : int, default=None
        Parallel jobs of the indexing search.
    max_iter : int, default=100
        Boosting iterations of each classifier.

    Returns
    -------
    model : Pipeline
        Steps ``frontend``, ``features`` and ``classifier``; fit it with
        space-group numbers as ``y``.

    Examples
    --------
    >>> model = make_space_group_model(random_state=0)
    >>> type(model.named_steps["features"].transformer_list[1][1]).__name__
    'ExtinctionFeatures'
    """
    _check(random_state, n_jobs, max_iter)
    blocks = [
        ("qspace", QSpacePeaks(n_peaks=20)),
        (
            "indexing",
            ExtinctionFeatures(contrasts=True, n_jobs=n_jobs, **MEASURED_INDEXING),
        ),
        ("peaks", PeakExtractor(n_peaks=20)),
    ]
    classifier = HierarchicalSpaceGroupClassifier(
        HistGradientBoostingClassifier(
            max_iter=max_iter,
            max_leaf_nodes=15,
            class_weight="balanced",
            random_state=random_state,
        )
    )
    return Pipeline(
        [
            ("frontend", make_frontend(True)),
            ("features", FeatureUnion(blocks)),
            ("classifier", classifier),
        ]
    )


def make_model(name="physics", **kwargs):
    """One of the model factories by name (for the command line).

    Parameters
    ----------
    name : {"peaks", "spectrum", "qspace", "indexing", "physics"}, \
default="physics"
        Which factory: :func:`make_peak_model`, :func:`make_spectrum_model`,
        :func:`make_qspace_model`, :func:`make_indexing_model` or
        :func:`make_physics_model`.
    **kwargs
        Passed to the factory.

    Returns
    -------
    model : Pipeline

    Examples
    --------
    >>> make_model("qspace", random_state=0).named_steps["classifier"].random_state
    0
    """
    factories = {
        "peaks": make_peak_model,
        "spectrum": make_spectrum_model,
        "qspace": make_qspace_model,
        "indexing": make_indexing_model,
        "physics": make_physics_model,
    }
    if name not in factories:
        raise ValueError(f"name must be one of {MODELS}, got {name!r}")
    return factories[name](**kwargs)
