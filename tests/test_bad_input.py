"""What a careful user and a security reviewer tried (issue 19), item by item."""

import io
import json
import re
import time
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.utils import check_array

from sklearn_xrd.cli import main
from sklearn_xrd.datasets import get_shared_data_dir, load_cif_directory
from sklearn_xrd.io import read_pattern
from sklearn_xrd.pretrained import predict_files
from sklearn_xrd.utils import CRYSTAL_SYSTEMS

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
MO_KA = 0.7093


def _peaks(x, positions, height=100.0):
    return height * sum(np.exp(-0.5 * ((x - p) / 0.05) ** 2) for p in positions)


def _xy(path, x, y, header=None):
    np.savetxt(path, np.c_[x, y], header=header or "")
    return path


GOOD_PEAKS = (21.4, 30.5, 37.6, 43.7, 49.3, 54.5, 63.9, 72.6)


class _ConfidentModel:
    """Stand-in for the shipped model: sklearn's input checks, one confident
    class; records what it was given."""

    classes_ = np.array(CRYSTAL_SYSTEMS)

    def __init__(self, fail_above=None):
        self.fail_above = fail_above
        self.seen = []

    def predict_proba(self, X):
        self.seen.append(X)
        X = check_array(X)  # refuses NaN and infinity, like the real pipeline
        if self.fail_above is not None and np.any(X.max(axis=1) > self.fail_above):
            raise ValueError("Input contains a value the model cannot handle")
        proba = np.full((len(X), len(self.classes_)), 0.1 / (len(self.classes_) - 1))
        proba[:, 0] = 0.9
        return proba


def _predict(paths, **kwargs):
    kwargs.setdefault("model", _ConfidentModel())
    kwargs.setdefault("low_certainty_threshold", 0.5)
    return predict_files(paths, **kwargs)


# ------------------------------------------------------------ 1. TOPAS files
TOPAS = "xdd {name}\n  lam\n    ymin_on_ymax 0.001\n    la 1 lo 0.406626 lh 0.5\n"


def test_unrelated_topas_file_sets_no_wavelength(tmp_path):
    x = np.arange(10.0, 85.0, 0.02)
    plain = _xy(tmp_path / "MnO.xy", x, _peaks(x, GOOD_PEAKS))
    (tmp_path / "K_Bi_O_postheat_054.inp").write_text(
        TOPAS.format(name="K_Bi_O_postheat_054.xy")
    )
    assert read_pattern(plain).wavelength is None
    [result] = _predict([plain], wavelength="CuKa")
    assert result["wavelength"] == "CuKa"
    assert result["wavelength_source"] == "option"
    [result] = _predict([plain], errors="report")
    assert "wavelength unknown" in result["error"]


def test_topas_file_naming_the_data_file_is_used(tmp_path):
    x = np.arange(3.0, 40.0, 0.01)
    data = _xy(tmp_path / "scan_raw.xy", x, _peaks(x, (8.1, 9.5, 12.2, 15.0, 17.3)))
    (tmp_path / "refinement.inp").write_text(TOPAS.format(name="scan_raw.xy"))
    [result] = _predict([data])
    assert result["wavelength"] == pytest.approx(0.406626)
    assert result["wavelength_source"] == "topas"
    assert result["wavelength_file"] == "refinement.inp"


# ------------------------------------------------------------ 2. precedence
def test_option_overrides_a_stated_wavelength_and_says_so(tmp_path, capsys):
    x = np.arange(10.0, 85.0, 0.02)
    path = _xy(tmp_path / "s.xy", x, _peaks(x, GOOD_PEAKS), f"lambda={MO_KA} A")
    [stated] = _predict([path])
    assert stated["wavelength"] == pytest.approx(MO_KA)
    assert stated["wavelength_source"] == "header"
    assert "stated_wavelength" not in stated
    [corrected] = _predict([path], wavelength="CuKa")
    assert corrected["wavelength"] == "CuKa"
    assert corrected["wavelength_source"] == "option"
    assert corrected["stated_wavelength"] == pytest.approx(MO_KA)
    assert corrected["stated_wavelength_source"] == "header"
    # the command line reports the same
    status = main(["predict", "--json", "--wavelength", "CuKa", str(path)])
    [obj] = json.loads(capsys.readouterr().out)
    assert status == 0
    assert obj["wavelength_source"] == "option"
    assert obj["stated_wavelength"] == pytest.approx(MO_KA)


