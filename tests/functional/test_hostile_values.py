"""Hostile values: fields declared with another type or beyond their range, file_id fields of
any type, non-finite strength sets, a bug of ours, empty and cut files, records without a session.
Each file is imported in a batch with a good file; the good file is stored, the bad one gets one
outcome line naming it, and every report of the days the batch touched works.

The files are written here with a raw FIT writer (tests/fit_raw.py) that declares any base type,
size or value; expected values are worked out by hand beside each case.
"""

from __future__ import annotations

import json

import pytest

from tests.fit_raw import activity_file, field, fit_file, fit_time, message
from tests.hostile_imports import (
    GOOD_START,
    activity_with_record,
    assert_good_file_stored,
    assert_reports_work,
    import_batch,
    outcome_of,
    run,
)
from tests.readings import readings_table

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
