import importlib.util
import json
import shutil
import time
from datetime import date, datetime

import pytest

from tests.fake_garmin import (
    FIT_FILES,
    GARMIN_BODIES,
    FakeActivity,
    FakeGarmin,
    fit_file,
    run_cli,
    write_config,
)
from tests.functional.conftest import pull_from, query_store, signed_in_home
from wearsync.errors import GarminAuthError, GarminRateLimited, GarminUnavailable
from wearsync.store import Store
from wearsync.sync.garmin_client import COOLDOWN_KEY, login_from_tokens
from wearsync.sync.garmin_pull import pull_garmin

if not GARMIN_BODIES.is_dir() or not FIT_FILES.is_dir():
    pytest.skip(
        f"needs the shared data in {GARMIN_BODIES.parent} (../shared next to the project)", allow_module_level=True
    )


@pytest.fixture
def fake():
    server = FakeGarmin(
        activities=[
            FakeActivity(9001, datetime(2023, 6, 30, 7, 10), fit_file("garmin-fenix-5-run.fit")),
            FakeActivity(9002, datetime(2023, 7, 2, 18, 0), fit_file("garmin-fenix-5-walk.fit"), "Walk", "walking"),
        ]
    ).start()
    yield server
    server.stop()


@pytest.fixture
def home(tmp_path, monkeypatch, fake):
    return signed_in_home(monkeypatch, fake, tmp_path)


pull = pull_from


query = query_store


def days_asked(fake, endpoint="usersummary/daily"):
    return [r.query.split("=")[1] for r in fake.requests(endpoint)]


