"""The ``sklearn-xrd`` command line."""

import argparse
import sys


def _demo(args):
    from ._demo import run_demo

    run_demo(
        args.output,
        n_per_class=args.n_per_class,
        n_variants=args.n_variants,
        test_sets=tuple(args.test_sets.split(",")),
        random_state=args.random_state,
        n_jobs=args.n_jobs,
    )
    return 0


def build_parser():
    """The argument parser of ``sklearn-xrd``."""
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="sklearn-xrd",
        description="Crystal systems from powder X-ray diffraction patterns.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser(
        "demo",
        help="train on synthetic crystals, test on real structures and patterns",
    )
    demo.add_argument("--output", default="demo_output", help="folder for the outputs")
    demo.add_argument("--n-per-class", type=int, default=60)
    demo.add_argument("--n-variants", type=int, default=3)
    demo.add_argument(
        "--test-sets",
        default="prototypes,mp20_dev,rruff_dev",
        help="comma-separated; mp20_dev and rruff_dev need the shared data",
    )
    demo.add_argument("--random-state", type=int, default=0)
    demo.add_argument("--n-jobs", type=int, default=None)
    demo.set_defaults(func=_demo)
    return parser


def main(argv=None):
    """Entry point; returns the exit status."""
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
