"""Progress of long work: a tqdm bar under ``verbose``, chunked transforms.

The transformers of the package (peak finding, the indexing search) work row
by row and hold no state, so the caller can feed them a chunk of patterns at a
time and advance a bar per chunk; the transformers themselves stay silent.
"""

import os
import sys
from numbers import Integral

import numpy as np


def progress_bar(verbose=0, **kwargs):
    """A tqdm progress bar, shown only when ``verbose`` is positive.

    scikit-learn's policy: silent unless asked. The bar goes to stderr and
    carries tqdm's estimate of the time left.

    Parameters
    ----------
    verbose : int or bool, default=0
        Show the bar when positive.
    **kwargs
        Passed to :class:`tqdm.tqdm` (``total``, ``desc``, ``unit``, ...).

    Returns
    -------
    bar : tqdm.tqdm
        Use it as a context manager; a disabled bar when ``verbose`` is 0.

    Examples
    --------
    >>> with progress_bar(0, total=3) as bar:
    ...     bar.update(3)
    """
    from tqdm.auto import tqdm

    size = _terminal_size(kwargs.get("file") or sys.stderr)
    if size is not None and 0 in size:
        # a terminal that reports no size (some ptys): tqdm would draw nothing
        kwargs.setdefault("ncols", 80)
        kwargs.setdefault("nrows", 24)
    else:
        kwargs.setdefault("dynamic_ncols", True)
    return tqdm(disable=not verbose, **kwargs)


def _terminal_size(stream):
    """Columns and lines of the terminal behind ``stream``; ``None`` if none."""
    try:
        return tuple(os.get_terminal_size(stream.fileno()))
    except (AttributeError, OSError, ValueError):
        return None


def transform_in_chunks(
    transformer, X, *, chunk_size=25, verbose=0, desc="features", dtype=None
):
    """``transformer.transform(X)`` a chunk of rows at a time, with a progress bar.

    For transformers that work row by row (every feature step of
    :mod:`sklearn_xrd.models`): the rows are the same as one call's, and a
    bar over the rows shows the time left when ``verbose`` is positive.

    Parameters
    ----------
    transformer : fitted transformer or Pipeline
        Works row by row: the output row of a pattern does not depend on the
        other rows.
    X : array-like of shape (n_samples, n_features)
        Input rows.
    chunk_size : int, default=25
        Rows per ``transform`` call.
    verbose : int, default=0
        A tqdm bar over the rows when positive.
    desc : str, default="features"
        Label of the bar.
    dtype : dtype, default=None
        Output dtype; that of the first chunk's output when ``None``.

    Returns
    -------
    Xt : ndarray of shape (n_samples, n_features_out)
        The rows of ``transformer.transform(X)``.

    Examples
    --------
    >>> from sklearn.preprocessing import FunctionTransformer
    >>> double = FunctionTransformer(lambda X: 2 * X).fit(np.ones((1, 2)))
    >>> transform_in_chunks(double, np.arange(6.0).reshape(3, 2), chunk_size=2)
    array([[ 0.,  2.],
           [ 4.,  6.],
           [ 8., 10.]])
    """
    if not isinstance(chunk_size, Integral) or chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive int, got {chunk_size!r}")
    n = len(X)
    parts = []
    with progress_bar(verbose, total=n, desc=desc, unit="pattern") as bar:
        for start in range(0, n, chunk_size):
            part = np.asarray(transformer.transform(X[start : start + chunk_size]))
            parts.append(part if dtype is None else part.astype(dtype, copy=False))
            bar.update(len(part))
    if not parts:
        return np.asarray(transformer.transform(X), dtype=dtype)
    return np.concatenate(parts)


def fit_in_chunks(
    pipeline, X, y, *, chunk_size=25, verbose=0, desc="features", **fit_params
):
    """Fit a pipeline whose steps before the last are stateless, with progress.

    Equivalent to ``pipeline.fit(X, y, **fit_params)`` for such a pipeline
    (every model of :mod:`sklearn_xrd.models`): the feature steps are fitted
    on two rows (their fit only checks the grid), the features computed by
    :func:`transform_in_chunks` and the last step fitted on them. With
    ``verbose``, a bar over the rows while the features are computed, then one
    step while the final estimator fits.

    Parameters
    ----------
    pipeline : Pipeline
        Every step but the last is stateless (its ``requires_fit`` tag is
        ``False``: its output does not depend on the data it was fitted on).
    X : array-like of shape (n_samples, n_features)
        Training rows.
    y : array-like of shape (n_samples,)
        Targets.
    chunk_size : int, default=25
        Rows per ``transform`` call.
    verbose : int, default=0
        Progress bars when positive.
    desc : str, default="features"
        Label of the feature bar.
    **fit_params
        Passed to the last step's ``fit`` (e.g. ``sample_weight``).

    Returns
    -------
    pipeline : Pipeline
        Fitted; ``pipeline.predict`` works as after ``pipeline.fit``.
    """
    stateful = [name for name, step in pipeline.steps[:-1] if _requires_fit(step)]
    if stateful:
        raise ValueError(
            f"fit_in_chunks needs stateless steps before the last; {stateful} "
            "learn from the data, use pipeline.fit"
        )
    features = pipeline[:-1].fit(X[:2])
    Xt = transform_in_chunks(
        features, X, chunk_size=chunk_size, verbose=verbose, desc=desc
    )
    final = pipeline.steps[-1][1]
    with progress_bar(verbose, total=1, desc=f"fit {type(final).__name__}") as bar:
        final.fit(Xt, y, **fit_params)
        bar.update(1)
    return pipeline


def _requires_fit(step):
    """Whether ``step`` (possibly a Pipeline or FeatureUnion) learns from data."""
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.utils import get_tags

    if step is None or step == "passthrough":
        return False
    if isinstance(step, Pipeline):
        return any(_requires_fit(s) for _, s in step.steps)
    if isinstance(step, FeatureUnion):
        return any(_requires_fit(s) for _, s in step.transformer_list)
    return get_tags(step).requires_fit
