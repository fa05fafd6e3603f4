"""Issue 12's cases 4-6 against the fake Garmin Connect and the real garminconnect library: days
lost for good, one answer that blocked every pull, and two pulls at once. Each asserts the exit
code, the message, what is stored and the requests Garmin saw."""

import json
import sqlite3
import time
from datetime import date, datetime

import pytest

from tests.fake_garmin import (
    FakeActivity,
    FakeGarmin,
    fit_file,
    run_cli,
    serving,
    skip_module_without_shared_data,
)
from tests.garmin_failure_checks import (
    days,
    end_cooldown,
    pull,
    query,
    sign_ins,
    token_posts,
)
from wearsync.store import Store
from wearsync.sync import garmin_state
from wearsync.sync.garmin_client import login_from_tokens

skip_module_without_shared_data()


@pytest.fixture
def fake():
    yield from serving(FakeGarmin())


# --- 4. Days lost for good ---------------------------------------------------------------


def test_4_a_day_empty_when_first_pulled_is_filled_by_a_later_plain_pull(home, fake):
    fake.late_days["2023-07-01"] = 1
    first = pull(home, fake, date(2023, 7, 10), since=date(2023, 6, 30))
    assert first.error is None and first.days_empty == ["2023-07-01"]
    assert query(home, "SELECT state FROM garmin_days WHERE local_day = '2023-07-01'") == [("empty",)]
    assert query(home, "SELECT count(*) FROM wellness WHERE local_day = '2023-07-01'") == [(0,)]
    fake.clear_log()
    second = pull(home, fake, date(2023, 7, 10))
    # the empty day, the days asked once after they ended (their totals confirmed) and the two
    # days young enough for Garmin to still change them
    assert second.days_stored == days(date(2023, 6, 30), date(2023, 7, 10))
    assert query(home, "SELECT steps FROM wellness WHERE local_day = '2023-07-01'") == [(12413,)]
    assert query(home, "SELECT state FROM garmin_days WHERE local_day = '2023-07-01'") == [("data",)]


def test_4_an_empty_day_is_asked_again_less_often_and_not_after_two_weeks(home, fake):
    store = Store.open(home)
    try:
        with store.transaction() as conn:
            conn.execute(
                "INSERT INTO garmin_days (local_day, fetched_at, complete, state, first_empty_at) "
                "VALUES ('2023-06-01', ?, 1, 'empty', ?)",
                (1_000_000 + 3600, 1_000_000),
            )
            store.set_state(conn, garmin_state.RANGE_KEY, "2023-06-01")
        plan = lambda now: garmin_state.plan_days(store, date(2023, 6, 10), now=now).days  # noqa: E731
        # Last asked an hour after it was first found empty: asked again an hour later, not before.
        assert date(2023, 6, 1) not in plan(1_000_000 + 3600 + 1800)
        assert date(2023, 6, 1) in plan(1_000_000 + 7200)
        assert date(2023, 6, 1) not in plan(1_000_000 + 14 * 86400)
    finally:
        store.close()


def test_4_an_interrupted_backfill_leaves_no_gap_that_later_pulls_call_ok(home, fake, monkeypatch, capsys):
    today = date(2023, 7, 14)
    pull(home, fake, today, first_pull_days=5)
    fake.inject("status", "usersummary", query="calendarDate=2023-06-10", status=429, retry_after="60")
    stopped = pull(home, fake, today, since=date(2023, 6, 1))
    assert stopped.outcome == "rate_limited" and stopped.days_stored[-1] == "2023-06-09"
    assert stopped.gaps["missing"] == 30 and stopped.gaps["oldest_missing"] == "2023-06-10"
    end_cooldown(home)
    fake.clear_log()
    filled = pull(home, fake, today)  # a plain pull
    assert filled.error is None
    # the days left, then the first pull's days: three asked once after they ended (confirmed
    # now) and two still young
    assert [r.query.split("=")[1] for r in fake.requests("usersummary")] == days(date(2023, 6, 10), date(2023, 7, 14))
    assert query(home, "SELECT count(*), min(local_day), max(local_day) FROM wellness") == [
        (44, "2023-06-01", "2023-07-14")
    ]
    assert filled.gaps["missing"] == 0


def test_4_an_activity_uploaded_late_is_found_by_a_plain_pull(home, fake):
    pull(home, fake, date(2023, 7, 20), first_pull_days=10)
    fake.activities.append(FakeActivity(9100, datetime(2023, 7, 12, 7, 0), fit_file("garmin-fenix-5-run.fit")))
    summary = pull(home, fake, date(2023, 7, 21))
    assert summary.activities_imported == 1
    assert query(home, "SELECT state FROM garmin_activities WHERE activity_id = 9100") == [("imported",)]


# --- 5. One answer blocks every pull -----------------------------------------------------


