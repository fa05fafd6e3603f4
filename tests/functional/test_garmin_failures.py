"""Issue 12's numbered cases against the fake Garmin Connect and the real garminconnect library:
each asserts the exit code, the message, what is stored and the requests Garmin saw."""

import json
import socket
import sqlite3
import time
from datetime import date, datetime, timedelta

import pytest

from tests.fake_garmin import (
    FIT_FILES,
    GARMIN_BODIES,
    FakeActivity,
    FakeGarmin,
    fit_file,
    run_cli,
    use_fake,
    write_tokens,
)
from tests.fake_garmin_routes import EMAIL, PASSWORD
from tests.functional.conftest import pull_from, query_store, signed_in_home
from wearsync.store import Store
from wearsync.sync import garmin_state
from wearsync.sync.garmin_client import COOLDOWN_KEY, login_from_tokens
from wearsync.sync.garmin_pull import pull_garmin

if not GARMIN_BODIES.is_dir() or not FIT_FILES.is_dir():
    pytest.skip(
        f"needs the shared data in {GARMIN_BODIES.parent} (../shared next to the project)", allow_module_level=True
    )

KEPT = "your login is kept; try later"
SIGN_IN_PATHS = ("/mobile/", "/portal/", "/sso/")


@pytest.fixture
def fake():
    server = FakeGarmin().start()
    yield server
    server.stop()


@pytest.fixture
def home(tmp_path, monkeypatch, fake):
    return signed_in_home(monkeypatch, fake, tmp_path)


def pull(home, fake, today, **kwargs):
    return pull_from(home, fake, today, min_interval_s=0, **kwargs)


query = query_store


def sign_ins(fake):
    return [r for r in fake.log if r.path.startswith(SIGN_IN_PATHS)]


def token_posts(fake):
    return fake.requests("/di-oauth2-service/oauth/token", "POST")


def cooldown(home):
    rows = query(home, "SELECT value FROM state WHERE key = ?", COOLDOWN_KEY)
    return float(rows[0][0]) if rows else None


def end_cooldown(home):
    """Advance time the way the store sees it: the saved cooldown ended a second ago."""
    conn = sqlite3.connect(home / "wearsync.db")
    conn.execute("UPDATE state SET value = ? WHERE key = ?", (repr(time.time() - 1), COOLDOWN_KEY))
    conn.commit()
    conn.close()


def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def days(first: date, last: date) -> list[str]:
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


# --- 1. "Run `wearsync login`" when the saved login is fine ------------------------------


@pytest.mark.parametrize(
    "fault, reason",
    [
        ({"kind": "status", "status": 500}, "HTTP 500"),
        ({"kind": "status", "status": 503}, "HTTP 503"),
        ({"kind": "slow", "delay_s": 4.0}, "no answer within 2 s"),
        ({"kind": "cloudflare"}, "a Cloudflare challenge page, HTTP 403"),
        ({"kind": "malformed"}, "a body that is not valid JSON"),
    ],
)
def test_1_a_failing_profile_request_keeps_the_login(home, fake, monkeypatch, capsys, fault, reason):
    tokens = (home / "garmin" / "garmin_tokens.json").read_text()
    fake.inject(fault.pop("kind"), "/userprofile-service/socialProfile", **fault)
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--json")
    assert code == 5, err
    assert f"Garmin Connect is not answering properly ({reason}; profile); {KEPT}" in err
    assert "wearsync login" not in err and "privacy" not in err
    assert [r.path for r in fake.log] == ["/userprofile-service/socialProfile"]  # asked once, then stopped
    assert (home / "garmin" / "garmin_tokens.json").read_text() == tokens
    assert cooldown(home) is None
    assert json.loads(out)["garmin"]["outcome"] == "unavailable"
    assert query(home, "SELECT count(*) FROM garmin_days") == [(0,)]


def test_1_garmin_unreachable_keeps_the_login(home, fake, monkeypatch, capsys):
    monkeypatch.setenv("WEARSYNC_GARMIN_URL", closed_port())
    code, out, err = run_cli(monkeypatch, capsys, "pull")
    assert code == 5
    assert "Garmin Connect is not answering properly (cannot reach it: ConnectionError; profile); " + KEPT in err
    assert (home / "garmin" / "garmin_tokens.json").is_file() and cooldown(home) is None


def test_1_a_401_surviving_one_refresh_is_the_one_case_that_says_log_in_again(home, fake, monkeypatch, capsys):
    fake.inject("status", "/userprofile-service/socialProfile", status=401, times=2)
    code, out, err = run_cli(monkeypatch, capsys, "pull")
    assert code == 3
    assert "refused the saved login even after a token refresh (profile); run `wearsync login`" in err
    assert [(r.method, r.path) for r in fake.log] == [
        ("GET", "/userprofile-service/socialProfile"),
        ("POST", "/di-oauth2-service/oauth/token"),
        ("GET", "/userprofile-service/socialProfile"),
    ]
    assert sign_ins(fake) == []