# ------------------------------------------------------------ 3. partial scans
def test_partial_scan_is_flagged_with_its_reason(tmp_path):
    x = np.arange(20.0, 40.0, 0.02)  # 20-40 deg: under a quarter of 5-90
    path = _xy(tmp_path / "cut.xy", x, _peaks(x, (21.4, 30.5, 37.6)), "Cu Ka")
    [result] = _predict([path])
    assert result["certainty"] == pytest.approx(0.9)  # confident, yet flagged
    assert result["low_certainty"] is True
    assert result["coverage"] == pytest.approx(20 / 85, abs=0.01)
    assert any("covers 24%" in r for r in result["low_certainty_reasons"])


def test_few_peaks_are_flagged(tmp_path):
    x = np.arange(5.0, 90.0, 0.02)
    path = _xy(tmp_path / "two.xy", x, _peaks(x, (30.0, 50.0)), "Cu Ka")
    [result] = _predict([path])
    assert result["low_certainty"] is True
    assert result["n_peaks"] == 2
    assert any("2 peak(s)" in r for r in result["low_certainty_reasons"])
    full = _xy(tmp_path / "full.xy", x, _peaks(x, GOOD_PEAKS), "Cu Ka")
    [result] = _predict([full])
    assert result["low_certainty"] is False
    assert result["low_certainty_reasons"] == []


@pytest.mark.parametrize(
    "name, body, reason",
    [
        ("two_points.xy", "# Cu Ka\n20 5\n60 9\n", "2 measured point"),
        ("flat.xy", "# Cu Ka\n" + "".join(f"{t} 7\n" for t in range(10, 80)), "peak"),
        (
            "sliver.xy",
            "# Cu Ka\n" + "".join(f"{20 + t / 100} {t % 7}\n" for t in range(300)),
            "covers 4%",
        ),
    ],
)
def test_hopeless_scans_are_refused(tmp_path, name, body, reason):
    path = tmp_path / name
    path.write_text(body)
    [result] = _predict([path], errors="report")
    assert str(path) in result["error"] and reason in result["error"]


@pytest.mark.shared_data
def test_rruff_patterns_cut_to_20_40_are_flagged(tmp_path):
    shared = get_shared_data_dir()
    if shared is None:
        pytest.skip("no shared validation data (../shared/data or SKLEARN_XRD_DATA)")
    files = sorted((shared / "experimental" / "rruff_dev").glob("*.xy"))[:10]
    cut = []
    for f in files:
        p = read_pattern(f)
        keep = (p.two_theta >= 20) & (p.two_theta <= 40)
        cut.append(
            _xy(tmp_path / f.name, p.two_theta[keep], p.intensity[keep], "Cu Ka")
        )
    full = predict_files(files, errors="report", low_certainty_threshold=0.0)
    partial = predict_files(cut, errors="report", low_certainty_threshold=0.0)
    assert all("error" not in r for r in full + partial)
    assert not any(
        any("covers" in why for why in r["low_certainty_reasons"]) for r in full
    )
    assert all(r["low_certainty"] for r in partial)


# ------------------------------------------------------------ 4. one bad file
EMPTY_DATUM_BRML = """<?xml version="1.0" encoding="utf-8"?>
<RawData><DataRoutes><DataRoute>
  <Datum>1,1,20.00,10.00,100</Datum><Datum/><Datum>1,1,20.04,10.02,120</Datum>
</DataRoute></DataRoutes></RawData>
"""


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_empty_datum_is_a_value_error_naming_the_file(tmp_path):
    path = tmp_path / "empty_datum.brml"
    path.write_bytes(_zip({"Experiment0/RawData0.xml": EMPTY_DATUM_BRML}))
    with pytest.raises(ValueError, match=r"empty_datum\.brml.*<Datum> 2.*empty"):
        read_pattern(path)


