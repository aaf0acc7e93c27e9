"""Shared fixtures: reference structures and the optional validation data."""

import pytest
from pymatgen.core import Lattice, Structure

from sklearn_xrd.datasets import get_shared_data_dir


@pytest.fixture(scope="session")
def nacl():
    """Rock salt, a = 5.64 A."""
    return Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]]
    )


@pytest.fixture(scope="session")
def silicon():
    """Diamond-structure silicon, a = 5.431 A."""
    fcc = [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]]
    coords = fcc + [[x + 0.25 for x in p] for p in fcc]
    return Structure(Lattice.cubic(5.431), ["Si"] * 8, coords)


@pytest.fixture(scope="session")
def rutile():
    """TiO2 rutile, tetragonal P4_2/mnm."""
    return Structure.from_spacegroup(
        "P4_2/mnm",
        Lattice.tetragonal(4.594, 2.959),
        ["Ti", "O"],
        [[0, 0, 0], [0.3053, 0.3053, 0]],
    )


@pytest.fixture(scope="session")
def shared_data():
    """The validation data beside the repo; skips the test when absent."""
    path = get_shared_data_dir()
    if path is None:
        pytest.skip(
            "validation data not found: set SKLEARN_XRD_DATA or place the "
            "shared data folder at ../shared/data"
        )
    return path


@pytest.fixture(scope="session")
def prototypes():
    from sklearn_xrd.datasets import load_prototypes

    return load_prototypes()


@pytest.fixture
def one_torch_thread():
    """Tiny networks run fastest on one thread; restore the setting after."""
    import torch

    n_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n_threads)
