import json
import math
import sqlite3
import statistics
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import DAY_PIECES, MONITOR, SHARED_FIT, SHARED_GARMIN, require
from tests.readings import monitoring_table, readings_table
from wearsync.cli import main
from wearsync.config import Config
from wearsync.reports import day as report_day
from wearsync.reports import week as report_week
from wearsync.reports.cache import refresh
from wearsync.reports.models import as_json
from wearsync.reports.params import params_from_config
from wearsync.store import Store
from wearsync.store.hr_series import write_series

RUN = SHARED_FIT / "python-fitparse" / "tests" / "files" / "activity-small-fenix2-run.fit"


def run_json(capsys, *argv):
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def import_monitoring_day():
    require(MONITOR)
    assert main(["import", *(str(MONITOR / p) for p in DAY_PIECES)]) == 0


def recount_heart_rate_minutes(db: Path, day: str, moderate_from: float, vigorous_from: float) -> tuple[int, int]:
    """docs/metrics.md's heart-rate minutes recounted in plain Python from the stored raw rows:
    a minute's mean bpm; it counts with movement (a rising walking/running/... total, over at
    most 15 minutes before its stamp; a day's first stamp over the device's logging interval)
    in it or in the minute either side, and only beside another counted minute."""
    conn = sqlite3.connect(db)
    per_minute = defaultdict(list)
    for ts, bpm, offset in readings_table(conn).execute(
        "SELECT ts, bpm, utc_offset_s FROM readings WHERE bpm IS NOT NULL"
    ):
        if datetime.fromtimestamp(ts + offset, UTC).date().isoformat() == day:
            per_minute[ts // 60].append(bpm)
    totals = (
        monitoring_table(conn)
        .execute(
            "SELECT serial, local_day, activity_type, ts, metric, value FROM monitoring_values "
            "WHERE kind = 'total' AND metric IN ('steps', 'active_kcal') ORDER BY ts"
        )
        .fetchall()
    )
    # the device's logging interval: the median gap between consecutive stamps of each running
    # total (per device, day, activity type and metric), at most 15 minutes
    gaps, stamp = defaultdict(list), {}
    for serial, local, t, ts, metric, _ in totals:
        if (serial, local, t, metric) in stamp:
            gaps[serial].append(ts - stamp[(serial, local, t, metric)])
        stamp[(serial, local, t, metric)] = ts
    logging_s = {serial: int(min(900, statistics.median(g))) for serial, g in gaps.items()}
    moving, last = set(), {}
    for serial, local, t, ts, metric, value in totals:
        before = last.get((serial, local, t, metric))
        last[(serial, local, t, metric)] = (ts, value)
        if t not in (1, 2, 4, 5, 6) or value <= (before[1] if before else 0):
            continue
        # a day's first stamp rose within the logging interval before it
        start = max(before[0] if before else ts - logging_s.get(serial, 900), ts - 900)
        moving.update(range(start // 60 - 1, ts // 60 + 2))
    zone = {}
    for minute, values in per_minute.items():
        bpm = sum(values) / len(values)
        if minute in moving and bpm >= moderate_from:
            zone[minute] = "vigorous" if bpm >= vigorous_from else "moderate"
    counted = [z for m, z in zone.items() if m - 1 in zone or m + 1 in zone]
    return counted.count("moderate"), counted.count("vigorous")


def test_2020_09_25_the_devices_18_and_91_are_the_headline_with_wearsyncs_count_beside(capsys, wearsync_home):
    import_monitoring_day()
    day = run_json(capsys, "report", "--day", "2020-09-25")
    # the watch's own count (FIT 55/37-38 totals), what Garmin Connect shows: 18 + 2 × 91 = 200
    assert (day["minutes_source"], day["moderate_min"], day["vigorous_min"]) == ("device", 18, 91)
    assert (day["goal_minutes"], day["active_minutes"], day["device_goal_min"]) == (200, 109, 200)
    # resting 47: the day's own (FIT 211 field 1; fitparse: unknown_1 = 47), not the 7-day average
    # 46 (field 0); birth year not configured: 1990 assumed, Tanaka 208 - 0.7 × 30 = 187;
    # HRR 140: moderate from 47 + 56 = 103.0, vigorous from 47 + 84 = 131.0
    assert (day["resting_hr"], day["resting_hr_from"], day["max_hr"], day["max_hr_from"]) == (
        47.0,
        "device",
        187.0,
        "tanaka",
    )
    assert (day["zones_by"], day["moderate_from_bpm"], day["vigorous_from_bpm"]) == ("heart_rate_reserve", 103.0, 131.0)
    assert (day["wearer"]["birth_year"], day["wearer"]["birth_year_from"], day["wearer"]["sex_from"]) == (
        1990,
        "assumed",
        "assumed",
    )
    assert (day["hr_moderate_min"], day["hr_vigorous_min"]) == recount_heart_rate_minutes(
        wearsync_home / "wearsync.db", "2020-09-25", 103.0, 131.0
    )
    assert day["hr_goal_min"] == day["hr_moderate_min"] + 2 * day["hr_vigorous_min"]
    # 1,065 minutes with a reading, 1,440 - 1,065 = 375 without
    assert (day["minutes_with_readings"], day["minutes_without_reading"]) == (1065, 375)
    # no intake logged: burned is known (1,860 RMR over the whole day + 1,072 active), the deficit is not
    assert (day["burned_kcal"], day["eaten_kcal"], day["deficit_kcal"], day["deficit_credit_kcal"]) == (
        2932,
        None,
        None,
        None,
    )
    # where the device's minutes fell: its increments add up to its own totals, the longest
    # stretch (52 vigorous) closing at 21:23 local
    increments = day["device_increments"]
    assert sum(i["moderate_min"] for i in increments) == 18 and sum(i["vigorous_min"] for i in increments) == 91
    assert {"at": "21:23", "moderate_min": 1, "vigorous_min": 52} in increments
    main(["report", "--day", "2020-09-25"])
    out = " ".join(capsys.readouterr().out.split())
    assert "18 mod + 91 vig" in out and "200 (30 reached)" in out and "21:23 1/52" in out
    assert f"{day['hr_moderate_min']} / {day['hr_vigorous_min']} ({day['hr_goal_min']} goal-equiv.)" in out
    assert "moderate from 103.0 bpm, vigorous from 131.0 bpm" in out and "Tanaka" in out
    assert "born 1990 (assumed)" in out


def test_issue_11_case_4_the_days_later_pieces_alone_keep_a_whole_days_resting_energy(capsys):
    require(MONITOR)
    # 08:22-24:00 only (the two later pieces): the day is over, so a whole day's 1,860 kcal rest
    assert main(["import", *(str(MONITOR / p) for p in DAY_PIECES[1:])]) == 0
    day = run_json(capsys, "report", "--day", "2020-09-25")
    assert (day["steps"], day["active_kcal"], day["burned_kcal"]) == (15027, 1072, 1860 + 1072)


def test_issue_11_an_activity_file_alone_gives_goal_minutes_by_percent_of_max(capsys):
    require(RUN)
    # a real Fenix 2 run (2015-08-15), no monitoring and nothing configured: no resting heart
    # rate, so zones by percent of max: 1990 assumed, age 25, Tanaka 208 - 17.5 = 190.5;
    # moderate from 0.64 × 190.5 = 121.92, vigorous from 0.77 × 190.5 = 146.685
    assert main(["import", str(RUN)]) == 0
    day = run_json(capsys, "report", "--day", "2015-08-15")
    assert (day["zones_by"], day["resting_hr"], day["max_hr"]) == ("percent_of_max", None, 190.5)
    assert (day["moderate_from_bpm"], day["vigorous_from_bpm"]) == (121.9, 146.7)
    assert day["goal_minutes"] > 0 and day["minutes_source"] == "heart_rate"
    assert day["wearer"]["birth_year_from"] == "assumed"
    main(["report", "--day", "2015-08-15"])
    out = " ".join(capsys.readouterr().out.split())
    assert "percent of maximum heart rate" in out and "(assumed)" in out


def store_garmin_day(store: Store):
    summary = json.loads((SHARED_GARMIN / "user_summary_2023-07-01.json").read_text())
    heart = json.loads((SHARED_GARMIN / "daily_heart_rate_2023-07-01.json").read_text())
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO wellness (local_day, source, steps, ascent_m, descent_m, active_kcal, bmr_kcal, total_kcal, "
            "moderate_min, vigorous_min, resting_hr, utc_offset_s, covered_s) VALUES "
            "('2023-07-01', 'garmin', ?, ?, ?, ?, ?, ?, ?, ?, ?, -21600, 86400)",
            (
                summary["totalSteps"],
                summary["floorsAscendedInMeters"],
                summary["floorsDescendedInMeters"],
                summary["activeKilocalories"],
                summary["bmrKilocalories"],
                summary["totalKilocalories"],
                summary["moderateIntensityMinutes"],
                summary["vigorousIntensityMinutes"],
                summary["restingHeartRate"],
            ),
        )
        values = heart["heartRateValues"]
        write_series(
            conn,
            source="garmin",
            ts=[ms // 1000 for ms, _ in values],
            bpm=[math.nan if bpm is None else bpm for _, bpm in values],
            utc_offset_s=[-21600] * len(values),
            garmin_day="2023-07-01",
        )


def test_2023_07_01_from_garmin_shows_heart_rate_minutes_beside_garmins_0_and_0(store):
    # The Garmin bodies are stored as the Garmin importer stores them (wellness + 2-minute values).
    require(SHARED_GARMIN)
    store_garmin_day(store)
    config = Config()
    day = as_json(report_day.day_report(store, config, date(2023, 7, 1)))
    assert (day["device_moderate_min"], day["device_vigorous_min"]) == (0, 0)
    # resting 51 (Garmin's), max 208 - 0.7 × (2023 - 1990) = 184.9 (birth year assumed), peak 107 bpm:
    # HRR = 184.9 - 51 = 133.9, moderate from 51 + 53.56 = 104.56
    assert (day["resting_hr"], day["resting_hr_from"], day["max_hr"], day["moderate_from_bpm"]) == (
        51.0,
        "garmin",
        184.9,
        104.6,
    )
    # 711 values, 3 empty, each covering 2 minutes: 708 × 2 = 1,416 minutes
    assert day["minutes_with_readings"] == 1416
    # Garmin's 2-minute values at 106-107 bpm are above the line, but Garmin Connect's day holds no
    # movement per minute: all-day heart rate without movement is not exercise
    assert (day["hr_moderate_min"], day["hr_vigorous_min"], day["hr_goal_min"]) == (0, 0, 0)
    # the headline is Garmin's own count: 0 + 2 × 0
    assert (day["minutes_source"], day["goal_minutes"]) == ("device", 0)
    assert (day["steps"], day["burned_kcal"], day["eaten_kcal"], day["deficit_kcal"]) == (12413, 2498, None, None)


def test_log_intake_replaces_a_correction_and_beats_garmins(capsys, store):
    with store.transaction() as conn:
        conn.execute("INSERT INTO intake VALUES ('2023-06-05', 'garmin', 2400, 1)")
    assert main(["log", "intake", "1800", "--date", "2023-06-05"]) == 0
    assert main(["log", "intake", "1650", "--date", "2023-06-05"]) == 0
    assert "replaces 1,800" in capsys.readouterr().out
    day = run_json(capsys, "report", "--day", "2023-06-05")
    assert (day["eaten_kcal"], day["intake_source"]) == (1650, "manual")


def test_intake_csv_with_a_day_under_the_floor(capsys, tmp_path, store):
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO wellness (local_day, source, total_kcal) VALUES ('2023-06-05', 'garmin', 2500), "
            "('2023-06-06', 'garmin', 2500)"
        )
    csv = tmp_path / "intake.csv"
    csv.write_text("date,kcal\n2023-06-05,2100\n2023-06-06,1100\n")
    assert main(["log", "intake-csv", str(csv)]) == 0
    week = run_json(capsys, "report", "--week", "2023-W23")
    monday, tuesday = week["days"][:2]
    # Monday: 2,500 - 2,100 = 400 deficit, credit 400. Tuesday: 1,100 < 1,200 floor: flagged, no credit.
    assert (monday["deficit_kcal"], monday["deficit_credit_kcal"]) == (400, 400)
    assert (tuesday["deficit_kcal"], tuesday["below_intake_floor"], tuesday["deficit_credit_kcal"]) == (1400, True, 0)
    # intake on 2 of the week's 7 days: too few to score ("not enough data"), never 100 × 400 / 3,500 = 11.4
    assert (week["credit_kcal"], week["days_deficit_scored"], week["days_below_floor"]) == (400, 2, 1)
    assert week["deficit_score"] is None
    bad = tmp_path / "bad.csv"
    bad.write_text("2023-06-05,lots\n")
    assert main(["log", "intake-csv", str(bad)]) == 2
    assert "bad.csv:1" in capsys.readouterr().err


def test_week_and_weeks_reports(capsys):
    import_monitoring_day()
    week = run_json(capsys, "report", "--week", "2020-W39")
    assert (week["week_id"], week["week_start"], week["week_end"]) == ("2020-W39", "2020-09-21", "2020-09-27")
    assert [d["local_day"] for d in week["days"]][4] == "2020-09-25"
    # the device's 200 goal-equivalent minutes on Friday meet the 150 alone: score 100
    assert week["goal_minutes"] == 200 and week["cardio_score"] == 100.0
    weeks = run_json(capsys, "report", "--weeks", "3")
    assert len(weeks) == 3 and weeks[-1]["week_start"] <= date.today().isoformat()
    main(["report", "--week", "2020-W39"])
    assert "2020-W39" in capsys.readouterr().out


def test_only_the_new_days_are_recomputed_after_an_import(store, wearsync_home):
    require(MONITOR)
    params = params_from_config(Config())
    assert refresh(store, params) == set()
    from wearsync.sync.fit_import import import_paths

    import_paths(store, [MONITOR / DAY_PIECES[0]])
    assert refresh(store, params) == {date(2020, 9, 25)}
    assert refresh(store, params) == set()
    import_paths(store, [MONITOR / p for p in DAY_PIECES[1:]])
    assert refresh(store, params) == {date(2020, 9, 25), date(2020, 9, 26)}
    hr = as_json(report_day.day_report(store, Config(), date(2020, 9, 25)))
    assert (hr["hr_moderate_min"], hr["hr_vigorous_min"]) == recount_heart_rate_minutes(
        wearsync_home / "wearsync.db", "2020-09-25", 103.0, 131.0
    )


def test_every_command_has_help_with_an_example(capsys):
    for argv in (["report", "--help"], ["log", "intake", "--help"], ["log", "intake-csv", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        assert "example" in capsys.readouterr().out


def test_a_streak_longer_than_the_first_look_back_counts_every_week(store):
    # Garmin Connect days: 150 moderate minutes every Monday of 13 weeks from 2023-01-02 (each week
    # meets the 150 on its own); a 14th week, worn all week (2,000 steps a day) but with 0 minutes,
    # ends it. Streaks by hand: the 13th week 13, the 14th (over, worn, missed) 0.
    monday = date(2023, 1, 2)
    rows = [((monday + timedelta(weeks=k)).isoformat(), 150, 0) for k in range(13)]
    rows += [((monday + timedelta(weeks=13, days=d)).isoformat(), 0, 0) for d in range(7)]
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO wellness (local_day, source, steps, moderate_min, vigorous_min, covered_s) "
            "VALUES (?, 'garmin', 2000, ?, ?, 86400)",
            rows,
        )
    as_of = date(2023, 6, 1)
    assert (
        as_json(report_week.week_report(store, Config(), monday + timedelta(weeks=12), as_of=as_of))["streak_weeks"]
        == 13
    )
    assert (
        as_json(report_week.week_report(store, Config(), monday + timedelta(weeks=13), as_of=as_of))["streak_weeks"]
        == 0
    )


def test_the_streak_of_earlier_weeks_takes_garmins_day_whole_over_the_watchs(store):
    # Week A (Mon 2023-01-02): Garmin Connect days, 150 moderate minutes on the Monday: met.
    # Week B: each day Garmin says 0 minutes and the FIT monitoring 30 (7 x 30 = 210): Garmin's day
    # is taken whole, so B is over, worn and missed: the streak resets. Week C: nothing (not enough
    # data, carries 0). Week D: Garmin 150 on the Monday: met. By hand: D's streak is 1 (with the
    # watch's minutes B would have met and D would be 3).
    a = date(2023, 1, 2)
    days = lambda week: [(a + timedelta(weeks=week, days=d)).isoformat() for d in range(7)]  # noqa: E731
    rows = [(day, "garmin", 150 if n == 0 else 0) for week in (0, 3) for n, day in enumerate(days(week))]
    rows += [(day, source, 0 if source == "garmin" else 30) for day in days(1) for source in ("garmin", "fit")]
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO wellness (local_day, source, steps, moderate_min, vigorous_min, covered_s) "
            "VALUES (?, ?, 2000, ?, 0, 86400)",
            rows,
        )
    as_of = date(2023, 6, 1)
    d = a + timedelta(weeks=3)
    assert report_week.week_report(store, Config(), d, as_of=as_of).streak_weeks == 1
    # the same as the weeks' own reports, each from its whole days
    assert [w.streak_weeks for w in report_week.history(store, Config(), 4, d, as_of=as_of)] == [1, 0, 0, 1]
