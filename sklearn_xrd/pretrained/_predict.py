"""Predict the crystal system of measured pattern files with the shipped model."""

import os
from numbers import Integral, Real

import numpy as np

from ..simulation import DEFAULT_GRID, resampling_params

#: Fewest readable files for ``prior="batch"``: fewer cannot pin down seven
#: class frequencies.
MIN_BATCH_FOR_PRIOR = 30

#: A pattern covering less than this share of the model's 2-theta range
#: (5-90 deg at Cu K-alpha) is flagged ``low_certainty``.
MIN_COVERAGE = 0.5
#: A pattern covering less than this share is refused.
MIN_COVERAGE_REFUSED = 0.1
#: Fewest measured points inside the model's 2-theta range; fewer are refused.
MIN_POINTS = 20
#: Fewer peaks than this flag the prediction ``low_certainty``; none refuses.
MIN_PEAKS = 3
#: Least prominence of a counted peak, as a share of the pattern's range.
PEAK_PROMINENCE = 0.05
#: Largest intensity a pattern may reach, and least maximum it must reach:
#: beyond these the model's arithmetic (single precision in places) breaks.
INTENSITY_RANGE = (1e-10, 1e30)

#: Keywords of resample_pattern that put a measured pattern on the model grid.
_ON_GRID = resampling_params(DEFAULT_GRID)

_SPAN = "{:g}-{:g} deg".format(*DEFAULT_GRID["two_theta_range"])
_MODEL_RANGE = f"the model's 2-theta range ({_SPAN} at Cu K-alpha)"

# read_pattern's sources -> what predict_files reports
_STATED_SOURCES = {"header": "header", "file": "header"}


def _stated(pattern):
    """``(wavelength, source, TOPAS file name)`` the file states, or Nones."""
    if pattern.wavelength is None:
        return None, None, None
    source = pattern.metadata.get("wavelength_source") or "header"
    if source.startswith("topas:"):
        return pattern.wavelength, "topas", source.removeprefix("topas:")
    return pattern.wavelength, _STATED_SOURCES.get(source, "header"), None


def _coverage(two_theta, lam):
    """Grid points the scan covers, their share, and the scan's points there."""
    from ..preprocessing import resample_pattern
    from ..simulation import resolve_wavelength

    ones = resample_pattern(
        two_theta, np.ones_like(two_theta), wavelength=lam, **_ON_GRID
    )
    ratio = resolve_wavelength(_ON_GRID["target_wavelength"]) / (
        resolve_wavelength(lam)
    )
    sin_model = ratio * np.sin(np.radians(two_theta) / 2.0)
    reach = sin_model < 1.0
    model_angle = np.degrees(2.0 * np.arcsin(sin_model[reach]))
    lo, hi = _ON_GRID["two_theta_range"]
    points = int(np.count_nonzero((model_angle >= lo) & (model_angle <= hi)))
    covered = ones > 0
    return covered, float(np.mean(covered)), points


def _n_peaks(row):
    from scipy.signal import find_peaks

    span = float(row.max() - row.min())
    if not span > 0:
        return 0
    return int(find_peaks(row, prominence=PEAK_PROMINENCE * span)[0].size)


