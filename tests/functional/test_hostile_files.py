"""Hostile and odd files: each imported in a batch with a good file; the good file is stored,
the bad one gets one outcome line naming it, and every report of the days the batch touched works.

The files are written here with a raw FIT writer (tests/fit_raw.py) that declares any base type,
size or value; expected values are worked out by hand beside each case.
"""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.fit_raw import activity_file, field, fit_file, fit_time, message
from tests.readings import readings_table
from wearsync.cli import main

GOOD_START = 1_700_000_000  # 2023-11-14 22:13:20 UTC
GOOD_BPMS = [100 + i % 40 for i in range(600)]
NOW = datetime.now(UTC).timestamp()


def good_file(tmp_path: Path) -> Path:
    path = tmp_path / "good.fit"
    path.write_bytes(activity_file(GOOD_START, GOOD_BPMS, offset_s=3600, serial=1))
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def import_batch(capsys, tmp_path: Path, *paths: Path, config: Path | None = None) -> tuple[int, dict, str]:
    extra = ["--config", str(config)] if config else []
    code, out, err = run(capsys, *extra, "import", "--json", str(good_file(tmp_path)), *map(str, paths))
    return code, json.loads(out), err


def stored_days(home: Path) -> set[str]:
    import sqlite3

    conn = sqlite3.connect(home / "wearsync.db")
    days = {
        r[0]
        for r in readings_table(conn).execute(
            "SELECT DISTINCT date(ts + utc_offset_s, 'unixepoch') FROM readings "
            "UNION SELECT local_day FROM activities UNION SELECT local_day FROM monitoring_values"
        )
    }
    conn.close()
    return days


def assert_reports_work(capsys, home: Path, config: Path | None = None) -> None:
    """`report --day`, `--week` and `--weeks` succeed for every day the batch touched."""
    extra = ["--config", str(config)] if config else []
    days = sorted(stored_days(home))
    assert days
    for day in days:
        code, out, err = run(capsys, *extra, "report", "--day", day, "--json")
        assert code == 0, err
        assert json.loads(out)["local_day"] == day
        year, week, _ = date.fromisoformat(day).isocalendar()
        code, out, err = run(capsys, *extra, "report", "--week", f"{year}-W{week:02d}", "--json")
        assert code == 0, err
    code, _out, err = run(capsys, *extra, "report", "--weeks", "3", "--json")
    assert code == 0, err


def assert_good_file_stored(summary: dict) -> None:
    good = [f for f in summary["files"] if f["path"].endswith("/good.fit")]
    assert good and good[0]["outcome"] == "imported"


def outcome_of(summary: dict, name: str) -> dict:
    matches = [f for f in summary["files"] if name in f["path"].rsplit("/", 1)[-1]]
    assert len(matches) == 1, summary["files"]
    return matches[0]


def activity_with_record(*record_fields, start: int = GOOD_START + 86_400) -> bytes:
    """An activity whose one odd record sits among plain ones (offset UTC+1, stated)."""
    return activity_file(start, [120] * 30, offset_s=3600, serial=77, extra=(message(20, *record_fields),))


# (name, file bytes, what the odd field should become): values declared against the profile.
T = fit_time(GOOD_START + 86_400 + 10)
TYPED_CASES = {
    "hr_as_sint8": activity_with_record(field(253, "uint32", T), field(3, "sint8", -5)),
    "hr_as_uint32": activity_with_record(field(253, "uint32", T), field(3, "uint32", 100_000)),
    "hr_as_float": activity_with_record(field(253, "uint32", T), field(3, "float32", 120.5)),
    "hr_as_string": activity_with_record(field(253, "uint32", T), field(3, "string", "120")),
    "hr_as_array": activity_with_record(field(253, "uint32", T), field(3, "uint8", [100, 101])),
    "hr_300": activity_with_record(field(253, "uint32", T), field(3, "uint16", 300)),
    "hr_254": activity_with_record(field(253, "uint32", T), field(3, "uint8", 254)),
    "ts_as_float": activity_with_record(field(253, "float64", float(T)), field(3, "uint8", 120)),
    "ts_as_uint64": activity_with_record(field(253, "uint64", 2**63 + 5), field(3, "uint8", 120)),
    "ts_as_string": activity_with_record(field(253, "string", "yesterday"), field(3, "uint8", 120)),
}


