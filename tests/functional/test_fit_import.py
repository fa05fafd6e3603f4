import itertools
import shutil
import zipfile
from datetime import UTC, date

import pytest

from tests.conftest import DAY_PIECES, MONITOR, SHARED_FIT, require
from tests.readings import monitoring_table, readings_table
from wearsync.config import Config
from wearsync.reports import day as report_day
from wearsync.reports.models import as_json
from wearsync.sync.fit_import import import_paths

ACTIVITY = SHARED_FIT / "python-fitparse" / "tests" / "files" / "garmin-fenix-5-run.fit"
SETTINGS = SHARED_FIT / "python-fitparse" / "tests" / "files" / "Settings.fit"
SLEEP = MONITOR / "68432743746.fit"


def table_counts(store):
    tables = ("recordings", "activities", "readings", "monitoring_values", "wellness", "strength_sets")
    conn = monitoring_table(readings_table(store.conn))
    return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}


@pytest.mark.parametrize("order", list(itertools.permutations(DAY_PIECES)))
def test_a_day_cut_into_three_files_adds_up_in_any_order(store, order):
    require(MONITOR)
    summary = import_paths(store, [MONITOR / name for name in order])
    assert summary.imported == 3
    day = as_json(report_day.day_report(store, Config(), date(2020, 9, 25)))
    # The vivosmart 4's own running totals, closing at 2020-09-26 00:00 local (../shared/fit/README.md)
    assert day["steps"] == 15_027
    assert day["ascent_m"] == pytest.approx(98.112)
    assert day["descent_m"] == pytest.approx(75.004)
    assert day["floors"] == 32.2  # 98.112 / 3.048 = 32.19
    assert day["device_moderate_min"] == 18
    assert day["device_vigorous_min"] == 91
    assert day["active_kcal"] == 619 + 453
    assert day["rmr_kcal"] == 1860
    assert day["readings"]["min"] == 43 and day["readings"]["max"] == 146
    # 1,066 readings in the three files; the last is stamped 2020-09-26 00:00 local, the next day
    assert readings_table(store.conn).execute("SELECT COUNT(*) FROM readings").fetchone()[0] == 1066
    assert day["readings"]["values"] == 1065
    # the zeros that open 2020-09-26 create no day of their own for 2020-09-24 or after
    assert [r[0] for r in store.conn.execute("SELECT local_day FROM wellness WHERE steps IS NOT NULL")] == [
        "2020-09-25"
    ]


def test_an_activity_keeps_its_session_and_every_heart_rate_record(store):
    import fitparse

    require(ACTIVITY)
    summary = import_paths(store, [ACTIVITY])
    assert summary.imported == 1
    reference = fitparse.FitFile(str(ACTIVITY))
    session = next(reference.get_messages("session"))
    records = [m.get_value("heart_rate") for m in reference.get_messages("record")]
    activity_row = store.conn.execute(
        "SELECT sport, calories, avg_hr, max_hr, elapsed_s, start_utc FROM activities"
    ).fetchone()
    assert activity_row[0] == session.get_value("sport")
    assert activity_row[1] == session.get_value("total_calories")
    assert activity_row[2] == session.get_value("avg_heart_rate")
    assert activity_row[3] == session.get_value("max_heart_rate")
    assert activity_row[4] == pytest.approx(session.get_value("total_elapsed_time"))
    start = session.get_value("start_time")  # fitparse gives naive UTC datetimes
    assert activity_row[5] == int(start.replace(tzinfo=UTC).timestamp())
    stored = readings_table(store.conn).execute("SELECT COUNT(*) FROM readings WHERE source = 'activity'").fetchone()[0]
    assert stored == sum(1 for bpm in records if bpm)


def test_the_same_recording_again_renamed_or_zipped_is_counted_once(store, tmp_path):
    require(ACTIVITY)
    renamed = tmp_path / "renamed.FIT"
    shutil.copy(ACTIVITY, renamed)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(ACTIVITY, "DI_CONNECT/123_ACTIVITY.fit")
    first = import_paths(store, [ACTIVITY])
    before = table_counts(store)
    again = import_paths(store, [ACTIVITY, renamed, archive])
    assert first.imported == 1
    assert [o.outcome for o in again.outcomes] == ["duplicate"] * 3
    assert table_counts(store) == before


def test_a_zip_is_opened_and_any_letter_case_found(store, tmp_path):
    require(MONITOR)
    folder = tmp_path / "watch" / "GARMIN" / "Monitor"
    folder.mkdir(parents=True)
    shutil.copy(MONITOR / DAY_PIECES[0], folder / "A1.FIT")
    with zipfile.ZipFile(tmp_path / "watch" / "pieces.zip", "w") as z:
        z.write(MONITOR / DAY_PIECES[1], "b.fit")
        z.write(MONITOR / DAY_PIECES[2], "nested/c.Fit")
    (tmp_path / "watch" / "notes.txt").write_text("not a fit file")
    summary = import_paths(store, [tmp_path / "watch"])
    assert summary.found == 3 and summary.imported == 3
    assert as_json(report_day.day_report(store, Config(), date(2020, 9, 25)))["steps"] == 15_027