def _read_on_grid(path, wavelength):
    """The file's pattern on the model grid, and what the result records.

    Wavelength precedence: ``wavelength`` (the caller's option) first, then
    the wavelength the data file states in its header, then the TOPAS file
    that belongs to it (same stem, or whose ``xdd`` line names it).
    """
    from ..io import read_pattern
    from ..preprocessing import resample_pattern

    try:
        pattern = read_pattern(path, find_topas=wavelength is None)
    except OSError as exc:
        message = str(exc)
        if str(path) not in message:
            message = f"{path}: {exc.strerror or message}"
        raise ValueError(message) from None
    stated, stated_source, topas = _stated(pattern)
    info = {}
    if wavelength is not None:
        lam = wavelength
        info.update(wavelength=lam, wavelength_source="option")
        if stated is not None:
            from ..simulation import resolve_wavelength

            if not np.isclose(stated, resolve_wavelength(lam), rtol=1e-4, atol=0):
                info.update(
                    stated_wavelength=stated, stated_wavelength_source=stated_source
                )
    elif stated is not None:
        lam = stated
        info.update(wavelength=lam, wavelength_source=stated_source)
        if topas is not None:
            info["wavelength_file"] = topas
    else:
        rejected = pattern.metadata.get("rejected_wavelength")
        reason = (
            f"{rejected}"
            if rejected
            else "the file does not state it and no TOPAS file names it"
        )
        raise ValueError(
            f"{path}: wavelength unknown: {reason}; pass wavelength= (command "
            "line: --wavelength, e.g. CuKa or 1.5406)"
        )
    peak = float(np.max(np.abs(pattern.intensity)))
    low, high = INTENSITY_RANGE
    if not low <= peak <= high:
        raise ValueError(
            f"{path}: intensities reach {peak:.3g}, outside the {low:g} to "
            f"{high:g} the model computes with; rescale them"
        )
    try:
        row = resample_pattern(
            pattern.two_theta, pattern.intensity, wavelength=lam, **_ON_GRID
        )
        covered, coverage, points = _coverage(pattern.two_theta, lam)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
    if points < MIN_POINTS or coverage < MIN_COVERAGE_REFUSED:
        raise ValueError(
            f"{path}: the scan covers {coverage:.0%} of {_MODEL_RANGE} with "
            f"{points} measured point(s) at wavelength {lam}; at least "
            f"{MIN_COVERAGE_REFUSED:.0%} and {MIN_POINTS} points are needed"
        )
    if not np.any(row > 0):
        raise ValueError(f"{path}: no intensity on {_MODEL_RANGE} at wavelength {lam}")
    n_peaks = _n_peaks(row[covered])
    if n_peaks == 0:
        raise ValueError(f"{path}: no peak found on {_MODEL_RANGE}")
    reasons = []
    if coverage < MIN_COVERAGE:
        reasons.append(
            f"the scan covers {coverage:.0%} of {_MODEL_RANGE}; the model "
            f"learned from the whole range (at least {MIN_COVERAGE:.0%} wanted)"
        )
    if n_peaks < MIN_PEAKS:
        reasons.append(f"{n_peaks} peak(s) found; at least {MIN_PEAKS} wanted")
    info.update(coverage=coverage, n_peaks=n_peaks, _reasons=reasons)
    return row, info


def _as_error(path, exc):
    """The message of a per-file failure, naming the file."""
    message = str(exc)
    if isinstance(exc, ValueError) and message.startswith(str(path)):
        return message
    return f"{path}: {type(exc).__name__}: {message}"


def _predict_rows(model, X):
    """Probabilities per row; a row the model fails on gets its exception."""
    try:
        return list(model.predict_proba(X))
    except Exception:  # find the row(s) that fail, predict the others
        out = []
        for row in X:
            try:
                out.append(model.predict_proba(row[None, :])[0])
            except Exception as exc:  # noqa: BLE001 - reported per file
                out.append(exc)
        return out


def _is_batch(prior):
    return isinstance(prior, str) and prior == "batch"


