"""Patterns at scale: shapes, determinism, memmap, cache, dask, bad input."""

import joblib
import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from sklearn_xrd.augmentation import PatternAugmenter
from sklearn_xrd.datasets._patterns import make_patterns
from sklearn_xrd.preprocessing import (
    CIFToPattern,
    GaussianBroadening,
    PseudoVoigtProfile,
)
from sklearn_xrd.simulation import _runner


@pytest.fixture(scope="module")
def structures(nacl, rutile, silicon):
    return [nacl, rutile.to(fmt="cif"), silicon, rutile]


@pytest.fixture(scope="module")
def reference(structures):
    return make_patterns(structures, n_variants=2, random_state=0)


def test_shapes_and_rows(structures, reference):
    X = reference.data
    assert X.shape == (12, 4251) and X.dtype == np.float32
    assert reference.source_index.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert reference.variant.tolist() == [0, 1, 2] * 4
    assert reference.skipped == []
    np.testing.assert_allclose(reference.two_theta[[0, -1]], [5.0, 90.0])
    # the unperturbed rows: sticks, Gaussian FWHM 0.1 deg, strongest point 100
    sticks = CIFToPattern(input="structure").transform([structures[0]])
    expected = GaussianBroadening(fwhm=0.1).fit_transform(sticks)[0]
    np.testing.assert_allclose(X[0], 100 * expected / expected.max(), rtol=1e-5)
    # a CIF text and its structure give the same row
    np.testing.assert_allclose(X[3], X[9], rtol=1e-4, atol=1e-3)
    # variants differ from their original and from each other
    assert not np.allclose(X[0], X[1]) and not np.allclose(X[1], X[2])


def test_deterministic_whatever_n_jobs_and_batch_size(structures, reference):
    again = make_patterns(structures, n_variants=2, random_state=0, batch_size=3)
    parallel = make_patterns(
        structures, n_variants=2, random_state=0, n_jobs=2, batch_size=1
    )
    np.testing.assert_array_equal(again.data, reference.data)
    np.testing.assert_array_equal(parallel.data, reference.data)
    other = make_patterns(structures, n_variants=2, random_state=1)
    assert not np.array_equal(other.data, reference.data)
    np.testing.assert_array_equal(other.data[::3], reference.data[::3])


def test_profile_augment_and_grid(nacl):
    sticks = make_patterns([nacl], profile="passthrough", step=0.05)
    assert sticks.data.shape == (1, 1701)
    assert np.count_nonzero(sticks.data) < 50  # sticks stay sticks
    # the profile and the augmenter are put on our grid
    voigt = make_patterns([nacl], profile=PseudoVoigtProfile(W=0.02), step=0.05)
    assert voigt.data.shape == (1, 1701) and voigt.data.max() == 100
    noisy = make_patterns(
        [nacl],
        n_variants=1,
        augment={"gaussian_noise": (0.01, 0.01), "poisson_noise": None},
        random_state=0,
    )
    quiet = make_patterns(
        [nacl],
        n_variants=1,
        augment=PatternAugmenter(gaussian_noise=None, poisson_noise=None),
        random_state=0,
    )
    assert np.std(noisy.data[1] - quiet.data[1]) == pytest.approx(1.0, rel=0.1)


def test_memmap_equals_in_memory(structures, reference, tmp_path):
    path = tmp_path / "patterns.npy"
    result = make_patterns(
        structures, n_variants=2, random_state=0, batch_size=3, out=path
    )
    assert isinstance(result.data, np.memmap)
    np.testing.assert_array_equal(result.data, reference.data)
    np.testing.assert_array_equal(np.load(path), reference.data)


