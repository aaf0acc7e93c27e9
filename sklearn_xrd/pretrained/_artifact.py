"""The artifact format: a skops file plus a JSON file of metadata beside it.

``<name>.skops`` holds the fitted model, written by :func:`skops.io.dump`;
``<name>.json`` holds the training recipe, the scores and the list of types
the skops file needs beyond skops' defaults (``trusted_types``), with the
SHA-256 of the skops file. Loading never unpickles: the SHA-256 is checked
before the file is opened, every stored type must be one of
:data:`TRUSTED_TYPES` (exact names, not module prefixes: a hand-edited JSON
cannot widen the list to arbitrary code, such as a NumPy helper that calls
``exec``), and the types the file asks for must all be in the stored list.
"""

import hashlib
import json
import zipfile
from importlib import resources
from pathlib import Path

#: The only types, beyond skops' own defaults, an artifact may ask to trust,
#: whatever its JSON says: sklearn_xrd's transformers and classifiers that a
#: prediction pipeline holds, and the tree nodes of scikit-learn's
#: histogram gradient boosting. A model needing another type is refused when
#: saved; add the type here (exact name) after checking it runs no code on
#: load.
TRUSTED_TYPES = frozenset(
    {
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        "sklearn_xrd.evaluation._temperature.TemperatureScaledClassifier",
        "sklearn_xrd.models._clean.PeakCleaner",
        "sklearn_xrd.models._space_group.HierarchicalSpaceGroupClassifier",
        "sklearn_xrd.preprocessing._broadening.GaussianBroadening",
        "sklearn_xrd.preprocessing._indexing_features.ExtinctionFeatures",
        "sklearn_xrd.preprocessing._indexing_features.IndexingFeatures",
        "sklearn_xrd.preprocessing._measured.BackgroundRemover",
        "sklearn_xrd.preprocessing._measured.Smoother",
        "sklearn_xrd.preprocessing._normalizer.Normalizer",
        "sklearn_xrd.preprocessing._peaks.PeakExtractor",
        "sklearn_xrd.preprocessing._profiles.KAlpha2Doublet",
        "sklearn_xrd.preprocessing._profiles.PseudoVoigtProfile",
        "sklearn_xrd.preprocessing._qspace.QSpacePeaks",
    }
)

#: The artifacts shipped with the package, by name.
ARTIFACTS = ("crystal-system", "space-group")

_DATA = "data"


def data_dir():
    """Folder of the shipped artifacts (inside the installed package).

    Returns
    -------
    path : pathlib.Path
    """
    return Path(str(resources.files("sklearn_xrd.pretrained").joinpath(_DATA)))


def artifact_paths(name, folder=None):
    """``(model_path, metadata_path)`` of the artifact ``name``.

    Parameters
    ----------
    name : str
        Artifact name, e.g. ``"crystal-system"``.
    folder : str or path-like, default=None
        Where to look; the package's data folder when ``None``.

    Returns
    -------
    model_path, metadata_path : pathlib.Path
    """
    folder = data_dir() if folder is None else Path(folder)
    return folder / f"{name}.skops", folder / f"{name}.json"


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_types(types, path):
    """Raise unless every type name is one of :data:`TRUSTED_TYPES`."""
    bad = sorted(str(t) for t in types if t not in TRUSTED_TYPES)
    if bad:
        raise ValueError(
            f"{path}: refusing to trust types that are not on sklearn_xrd's "
            f"list of trusted types (pretrained._artifact.TRUSTED_TYPES): {bad}"
        )


def _untrusted_types(path):
    """The types a skops file asks for; ``ValueError`` when it is not one."""
    import skops.io as sio

    try:
        return sio.get_untrusted_types(file=path)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValueError(
            f"{path}: not a skops model file ({type(exc).__name__}: {exc})"
        ) from None


