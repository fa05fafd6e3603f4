"""The wearer from the sources (issue 11): a FIT file's user_profile / zones_target and Garmin
Connect's user settings are stored and used by the reports, each value labelled with where it
came from; configured values win, anything unstated stays "assumed"."""

import json
from datetime import date

import pytest
from textual.widgets import DataTable

from tests.conftest import SHARED_FIT, require
from tests.fake_garmin import GARMIN_BODIES, FakeGarmin, use_fake, write_tokens
from tests.functional.conftest import loaded, run_async
from wearsync.cli import main
from wearsync.config import Analytics, Config, Wearer
from wearsync.dashboard.app import build_app
from wearsync.reports import day as report_day
from wearsync.reports import week as report_week
from wearsync.reports.models import as_json
from wearsync.store import Store
from wearsync.sync.fit_import import import_paths
from wearsync.sync.garmin_client import login_from_tokens
from wearsync.sync.garmin_pull import pull_garmin

# A real Edge 530 ride of 2020-09-08. fitparse reads its user_profile as gender male, age 27,
# weight 65.2 kg, resting_heart_rate 45, default_max_heart_rate 185, and its zones_target as
# max_heart_rate 190, hr_calc_type percent_hrr.
EDGE_530 = SHARED_FIT / "fit2gpx" / "test" / "Garmin_Edge" / "Edge-530-5505877912.fit"
RIDE_DAY = date(2020, 9, 8)


def test_a_fit_user_profile_is_the_wearer_when_nothing_is_configured(store):
    import_paths(store, [require(EDGE_530)])
    report = as_json(report_day.day_report(store, Config(), RIDE_DAY, as_of=date(2020, 9, 9)))
    wearer = report["wearer"]
    # age 27 in a file of 2020: born 2020 - 27 = 1993
    assert (wearer["birth_year"], wearer["birth_year_from"]) == (1993, "fit")
    assert (wearer["sex"], wearer["sex_from"]) == ("male", "fit")
    assert (wearer["weight_kg"], wearer["weight_from"]) == (65.2, "fit")
    assert wearer["intake_floor_kcal"] == 1500
    assert (report["max_hr"], report["max_hr_from"]) == (190, "fit")
    # no monitoring that day: the profile's resting 45 gives the zones, by heart-rate reserve
    assert (report["resting_hr"], report["resting_hr_from"], report["zones_by"]) == (45, "fit", "heart_rate_reserve")
    # 45 + 0.40 x (190 - 45) = 103.0; 45 + 0.60 x 145 = 132.0
    assert (report["moderate_from_bpm"], report["vigorous_from_bpm"]) == (103.0, 132.0)


def test_configured_values_win_over_the_fit_profile(store):
    import_paths(store, [require(EDGE_530)])
    config = Config(wearer=Wearer(birth_year=1960, sex="female", resting_hr=60, max_hr=170, weight_kg=58.0))
    report = as_json(report_day.day_report(store, config, RIDE_DAY, as_of=date(2020, 9, 9)))
    wearer = report["wearer"]
    assert (wearer["birth_year"], wearer["birth_year_from"]) == (1960, "config")
    assert (wearer["sex"], wearer["sex_from"], wearer["intake_floor_kcal"]) == ("female", "config", 1200)
    assert (wearer["weight_kg"], wearer["weight_from"]) == (58.0, "config")
    assert (report["max_hr"], report["max_hr_from"], report["resting_hr"], report["resting_hr_from"]) == (
        170,
        "config",
        60,
        "config",
    )


def test_without_any_profile_the_wearer_is_assumed(store):
    report = as_json(report_day.day_report(store, Config(), RIDE_DAY, as_of=date(2020, 9, 9)))
    wearer = report["wearer"]
    assert (wearer["birth_year"], wearer["birth_year_from"]) == (1990, "assumed")
    assert (wearer["sex"], wearer["sex_from"]) == (None, "assumed")
    assert wearer["weight_from"] == "assumed"


@pytest.fixture
def fake():
    require(GARMIN_BODIES)
    server = FakeGarmin().start()
    yield server
    server.stop()


def _pull(home, fake, today):
    store = Store.open(home)
    try:
        return pull_garmin(store, lambda: login_from_tokens(home, fake.url, min_interval_s=0), today=today, since=today)
    finally:
        store.close()


def test_garmin_user_settings_are_the_wearer_and_win_over_a_fit_profile(tmp_path, monkeypatch, fake):
    home = use_fake(monkeypatch, fake, tmp_path)
    write_tokens(home, fake.issue_tokens())
    store = Store.open(home)
    import_paths(store, [require(EDGE_530)])  # male, born 1993, 65.2 kg by the watch
    store.close()
    summary = _pull(home, fake, date(2023, 7, 1))
    assert summary.error is None
    # user_settings.json: "gender": "MALE", "weight": 79800.0 (grams), "birthDate": "1985-01-01"
    store = Store.open(home)
    try:
        wearer = as_json(report_day.day_report(store, Config(), date(2023, 7, 1), as_of=date(2023, 7, 3)))["wearer"]
    finally:
        store.close()
    assert (wearer["birth_year"], wearer["birth_year_from"]) == (1985, "garmin")
    assert (wearer["sex"], wearer["sex_from"]) == ("male", "garmin")
    assert (wearer["weight_kg"], wearer["weight_from"]) == (79.8, "garmin")