@FUZZ
@given(
    datum=st.text(
        alphabet=st.sampled_from(list("0123456789.,-eE naif\t")), max_size=40
    ),
    n=st.integers(0, 4),
)
def test_fuzz_brml_datum_raises_only_value_error(tmp_path, datum, n):
    body = "".join(f"<Datum>1,1,{20 + i / 50},1,{i}</Datum>" for i in range(n))
    xml = f"<RawData><DataRoute>{body}<Datum>{datum}</Datum></DataRoute></RawData>"
    path = tmp_path / "fuzz.brml"
    path.write_bytes(_zip({"RawData0.xml": xml}))
    try:
        p = read_pattern(path)
    except ValueError as exc:
        assert "fuzz.brml" in str(exc)
    else:
        assert len(p) >= 2


def test_overflowing_intensities_fail_only_their_file(tmp_path):
    x = np.arange(10.0, 85.0, 0.02)
    good = _xy(tmp_path / "good.xy", x, _peaks(x, GOOD_PEAKS), "Cu Ka")
    huge = _xy(tmp_path / "huge.xy", x, _peaks(x, GOOD_PEAKS, 1e40), "Cu Ka")
    results = _predict([huge, good], errors="report")
    assert [r["file"] for r in results] == [str(huge), str(good)]
    assert str(huge) in results[0]["error"] and "1e+40" in results[0]["error"]
    assert results[1]["prediction"] == CRYSTAL_SYSTEMS[0]


def test_a_row_the_model_fails_on_fails_only_its_file(tmp_path):
    x = np.arange(10.0, 85.0, 0.02)
    good = _xy(tmp_path / "good.xy", x, _peaks(x, GOOD_PEAKS), "Cu Ka")
    odd = _xy(tmp_path / "odd.xy", x, _peaks(x, GOOD_PEAKS, 5000.0), "Cu Ka")
    model = _ConfidentModel(fail_above=1000)
    results = _predict([good, odd, good], errors="report", model=model)
    assert "prediction" in results[0] and "prediction" in results[2]
    assert results[1]["error"].startswith(str(odd))
    with pytest.raises(ValueError, match=r"odd\.xy"):
        _predict([good, odd], model=_ConfidentModel(fail_above=1000))


@FUZZ
@given(
    lines=st.lists(
        st.text(alphabet=st.sampled_from(list("0123456789.-e ,#naif\t")), max_size=30),
        max_size=40,
    )
)
def test_fuzz_report_mode_gives_one_entry_per_file(tmp_path, lines):
    x = np.arange(10.0, 85.0, 0.02)
    good = _xy(tmp_path / "good.xy", x, _peaks(x, GOOD_PEAKS), "Cu Ka")
    fuzz = tmp_path / "fuzz.xy"
    fuzz.write_text("# Cu Ka\n" + "\n".join(lines))
    results = _predict([fuzz, good], errors="report")
    assert [r["file"] for r in results] == [str(fuzz), str(good)]
    assert "prediction" in results[1]
    assert "prediction" in results[0] or str(fuzz) in results[0]["error"]