def test_files_that_hold_no_activity_are_skipped_with_a_reason(store):
    require(SLEEP)
    summary = import_paths(store, [SLEEP, SETTINGS])
    assert [o.outcome for o in summary.outcomes] == ["skipped", "skipped"]
    assert "sleep file" in summary.outcomes[0].message
    assert "settings file" in summary.outcomes[1].message
    assert summary.failed == 0


def test_a_broken_file_fails_alone_and_leaves_nothing_behind(store, tmp_path):
    require(MONITOR)
    garbage = tmp_path / "garbage.fit"
    garbage.write_bytes(b"\x0e\x10" + bytes(range(200)))
    summary = import_paths(store, [garbage, MONITOR / DAY_PIECES[0]])
    assert [o.outcome for o in summary.outcomes] == ["failed", "imported"]
    assert summary.outcomes[0].path == str(garbage)
    assert "\n" not in summary.outcomes[0].message and summary.outcomes[0].message
    assert store.conn.execute("SELECT COUNT(*) FROM recordings").fetchone()[0] == 1


def test_a_truncated_file_keeps_the_records_before_the_cut(store, tmp_path):
    require(ACTIVITY)
    data = ACTIVITY.read_bytes()
    cut = tmp_path / "cut.fit"
    cut.write_bytes(data[: len(data) // 2])
    summary = import_paths(store, [cut])
    assert summary.outcomes[0].outcome == "imported"
    assert "ends" in summary.outcomes[0].message and "kept the" in summary.outcomes[0].message
    kept = readings_table(store.conn).execute("SELECT COUNT(*) FROM readings").fetchone()[0]
    assert kept > 0
    # the whole file arriving later takes the damaged copy's place
    whole = import_paths(store, [ACTIVITY])
    assert whole.outcomes[0].outcome == "imported"
    assert "replaces the damaged copy" in whole.outcomes[0].message
    assert store.conn.execute("SELECT COUNT(*) FROM recordings").fetchone()[0] == 1
    assert readings_table(store.conn).execute("SELECT COUNT(*) FROM readings").fetchone()[0] > kept


def test_every_original_is_kept_by_its_hash(store):
    import hashlib

    require(ACTIVITY)
    import_paths(store, [ACTIVITY])
    sha = hashlib.sha256(ACTIVITY.read_bytes()).hexdigest()
    assert store.original_path(sha).read_bytes() == ACTIVITY.read_bytes()


def test_every_shared_file_is_accounted_for_and_only_broken_ones_fail(store, shared_fit):
    manifest = (shared_fit / "MANIFEST.tsv").read_text().splitlines()[1:]
    notes = {row.split("\t")[0]: row.split("\t")[12] for row in manifest}
    broken = {path for path, note in notes.items() if "corrupt" in note or "ERR " in note}
    summary = import_paths(store, [shared_fit], workers=2)
    found = sorted(p for p in shared_fit.rglob("*") if p.suffix.lower() == ".fit")
    assert summary.found == len(found) == len(notes) == 107
    assert summary.imported + summary.skipped + summary.duplicates + summary.failed == summary.found
    failed = {str(o.path).removeprefix(f"{shared_fit}/") for o in summary.outcomes if o.outcome == "failed"}
    assert failed <= broken
    # the monitoring day survives the whole corpus arriving at once
    assert as_json(report_day.day_report(store, Config(), date(2020, 9, 25)))["steps"] == 15_027


def test_strength_sets_are_kept(store, tmp_path):
    # a synthesised strength session (no real file with valid sets exists in ../shared/fit)
    from datetime import datetime

    from wearsync.demo.fit_writer import SetToWrite, activity_fit

    sets = [SetToWrite("squat", 10, 60.0, 40), SetToWrite("bench_press", 8, 42.5, 35, rest_s=0)]
    data = activity_fit(
        start_utc=datetime(2026, 3, 2, 17, 0, tzinfo=UTC),
        utc_offset_s=3600,
        sport="training",
        sub_sport="strength_training",
        heart_rates=[100] * 200,
        serial=42,
        calories=120,
        sets=sets,
    )
    path = tmp_path / "strength.fit"
    path.write_bytes(data)
    assert import_paths(store, [path]).imported == 1
    rows = store.conn.execute("SELECT set_type, repetitions, weight_kg FROM strength_sets ORDER BY position").fetchall()
    # squat, its 60 s rest, then the bench press with no rest after it
    assert rows == [("active", 10, 60.0), ("rest", None, None), ("active", 8, 42.5)]
    sport = store.conn.execute("SELECT sport, sub_sport, local_day FROM activities").fetchone()
    assert sport == ("training", "strength_training", "2026-03-02")


def test_sets_make_a_session_strength_in_its_own_week_and_are_read_for_its_days_only(store, tmp_path):
    # two synthesised generic "training" sessions with sets, a week apart: only their sets make them strength
    from datetime import datetime

    from wearsync.demo.fit_writer import SetToWrite, activity_fit
    from wearsync.reports.week import week_report
    from wearsync.store import recordings

    for n, day in enumerate((2, 9)):
        path = tmp_path / f"sets-{day}.fit"
        path.write_bytes(
            activity_fit(
                start_utc=datetime(2026, 3, day, 17, 0, tzinfo=UTC),
                utc_offset_s=3600,
                sport="training",
                sub_sport="generic",
                heart_rates=[100] * 200,
                serial=42 + n,
                calories=120,
                sets=[SetToWrite("squat", 10, 60.0, 40)],
            )
        )
        assert import_paths(store, [path]).imported == 1
    ids = dict(store.conn.execute("SELECT local_day, id FROM activities").fetchall())
    first = recordings.read_strength_activity_ids(store.conn, date(2026, 3, 2), date(2026, 3, 8))
    assert first["activity_id"].to_list() == [ids["2026-03-02"]]
    assert recordings.read_strength_activity_ids(store.conn, date(2026, 3, 3), date(2026, 3, 8)).is_empty()
    # 2026-03-02 and 2026-03-09 are Mondays: one session in each week, on its Monday
    for monday in (date(2026, 3, 2), date(2026, 3, 9)):
        week = week_report(store, Config(), monday, as_of=date(2026, 3, 31))
        assert (week.strength_sessions, week.strength_days) == (1, 1)
        assert [d.strength_sessions for d in week.days] == [1, 0, 0, 0, 0, 0, 0]


def test_without_the_devices_resting_heart_rate_the_lowest_half_hour_is_taken(store, tmp_path):
    # a synthesised monitoring day (the encoder writes no monitoring_hr_data message)
    from datetime import date

    from wearsync.demo.fit_writer import MonitoringMinute, monitoring_fit

    # 62 bpm all day, but 02:00-02:29 local (minutes 120-149) at 51 and 53 alternately: mean 52
    minutes = [MonitoringMinute(m, heart_rate=(51 if m % 2 else 53) if 120 <= m < 150 else 62) for m in range(0, 1440)]
    path = tmp_path / "day.fit"
    path.write_bytes(
        monitoring_fit(day=date(2026, 3, 4), utc_offset_s=3600, serial=7, resting_metabolic_rate=1500, minutes=minutes)
    )
    assert import_paths(store, [path]).imported == 1
    # the importer stores only the device's value; the report estimates the day's (analytics/resting_hr.py)
    assert store.conn.execute("SELECT resting_hr FROM wellness WHERE local_day = '2026-03-04'").fetchone() == (None,)
    day = as_json(report_day.day_report(store, Config(), date(2026, 3, 4), as_of=date(2026, 3, 5)))
    assert (day["resting_hr"], day["resting_hr_from"], day["zones_by"]) == (52.0, "estimate", "heart_rate_reserve")


def test_a_whole_copy_keeps_the_garmin_link_of_the_damaged_one(store, tmp_path):
    require(ACTIVITY)
    data = ACTIVITY.read_bytes()
    cut = tmp_path / "cut.fit"
    cut.write_bytes(data[: len(data) // 2])
    damaged_id = import_paths(store, [cut]).outcomes[0].recording_id
    store.conn.execute(
        "INSERT INTO garmin_activities (activity_id, recording_id, fetched_at) VALUES (9, ?, 0)", (damaged_id,)
    )
    whole_id = import_paths(store, [ACTIVITY]).outcomes[0].recording_id
    assert whole_id != damaged_id
    assert store.conn.execute("SELECT recording_id FROM garmin_activities").fetchone() == (whole_id,)


def test_the_collector_is_back_as_it_was_after_every_decode_in_any_order_of_threads(store, tmp_path):
    import gc
    import threading

    from wearsync.errors import FitError
    from wearsync.sync.fit_import import COLLECTOR_PAUSED, decode

    require(SHARED_FIT)
    good = next(SHARED_FIT.rglob("*.fit")).read_bytes()
    assert gc.isenabled()
    decode(good, "good.fit")
    with pytest.raises(FitError):
        decode(b"not a FIT file at all", "bad.fit")
    assert gc.isenabled()  # after a file and after a failure

    # Two threads' decodes overlapping: off until the last ends, whichever began first.
    first_in, second_done = threading.Event(), threading.Event()
    seen = []

    def first():
        with COLLECTOR_PAUSED:
            first_in.set()
            second_done.wait(5)
            seen.append(gc.isenabled())  # the second ended; this one still decodes

    worker = threading.Thread(target=first)
    worker.start()
    first_in.wait(5)
    with COLLECTOR_PAUSED:
        seen.append(gc.isenabled())
    second_done.set()
    worker.join(5)
    assert seen == [False, False] and gc.isenabled()

    gc.disable()  # someone turned it off before: it stays off
    try:
        decode(good, "good.fit")
        assert not gc.isenabled()
    finally:
        gc.enable()
