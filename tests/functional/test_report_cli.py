import json
import math
from datetime import date

import pytest

from tests.conftest import DAY_PIECES, MONITOR, SHARED_GARMIN, require
from wearsync import reporting
from wearsync.analytics.params import params_from_config
from wearsync.cli import main
from wearsync.config import Config
from wearsync.hr_series import write_series
from wearsync.store import Store


def run_json(capsys, *argv):
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def import_monitoring_day():
    require(MONITOR)
    assert main(["import", *(str(MONITOR / p) for p in DAY_PIECES)]) == 0


def test_2020_09_25_shows_heart_rate_minutes_beside_the_devices_18_and_91(capsys):
    import_monitoring_day()
    day = run_json(capsys, "report", "--day", "2020-09-25")
    assert (day["device_minutes"]["moderate"], day["device_minutes"]["vigorous"]) == (18, 91)
    assert day["device_minutes"]["goal"] == 18 + 2 * 91
    hr = day["hr_minutes"]
    # resting 46 (the device's own measurement), max 220 - (2020 - 1990) = 190, HRR 144:
    # moderate from 46 + 0.4 × 144 = 103.6, vigorous from 46 + 0.6 × 144 = 132.4
    assert (hr["resting_hr"], hr["max_hr"], hr["moderate_from_bpm"], hr["vigorous_from_bpm"]) == (
        46.0, 190, 103.6, 132.4)
    assert (hr["moderate"], hr["vigorous"], hr["goal"], hr["minutes_with_readings"]) == (80, 20, 120, 1065)
    assert day["goal_minutes"] == 120 and day["reached_daily_target"]
    # no intake logged: burned is known (1,860 RMR over the whole day + 1,072 active), the deficit is not
    assert (day["burned_kcal"], day["eaten_kcal"], day["deficit_kcal"], day["deficit_credit_kcal"]) == (
        2932, None, None, 0)
    main(["report", "--day", "2020-09-25"])
    out = capsys.readouterr().out
    assert "80 / 20 min (120 goal)" in out and "18 / 91 min (200 goal)" in out and "own zones" in out


def store_garmin_day(store: Store):
    summary = json.loads((SHARED_GARMIN / "user_summary_2023-07-01.json").read_text())
    heart = json.loads((SHARED_GARMIN / "daily_heart_rate_2023-07-01.json").read_text())
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO wellness (local_day, source, steps, ascent_m, descent_m, active_kcal, bmr_kcal, total_kcal, "
            "moderate_min, vigorous_min, resting_hr, utc_offset_s, covered_s) VALUES "
            "('2023-07-01', 'garmin', ?, ?, ?, ?, ?, ?, ?, ?, ?, -21600, 86400)",
            (summary["totalSteps"], summary["floorsAscendedInMeters"], summary["floorsDescendedInMeters"],
             summary["activeKilocalories"], summary["bmrKilocalories"], summary["totalKilocalories"],
             summary["moderateIntensityMinutes"], summary["vigorousIntensityMinutes"], summary["restingHeartRate"]))
        values = heart["heartRateValues"]
        write_series(conn, source="garmin", ts=[ms // 1000 for ms, _ in values],
                     bpm=[math.nan if bpm is None else bpm for _, bpm in values],
                     utc_offset_s=[-21600] * len(values), garmin_day="2023-07-01")


def test_2023_07_01_from_garmin_shows_heart_rate_minutes_beside_garmins_0_and_0(store):
    # The Garmin bodies are stored as the Garmin importer stores them (wellness + 2-minute values).
    require(SHARED_GARMIN)
    store_garmin_day(store)
    config = Config()
    day = reporting.day_report(store, config, date(2023, 7, 1))
    assert (day["device_minutes"]["moderate"], day["device_minutes"]["vigorous"]) == (0, 0)
    hr = day["hr_minutes"]
    # resting 51, max 220 - (2023 - 1990) = 187 (default birth year), peak 107 bpm:
    # HRR = 187 - 51 = 136, moderate from 51 + 54.4 = 105.4; 2-minute values at 106-107 bpm count
    assert (hr["resting_hr"], hr["max_hr"], hr["moderate_from_bpm"]) == (51.0, 187, 105.4)
    # 711 values, 3 empty, each covering 2 minutes: 708 × 2 = 1,416 minutes
    assert hr["minutes_with_readings"] == 1416
    assert (hr["moderate"], hr["vigorous"], hr["goal"]) == (4, 0, 4)   # two 2-minute values at 106-107 bpm
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
        conn.execute("INSERT INTO wellness (local_day, source, total_kcal) VALUES ('2023-06-05', 'garmin', 2500), "
                     "('2023-06-06', 'garmin', 2500)")
    csv = tmp_path / "intake.csv"
    csv.write_text("date,kcal\n2023-06-05,2100\n2023-06-06,1100\n")
    assert main(["log", "intake-csv", str(csv)]) == 0
    week = run_json(capsys, "report", "--week", "2023-W23")
    monday, tuesday = week["days"][:2]
    # Monday: 2,500 - 2,100 = 400 deficit, credit 400. Tuesday: 1,100 < 1,200 floor: flagged, no credit.
    assert (monday["deficit_kcal"], monday["deficit_credit_kcal"]) == (400, 400)
    assert (tuesday["deficit_kcal"], tuesday["below_intake_floor"], tuesday["deficit_credit_kcal"]) == (1400, True, 0)
    # 100 × 400 / (500 × 7) = 11.4
    assert (week["energy"]["credit_kcal"], week["energy"]["score"], week["energy"]["days_below_floor"]) == (400, 11.4, 1)
    bad = tmp_path / "bad.csv"
    bad.write_text("2023-06-05,lots\n")
    assert main(["log", "intake-csv", str(bad)]) == 2
    assert "bad.csv:1" in capsys.readouterr().err


def test_week_and_weeks_reports(capsys):
    import_monitoring_day()
    week = run_json(capsys, "report", "--week", "2020-W39")
    assert (week["week_id"], week["week_start"], week["week_end"]) == ("2020-W39", "2020-09-21", "2020-09-27")
    assert [d["day"] for d in week["days"]][4] == "2020-09-25"
    assert week["cardio"]["goal_minutes"] == 120 and week["cardio"]["score"] == 80.0   # 100 × 120 / 150
    weeks = run_json(capsys, "report", "--weeks", "3")
    assert len(weeks) == 3 and weeks[-1]["week_start"] <= date.today().isoformat()
    main(["report", "--week", "2020-W39"])
    assert "2020-W39" in capsys.readouterr().out


def test_only_the_new_days_are_recomputed_after_an_import(store):
    require(MONITOR)
    params = params_from_config(Config())
    assert reporting.refresh(store, params) == set()
    from wearsync.sync.fit_import import import_paths
    import_paths(store, [MONITOR / DAY_PIECES[0]])
    assert reporting.refresh(store, params) == {date(2020, 9, 25)}
    assert reporting.refresh(store, params) == set()
    import_paths(store, [MONITOR / p for p in DAY_PIECES[1:]])
    assert reporting.refresh(store, params) == {date(2020, 9, 25), date(2020, 9, 26)}
    moderate = reporting.day_report(store, Config(), date(2020, 9, 25))["hr_minutes"]["moderate"]
    assert moderate == 80


def test_every_command_has_help_with_an_example(capsys):
    for argv in (["report", "--help"], ["log", "intake", "--help"], ["log", "intake-csv", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        assert "example" in capsys.readouterr().out
