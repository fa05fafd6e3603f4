"""Issue 12's cases 1-3 against the fake Garmin Connect and the real garminconnect library: the
saved login when Garmin fails, 429 and other answers on the token endpoint, and a sign-in after a
refusal. Each asserts the exit code, the message, what is stored and the requests Garmin saw."""

import json
import time
from datetime import date

import pytest

from tests.fake_garmin import (
    FakeGarmin,
    run_cli,
    serving,
    skip_module_without_shared_data,
    use_fake,
    write_tokens,
)
from tests.fake_garmin_routes import EMAIL, PASSWORD
from tests.garmin_failure_checks import (
    KEPT,
    closed_port,
    cooldown,
    query,
    sign_ins,
    token_posts,
)
from wearsync.store import Store
from wearsync.sync.garmin_client import login_from_tokens
from wearsync.sync.garmin_pull import pull_garmin

skip_module_without_shared_data()


@pytest.fixture
def fake():
    yield from serving(FakeGarmin())


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
    assert code == 5 and "not answering properly (cannot reach it" in err
    assert "; sign-in); nothing was saved; try later" in err  # no login to keep
    assert cooldown(home) is None


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