@pytest.mark.parametrize("status", [403, 404])
def test_5_a_refused_food_log_costs_that_day_s_food_log_and_the_pull_goes_on(home, fake, status):
    fake.inject("status", "/nutrition-service/", status=status, times=100)
    summary = pull(home, fake, date(2023, 7, 3), since=date(2023, 7, 1))
    assert summary.error is None and summary.days_stored == ["2023-07-01", "2023-07-02", "2023-07-03"]
    # judged per day: each day's food log asked, the account not taken as without nutrition
    assert len(fake.requests("/nutrition-service/")) == 3
    assert garmin_state.nutrition_available(Store.open(home))
    assert query(home, "SELECT count(*) FROM intake") == [(0,)]  # unknown, not zero
    assert query(
        home, "SELECT state, reason FROM garmin_day_kinds WHERE kind = 'food_log' AND local_day = '2023-07-01'"
    ) == [("failed", f"HTTP {status}")]
    fake.clear_log()
    fake.faults.clear()
    fake.intake["2023-07-04"] = 1900
    pull(home, fake, date(2023, 7, 4))
    # 07-01 and 07-02 back off (a day); the days still young are asked whole
    assert [r.path[-10:] for r in fake.requests("/nutrition-service/")] == ["2023-07-03", "2023-07-04"]
    assert query(home, "SELECT local_day, kcal FROM intake") == [("2023-07-04", 1900)]


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "status", "status": 404},
        {"kind": "body", "status": 204},
        {"kind": "body", "body": b"{}"},
        {"kind": "body", "body": b"null"},
    ],
)
def test_5_a_missing_or_empty_summary_stores_the_day_as_empty(home, fake, monkeypatch, capsys, fault):
    fake.inject(fault.pop("kind"), "usersummary", query="calendarDate=2023-07-01", **fault)
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--since", "2023-06-30", "--until", "2023-07-02", "--json")
    assert code == 0, err
    assert query(home, "SELECT local_day, state FROM garmin_days ORDER BY 1") == [
        ("2023-06-30", "data"),
        ("2023-07-01", "empty"),
        ("2023-07-02", "data"),
    ]
    assert query(home, "SELECT local_day FROM wellness ORDER BY 1") == [("2023-06-30",), ("2023-07-02",)]
    assert not [r for r in fake.requests("dailyHeartRate") if "2023-07-01" in r.query]
    assert json.loads(out)["garmin"]["days"]["empty"] == 1


@pytest.mark.parametrize("body", [b"[]", b'"no"', b"42"])
def test_5_a_summary_that_is_not_an_object_is_a_clean_failure_of_that_day(home, fake, monkeypatch, capsys, body):
    fake.inject("body", "usersummary", query="calendarDate=2023-07-01", body=body)
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--since", "2023-06-30", "--until", "2023-07-02")
    assert code == 1, err
    assert "day 2023-07-01: Garmin Connect sent a daily summary for 2023-07-01 that is not a JSON object" in out
    assert "Traceback" not in err
    assert query(home, "SELECT local_day, state FROM garmin_days ORDER BY 1") == [
        ("2023-06-30", "data"),
        ("2023-07-01", "failed"),
        ("2023-07-02", "data"),
    ]
    fake.clear_log()
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--until", "2023-07-02")
    assert code == 0 and [r.query for r in fake.requests("usersummary")][0] == "calendarDate=2023-07-01"
    assert query(home, "SELECT state FROM garmin_days WHERE local_day = '2023-07-01'") == [("data",)]


def test_5_implausible_values_never_reach_the_store(home, fake, monkeypatch, capsys):
    summary = fake.summary("2023-07-01")
    summary.update(
        {
            "totalSteps": -5,
            "activeKilocalories": float("nan"),
            "restingHeartRate": 900,
            "moderateIntensityMinutes": 5000,
            "floorsAscendedInMeters": float("inf"),
        }
    )
    fake.inject("body", "usersummary", query="calendarDate=2023-07-01", body=json.dumps(summary).encode())
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--since", "2023-07-01", "--until", "2023-07-01")
    assert code == 0, err
    assert query(home, "SELECT steps, active_kcal, resting_hr, moderate_min, ascent_m, total_kcal FROM wellness") == [
        (None, None, None, None, None, 2498)
    ]
    assert "2023-07-01: 1 implausible or malformed steps value dropped" in err


def download_due_now(home, activity_id: int) -> None:
    """Advance time the way the store sees it: the download's back-off ended a second ago."""
    conn = sqlite3.connect(home / "wearsync.db")
    conn.execute("UPDATE garmin_activities SET retry_at = ? WHERE activity_id = ?", (int(time.time()) - 1, activity_id))
    conn.commit()
    conn.close()