def _check_prior(prior, classes):
    """Raise ``ValueError`` unless ``prior`` maps known classes to frequencies."""
    unknown = sorted(set(prior) - set(classes))
    if unknown:
        raise ValueError(
            f"prior names classes the model does not know: {unknown}; "
            f"its classes are {classes}"
        )
    values = [prior[c] for c in prior]
    if not all(isinstance(v, Real) and np.isfinite(v) and v >= 0 for v in values):
        raise ValueError(f"prior frequencies must be non-negative numbers: {prior}")
    if not sum(values) > 0:
        raise ValueError(f"prior frequencies must not all be zero: {prior}")


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
        _check_prior(prior, [str(c) for c in classes])
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
    space_group=False,
    coverage=None,
):
    """Crystal system of each measured pattern file.

    Each file is read with :func:`sklearn_xrd.io.read_pattern` and put on the
    model grid (Cu K-alpha, 5-90 deg, step 0.02 deg) through d-spacing with
    :func:`sklearn_xrd.preprocessing.resample_pattern`, in double precision
    like :func:`sklearn_xrd.datasets.load_rruff` (the benchmarks' path). All
    patterns go through the model in one batch.

    The wavelength is, in this order: ``wavelength`` when given (it
    overrides what the file states, so a wrong header can be corrected; the
    differing stated value is reported as ``stated_wavelength``); else the
    one the data file states in its header; else the one of its TOPAS file
    (``<stem>.inp``/``.out``, or one whose ``xdd`` line names the file;
    other TOPAS files in the folder are ignored). A file with none of these
    is an error.

    A pattern that covers less than :data:`MIN_COVERAGE_REFUSED` of the
    model's 2-theta range, has fewer than :data:`MIN_POINTS` points in it,
    shows no peak, or whose intensities lie outside
    :data:`INTENSITY_RANGE` is refused (an error naming the file and the
    reason). One covering less than :data:`MIN_COVERAGE` or with fewer than
    :data:`MIN_PEAKS` peaks is predicted but flagged ``low_certainty``.

    Parameters
    ----------
    paths : list of str or path-like
        Pattern files in any format :func:`~sklearn_xrd.io.read_pattern` reads.
        A single path (str, bytes or path-like) raises ``TypeError``.
    wavelength : str or float, default=None
        Wavelength of every file, overriding what the files state: a tube
        line such as ``"CuKa"`` or angstrom. ``None`` takes each file's
        own (header, else its TOPAS file).
    top_k : int, default=3
        How many of the most probable classes to list per file.
    model : estimator, default=None
        A classifier on the model grid with ``predict_proba`` and ``classes_``;
        the shipped ``"crystal-system"`` model when ``None``.
    low_certainty_threshold : float, default=None
        A prediction whose top probability is below it is flagged
        ``low_certainty``; ``None`` takes the threshold stored in the shipped
        model's metadata. Partial scans and patterns with few peaks are
        flagged whatever their probability.
    cell : bool, default=False
        Also give the fitted cell of the predicted crystal system
        (:func:`sklearn_xrd.models.predict_with_cells`: from the
        prediction's own indexing search), under ``"cell"``; NaN numbers
        become ``None``.
    errors : {"raise", "report"}, default="raise"
        On a file that fails (reading, resampling, checks, prediction): raise
        ``ValueError`` naming it, or put ``{"file": ..., "error": message}``
        in its place and go on with the others.
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
    space_group : bool, default=False
        Also give the ``top_k`` most probable space groups, from the shipped
        ``"space-group"`` model: P(group) is the crystal-system probability
        reported here times that model's P(group | crystal system), so the
        groups agree with the crystal systems (and follow ``prior``).
    coverage : float in (0, 1), default=None
        Also give ``prediction_set``: the smallest set of crystal systems
        (and, with ``space_group``, of space groups) that holds the true one
        with this probability, by split-conformal prediction calibrated on
        the measured patterns named in the models' metadata
        (``conformal``): class-conditional for crystal systems, conditional
        on the crystal system for space groups. The guarantee assumes the
        files are exchangeable with those patterns (drawn the same way from
        the same kind of collection); the sets use the model's own
        probabilities, before any ``prior``.

    Returns
    -------
    results : list of dict
        One per file, in order: ``file``, ``prediction``, ``certainty`` (top
        probability), ``probabilities`` (class to probability, summing to 1),
        ``top_k`` (``[class, probability]`` pairs, most probable first),
        ``low_certainty`` and ``low_certainty_reasons`` (why it is flagged:
        certainty below the threshold, partial scan, few peaks; empty when
        not flagged), ``coverage`` (share of the model's 2-theta range the
        scan covers), ``n_peaks``, ``wavelength`` (angstrom or tube line
        used), ``wavelength_source`` (``"option"``, ``"header"`` or
        ``"topas"``, then with ``wavelength_file``), ``stated_wavelength``
        and ``stated_wavelength_source`` when ``wavelength`` overrode a
        different stated one, ``cell``, ``space_group`` (top-1 number),
        ``space_group_symbol``, ``space_groups`` (``{"number", "symbol",
        "probability"}``, most probable first) and ``prediction_set``
        (``{"coverage", "crystal_systems"[, "space_groups"]}``, most
        probable first) when asked; or ``file`` and ``error``.
    prior : dict or None
        Only with ``return_prior=True``: class name to the frequency used
        (the estimate for ``"batch"``); ``None`` when ``prior`` is ``None`` or
        no file was readable.

    Raises
    ------
    TypeError
        When ``paths`` is a single path instead of a list of paths.
    ValueError
        With ``errors="raise"``, for the first file that fails (see
        ``errors``); the message starts with its path. Also for a bad
        ``prior``, or ``prior="batch"`` with too few readable files.

    Examples
    --------
    >>> import numpy as np, tempfile, pathlib
    >>> from sklearn_xrd.pretrained import predict_files
    >>> tt = np.arange(10, 80, 0.02)
    >>> y = sum(np.exp(-0.5 * ((tt - p) / 0.05) ** 2) for p in (28.4, 47.3, 56.1))
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "si.xy"
    >>> np.savetxt(path, np.c_[tt, 100 * y], header="Cu Ka, lambda=1.5406 A")
    >>> [result] = predict_files([path])
    >>> result["prediction"] in result["probabilities"], result["wavelength_source"]
    (True, 'header')
    >>> round(sum(result["probabilities"].values()), 6)
    1.0
    """
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise TypeError(
            f"predict_files expects a list of paths, got a single "
            f"{type(paths).__name__} {os.fsdecode(paths)!r}; pass [path]"
        )
    if errors not in ("raise", "report"):
        raise ValueError(f"errors must be 'raise' or 'report', got {errors!r}")
    if not (prior is None or isinstance(prior, dict) or _is_batch(prior)):
        raise ValueError(f"prior must be None, 'batch' or a dict, got {prior!r}")
    if coverage is not None and not (
        isinstance(coverage, Real)
        and not isinstance(coverage, bool)
        and 0 < coverage < 1
    ):
        raise ValueError(f"coverage must be a number in (0, 1), got {coverage!r}")
    if not isinstance(top_k, Integral) or top_k < 1:
        raise ValueError(f"top_k must be a positive integer, got {top_k!r}")
    if low_certainty_threshold is None:
        from ._artifact import load_metadata

        low_certainty_threshold = load_metadata()["low_certainty_threshold"]
    if not isinstance(low_certainty_threshold, Real):
        raise ValueError(
            f"low_certainty_threshold must be a number, got {low_certainty_threshold!r}"
        )

    if isinstance(prior, dict):
        if model is not None:
            known = [str(c) for c in model.classes_]
        else:
            from ._artifact import load_metadata

            known = [str(c) for c in load_metadata()["classes"]]
        _check_prior(prior, known)

    def failed(index, path, exc):
        if errors == "raise":
            if isinstance(exc, ValueError) and str(exc).startswith(str(path)):
                raise exc
            raise ValueError(_as_error(path, exc)) from exc
        results[index] = {"file": str(path), "error": _as_error(path, exc)}

    results, rows, where, used = [], [], [], None
    for path in paths:
        results.append({"file": str(path)})
        try:
            row, info = _read_on_grid(path, wavelength)
        except Exception as exc:  # noqa: BLE001 - every failure names its file
            failed(len(results) - 1, path, exc)
            continue
        where.append(len(results) - 1)
        rows.append(row)
        results[-1].update(info)
    if rows:
        if model is None:
            from . import load

            model = load()
        classes = np.asarray(model.classes_)
        X = np.vstack(rows)
        from ..models import predict_cell, predict_with_cells, sharing_search

        sg_model, sg_meta, sg_features = None, None, None
        if space_group:
            from ._artifact import load_artifact

            sg_model, sg_meta = load_artifact("space-group")
        cells = None
        # the space-group model searches the same peaks for the same cells:
        # it takes the crystal-system model's search instead of its own
        with sharing_search(model, sg_model):
            if cell:  # the prediction's indexing search also gives the cells
                try:
                    outputs, cells = predict_with_cells(model, X)
                except Exception:  # noqa: BLE001 - rows retried one by one below
                    outputs = _predict_rows(model, X)
            else:
                outputs = _predict_rows(model, X)
            if sg_model is not None and not any(
                isinstance(p, Exception) for p in outputs
            ):
                sg_features = sg_model[:-1].transform(X)
        kept, proba = [], []
        for j, (i, p) in enumerate(zip(where, outputs)):
            if not isinstance(p, Exception) and not (
                np.all(np.isfinite(p)) and np.isclose(np.sum(p), 1.0)
            ):
                p = ValueError(f"{results[i]['file']}: the model gave no probabilities")
            if isinstance(p, Exception):
                failed(i, results[i]["file"], p)
                continue
            kept.append((i, j))
            proba.append(p)
        raw = np.vstack(proba) if proba else None
        if proba and prior is not None:
            proba, used = _adjusted(np.vstack(proba), classes, prior)
        k = min(int(top_k), len(classes))
        for (i, _), p in zip(kept, proba):
            order = np.argsort(-p, kind="stable")
            certainty = float(p[order[0]])
            reasons = results[i].pop("_reasons")
            if certainty < low_certainty_threshold:
                reasons.insert(
                    0,
                    f"certainty {certainty:.2f} below the threshold "
                    f"{low_certainty_threshold:.2f}",
                )
            results[i].update(
                prediction=str(classes[order[0]]),
                certainty=certainty,
                probabilities={str(c): float(v) for c, v in zip(classes, p)},
                top_k=[[str(classes[j]), float(p[j])] for j in order[:k]],
                low_certainty=bool(reasons),
                low_certainty_reasons=reasons,
            )
        if cell and kept:
            systems = [results[i]["prediction"] for i, _ in kept]
            if cells is None:  # some row failed: search the others again
                found = predict_cell(
                    model, X[[j for _, j in kept]], crystal_systems=systems
                )
            else:
                found = [cells[j][s] for (_, j), s in zip(kept, systems)]
            for (i, _), c in zip(kept, found):
                results[i]["cell"] = {k: _json_number(v) for k, v in c.items()}
        if kept and (space_group or coverage is not None):
            rows_kept = [j for _, j in kept]
            if sg_model is not None:
                sg_features = (
                    sg_model[:-1].transform(X[rows_kept])
                    if sg_features is None  # some row failed: the others alone
                    else sg_features[rows_kept]
                )
            extra = _space_groups_and_sets(
                (sg_model, sg_meta, sg_features),
                raw,
                np.vstack(proba),
                classes,
                top_k,
                coverage,
            )
            for (i, _), e in zip(kept, extra):
                results[i].update(e)
    for r in results:
        r.pop("_reasons", None)
    return (results, used) if return_prior else results


