"""A fingerprint of the package's source code, for cache keys."""

import functools
import hashlib
from pathlib import Path


@functools.cache
def source_fingerprint():
    """SHA-256 (first 16 hex digits) of every ``.py`` file of sklearn_xrd.

    Caches of simulated patterns and features are keyed with it, so that a
    change to the code (a new augmentation default, a better indexing search)
    never serves results computed by the old code, even when the version
    number stayed the same.

    Returns
    -------
    fingerprint : str

    Examples
    --------
    >>> len(source_fingerprint())
    16
    """
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