def test_full_pull_of_several_days_stores_each_day_and_the_activities(home, fake):
    summary = pull(home, fake, date(2023, 7, 3), since=date(2023, 6, 29))
    assert summary.error is None and summary.outcome == "ok"
    assert summary.days_stored == ["2023-06-29", "2023-06-30", "2023-07-01", "2023-07-02", "2023-07-03"]
    assert query(home, "SELECT local_day, complete FROM garmin_days ORDER BY 1") == [
        ("2023-06-29", 1),
        ("2023-06-30", 1),
        ("2023-07-01", 1),
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
    assert days_asked(fake) == ["2023-07-02", "2023-07-03", "2023-07-04"]
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
    # and (no intake in the summary) the food log. Activities: one page per 20 and the
    # empty page that ends the list, then one ORIGINAL download per new activity. Weigh-ins:
    # one request for the run of pulled days whose weigh-ins are still to ask.
    pull(home, fake, date(2023, 7, 3), first_pull_days=30)
    login, per_day, weigh_ins, pages, downloads = 2, 3, 1, 2, 2
    assert len(fake.log) == login + 30 * per_day + weigh_ins + pages + downloads
    fake.clear_log()
    pull(home, fake, date(2023, 7, 4))
    assert len(fake.log) == login + 3 * per_day + weigh_ins + 2 + 0


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
    assert len(times) == 2 + 2 * 3 + 1 + 2 + 1  # login, 2 days, weigh-ins, listing, download
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


def test_429_mid_pull_with_retry_after_stops_keeps_days_and_saves_the_cooldown(home, fake):
    fake.inject("status", "dailyHeartRate", query="date=2023-06-30", status=429, retry_after="120")
    before = time.time()
    summary = pull(home, fake, date(2023, 7, 3), since=date(2023, 6, 28))
    assert isinstance(summary.error, GarminRateLimited) and summary.outcome == "rate_limited"
    assert summary.days_stored == ["2023-06-28", "2023-06-29"]
    assert query(home, "SELECT local_day FROM garmin_days ORDER BY 1") == [("2023-06-28",), ("2023-06-29",)]
    assert query(home, "SELECT count(*) FROM wellness WHERE local_day = '2023-06-30'") == [(0,)]
    assert fake.log[-1].status == 429  # nothing sent after the 429
    assert not fake.requests("/mobile/") and not fake.requests("oauth/token")
    until = float(query(home, "SELECT value FROM state WHERE key = ?", COOLDOWN_KEY)[0][0])
    assert before + 119 <= until <= time.time() + 121
    assert "try again after" in str(summary.error)
    assert query(home, "SELECT outcome FROM sync_runs") == [("rate_limited",)]


def test_429_without_retry_after_waits_the_default_and_later_pulls_refuse(home, fake, monkeypatch, capsys):
    fake.inject("status", "usersummary", query="calendarDate=2023-06-29", status=429)
    summary = pull(home, fake, date(2023, 7, 3), since=date(2023, 6, 28))
    until = float(query(home, "SELECT value FROM state WHERE key = ?", COOLDOWN_KEY)[0][0])
    assert 3500 < until - time.time() <= 3600
    assert summary.days_stored == ["2023-06-28"]
    fake.clear_log()
    again = pull(home, fake, date(2023, 7, 3), since=date(2023, 6, 28))
    assert isinstance(again.error, GarminRateLimited) and fake.log == []
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--since", "2023-06-28", "--json")
    assert code == 4 and fake.log == []
    assert "try again after" in err and "--force" in err
    forced = pull(home, fake, date(2023, 7, 3), since=date(2023, 6, 28), force=True)
    assert forced.error is None
    assert forced.days_stored == ["2023-06-29", "2023-06-30", "2023-07-01", "2023-07-02", "2023-07-03"]


def test_401_after_refresh_says_run_wearsync_login_and_never_signs_in(home, fake, monkeypatch, capsys):
    fake.inject("status", "usersummary", query="calendarDate=2023-07-01", status=401, times=2)
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--since", "2023-06-30")
    assert code == 3
    assert "run `wearsync login`" in err
    assert len(fake.requests("oauth/token", "POST")) == 1  # the one refresh the library tries
    assert not fake.requests("/mobile/")
    assert query(home, "SELECT local_day FROM garmin_days") == [("2023-06-30",)]


def test_one_401_is_healed_by_a_token_refresh_sent_to_the_same_origin(home, fake):
    fake.inject("status", "usersummary", query="calendarDate=2023-07-01", status=401)
    old = (home / "garmin" / "garmin_tokens.json").read_text()
    summary = pull(home, fake, date(2023, 7, 1), since=date(2023, 7, 1))
    assert summary.error is None
    assert len(fake.requests("/di-oauth2-service/oauth/token", "POST")) == 1
    assert (home / "garmin" / "garmin_tokens.json").read_text() != old
    assert (home / "garmin" / "garmin_tokens.json").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("fault", [{"kind": "status", "status": 500}, {"kind": "drop"}])
def test_500_or_dropped_connection_mid_day_stores_nothing_of_that_day(home, fake, fault):
    fake.inject(fault.pop("kind"), "dailyHeartRate", query="date=2023-06-30", **fault)
    summary = pull(home, fake, date(2023, 7, 3), since=date(2023, 6, 29))
    assert isinstance(summary.error, GarminUnavailable)
    assert "not answering properly" in str(summary.error) and "your login is kept" in str(summary.error)
    assert summary.outcome == "unavailable" and summary.days_stored == ["2023-06-29"]
    assert fake.log[-1].path.endswith("dailyHeartRate/fakeuser")  # nothing asked after it
    for table, column in (
        ("wellness", "local_day"),
        ("garmin_days", "local_day"),
        ("readings", "garmin_day"),
        ("garmin_responses", "key"),
    ):
        assert query(home, f"SELECT count(*) FROM {table} WHERE {column} = '2023-06-30'") == [(0,)]
    fake.clear_log()
    again = pull(home, fake, date(2023, 7, 3), since=date(2023, 6, 29))
    assert again.error is None
    assert days_asked(fake) == ["2023-06-30", "2023-07-01", "2023-07-02", "2023-07-03"]
    assert query(home, "SELECT count(*) FROM readings WHERE garmin_day = '2023-06-30'") == [(720,)]


def test_an_interrupted_pull_keeps_the_finished_days(home, fake):
    def stop_on_third(phase, done, total, label):
        if done == 2:
            raise KeyboardInterrupt

    store = Store.open(home)
    with pytest.raises(KeyboardInterrupt):
        pull_garmin(
            store,
            lambda: login_from_tokens(home, fake.url, min_interval_s=0),
            today=date(2023, 7, 3),
            since=date(2023, 6, 29),
            progress=stop_on_third,
        )
    store.close()
    assert query(home, "SELECT local_day FROM garmin_days ORDER BY 1") == [("2023-06-29",), ("2023-06-30",)]
    assert query(home, "SELECT outcome, message FROM sync_runs") == [("partial", "interrupted")]


def test_malformed_json_stops_the_pull_as_garmin_not_answering_properly(home, fake, monkeypatch, capsys):
    fake.inject("malformed", "usersummary", query="calendarDate=2023-07-01")
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--since", "2023-06-30", "--json")
    assert code == 5
    assert (
        "Garmin Connect is not answering properly (a body that is not valid JSON; daily summary "
        "2023-07-01); your login is kept; try later"
    ) in err
    assert json.loads(out)["garmin"]["outcome"] == "unavailable"
    assert query(home, "SELECT local_day, state FROM garmin_days") == [("2023-06-30", "data")]


def test_privacy_protected_is_a_clear_error(home, fake):
    fake.inject("privacy", "usersummary", query="calendarDate=2023-07-01")
    summary = pull(home, fake, date(2023, 7, 3), since=date(2023, 7, 1))
    assert isinstance(summary.error, GarminAuthError)
    assert "privacy-protected" in str(summary.error) and "wearsync login" in str(summary.error)
    assert summary.days_stored == []


def test_pull_without_login_says_run_wearsync_login(home, fake, monkeypatch, capsys):
    (home / "garmin" / "garmin_tokens.json").unlink()
    monkeypatch.setenv("WEARSYNC_CONFIG", str(write_config(home.parent / "c.toml", garmin=True)))
    code, out, err = run_cli(monkeypatch, capsys, "pull")
    assert code == 3 and "run `wearsync login`" in err
    assert fake.log == []


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


def with_third_activity(fake, fit=None):
    fake.activities.append(
        FakeActivity(
            9003,
            datetime(2023, 7, 3, 6, 0),
            fit if fit is not None else fit_file("garmin-fenix-5-bike.fit"),
            "Ride",
            "cycling",
        )
    )


@pytest.mark.parametrize("status", [404, 410])
def test_a_deleted_activity_is_recorded_as_failed_and_not_asked_for_again(home, fake, status):
    with_third_activity(fake)
    fake.inject("status", "/download-service/files/activity/9002", status=status, times=100)
    summary = pull(home, fake, date(2023, 7, 3), since=date(2023, 6, 30))
    assert summary.error is None and summary.outcome == "ok"
    assert summary.activities_new == 3 and summary.activities_imported == 2
    [failure] = summary.activity_failures
    assert failure.activity_id == 9002 and failure.name == "Walk" and f"HTTP {status}" in failure.reason
    assert summary.to_json()["activities"]["failed"] == 1
    assert summary.to_json()["activities"]["failures"][0]["id"] == 9002
    rows = query(home, "SELECT activity_id, recording_id IS NOT NULL, note FROM garmin_activities ORDER BY 1")
    assert [r[:2] for r in rows] == [(9001, 1), (9002, 0), (9003, 1)]
    assert f"HTTP {status}" in rows[1][2] and rows[0][2] is None
    fake.clear_log()
    again = pull(home, fake, date(2023, 7, 3), since=date(2023, 6, 30))
    assert again.error is None and again.activities_new == 0 and again.activity_failures == []
    assert fake.requests("/activitylist-service/") and not fake.requests("/download-service/")
    forced = pull(home, fake, date(2023, 7, 3), since=date(2023, 6, 30), force=True)
    assert [r.path for r in fake.requests("/download-service/")] == ["/download-service/files/activity/9002"]
    assert [f.activity_id for f in forced.activity_failures] == [9002]


def test_a_download_the_importer_refuses_is_recorded_and_later_activities_import(home, fake):
    with_third_activity(fake)
    fake.activities[1].fit = b"this is not a FIT file"
    summary = pull(home, fake, date(2023, 7, 3), since=date(2023, 6, 30))
    assert summary.error is None and summary.activities_imported == 2
    [failure] = summary.activity_failures
    assert failure.activity_id == 9002 and failure.reason.startswith("not imported: failed: ")
    assert query(home, "SELECT recording_id, note IS NOT NULL FROM garmin_activities WHERE activity_id = 9002") == [
        (None, 1)
    ]
    fake.activities[1].fit = fit_file("garmin-fenix-5-walk.fit")
    fake.clear_log()
    pull(home, fake, date(2023, 7, 3), since=date(2023, 6, 30))
    assert not fake.requests("/download-service/")
    fixed = pull(home, fake, date(2023, 7, 3), since=date(2023, 6, 30), force=True)
    assert fixed.activities_imported == 1 and fixed.activity_failures == []
    assert query(home, "SELECT recording_id IS NOT NULL, note FROM garmin_activities WHERE activity_id = 9002") == [
        (1, None)
    ]


@pytest.mark.parametrize("fault", [{"kind": "status", "status": 500}, {"kind": "drop"}])
def test_a_download_failing_with_500_or_a_drop_stops_and_is_retried_next_pull(home, fake, fault):
    fake.inject(fault.pop("kind"), "/download-service/files/activity/9001", **fault)
    summary = pull(home, fake, date(2023, 7, 3), since=date(2023, 6, 30))
    assert isinstance(summary.error, GarminUnavailable) and summary.outcome == "unavailable"
    assert summary.activities_new == 0 and summary.activity_failures == []
    assert not fake.requests("/download-service/files/activity/9002")
    assert query(home, "SELECT activity_id, state FROM garmin_activities ORDER BY 1") == [
        (9001, "listed"),
        (9002, "listed"),
    ]
    fake.clear_log()
    again = pull(home, fake, date(2023, 7, 3))
    assert again.error is None and again.activities_imported == 2
    assert len(fake.requests("/download-service/")) == 2


def test_cli_pull_lists_a_failed_activity_and_exits_partial(home, fake, monkeypatch, capsys):
    fake.activities[0].start_local = datetime.combine(date.today(), datetime.min.time())
    fake.inject("status", "/download-service/files/activity/9001", status=404)
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--days", "2")
    assert code == 1, err
    assert "1 new activity (0 imported, 0 duplicates, 1 failed); ok" in out
    assert "activity 9001 (Run, " in out and "HTTP 404" in out
    fake.clear_log()
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--days", "2", "--json")
    assert code == 0 and json.loads(out)["garmin"]["activities"] == {
        "listed": 1,
        "new": 0,
        "imported": 0,
        "duplicates": 0,
        "failed": 0,
        "failures": [],
    }
    assert not fake.requests("/download-service/")


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
