"""Where the optional validation data beside the repository lives."""

import os
from pathlib import Path

ENV_VAR = "SKLEARN_XRD_DATA"


def get_shared_data_dir():
    """Folder of the validation data (real structures and measured patterns).

    Looks at the environment variable ``SKLEARN_XRD_DATA`` first, then at
    ``../shared/data`` beside the source checkout and beside the working
    directory. Tests and benchmarks skip what needs it when it is absent.

    Returns
    -------
    path : pathlib.Path or None
        ``None`` when no such folder exists.
    """
    candidates = []
    if os.environ.get(ENV_VAR):
        candidates.append(Path(os.environ[ENV_VAR]))
    repo_root = Path(__file__).resolve().parents[2]
    candidates += [
        repo_root.parent / "shared" / "data",
        Path.cwd().parent / "shared" / "data",
    ]
    for path in candidates:
        if path.is_dir():
            return path
    return None