def test_5_a_refused_download_is_retried_later_and_never_blocks_newer_activities(home, fake, monkeypatch, capsys):
    fake.activities += [
        FakeActivity(9001, datetime(2023, 7, 1, 7, 0), fit_file("garmin-fenix-5-run.fit")),
        FakeActivity(9002, datetime(2023, 7, 2, 7, 0), fit_file("garmin-fenix-5-walk.fit")),
    ]
    fake.inject("status", "/download-service/files/activity/9001", status=403)
    summary = pull(home, fake, date(2023, 7, 3), since=date(2023, 7, 1))
    assert summary.error is None and summary.activities_imported == 1
    [failure] = summary.activity_failures
    assert failure.activity_id == 9001 and "HTTP 403" in failure.reason and "asked again after" in failure.reason
    ((state, retry_at),) = query(home, "SELECT state, retry_at FROM garmin_activities WHERE activity_id = 9001")
    assert state == "refused" and 86_000 < retry_at - time.time() <= 86_400
    fake.clear_log()
    pull(home, fake, date(2023, 7, 3))
    assert not fake.requests("/download-service/")  # backing off
    download_due_now(home, 9001)
    again = pull(home, fake, date(2023, 7, 3))
    assert again.activities_imported == 1
    assert query(home, "SELECT activity_id, state FROM garmin_activities ORDER BY 1") == [
        (9001, "imported"),
        (9002, "imported"),
    ]


@pytest.mark.parametrize(
    "fault, expected_state",
    [({"kind": "status", "status": 404}, "gone"), ({"kind": "body", "body": b""}, "failed")],
    ids=["404", "not-a-fit-file"],
)
def test_5_a_download_gone_or_broken_is_asked_again_after_its_back_off_then_only_when_forced(
    home, fake, fault, expected_state
):
    """Garmin answers 404 for a moment while it processes an upload, and a download can be cut
    short: such an activity is asked again (a day, then 2, 4 ... days), GONE_TRIES times, then only
    by `pull --force` (issue 24: a chaos of answers must end with every activity imported)."""
    from wearsync.sync.garmin_activities import GONE_TRIES

    fake.activities.append(FakeActivity(9001, datetime(2023, 7, 1, 7, 0), fit_file("garmin-fenix-5-run.fit")))
    kind = fault.pop("kind")
    fake.inject(kind, "/download-service/files/activity/9001", times=GONE_TRIES, **fault)
    pull(home, fake, date(2023, 7, 3), since=date(2023, 7, 1))
    for attempt in range(1, GONE_TRIES + 1):
        ((state, retry_at, attempts),) = query(
            home, "SELECT state, retry_at, attempts FROM garmin_activities WHERE activity_id = 9001"
        )
        assert (state, attempts) == (expected_state, attempt)
        # a day, then 2, 4, ... days (at most 30)
        assert retry_at - time.time() == pytest.approx(min(86_400 * 2 ** (attempt - 1), 30 * 86_400), abs=120)
        fake.clear_log()
        pull(home, fake, date(2023, 7, 3))
        assert not fake.requests("/download-service/")  # backing off
        download_due_now(home, 9001)
        pull(home, fake, date(2023, 7, 3))
    # asked GONE_TRIES times, each refused: then never again without --force, which imports it
    assert len(fake.requests("/download-service/")) == 0
    fake.clear_log()
    pull(home, fake, date(2023, 7, 3))
    assert not fake.requests("/download-service/")
    forced = pull(home, fake, date(2023, 7, 3), force=True)
    assert forced.activities_imported == 1
    assert query(home, "SELECT state FROM garmin_activities WHERE activity_id = 9001") == [("imported",)]


# --- 6. Two pulls at once ----------------------------------------------------------------


def test_6_a_second_pull_waits_briefly_then_says_another_pull_is_running(home, fake, monkeypatch, capsys):
    from wearsync.sync import pull as pull_module

    monkeypatch.setattr(pull_module, "LOCK_WAIT_S", 0.3)
    Store.open(home).close()
    with pull_module.pull_lock(home):
        code, out, err = run_cli(monkeypatch, capsys, "pull")
    assert code == 6 and "another pull is running on this store (process " in err
    assert fake.log == []
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--days", "1")
    assert code == 0, err


def test_6_a_process_whose_refresh_token_another_process_spent_takes_the_new_tokens(home, fake):
    first = login_from_tokens(home, fake.url, min_interval_s=0)
    second = login_from_tokens(home, fake.url, min_interval_s=0)
    fake.inject("status", "/usersummary-service/", status=401)
    first.call("a", first.garmin.get_user_summary, "2023-07-01")  # refreshes: the refresh token rotates
    assert len(token_posts(fake)) == 1
    fake.inject("status", "/usersummary-service/", status=401)
    body = second.call("b", second.garmin.get_user_summary, "2023-07-01")
    assert body["totalSteps"] == 12413
    assert len(token_posts(fake)) == 1  # no second refresh, no "log in"
    assert sign_ins(fake) == []
