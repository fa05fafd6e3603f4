"""Issue 12's case 7 against the fake Garmin Connect and the real garminconnect library: a backfill
bounded by --until, through cooldowns and across archived days, its gaps and time estimate in the
JSON, the progress and the sources view, and a store from before the day states. Each asserts
what is stored and the requests Garmin saw."""

import json
import sqlite3
from datetime import date, datetime, timedelta

import pytest

from tests.fake_garmin import (
    FakeGarmin,
    run_cli,
    serving,
    skip_module_without_shared_data,
)
from tests.garmin_failure_checks import (
    end_cooldown,
    pull,
    query,
)
from wearsync.store import Store
from wearsync.sync import garmin_state
from wearsync.sync.garmin_client import login_from_tokens
from wearsync.sync.garmin_pull import pull_garmin

skip_module_without_shared_data()


@pytest.fixture
def fake():
    yield from serving(FakeGarmin())


# --- 7. Backfill -------------------------------------------------------------------------


def test_7_until_bounds_a_backfill_and_json_shows_the_gaps_and_an_estimate(home, fake, monkeypatch, capsys):
    today = date.today()
    since = today - timedelta(days=99)
    code, out, err = run_cli(
        monkeypatch,
        capsys,
        "pull",
        "--since",
        since.isoformat(),
        "--until",
        (since + timedelta(days=9)).isoformat(),
        "--json",
    )
    assert code == 0, err
    report = json.loads(out)["garmin"]
    assert report["days"]["stored"] == 10 and report["days"]["last"] == (since + timedelta(days=9)).isoformat()
    # 90 days left at 3 requests each, at the rate this pull measured (the fake answers in
    # milliseconds: far below 0.4 s an answer, 108 s)
    assert report["gaps"]["estimate_s"] < 90 * 3 * 0.1
    assert report["gaps"] == {
        "missing": 90,
        "oldest_missing": (since + timedelta(days=10)).isoformat(),
        "recheck": 0,
        "estimate_s": report["gaps"]["estimate_s"],
    }


def test_7_a_backfill_stopped_at_its_first_answer_is_still_the_range_later_pulls_fill(home, fake, monkeypatch, capsys):
    """`pull --since` whose very first request (the profile) fails: the days it asked for are still
    the synced range, so the plain pulls after it fill them (issue 24's chaos found them left out)."""
    today = date.today()
    since = today - timedelta(days=59)
    fake.inject("status", "/userprofile-service/", status=503)
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--since", since.isoformat(), "--json")
    assert code == 5, err
    assert not fake.requests("/usersummary-service/")
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--json")
    assert code == 0, err
    assert json.loads(out)["garmin"]["days"]["first"] == since.isoformat()
    stored = {d for (d,) in query(home, "SELECT local_day FROM garmin_days")}
    assert {(since + timedelta(days=i)).isoformat() for i in range(60)} <= stored


def test_7_today_is_the_garmin_profiles_today(home, fake, monkeypatch, capsys):
    from zoneinfo import ZoneInfo

    fake.bodies["user_settings"]["userData"]["timeZone"] = "Pacific/Kiritimati"  # UTC+14
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--days", "2", "--json")
    assert code == 0, err
    assert json.loads(out)["garmin"]["days"]["last"] == datetime.now(ZoneInfo("Pacific/Kiritimati")).date().isoformat()


def test_a_400_day_backfill_through_three_cooldowns_stores_every_day_once(home, fake, monkeypatch, capsys):
    today = date(2023, 7, 31)
    first = today - timedelta(days=399)
    for n in (100, 200, 300):
        fake.inject(
            "status", "usersummary", query=f"calendarDate={first + timedelta(days=n)}", status=429, retry_after="1"
        )
    late = [(first + timedelta(days=n)).isoformat() for n in (50, 250)]
    for day in late:
        fake.late_days[day] = 1
    outcomes = [pull(home, fake, today, since=first).outcome]
    while outcomes[-1] != "ok":
        assert outcomes[-1] == "rate_limited" and len(outcomes) < 10
        fake.clear_log()
        assert pull(home, fake, today).outcome == "rate_limited" and fake.log == []  # still cooling down
        end_cooldown(home)
        outcomes.append(pull(home, fake, today).outcome)
    assert outcomes == ["rate_limited"] * 3 + ["ok"]
    assert query(home, "SELECT count(*), count(DISTINCT local_day), min(local_day), max(local_day) FROM wellness") == [
        (400, 400, first.isoformat(), today.isoformat())
    ]
    assert query(home, "SELECT count(*) FROM garmin_days WHERE state = 'data'") == [(400,)]
    assert query(home, "SELECT count(*) FROM garmin_days WHERE state != 'data'") == [(0,)]
    assert query(home, "SELECT count(DISTINCT garmin_day) FROM readings") == [(400,)]
    assert query(home, "SELECT local_day FROM garmin_days WHERE local_day IN (?, ?) AND state = 'data'", *late) == [
        (late[0],),
        (late[1],),
    ]
    store = Store.open(home)
    assert garmin_state.gaps(store, today, 0)["missing"] == 0
    store.close()


