"""Issue 24, cases 5 and 6 (login): a request carrying the password is sent once, whatever the
connection does, and `wearsync login` says what it means. Against the fake Garmin Connect and the
real garminconnect library; each asserts the exit code, the message, what is stored and the
requests the fake saw."""

import pytest

from tests.fake_garmin import FakeGarmin, run_cli, serving, skip_module_without_shared_data, use_fake
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
    assert f"Garmin Connect is not answering properly (it dropped the connection; sign-in); {KEPT}" in err
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