def test_implausible_garmin_settings_are_dropped_one_line_each_and_the_rest_kept(tmp_path, monkeypatch, fake):
    fake.bodies["user_settings"]["userData"].update(birthDate="1850-02-30", weight="heavy", gender="FEMALE")
    home = use_fake(monkeypatch, fake, tmp_path)
    write_tokens(home, fake.issue_tokens())
    summary = _pull(home, fake, date(2023, 7, 1))
    assert summary.error is None
    dropped = [w for w in summary.warnings if w.startswith("Garmin Connect's user settings")]
    assert len(dropped) == 2 and any("userData.birthDate" in w for w in dropped)
    assert any("userData.weight" in w for w in dropped)
    store = Store.open(home)
    try:
        wearer = as_json(report_day.day_report(store, Config(), date(2023, 7, 1), as_of=date(2023, 7, 3)))["wearer"]
    finally:
        store.close()
    assert (wearer["sex"], wearer["sex_from"]) == ("female", "garmin")
    assert (wearer["birth_year"], wearer["birth_year_from"]) == (1990, "assumed")
    assert wearer["weight_from"] == "assumed"


def test_the_newest_fit_profile_is_kept(store):
    # fitparse: this Fenix 5 run (2017) says weight 68.0 kg, no age; the Edge 530 ride (2020) 65.2 kg.
    older = require(SHARED_FIT / "python-fitparse" / "tests" / "files" / "garmin-fenix-5-run.fit")
    import_paths(store, [require(EDGE_530)])
    import_paths(store, [older])
    report = as_json(report_day.day_report(store, Config(), RIDE_DAY, as_of=date(2020, 9, 9)))
    assert (report["wearer"]["weight_kg"], report["wearer"]["birth_year"]) == (65.2, 1993)


# 2023-07-01 is a Saturday: in Sunday weeks it ends the week of Sunday 2023-06-25; in Monday
# weeks it falls in the week of Monday 2023-06-26 (ISO 2023-W26).
GARMIN_DAY = date(2023, 7, 1)


def _week_after_pull(home, fake, config):
    summary = _pull(home, fake, GARMIN_DAY)
    assert summary.error is None
    store = Store.open(home)
    try:
        return as_json(report_week.week_report(store, config, GARMIN_DAY, as_of=date(2023, 7, 3)))
    finally:
        store.close()


def test_garmin_first_day_of_the_week_starts_the_weeks(tmp_path, monkeypatch, fake, capsys):
    # user_settings.json: "firstDayOfWeek": {"dayId": 2, "dayName": "sunday", ...}
    home = use_fake(monkeypatch, fake, tmp_path)
    write_tokens(home, fake.issue_tokens())
    week = _week_after_pull(home, fake, Config())
    assert (week["wearer"]["week_start"], week["wearer"]["week_start_from"]) == ("sunday", "garmin")
    assert (week["week_start"], week["week_end"]) == ("2023-06-25", "2023-07-01")
    # ISO 2023-W26 is Monday 06-26 to Sunday 07-02; the Sunday week sharing four days with it starts 06-25
    assert week["week_id"] == "2023-W26"
    assert [d["local_day"] for d in week["days"]][0] == "2023-06-25"
    # the CLI's week argument names the same Sunday week
    capsys.readouterr()
    assert main(["report", "--week", "2023-W26", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["week_start"] == "2023-06-25"


def test_a_configured_week_start_wins_over_garmin(tmp_path, monkeypatch, fake):
    home = use_fake(monkeypatch, fake, tmp_path)
    write_tokens(home, fake.issue_tokens())
    week = _week_after_pull(home, fake, Config(analytics=Analytics(week_start="monday")))
    assert (week["wearer"]["week_start"], week["wearer"]["week_start_from"]) == ("monday", "config")
    assert (week["week_start"], week["week_end"]) == ("2023-06-26", "2023-07-02")


def test_a_malformed_garmin_first_day_is_dropped_with_a_line_and_monday_assumed(tmp_path, monkeypatch, fake):
    fake.bodies["user_settings"]["userData"]["firstDayOfWeek"] = {"dayId": 9, "dayName": "caturday"}
    home = use_fake(monkeypatch, fake, tmp_path)
    write_tokens(home, fake.issue_tokens())
    summary = _pull(home, fake, GARMIN_DAY)
    assert [w for w in summary.warnings if "userData.firstDayOfWeek" in w] == [
        "Garmin Connect's user settings: 1 implausible or malformed userData.firstDayOfWeek value dropped"
    ]
    store = Store.open(home)
    try:
        week = as_json(report_week.week_report(store, Config(), GARMIN_DAY, as_of=date(2023, 7, 3)))
    finally:
        store.close()
    assert (week["wearer"]["week_start"], week["wearer"]["week_start_from"]) == ("monday", "assumed")
    assert week["week_start"] == "2023-06-26"


def test_unset_and_no_garmin_weeks_start_on_an_assumed_monday(store):
    week = as_json(report_week.week_report(store, Config(), GARMIN_DAY, as_of=date(2023, 7, 3)))
    assert (week["wearer"]["week_start"], week["wearer"]["week_start_from"]) == ("monday", "assumed")
    assert (week["week_start"], week["week_end"]) == ("2023-06-26", "2023-07-02")


@run_async
async def test_the_dashboard_weeks_start_on_garmins_day(tmp_path, monkeypatch, fake):
    home = use_fake(monkeypatch, fake, tmp_path)
    write_tokens(home, fake.issue_tokens())
    assert _pull(home, fake, GARMIN_DAY).error is None
    store = Store.open(home)
    try:
        app = build_app(Config(), store, today=GARMIN_DAY)
        async with app.run_test() as pilot:
            await loaded(pilot)
            assert app.week_start == date(2023, 6, 25)
            await pilot.press("d")
            await loaded(pilot)
            rows = [
                app.screen.query_one("#day-numbers", DataTable).get_row_at(i)
                for i in range(app.screen.query_one("#day-numbers", DataTable).row_count)
            ]
            assert ["Week starts", "Sunday", "Garmin Connect"] in [[str(c) for c in row] for row in rows]
    finally:
        store.close()