# --- 2. 429 on the token endpoint --------------------------------------------------------


def test_2_a_refresh_answered_429_saves_the_cooldown_and_sends_nothing_more(tmp_path, monkeypatch, capsys, fake):
    home = use_fake(monkeypatch, fake, tmp_path)
    write_tokens(home, fake.issue_tokens(lifetime_s=600))  # in its last 15 minutes
    fake.inject("status", "/di-oauth2-service/oauth/token", status=429, retry_after="300", times=10)
    before = time.time()
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--days", "2")
    assert code == 4 and "slow down (HTTP 429 (token refresh))" in err and "wearsync login" not in err
    assert [(r.method, r.path) for r in fake.log] == [("POST", "/di-oauth2-service/oauth/token")]
    assert before + 299 <= cooldown(home) <= time.time() + 301
    fake.clear_log()
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--days", "2")
    assert code == 4 and fake.log == []  # nothing during the cooldown


def test_2_one_refresh_a_run_even_when_the_new_token_is_short_lived_too(tmp_path, monkeypatch, capsys, fake):
    home = use_fake(monkeypatch, fake, tmp_path)
    fake.token_lifetime_s = 600
    old = fake.issue_tokens()
    path = write_tokens(home, old)
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--days", "2", "--json")
    assert code == 0, err
    assert len(token_posts(fake)) == 1
    # 2 profile + 2 days x 3 + 1 weigh-in range + 1 activity page, after the one refresh
    assert len(fake.log) == 1 + 2 + 2 * 3 + 1 + 1
    saved = json.loads(path.read_text())
    assert saved["di_refresh_token"] != old["di_refresh_token"] and path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["garmin_tokens.json"]  # no temporary left


def test_2_a_refresh_token_the_endpoint_rejects_means_log_in_again(home, fake, monkeypatch, capsys):
    write_tokens(home, {**fake.issue_tokens(), "di_refresh_token": "spent"})
    fake.inject("status", "/usersummary-service/", status=401)
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--days", "1")
    assert code == 3 and "rejected the saved login's refresh token (HTTP 400); run `wearsync login`" in err
    assert len(token_posts(fake)) == 1 and sign_ins(fake) == []


def test_2_a_refresh_answered_503_keeps_the_login(home, fake, monkeypatch, capsys):
    fake.inject("status", "/usersummary-service/", status=401)
    fake.inject("status", "/di-oauth2-service/oauth/token", status=503)
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--days", "1")
    assert code == 5 and f"(HTTP 503; token refresh); {KEPT}" in err
    assert fake.log[-1].path == "/di-oauth2-service/oauth/token"