def _bad_inputs(folder):
    """One file for each kind of bad input of issue 19, and two good files."""
    x = np.arange(10.0, 85.0, 0.02)
    files = {
        "good_cu.xy": None,
        "empty.xy": b"",
        "binary.xy": bytes(range(256)) * 4,
        "mismatch.xy": b"10 5\n10.02 6\n10.04\n",
        "empty_datum.brml": _zip({"RawData0.xml": EMPTY_DATUM_BRML}),
        "not_a_zip.brml": b"PK\x03\x04 truncated",
        "truncated.xrdml": b"<?xml version='1.0'?><xrdMeasurements><scan>",
        "entities_utf16.xrdml": (
            '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x '
            '[<!ENTITY a "b">]><xrdMeasurements>&a;</xrdMeasurements>'
        ).encode("utf-16"),
        "two_points.xy": b"# Cu Ka\n20 5\n60 9\n",
        "wrong_unit.xy": b"# wavelength = 154.06\n" + b"20 5\n20.02 6\n" * 1,
        "structure.cif": b"data_x\n_cell_length_a 5\n_atom_site_label Na\n",
        "a_folder.xy": "dir",
        "good_mo.xy": None,
    }
    paths = []
    for name, content in files.items():
        path = folder / name
        if name == "good_cu.xy":
            _xy(path, x, _peaks(x, GOOD_PEAKS), "lambda=1.5406 A")
        elif name == "good_mo.xy":
            # the same d-spacings measured with Mo K-alpha
            mo = np.arange(4.0, 42.0, 0.01)
            ratio = MO_KA / 1.5406
            centres = [
                2 * np.degrees(np.arcsin(ratio * np.sin(np.radians(p) / 2)))
                for p in GOOD_PEAKS
            ]
            _xy(path, mo, _peaks(mo, centres), f"lambda={MO_KA} A")
        elif content == "dir":
            path.mkdir()
        else:
            path.write_bytes(content)
        paths.append(path)
    huge = _xy(folder / "huge.xy", x, _peaks(x, GOOD_PEAKS, 1e40), "Cu Ka")
    tiny = _xy(folder / "subnormal.xy", x, _peaks(x, GOOD_PEAKS, 1e-43), "Cu Ka")
    return [*paths, huge, tiny, folder / "missing.xy"]


def test_keep_going_over_every_bad_input(tmp_path, capsys):
    paths = _bad_inputs(tmp_path)
    status = main(["predict", "--json", "--keep-going", *map(str, paths)])
    captured = capsys.readouterr()
    results = json.loads(captured.out)
    assert status == 1  # some failed
    assert [r["file"] for r in results] == list(map(str, paths))
    good = {"good_cu.xy", "good_mo.xy"}
    for path, r in zip(paths, results):
        if path.name in good:
            assert r["prediction"] in CRYSTAL_SYSTEMS, r
        else:
            assert set(r) == {"file", "error"}, r
            assert r["error"].startswith(str(path)), r
            assert str(path) in captured.err
    # without the bad files the same command succeeds
    status = main(["predict", "--json", *(str(p) for p in paths if p.name in good)])
    assert status == 0
    capsys.readouterr()


# ------------------------------------------------------------ 6. one dtype
def test_predict_files_feeds_the_rows_load_rruff_makes(tmp_path):
    from sklearn_xrd.preprocessing import resample_pattern
    from sklearn_xrd.simulation import resampling_params

    x = np.arange(5.0, 90.0, 0.01)
    y = _peaks(x, GOOD_PEAKS, 987.654321) + 3.0
    path = _xy(tmp_path / "r.xy", x, y, "lambda=1.5418 A")
    model = _ConfidentModel()
    _predict([path], model=model)
    p = read_pattern(path, find_topas=False)
    expected = resample_pattern(
        p.two_theta, p.intensity, wavelength=p.wavelength, **resampling_params()
    )
    [X] = model.seen
    assert X.dtype == expected.dtype == np.float64
    np.testing.assert_array_equal(X[0], expected)


@pytest.mark.shared_data
def test_cli_path_equals_benchmark_path_on_rruff():
    from sklearn_xrd.datasets import load_rruff
    from sklearn_xrd.pretrained import load
    from sklearn_xrd.simulation import resampling_params

    shared = get_shared_data_dir()
    if shared is None:
        pytest.skip("no shared validation data (../shared/data or SKLEARN_XRD_DATA)")
    folder = shared / "experimental" / "rruff_dev"
    rruff = load_rruff(folder, **resampling_params())
    model = load()
    names = list(rruff.filenames[:25])
    results = predict_files(
        [folder / n for n in names], model=model, low_certainty_threshold=0.0
    )
    proba = model.predict_proba(rruff.data[:25])
    got = np.array(
        [[r["probabilities"][str(c)] for c in model.classes_] for r in results]
    )
    np.testing.assert_array_equal(got, proba)


