"""How fast the shipped model answers: patterns per second and start-up time.

Two figures, both measured in this run on this machine:

1. Throughput: :func:`sklearn_xrd.pretrained.predict_files` on every
   pattern of ``../shared/data/experimental/rruff_dev`` in one batch (model
   loaded beforehand), without and with ``cell=True``. The fitted cell comes
   from the prediction's own indexing search
   (:func:`sklearn_xrd.models.predict_with_cells`); the reference it is
   compared with is the old way, predicting and then searching again
   (:func:`sklearn_xrd.models.predict_cell` with the predicted systems).
   Where the time goes is printed per step (reading and resampling, the
   front end, each feature block, the classifier).
2. Start-up: wall time of one ``sklearn-xrd predict FILE`` in a fresh
   process, against ``python -c pass`` (the interpreter alone) as the
   reference; median of ``--repeat`` runs.

The issue that asked for this script aims at >= 200 patterns/s and < 2 s of
start-up on 2 cores.

Run::

    python benchmarks/bench_predict.py [--repeat 3]
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from _common import command_line, shared_data_or_none

from sklearn_xrd.datasets import load_rruff
from sklearn_xrd.models import predict_cell, predict_with_cells
from sklearn_xrd.pretrained import load, predict_files
from sklearn_xrd.simulation import resampling_params


def _wall(command, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _steps(model, folder):
    """Seconds per step of one batch: reading, front end, features, classifier."""
    t = time.perf_counter()
    X = load_rruff(folder, **resampling_params()).data
    times = {"read and resample": time.perf_counter() - t}
    Xt = X
    for name, step in model.steps[:-1]:
        transformers = getattr(step, "transformer_list", None)
        if transformers is None:
            t = time.perf_counter()
            Xt = step.transform(Xt)
            times[name] = time.perf_counter() - t
            continue
        blocks = []
        for sub, transformer in transformers:
            t = time.perf_counter()
            blocks.append(transformer.transform(Xt))
            times[f"{name}: {sub}"] = time.perf_counter() - t
        Xt = np.hstack(blocks)
    t = time.perf_counter()
    model[-1].predict_proba(Xt)
    times["classifier"] = time.perf_counter() - t
    return X, times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    shared = shared_data_or_none()
    if shared is None:
        return 0
    folder = Path(shared) / "experimental" / "rruff_dev"
    paths = sorted(folder.glob("*.xy"))
    model = load()
    n = len(paths)
    print(f"{n} rruff_dev patterns, one batch, model loaded beforehand")

    t = time.perf_counter()
    predict_files(paths, model=model, errors="report")
    plain = time.perf_counter() - t
    t = time.perf_counter()
    results = predict_files(paths, model=model, errors="report", cell=True)
    with_cell = time.perf_counter() - t
    print(f"predict_files:             {n / plain:7.1f} patterns/s ({plain:.1f} s)")
    print(
        f"predict_files, cell=True:  {n / with_cell:7.1f} patterns/s "
        f"({with_cell:.1f} s)"
    )

    X, times = _steps(model, folder)
    t = time.perf_counter()
    proba, cells = predict_with_cells(model, X)
    shared_pass = time.perf_counter() - t
    systems = np.asarray(model.classes_)[proba.argmax(axis=1)]
    t = time.perf_counter()
    model.predict_proba(X)
    again = predict_cell(model, X, crystal_systems=systems)
    two_passes = time.perf_counter() - t
    same = all(  # as predict_files writes them (JSON: NaN stays NaN)
        json.dumps(c[s], sort_keys=True) == json.dumps(a, sort_keys=True)
        for c, s, a in zip(cells, systems, again, strict=True)
    )
    print(
        f"cells from the prediction's search: {shared_pass:.1f} s; predicting then "
        f"searching again: {two_passes:.1f} s; ratio {two_passes / shared_pass:.2f}x "
        f"(same cells: {same})"
    )
    total = sum(times.values())
    print("where one batch's time goes:")
    for name, seconds in times.items():
        print(f"  {name:<28} {seconds:6.2f} s  {100 * seconds / total:5.1f} %")
    n_failed = sum("error" in r for r in results)
    print(f"files that failed: {n_failed}")

    cli = shutil.which("sklearn-xrd") or str(
        Path(sys.executable).with_name("sklearn-xrd")
    )
    one = [cli, "predict", str(paths[0])]
    reference = _wall([sys.executable, "-c", "pass"], args.repeat)
    startup = _wall(one, args.repeat)
    print(
        f"start-up, one `sklearn-xrd predict FILE`: {startup:.2f} s (median of "
        f"{args.repeat}); interpreter alone {reference:.2f} s; "
        f"ratio {startup / reference:.0f}x"
    )
    print(command_line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