@pytest.mark.parametrize("name", sorted(TYPED_CASES))
def test_a_field_of_another_type_or_range_drops_only_that_value(capsys, tmp_path, wearsync_home, name):
    path = tmp_path / f"{name}.fit"
    path.write_bytes(TYPED_CASES[name])
    code, summary, _err = import_batch(capsys, tmp_path, path)
    assert code == 0
    assert_good_file_stored(summary)
    odd = outcome_of(summary, name)
    assert odd["outcome"] == "imported"
    # 30 plain records at 120 bpm are kept; the odd one is dropped, and said so (254 is FIT's
    # "invalid" for uint8: no value at all, so nothing to say)
    if name != "hr_254":
        assert "dropped" in odd["message"] and "record." in odd["message"]
    import sqlite3

    conn = sqlite3.connect(wearsync_home / "wearsync.db")
    rows = (
        readings_table(conn)
        .execute("SELECT bpm, typeof(bpm), typeof(ts) FROM readings WHERE recording_id = ?", (odd["recording_id"],))
        .fetchall()
    )
    conn.close()
    assert len(rows) == 30 and {r for r in rows} == {(120, "integer", "integer")}
    assert_reports_work(capsys, wearsync_home)


def monitoring_file(cycles_base: str, cycles: int) -> bytes:
    local = fit_time(GOOD_START) + 3600
    return fit_file(
        message(
            0,
            field(0, "enum", 15),
            field(1, "uint16", 1),
            field(2, "uint16", 1),
            field(3, "uint32z", 99),
            field(4, "uint32", fit_time(GOOD_START)),
        ),
        message(103, field(253, "uint32", fit_time(GOOD_START)), field(0, "uint32", local), field(5, "uint16", 1700)),
        message(
            55,
            field(253, "uint32", fit_time(GOOD_START) + 60),
            field(5, "enum", 6),
            field(3, cycles_base, cycles),
            field(27, "uint8", 80),
        ),
        message(
            55,
            field(253, "uint32", fit_time(GOOD_START) + 120),
            field(5, "enum", 6),
            field(3, "uint32", 1234),
            field(27, "uint8", 82),
        ),
    )


def test_monitoring_cycles_near_2_to_the_62_are_dropped_and_the_sane_total_kept(capsys, tmp_path, wearsync_home):
    path = tmp_path / "cycles.fit"
    path.write_bytes(monitoring_file("uint64", 2**62 + 3))
    code, summary, _err = import_batch(capsys, tmp_path, path)
    assert code == 0
    assert "monitoring.steps" in outcome_of(summary, "cycles")["message"]
    code, out, _err = run(capsys, "report", "--day", "2023-11-14", "--json")
    assert code == 0
    # 2023-11-14 22:13:20 UTC + 1 h = 23:13 local, same day; the only plausible steps total is 1,234
    assert json.loads(out)["steps"] == 1234
    assert_reports_work(capsys, wearsync_home)


@pytest.mark.parametrize(
    "serial_field",
    [
        field(3, "string", "12345"),
        field(3, "float64", 1.5),
        field(3, "uint8", [1, 2, 3]),
        field(3, "uint64", 2**63 + 1),
        field(4, "uint64", 2**64 - 2),
        field(4, "float32", float("inf")),
    ],
)
def test_file_id_fields_of_any_type_never_reach_sqlite(capsys, tmp_path, wearsync_home, serial_field):
    start = fit_time(GOOD_START + 3 * 86_400)
    data = fit_file(
        message(0, field(0, "enum", 4), serial_field),
        message(20, field(253, "uint32", start), field(3, "uint8", 111)),
        message(
            18,
            field(253, "uint32", start + 60),
            field(2, "uint32", start),
            field(11, "float32", float("nan")),
            field(7, "string", "long"),
            field(5, "uint8", [1, 2]),
        ),
        message(34, field(253, "uint32", start + 60), field(5, "uint32", start + 60 + 7200)),
    )
    path = tmp_path / "odd_id.fit"
    path.write_bytes(data)
    code, summary, _err = import_batch(capsys, tmp_path, path)
    assert code == 0
    odd = outcome_of(summary, "odd_id")
    assert odd["outcome"] == "imported"
    assert_reports_work(capsys, wearsync_home)


