"""A pull when the fake Garmin Connect answers badly: a 429 (with and without Retry-After), a 401,
a 500 or a dropped connection mid-day, malformed JSON, privacy protection, no login, an
interruption; and activity downloads that are deleted, refused by the importer or failing."""

import json
import time
from datetime import date, datetime, timedelta

import pytest

from tests.fake_garmin import (
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
from wearsync.errors import GarminAuthError, GarminRateLimited, GarminUnavailable
from wearsync.store import Store
from wearsync.sync.garmin_client import COOLDOWN_KEY, login_from_tokens
from wearsync.sync.garmin_pull import pull_garmin

skip_module_without_shared_data()


@pytest.fixture
def fake():
    yield from serving(with_a_run_and_a_walk())


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
    # forced over the range it names: every day of it, 06-28 too
    assert forced.days_stored == ["2023-06-28", "2023-06-29", "2023-06-30", "2023-07-01", "2023-07-02", "2023-07-03"]


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
    # 06-29 to confirm its totals (asked once after it ended), then the rest
    assert days_asked(fake) == ["2023-06-29", "2023-06-30", "2023-07-01", "2023-07-02", "2023-07-03"]
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
    # yesterday noon: inside the two days pulled, and past in local time and in GMT at any hour
    fake.activities[0].start_local = datetime.combine(
        date.today() - timedelta(days=1), datetime.min.time()
    ) + timedelta(hours=12)
    fake.inject("status", "/download-service/files/activity/9001", status=404)
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--days", "2")
    assert code == 1, err
    assert "1 new activity (0 imported, 0 duplicates, 1 failed); done" in out
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