# ------------------------------------------------------------ 7. slow CIFs
def _nacl_cif():
    from pymatgen.core import Lattice, Structure

    nacl = Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]]
    )
    return nacl.to(fmt="cif")


def _many_operations_cif(n_ops):
    """A P1 cell that lists ``n_ops`` (repeated) symmetry operations."""
    ops = "".join(f"  {i + 1} 'x, y, z'\n" for i in range(n_ops))
    return (
        "data_slow\n_cell_length_a 30\n_cell_length_b 30\n_cell_length_c 30\n"
        "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"
        "loop_\n _symmetry_equiv_pos_site_id\n _symmetry_equiv_pos_as_xyz\n"
        + ops
        + "loop_\n _atom_site_label\n _atom_site_type_symbol\n"
        " _atom_site_fract_x\n _atom_site_fract_y\n _atom_site_fract_z\n"
        " _atom_site_occupancy\n"
        + "".join(f"  Na{i} Na {i / 50:.3f} 0.1 0.2 1\n" for i in range(20))
    )


def test_cif_with_thousands_of_operations_is_skipped_quickly(tmp_path):
    (tmp_path / "nacl.cif").write_text(_nacl_cif())
    (tmp_path / "slow.cif").write_text(_many_operations_cif(5000))
    t0 = time.perf_counter()
    bunch = load_cif_directory(tmp_path)
    assert time.perf_counter() - t0 < 20
    reasons = dict((name.rsplit("/", 1)[-1], r) for name, r in bunch.skipped)
    assert "5000 symmetry operations" in reasons["slow.cif"]
    assert len(bunch.data) == 1


def test_cif_over_max_sites_or_timeout_is_skipped(tmp_path):
    (tmp_path / "many.cif").write_text(_many_operations_cif(150))
    bunch = load_cif_directory(tmp_path, max_sites=1000)
    [(_, reason)] = bunch.skipped
    assert "3000 sites" in reason and "max_sites=1000" in reason
    bunch = load_cif_directory(tmp_path, max_sites=None, timeout=0.01)
    [(_, reason)] = bunch.skipped
    assert "timeout=0.01" in reason


# ------------------------------------------------------------ 8. BRML bombs
def test_brml_inflation_is_capped(tmp_path, monkeypatch):
    from sklearn_xrd.io import _bruker

    monkeypatch.setattr(_bruker, "MAX_INFLATED_BYTES", 100_000)
    padding = "<Pad>" + " " * 200_000 + "</Pad>"
    bomb = _zip({"RawData0.xml": f"<RawData>{padding}</RawData>"})
    assert len(bomb) < 5_000
    path = tmp_path / "bomb.brml"
    path.write_bytes(bomb)
    with pytest.raises(ValueError, match=r"bomb\.brml.*inflates"):
        read_pattern(path)


def test_brml_member_count_is_capped(tmp_path, monkeypatch):
    from sklearn_xrd.io import _bruker

    monkeypatch.setattr(_bruker, "MAX_MEMBERS", 50)
    members = {f"junk{i}.xml": "<a/>" for i in range(60)}
    members["RawData0.xml"] = EMPTY_DATUM_BRML
    path = tmp_path / "many.brml"
    path.write_bytes(_zip(members))
    with pytest.raises(ValueError, match=r"many\.brml.*61 members"):
        read_pattern(path)


def test_brml_parses_only_the_data_member(tmp_path):
    xml = EMPTY_DATUM_BRML.replace("<Datum/>", "")
    members = {"RawData0.xml": xml, "Experiment0/Other.xml": "<broken"}
    path = tmp_path / "s.brml"
    path.write_bytes(_zip(members))
    p = read_pattern(path)  # the broken member is never parsed
    assert len(p) == 2 and p.wavelength is None


