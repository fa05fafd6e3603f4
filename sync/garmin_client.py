"""Garmin Connect through the `garminconnect` library: building the client, logging in, errors.

This is the one module that touches the library's private attributes: the base URLs
(so `garmin.base_url` / `WEARSYNC_GARMIN_URL` can point every call, sign-in and token
refresh included, at another origin) and the API session (to space requests, to stop
at once after a 429, and to keep the exact bytes of each answer, which the library
only hands back parsed). The URL override is pinned to the library versions it was
tested with. Tokens live in `<data_dir>/garmin/garmin_tokens.json` (0600 in a 0700
folder); the password is never written anywhere and is never sent again by itself:
every call after `wearsync login` logs in from the tokens only.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

import requests
from garminconnect import (
    Garmin,
    GarminConnectAuthenticationError,
    GarminConnectConnectionError,
    GarminConnectTooManyRequestsError,
)
from requests.adapters import HTTPAdapter

from wearsync.errors import GarminAuthError, GarminError, GarminRateLimited

TESTED_VERSIONS = ((0, 3, 12), (0, 3, 20))
# Every base URL the client builds requests from; a missed one would send a sign-in or
# a token refresh to Garmin's real host during a test or a replay.
URL_ATTRIBUTES = ("_sso", "_connect", "_connectapi", "_ios_service_url",
                  "_mobile_sso_service_url", "_portal_service_url")
TOKEN_URL_PATH = "/di-oauth2-service/oauth/token"
TOKEN_FILE = "garmin_tokens.json"
MFA_PENDING_FILE = "mfa_pending.json"
COOLDOWN_KEY = "garmin.cooldown_until"
# Without Retry-After, wait an hour: Garmin's blocks last minutes to hours, and asking
# again too early is what gets logins blocked for longer.
DEFAULT_COOLDOWN_S = 3600
# Transient 5xx and network errors are retried by the library with 1-10 s backoff.
RETRY_ATTEMPTS = 2
RELOGIN = "run `wearsync login`"

logging.getLogger("garminconnect").addHandler(logging.NullHandler())


def token_dir(data_dir: Path) -> Path:
    """Where the Garmin tokens (and a login waiting for its MFA code) are kept."""
    return Path(data_dir) / "garmin"


def token_path(data_dir: Path) -> Path:
    return token_dir(data_dir) / TOKEN_FILE


def is_logged_in(data_dir: Path) -> bool:
    """True when tokens from `wearsync login` are present."""
    return token_path(data_dir).is_file()


class _CoolingDown(Exception):
    """Raised by the transport instead of sending a request during a cooldown."""


class GarminGone(GarminError):
    """Garmin Connect answered 404 or 410: what was asked for is not there (a deleted activity)."""


class PoliteAdapter(HTTPAdapter):
    """Spaces API requests by `min_interval_s`, refuses to send after a 429, and keeps
    the body of the last successful GET exactly as it arrived."""

    def __init__(self, min_interval_s: float, **kwargs: Any):
        super().__init__(**kwargs)
        self.min_interval_s = min_interval_s
        self.cooldown_until: float | None = None
        self.last_status: int | None = None
        self.last_body: bytes | None = None
        self._next_at = 0.0
        self._lock = threading.Lock()

    def send(self, request, **kwargs):
        with self._lock:
            if self.cooldown_until is not None:
                raise _CoolingDown("Garmin answered 429; no more requests in this run")
            wait = self._next_at - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                response = super().send(request, **kwargs)
            finally:
                self._next_at = time.monotonic() + self.min_interval_s
            self.last_status = response.status_code
            if request.method == "GET" and 200 <= response.status_code < 300:
                # The library never streams API answers, so reading the body here only
                # reads it earlier than `requests` would.
                self.last_body = response.content
            if response.status_code == 429:
                self.cooldown_until = time.time() + retry_after_s(response)
            return response


def retry_after_s(response: Any) -> float:
    """Seconds Garmin asked us to wait (`Retry-After`: seconds or a date), else the default."""
    value = (getattr(response, "headers", None) or {}).get("Retry-After")
    if value:
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            pass
    return float(DEFAULT_COOLDOWN_S)


def _library_version() -> tuple[int, ...]:
    return tuple(int(part) for part in installed_version("garminconnect").split(".")[:3])


def _point_at(garmin: Garmin, base_url: str) -> None:
    """Send every Garmin call (API, sign-in, token refresh) to `base_url` instead."""
    found = _library_version()
    low, high = TESTED_VERSIONS
    if not low <= found <= high:
        raise GarminError(
            f"a Garmin base URL is set, which relies on garminconnect internals tested with "
            f"{'.'.join(map(str, low))} to {'.'.join(map(str, high))}; installed "
            f"{'.'.join(map(str, found))}. Install a tested version or unset the base URL."
        )
    client = garmin.client
    missing = [name for name in (*URL_ATTRIBUTES, "_di_token_url") if not hasattr(client, name)]
    if missing:
        raise GarminError(f"this garminconnect has no {', '.join(missing)}; cannot change its base URL")
    base = base_url.rstrip("/")
    for name in URL_ATTRIBUTES:
        setattr(client, name, base)
    client._di_token_url = base + TOKEN_URL_PATH


@dataclass
class GarminSession:
    """A logged-in Garmin client and the transport that spaces its requests."""

    garmin: Garmin
    adapter: PoliteAdapter

    def call(self, what: str, fn: Callable[..., Any], *args: Any) -> Any:
        """Run one library call; library errors become wearsync errors naming `what`."""
        try:
            return fn(*args)
        except (GarminConnectAuthenticationError, GarminConnectConnectionError,
                GarminConnectTooManyRequestsError, requests.RequestException) as exc:
            raise translate(exc, what, self.adapter) from None

    def call_raw(self, what: str, fn: Callable[..., Any], *args: Any) -> tuple[Any, bytes | None]:
        """`call`, and the body of its last successful GET exactly as Garmin sent it
        (content-decoded); for calls that send one GET. None when there was no body (204)."""
        self.adapter.last_body = None
        result = self.call(what, fn, *args)
        return result, self.adapter.last_body or None


def build_garmin(base_url: str = "", *, min_interval_s: float = 1.0, email: str | None = None,
                 password: str | None = None, prompt_mfa: Callable[[], str] | None = None,
                 return_on_mfa: bool = False) -> GarminSession:
    """A `Garmin` client pointed at `base_url` (empty: Garmin's own) with polite transport."""
    garmin = Garmin(email, password, prompt_mfa=prompt_mfa, return_on_mfa=return_on_mfa,
                    retry_attempts=RETRY_ATTEMPTS)
    if base_url:
        _point_at(garmin, base_url)
    session = getattr(garmin.client, "_api_session", None)
    if not isinstance(session, requests.Session):
        raise GarminError("this garminconnect has no API session wearsync can pace; "
                          "install garminconnect 0.3.12 to 0.3.20")
    adapter = PoliteAdapter(min_interval_s, pool_connections=4, pool_maxsize=4)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return GarminSession(garmin, adapter)


def translate(exc: BaseException, what: str, adapter: PoliteAdapter | None = None,
              secrets: tuple[str, ...] = ()) -> GarminError:
    """The wearsync error for a library failure; never carries a secret."""
    if adapter is not None and adapter.cooldown_until is not None:
        return rate_limited(adapter.cooldown_until)
    if isinstance(exc, GarminConnectTooManyRequestsError):
        response = getattr(exc.__cause__, "response", None)
        return rate_limited(time.time() + retry_after_s(response))
    if isinstance(exc, GarminConnectAuthenticationError) and adapter is not None \
            and adapter.last_status == 200:
        # The server answered; the body said no (`privacyProtected`): this login may
        # not read the profile's data.
        return GarminAuthError(f"Garmin Connect marked the data privacy-protected ({what}): "
                               f"the saved login may not read it; {RELOGIN}")
    if isinstance(exc, GarminConnectAuthenticationError):
        return GarminAuthError(f"Garmin Connect refused the saved login ({what}); {RELOGIN}")
    if isinstance(exc.__cause__ or exc.__context__ or exc, json.JSONDecodeError):
        return GarminError(f"Garmin Connect sent a body that is not valid JSON ({what})")
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if status in (404, 410):
        return GarminGone(f"Garmin Connect answered HTTP {status} ({what}): it is not there")
    if status is not None:
        return GarminError(f"Garmin Connect answered HTTP {status} ({what}); try again later")
    return GarminError(f"could not reach Garmin Connect ({what}): {_scrub(str(exc), secrets)}")


def rate_limited(until: float) -> GarminRateLimited:
    """The error for a cooldown ending at `until` (Unix seconds)."""
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(until))
    return GarminRateLimited(
        f"Garmin Connect asked wearsync to slow down (HTTP 429); try again after {when} "
        f"(or pass --force to ask anyway)", until)


