"""Issue 24, cases 5 and 6 (login): a request carrying the password is sent once, whatever the
connection does, and `wearsync login` says what it means. Against the fake Garmin Connect and the
real garminconnect library; each asserts the exit code, the message, what is stored and the
requests the fake saw."""

import time

import pytest

from tests.fake_garmin import (
    FakeGarmin,
    run_cli,
    serving,
    skip_module_without_shared_data,
    use_fake,
    write_config,
    write_tokens,
)
from tests.fake_garmin_routes import EMAIL, MFA_CODE, PASSWORD
from tests.garmin_failure_checks import KEPT, cooldown, sign_ins

skip_module_without_shared_data()


@pytest.fixture
def fake():
    yield from serving(FakeGarmin())


@pytest.fixture
def home(tmp_path, monkeypatch, fake):
    return use_fake(monkeypatch, fake, tmp_path, first_pull_days=2)


def password_posts(fake):
    return [r for r in fake.log if r.method == "POST" and PASSWORD.encode() in r.request_body]


@pytest.mark.parametrize("transport", ["curl_cffi", "requests"])
@pytest.mark.parametrize("drops", [1, 2])
def test_5_a_dropped_sign_in_post_is_never_sent_again(home, fake, monkeypatch, capsys, drops, transport):
    if transport == "requests":
        from garminconnect import client

        monkeypatch.setattr(client, "HAS_CFFI", False)
    fake.inject("drop", "/mobile/api/login", times=drops)
    code, out, err = run_cli(monkeypatch, capsys, "login", "--email", EMAIL, "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 5, err
    assert "Garmin Connect is not answering properly (it dropped the connection; sign-in); nothing was saved" in err
    assert len(password_posts(fake)) == 1
    assert [(r.method, r.path) for r in sign_ins(fake)] == [
        ("GET", "/mobile/sso/en_US/sign-in"),
        ("POST", "/mobile/api/login"),
    ]
    assert fake.log[-1].path == "/mobile/api/login"  # nothing after the drop
    assert not (home / "garmin" / "garmin_tokens.json").exists() and cooldown(home) is None
    assert PASSWORD not in err


def test_5_a_dropped_mfa_code_post_is_never_sent_again(home, fake, monkeypatch, capsys):
    fake.mfa = True
    code, out, err = run_cli(monkeypatch, capsys, "login", "--email", EMAIL, "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 3, err
    fake.clear_log()
    fake.inject("drop", "/mfa/verifyCode", times=1)
    code, out, err = run_cli(monkeypatch, capsys, "login", "--mfa-code", MFA_CODE)
    assert code == 5, err
    assert [r.path for r in fake.log if r.method == "POST"] == ["/mobile/api/mfa/verifyCode"]
    assert (home / "garmin" / "mfa_pending.json").exists()


# --- 6. As a user would expect -----------------------------------------------------------


def test_6_login_asks_for_the_profile_once(home, fake, monkeypatch, capsys):
    code, out, err = run_cli(monkeypatch, capsys, "login", "--email", EMAIL, "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, err
    assert [(r.method, r.path) for r in fake.log] == [
        ("GET", "/mobile/sso/en_US/sign-in"),
        ("POST", "/mobile/api/login"),
        ("POST", "/di-oauth2-service/oauth/token"),
        ("GET", "/userprofile-service/socialProfile"),
        ("GET", "/userprofile-service/userprofile/user-settings"),
    ]
    assert (home / "garmin" / "garmin_tokens.json").is_file()


def test_6_a_token_the_profile_refuses_after_sign_in_is_not_saved(home, fake, monkeypatch, capsys):
    fake.inject("status", "/userprofile-service/socialProfile", status=401, times=5)
    code, out, err = run_cli(monkeypatch, capsys, "login", "--email", EMAIL, "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 3, err
    assert not (home / "garmin" / "garmin_tokens.json").exists()
    assert len(password_posts(fake)) == 1


def test_6_your_login_is_kept_only_when_there_is_one(home, fake, monkeypatch, capsys):
    fake.inject("status", "/mobile/api/login", status=503)
    code, out, err = run_cli(monkeypatch, capsys, "login", "--email", EMAIL, "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 5, err
    assert "Garmin Connect is not answering properly (HTTP 503; sign-in); nothing was saved; try later" in err
    assert "login is kept" not in err and not (home / "garmin" / "garmin_tokens.json").exists()
    saved = write_tokens(home, fake.issue_tokens()).read_text()
    fake.inject("status", "/mobile/api/login", status=503)
    code, out, err = run_cli(monkeypatch, capsys, "login", "--email", EMAIL, "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 5 and f"(HTTP 503; sign-in); {KEPT}" in err
    assert (home / "garmin" / "garmin_tokens.json").read_text() == saved


def test_6_a_pull_without_a_login_ends_its_summary_in_words(home, fake, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("WEARSYNC_CONFIG", str(write_config(tmp_path / "garmin.toml", garmin=True)))
    code, out, err = run_cli(monkeypatch, capsys, "pull")
    assert code == 3 and "run `wearsync login`" in err
    assert out.rstrip().endswith("; stopped: needs `wearsync login`"), out
    assert "login_refused" not in out and fake.log == []


@pytest.mark.parametrize(
    "argv, asked",
    [((), "email"), (("--email", EMAIL), "password")],
)
def test_6_login_without_a_terminal_is_a_usage_error(home, fake, monkeypatch, capsys, argv, asked):
    code, out, err = run_cli(monkeypatch, capsys, "login", *argv)  # stdin: empty, not a terminal
    assert code == 2, err
    assert f"wearsync: error: no terminal to ask for the {asked} on; pass --email and --password-stdin" in err
    assert fake.log == [] and not (home / "garmin").exists()


def test_6_an_mfa_code_with_no_sign_in_waiting_says_so(home, fake, monkeypatch, capsys):
    code, out, err = run_cli(monkeypatch, capsys, "login", "--mfa-code", "123456")
    assert code == 2, err
    assert "no Garmin sign-in is waiting for a code; run `wearsync login` first" in err
    assert "email" not in err.split(";")[0] and fake.log == []


def test_6_the_dashboard_names_its_key_where_the_command_line_says_pass_force(home, fake, monkeypatch):
    from wearsync.config import load_config
    from wearsync.dashboard.sync_actions import default_pull
    from wearsync.errors import GarminRateLimited
    from wearsync.store import Store
    from wearsync.sync.garmin_client import save_cooldown

    monkeypatch.setenv("WEARSYNC_CONFIG", str(write_config(home.parent / "garmin.toml", garmin=True)))
    config = load_config(None, None)
    with Store.open(home) as store:
        save_cooldown(store, time.time() + 600)
        with pytest.raises(GarminRateLimited) as raised:
            default_pull(store, config, lambda *a: None)
    assert "(or press P to ask anyway)" in str(raised.value) and "--force" not in str(raised.value)
    assert raised.value.until > time.time() + 590 and fake.log == []