def test_second_call_hits_the_cache(structures, tmp_path, monkeypatch):
    first = make_patterns(
        structures, n_variants=1, random_state=0, memory=tmp_path, batch_size=2
    )
    cached = list(tmp_path.rglob("output.pkl"))
    assert len(cached) == 2  # one entry per batch of two structures

    def no_simulation(*args, **kwargs):
        raise AssertionError("simulated again instead of reading the cache")

    monkeypatch.setattr(_runner, "simulate_patterns", no_simulation)
    second = make_patterns(
        structures, n_variants=1, random_state=0, memory=tmp_path, batch_size=2
    )
    np.testing.assert_array_equal(second.data, first.data)
    assert len(list(tmp_path.rglob("output.pkl"))) == 2
    # another step is another key: the simulation runs (and fails here)
    with pytest.raises(AssertionError, match="simulated again"):
        make_patterns(structures, n_variants=1, step=0.05, memory=tmp_path)


def test_dask_cluster_gives_the_serial_result(structures, reference):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
        joblib.parallel_config(backend="dask"),
    ):
        result = make_patterns(
            structures, n_variants=2, random_state=0, n_jobs=2, batch_size=1
        )
    np.testing.assert_array_equal(result.data, reference.data)
    assert result.source_index.tolist() == reference.source_index.tolist()


@pytest.fixture(scope="module")
def bad_inputs(nacl, silicon):
    alloy = Structure(Lattice.cubic(3.6), [{"Cu": 0.5, "Au": 0.5}], [[0, 0, 0]])
    no_form_factor = Structure(Lattice.cubic(5.0), ["Es"], [[0, 0, 0]])
    return [nacl, alloy, silicon, no_form_factor, "data_x\n_cell_length_a 3", 42]


def test_bad_input_raises_naming_its_index(bad_inputs, tmp_path):
    with pytest.raises(ValueError, match="structure 1: disordered structure"):
        make_patterns(bad_inputs)
    with pytest.raises(ValueError, match=r"structure 1: no X-ray .*\[.Es.\]"):
        make_patterns([bad_inputs[0], bad_inputs[3]] * 2, batch_size=1, n_jobs=2)
    path = tmp_path / "half.npy"
    with pytest.raises(ValueError, match="structure 1"):
        make_patterns(bad_inputs, out=path)
    assert not path.exists()  # no half-written file is left


@pytest.mark.parametrize("out", [None, "skipped.npy"])
def test_skip_reports_and_counts_add_up(bad_inputs, out, tmp_path):
    path = None if out is None else tmp_path / out
    result = make_patterns(
        bad_inputs, n_variants=1, on_error="skip", random_state=0, batch_size=4,
        out=path,
    )  # fmt: skip
    reasons = dict(result.skipped)
    assert sorted(reasons) == [1, 3, 4, 5]
    assert "disordered" in reasons[1] and "Es" in reasons[3]
    assert "cannot parse CIF" in reasons[4] and "got int" in reasons[5]
    kept = sorted(set(result.source_index.tolist()))
    assert kept == [0, 2] and len(kept) + len(result.skipped) == len(bad_inputs)
    assert result.data.shape == (4, 4251)
    alone = make_patterns(
        [bad_inputs[0], bad_inputs[2]], n_variants=1, random_state=0
    ).data
    np.testing.assert_array_equal(result.data[[0, 2]], alone[[0, 2]])
    if path is not None:
        np.testing.assert_array_equal(np.load(path), result.data)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_variants=-1), "n_variants"),
        (dict(two_theta_range=(90, 5)), "two_theta_range"),
        (dict(on_error="ignore"), "on_error"),
        (dict(batch_size=0), "batch_size"),
        (dict(profile="gauss"), "profile"),
        (dict(n_variants=1, augment={"n_varients": 2}), "augment"),
        (dict(wavelength="XyKa"), "XyKa"),
    ],
)
def test_bad_arguments(nacl, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_patterns([nacl], **kwargs)
    with pytest.raises(ValueError, match="single string"):
        make_patterns("data_x")


def test_progress_bar_only_when_verbose(nacl, capsys):
    make_patterns([nacl])
    assert capsys.readouterr().err == ""
    make_patterns([nacl], verbose=1)
    assert "1/1" in capsys.readouterr().err