def check_cooldown(store: Any, force: bool) -> None:
    """Refuse to contact Garmin during a saved cooldown unless forced."""
    value = store.get_state(COOLDOWN_KEY)
    if value and not force and float(value) > time.time():
        raise rate_limited(float(value))


def save_cooldown(store: Any, until: float) -> None:
    with store.transaction() as conn:
        store.set_state(conn, COOLDOWN_KEY, repr(float(until)))


def login_from_tokens(data_dir: Path, base_url: str = "", *, min_interval_s: float = 1.0) -> GarminSession:
    """Log in from the saved tokens only; never falls back to a password."""
    path = token_path(data_dir)
    if not path.is_file():
        raise GarminAuthError(f"not logged in to Garmin Connect; {RELOGIN}")
    session = build_garmin(base_url, min_interval_s=min_interval_s)
    session.call("login from saved tokens", session.garmin.login, str(path))
    return session


@dataclass
class LoginResult:
    """What a credential login ended with: logged in, or waiting for an MFA code."""

    display_name: str | None
    needs_mfa: bool
    token_file: Path


def login_with_password(data_dir: Path, email: str, password: str, base_url: str = "", *,
                        prompt_mfa: Callable[[], str] | None = None) -> LoginResult:
    """Sign in with email and password, keep only the tokens.

    With `prompt_mfa`, an MFA code is asked for on the spot; without it a login that
    needs one is saved (session cookies, no password) for `resume_login`.
    """
    folder = _private_dir(token_dir(data_dir))
    staging = folder / "login-staging.json"
    staging.unlink(missing_ok=True)
    session = build_garmin(base_url, min_interval_s=0, email=email, password=password,
                           prompt_mfa=prompt_mfa, return_on_mfa=prompt_mfa is None)
    try:
        # A path with no tokens in it: the library then signs in with the password and
        # writes the new tokens there, leaving any working tokens alone until it succeeds.
        status, state = session.garmin.login(str(staging))
    except (GarminConnectAuthenticationError, GarminConnectConnectionError,
            GarminConnectTooManyRequestsError, requests.RequestException) as exc:
        staging.unlink(missing_ok=True)
        if isinstance(exc, GarminConnectAuthenticationError):
            raise GarminAuthError("Garmin Connect did not accept that email, password or code") from None
        raise translate(exc, "sign-in", session.adapter, (password, email)) from None
    finally:
        session.garmin.password = None
    if status == "needs_mfa":
        _write_private(folder / MFA_PENDING_FILE, json.dumps(state))
        return LoginResult(None, True, token_path(data_dir))
    return _finish(session, data_dir, staging)


