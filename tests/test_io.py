"""Readers of measured patterns: formats, errors, fuzzing and the real files."""

import io
import struct
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sklearn_xrd.io import Pattern, read_pattern, read_topas_wavelength

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def write(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content)
    else:
        path.write_bytes(content)
    return path


# ---------------------------------------------------------------- text
@pytest.mark.parametrize("sep", [" ", "  ", "\t", ",", ", ", ";"])
def test_text_delimiters(tmp_path, sep):
    rows = "\n".join(f"{10 + 0.02 * i:.2f}{sep}{i * i}" for i in range(5))
    path = write(tmp_path, "p.csv", f"2theta{sep}intensity\n{rows}\n")
    p = read_pattern(path)
    assert isinstance(p, Pattern)
    np.testing.assert_allclose(p.two_theta, 10 + 0.02 * np.arange(5))
    np.testing.assert_allclose(p.intensity, np.arange(5) ** 2)
    assert p.sigma is None and p.wavelength is None
    assert p.source == str(path)
    assert p.metadata["header"] == [f"2theta{sep}intensity".strip()]


def test_text_comments_header_and_wavelength(tmp_path):
    content = (
        "# measured on a lab diffractometer\n"
        "! another comment\n"
        "; and one more\n"
        "Sample: quartz, wavelength = 0.15406 nm\n"
        "5.00 1.0e2 # inline note\n"
        "5.02 1.1E+02\n"
        "5.04 1.2D+02\n"
    )
    p = read_pattern(write(tmp_path, "q.dat", content))
    np.testing.assert_allclose(p.intensity, [100, 110, 120])
    assert p.wavelength == pytest.approx(1.5406)
    assert p.metadata["wavelength_source"] == "header"


def test_tube_line_in_header(tmp_path):
    p = read_pattern(write(tmp_path, "m.xy", "# Mo K-alpha\n5 1\n6 2\n"))
    assert p.wavelength == pytest.approx(0.71073)


def test_wavelength_argument_overrides(tmp_path):
    path = write(tmp_path, "q.xy", "# lambda=1.5418\n5 1\n6 2\n")
    p = read_pattern(path, wavelength="MoKa1")
    assert p.wavelength == pytest.approx(0.7093)
    assert p.metadata["wavelength_source"] == "argument"
    assert p.metadata["file_wavelength"] == pytest.approx(1.5418)
    assert read_pattern(path, wavelength=0.5).wavelength == 0.5
    with pytest.raises(ValueError, match="q.xy"):
        read_pattern(path, wavelength="XyKa")


def test_xye_sigma_and_extra_columns(tmp_path):
    p = read_pattern(write(tmp_path, "a.xye", "10 100 10\n11 400 20\n12 900 30\n"))
    np.testing.assert_allclose(p.sigma, [10, 20, 30])
    # a third column like a fitted background is not sigma
    q = read_pattern(write(tmp_path, "b.xy", "10 100 95\n11 120 90\n12 900 85\n"))
    assert q.sigma is None
    np.testing.assert_allclose(q.metadata["extra_columns"][:, 0], [95, 90, 85])
    # sqrt(I) errors in a .dat file are recognised
    r = read_pattern(write(tmp_path, "c.dat", "10 100 10\n11 400 20\n12 900 30\n"))
    np.testing.assert_allclose(r.sigma, [10, 20, 30])


def test_descending_scan_is_reversed(tmp_path):
    p = read_pattern(write(tmp_path, "d.xy", "12 3\n11 2\n10 1\n"))
    np.testing.assert_allclose(p.two_theta, [10, 11, 12])
    np.testing.assert_allclose(p.intensity, [1, 2, 3])
    assert p.metadata["reversed"]


def test_crlf_and_utf16(tmp_path):
    p = read_pattern(write(tmp_path, "w.xy", b"10.0\t5\r\n10.1\t6\r\n"))
    np.testing.assert_allclose(p.intensity, [5, 6])
    q = read_pattern(write(tmp_path, "u.txt", "10 5\n11 6\n".encode("utf-16")))
    np.testing.assert_allclose(q.intensity, [5, 6])


