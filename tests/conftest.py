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


def texts_outside(fig, dpi=None):
    """Texts of ``fig`` drawn (partly) outside the figure, at its saved size.

    The figure is drawn as ``savefig`` draws it (its size, at ``dpi``, no
    ``bbox_inches``), then every visible, non-empty text artist's window
    extent is compared with the figure's extent.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    old_dpi = fig.dpi
    if dpi not in (None, "figure"):
        fig.set_dpi(dpi)
    try:
        fig.canvas.draw()  # lays out (constrained layout) and draws, as savefig
        renderer = fig.canvas.get_renderer()
        outside = _outside(fig, renderer, Text)
    finally:
        fig.set_dpi(old_dpi)
    return outside


def _undrawn_tick_labels(fig):
    """Tick labels of ticks outside their axis' view limits (never drawn)."""
    import numpy as np

    undrawn = set()
    for ax in fig.get_axes():
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            eps = 1e-9 * max(1.0, abs(hi - lo))
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                loc = tick.get_loc()
                if loc is None or not (lo - eps <= np.float64(loc) <= hi + eps):
                    undrawn.update({id(tick.label1), id(tick.label2)})
    return undrawn


def _outside(fig, renderer, Text):
    box = fig.bbox
    undrawn = _undrawn_tick_labels(fig)
    outside = []
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        if id(text) in undrawn:
            continue
        extent = text.get_window_extent(renderer)
        if (
            extent.x0 < box.x0 - 1
            or extent.y0 < box.y0 - 1
            or extent.x1 > box.x1 + 1
            or extent.y1 > box.y1 + 1
        ):
            outside.append(text.get_text())
    return outside


@pytest.fixture
def check_saved_figures(monkeypatch):
    """Check every figure saved during a test: its texts fit at its saved size.

    Yields the list of ``(file name, texts outside)`` of the figures saved so
    far; a figure whose texts all fit is listed with an empty list.
    """
    from pathlib import Path

    from matplotlib.figure import Figure

    saved = []
    original = Figure.savefig

    def savefig(self, fname, *args, **kwargs):
        saved.append((Path(fname).name, texts_outside(self, kwargs.get("dpi"))))
        return original(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    return saved