def test_2_a_429_on_the_token_exchange_at_login_is_a_cooldown_not_a_wrong_password(tmp_path, monkeypatch, capsys, fake):
    home = use_fake(monkeypatch, fake, tmp_path)
    fake.inject("status", "/di-oauth2-service/oauth/token", status=429, retry_after="600", times=10)
    code, out, err = run_cli(monkeypatch, capsys, "login", "--email", EMAIL, "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 4 and "slow down" in err and "did not accept" not in err
    assert fake.log[-1].path == "/di-oauth2-service/oauth/token" and len(token_posts(fake)) == 1
    assert cooldown(home) > time.time() + 590
    assert not (home / "garmin" / "garmin_tokens.json").exists()


# --- 3. Sign-in after a refusal ----------------------------------------------------------


@pytest.mark.parametrize("path", ["/mobile/sso/en_US/sign-in", "/mobile/api/login"])
@pytest.mark.parametrize(
    "fault, message",
    [
        ({"kind": "status", "status": 429, "retry_after": "900"}, "slow down (HTTP 429 (sign-in))"),
        ({"kind": "cloudflare"}, "blocked the sign-in (a Cloudflare challenge page, HTTP 403)"),
    ],
)
def test_3_the_first_refusal_ends_the_sign_in(tmp_path, monkeypatch, capsys, fake, path, fault, message):
    home = use_fake(monkeypatch, fake, tmp_path)
    fault = dict(fault)
    fake.inject(fault.pop("kind"), path, times=1000, **fault)
    code, out, err = run_cli(monkeypatch, capsys, "login", "--email", EMAIL, "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 4 and message in err, err
    refused = next(i for i, r in enumerate(fake.log) if r.path == path)
    assert refused == len(fake.log) - 1  # zero requests after the refusal
    assert sum(PASSWORD.encode() in r.body for r in fake.log) <= 1
    assert cooldown(home) > time.time() + 800
    fake.clear_log()
    code, out, err = run_cli(monkeypatch, capsys, "login", "--email", EMAIL, "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 4 and fake.log == []


def test_3_sign_in_while_garmin_is_unreachable_sends_one_request_and_no_cooldown(tmp_path, monkeypatch, capsys, fake):
    home = use_fake(monkeypatch, fake, tmp_path)
    monkeypatch.setenv("WEARSYNC_GARMIN_URL", closed_port())
    code, out, err = run_cli(monkeypatch, capsys, "login", "--email", EMAIL, "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 5 and "not answering properly (cannot reach it" in err and "; sign-in); " + KEPT in err
    assert cooldown(home) is None


# --- 4. Days lost for good ---------------------------------------------------------------


def test_4_a_day_empty_when_first_pulled_is_filled_by_a_later_plain_pull(home, fake):
    fake.late_days["2023-07-01"] = 1
    first = pull(home, fake, date(2023, 7, 10), since=date(2023, 6, 30))
    assert first.error is None and first.days_empty == ["2023-07-01"]
    assert query(home, "SELECT state FROM garmin_days WHERE local_day = '2023-07-01'") == [("empty",)]
    assert query(home, "SELECT count(*) FROM wellness WHERE local_day = '2023-07-01'") == [(0,)]
    fake.clear_log()
    second = pull(home, fake, date(2023, 7, 10))
    # the empty day, and the two days young enough for Garmin to still change them
    assert second.days_stored == ["2023-07-01", "2023-07-09", "2023-07-10"]
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
    assert [r.query.split("=")[1] for r in fake.requests("usersummary")] == days(
        date(2023, 6, 10), date(2023, 7, 9)
    ) + ["2023-07-13", "2023-07-14"]
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
def test_5_a_refused_food_log_marks_nutrition_unavailable_and_the_pull_goes_on(home, fake, status):
    fake.inject("status", "/nutrition-service/", status=status, times=100)
    summary = pull(home, fake, date(2023, 7, 3), since=date(2023, 7, 1))
    assert summary.error is None and summary.days_stored == ["2023-07-01", "2023-07-02", "2023-07-03"]
    assert len(fake.requests("/nutrition-service/")) == 1  # asked once, then known unavailable
    assert query(home, "SELECT count(*) FROM intake") == [(0,)]  # unknown, not zero
    fake.clear_log()
    pull(home, fake, date(2023, 7, 4))
    assert fake.requests("/usersummary-service/") and not fake.requests("/nutrition-service/")
    conn = sqlite3.connect(home / "wearsync.db")
    conn.execute(
        "UPDATE state SET value = ? WHERE key = ?", (repr(time.time() - 8 * 86400), garmin_state.NUTRITION_KEY)
    )
    conn.commit()
    conn.close()
    fake.faults.clear()
    fake.intake["2023-07-04"] = 1900
    pull(home, fake, date(2023, 7, 4))
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
    conn = sqlite3.connect(home / "wearsync.db")
    conn.execute("UPDATE garmin_activities SET retry_at = ? WHERE activity_id = 9001", (int(time.time()) - 1,))
    conn.commit()
    conn.close()
    again = pull(home, fake, date(2023, 7, 3))
    assert again.activities_imported == 1
    assert query(home, "SELECT activity_id, state FROM garmin_activities ORDER BY 1") == [
        (9001, "imported"),
        (9002, "imported"),
    ]


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
    # 90 days left at 3 requests each, min_interval_s 0 plus the assumed answer time
    assert report["gaps"] == {
        "missing": 90,
        "oldest_missing": (since + timedelta(days=10)).isoformat(),
        "recheck": 0,
        "estimate_s": round(90 * 3 * garmin_state.ANSWER_S),
    }


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
            return str(app.screen.query_one("#gaps", Static).render())

    try:
        text = asyncio.run(sources_text())
    finally:
        store.close()
    # 20 days left x 3 requests x (0 s spacing + 0.4 s an answer) = 24 s: about a minute
    assert text == (
        f"Garmin Connect: 20 days not pulled yet (oldest {today - timedelta(days=19)}); about 1 min "
        f"of pulling at the configured pace (p pulls; a cooldown pauses it)."
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
    # 61 days; after the first, 60 left x 3 requests x (1 s spacing + 0.4 s an answer) = 252 s
    assert seen[0] == ("days", 1, 61, "2023-06-01, about 4 min left")
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
        assert store.conn.execute("SELECT state FROM garmin_activities").fetchall() == [("failed",)]
    finally:
        store.close()


def test_2_the_token_refresh_is_spaced_like_every_other_request(tmp_path, monkeypatch, fake):
    home = use_fake(monkeypatch, fake, tmp_path)
    write_tokens(home, fake.issue_tokens(lifetime_s=600))
    store = Store.open(home)
    try:
        pull_garmin(
            store,
            lambda: login_from_tokens(home, fake.url, min_interval_s=0.05),
            today=date(2023, 7, 2),
            since=date(2023, 7, 2),
        )
    finally:
        store.close()
    assert fake.log[0].path == "/di-oauth2-service/oauth/token" and len(token_posts(fake)) == 1
    times = [r.at for r in fake.log]
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.045