def test_strength_sets_with_non_finite_and_huge_values_keep_their_sane_fields(capsys, tmp_path, wearsync_home):
    start = GOOD_START + 5 * 86_400
    sets = (
        message(
            225,
            field(254, "uint16", 0),
            field(0, "uint32", 30_000),
            field(3, "uint64", 2**63 + 9),
            field(4, "float32", float("nan")),
            field(5, "uint8", 1),
            field(6, "uint32", fit_time(start + 5)),
            field(7, "uint16", [5, 6]),
        ),
        message(
            225,
            field(254, "uint16", 1),
            field(0, "uint32", 40_000),
            field(3, "uint16", 12),
            field(4, "uint16", 16 * 50),
            field(5, "uint8", 1),
            field(6, "uint32", fit_time(start + 100)),
        ),
    )
    path = tmp_path / "sets.fit"
    path.write_bytes(activity_file(start, [110] * 200, offset_s=0, serial=5, extra=sets))
    code, summary, _err = import_batch(capsys, tmp_path, path)
    assert code == 0
    import sqlite3

    conn = sqlite3.connect(wearsync_home / "wearsync.db")
    rows = conn.execute(
        "SELECT position, duration_s, repetitions, weight_kg, category FROM strength_sets ORDER BY position"
    ).fetchall()
    conn.close()
    # first set: 30 s kept, repetitions (2^63 + 9) and weight (NaN) dropped, category the array's first
    # item; second: 12 reps at 800 / 16 = 50 kg, 40 s
    assert rows == [(0, 30.0, None, None, 5), (1, 40.0, 12, 50.0, None)]
    assert_reports_work(capsys, wearsync_home)


