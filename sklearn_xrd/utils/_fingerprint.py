"""A fingerprint of the package's source code, for cache keys."""

import functools
import hashlib
from pathlib import Path

#: Code that uses simulated patterns and features but never computes them:
#: the shipped model's recipe and loader, and the command line. Editing them
#: (a recipe default, a message) keeps the caches of patterns and features.
CONSUMERS = ("pretrained/", "cli.py")


@functools.cache
def source_fingerprint():
    """SHA-256 (first 16 hex digits) of the ``.py`` files of sklearn_xrd.

    Caches of simulated patterns and features are keyed with it, so that a
    change to the code (a new augmentation default, a better indexing search)
    never serves results computed by the old code, even when the version
    number stayed the same. The files of :data:`CONSUMERS` are left out.

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
        name = path.relative_to(root).as_posix()
        if name.startswith(CONSUMERS):
            continue
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
