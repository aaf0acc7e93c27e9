"""CIFToPattern: inputs, errors that name the input, caching, parallelism."""

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure
from sklearn.base import clone

from sklearn_xrd.preprocessing import CIFToPattern


@pytest.fixture()
def cif_dir(tmp_path, nacl, rutile):
    nacl.to(filename=str(tmp_path / "nacl.cif"))
    rutile.to(filename=str(tmp_path / "rutile.cif"))
    return tmp_path


def test_three_input_kinds_agree(cif_dir, nacl, rutile):
    files = [str(cif_dir / "nacl.cif"), str(cif_dir / "rutile.cif")]
    texts = [open(f).read() for f in files]
    a = CIFToPattern().fit_transform(files)
    b = CIFToPattern(input="content").fit_transform(texts)
    c = CIFToPattern(input="structure").fit_transform([nacl, rutile])
    assert a.shape == (2, 4251)
    np.testing.assert_allclose(a, b)
    np.testing.assert_allclose(a, c, atol=1e-6)
    np.testing.assert_allclose(a.max(axis=1), [100.0, 100.0])


def test_grid_and_feature_names():
    sim = CIFToPattern(two_theta_range=(10, 20), step=0.5)
    assert sim.two_theta_.tolist() == [10 + 0.5 * k for k in range(21)]
    names = sim.get_feature_names_out()
    assert names[0] == "two_theta_10.000" and names[-1] == "two_theta_20.000"


def test_empty_input_gives_empty_matrix():
    assert CIFToPattern().transform([]).shape == (0, 4251)


def test_single_string_is_rejected(cif_dir):
    with pytest.raises(ValueError, match="single string"):
        CIFToPattern().transform(str(cif_dir / "nacl.cif"))


def test_two_d_array_is_rejected():
    with pytest.raises(ValueError, match="1-D"):
        CIFToPattern().transform(np.zeros((2, 3)))


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "empty CIF"),
        ("just some words, no crystal", "no _cell_length_a"),
        (
            "data_x\n_cell_length_a 4.0\n_cell_length_b",
            "cannot parse CIF|holds no structure",
        ),
    ],
)
def test_bad_cif_text_names_document(text, reason):
    good = Structure(Lattice.cubic(4), ["Cu"], [[0, 0, 0]]).to(fmt="cif")
    with pytest.raises(ValueError, match=rf"document 1: .*({reason})"):
        CIFToPattern(input="content").transform([good, text])


def test_truncated_cif_file_names_file(cif_dir):
    text = (cif_dir / "nacl.cif").read_text()
    broken = cif_dir / "truncated.cif"
    broken.write_text(text[: len(text) // 3])
    with pytest.raises(ValueError, match="truncated.cif"):
        CIFToPattern().transform([str(cif_dir / "nacl.cif"), str(broken)])


def test_missing_file_names_file(tmp_path):
    with pytest.raises(ValueError, match=r"nope\.cif: cannot read file"):
        CIFToPattern().transform([str(tmp_path / "nope.cif")])


def test_element_without_form_factors():
    es = Structure(Lattice.cubic(4), ["Es"], [[0, 0, 0]])
    with pytest.raises(
        ValueError, match=r"structure 0: no X-ray atomic form factors.*Es"
    ):
        CIFToPattern(input="structure").transform([es])


def test_disordered_site_is_rejected():
    alloy = Structure(Lattice.cubic(3.6), [{"Cu": 0.5, "Au": 0.5}], [[0, 0, 0]])
    with pytest.raises(ValueError, match="structure 0: disordered"):
        CIFToPattern(input="structure").transform([alloy])


def test_not_a_structure_is_rejected():
    with pytest.raises(ValueError, match="structure 0: expected a pymatgen Structure"):
        CIFToPattern(input="structure").transform(["not a structure"])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"two_theta_range": (50, 10)}, "0 <= min < max < 180"),
        ({"two_theta_range": (5,)}, "pair of numbers"),
        ({"wavelength": "XyKa"}, "wavelength"),
        ({"step": -1}, "step"),
    ],
)
def test_bad_parameters(params, match, nacl):
    with pytest.raises(ValueError, match=match):
        CIFToPattern(input="structure", **params).fit_transform([nacl])


def test_parallel_and_cached_results_agree(tmp_path, nacl, rutile):
    serial = CIFToPattern(input="structure").transform([nacl, rutile])
    parallel = CIFToPattern(input="structure", n_jobs=2).transform([nacl, rutile])
    np.testing.assert_array_equal(serial, parallel)
    cached = CIFToPattern(input="structure", memory=str(tmp_path / "cache"))
    first = cached.transform([nacl, rutile])
    second = cached.transform([nacl, rutile])
    np.testing.assert_array_equal(first, serial)
    np.testing.assert_array_equal(second, serial)
    assert any((tmp_path / "cache").rglob("output.pkl"))


def test_clone_and_params():
    sim = CIFToPattern(input="content", wavelength=0.7, step=0.05)
    twin = clone(sim)
    assert twin.get_params() == sim.get_params()
    assert sim.__sklearn_tags__().input_tags.string
    assert not sim.__sklearn_tags__().requires_fit


def test_file_cache_follows_file_content(tmp_path, nacl, rutile):
    path = tmp_path / "x.cif"
    sim = CIFToPattern(memory=str(tmp_path / "cache"))
    path.write_text(nacl.to(fmt="cif"))
    first = sim.transform([str(path)])
    path.write_text(rutile.to(fmt="cif"))  # same name, other crystal
    second = sim.transform([str(path)])
    np.testing.assert_allclose(
        second, CIFToPattern(input="structure").transform([rutile])
    )
    assert not np.allclose(first, second)
