"""``sklearn-xrd predict``: JSON and table output, wavelengths, bad files."""

import json

import numpy as np
import pytest

from sklearn_xrd.cli import main
from sklearn_xrd.datasets import get_shared_data_dir
from sklearn_xrd.utils import CRYSTAL_SYSTEMS


def _peaks(x, positions):
    return 100 * sum(np.exp(-0.5 * ((x - p) / 0.05) ** 2) for p in positions)


@pytest.fixture
def files(tmp_path):
    """A file stating its wavelength, one that does not, and a corrupt one."""
    x = np.arange(10.0, 85.0, 0.02)
    stated = tmp_path / "stated.xy"
    np.savetxt(
        stated,
        np.c_[x, _peaks(x, (21.4, 30.5, 37.6, 43.7, 49.3))],
        header="synthetic; lambda=1.5406 A",
    )
    plain = tmp_path / "plain.xy"
    np.savetxt(plain, np.c_[x, _peaks(x, (18.2, 25.9, 33.0, 36.7, 44.1))])
    corrupt = tmp_path / "corrupt.xy"
    corrupt.write_text("10.0 5\n10.02 six\nnot a pattern\n")
    return stated, plain, corrupt


def _run(capsys, *argv):
    status = main(["predict", *map(str, argv)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _check_prediction(obj):
    assert {"file", "prediction", "probabilities", "low_certainty"} <= set(obj)
    assert obj["prediction"] in CRYSTAL_SYSTEMS
    assert set(obj["probabilities"]) == set(CRYSTAL_SYSTEMS)
    assert sum(obj["probabilities"].values()) == pytest.approx(1.0, abs=1e-6)
    assert obj["prediction"] == max(obj["probabilities"], key=obj["probabilities"].get)
    assert isinstance(obj["low_certainty"], bool)


def test_json(files, capsys):
    stated, plain, _ = files
    status, out, err = _run(capsys, "--json", "--wavelength", "CuKa", stated, plain)
    assert status == 0, err
    results = json.loads(out)
    assert [r["file"] for r in results] == [str(stated), str(plain)]
    for obj in results:
        _check_prediction(obj)
        assert len(obj["top_k"]) == 3
    # --wavelength applies to every file; a file stating another says so
    assert [r["wavelength"] for r in results] == ["CuKa", "CuKa"]
    assert [r["wavelength_source"] for r in results] == ["option", "option"]
    assert results[0]["stated_wavelength"] == pytest.approx(1.5406)
    assert "stated_wavelength" not in results[1]
    status, out, err = _run(capsys, "--json", stated)
    [obj] = json.loads(out)
    assert obj["wavelength"] == pytest.approx(1.5406)
    assert obj["wavelength_source"] == "header"


def test_cell(files, capsys):
    from sklearn_xrd.models import CELL_KEYS

    stated, _, _ = files
    status, out, _ = _run(capsys, "--json", "--cell", stated)
    assert status == 0
    [obj] = json.loads(out)
    assert set(obj["cell"]) == set(CELL_KEYS)
    assert obj["cell"]["crystal_system"] == obj["prediction"]


def test_table_and_top_k(files, capsys):
    stated, _, _ = files
    status, out, _ = _run(capsys, "--top-k", "2", stated)
    assert status == 0
    header, row = out.splitlines()[:2]
    assert header.split()[:3] == ["file", "prediction", "certainty"]
    assert row.startswith(str(stated))
    assert row.count(",") == 1  # two classes listed


def test_missing_wavelength_fails(files, capsys):
    _, plain, _ = files
    status, out, err = _run(capsys, "--json", plain)
    assert status == 1
    assert out == ""
    assert str(plain) in err and "wavelength unknown" in err


def test_bad_file_stops_without_keep_going(files, capsys):
    stated, _, corrupt = files
    status, out, err = _run(capsys, "--json", stated, corrupt)
    assert status == 1
    assert out == ""
    assert str(corrupt) in err


def test_keep_going_reports_and_continues(files, capsys):
    stated, plain, corrupt = files
    missing = stated.parent / "missing.xy"
    status, out, err = _run(
        capsys, "--json", "--keep-going", corrupt, stated, missing, plain
    )
    assert status == 1  # some files failed
    results = json.loads(out)
    assert [r["file"] for r in results] == list(
        map(str, (corrupt, stated, missing, plain))
    )
    assert set(results[0]) == {"file", "error"} and str(corrupt) in results[0]["error"]
    assert "wavelength unknown" in results[3]["error"]
    assert str(missing) in results[2]["error"]
    _check_prediction(results[1])
    assert str(corrupt) in err and str(missing) in err


def test_bad_arguments(files, capsys):
    stated, _, _ = files
    with pytest.raises(SystemExit) as exc:
        main(["predict", "--wavelength", "banana", str(stated)])
    assert exc.value.code == 2
    with pytest.raises(SystemExit):
        main(["predict", "--top-k", "0", str(stated)])
    capsys.readouterr()


def test_given_prior(files, capsys):
    stated, _, _ = files
    status, out, _ = _run(capsys, "--prior", "cubic=1,tetragonal=0", stated)
    assert status == 0
    [row] = [line for line in out.splitlines() if line.startswith(str(stated))]
    assert row.split()[1] == "cubic"  # the only class left
    assert "class frequencies (given): cubic 1.00, hexagonal 0.00" in out
    status, out, err = _run(capsys, "--json", "--prior", "hexagonal=1", stated)
    [obj] = json.loads(out)  # stdout stays one JSON list
    assert obj["prediction"] == "hexagonal"
    assert obj["probabilities"]["hexagonal"] == pytest.approx(1.0)
    assert "class frequencies (given)" in err


def test_batch_prior_needs_enough_files(files, capsys):
    stated, plain, _ = files
    status, _, err = _run(capsys, "--prior", "batch", "--wavelength", "CuKa", stated)
    assert status == 1
    assert "at least 30 readable files" in err


@pytest.mark.parametrize("prior", ["banana", "cubic=x", "=0.5", "cubic=0.5,"])
def test_bad_prior_argument(files, capsys, prior):
    with pytest.raises(SystemExit) as exc:
        main(["predict", "--prior", prior, str(files[0])])
    assert exc.value.code == 2
    assert "class=frequency" in capsys.readouterr().err


@pytest.mark.parametrize(
    "prior, reason", [("banana=1", "banana"), ("cubic=0", "all be zero")]
)
def test_bad_prior_is_refused_before_reading_files(files, capsys, prior, reason):
    # files[1] cannot be predicted (no wavelength): the prior is checked first
    status, out, err = _run(capsys, "--prior", prior, *files)
    assert status == 2
    assert out == ""
    assert "--prior" in err and reason in err
    assert str(files[1]) not in err


@pytest.mark.shared_data
def test_every_measured_file(capsys):
    shared = get_shared_data_dir()
    if shared is None:
        pytest.skip("no shared validation data (../shared/data or SKLEARN_XRD_DATA)")
    root = shared / "experimental"
    paths = sorted(root.glob("rruff_dev/*.xy"))
    paths += sorted(root.glob("crystalyze/*/*.xy"))
    paths += sorted(root.glob("autoanalyzer_spectra/*.xy"))
    assert len(paths) > 299
    # the autoanalyzer files do not state their wavelength: Cu K-alpha; the
    # others state theirs (header or TOPAS file), which --wavelength would
    # override
    stating = [p for p in paths if "autoanalyzer_spectra" not in p.parts]
    plain = [p for p in paths if "autoanalyzer_spectra" in p.parts]
    results = []
    for extra, group in (([], stating), (["--wavelength", "CuKa"], plain)):
        status, out, err = _run(capsys, "--json", "--keep-going", *extra, *group)
        results += json.loads(out)
        assert status == 0, err
    assert [r["file"] for r in results] == list(map(str, stating + plain))
    errors = [r for r in results if "error" in r]
    assert not errors, errors[:3]
    for obj in results:
        _check_prediction(obj)
        assert obj["wavelength_source"] in ("header", "topas", "option")
        assert "stated_wavelength" not in obj


def test_space_groups_agree_with_the_crystal_system(files, capsys):
    stated, plain, _ = files
    status, out, err = _run(
        capsys,
        "--json",
        "--space-group",
        "--top-k",
        "4",
        "--wavelength",
        "CuKa",
        stated,
        plain,
    )
    assert status == 0, err
    from sklearn_xrd.utils import crystal_system_from_space_group, space_group_symbol

    for obj in json.loads(out):
        _check_prediction(obj)
        groups = obj["space_groups"]
        assert len(groups) == 4
        assert obj["space_group"] == groups[0]["number"]
        assert obj["space_group_symbol"] == space_group_symbol(obj["space_group"])
        probabilities = [g["probability"] for g in groups]
        assert probabilities == sorted(probabilities, reverse=True)
        # P(group) = P(system) x P(group | system): a system's groups share
        # its probability, so none exceeds it
        for g in groups:
            system = crystal_system_from_space_group(g["number"])
            assert g["probability"] <= obj["probabilities"][system] + 1e-9
    # the table lists them too
    status, out, _ = _run(capsys, "--space-group", "--wavelength", "CuKa", stated)
    assert status == 0 and "space groups" in out.splitlines()[0]


def test_prediction_sets_grow_with_the_coverage(files, capsys):
    stated, plain, _ = files
    sizes = []
    for coverage in ("0.5", "0.95"):
        status, out, err = _run(
            capsys,
            "--json",
            "--space-group",
            "--coverage",
            coverage,
            "--wavelength",
            "CuKa",
            stated,
            plain,
        )
        assert status == 0, err
        results = json.loads(out)
        for obj in results:
            chosen = obj["prediction_set"]
            assert chosen["coverage"] == float(coverage)
            assert set(chosen["crystal_systems"]) <= set(CRYSTAL_SYSTEMS)
            assert all(isinstance(n, int) for n in chosen["space_groups"])
        sizes.append(
            [
                (
                    len(r["prediction_set"]["crystal_systems"]),
                    len(r["prediction_set"]["space_groups"]),
                )
                for r in results
            ]
        )
    for low, high in zip(*sizes):
        assert low[0] <= high[0] and low[1] <= high[1]


@pytest.mark.parametrize("value", ["0", "1", "1.5", "nine"])
def test_coverage_must_be_a_probability(files, capsys, value):
    stated, *_ = files
    with pytest.raises(SystemExit) as info:
        main(["predict", "--coverage", value, str(stated)])
    assert info.value.code == 2
    assert "a probability in (0, 1)" in capsys.readouterr().err


@pytest.mark.skipif(get_shared_data_dir() is None, reason="no ../shared/data")
def test_space_group_and_sets_on_measured_files(capsys):
    """The options on the lab patterns (their own wavelengths) and a few RRUFF ones.

    Every file of ../shared/data/experimental: see the issue's closing note
    (the same command over all 315 files takes minutes).
    """
    root = get_shared_data_dir() / "experimental"
    paths = sorted((root / "crystalyze").rglob("*.xy"))
    paths += sorted((root / "rruff_dev").glob("*.xy"))[:5]
    status, out, err = _run(
        capsys, "--json", "--space-group", "--coverage", "0.9", "--cell", *paths
    )
    assert status == 0, err
    results = json.loads(out)
    assert len(results) == len(paths)
    for obj in results:
        _check_prediction(obj)
        assert obj["space_groups"] and obj["prediction_set"]["crystal_systems"]
        assert "cell" in obj
