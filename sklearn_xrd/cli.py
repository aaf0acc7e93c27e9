"""The ``sklearn-xrd`` command line."""

import argparse
import sys


def _defaults(function):
    """Keyword defaults of ``function`` (one source of truth)."""
    import inspect

    params = inspect.signature(function).parameters
    return {k: p.default for k, p in params.items()}


def _verbose(args):
    """Progress bars: on a terminal, unless ``--quiet``.

    The bars go to stderr; a log or a pipe gets the report lines only.
    """
    return int(not args.quiet and sys.stderr.isatty())


def _demo(args):
    from .study import run_demo

    run_demo(
        args.output,
        n_per_class=args.n_per_class,
        n_variants=args.n_variants,
        test_sets=tuple(args.test_sets.split(",")),
        random_state=args.random_state,
        n_jobs=args.n_jobs,
        verbose=_verbose(args),
    )
    return 0


def _wavelength(text):
    """``--wavelength``: a tube line such as CuKa, or angstrom."""
    from .simulation import resolve_wavelength

    try:
        value = float(text)
    except ValueError:
        value = text
    try:
        resolve_wavelength(value)
    except (TypeError, ValueError, KeyError):
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither a tube line (e.g. CuKa, MoKa) nor a positive "
            "number of angstrom"
        ) from None
    return value


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _prior(text):
    """``--prior``: ``batch``, or ``class=frequency`` pairs separated by commas."""
    if text == "batch":
        return text
    prior = {}
    for item in text.split(","):
        name, sep, value = item.partition("=")
        try:
            prior[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not name.strip():
            raise argparse.ArgumentTypeError(
                f"{text!r}: expected 'batch' or class=frequency pairs such as "
                "monoclinic=0.3,orthorhombic=0.2"
            ) from None
    return prior


def _coverage(text):
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: a probability in (0, 1), e.g. 0.9")
    return value


def _predict_table(results):
    """Plain-text table of ``predict_files`` results (one row per file)."""
    groups = any("space_groups" in r for r in results)
    sets = any("prediction_set" in r for r in results)
    head = ["file", "prediction", "certainty", "top-k"]
    head += ["space groups"] * groups + ["prediction set"] * sets
    rows = []
    for r in results:
        if "error" in r:
            rows.append([r["file"], "ERROR", "", r["error"]])
            continue
        flag = " (low)" if r["low_certainty"] else ""
        top = ", ".join(f"{c} {p:.2f}" for c, p in r["top_k"])
        row = [r["file"], r["prediction"], f"{r['certainty']:.2f}{flag}", top]
        if groups:
            row.append(
                ", ".join(
                    f"{g['number']} {g['symbol']} {g['probability']:.2f}"
                    for g in r["space_groups"]
                )
            )
        if sets:
            chosen = r["prediction_set"]
            text = "{" + ", ".join(chosen["crystal_systems"]) + "}"
            if "space_groups" in chosen:
                numbers = chosen["space_groups"]
                shown = ", ".join(str(n) for n in numbers[:8])
                more = f", ... {len(numbers)} groups" if len(numbers) > 8 else ""
                text += " {" + shown + more + "}"
            row.append(text)
        rows.append(row)
    n = len(head)
    rows = [row + [""] * (n - len(row)) for row in rows]
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(n - 1)]
    lines = []
    for row in [head, *rows]:
        cells = [cell.ljust(w) for cell, w in zip(row[:-1], widths)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)


