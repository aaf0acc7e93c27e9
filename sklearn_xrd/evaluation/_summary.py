"""One dictionary of classification scores, behind every figure we print."""

import warnings

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    classification_report,
    f1_score,
    log_loss,
)
from sklearn.utils import check_consistent_length, column_or_1d

from ._reliability import expected_calibration_error
from ._validation import check_proba


def classification_summary(y_true, y_pred, y_proba=None, classes=None):
    """Accuracy, balanced accuracy, macro-F1, calibration and a per-class report.

    The one definition of the scores that the demo, the benchmark report,
    the benchmark scripts and the shipped model's metadata print, so that
    their figures can be compared.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    y_proba : array-like of shape (n_samples, n_classes), default=None
        Predicted probabilities; adds ``ece``, ``log_loss`` and
        ``mean_certainty``.
    classes : array-like of shape (n_classes,), default=None
        All class labels, in the order of the columns of ``y_proba`` and the
        rows of ``per_class``; the sorted labels of ``y_true`` and ``y_pred``
        when ``None``.

    Returns
    -------
    summary : dict
        ``n_samples``, ``accuracy``, ``balanced_accuracy``, ``macro_f1`` and
        ``per_class`` (``classification_report(output_dict=True)``), plus
        ``ece``, ``log_loss`` and ``mean_certainty`` when ``y_proba`` is given.
        Scores are plain floats, ready for JSON.

    Notes
    -----
    ``macro_f1`` is the mean F1 over the classes present in ``y_true``: a
    test set without triclinic structures is not scored on a class it cannot
    contain, while predicting that class still counts against the recall of
    the true one. ``balanced_accuracy`` is likewise over the classes of
    ``y_true``; scikit-learn's warning that ``y_pred`` holds classes absent
    from ``y_true`` is silenced, as such test sets are the rule here.

    Examples
    --------
    >>> summary = classification_summary(
    ...     ["cubic", "cubic", "hexagonal"], ["cubic", "hexagonal", "hexagonal"])
    >>> summary["accuracy"], summary["balanced_accuracy"]
    (0.666..., 0.75)
    >>> summary["per_class"]["cubic"]["recall"]
    0.5

    A predicted class absent from ``y_true`` is not averaged into macro-F1:

    >>> classification_summary(["cubic", "cubic"], ["cubic", "trigonal"])["macro_f1"]
    0.666...
    """
    y_true = column_or_1d(y_true)
    y_pred = column_or_1d(y_pred)
    check_consistent_length(y_true, y_pred)
    if y_true.shape[0] == 0:
        raise ValueError("y_true is empty; at least one sample is required")
    if classes is None:
        labels = np.unique(np.concatenate([y_true, y_pred]))
    else:
        labels = column_or_1d(classes)
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="y_pred contains classes not in y_true"
        )
        balanced = balanced_accuracy_score(y_true, y_pred)
    summary = {
        "n_samples": int(y_true.shape[0]),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "balanced_accuracy": float(balanced),
        "macro_f1": float(
            f1_score(
                y_true,
                y_pred,
                labels=np.unique(y_true),
                average="macro",
                zero_division=0,
            )
        ),
    }
    if y_proba is not None:
        y_true, y_proba, columns = check_proba(y_true, y_proba, classes)
        summary["ece"] = expected_calibration_error(y_true, y_proba, columns)
        order = np.argsort(columns)  # log_loss expects sorted columns
        summary["log_loss"] = float(
            log_loss(y_true, y_proba[:, order], labels=columns[order])
        )
        summary["mean_certainty"] = float(y_proba.max(axis=1).mean())
    summary["per_class"] = classification_report(
        y_true,
        y_pred,
        labels=labels,
        target_names=[str(label) for label in labels],
        output_dict=True,
        zero_division=0,
    )
    return summary