def save_artifact(model, metadata, name, folder):
    """Write ``model`` with skops and its metadata as JSON.

    The types skops does not trust by default are listed with
    :func:`skops.io.get_untrusted_types`, checked against
    :data:`TRUSTED_TYPES` and stored as ``trusted_types``; the
    file's size and SHA-256 are stored as well.

    Parameters
    ----------
    model : estimator
        The fitted model.
    metadata : dict
        JSON-serialisable recipe and scores.
    name : str
        Artifact name (file stem).
    folder : str or path-like
        Output folder, created when absent.

    Returns
    -------
    metadata : dict
        What was written to the JSON file.
    """
    import skops.io as sio

    model_path, metadata_path = artifact_paths(name, folder)
    model_path.parent.mkdir(parents=True, exist_ok=True)
    sio.dump(model, model_path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    trusted = sorted(_untrusted_types(model_path))
    _check_types(trusted, model_path)
    metadata = {
        **metadata,
        "name": name,
        "file": model_path.name,
        "size_bytes": model_path.stat().st_size,
        "sha256": _sha256(model_path),
        "trusted_types": trusted,
    }
    metadata_path.write_text(json.dumps(metadata, indent=2, sort_keys=True) + "\n")
    return metadata


def load_metadata(name="crystal-system", *, folder=None):
    """The JSON metadata of an artifact.

    Parameters
    ----------
    name : str, default="crystal-system"
        Artifact name.
    folder : str or path-like, default=None
        Where to look; the package's data folder when ``None``.

    Returns
    -------
    metadata : dict
        Recipe (``recipe``), package version, date, training time, grid,
        ``low_certainty_threshold``, validation scores, ``trusted_types``.

    Raises
    ------
    FileNotFoundError
        When the artifact is absent (rebuild it with
        ``python scripts/build_pretrained.py``).
    """
    if folder is None and name not in ARTIFACTS:
        raise ValueError(f"unknown pretrained model {name!r}; choose from {ARTIFACTS}")
    model_path, metadata_path = artifact_paths(name, folder)
    for path in (model_path, metadata_path):
        if not path.is_file():
            raise FileNotFoundError(
                f"{path}: pretrained model {name!r} not found; rebuild it with "
                "`python scripts/build_pretrained.py`"
            )
    try:
        return json.loads(metadata_path.read_text())
    except json.JSONDecodeError as exc:
        raise ValueError(f"{metadata_path}: not valid JSON ({exc})") from None


def load_artifact(name="crystal-system", *, folder=None):
    """Load an artifact after checking its types; never unpickles.

    Parameters
    ----------
    name : str, default="crystal-system"
        Artifact name.
    folder : str or path-like, default=None
        Where to look; the package's data folder when ``None``.

    Returns
    -------
    model : estimator
    metadata : dict

    Raises
    ------
    ValueError
        When the file's checksum differs from the metadata's (checked before
        the file is opened), the stored ``trusted_types`` name a type that
        is not in :data:`TRUSTED_TYPES`, the file asks for a type that is not
        in the stored ``trusted_types``, or the file is not a skops file
        (not a zip archive, no schema).
    """
    import skops.io as sio

    metadata = load_metadata(name, folder=folder)
    model_path, _ = artifact_paths(name, folder)
    if metadata.get("sha256") != _sha256(model_path):
        raise ValueError(
            f"{model_path}: checksum differs from the one in {name}.json; "
            "the files do not belong together"
        )
    known = metadata.get("trusted_types", [])
    if not (isinstance(known, list) and all(isinstance(t, str) for t in known)):
        raise ValueError(f"{model_path}: trusted_types must be a list of names")
    _check_types(known, model_path)
    untrusted = _untrusted_types(model_path)
    _check_types(untrusted, model_path)
    unexpected = sorted(set(untrusted) - set(known))
    if unexpected:
        raise ValueError(
            f"{model_path}: the file asks for types not in its trusted list: "
            f"{unexpected}"
        )
    try:
        model = sio.load(model_path, trusted=list(untrusted))
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ValueError(
            f"{model_path}: not a readable skops model file "
            f"({type(exc).__name__}: {exc})"
        ) from None
    return model, metadata


def update_metadata(name, changes, folder=None):
    """Add or replace top-level keys of an artifact's JSON metadata.

    For calibration that does not touch the model file (its checksum stays
    valid), such as the conformal scores of ``scripts/calibrate_sets.py``.

    Parameters
    ----------
    name : str
        Artifact name.
    changes : dict
        JSON-serialisable keys to set.
    folder : str or path-like, default=None
        Where the artifact lies; the package's data folder when ``None``.

    Returns
    -------
    metadata : dict
        What was written.
    """
    protected = {"sha256", "size_bytes", "trusted_types", "file", "name"}
    if protected & set(changes):
        raise ValueError(f"these keys belong to the model file: {sorted(protected)}")
    metadata = {**load_metadata(name, folder=folder), **changes}
    _, metadata_path = artifact_paths(name, folder)
    metadata_path.write_text(json.dumps(metadata, indent=2, sort_keys=True) + "\n")
    return metadata