def resume_login(data_dir: Path, code: str, base_url: str = "") -> LoginResult:
    """Finish a login that was waiting for its MFA code (possibly in another process)."""
    pending = token_dir(data_dir) / MFA_PENDING_FILE
    if not pending.is_file():
        raise GarminAuthError("no Garmin login is waiting for a code; run `wearsync login` first")
    state = json.loads(pending.read_text(encoding="utf-8"))
    session = build_garmin(base_url, min_interval_s=0)
    try:
        session.garmin.resume_login(state, code)
    except GarminConnectAuthenticationError:
        raise GarminAuthError("Garmin Connect did not accept that code; try again, or "
                              "run `wearsync login` for a new one") from None
    except (GarminConnectConnectionError, GarminConnectTooManyRequestsError,
            requests.RequestException) as exc:
        raise translate(exc, "MFA code", session.adapter, (code,)) from None
    pending.unlink(missing_ok=True)
    return _finish(session, data_dir, None)


def logout(data_dir: Path) -> bool:
    """Remove the saved tokens and any login waiting for a code; True if there were any."""
    removed = False
    for name in (TOKEN_FILE, MFA_PENDING_FILE, "login-staging.json"):
        path = token_dir(data_dir) / name
        if path.exists():
            path.unlink()
            removed = True
    return removed


def _finish(session: GarminSession, data_dir: Path, staging: Path | None) -> LoginResult:
    target = token_path(data_dir)
    if staging is not None and staging.is_file():
        os.replace(staging, target)
    else:
        session.garmin.client.dump(str(target))
    os.chmod(target, 0o600)
    if session.garmin.display_name is None:
        # A login started ready to stop for MFA returns before the profile is read;
        # reading it from the saved tokens also proves they work.
        session.call("profile", session.garmin.login, str(target))
    return LoginResult(session.garmin.display_name, False, target)


def _private_dir(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    return folder


def _write_private(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, path)


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text