CIF = """data_NaCl
_cell_length_a 5.64
_symmetry_space_group_name_H-M 'F m -3 m'
loop_
_atom_site_label
Na 0 0 0
"""
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.xy", "", "empty file"),
        ("blank.xy", "\n  \n\t\n", "empty file"),
        ("words.xy", "# only a header\nhello world\n", "no numeric data"),
        ("one.xy", "10 5\n", "at least 2"),
        ("onecol.xy", "10\n11\n12\n", "no numeric data"),
        ("nan.xy", "10 5\n11 nan\n12 7\n", "non-finite intensity"),
        ("inf.xy", "10 5\n11 inf\n", "non-finite"),
        ("unsorted.xy", "10 5\n12 6\n11 7\n", "not strictly monotonic"),
        ("repeat.xy", "10 5\n10 6\n11 7\n", "not strictly monotonic"),
        ("truncated.xy", "10 5\n11 6\n12", "line 3"),
        ("middle.xy", "10 5\nfoo bar\n11 6\n", "line 2"),
        ("angles.xy", "1000 5\n2000 6\n", "outside"),
        ("struct.xy", CIF, "CIF"),
        ("image.xy", PNG, "binary"),
        ("nul.dat", b"10 5\n\x00\x01\x02", "binary"),
        ("page.txt", "<html><body>10 5</body></html>", "markup"),
    ],
)
def test_text_errors_name_the_file(tmp_path, name, content, reason):
    path = write(tmp_path, name, content)
    with pytest.raises(ValueError, match=reason) as info:
        read_pattern(path)
    assert name in str(info.value)


def test_footer_is_kept(tmp_path):
    p = read_pattern(write(tmp_path, "f.xy", "10 5\n11 6\nEND of data\n"))
    assert len(p) == 2 and p.metadata["footer"] == ["END of data"]


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothere.xy"):
        read_pattern(tmp_path / "nothere.xy")


def test_unknown_suffix(tmp_path):
    p = read_pattern(write(tmp_path, "scan.abc", "10 5\n11 6\n"))
    assert len(p) == 2
    with pytest.raises(ValueError, match=r"scan\.bin.*unknown format '\.bin'"):
        read_pattern(write(tmp_path, "scan.bin", bytes(range(256)) * 4))


# ---------------------------------------------------------------- fuzzing
@FUZZ
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".xy", ".dat", ".zz"]))
def test_fuzz_bytes_raise_only_value_error(tmp_path, data, suffix):
    path = write(tmp_path, "fuzz" + suffix, data)
    try:
        p = read_pattern(path, find_topas=False)
    except ValueError as exc:
        assert "fuzz" in str(exc)
    else:
        assert len(p) >= 2 and np.all(np.diff(p.two_theta) > 0)


@FUZZ
@given(
    text=st.text(
        alphabet=st.sampled_from(list("0123456789.-+eE ,;\t\n#!naif")), max_size=300
    )
)
def test_fuzz_numeric_text_raise_only_value_error(tmp_path, text):
    path = write(tmp_path, "fuzz.xy", text)
    try:
        p = read_pattern(path, find_topas=False)
    except ValueError as exc:
        assert "fuzz.xy" in str(exc)
    else:
        assert np.isfinite(p.intensity).all() and len(p) >= 2


@FUZZ
@given(
    n=st.integers(2, 60),
    start=st.floats(-20, 100),
    step=st.floats(1e-3, 1.0),
    data=st.data(),
    sep=st.sampled_from([" ", "\t", ",", ";", ", "]),
    with_sigma=st.booleans(),
)
def test_fuzz_round_trip(tmp_path, n, start, step, data, sep, with_sigma):
    two_theta = start + step * np.arange(n)
    if two_theta[-1] >= 180:
        return
    finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
    intensity = data.draw(hnp.arrays(np.float64, n, elements=finite))
    columns = [two_theta, intensity]
    if with_sigma:
        columns.append(data.draw(hnp.arrays(np.float64, n, elements=st.floats(0, 1e3))))
    body = "\n".join(sep.join(repr(float(v)) for v in row) for row in zip(*columns))
    path = write(tmp_path, "rt.xye" if with_sigma else "rt.xy", body + "\n")
    p = read_pattern(path, find_topas=False)
    np.testing.assert_array_equal(p.two_theta, two_theta)
    np.testing.assert_array_equal(p.intensity, intensity)
    if with_sigma:
        np.testing.assert_array_equal(p.sigma, columns[2])


