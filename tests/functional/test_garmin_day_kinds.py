"""Issue 24, days: a Garmin day's state per kind (summary, heart rate, food log, weigh-ins),
against the fake Garmin Connect and the real garminconnect library. A failure of one kind on
one day costs that kind on that day only; days are asked again until settled; `recordings`
says what each day holds; a forced pull ends the cooldown; estimates come from the measured
rate; a long backfill asks weigh-ins in chunks. Each asserts what is stored and the requests
the fake saw."""

import json
import sqlite3
import time
from datetime import date, timedelta

import pytest

from tests.fake_garmin import FakeGarmin, run_cli, serving, skip_module_without_shared_data
from tests.garmin_failure_checks import cooldown, days, pull, query
from wearsync.store import Store
from wearsync.sync import garmin_state

skip_module_without_shared_data()

TODAY = date(2026, 12, 8)


@pytest.fixture
def fake():
    yield from serving(FakeGarmin())


def asked(fake, endpoint, day):
    """How many requests of `endpoint` named `day` (in its query or its path)."""
    return len([r for r in fake.requests(endpoint) if day in r.query or r.path.endswith(day)])


def asked_any(fake, day):
    """Requests of the day's summary, heart rate or food log."""
    return sum(asked(fake, endpoint, day) for endpoint in ("usersummary", "dailyHeartRate", "/nutrition-service/"))


def kind(home, day, what):
    rows = query(
        home, "SELECT state, reason, retry_at FROM garmin_day_kinds WHERE local_day = ? AND kind = ?", day, what
    )
    return rows[0] if rows else None


def due_now(home, day, what):
    """Advance time the way the store sees it: the kind's back-off ended a second ago."""
    conn = sqlite3.connect(home / "wearsync.db")
    conn.execute(
        "UPDATE garmin_day_kinds SET retry_at = ? WHERE local_day = ? AND kind = ?", (int(time.time()) - 1, day, what)
    )
    conn.commit()
    conn.close()


# --- 1. One day's food log refused ------------------------------------------------------


def test_1_one_refused_food_log_costs_that_day_only(home, fake):
    fake.intake["2026-11-15"] = 2150
    fake.inject("status", "/nutrition-service/food/logs/2026-11-14", status=403, times=100)
    first = pull(home, fake, TODAY, since=date(2026, 11, 14), until=date(2026, 12, 5))
    # a refusal of one kind is a warning naming it, not a failed day (the pull exits 0)
    assert first.error is None and first.day_failures == {}
    assert "2026-11-14: food log refused (HTTP 403); asked again after a day or more" in first.warnings
    # every later day's food log is asked, and 11-15's intake stored
    assert [asked(fake, "/nutrition-service/", d) for d in days(date(2026, 11, 14), date(2026, 12, 5))] == [1] * 22
    assert query(home, "SELECT local_day, kcal FROM intake") == [("2026-11-15", 2150)]
    state, reason, retry_at = kind(home, "2026-11-14", "food_log")
    assert state == "failed" and "403" in reason and retry_at > time.time()
    assert kind(home, "2026-11-15", "food_log")[0] == "complete"
    assert kind(home, "2026-11-14", "summary")[0] == "complete"
    # the refusal is judged per day: the account's nutrition is not marked unused
    assert garmin_state.nutrition_available(Store.open(home))
    # once its back-off has passed, only that day's food log is asked again
    fake.faults.clear()
    fake.intake["2026-11-14"] = 1800
    due_now(home, "2026-11-14", "food_log")
    fake.clear_log()
    pull(home, fake, TODAY)
    assert asked(fake, "/nutrition-service/", "2026-11-14") == 1
    assert asked(fake, "usersummary", "2026-11-14") == 0 and asked(fake, "dailyHeartRate", "2026-11-14") == 0
    assert query(home, "SELECT kcal FROM intake WHERE local_day = '2026-11-14'") == [(1800,)]
    assert kind(home, "2026-11-14", "food_log")[0] == "complete"


def test_1_a_forced_pull_asks_a_refused_food_log_again_during_its_back_off(home, fake):
    fake.intake["2026-11-14"] = 1700
    fake.inject("status", "/nutrition-service/food/logs/2026-11-14", status=403)
    pull(home, fake, TODAY, since=date(2026, 11, 14), until=date(2026, 11, 16))
    assert query(home, "SELECT count(*) FROM intake") == [(0,)]
    fake.clear_log()
    pull(home, fake, TODAY)  # backing off
    assert asked(fake, "/nutrition-service/", "2026-11-14") == 0
    pull(home, fake, TODAY, force=True)
    assert asked(fake, "/nutrition-service/", "2026-11-14") == 1
    assert query(home, "SELECT local_day, kcal FROM intake") == [("2026-11-14", 1700)]


