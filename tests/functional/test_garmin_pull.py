"""A pull from the fake Garmin Connect with the real garminconnect library: the days and
activities it stores, the recorded day 2023-07-01, intake, first and incremental pulls, the
requests per day and their spacing, an activity from Garmin and a folder counted once, the CLI's
summaries, the bodies kept as sent, and the dashboard pulling the same sources."""

import importlib.util
import json
import shutil
from datetime import date, datetime

import pytest

from tests.fake_garmin import (
    FIT_FILES,
    GARMIN_BODIES,
    FakeActivity,
    fit_file,
    run_cli,
    serving,
    skip_module_without_shared_data,
    write_config,
)
from tests.functional.conftest import pull_from as pull
from tests.functional.conftest import query_store as query
from tests.garmin_pull_setup import days_asked, with_a_run_and_a_walk
from wearsync.store import Store
from wearsync.sync.garmin_client import login_from_tokens
from wearsync.sync.garmin_pull import pull_garmin

skip_module_without_shared_data()


@pytest.fixture
def fake():
    yield from serving(with_a_run_and_a_walk())


def test_full_pull_of_several_days_stores_each_day_and_the_activities(home, fake):
    summary = pull(home, fake, date(2023, 7, 3), since=date(2023, 6, 29))
    assert summary.error is None and summary.outcome == "ok"
    assert summary.days_stored == ["2023-06-29", "2023-06-30", "2023-07-01", "2023-07-02", "2023-07-03"]
    assert query(home, "SELECT local_day, complete FROM garmin_days ORDER BY 1") == [
        # asked once after they ended: the next pull confirms their totals
        ("2023-06-29", 0),
        ("2023-06-30", 0),
        ("2023-07-01", 0),
        ("2023-07-02", 0),
        ("2023-07-03", 0),
    ]
    assert query(home, "SELECT count(*) FROM wellness WHERE source = 'garmin'") == [(5,)]
    assert query(home, "SELECT count(*) FROM readings WHERE source = 'garmin'") == [(711 + 4 * 720,)]
    assert summary.activities_new == 2 and summary.activities_imported == 2
    assert query(home, "SELECT activity_id, recording_id IS NOT NULL FROM garmin_activities ORDER BY 1") == [
        (9001, 1),
        (9002, 1),
    ]
    assert query(home, "SELECT count(*) FROM activities") == [(2,)]
    raw = dict(query(home, "SELECT endpoint, count(*) FROM garmin_responses GROUP BY 1"))
    assert raw == {"usersummary": 5, "dailyHeartRate": 5, "foodlog": 5, "activity": 2, "weight": 1}
    assert not fake.requests("/mobile/") and not fake.requests("oauth/token")
    runs = query(home, "SELECT source, outcome, finished_at IS NOT NULL FROM sync_runs")
    assert runs == [("garmin", "ok", 1)]


def test_the_recorded_day_2023_07_01(home, fake):
    pull(home, fake, date(2023, 7, 3), since=date(2023, 7, 1))
    row = query(
        home,
        "SELECT steps, ascent_m, descent_m, active_kcal, bmr_kcal, total_kcal, moderate_min, "
        "vigorous_min, resting_hr, utc_offset_s, covered_s FROM wellness "
        "WHERE local_day = '2023-07-01' AND source = 'garmin'",
    )
    assert row == [(12413, 90.802, 88.567, 370, 2128, 2498, 0, 0, 51, -21600, 86400)]
    assert round(row[0][1] / 3.048, 1) == 29.8
    assert query(
        home, "SELECT count(*), count(bpm), min(ts), max(ts) FROM readings WHERE garmin_day = '2023-07-01'"
    ) == [(711, 708, 1688191200, 1688277480)]
    assert query(home, "SELECT * FROM intake WHERE local_day = '2023-07-01'") == []
    stored = json.loads(
        query(home, "SELECT body FROM garmin_responses WHERE endpoint = 'usersummary' AND key = '2023-07-01'")[0][0]
    )
    assert stored == json.loads((GARMIN_BODIES / "user_summary_2023-07-01.json").read_text())


