"""Predict the crystal system of measured pattern files with the shipped model."""

from numbers import Integral, Real

import numpy as np

from .._protocol import GRID_MEASURED

#: Fewest readable files for ``prior="batch"``: fewer cannot pin down seven
#: class frequencies.
MIN_BATCH_FOR_PRIOR = 30


def _read_on_grid(path, wavelength):
    """The file's pattern on the model grid, and the wavelength used."""
    from ..io import read_pattern
    from ..preprocessing import resample_pattern

    try:
        pattern = read_pattern(path)
    except OSError as exc:
        message = str(exc)
        if str(path) not in message:
            message = f"{path}: {exc.strerror or message}"
        raise ValueError(message) from None
    if pattern.wavelength is not None:
        lam, source = pattern.wavelength, "file"
    elif wavelength is not None:
        lam, source = wavelength, "argument"
    else:
        raise ValueError(
            f"{path}: wavelength unknown: the file does not state it; pass "
            "wavelength= (command line: --wavelength, e.g. CuKa or 1.5406)"
        )
    try:
        row = resample_pattern(
            pattern.two_theta, pattern.intensity, wavelength=lam, **GRID_MEASURED
        )
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
    if not np.any(row > 0):
        raise ValueError(
            f"{path}: no intensity on the model grid (5-90 deg 2-theta, Cu K-alpha) "
            f"at wavelength {lam}"
        )
    return row, lam, source


def _is_batch(prior):
    return isinstance(prior, str) and prior == "batch"


def _adjusted(proba, classes, prior):
    """Probabilities under ``prior`` ("batch" or a dict), and that prior as a dict."""
    from ..evaluation import adjust_to_prior, estimate_prior

    if _is_batch(prior):
        if len(proba) < MIN_BATCH_FOR_PRIOR:
            raise ValueError(
                f"prior='batch' needs at least {MIN_BATCH_FOR_PRIOR} readable files "
                f"to estimate the class frequencies from, got {len(proba)}"
            )
        weights, proba, _ = estimate_prior(proba)
    else:
        unknown = sorted(set(prior) - {str(c) for c in classes})
        if unknown:
            raise ValueError(
                f"prior names classes the model does not know: {unknown}; "
                f"its classes are {[str(c) for c in classes]}"
            )
        weights = np.array([prior.get(str(c), 0.0) for c in classes], dtype=float)
        proba = adjust_to_prior(proba, weights)
        weights = weights / weights.sum()
    return proba, {str(c): float(w) for c, w in zip(classes, weights)}


def _json_number(value):
    """``None`` for NaN (not JSON), else the value."""
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


