import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fake_garmin import (
    GARMIN_BODIES,
    FakeGarmin,
    run_cli,
    use_fake,
    write_config,
    write_tokens,
)
from tests.fake_garmin_routes import EMAIL, MFA_CODE, PASSWORD
from wearsync.errors import GarminAuthError
from wearsync.store import Store
from wearsync.sync import garmin_client, garmin_login

PROJECT = Path(__file__).resolve().parents[2]

if not GARMIN_BODIES.is_dir():
    pytest.skip(f"needs the recorded Garmin bodies in {GARMIN_BODIES}", allow_module_level=True)


@pytest.fixture
def fake():
    server = FakeGarmin().start()
    yield server
    server.stop()


@pytest.fixture
def home(tmp_path, monkeypatch, fake):
    return use_fake(monkeypatch, fake, tmp_path, first_pull_days=2)


def files_holding(folder: Path, secret: str) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def sso_requests(fake):
    return [r for r in fake.log if r.path.startswith(("/mobile/", "/portal/", "/sso/"))]


def test_token_only_login_sends_no_sign_in(home, fake):
    write_tokens(home, fake.issue_tokens())
    session = garmin_client.login_from_tokens(home, fake.url, min_interval_s=0)
    assert session.garmin.display_name == "fakeuser"
    assert [r.path for r in fake.log] == [
        "/userprofile-service/socialProfile",
        "/userprofile-service/userprofile/user-settings",
    ]