def test_the_recorded_day_in_the_report(home, fake, monkeypatch, capsys):
    if importlib.util.find_spec("wearsync.cli.report") is None:
        pytest.skip("`wearsync report` has not landed yet")
    pull(home, fake, date(2023, 7, 3), since=date(2023, 7, 1))
    code, out, _ = run_cli(monkeypatch, capsys, "report", "--day", "2023-07-01", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["steps"] == 12413
    assert round(report["floors"], 1) == 29.8 and round(report["ascent_m"], 1) == 90.8
    assert report["burned_kcal"] == 2498
    assert report["readings"]["values"] == 711 and report["readings"]["empty"] == 3
    assert report["eaten_kcal"] is None
    assert report["device_moderate_min"] == 0 and report["device_vigorous_min"] == 0


def test_intake_comes_from_the_summary_or_the_food_log_and_unknown_stays_unknown(home, fake):
    fake.consumed_in_summary["2023-06-30"] = 2100
    fake.intake["2023-07-02"] = 1750
    pull(home, fake, date(2023, 7, 3), since=date(2023, 6, 30))
    assert query(home, "SELECT local_day, kcal FROM intake ORDER BY 1") == [("2023-06-30", 2100), ("2023-07-02", 1750)]
    assert "logs/2023-06-30" not in str([r.path for r in fake.requests("/nutrition-service/")])
    fake.intake.pop("2023-07-02")
    pull(home, fake, date(2023, 7, 3))
    assert query(home, "SELECT local_day FROM intake") == [("2023-06-30",)]


def test_first_pull_takes_the_configured_span_and_says_how_to_go_back(home, fake):
    summary = pull(home, fake, date(2023, 7, 3), first_pull_days=5)
    assert summary.first_pull and summary.days_planned[0] == "2023-06-29"
    assert "--since 2022-06-29" in summary.note


def test_incremental_pull_fetches_only_what_is_new(home, fake):
    pull(home, fake, date(2023, 7, 3), first_pull_days=5)
    fake.activities.append(
        FakeActivity(9003, datetime(2023, 7, 4, 6, 0), fit_file("garmin-fenix-5-bike.fit"), "Ride", "cycling")
    )
    fake.clear_log()
    summary = pull(home, fake, date(2023, 7, 4))
    assert not summary.first_pull and summary.note == ""
    # the days asked once after they ended, to confirm their totals (their summary only), and
    # the days young at the first pull
    assert days_asked(fake) == ["2023-06-29", "2023-06-30", "2023-07-01", "2023-07-02", "2023-07-03", "2023-07-04"]
    assert days_asked(fake, "dailyHeartRate") == ["2023-07-02", "2023-07-03", "2023-07-04"]
    assert [r.path for r in fake.requests("/download-service/")] == ["/download-service/files/activity/9003"]
    # The listing covers the trailing two weeks (here the whole synced range) for late uploads.
    assert "startDate=2023-06-29" in fake.requests("/activitylist-service/")[0].query
    assert query(home, "SELECT count(*) FROM readings WHERE garmin_day = '2023-07-03'") == [(720,)]
    fake.clear_log()
    pull(home, fake, date(2023, 7, 4))
    assert days_asked(fake) == ["2023-07-03", "2023-07-04"]
    assert not fake.requests("/download-service/")


def test_requests_per_day_are_what_the_design_intends(home, fake):
    # Logging in from tokens: socialProfile + user-settings. Per day: summary, heart rate
    # and (no intake in the summary) the food log. Activities: one page per 100 (a page holding
    # fewer ends the list), then one ORIGINAL download per new activity. Weigh-ins:
    # one request for the run of pulled days whose weigh-ins are still to ask.
    pull(home, fake, date(2023, 7, 3), first_pull_days=30)
    login, per_day, weigh_ins, pages, downloads = 2, 3, 1, 1, 2
    assert len(fake.log) == login + 30 * per_day + weigh_ins + pages + downloads
    fake.clear_log()
    pull(home, fake, date(2023, 7, 4))
    # the twelve days asked once within two weeks after they ended: their summary again, to
    # confirm their totals (unchanged: nothing more)
    assert len(fake.log) == login + 12 + 3 * per_day + weigh_ins + pages + 0
    fake.clear_log()
    pull(home, fake, date(2023, 7, 5))
    assert len(fake.log) == login + 3 * per_day + weigh_ins + pages + 0


def test_requests_are_spaced_by_the_minimum_interval(home, fake):
    store = Store.open(home)
    pull_garmin(
        store,
        lambda: login_from_tokens(home, fake.url, min_interval_s=0.05),
        today=date(2023, 7, 3),
        since=date(2023, 7, 2),
    )
    store.close()
    times = [r.at for r in fake.log]
    assert len(times) == 2 + 2 * 3 + 1 + 1 + 1  # login, 2 days, weigh-ins, listing, download
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.045


def test_an_activity_from_garmin_and_from_a_folder_counts_once(home, fake, tmp_path, monkeypatch, capsys):
    watch = tmp_path / "GARMIN" / "Activity"
    watch.mkdir(parents=True)
    shutil.copy(FIT_FILES / "garmin-fenix-5-run.fit", watch / "7A1B0800.FIT")
    monkeypatch.setenv("WEARSYNC_CONFIG", str(write_config(tmp_path / "c.toml", fit_folders=[str(watch)])))
    fake.activities[0].start_local = datetime.combine(date.today(), datetime.min.time())
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--days", "2", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["folders"]["imported"] == 1
    assert report["garmin"]["activities"]["new"] == 1 and report["garmin"]["activities"]["duplicates"] == 1
    assert query(home, "SELECT count(*) FROM recordings") == [(1,)]
    assert query(home, "SELECT count(*) FROM activities") == [(1,)]
    run_id = query(home, "SELECT id FROM recordings WHERE path LIKE '%7A1B0800.FIT'")[0][0]
    assert query(home, "SELECT recording_id FROM garmin_activities WHERE activity_id = 9001") == [(run_id,)]


def test_a_folder_copy_after_the_garmin_download_counts_once(home, fake, tmp_path):
    pull(home, fake, date(2023, 7, 3), since=date(2023, 6, 30))
    from wearsync.sync.folders import pull_folders

    watch = tmp_path / "Activity"
    watch.mkdir()
    shutil.copy(FIT_FILES / "garmin-fenix-5-run.fit", watch / "run.fit")
    store = Store.open(home)
    summary = pull_folders(store, [str(watch), str(tmp_path / "unplugged")])
    store.close()
    assert summary.imported.duplicates == 1 and summary.absent == [str(tmp_path / "unplugged")]
    assert query(home, "SELECT count(*) FROM activities") == [(2,)]


def test_cli_pull_json_summary_and_progress(home, fake, monkeypatch, capsys):
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--days", "3", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["garmin"]["outcome"] == "ok"
    assert report["garmin"]["days"]["planned"] == 3 and report["garmin"]["days"]["stored"] == 3


def test_cli_pull_human_summary_on_a_first_pull(home, fake, monkeypatch, capsys):
    code, out, err = run_cli(monkeypatch, capsys, "pull")
    assert code == 0, err
    assert "Garmin Connect: 5 of 5 days stored" in out
    assert "wearsync pull --since" in err


def test_cli_pull_quiet_keeps_the_summary_without_the_notes(home, fake, monkeypatch, capsys):
    code, out, err = run_cli(monkeypatch, capsys, "pull", "-q")
    assert code == 0, err
    assert "Garmin Connect: 5 of 5 days stored" in out
    assert "wearsync pull --since" not in err and err == ""


def test_bodies_are_stored_as_the_bytes_garmin_sent(home, fake):
    pull(home, fake, date(2023, 7, 3), since=date(2023, 7, 1))
    for endpoint, path in (
        ("usersummary", "usersummary/daily"),
        ("dailyHeartRate", "dailyHeartRate"),
        ("foodlog", "food/logs/2023-07-01"),
    ):
        sent = [r.body for r in fake.requests(path) if "2023-07-01" in r.path + r.query]
        stored = query(home, "SELECT body FROM garmin_responses WHERE endpoint = ? AND key = '2023-07-01'", endpoint)
        assert stored == [(sent[0],)] and b'":' in sent[0] and b'": ' not in sent[0]


def test_the_dashboard_pulls_the_same_sources_as_the_cli(home, fake, tmp_path, monkeypatch):
    from wearsync.config import load_config
    from wearsync.dashboard.sync_actions import default_pull

    watch = tmp_path / "Activity"
    watch.mkdir()
    shutil.copy(FIT_FILES / "garmin-fenix-5-bike.fit", watch / "ride.fit")
    config_path = write_config(tmp_path / "c.toml", fit_folders=[str(watch)])
    monkeypatch.setenv("WEARSYNC_CONFIG", str(config_path))
    fake.activities[0].start_local = datetime.combine(date.today(), datetime.min.time())
    seen = []
    store = Store.open(home)
    try:
        result = default_pull(
            store, load_config(None), lambda phase, done, total, label: seen.append(f"{phase}: {label}")
        )
    finally:
        store.close()
    assert result == "folders: 1 new files, 0 failed; Garmin: 5 days, 1 new activities"
    assert seen[0] == "files: " + str(watch / "ride.fit") and seen[-1] == "activities: Run"
    assert [r[0] for r in query(home, "SELECT source FROM sync_runs ORDER BY id")] == ["folders", "garmin"]