def test_1_nutrition_is_marked_unused_only_after_every_day_of_a_span_was_refused(home, fake):
    fake.inject("status", "/nutrition-service/", status=403, times=1000)
    summary = pull(home, fake, TODAY, since=date(2026, 11, 1), until=date(2026, 11, 20))
    assert summary.error is None and len(summary.days_stored) == 20
    span = garmin_state.NUTRITION_SPAN_DAYS
    assert len(fake.requests("/nutrition-service/")) == span  # then known unused: not asked
    assert not garmin_state.nutrition_available(Store.open(home))
    fake.clear_log()
    pull(home, fake, TODAY)
    assert fake.requests("/usersummary-service/") and not fake.requests("/nutrition-service/")
    # re-checked after a week
    conn = sqlite3.connect(home / "wearsync.db")
    conn.execute(
        "UPDATE state SET value = ? WHERE key = ?", (repr(time.time() - 8 * 86400), garmin_state.NUTRITION_KEY)
    )
    conn.commit()
    conn.close()
    fake.faults.clear()
    fake.intake["2026-11-20"] = 1900
    pull(home, fake, TODAY)
    assert query(home, "SELECT local_day, kcal FROM intake") == [("2026-11-20", 1900)]


# --- 2. A day that failed in part --------------------------------------------------------


def test_2_a_heart_rate_answered_404_is_asked_again_alone(home, fake):
    fake.inject("status", "dailyHeartRate", query="date=2026-11-20", status=404)
    first = pull(home, fake, TODAY, since=date(2026, 11, 19), until=date(2026, 11, 21))
    assert first.error is None and "2026-11-20" in first.days_stored
    assert query(home, "SELECT count(*) FROM readings WHERE garmin_day = '2026-11-20'") == [(0,)]
    state, reason, _ = kind(home, "2026-11-20", "heart_rate")
    assert state == "failed" and "404" in reason
    fake.clear_log()
    pull(home, fake, TODAY, force=True)  # a forced pull asks it whatever its back-off
    assert asked(fake, "dailyHeartRate", "2026-11-20") == 1
    assert asked(fake, "usersummary", "2026-11-20") == 0 and asked(fake, "/nutrition-service/", "2026-11-20") == 0
    assert query(home, "SELECT count(*) > 600 FROM readings WHERE garmin_day = '2026-11-20'") == [(1,)]
    assert kind(home, "2026-11-20", "heart_rate")[0] == "complete"
    fake.clear_log()
    pull(home, fake, TODAY)
    assert asked_any(fake, "2026-11-20") == 0  # settled: costs nothing


def test_2_a_heart_rate_failed_is_asked_by_a_plain_pull_after_its_back_off(home, fake):
    fake.inject("status", "dailyHeartRate", query="date=2026-11-20", status=404)
    pull(home, fake, TODAY, since=date(2026, 11, 20), until=date(2026, 11, 20))
    fake.clear_log()
    pull(home, fake, TODAY)
    assert asked(fake, "dailyHeartRate", "2026-11-20") == 0
    due_now(home, "2026-11-20", "heart_rate")
    pull(home, fake, TODAY)
    assert asked(fake, "dailyHeartRate", "2026-11-20") == 1 and asked(fake, "usersummary", "2026-11-20") == 0
    assert kind(home, "2026-11-20", "heart_rate")[0] == "complete"


def test_2_steps_dropped_at_the_gate_are_asked_again(home, fake):
    body = fake.summary("2026-12-01")
    body["totalSteps"] = float("nan")
    fake.inject("body", "usersummary", query="calendarDate=2026-12-01", body=json.dumps(body).encode())
    pull(home, fake, TODAY, since=date(2026, 12, 1), until=date(2026, 12, 1))
    assert query(home, "SELECT steps FROM wellness WHERE local_day = '2026-12-01'") == [(None,)]
    assert kind(home, "2026-12-01", "summary")[0] == "partial"
    fake.clear_log()
    pull(home, fake, TODAY)
    assert asked(fake, "usersummary", "2026-12-01") == 1
    assert query(home, "SELECT steps FROM wellness WHERE local_day = '2026-12-01'") == [
        (fake.summary("2026-12-01")["totalSteps"],)
    ]