def zone_config(tmp_path: Path, zone: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[wearer]\ntime_zone = "{zone}"\n')
    return path


def test_local_timestamp_0_falls_back_to_the_configured_zone_and_says_so(capsys, tmp_path, wearsync_home):
    # 2023-11-15 03:00 UTC is 2023-11-14 22:00 in New York (EST, UTC-5): the day the wearer lived
    start = int(datetime(2023, 11, 15, 3, 0, tzinfo=UTC).timestamp())
    path = tmp_path / "zwift.fit"
    path.write_bytes(activity_file(start, [130] * 120, local_timestamp=0, serial=2))
    config = zone_config(tmp_path, "America/New_York")
    code, summary, _err = import_batch(capsys, tmp_path, path, config=config)
    assert code == 0
    message_ = outcome_of(summary, "zwift")["message"]
    assert "America/New_York" in message_ and "UTC-05:00" in message_
    import sqlite3

    conn = sqlite3.connect(wearsync_home / "wearsync.db")
    offsets = {r[0] for r in readings_table(conn).execute("SELECT utc_offset_s FROM readings WHERE ts >= ?", (start,))}
    day = conn.execute("SELECT local_day FROM activities WHERE start_utc = ?", (start,)).fetchone()[0]
    conn.close()
    assert offsets == {-5 * 3600} and day == "2023-11-14"
    assert_reports_work(capsys, wearsync_home, config)


@pytest.mark.parametrize("stated", [21 * 86_400, -90 * 86_400, 15 * 3600, 3 * 3600 + 450])
def test_an_offset_of_weeks_or_beyond_the_worlds_zones_is_not_trusted(capsys, tmp_path, wearsync_home, stated):
    start = GOOD_START + 7 * 86_400
    path = tmp_path / "far.fit"
    path.write_bytes(activity_file(start, [125] * 60, offset_s=stated, serial=3))
    code, summary, _err = import_batch(capsys, tmp_path, path, config=zone_config(tmp_path, "UTC"))
    assert code == 0
    assert "local time from the configured time zone UTC (UTC+00:00)" in outcome_of(summary, "far")["message"]
    assert_reports_work(capsys, wearsync_home)


def test_the_same_devices_other_recording_gives_the_offset(capsys, tmp_path, wearsync_home):
    # the same serial stated UTC+1 an hour earlier; this file states 0 in local_timestamp
    first = tmp_path / "first.fit"
    first.write_bytes(activity_file(GOOD_START + 86_400, [120] * 60, offset_s=3600, serial=555))
    second = tmp_path / "second.fit"
    second.write_bytes(activity_file(GOOD_START + 86_400 + 3600, [120] * 60, local_timestamp=0, serial=555))
    code, summary, _err = import_batch(capsys, tmp_path, first, second, config=zone_config(tmp_path, "Asia/Tokyo"))
    assert code == 0
    assert "another recording of the same device (UTC+01:00)" in outcome_of(summary, "second")["message"]


def test_a_clock_never_set_is_skipped_with_its_reason(capsys, tmp_path, wearsync_home):
    # every time a few hours after the FIT epoch: the device counted from power-on, and the
    # activity message's local time is no absolute time either
    path = tmp_path / "unset.fit"
    path.write_bytes(
        fit_file(
            message(0, field(0, "enum", 4), field(3, "uint32z", 8)),
            *[message(20, field(253, "uint32", 3600 + i), field(3, "uint8", 120)) for i in range(20)],
            message(18, field(253, "uint32", 3620), field(2, "uint32", 3600), field(7, "uint32", 20_000)),
            message(34, field(253, "uint32", 3620), field(5, "uint32", 3620)),
        )
    )
    code, summary, _err = import_batch(capsys, tmp_path, path)
    assert code == 0
    unset = outcome_of(summary, "unset")
    assert unset["outcome"] == "skipped" and "clock was never set" in unset["message"]
    assert_reports_work(capsys, wearsync_home)


def test_system_time_is_anchored_on_the_files_own_local_time(capsys, tmp_path, wearsync_home):
    # FR70 style: times count from power-on (10,000 s); the activity message states local time
    # 2012-02-13 09:00:00 for power-on + 10,060 s. The first record (power-on + 10,000 s) is then
    # 08:59:00 local; in Berlin (UTC+1 in February) that is 07:59:00 UTC.
    local_at_end = fit_time(int(datetime(2012, 2, 13, 9, 0, tzinfo=UTC).timestamp()))
    path = tmp_path / "fr70.fit"
    path.write_bytes(
        fit_file(
            message(0, field(0, "enum", 4), field(3, "uint32z", 9)),
            *[message(20, field(253, "uint32", 10_000 + i), field(3, "uint8", 140)) for i in range(60)],
            message(18, field(253, "uint32", 10_060), field(2, "uint32", 10_000), field(7, "uint32", 60_000)),
            message(34, field(253, "uint32", 10_060), field(5, "uint32", local_at_end)),
        )
    )
    config = zone_config(tmp_path, "Europe/Berlin")
    code, summary, _err = import_batch(capsys, tmp_path, path, config=config)
    assert code == 0
    import sqlite3

    conn = sqlite3.connect(wearsync_home / "wearsync.db")
    first = (
        readings_table(conn)
        .execute("SELECT MIN(ts), MIN(utc_offset_s), MAX(utc_offset_s) FROM readings WHERE bpm = 140")
        .fetchone()
    )
    conn.close()
    assert first == (int(datetime(2012, 2, 13, 7, 59, tzinfo=UTC).timestamp()), 3600, 3600)
    assert "counted from power-on" in outcome_of(summary, "fr70")["message"]
    assert_reports_work(capsys, wearsync_home, config)


def test_a_file_in_the_future_is_skipped(capsys, tmp_path, wearsync_home):
    path = tmp_path / "future.fit"
    path.write_bytes(activity_file(int(NOW) + 30 * 86_400, [120] * 60, offset_s=0, serial=4))
    code, summary, _err = import_batch(capsys, tmp_path, path)
    assert code == 0
    future = outcome_of(summary, "future")
    assert future["outcome"] == "skipped" and "future" in future["message"]
    assert_reports_work(capsys, wearsync_home)


def test_fifos_devices_and_sockets_are_not_read(capsys, tmp_path, wearsync_home):
    fifo = tmp_path / "pipe.fit"
    os.mkfifo(fifo)
    folder = tmp_path / "watch"
    folder.mkdir()
    os.mkfifo(folder / "inside.fit")
    code, summary, err = import_batch(capsys, tmp_path, fifo, Path("/dev/zero"), folder)
    assert code == 0
    assert outcome_of(summary, "pipe.fit")["outcome"] == "skipped"
    assert "FIFO" in outcome_of(summary, "inside.fit")["message"]
    assert "character device" in outcome_of(summary, "zero")["message"]
    assert_good_file_stored(summary)


def test_a_folder_that_cannot_be_listed_is_a_failure_line(capsys, tmp_path, wearsync_home):
    import shutil
    import subprocess
    import sys

    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv: the import runs without the capability to read any folder")
    (tmp_path / "watch" / "locked").mkdir(parents=True)
    (tmp_path / "watch" / "locked" / "a.fit").write_bytes(b"x")
    good_file(tmp_path / "watch")
    os.chmod(tmp_path / "watch" / "locked", 0o000)
    no_override = "-dac_override,-dac_read_search"
    try:
        result = subprocess.run(
            [
                "setpriv",
                f"--inh-caps={no_override}",
                f"--bounding-set={no_override}",
                sys.executable,
                "-m",
                "wearsync",
                "import",
                "--json",
                str(tmp_path / "watch"),
            ],
            env={**os.environ, "WEARSYNC_HOME": str(wearsync_home)},
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        os.chmod(tmp_path / "watch" / "locked", 0o700)
    summary = json.loads(result.stdout)
    assert result.returncode == 1, result.stderr
    locked = outcome_of(summary, "locked")
    assert locked["outcome"] == "failed" and "cannot list this folder" in locked["message"]
    assert_good_file_stored(summary)
    assert "locked" in result.stderr


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def overlapping_zip(inner: bytes, copies: int) -> bytes:
    """One member whose local entry every central directory record points at (a bomb's shape)."""
    one = zip_bytes({"a.fit": inner})
    end = one.rindex(b"PK\x05\x06")
    central_start = struct.unpack_from("<I", one, end + 16)[0]
    central = one[central_start:end]
    records = b"".join(central.replace(b"a.fit", f"{i:>5}".replace(" ", "b").encode()[:5]) for i in range(copies))
    eocd = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, copies, copies, len(records), central_start, 0)
    return one[:central_start] + records + eocd


def encrypted_zip(data: bytes) -> bytes:
    raw = bytearray(zip_bytes({"secret.fit": data}))
    raw[6] |= 0x1  # the local header's flag bits
    central = raw.rindex(b"PK\x01\x02")
    raw[central + 8] |= 0x1  # and the central directory's
    return bytes(raw)


def nested_zip(depth: int, inner: bytes) -> bytes:
    data = inner
    for level in range(depth):
        data = zip_bytes({f"level{level}.zip" if level else "deep.fit": data})
    return data


def test_zips_with_bombs_nesting_encryption_and_odd_names(capsys, tmp_path, wearsync_home):
    fit = activity_file(GOOD_START + 2 * 86_400, [121] * 60, offset_s=0, serial=6)
    cases = {
        "overlap.zip": overlapping_zip(fit, 20),
        "deep.zip": nested_zip(1100, fit),
        "locked.zip": encrypted_zip(fit),
        # 300 MB of zeros deflate to ~300 KB: far beyond 40x the archive's size
        "bomb.zip": zip_bytes({"zeros.fit": bytes(300 * 2**20)}),
        "names.zip": zip_bytes({"evil\x1b[31m\n.fit": fit}),
    }
    paths = []
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    code, summary, err = import_batch(capsys, tmp_path, *paths)
    assert code == 1
    assert "overlapping zip entries" in outcome_of(summary, "overlap.zip")["message"]
    assert "nested more than" in outcome_of(summary, "deep.zip")["message"]
    assert "encrypted" in outcome_of(summary, "locked.zip")["message"]
    assert "inflate" in outcome_of(summary, "bomb.zip")["message"]
    odd = outcome_of(summary, "names.zip")
    assert odd["outcome"] == "imported" and "\x1b" not in odd["path"] and "\\x1b" in odd["path"]
    assert "\x1b" not in err and all(line.count("\n") == 0 for line in err.splitlines())
    assert_good_file_stored(summary)
    assert_reports_work(capsys, wearsync_home)


def test_a_bug_of_ours_is_that_files_failure_exit_70_and_the_batch_goes_on(
    capsys, tmp_path, wearsync_home, monkeypatch
):
    from wearsync.sync import fit_import

    real = fit_import.extract

    def extract_with_a_bug(messages, label, now=None):
        if "buggy" in label:
            raise ZeroDivisionError("division by zero")
        return real(messages, label, now)

    monkeypatch.setattr(fit_import, "extract", extract_with_a_bug)
    buggy = tmp_path / "buggy.fit"
    buggy.write_bytes(activity_file(GOOD_START + 86_400, [120] * 30, offset_s=0, serial=7))
    after = tmp_path / "zz_after.fit"
    after.write_bytes(activity_file(GOOD_START + 2 * 86_400, [120] * 30, offset_s=0, serial=8))
    code, summary, err = import_batch(capsys, tmp_path, buggy, after)
    assert code == 70
    failed = outcome_of(summary, "buggy")
    assert failed["outcome"] == "failed" and failed["internal"]
    assert "internal error (ZeroDivisionError" in failed["message"] and "please report" in failed["message"]
    assert outcome_of(summary, "zz_after")["outcome"] == "imported"
    assert summary["internal_errors"] == 1
    # its outcome row is stored: the next import of the same file is tried again, not skipped
    import sqlite3

    conn = sqlite3.connect(wearsync_home / "wearsync.db")
    assert conn.execute("SELECT outcome FROM import_events WHERE path LIKE '%buggy%'").fetchall() == [("failed",)]
    conn.close()
    monkeypatch.setattr(fit_import, "extract", real)
    code, summary, _err = import_batch(capsys, tmp_path, buggy)
    assert code == 0 and outcome_of(summary, "buggy")["outcome"] == "imported"


def test_an_empty_and_a_truncated_header_file_fail_alone(capsys, tmp_path, wearsync_home):
    empty = tmp_path / "empty.fit"
    empty.write_bytes(b"")
    stub = tmp_path / "stub.fit"
    stub.write_bytes(activity_file(GOOD_START, [120] * 10)[:13])
    code, summary, _err = import_batch(capsys, tmp_path, empty, stub)
    assert code == 1
    assert outcome_of(summary, "empty.fit")["outcome"] == "failed"
    assert outcome_of(summary, "stub.fit")["outcome"] == "failed"
    assert_good_file_stored(summary)


def test_a_week_of_day_offsets_is_not_a_wrong_day_in_silence(capsys, tmp_path, wearsync_home):
    # local_timestamp 6 days ahead of UTC: the file's day would be a week off; it is refused and
    # the configured zone (UTC) places the activity on its UTC day, 2023-11-16
    start = int(datetime(2023, 11, 16, 12, 0, tzinfo=UTC).timestamp())
    path = tmp_path / "week.fit"
    path.write_bytes(activity_file(start, [120] * 60, offset_s=6 * 86_400, serial=10))
    code, summary, _err = import_batch(capsys, tmp_path, path, config=zone_config(tmp_path, "UTC"))
    assert code == 0
    import sqlite3

    conn = sqlite3.connect(wearsync_home / "wearsync.db")
    assert conn.execute("SELECT local_day FROM activities WHERE start_utc = ?", (start,)).fetchone() == ("2023-11-16",)
    conn.close()


SHARED_FILES = Path(__file__).resolve().parents[2].parent / "shared" / "fit"
# Files whose clocks fooled the importer before (issue 9): no local time (Zwift writes 0) and two FR70
# files whose times count from power-on, anchored only by the activity message's local time.
POWER = "php-fit-file-analysis/demo/fit_files/power-analysis.fit"
ANTFS = "python-fitparse/tests/files/antfs-dump.63.fit"
COMPRESSED = "python-fitparse/tests/files/compressed-speed-distance.fit"
ZONE = "Pacific/Kiritimati"  # UTC+14 all year: a UTC day and the local day differ for most hours


def expected_local_days(path: Path) -> list[str]:
    """Each heart-rate reading's local day, worked out with fitparse from the file's raw times."""
    import fitparse

    fit = fitparse.FitFile(str(path))
    records = [(m.get_raw_value("timestamp"), m.get_value("heart_rate")) for m in fit.get_messages("record")]
    activity = next(fit.get_messages("activity"))
    stamp, local = activity.get_raw_value("timestamp"), activity.get_raw_value("local_timestamp")
    days = []
    for ts, bpm in records:
        if not bpm or not 25 <= bpm <= 250:
            continue
        if ts < 0x10000000:  # power-on seconds: local time = the activity's local time minus the distance
            unix_local = FIT_EPOCH_UNIX + local - (stamp - ts)
        else:  # no local time in the file: the configured zone, +14 h
            unix_local = FIT_EPOCH_UNIX + ts + 14 * 3600
        days.append(datetime.fromtimestamp(unix_local, UTC).date().isoformat())
    return sorted(days)


FIT_EPOCH_UNIX = 631065600


def partner_for(day: str, tmp_path: Path) -> Path:
    """A plain activity stating UTC+14, at local noon of `day`."""
    noon_utc = int(datetime.fromisoformat(f"{day}T12:00:00+14:00").timestamp())
    path = tmp_path / f"partner-{day}.fit"
    path.write_bytes(activity_file(noon_utc, [118] * 120, offset_s=14 * 3600, serial=31337))
    return path


@pytest.mark.parametrize("name", [POWER, ANTFS, COMPRESSED])
@pytest.mark.parametrize("partner_first", [True, False])
def test_the_files_with_untrusted_clocks_land_on_their_true_local_days_in_any_order(
    capsys, tmp_path, wearsync_home, name, partner_first
):
    path = SHARED_FILES / name
    if not path.exists():
        pytest.skip(f"{path} is missing: the shared test data must sit beside the project as ../shared")
    expected = expected_local_days(path)
    assert expected
    partner = partner_for(expected[0], tmp_path)
    order = [partner, path] if partner_first else [path, partner]
    config = zone_config(tmp_path, ZONE)
    code, out, err = run(capsys, "--config", str(config), "import", "--json", *map(str, order))
    assert code == 0, err
    summary = json.loads(out)
    assert outcome_of(summary, Path(name).name)["outcome"] == "imported"
    import sqlite3

    conn = sqlite3.connect(wearsync_home / "wearsync.db")
    stored = sorted(
        r[0]
        for r in readings_table(conn).execute(
            "SELECT date(h.ts + h.utc_offset_s, 'unixepoch') FROM readings h JOIN recordings r "
            "ON r.id = h.recording_id WHERE r.path LIKE ?",
            (f"%{Path(name).name}",),
        )
    )
    conn.close()
    assert stored == expected
    assert_reports_work(capsys, wearsync_home, config)


def test_all_three_together_with_a_partner_in_every_order(capsys, tmp_path, wearsync_home, monkeypatch):
    import itertools

    paths = [SHARED_FILES / name for name in (POWER, ANTFS, COMPRESSED)]
    if not all(p.exists() for p in paths):
        pytest.skip("the shared test data must sit beside the project as ../shared")
    config = zone_config(tmp_path, ZONE)
    partner = partner_for(expected_local_days(paths[1])[0], tmp_path)
    for number, order in enumerate(itertools.permutations([*paths, partner])):
        home = tmp_path / f"home{number}"
        monkeypatch.setenv("WEARSYNC_HOME", str(home))
        code, _out, err = run(capsys, "--config", str(config), "import", "--json", *map(str, order))
        assert code == 0, err
        assert_reports_work(capsys, home, config)


def test_a_lone_record_stamped_days_away_is_dropped_not_put_on_that_day(capsys, tmp_path, wearsync_home):
    # 30 records a second apart on 2023-11-15 (UTC+1) and one stamped 200 days later between them
    start = GOOD_START + 86_400
    odd = activity_with_record(field(253, "uint32", fit_time(start + 200 * 86_400)), field(3, "uint8", 99), start=start)
    path = tmp_path / "stray.fit"
    path.write_bytes(odd)
    code, summary, _err = import_batch(capsys, tmp_path, path)
    assert code == 0
    assert "outside the activity's time" in outcome_of(summary, "stray")["message"]
    assert stored_days(wearsync_home) == {"2023-11-14", "2023-11-15"}  # the good file's day and this one's


def test_records_without_a_session_are_summarised_from_their_earliest_to_their_latest(capsys, tmp_path, wearsync_home):
    # no session message, records out of order: the activity starts at the earliest record and lasts
    # from it to the latest (60 s), never a negative span
    start = GOOD_START + 4 * 86_400
    path = tmp_path / "unordered.fit"
    path.write_bytes(
        fit_file(
            message(0, field(0, "enum", 4), field(3, "uint32z", 12), field(4, "uint32", fit_time(start))),
            *[message(20, field(253, "uint32", fit_time(start + t)), field(3, "uint8", 120)) for t in (30, 60, 0, 45)],
        )
    )
    code, summary, _err = import_batch(capsys, tmp_path, path)
    assert code == 0
    import sqlite3

    conn = sqlite3.connect(wearsync_home / "wearsync.db")
    row = conn.execute(
        "SELECT start_utc, elapsed_s, timer_s FROM activities a JOIN recordings r "
        "ON r.id = a.recording_id WHERE r.path LIKE '%unordered.fit'"
    ).fetchone()
    conn.close()
    assert row == (start, 60.0, 60.0)