def test_credential_login_keeps_only_tokens_0600(home, fake, monkeypatch, capsys):
    code, out, err = run_cli(monkeypatch, capsys, "login", "--email", EMAIL, "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, err
    assert "Logged in to Garmin Connect as fakeuser" in out and "password was not stored" in out
    tokens = home / "garmin" / "garmin_tokens.json"
    assert tokens.stat().st_mode & 0o777 == 0o600
    assert (home / "garmin").stat().st_mode & 0o777 == 0o700
    assert set(json.loads(tokens.read_text())) == {"di_token", "di_refresh_token", "di_client_id"}
    assert sorted(p.name for p in (home / "garmin").iterdir()) == ["garmin_tokens.json"]
    assert files_holding(home, PASSWORD) == []
    fake.clear_log()
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--json")
    assert code == 0, err
    assert json.loads(out)["garmin"]["days"]["stored"] == 2
    assert sso_requests(fake) == [] and files_holding(home, PASSWORD) == []


def test_credential_login_with_mfa_prompt(home, fake):
    fake.mfa = True
    asked = []
    result = garmin_login.login_with_password(
        home, EMAIL, PASSWORD, fake.url, prompt_mfa=lambda: asked.append(1) or MFA_CODE
    )
    assert asked == [1] and not result.needs_mfa and result.display_name == "fakeuser"
    assert result.token_file.stat().st_mode & 0o777 == 0o600
    assert files_holding(home, PASSWORD) == []


def test_non_interactive_mfa_resumes_with_the_code_in_a_second_run(home, fake, monkeypatch, capsys):
    fake.mfa = True
    code, out, err = run_cli(monkeypatch, capsys, "login", "--email", EMAIL, "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 3 and "wearsync login --mfa-code CODE" in err
    pending = home / "garmin" / "mfa_pending.json"
    assert pending.stat().st_mode & 0o777 == 0o600
    assert not (home / "garmin" / "garmin_tokens.json").exists()
    assert files_holding(home, PASSWORD) == []
    code, out, err = run_cli(monkeypatch, capsys, "login", "--mfa-code", "000000")
    assert code == 3 and "did not accept that code" in err and pending.exists()
    code, out, err = run_cli(monkeypatch, capsys, "login", "--mfa-code", MFA_CODE)
    assert code == 0, err
    assert not pending.exists()
    assert (home / "garmin" / "garmin_tokens.json").stat().st_mode & 0o777 == 0o600
    assert files_holding(home, PASSWORD) == []


def test_wrong_password_is_refused_and_nothing_is_saved(home, fake, monkeypatch, capsys):
    code, out, err = run_cli(monkeypatch, capsys, "login", "--email", EMAIL, "--password-stdin", stdin="not it\n")
    assert code == 3 and "did not accept" in err
    assert not (home / "garmin" / "garmin_tokens.json").exists()
    assert "not it" not in err


def test_no_terminal_and_no_password_stdin_sends_nothing(home, fake, monkeypatch, capsys):
    code, out, err = run_cli(monkeypatch, capsys, "login", "--email", EMAIL)
    assert code == 2 and "--password-stdin" in err and fake.log == []


def test_logout_removes_the_tokens_and_later_pulls_ask_for_login(home, fake, monkeypatch, capsys):
    write_tokens(home, fake.issue_tokens())
    code, out, err = run_cli(monkeypatch, capsys, "logout")
    assert code == 0 and "removed" in out
    assert not (home / "garmin" / "garmin_tokens.json").exists()
    monkeypatch.setenv("WEARSYNC_CONFIG", str(write_config(home.parent / "c.toml", garmin=True)))
    code, out, err = run_cli(monkeypatch, capsys, "pull")
    assert code == 3 and "run `wearsync login`" in err and fake.log == []


def test_rejected_tokens_never_lead_to_a_password_login(home, fake, monkeypatch, capsys):
    write_tokens(home, {"di_token": "a.b.c", "di_refresh_token": "x", "di_client_id": "y"})
    with pytest.raises(GarminAuthError, match="wearsync login"):
        garmin_client.login_from_tokens(home, fake.url, min_interval_s=0)
    assert sso_requests(fake) == []


def test_429_at_sign_in_saves_a_cooldown_that_later_logins_respect(home, fake, monkeypatch, capsys):
    fake.inject("status", "/", status=429, times=1000)
    code, out, err = run_cli(monkeypatch, capsys, "login", "--email", EMAIL, "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 4 and "try again after" in err
    store = Store.open(home)
    assert float(store.get_state(garmin_client.COOLDOWN_KEY)) > time.time() + 3000
    store.close()
    fake.clear_log()
    code, out, err = run_cli(monkeypatch, capsys, "login", "--email", EMAIL, "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 4 and fake.log == []


def test_the_base_url_override_refuses_an_untested_library(monkeypatch):
    monkeypatch.setattr(garmin_client, "_library_version", lambda: (0, 4, 0))
    with pytest.raises(garmin_client.GarminError, match="tested with 0.3.20; installed 0.4.0"):
        garmin_client.build_garmin("http://127.0.0.1:9")
    assert garmin_client.build_garmin("").garmin.client._connectapi == "https://connectapi.garmin.com"


def test_everything_runs_with_loopback_only(tmp_path):
    # Shows the sign-in and pull paths need no network: re-run a cross-section of these
    # tests in a network namespace whose only interface is loopback.
    if os.environ.get("WEARSYNC_TEST_NETNS"):
        pytest.skip("already inside the namespace")
    if (
        not shutil.which("unshare")
        or not shutil.which("ip")
        or subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode != 0
    ):
        pytest.skip("unshare -rn (user and network namespaces) is not available here")
    tests = [
        str(PROJECT / "tests" / "functional" / name)
        for name in ("test_garmin_login.py", "test_garmin_pull.py", "test_garmin_pull_errors.py")
    ]
    chosen = "credential_login or token_only or full_pull or incremental or 429_mid_pull or 401"
    command = (
        f"ip link set lo up && exec {sys.executable} -m pytest -q -p no:cacheprovider "
        f"--basetemp {tmp_path / 'netns'} -k '{chosen}' " + " ".join(tests)
    )
    run = subprocess.run(
        ["unshare", "-rn", "sh", "-c", command],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        env={**os.environ, "WEARSYNC_TEST_NETNS": "1"},
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in run.stdout
