"""Calibrate the shipped models' conformal prediction sets on measured patterns.

``sklearn-xrd predict --coverage 0.9`` returns, per file, the smallest set of
crystal systems (and, with ``--space-group``, of space groups) that holds the
truth with probability 0.9. What makes that a guarantee is a calibration set
of labelled patterns exchangeable with the user's: this script computes, on
../shared/data's 299 measured RRUFF patterns (rruff_dev; their crystal
systems and space-group numbers), the non-conformity ``1 - p(true)`` of the
shipped models' probabilities and writes the scores and labels into
``crystal-system.json`` and ``space-group.json`` (key ``conformal``), naming
the source. The models themselves are unchanged (their checksums stay
valid). Figures for sets on rruff_dev must then come from folds that did not
calibrate them: ``benchmarks/bench_space_group.py`` prints such figures.

Run::

    python scripts/calibrate_sets.py --on rruff_dev
"""

import argparse
import shlex
import sys
import warnings

import numpy as np

from sklearn_xrd.datasets import get_shared_data_dir, load_rruff
from sklearn_xrd.evaluation import hinge_scores
from sklearn_xrd.pretrained import load
from sklearn_xrd.pretrained._artifact import update_metadata
from sklearn_xrd.simulation import resampling_params


def main(argv=None):
    """Write the conformal calibration; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--on", choices=["rruff_dev"], required=True)
    parser.parse_args(argv)  # rruff_dev is the only calibration set so far
    command = "python " + shlex.join(sys.argv)
    print("$ " + command, flush=True)
    shared = get_shared_data_dir()
    if shared is None:
        raise SystemExit("--on rruff_dev needs ../shared/data (or SKLEARN_XRD_DATA)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        rruff = load_rruff(shared / "experimental" / "rruff_dev", **resampling_params())
    model = load("crystal-system")
    proba = model.predict_proba(rruff.data)
    classes = np.asarray(model.classes_).astype(str)
    source = f"rruff_dev ({len(rruff.target)} measured RRUFF patterns, ../shared/data)"
    scores = hinge_scores(proba, classes, np.asarray(rruff.target).astype(str))
    update_metadata(
        "crystal-system",
        {
            "conformal": {
                "source": source,
                "nonconformity": "1 - probability of the true crystal system",
                "bins": "class-conditional (each crystal system its own bin)",
                "scores": [round(float(v), 6) for v in scores],
                "labels": [str(v) for v in rruff.target],
                "command": command,
            }
        },
    )
    print(f"crystal-system: {len(scores)} scores, median {np.median(scores):.3f}")

    sg_model = load("space-group")
    head = sg_model[-1]
    joint = head.predict_proba_given_system(
        sg_model[:-1].transform(rruff.data), proba, systems=classes
    )
    sg_scores = hinge_scores(joint, head.classes_, rruff.space_group)
    update_metadata(
        "space-group",
        {
            "conformal": {
                "source": source,
                "nonconformity": (
                    "1 - probability of the true space group (crystal-system "
                    "model x space-group model)"
                ),
                "bins": "the crystal system of the space group (Mondrian)",
                "scores": [round(float(v), 6) for v in sg_scores],
                "labels": [int(v) for v in rruff.space_group],
                "command": command,
            }
        },
    )
    unseen = np.mean(~np.isin(rruff.space_group, head.classes_))
    print(
        f"space-group: {len(sg_scores)} scores, median {np.median(sg_scores):.3f}; "
        f"{unseen:.1%} of the patterns' groups were never seen in training"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