# ---------------------------------------------------------------- TOPAS
TOPAS = """r_wp 10.0
xdd {name}
\tx_calculation_step 0.02
\tlam
\t\tymin_on_ymax  0.001
\t\tla  1 lo 1.540562 lh 0.5 ' Cu Ka1
\t\tla  0.5 lo 1.544398`_0.0001 lh 0.5
\tbkg @ 1 2 3
\tstart_X 5.00
"""


def test_topas_wavelength_and_sibling(tmp_path):
    inp = write(tmp_path, "scan.inp", TOPAS.format(name="scan.xy"))
    assert read_topas_wavelength(inp) == pytest.approx(
        (1.540562 + 0.5 * 1.544398) / 1.5
    )
    p = read_pattern(write(tmp_path, "scan.xy", "10 5\n11 6\n"))
    assert p.wavelength == pytest.approx(1.54184, abs=1e-4)
    assert p.metadata["wavelength_source"] == "topas:scan.inp"
    assert read_pattern(tmp_path / "scan.xy", find_topas=False).wavelength is None


def test_topas_without_lam(tmp_path):
    with pytest.raises(ValueError, match="no 'lam' block"):
        read_topas_wavelength(write(tmp_path, "x.inp", "xdd a.xy\n bkg @ 1 2\n"))


# ---------------------------------------------------------------- Rigaku RAS
RAS = """*RAS_DATA_START
*RAS_HEADER_START
*FILE_COMMENT "test"
*HW_XG_TARGET_NAME "Cu"
*HW_XG_WAVE_LENGTH_ALPHA1 "1.540593"
*HW_XG_WAVE_LENGTH_ALPHA2 "1.544414"
*MEAS_SCAN_START "10.0000"
*MEAS_SCAN_STEP "0.0200"
*RAS_HEADER_END
*RAS_INT_START
10.0000 100 1.0000
10.0200 150 2.0000
10.0400 120 1.0000
*RAS_INT_END
*RAS_DATA_END
"""


def test_ras(tmp_path):
    p = read_pattern(write(tmp_path, "s.ras", RAS))
    np.testing.assert_allclose(p.two_theta, [10, 10.02, 10.04])
    np.testing.assert_allclose(p.intensity, [100, 300, 120])  # times attenuation
    assert p.wavelength == pytest.approx((1.540593 + 0.5 * 1.544414) / 1.5)
    assert p.metadata["header"]["HW_XG_TARGET_NAME"] == "Cu"
    assert p.metadata["format"] == "ras"


def test_ras_errors(tmp_path):
    with pytest.raises(ValueError, match=r"t\.ras.*truncated"):
        read_pattern(write(tmp_path, "t.ras", RAS.split("*RAS_INT_END")[0]))
    with pytest.raises(ValueError, match="not a Rigaku RAS"):
        read_pattern(write(tmp_path, "n.ras", "10 5\n11 6\n"))


# ---------------------------------------------------------------- XRDML
XRDML = """<?xml version="1.0" encoding="UTF-8"?>
<xrdMeasurements xmlns="http://www.xrdml.com/XRDMeasurement/1.5"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" status="Completed">
  <sample type="To be analyzed"><id>1</id><name>quartz</name></sample>
  <xrdMeasurement measurementType="Scan" status="Completed">
    <usedWavelength intended="{intended}">
      <kAlpha1 unit="Angstrom">1.5405980</kAlpha1>
      <kAlpha2 unit="Angstrom">1.5444260</kAlpha2>
      <kBeta unit="Angstrom">1.3922500</kBeta>
      <ratioKAlpha2KAlpha1>0.5000</ratioKAlpha2KAlpha1>
    </usedWavelength>
    <scan appendNumber="0" mode="Continuous" scanAxis="Gonio" status="Completed">
      <dataPoints>
        <positions axis="2Theta" unit="deg">{positions}</positions>
        <positions axis="Omega" unit="deg">
          <startPosition>5.0</startPosition><endPosition>6.0</endPosition>
        </positions>
        <commonCountingTime unit="seconds">1.0</commonCountingTime>
        <{tag} unit="counts">10 20 30 40 50</{tag}>
      </dataPoints>
    </scan>
  </xrdMeasurement>
</xrdMeasurements>
"""
START_END = "<startPosition>10.0</startPosition><endPosition>10.08</endPosition>"
LISTED = "<listPositions>10.0 10.02 10.04 10.06 10.08</listPositions>"


