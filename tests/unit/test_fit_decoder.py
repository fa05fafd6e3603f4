import random
import warnings
from pathlib import Path

import fitparse
import fitparse.records
import pytest
from fitparse.utils import FitCRCError

from wearsync.errors import FitError
from wearsync.sync.fit_crc import crc16, crc16_python
from wearsync.sync.fit_decoder import WEARSYNC_MESSAGES, read_fast
from wearsync.sync.fit_messages import DATA_ENDS_EARLY, FitMessage, read_with_fitparse

FIT_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "fit"
FIT_FILES = sorted(p for p in FIT_DIR.rglob("*") if p.suffix.lower() == ".fit") if FIT_DIR.is_dir() else []
# fitparse needs seconds per 100 KB: larger files are compared on their first PREFIX bytes
# here (ids start with "heavy-"), and in full by bench/fit_decode.py on every run
HEAVY_BYTES = 100_000
PREFIX = 64_000

needs_fit = pytest.mark.skipif(not FIT_FILES, reason=f"real FIT files not found in {FIT_DIR}")


def _param(path: Path):
    heavy = path.stat().st_size > HEAVY_BYTES
    name = path.relative_to(FIT_DIR).as_posix()
    return pytest.param(path, PREFIX if heavy else None, id=f"heavy-{name}" if heavy else name)


COMPARED = [_param(p) for p in FIT_FILES]


def fitparse_read(data: bytes) -> tuple[list[FitMessage], str | None]:
    # the reference reader's messages, and why it stopped early if it did
    try:
        read = read_with_fitparse(data, "file")
    except FitError as exc:
        return [], str(exc)
    cut = [
        w.removeprefix(DATA_ENDS_EARLY).rsplit("); kept", 1)[0] for w in read.warnings if w.startswith(DATA_ENDS_EARLY)
    ]
    return read.messages, cut[0] if cut else None


def _first_difference(expected: list[FitMessage], got: list[FitMessage]) -> str:
    for i, (want, have) in enumerate(zip(expected, got, strict=False)):
        if want != have:
            keys = sorted(set(want.fields) | set(have.fields))
            diff = {
                k: (want.fields.get(k, "-"), have.fields.get(k, "-"))
                for k in keys
                if want.fields.get(k, "-") != have.fields.get(k, "-")
            }
            return f"message {i}: global {want.num} vs {have.num}, fields (fitparse, fast) {diff}"
    return f"{len(expected)} messages from fitparse, {len(got)} from the fast reader"


@needs_fit
@pytest.mark.parametrize("path, prefix", COMPARED)
def test_fast_reader_matches_fitparse(path, prefix):
    data = path.read_bytes()[:prefix]
    expected, failure = fitparse_read(data)
    if failure is not None and not expected:
        try:
            got = read_fast(data, path.name)
        except FitError as exc:
            assert str(exc).startswith(path.name + ":") and "\n" not in str(exc)
        else:
            assert got.warnings
        return
    got = read_fast(data, path.name)
    assert got.reader == "fast"
    if failure is None or failure.startswith("FitEOFError"):
        # every message and field, including compressed and 16-bit timestamps, in file order;
        # at a cut both keep every record that is complete
        assert expected == got.messages, _first_difference(expected, got.messages)
    else:
        # fitparse gave up part-way: what it read must be what the fast reader read first
        assert expected == got.messages[: len(expected)], _first_difference(expected, got.messages)
    crc_only = all("CRC" in w for w in got.warnings)
    assert crc_only == (failure is None) or failure.startswith("FitParseError: Invalid field size")


@needs_fit
@pytest.mark.parametrize("path", FIT_FILES, ids=lambda p: p.relative_to(FIT_DIR).as_posix())
def test_skipping_messages_keeps_the_wanted_ones(path):
    data = path.read_bytes()
    try:
        everything = read_fast(data, path.name)
    except FitError:
        with pytest.raises(FitError):
            read_fast(data, path.name, WEARSYNC_MESSAGES)
        return
    wanted = read_fast(data, path.name, WEARSYNC_MESSAGES)
    assert wanted.messages == [m for m in everything.messages if m.num in WEARSYNC_MESSAGES]
    assert wanted.warnings == everything.warnings


@needs_fit
@pytest.mark.parametrize(
    "name", ["python-fitparse/tests/files/activity-filecrc.fit", "python-fitparse/tests/files/Activity.fit"]
)
def test_a_bad_file_crc_warns_and_keeps_the_data(name):
    data = (FIT_DIR / name).read_bytes()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="fitparse")
        try:
            fitparse.FitFile(data, check_crc=True).parse()
            crc_ok = True
        except FitCRCError:
            crc_ok = False
    got = read_fast(data, name)
    assert any("CRC" in w for w in got.warnings) == (not crc_ok)
    assert len(got.messages) == len(read_with_fitparse(data, name).messages)


@pytest.mark.parametrize("length", [0, 1, 2, 3, 255, 4097, 65535, 65536, 65537, 100_001])
def test_crc_matches_fitparse(length):
    data = random.Random(length).randbytes(length + 3)
    expected = fitparse.records.Crc.calculate(data[3:])
    assert crc16(data, 3, len(data)) == expected
    assert crc16_python(data, 3, len(data)) == expected


@pytest.mark.parametrize(
    "data, problem",
    [
        (b"", "shorter than a FIT header"),
        (b"\x0e\x10" + bytes(10), "'.FIT'"),
        (b"\x0b\x10\x00\x00\x00\x00\x00\x00.FIT", "header size 11"),
        (b"\x0e\x10\x00\x00\x10\x00\x00\x00.FIT", "header of 14 bytes"),
        (b"\x0c\x10\x00\x00\x01\x00\x00\x00.FIT\x05\x00\x00", "local message 5"),
    ],
)
def test_unreadable_input_is_a_fit_error_naming_file_and_problem(data, problem):
    with pytest.raises(FitError) as caught:
        read_fast(data, "bad.fit")
    assert "bad.fit" in str(caught.value) and problem in str(caught.value)


@needs_fit
def test_misaligned_fields_read_like_the_garmin_sdk():
    # fitparse gives up on this Coros file (a 1-byte uint32 field); the official SDK reads such a
    # field as uint8, and is the independent reader here
    from garmin_fit_sdk import Decoder, Profile, Stream

    data = (FIT_DIR / "python-fitparse/tests/files/coros-pace-2-cycling-misaligned-fields.fit").read_bytes()
    sdk, errors = Decoder(Stream.from_byte_array(bytearray(data))).read(
        apply_scale_and_offset=False,
        convert_datetimes_to_dates=False,
        convert_types_to_strings=False,
        enable_crc_check=False,
        expand_sub_fields=False,
        expand_components=False,
        merge_heart_rates=False,
    )
    assert errors == []
    got = read_fast(data, "coros.fit").messages
    compared = 0
    for num, profile in Profile["messages"].items():
        if num not in WEARSYNC_MESSAGES or profile["messages_key"] not in sdk:
            continue
        names = {field["name"]: field_num for field_num, field in profile["fields"].items()}
        expected = [
            {names.get(k, k): tuple(v) if isinstance(v, list) else v for k, v in m.items() if k != "developer_fields"}
            for m in sdk[profile["messages_key"]]
        ]
        mine = [{k: v for k, v in m.fields.items() if v is not None} for m in got if m.num == num]
        assert expected == mine, f"global message {num}"
        compared += len(mine)
    assert compared > 11_000
