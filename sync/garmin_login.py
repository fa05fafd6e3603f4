"""Signing in to Garmin Connect with a password (and an MFA code), and signing out.

The password goes to the library's sign-in and nowhere else: the library's copy is dropped
as soon as the attempt ends, only the tokens it issues are kept (`garmin_client.token_path`,
0600). A sign-in that waits for an MFA code keeps the library's session state (cookies, no
password) in `mfa_pending.json` so `wearsync login --mfa-code` can finish it in another process.
One attempt per command: the first refusal ends it, so a wrong password cannot lock the account.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from garminconnect import GarminConnectAuthenticationError

from wearsync.errors import GarminAuthError, GarminError
from wearsync.private_files import private_folder
from wearsync.sync.garmin_client import (
    LIBRARY_ERRORS,
    MFA_PENDING_FILE,
    TOKEN_FILE,
    TOKEN_URL_PATH,
    GarminSession,
    build_garmin,
    is_logged_in,
    load_profile,
    token_dir,
    token_path,
    write_private_text,
)
from wearsync.sync.garmin_guard import Guard, Stop, translate, unavailable


@dataclass
class LoginResult:
    """What a credential login ended with: logged in, or waiting for an MFA code."""

    display_name: str | None
    needs_mfa: bool
    token_file: Path


def login_with_password(
    data_dir: Path, email: str, password: str, base_url: str = "", *, prompt_mfa: Callable[[], str] | None = None
) -> LoginResult:
    """Sign in with email and password (one attempt: the first refusal ends it), keep only
    the tokens.

    With `prompt_mfa`, an MFA code is asked for on the spot; without it a login that
    needs one is saved (session cookies, no password) for `resume_login`.
    """
    folder = token_dir(data_dir)
    private_folder(folder)
    session = build_garmin(
        base_url,
        min_interval_s=0,
        email=email,
        password=password,
        prompt_mfa=prompt_mfa,
        return_on_mfa=prompt_mfa is None,
    )
    session.guard.sign_in = True
    session.guard.login_kept = is_logged_in(data_dir)
    session.guard.what = "sign-in"
    try:
        status, state = session.garmin.client.login(
            email, password, prompt_mfa=prompt_mfa, return_on_mfa=prompt_mfa is None
        )
    except Stop as stop:
        raise stop.error from None
    except LIBRARY_ERRORS as exc:
        raise _sign_in_error(exc, session.guard, (password, email)) from None
    finally:
        session.garmin.password = None
    if status == "needs_mfa":
        write_private_text(folder / MFA_PENDING_FILE, json.dumps(state))
        return LoginResult(None, True, token_path(data_dir))
    return _finish(session, data_dir)


def resume_login(data_dir: Path, code: str, base_url: str = "") -> LoginResult:
    """Finish a login that was waiting for its MFA code (possibly in another process)."""
    pending = token_dir(data_dir) / MFA_PENDING_FILE
    if not pending.is_file():
        raise GarminAuthError("no Garmin login is waiting for a code; run `wearsync login` first")
    state = json.loads(pending.read_text(encoding="utf-8"))
    session = build_garmin(base_url, min_interval_s=0)
    session.guard.sign_in = True
    session.guard.login_kept = is_logged_in(data_dir)
    session.guard.what = "MFA code"
    try:
        session.garmin.client.resume_login(state, code)
    except Stop as stop:
        raise stop.error from None
    except LIBRARY_ERRORS as exc:
        error = _sign_in_error(exc, session.guard, (code,))
        if isinstance(error, GarminAuthError):
            raise GarminAuthError(
                "Garmin Connect did not accept that code; try again, or run `wearsync login` for a new one"
            ) from None
        raise error from None
    pending.unlink(missing_ok=True)
    return _finish(session, data_dir)


def _sign_in_error(exc: BaseException, guard: Guard, secrets: tuple[str, ...]) -> GarminError:
    """A sign-in failure the guard let through: wrong credentials, or no tokens issued."""
    if guard.last_path.endswith(TOKEN_URL_PATH) or "JWT_WEB" in str(exc):
        return unavailable("it accepted the sign-in but issued no tokens", "sign-in", guard.login_kept)
    if isinstance(exc, GarminConnectAuthenticationError):
        return GarminAuthError("Garmin Connect did not accept that email, password or code")
    return translate(exc, "sign-in", guard, secrets)


def logout(data_dir: Path) -> bool:
    """Remove the saved tokens and any login waiting for a code; True if there were any."""
    removed = False
    for name in (TOKEN_FILE, MFA_PENDING_FILE):
        path = token_dir(data_dir) / name
        if path.exists():
            path.unlink()
            removed = True
    return removed


def _finish(session: GarminSession, data_dir: Path) -> LoginResult:
    """The profile read with the new tokens (the one check that the API accepts them: the
    library's own check, a second socialProfile request, is off), then the tokens saved."""
    target = token_path(data_dir)
    session.guard.sign_in = False
    load_profile(session)
    session.token_file = target
    session.loaded_tokens = session.garmin.client.dumps()
    write_private_text(target, session.loaded_tokens)
    return LoginResult(session.garmin.display_name, False, target)