def _predict(args):
    import json

    from .pretrained import load_metadata, predict_files

    try:
        metadata = load_metadata()
    except (ValueError, FileNotFoundError) as exc:
        print(f"sklearn-xrd predict: error: {exc}", file=sys.stderr)
        return 1
    if isinstance(args.prior, dict):
        # checked before any file is read: a bad argument, exit status 2
        from .pretrained._predict import _check_prior

        try:
            _check_prior(args.prior, [str(c) for c in metadata["classes"]])
        except ValueError as exc:
            print(
                f"sklearn-xrd predict: error: argument --prior: {exc}", file=sys.stderr
            )
            return 2
    try:
        results, prior = predict_files(
            args.files,
            wavelength=args.wavelength,
            top_k=args.top_k,
            low_certainty_threshold=metadata["low_certainty_threshold"],
            cell=args.cell,
            errors="report" if args.keep_going else "raise",
            prior=args.prior,
            return_prior=True,
            space_group=args.space_group,
            coverage=args.coverage,
        )
    except (ValueError, FileNotFoundError) as exc:
        print(f"sklearn-xrd predict: error: {exc}", file=sys.stderr)
        return 1
    failed = [r for r in results if "error" in r]
    for r in failed:
        print(f"sklearn-xrd predict: error: {r['error']}", file=sys.stderr)
    if prior is not None:
        source = "estimated from these files" if args.prior == "batch" else "given"
        text = ", ".join(f"{c} {p:.2f}" for c, p in prior.items())
        # stdout stays one JSON list with --json
        print(
            f"class frequencies ({source}): {text}",
            file=sys.stderr if args.json else sys.stdout,
        )
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(_predict_table(results))
        print(
            f"(low) = certainty below {metadata['low_certainty_threshold']:.2f} "
            "(the pretrained model's low-certainty threshold), a partial scan or "
            "few peaks; --json gives the reasons"
        )
    return 1 if failed else 0


def _names(text):
    """Comma-separated names -> list, ``None`` for all."""
    return None if text is None else [v.strip() for v in text.split(",") if v.strip()]


def _benchmark(args):
    from .study import run_benchmark

    size = "tiny" if args.tiny else "quick" if args.quick else "default"
    options = {
        "--output": args.output,
        "--models": args.models,
        "--representations": args.representations,
        "--losses": args.losses,
        "--n-per-class": args.n_per_class,
        "--max-epochs": args.max_epochs,
        "--random-state": args.random_state,
        "--n-jobs": args.n_jobs,
        "--memory": args.memory,
        "--threads": args.threads,
    }
    command = " ".join(
        ["sklearn-xrd benchmark"]
        + ([f"--{size}"] if size != "default" else [])
        + [f"{k} {v}" for k, v in options.items() if v is not None]
    )
    run_benchmark(
        args.output,
        size=size,
        models=_names(args.models),
        representations=_names(args.representations),
        losses=_names(args.losses),
        n_per_class=args.n_per_class,
        max_epochs=args.max_epochs,
        random_state=args.random_state,
        n_jobs=args.n_jobs,
        memory=args.memory,
        threads=args.threads or None,
        command=command,
        verbose=_verbose(args),
        out=lambda line: print(line, flush=True),
    )
    return 0


def _add_quiet(parser):
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bars (they are shown on a terminal only, on stderr)",
    )


