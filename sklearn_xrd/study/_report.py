"""The benchmark's report: protocol, versions and the table of results, in Markdown."""

import platform

import numpy as np

from ._zoo import N_PEAKS, POOL


def _versions():
    import joblib
    import sklearn
    import skorch
    import torch

    from .. import __version__

    return {
        "sklearn_xrd": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "torch": torch.__version__,
        "skorch": skorch.__version__,
        "joblib": joblib.__version__,
        "platform": platform.platform(),
    }


def _fmt_int(value):
    return f"{int(value):,}".replace(",", " ")


def report_markdown(
    *,
    rows,
    figures,
    train,
    n_train,
    sets,
    skipped,
    selection_name,
    selection_size,
    figure_set,
    settings,
    size,
    random_state,
    command,
    started,
    seconds,
    eval_names,
):
    short = {"accuracy": "acc", "balanced_accuracy": "bal", "macro_f1": "F1"}
    lines = [
        "# sklearn-xrd benchmark",
        "",
        f"- Command: `{command}`",
        f"- Date: {started.strftime('%Y-%m-%d %H:%M:%S UTC')}; "
        f"wall time {seconds:.0f} s",
        "- Versions: " + ", ".join(f"{k} {v}" for k, v in _versions().items()),
        f"- Size preset: `{size}` ({', '.join(f'{k}={v}' for k, v in settings.items())}"
        f"), random_state={random_state}",
        "",
        "## Protocol",
        "",
        f"- Training: {n_train} synthetic patterns of "
        f"{len(train.structures)} random pyxtal crystals "
        f"({settings['n_per_class']} per crystal system, {train.n_failures} "
        f"generation failures), each the clean pattern plus "
        f"{settings['n_variants']} augmented copies (PatternAugmenter defaults); "
        "Cu K-alpha, 5-90 deg, step 0.02 deg (4251 points).",
        f"- Representations: **spectrum** = pattern scaled to maximum 1, "
        f"average-pooled by {POOL} (4251 -> 1063 points of 0.08 deg); "
        f"**peaks** = positions and relative intensities of the {N_PEAKS} "
        "strongest peaks (PeakExtractor, 40 features; standardised for networks).",
        f"- Networks: Adam, lr 1e-3, batch 64, {settings['max_epochs']} epochs, "
        "10 % of the training rows held out for the training curves only, "
        "cross-entropy and focal loss (gamma 2); BiLSTM and Transformer read "
        "patches of 32 points (spectrum) or 4 values (peaks). ExtraTrees: "
        f"{settings['n_trees']} trees, balanced class weights.",
        f"- Selection: per model, the configuration with the best macro-F1 on "
        f"**{selection_name}** ({selection_size} patterns) is marked *; its "
        f"{selection_name} scores are therefore optimistic. The figures show the "
        "best network and the selected ExtraTrees.",
        "- Test: "
        + ", ".join(
            f"{name} ({len(b.target)} {b.kind} patterns)" for name, b in sets.items()
        )
        + ". The prototypes (pymatgen's AFLOW library) and rruff_dev (measured "
        "RRUFF patterns) play no part in training or selection.",
        "- Skipped: "
        + (
            "; ".join(f"{name} ({why})" for name, why in skipped)
            if skipped
            else "nothing"
        )
        + ".",
        "- Size: networks: weights and bytes of float32 weights and buffers; "
        "ExtraTrees: tree nodes and pickled bytes. Fit seconds include the "
        "preprocessing; throughput is patterns per second of `predict_proba` "
        "over all the test sets, preprocessing included.",
        "",
        "## Results",
        "",
    ]
    header = ["model", "input", "loss", "sel"]
    for name in eval_names:
        header += [f"{name} {s}" for s in short.values()]
    header += ["params", "bytes", "fit s", "patterns/s"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append(
        "|" + "|".join(["---"] * 3 + [":-:"] + ["--:"] * (len(header) - 4)) + "|"
    )
    for row in rows:
        cells = [
            row["name"],
            row["representation"],
            row["loss"] or "-",
            "*" if row.get("selected") else "",
        ]
        for name in eval_names:
            cells += [f"{row[f'{name}:{m}']:.3f}" for m in short]
        cells += [
            _fmt_int(row["parameters"]),
            _fmt_int(row["bytes"]),
            f"{row['fit_seconds']:.1f}",
            f"{row['throughput']:.0f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "acc = accuracy, bal = balanced accuracy, F1 = macro-F1 over the classes "
        "present in each set; sel = selected on " + selection_name + ".",
        "",
        f"## Figures ({figure_set})",
        "",
    ]
    for name, caption in figures:
        lines.append(f"- [{caption}]({name})")
    lines.append("")
    return "\n".join(lines)
