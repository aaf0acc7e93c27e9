"""A crystal-system classifier shipped with the package, ready to use.

``load("crystal-system")`` returns a fitted scikit-learn pipeline that takes
patterns on the model grid (Cu K-alpha, 2-theta 5-90 deg, step 0.02 deg:
rows of 4251 points) and predicts one of the seven crystal systems with
temperature-calibrated probabilities. :func:`predict_files` reads measured
files, puts them on that grid through d-spacing and predicts them.

The model is stored with :mod:`skops.io`, never pickled: loading checks the
file's SHA-256 against its JSON metadata before opening it and refuses any
type outside the list recorded when it was built, itself limited to an
exact list of sklearn_xrd and scikit-learn types
(``sklearn_xrd.pretrained._artifact.TRUSTED_TYPES``). The metadata also
records the package version, the date, the seed, the training recipe and
time, the grid and the low-certainty threshold. Rebuild it from scratch with
``python scripts/build_pretrained.py``.
"""

from ._artifact import ARTIFACTS, load_metadata
from ._predict import predict_files


def load(name="crystal-system", *, return_metadata=False):
    """Load a pretrained model shipped with the package.

    Parameters
    ----------
    name : str, default="crystal-system"
        Which model; see :data:`ARTIFACTS`.
    return_metadata : bool, default=False
        Also return the model's metadata (see :func:`load_metadata`).

    Returns
    -------
    model : sklearn.pipeline.Pipeline
        Fitted; ``predict`` and ``predict_proba`` take arrays of shape
        ``(n_patterns, 4251)`` on the model grid; ``classes_`` are the crystal
        systems.
    metadata : dict
        Only when ``return_metadata`` is true.

    Raises
    ------
    ValueError
        For an unknown name, a model file that does not match its metadata,
        or one that asks to load types not on its trusted list.
    FileNotFoundError
        When the model file is missing.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_xrd.pretrained import load
    >>> model, meta = load("crystal-system", return_metadata=True)
    >>> meta["grid"]["n_points"], len(model.classes_)
    (4251, 7)
    >>> x = np.linspace(5, 90, 4251)
    >>> X = np.exp(-0.5 * ((x[None, :] - 38.5) / 0.05) ** 2)
    >>> model.predict_proba(X).shape
    (1, 7)
    """
    from ._artifact import load_artifact

    model, metadata = load_artifact(name)
    return (model, metadata) if return_metadata else model


__all__ = ["ARTIFACTS", "load", "load_metadata", "predict_files"]