@pytest.mark.parametrize("what", ["summary", "heart_rate", "food_log"])
def test_2_values_dropped_on_an_old_day_are_asked_again_after_a_back_off(home, fake, what):
    """A day months old, past its two weeks of re-asking: a NaN in its answer keeps that kind
    partial, asked again after a day (then 2, 4 ... days), not settled with the value missing
    (issue 24's chaos: a heart rate of only NaN readings was stored 'empty' for good)."""
    day = "2026-06-01"
    endpoint = {"summary": "usersummary", "heart_rate": "dailyHeartRate", "food_log": "/nutrition-service/"}[what]
    fake.intake[day] = 1900
    if what == "food_log":
        fake.inject("nan", f"/nutrition-service/food/logs/{day}")
    else:
        fake.inject("nan", endpoint, query=day)
    pull(home, fake, TODAY, since=date(2026, 6, 1), until=date(2026, 6, 1))
    state, reason, retry_at = kind(home, day, what)
    assert state == "partial" and "dropped at the gate" in reason
    assert retry_at - time.time() == pytest.approx(86_400, abs=120)
    fake.clear_log()
    pull(home, fake, TODAY, since=date(2026, 6, 1), until=date(2026, 6, 1))
    assert asked(fake, endpoint, day) == 0  # backing off
    due_now(home, day, what)
    pull(home, fake, TODAY, since=date(2026, 6, 1), until=date(2026, 6, 1))
    assert asked(fake, endpoint, day) == 1
    assert kind(home, day, what)[0] == "complete"
    assert query(home, "SELECT kcal FROM intake WHERE local_day = ?", day) == [(1900,)]


def test_2_a_day_pulled_while_partly_synced_is_refreshed_until_its_totals_hold(home, fake):
    day = "2026-12-03"  # five days back: settled by the calendar, not yet by its answers
    body = fake.summary(day)
    body["totalSteps"] = 3000
    fake.inject("body", "usersummary", query=f"calendarDate={day}", body=json.dumps(body).encode())
    pull(home, fake, TODAY, since=date(2026, 12, 3), until=date(2026, 12, 3))
    assert query(home, "SELECT steps FROM wellness WHERE local_day = ?", day) == [(3000,)]
    fake.clear_log()
    pull(home, fake, TODAY)  # Garmin has the whole day now
    full = fake.summary(day)["totalSteps"]
    assert asked(fake, "usersummary", day) == 1 and full != 3000
    assert query(home, "SELECT steps FROM wellness WHERE local_day = ?", day) == [(full,)]
    pull(home, fake, TODAY)  # changed at the last ask: asked once more, unchanged
    assert asked(fake, "usersummary", day) == 2
    assert kind(home, day, "summary")[0] == "complete"
    fake.clear_log()
    pull(home, fake, TODAY)
    assert asked_any(fake, day) == 0


def test_2_a_forced_pull_asks_every_day_of_the_range_it_names(home, fake):
    pull(home, fake, TODAY, since=date(2026, 11, 1), until=date(2026, 11, 3))
    fake.clear_log()
    pull(home, fake, TODAY, since=date(2026, 11, 2), until=date(2026, 11, 3), force=True)
    assert [r.query.split("=")[1] for r in fake.requests("usersummary")] == ["2026-11-02", "2026-11-03"]
    assert len(fake.requests("dailyHeartRate")) == 2


def test_2_a_heart_rate_that_is_not_an_object_fails_that_kind_only(home, fake, monkeypatch, capsys):
    day = (date.today() - timedelta(days=20)).isoformat()
    fake.inject("body", "dailyHeartRate", query=f"date={day}", body=b"[]")
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--since", day, "--until", day)
    assert code == 1, err
    assert f"day {day} (heart rate): Garmin Connect sent a heart rate for {day} that is not a JSON object" in out
    assert query(home, "SELECT count(*) FROM wellness WHERE local_day = ?", day) == [(1,)]  # the summary stored
    assert kind(home, day, "summary")[0] == "complete" and kind(home, day, "heart_rate")[0] == "failed"
    fake.clear_log()
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--until", day, "--json")
    assert code == 0, err
    assert asked(fake, "dailyHeartRate", day) == 1 and asked(fake, "usersummary", day) == 0
    assert query(home, "SELECT count(*) > 600 FROM readings WHERE garmin_day = ?", day) == [(1,)]


# --- 4. What `recordings` says -----------------------------------------------------------