def predict_files(
    paths,
    *,
    wavelength=None,
    top_k=3,
    model=None,
    low_certainty_threshold=None,
    cell=False,
    errors="raise",
    prior=None,
    return_prior=False,
):
    """Crystal system of each measured pattern file.

    Each file is read with :func:`sklearn_xrd.io.read_pattern` and put on the
    model grid (Cu K-alpha, 5-90 deg, step 0.02 deg) through d-spacing with
    :func:`sklearn_xrd.preprocessing.resample_pattern`, using the wavelength
    the file states (header, or a TOPAS file beside it), else ``wavelength``.
    All patterns go through the model in one batch.

    Parameters
    ----------
    paths : iterable of str or path-like
        Pattern files in any format :func:`~sklearn_xrd.io.read_pattern` reads.
    wavelength : str or float, default=None
        Wavelength of the files that do not state theirs: a tube line such as
        ``"CuKa"`` or angstrom. A file with neither is an error.
    top_k : int, default=3
        How many of the most probable classes to list per file.
    model : estimator, default=None
        A classifier on the model grid with ``predict_proba`` and ``classes_``;
        the shipped ``"crystal-system"`` model when ``None``.
    low_certainty_threshold : float, default=None
        A prediction whose top probability is below it is flagged
        ``low_certainty``; ``None`` takes the threshold stored in the shipped
        model's metadata.
    cell : bool, default=False
        Also give the fitted cell of the predicted crystal system
        (:func:`sklearn_xrd.models.predict_cell`: one more indexing search
        per pattern), under ``"cell"``; NaN numbers become ``None``.
    errors : {"raise", "report"}, default="raise"
        On an unreadable file: raise ``ValueError`` naming it, or put
        ``{"file": ..., "error": message}`` in its place and go on.
    prior : None, "batch" or dict, default=None
        Class frequencies of the collection the files come from. ``None``
        keeps the model's (trained on equally common crystal systems).
        ``"batch"`` estimates them from all the readable files given
        together (:func:`sklearn_xrd.evaluation.estimate_prior`, EM; at least 30
        files, better hundreds) and adjusts every
        file's probabilities to them. A dict maps class names to
        frequencies (missing classes get 0, which rules them out). The
        adjusted probabilities are reported and predicted from.
    return_prior : bool, default=False
        Also return the class frequencies the probabilities refer to.

    Returns
    -------
    results : list of dict
        One per file, in order: ``file``, ``prediction``, ``certainty`` (top
        probability), ``probabilities`` (class to probability, summing to 1),
        ``top_k`` (``[class, probability]`` pairs, most probable first),
        ``low_certainty``, ``wavelength`` (angstrom or tube line used) and
        ``wavelength_source`` (``"file"`` or ``"argument"``), and ``cell``
        when asked; or ``file`` and ``error``.
    prior : dict or None
        Only with ``return_prior=True``: class name to the frequency used
        (the estimate for ``"batch"``); ``None`` when ``prior`` is ``None`` or
        no file was readable.

    Raises
    ------
    ValueError
        With ``errors="raise"``, for the first file that cannot be read or
        whose wavelength is unknown; the message starts with its path. Also
        for a bad ``prior``, or ``prior="batch"`` with too few readable files.

    Examples
    --------
    >>> import numpy as np, tempfile, pathlib
    >>> from sklearn_xrd.pretrained import predict_files
    >>> tt = np.arange(10, 80, 0.02)
    >>> y = sum(np.exp(-0.5 * ((tt - p) / 0.05) ** 2) for p in (28.4, 47.3, 56.1))
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "si.xy"
    >>> np.savetxt(path, np.c_[tt, 100 * y], header="Cu Ka, lambda=1.5406 A")
    >>> [result] = predict_files([path])
    >>> sorted(result)[:4]
    ['certainty', 'file', 'low_certainty', 'prediction']
    >>> round(sum(result["probabilities"].values()), 6)
    1.0
    """
    if errors not in ("raise", "report"):
        raise ValueError(f"errors must be 'raise' or 'report', got {errors!r}")
    if not (prior is None or isinstance(prior, dict) or _is_batch(prior)):
        raise ValueError(f"prior must be None, 'batch' or a dict, got {prior!r}")
    if not isinstance(top_k, Integral) or top_k < 1:
        raise ValueError(f"top_k must be a positive integer, got {top_k!r}")
    if low_certainty_threshold is None:
        from ._artifact import load_metadata

        low_certainty_threshold = load_metadata()["low_certainty_threshold"]
    if not isinstance(low_certainty_threshold, Real):
        raise ValueError(
            f"low_certainty_threshold must be a number, got {low_certainty_threshold!r}"
        )

    results, rows, where, used = [], [], [], None
    for path in paths:
        try:
            row, lam, source = _read_on_grid(path, wavelength)
        except ValueError as exc:
            if errors == "raise":
                raise
            results.append({"file": str(path), "error": str(exc)})
            continue
        where.append(len(results))
        rows.append(row)
        results.append(
            {"file": str(path), "wavelength": lam, "wavelength_source": source}
        )
    if rows:
        if model is None:
            from . import load

            model = load()
        classes = np.asarray(model.classes_)
        proba = model.predict_proba(np.vstack(rows).astype(np.float32))
        if prior is not None:
            proba, used = _adjusted(proba, classes, prior)
        k = min(int(top_k), len(classes))
        for i, p in zip(where, proba):
            order = np.argsort(-p, kind="stable")
            certainty = float(p[order[0]])
            results[i].update(
                prediction=str(classes[order[0]]),
                certainty=certainty,
                probabilities={str(c): float(v) for c, v in zip(classes, p)},
                top_k=[[str(classes[j]), float(p[j])] for j in order[:k]],
                low_certainty=bool(certainty < low_certainty_threshold),
            )
        if cell:
            from ..models import predict_cell

            predicted = [results[i]["prediction"] for i in where]
            cells = predict_cell(model, np.vstack(rows), crystal_systems=predicted)
            for i, c in zip(where, cells):
                results[i]["cell"] = {k: _json_number(v) for k, v in c.items()}
    return (results, used) if return_prior else results
