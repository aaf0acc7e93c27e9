"""Input checks shared by the estimators."""

import numpy as np
from sklearn.utils.validation import validate_data


def check_finite_rows(X, what="X"):
    """Raise ``ValueError`` naming the rows of ``X`` that hold NaN or infinity.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    what : str, default="X"
        How to call the input in the message.

    Examples
    --------
    >>> check_finite_rows(np.array([[0.0, 1.0], [np.nan, 2.0]]))
    Traceback (most recent call last):
    ...
    ValueError: X contains NaN or infinity in row(s) [1]; patterns must be finite
    """
    bad = ~np.isfinite(X)
    if bad.any():
        rows = np.flatnonzero(bad.any(axis=1))
        shown = rows[:10].tolist()
        more = f" and {len(rows) - 10} more" if len(rows) > 10 else ""
        raise ValueError(
            f"{what} contains NaN or infinity in row(s) {shown}{more}; "
            "patterns must be finite"
        )


def validate_patterns(estimator, X, *, reset, dtype=(np.float64, np.float32)):
    """``validate_data`` for 2-D pattern matrices, naming non-finite rows.

    Parameters
    ----------
    estimator : estimator instance
    X : array-like of shape (n_samples, n_features)
    reset : bool
        ``True`` in ``fit``; ``False`` afterwards (checks the width).
    dtype : tuple of dtypes, default=(float64, float32)

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    """
    X = validate_data(
        estimator, X, reset=reset, dtype=list(dtype), ensure_all_finite=False
    )
    check_finite_rows(X)
    return X