def test_7_the_sources_view_shows_the_gaps_left_and_an_estimate(home, fake):
    import asyncio

    from textual.widgets import Static

    from tests.functional.conftest import loaded
    from wearsync.config import load_config
    from wearsync.dashboard.app import build_app

    today = date.today()
    pull(home, fake, today, since=today - timedelta(days=29), until=today - timedelta(days=20))
    store = Store.open(home)

    async def sources_text():
        app = build_app(load_config(None), store, today=today)
        async with app.run_test() as pilot:
            await loaded(pilot)
            await pilot.press("s")
            await loaded(pilot)
            days_text = str(app.screen.query_one("#garmin-days", Static).render())
            return str(app.screen.query_one("#gaps", Static).render()), days_text

    try:
        text, days_text = asyncio.run(sources_text())
    finally:
        store.close()
    # the last days pulled, per kind
    assert days_text.splitlines()[-1] == (
        f"{today - timedelta(days=20)}: summary, heart rate, food log stored; weigh-ins asked"
    )
    # 20 days left x 3 requests at the rate the pull measured (milliseconds): shown as about a minute
    assert text == (
        f"Garmin Connect: 20 days not pulled yet (oldest {today - timedelta(days=19)}); about 1 min "
        f"of pulling at the pace the last pull measured (p pulls; a cooldown pauses it)."
    )


def test_an_archived_day_without_intraday_heart_rate_is_reloaded_once_and_fetched_again(
    home, fake, monkeypatch, capsys
):
    fake.archived_days.add("2023-07-01")
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--since", "2023-07-01", "--until", "2023-07-01")
    assert code == 0, err
    assert (
        "1 days came without intraday heart rate (Garmin archives it after about six months); asked "
        "Garmin to reload 1 archived days" in out
    )
    assert [r.path for r in fake.requests("/wellness-service/wellness/epoch/request/")] == [
        "/wellness-service/wellness/epoch/request/2023-07-01"
    ]
    assert query(home, "SELECT count(*) FROM readings") == [(0,)]
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--until", "2023-07-01")
    assert code == 0, err
    assert query(home, "SELECT count(*) FROM readings WHERE garmin_day = '2023-07-01'") == [(711,)]
    fake.clear_log()
    run_cli(monkeypatch, capsys, "pull", "--until", "2023-07-01")
    assert not fake.requests("usersummary") and not fake.requests("/epoch/request/")


def test_7_a_long_backfill_shows_the_time_left_in_its_progress(home, fake):
    seen = []
    store = Store.open(home)
    try:
        pull_garmin(
            store,
            lambda: login_from_tokens(home, fake.url, min_interval_s=0),
            today=date(2023, 7, 31),
            since=date(2023, 6, 1),
            min_interval_s=1.0,
            progress=lambda phase, done, total, label: seen.append((phase, done, total, label)),
        )
    finally:
        store.close()
    # 61 days; after the first, 60 left x 3 requests x the rate measured, never below the 1 s
    # spacing (the fake answers in milliseconds) = 180 s
    assert seen[0] == ("days", 1, 61, "2023-06-01, about 3 min left")
    assert seen[60] == ("days", 61, 61, "2023-07-31")


def test_a_store_from_before_keeps_its_days_and_asks_again_for_days_stored_empty(tmp_path):
    from wearsync.store import MIGRATIONS

    conn = sqlite3.connect(tmp_path / "wearsync.db")
    for script in MIGRATIONS[:3]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 3")
    conn.executemany("INSERT INTO garmin_days VALUES (?, 1700000000, 1)", [("2023-07-01",), ("2023-07-02",)])
    conn.execute("INSERT INTO wellness (local_day, source, steps) VALUES ('2023-07-01', 'garmin', 12413)")
    conn.execute("INSERT INTO wellness (local_day, source, bmr_kcal) VALUES ('2023-07-02', 'garmin', 2128)")
    conn.execute("INSERT INTO garmin_activities VALUES (9001, NULL, '2023-07-01 07:00:00', 1700000000, 'HTTP 404')")
    conn.commit()
    conn.close()
    store = Store.open(tmp_path)
    try:
        assert store.conn.execute("SELECT local_day, state FROM garmin_days ORDER BY 1").fetchall() == [
            ("2023-07-01", "data"),
            ("2023-07-02", "empty"),
        ]
        assert garmin_state.plan_days(store, date(2023, 7, 20)).days[0] == date(2023, 7, 2)
        # each kind of a day pulled before, as the day's state says (no readings: heart rate empty)
        assert store.conn.execute("SELECT local_day, kind, state FROM garmin_day_kinds ORDER BY 1, 2").fetchall() == [
            ("2023-07-01", "food_log", "complete"),
            ("2023-07-01", "heart_rate", "empty"),
            ("2023-07-01", "summary", "complete"),
            ("2023-07-02", "summary", "empty"),
        ]
        assert store.conn.execute("SELECT state FROM garmin_activities").fetchall() == [("failed",)]
    finally:
        store.close()