def _space_groups_and_sets(space_group, raw, proba, classes, top_k, coverage):
    """Per row: the top-k space groups and the conformal prediction sets.

    ``space_group`` is ``(model, metadata, features of the rows)`` of the
    space-group model, or ``(None, None, None)`` without it.
    """
    from ..evaluation import ConformalSets
    from ..utils import crystal_system_from_space_group, space_group_symbol
    from ._artifact import load_metadata

    sg_model, sg_meta, features = space_group
    classes = np.asarray(classes).astype(str)
    out = [{} for _ in range(len(proba))]
    if sg_model is not None:
        head = sg_model[-1]
        groups = head.classes_
        given_system = head.predict_group_proba(features)
        for e, p in zip(out, head.combine(given_system, proba, systems=classes)):
            order = np.argsort(-p, kind="stable")[: int(top_k)]
            e["space_group"] = int(groups[order[0]])
            e["space_group_symbol"] = space_group_symbol(groups[order[0]])
            e["space_groups"] = [
                {
                    "number": int(groups[j]),
                    "symbol": space_group_symbol(groups[j]),
                    "probability": float(p[j]),
                }
                for j in order
            ]
        raw_groups = head.combine(given_system, raw, systems=classes)
    if coverage is None:
        return out

    def calibrated(metadata, bins):
        stored = metadata.get("conformal")
        if not stored:
            raise ValueError(
                f"the {metadata.get('name', 'shipped')} model carries no conformal "
                "calibration (scripts/calibrate_sets.py writes it)"
            )
        return ConformalSets(bins).fit_scores(stored["scores"], stored["labels"])

    in_set = calibrated(load_metadata("crystal-system"), "class").predict_set(
        raw, classes, coverage
    )
    for e, p, keep in zip(out, raw, in_set):
        order = [j for j in np.argsort(-p, kind="stable") if keep[j]]
        e["prediction_set"] = {
            "coverage": float(coverage),
            "crystal_systems": [str(classes[j]) for j in order],
        }
    if sg_model is not None:
        group_sets = calibrated(sg_meta, crystal_system_from_space_group).predict_set(
            raw_groups, groups, coverage
        )
        for e, p, keep in zip(out, raw_groups, group_sets):
            order = [j for j in np.argsort(-p, kind="stable") if keep[j]]
            e["prediction_set"]["space_groups"] = [int(groups[j]) for j in order]
    return out