def build_parser():
    """The argument parser of ``sklearn-xrd``."""
    from . import __version__
    from .study import run_demo

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
    demo_defaults = _defaults(run_demo)
    demo.add_argument("--n-per-class", type=int, default=demo_defaults["n_per_class"])
    demo.add_argument("--n-variants", type=int, default=demo_defaults["n_variants"])
    demo.add_argument(
        "--test-sets",
        default="prototypes,mp20_dev,rruff_dev",
        help="comma-separated; mp20_dev and rruff_dev need the shared data",
    )
    demo.add_argument("--random-state", type=int, default=0)
    demo.add_argument("--n-jobs", type=int, default=None)
    _add_quiet(demo)
    demo.set_defaults(func=_demo)

    predict = sub.add_parser(
        "predict",
        help="crystal system of measured pattern files (pretrained model)",
        description=(
            "Predict the crystal system of each pattern file with the pretrained "
            "model (sklearn_xrd.pretrained). Exit status: 0 when every file was "
            "predicted, 1 when any file failed (also with --keep-going), 2 for "
            "bad arguments."
        ),
    )
    predict.add_argument("files", nargs="+", metavar="FILE", help="pattern files")
    predict.add_argument(
        "--json",
        action="store_true",
        help="print one JSON list with an object per file instead of a table",
    )
    predict.add_argument(
        "--wavelength",
        type=_wavelength,
        default=None,
        help=(
            "wavelength of every file, tube line (CuKa) or angstrom; it overrides "
            "what a file states. Default: the file's header, else its TOPAS "
            "file (same stem, or whose xdd line names it)"
        ),
    )
    predict.add_argument(
        "--top-k", type=_positive_int, default=3, help="classes listed per file"
    )
    predict.add_argument(
        "--cell",
        action="store_true",
        help="also fit the cell of the predicted crystal system (indexing search)",
    )
    predict.add_argument(
        "--space-group",
        action="store_true",
        help=(
            "also list the top-k space groups (number, Hermann-Mauguin symbol, "
            "probability) from the space-group model"
        ),
    )
    predict.add_argument(
        "--coverage",
        type=_coverage,
        default=None,
        metavar="P",
        help=(
            "also give the smallest set of crystal systems (and space groups "
            "with --space-group) that holds the truth with probability P "
            "(split-conformal, calibrated on measured RRUFF patterns)"
        ),
    )
    predict.add_argument(
        "--prior",
        type=_prior,
        default=None,
        help=(
            "class frequencies of the collection: 'batch' estimates them from "
            "the files given (EM; 30 files or more, better hundreds), or "
            "class=frequency pairs (monoclinic=0.3,...; classes left out are "
            "ruled out); default: the model's equal frequencies"
        ),
    )
    predict.add_argument(
        "--keep-going",
        action="store_true",
        help=(
            "report each file that fails (reading, checks, prediction) as an "
            "error entry and go on; exit status 1 says some failed"
        ),
    )
    predict.set_defaults(func=_predict)

    bench = sub.add_parser(
        "benchmark",
        help="compare the study's models: synthetic training, real test sets",
        description=(
            "Train Dense, CNN+Dense, ExtraTrees, CNN-LSTM, small CNN-LSTM, BiLSTM "
            "and Transformer models on augmented synthetic crystals, on full "
            "spectra (average-pooled by 4) and on peak lists, with cross-entropy "
            "and focal loss for the networks; choose settings on mp20_dev; test "
            "on the prototypes, mp20_dev and rruff_dev. Writes report.md and PNG "
            "figures to --output. The default size takes under an hour on 2 CPU "
            "cores, --quick a few minutes."
        ),
    )
    bench.add_argument(
        "--output", default="benchmark_output", help="folder for report.md and PNGs"
    )
    bench.add_argument(
        "--quick", action="store_true", help="small training set, few epochs"
    )
    bench.add_argument("--tiny", action="store_true", help=argparse.SUPPRESS)
    bench.add_argument(
        "--models",
        default=None,
        help="comma-separated subset of dense,cnn,extra_trees,cnn_lstm,"
        "small_cnn_lstm,bilstm,transformer; also physics (not run by default)",
    )
    bench.add_argument(
        "--representations", default=None, help="comma-separated: spectrum,peaks"
    )
    bench.add_argument(
        "--losses", default=None, help="comma-separated: cross_entropy,focal"
    )
    bench.add_argument(
        "--n-per-class",
        type=_positive_int,
        default=None,
        help="synthetic crystals per crystal system",
    )
    bench.add_argument("--max-epochs", type=_positive_int, default=None)
    bench.add_argument("--random-state", type=int, default=0)
    bench.add_argument("--n-jobs", type=int, default=None)
    bench.add_argument(
        "--memory", default=None, help="joblib cache folder for training patterns"
    )
    bench.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads of torch, BLAS and OpenMP during the run (0 leaves the "
        "libraries' settings; default 1, fastest on small shared machines)",
    )
    _add_quiet(bench)
    bench.set_defaults(func=_benchmark)
    return parser


def main(argv=None):
    """Entry point; returns the exit status."""
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