def test_4_recordings_says_what_each_garmin_day_holds(home, fake, monkeypatch, capsys):
    today = date.today()
    failed, empty, good = (today - timedelta(days=n) for n in (20, 19, 18))
    fake.inject("body", "usersummary", query=f"calendarDate={failed}", body=b"[]")
    fake.late_days[empty.isoformat()] = 1
    fake.inject("status", f"/nutrition-service/food/logs/{good}", status=403)
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--since", str(failed), "--until", str(good))
    assert code == 1, err
    code, out, err = run_cli(monkeypatch, capsys, "recordings", "--json")
    outcomes = {i["id"]: i["outcome"] for i in json.loads(out)}
    assert outcomes[f"garmin:{failed}"].startswith("summary failed (Garmin Connect sent a daily summary")
    assert "asked again by the next pull" in outcomes[f"garmin:{failed}"]
    assert outcomes[f"garmin:{empty}"].startswith("empty at Garmin")
    assert "complete" not in outcomes[f"garmin:{empty}"]
    assert outcomes[f"garmin:{good}"].startswith("summary, heart rate stored; food log refused (HTTP 403")
    assert "asked again " in outcomes[f"garmin:{good}"]


# --- 6. Cooldown, estimates, weigh-ins in chunks ------------------------------------------


def test_6_a_successful_forced_pull_ends_the_cooldown(home, fake, monkeypatch, capsys):
    fake.inject("status", "usersummary", status=429, retry_after="3600")
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--days", "2")
    assert code == 4 and cooldown(home) > time.time()
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--days", "2", "--force")
    assert code == 0, err
    code, out, err = run_cli(monkeypatch, capsys, "pull")
    assert code == 0, err
    assert not cooldown(home)


def test_6_the_estimate_comes_from_the_rate_measured_in_this_pull(home, fake):
    messages = []
    pull(
        home,
        fake,
        TODAY,
        since=date(2026, 10, 1),
        progress=lambda what, done, total, text: messages.append(text),
    )
    # the fake answers in milliseconds: 69 days at 0.4 s an answer would say "about 1 min left"
    assert not [m for m in messages if "min left" in m]
    fake.inject("status", "usersummary", query="calendarDate=2026-09-11", status=429, retry_after="60")
    stopped = pull(home, fake, TODAY, since=date(2026, 9, 1))
    assert stopped.outcome == "rate_limited" and stopped.gaps["missing"] == 20
    assert stopped.gaps["estimate_s"] < 5  # measured, not 20 days * 3 * 0.4 s = 24 s


def test_6_a_five_year_backfill_asks_weigh_ins_in_chunks_of_at_most_a_year(home):
    store = Store.open(home)
    try:
        first = TODAY - timedelta(days=5 * 365)
        with store.transaction() as conn:
            conn.executemany(
                "INSERT INTO garmin_days (local_day, fetched_at, complete, state) VALUES (?, 0, 1, 'data')",
                [((first + timedelta(days=n)).isoformat(),) for n in range(5 * 365 + 1)],
            )
        ranges = garmin_state.weigh_in_ranges(store, first, TODAY)
    finally:
        store.close()
    assert ranges[0][0] == first and ranges[-1][1] == TODAY and len(ranges) == 6
    assert all((last - start).days < garmin_state.WEIGH_IN_CHUNK_DAYS for start, last in ranges)
    assert all(b[0] == a[1] + timedelta(days=1) for a, b in zip(ranges, ranges[1:], strict=False))


def test_6_a_five_year_backfill_s_weigh_ins_reach_garmin_in_ranges_of_at_most_a_year(home, fake):
    first = TODAY - timedelta(days=5 * 365)
    every = [(first + timedelta(days=n)).isoformat() for n in range(5 * 365 + 1)]
    Store.open(home).close()
    conn = sqlite3.connect(home / "wearsync.db")
    # five years of days pulled whole (so only their weigh-ins are left to ask)
    conn.executemany(
        "INSERT INTO garmin_days (local_day, fetched_at, complete, state) VALUES (?, 0, 1, 'data')",
        [(d,) for d in every],
    )
    conn.executemany(
        "INSERT INTO garmin_day_kinds (local_day, kind, state, asked_at) VALUES (?, ?, 'complete', 0)",
        [(d, k) for d in every for k in ("summary", "heart_rate", "food_log")],
    )
    conn.execute("INSERT INTO state (key, value) VALUES (?, ?)", (garmin_state.RANGE_KEY, first.isoformat()))
    conn.commit()
    conn.close()
    summary = pull(home, fake, TODAY, until=TODAY - timedelta(days=3))
    assert summary.error is None and summary.weigh_in_requests == 5  # 1,823 days: 5 ranges, not 1
    spans = [
        (r.query.split("startDate=")[1][:10], r.query.split("endDate=")[1][:10])
        for r in fake.requests("/weight-service/")
    ]
    assert spans[0][0] == first.isoformat() and spans[-1][1] == (TODAY - timedelta(days=3)).isoformat()
    assert all((date.fromisoformat(b) - date.fromisoformat(a)).days < 365 for a, b in spans)
