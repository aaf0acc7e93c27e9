"""The study harness: the protocol, the model zoo, the benchmark and the demo.

How the package's models are judged, kept apart from the library itself (the
shipped model in :mod:`sklearn_xrd.pretrained` imports nothing from here):
train on synthetic crystals
(:func:`~sklearn_xrd.datasets.synthetic_training_set`), test on real
structures and measured patterns never seen in training
(:func:`real_test_sets`), and report the scores of
:func:`~sklearn_xrd.evaluation.classification_summary`. ``sklearn-xrd demo``
runs :func:`run_demo`, ``sklearn-xrd benchmark`` runs :func:`run_benchmark`,
and the scripts of ``benchmarks/`` build on the same names.
"""

from ._benchmark import SIZES, run_benchmark
from ._demo import demo_model, run_demo
from ._protocol import SCORES, TEST_SETS, real_test_sets, simulated_test_patterns
from ._zoo import (
    BENCHMARK_MODELS,
    LOSSES,
    MODEL_NAMES,
    N_PEAKS,
    OPTIONAL_MODELS,
    POOL,
    REPRESENTATIONS,
    average_pool,
    build_peak_pipeline,
    make_benchmark_model,
)

__all__ = [
    "BENCHMARK_MODELS",
    "LOSSES",
    "MODEL_NAMES",
    "N_PEAKS",
    "OPTIONAL_MODELS",
    "POOL",
    "REPRESENTATIONS",
    "SCORES",
    "SIZES",
    "TEST_SETS",
    "average_pool",
    "build_peak_pipeline",
    "demo_model",
    "make_benchmark_model",
    "real_test_sets",
    "run_benchmark",
    "run_demo",
    "simulated_test_patterns",
]