@pytest.mark.parametrize("positions", [START_END, LISTED])
@pytest.mark.parametrize("tag", ["intensities", "counts"])
def test_xrdml(tmp_path, positions, tag):
    text = XRDML.format(intended="K-Alpha", positions=positions, tag=tag)
    p = read_pattern(write(tmp_path, "s.xrdml", text))
    np.testing.assert_allclose(p.two_theta, 10 + 0.02 * np.arange(5))
    np.testing.assert_allclose(p.intensity, [10, 20, 30, 40, 50])
    assert p.wavelength == pytest.approx((1.540598 + 0.5 * 1.544426) / 1.5)
    assert p.metadata["format"] == "xrdml"


def test_xrdml_alpha1_and_errors(tmp_path):
    text = XRDML.format(intended="K-Alpha 1", positions=START_END, tag="intensities")
    assert read_pattern(write(tmp_path, "a.xrdml", text)).wavelength == 1.540598
    with pytest.raises(ValueError, match=r"b\.xrdml.*malformed"):
        read_pattern(write(tmp_path, "b.xrdml", text[: len(text) // 2]))
    with pytest.raises(ValueError, match="not an XRDML"):
        read_pattern(write(tmp_path, "c.xrdml", "<?xml version='1.0'?><a/>"))
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    with pytest.raises(ValueError, match="entities"):
        read_pattern(write(tmp_path, "d.xrdml", bomb))
    short = text.replace("10 20 30 40 50", "10")
    with pytest.raises(ValueError, match="at least 2"):
        read_pattern(write(tmp_path, "e.xrdml", short))


# ---------------------------------------------------------------- Bruker BRML
RAWDATA = """<?xml version="1.0" encoding="utf-8"?>
<RawData xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <FixedInformation><Instrument><PrimaryTracks><TrackInfoData><MountedOptics>
    <InfoData><Tube>
      <WaveLengthAlpha1 Value="1.5406" Unit="Angstrom" />
      <WaveLengthAlpha2 Value="1.54439" Unit="Angstrom" />
      <WaveLengthRatio Value="0.5" />
    </Tube></InfoData>
  </MountedOptics></TrackInfoData></PrimaryTracks></Instrument></FixedInformation>
  <DataRoutes><DataRoute>
    <ScanInformation><MeasurementPoints>4</MeasurementPoints></ScanInformation>
    <Datum>1,1,20.00,10.00,100</Datum>
    <Datum>1,1,20.02,10.01,110</Datum>
    <Datum>1,0,20.04,10.02,999</Datum>
    <Datum>1,1,20.06,10.03,130</Datum>
  </DataRoute></DataRoutes>
</RawData>
"""


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_brml(tmp_path):
    data = _zip({"Experiment0/RawData0.xml": RAWDATA, "[Content_Types].xml": "<a/>"})
    p = read_pattern(write(tmp_path, "s.brml", data))
    np.testing.assert_allclose(p.two_theta, [20.0, 20.02, 20.06])  # disabled dropped
    np.testing.assert_allclose(p.intensity, [100, 110, 130])
    assert p.wavelength == pytest.approx((1.5406 + 0.5 * 1.54439) / 1.5)
    # sniffed by content under another suffix
    assert len(read_pattern(write(tmp_path, "s.zipped", data))) == 3


def test_brml_errors(tmp_path):
    with pytest.raises(ValueError, match=r"x\.brml.*not a zip"):
        read_pattern(write(tmp_path, "x.brml", b"not a zip at all"))
    with pytest.raises(ValueError, match="no RawData"):
        read_pattern(write(tmp_path, "y.brml", _zip({"a.xml": "<a/>"})))
    broken = _zip({"Experiment0/RawData0.xml": RAWDATA[:300]})
    with pytest.raises(ValueError, match="malformed"):
        read_pattern(write(tmp_path, "z.brml", broken))


# ---------------------------------------------------------------- Bruker RAW
def _raw4(counts, start=10.0, step=0.02, truncate=0):
    header = b"RAW4.00\x00" + bytes(4) + b"01/02/2024\x00\x00" + b"12:00:00\x00\x00"
    header += bytes(61 - len(header))
    hw = bytearray(120)
    struct.pack_into("<II", hw, 0, 30, 120)
    struct.pack_into("<5d", hw, 72, 1.54184, 1.5406, 1.54439, 1.39222, 0.5)
    hw[116:118] = b"Cu"
    rng = bytearray(160)
    struct.pack_into("<I", rng, 0, 0)
    rng[32:46] = b"Locked Coupled"
    struct.pack_into("<ddIf", rng, 72, start, step, len(counts), 1.0)
    struct.pack_into("<d", rng, 112, 1.5406)
    struct.pack_into("<II", rng, 136, 4, 0)
    body = np.asarray(counts, dtype="<f4").tobytes()
    data = header + bytes(hw) + bytes(rng) + body
    return data[: len(data) - truncate]


def _raw3(counts, start=10.0, step=0.02):
    head = bytearray(712)
    head[:7] = b"RAW1.01"
    struct.pack_into("<II", head, 8, 1, 1)
    head[608:610] = b"Cu"
    struct.pack_into("<5d", head, 616, 1.54184, 1.5406, 1.54439, 1.39222, 0.5)
    rng = bytearray(304)
    struct.pack_into("<IIdd", rng, 0, 304, len(counts), start / 2, start)
    struct.pack_into("<d", rng, 176, step)
    struct.pack_into("<d", rng, 240, 1.5406)
    body = np.asarray(counts, dtype="<f4").tobytes()
    return bytes(head) + bytes(rng) + body


@pytest.mark.parametrize("build", [_raw3, _raw4])
def test_bruker_raw(tmp_path, build):
    p = read_pattern(write(tmp_path, "s.raw", build([5.0, 7.0, 9.0, 4.0])))
    np.testing.assert_allclose(p.two_theta, [10, 10.02, 10.04, 10.06])
    np.testing.assert_allclose(p.intensity, [5, 7, 9, 4])
    assert p.wavelength == pytest.approx(1.54184)


def test_bruker_raw_errors(tmp_path):
    with pytest.raises(ValueError, match=r"old\.raw.*unsupported Bruker RAW version"):
        read_pattern(write(tmp_path, "old.raw", b"RAW2" + bytes(300)))
    with pytest.raises(ValueError, match=r"cut\.raw.*truncated"):
        read_pattern(write(tmp_path, "cut.raw", _raw4([1.0] * 10, truncate=8)))
    with pytest.raises(ValueError, match="not a Bruker RAW"):
        read_pattern(write(tmp_path, "x.raw", b"10 5\n11 6\n"))


# ---------------------------------------------------------------- real files
def _experimental_xy(shared_data):
    root = shared_data / "experimental"
    files = []
    for folder in ("rruff_dev", "crystalyze", "autoanalyzer_spectra"):
        files += sorted((root / folder).rglob("*.xy"))
    return files


@pytest.mark.shared_data
def test_every_experimental_file_reads(shared_data):
    files = _experimental_xy(shared_data)
    assert len(files) >= 299 + 8 + 8
    for path in files:
        p = read_pattern(path)
        assert p.two_theta.shape == p.intensity.shape
        assert len(p) > 1000, path
        assert 0 <= p.two_theta[0] < p.two_theta[-1] <= 140, path
        assert np.all(np.diff(p.two_theta) > 0)
        if "rruff_dev" in path.parts:
            assert p.wavelength == pytest.approx(1.5418)
            assert p.two_theta[0] == pytest.approx(5.0)
            assert p.two_theta[-1] == pytest.approx(89.99)


@pytest.mark.shared_data
def test_crystalyze_wavelengths_from_topas(shared_data):
    folder = shared_data / "experimental" / "crystalyze"
    synchrotron = {"KBi3", "Rh3Bi", "RuBi2"}
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        (xy,) = sub.glob("*.xy")
        p = read_pattern(xy)
        assert p.metadata["wavelength_source"].startswith("topas:")
        if sub.name in synchrotron:
            assert p.wavelength == pytest.approx(0.406626)
        else:
            assert p.wavelength == pytest.approx(1.5412, abs=1e-3)
