"""The benchmark's figures: the best network and the selected ExtraTrees.

Confusion matrices, certainty histograms, coverage and reliability curves,
training curves, t-SNE of learned features and feature importances, drawn
with the displays of :mod:`sklearn_xrd.evaluation` and saved as PNG files
beside the report.
"""

import numpy as np


def row_slug(row):
    parts = [row["model"], row["representation"]] + (
        [row["loss"]] if row["loss"] else []
    )
    return "_".join(parts)


def row_title(row):
    return f"{row['name']} ({row['representation']}" + (
        f", {row['loss']})" if row["loss"] else ")"
    )


def save_figures(folder, rows, fitted, data, set_name, random_state):
    """PNG figures for the best network and the selected ExtraTrees."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..evaluation import (
        CertaintyCoverageDisplay,
        CertaintyHistogramDisplay,
        FeatureEmbeddingDisplay,
        FeatureImportanceDisplay,
        ReliabilityDisplay,
        TrainingCurveDisplay,
        plot_confusion_matrix_percent,
    )
    from ..evaluation._layout import set_wrapped_title

    def pick(predicate):
        idx = [i for i, r in enumerate(rows) if predicate(r)]
        return max(idx, key=lambda i: rows[i]["selection_score"]) if idx else None

    chosen = [
        i
        for i in (
            pick(lambda r: r["model"] not in ("extra_trees", "physics")),
            pick(lambda r: r["model"] == "extra_trees"),
        )
        if i is not None
    ]
    figures = []

    def save(fig, name, caption):
        fig.savefig(folder / name, dpi=100)
        plt.close(fig)
        figures.append((name, caption))

    y = np.asarray(data.target)
    for i in chosen:
        row, (pipe, probas) = rows[i], fitted[i]
        proba = probas[set_name]
        y_pred = pipe.classes_[proba.argmax(axis=1)]
        labels = sorted(set(y) | set(y_pred))
        fig, ax = plt.subplots(figsize=(6.5, 5.5), layout="constrained")
        plot_confusion_matrix_percent(
            y, y_pred, labels=labels, xticks_rotation=45, ax=ax, colorbar=False
        )
        set_wrapped_title(ax, f"{row_title(row)} on {set_name} (% of true class)")
        save(
            fig,
            f"confusion_{row_slug(row)}.png",
            f"Confusion matrix (percent), {row_title(row)}, {set_name}",
        )
        fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
        CertaintyHistogramDisplay.from_predictions(
            y, proba, classes=pipe.classes_, name=row_title(row), ax=ax
        )
        save(
            fig,
            f"certainty_{row_slug(row)}.png",
            f"Certainty histogram, {row_title(row)}, {set_name}",
        )

    fig_cov, ax_cov = plt.subplots(figsize=(6, 4), layout="constrained")
    fig_rel, ax_rel = plt.subplots(figsize=(5, 5), layout="constrained")
    for i in chosen:
        row, (pipe, probas) = rows[i], fitted[i]
        CertaintyCoverageDisplay.from_predictions(
            y, probas[set_name], classes=pipe.classes_, name=row_title(row), ax=ax_cov
        )
        ReliabilityDisplay.from_predictions(
            y,
            probas[set_name],
            classes=pipe.classes_,
            name=row_title(row),
            ax=ax_rel,
            ref_line=i == chosen[0],
        )
    save(fig_cov, "coverage.png", f"Accuracy against coverage, {set_name}")
    save(fig_rel, "reliability.png", f"Reliability diagram, {set_name}")

    for i in chosen:
        row, (pipe, _) = rows[i], fitted[i]
        if not hasattr(pipe[-1], "history_"):
            fig, ax = plt.subplots(figsize=(6, 5), layout="constrained")
            FeatureImportanceDisplay.from_estimator(pipe, name=row_title(row), ax=ax)
            save(
                fig,
                "feature_importances.png",
                f"ExtraTrees feature importances, {row_title(row)}",
            )
            continue
        fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
        TrainingCurveDisplay.from_estimator(pipe[-1], name=row_title(row), ax=ax)
        save(fig, "training_curve.png", f"Training curves, {row_title(row)}")
        if len(y) >= 5:
            fig, ax = plt.subplots(figsize=(6, 5), layout="constrained")
            FeatureEmbeddingDisplay.from_estimator(
                pipe,
                data.data,
                y,
                random_state=random_state,
                name=row_title(row),
                ax=ax,
            )
            save(
                fig,
                "tsne.png",
                f"t-SNE of the learned features, {row_title(row)}, {set_name}",
            )
    return figures