# ------------------------------------------------------------ 9. one path
@pytest.mark.parametrize("arg", ["one/path.xy", b"one/path.xy"])
def test_predict_files_refuses_a_single_path(arg, tmp_path):
    with pytest.raises(TypeError, match="list of paths.*pass \\[path\\]"):
        predict_files(arg, model=_ConfidentModel(), low_certainty_threshold=0.5)
    with pytest.raises(TypeError, match="list of paths"):
        predict_files(tmp_path / "x.xy", model=_ConfidentModel())


# ------------------------------------------------------------ 10. lesser ones
def test_cif_directory_reads_upper_case_suffix_and_names_bad_cells(tmp_path):
    text = _nacl_cif()
    (tmp_path / "NACL.CIF").write_text(text)
    (tmp_path / "negative.cif").write_text(
        re.sub(r"_cell_length_a\s+\S+", "_cell_length_a -5.64", text)
    )
    (tmp_path / "enormous.cif").write_text(
        re.sub(r"_cell_length_b\s+\S+", "_cell_length_b 1e308", text)
    )
    (tmp_path / "no_fract_y.cif").write_text(
        "data_x\n_cell_length_a 3\n_cell_length_b 3\n_cell_length_c 3\n"
        "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"
        "loop_\n_atom_site_label\n_atom_site_fract_x\nNa1 0\n"
    )
    bunch = load_cif_directory(tmp_path)
    assert [f.rsplit("/", 1)[-1] for f in bunch.filenames] == ["NACL.CIF"]
    reasons = {name.rsplit("/", 1)[-1]: r for name, r in bunch.skipped}
    assert len(bunch.data) + len(reasons) == 4
    assert "length a = -5.64" in reasons["negative.cif"]
    assert "length b = 1e+308" in reasons["enormous.cif"]
    assert "_atom_site_fract_y" in reasons["no_fract_y.cif"]
    assert "no structures" not in reasons["no_fract_y.cif"]


def test_utf16_cannot_hide_entity_declarations(tmp_path):
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE x [<!ENTITY a "b">]>'
        "<xrdMeasurements>&a;</xrdMeasurements>"
    )
    for encoding in ("utf-16", "utf-16-le", "utf-16-be"):  # with and without BOM
        path = tmp_path / f"{encoding}.xrdml"
        path.write_bytes(xml.encode(encoding))
        with pytest.raises(ValueError, match=rf"{encoding}\.xrdml: .*(entities|malf)"):
            read_pattern(path)
    path = tmp_path / "declared.xrdml"
    path.write_bytes(xml.replace("UTF-16", "UTF-16LE").encode("utf-16-le"))
    with pytest.raises(ValueError, match=r"declared\.xrdml: "):
        read_pattern(path)


def test_header_wavelength_in_a_wrong_unit_is_named(tmp_path):
    x = np.arange(10.0, 85.0, 0.02)
    path = _xy(tmp_path / "pm.xy", x, _peaks(x, GOOD_PEAKS), "wavelength = 154.06")
    [result] = _predict([path], errors="report")
    assert "wavelength unknown" in result["error"]
    assert "154.06" in result["error"] and "unit" in result["error"]


def test_a_directory_is_not_reported_missing(tmp_path):
    folder = tmp_path / "scans.xy"
    folder.mkdir()
    [result] = _predict([folder], errors="report")
    assert "directory" in result["error"] and "no such file" not in result["error"]


def test_subnormal_intensities_are_refused(tmp_path):
    x = np.arange(10.0, 85.0, 0.02)
    path = _xy(tmp_path / "tiny.xy", x, _peaks(x, GOOD_PEAKS, 1e-43), "Cu Ka")
    [result] = _predict([path], errors="report")
    assert str(path) in result["error"] and "rescale" in result["error"]
