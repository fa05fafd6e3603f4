"""Garmin Connect through the `garminconnect` library: building the client, logging in from tokens, errors.

This is the one module that touches the library's private attributes: the base URLs
(so `garmin.base_url` / `WEARSYNC_GARMIN_URL` can point every call, sign-in and token
refresh included, at another origin), the API session, the token refresh and the
sign-in strategies, each listed with its reason below (CLIENT_METHODS, CLIENT_ATTRIBUTES,
CALL_SITES, MODULE_ATTRIBUTES; `library_changes()` checks them). The library is pinned to the
one version they were checked on. Tokens live in `<data_dir>/garmin/garmin_tokens.json` (0600 in a 0700 folder,
replaced atomically); the password is never written anywhere and is never sent again
by itself: every call after `wearsync login` (`garmin_login.py`) logs in from the tokens only.

Every request passes one `Guard` (`garmin_guard.py`: spacing, cooldowns, stopping at the first
answer that says "stop", and the one classification of failures); this module allows one token
refresh per run through it.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import requests
from garminconnect import (
    Garmin,
    GarminConnectAuthenticationError,
    GarminConnectConnectionError,
    GarminConnectTooManyRequestsError,
)
from garminconnect.client import sso

from wearsync.errors import GarminAuthError, GarminError
from wearsync.private_files import private_folder, write_private
from wearsync.sync.garmin_guard import (
    RELOGIN,
    Guard,
    GuardedAdapter,
    Stop,
    guard_session,
    rate_limited,
    sign_in_session,
    translate,
    unavailable,
)

# The one garminconnect wearsync runs on, pinned exactly in pyproject.toml: this module relies
# on the library's private attributes and methods below (LIBRARY_INTERNALS), which any release
# may change. `library_changes()` checks each one against the installed library; a client is
# built only when nothing changed, and tests/unit/test_garmin_library.py fails naming the change.
LIBRARY_VERSION = (0, 3, 20)
# Every base URL the client builds requests from; a missed one would send a sign-in or
# a token refresh to Garmin's real host during a test or a replay.
URL_ATTRIBUTES = (
    "_sso",
    "_connect",
    "_connectapi",
    "_ios_service_url",
    "_mobile_sso_service_url",
    "_portal_service_url",
)
TOKEN_URL_PATH = "/di-oauth2-service/oauth/token"
TOKEN_FILE = "garmin_tokens.json"
MFA_PENDING_FILE = "mfa_pending.json"
COOLDOWN_KEY = "garmin.cooldown_until"
# The one sign-in strategy wearsync lets the library use (the iOS app's flow; through
# curl_cffi's browser TLS fingerprint when installed). The others are skipped: each one
# after a refusal is another sign-in that re-arms Garmin's block.
SIGN_IN_STRATEGY = "mobile+requests"
ALL_STRATEGIES = ("mobile+cffi", "mobile+requests", "widget+cffi", "portal+cffi", "portal+requests")

logging.getLogger("garminconnect").addHandler(logging.NullHandler())

# What this module uses of `Garmin(...).client` that is not the library's public API, and why.
# Methods it replaces or calls: their parameters, as 0.3.20 declares them.
CLIENT_METHODS: dict[str, tuple[str, ...]] = {
    "_http_post": ("url", "kwargs"),  # replaced: sign-in and token POSTs through the guard
    "_refresh_session": (),  # replaced: one token refresh a run, through the guard
    "_refresh_di_token": (),  # called by that refresh
    "_do_mobile_login": ("sess", "email", "password"),  # called with a guarded session
    "_mobile_login_requests": ("email", "password"),  # replaced: the iOS flow on a guarded session
    "_restore_mfa_state": ("state",),  # wrapped: the restored MFA session is guarded
    "login": ("email", "password", "prompt_mfa", "return_on_mfa"),
    "resume_login": ("client_state", "mfa_code"),
    "dumps": (),
    "loads": ("tokenstore",),
}
# Attributes it sets or reads, and the type each must hold (None: any).
CLIENT_ATTRIBUTES: dict[str, type | None] = {
    **dict.fromkeys(URL_ATTRIBUTES, str),  # every base URL (`_point_at`)
    "_di_token_url": str,
    "_api_session": requests.Session,  # the API transport the guard is mounted on
    "_mfa_session": None,  # set by `_restore_mfa_state`, then guarded
    "skip_strategies": set,  # every sign-in strategy but SIGN_IN_STRATEGY skipped
    "verify_login": bool,  # off: `load_profile` checks a new token, one socialProfile request
    "di_token": None,
    "di_refresh_token": None,
    "di_client_id": None,
}
# Where the library must call what this module replaces, or the replacement does nothing:
# (method of the client, what its source must hold).
CALL_SITES = (
    ("login", "self._mobile_login_requests("),
    ("login", f'"{SIGN_IN_STRATEGY}"'),
    ("login", "self.skip_strategies"),
    ("login", "self.verify_login"),
    ("_di_token_post", "self._http_post("),
    ("resume_login", "self._restore_mfa_state("),
    ("_run_request", "self._refresh_session()"),
    ("_run_request", "self._api_session"),
)
# Module attributes: the sign-in's TLS fingerprints and the package's curl_cffi switch.
MODULE_ATTRIBUTES = (
    ("garminconnect.client.sso", "MOBILE_IMPERSONATIONS"),
    ("garminconnect.client", "HAS_CFFI"),
    ("garminconnect.client", "cffi_requests"),
)


def library_changes() -> list[str]:
    """How the installed garminconnect differs from what this module relies on (empty: not at
    all), each difference one line naming the attribute or method and what changed."""
    import importlib
    import inspect

    changes: list[str] = []
    found = _library_version()
    if found != LIBRARY_VERSION:
        changes.append(
            f"garminconnect {'.'.join(map(str, found))} is installed, not {'.'.join(map(str, LIBRARY_VERSION))}"
        )
    client = Garmin("", "", retry_attempts=0).client
    for name, params in CLIENT_METHODS.items():
        method = getattr(client, name, None)
        if not callable(method):
            changes.append(f"client.{name}() is gone")
            continue
        declared = tuple(inspect.signature(method).parameters)
        if declared != params:
            changes.append(f"client.{name}() takes ({', '.join(declared)}), not ({', '.join(params)})")
    for name, kind in CLIENT_ATTRIBUTES.items():
        if not hasattr(client, name):
            changes.append(f"client.{name} is gone")
        elif kind is not None and not isinstance(getattr(client, name), kind):
            changes.append(f"client.{name} is a {type(getattr(client, name)).__name__}, not a {kind.__name__}")
    for name, needle in CALL_SITES:
        method = getattr(type(client), name, None)
        try:
            source = inspect.getsource(method) if method is not None else ""
        except (OSError, TypeError):
            source = ""
        if needle not in source:
            changes.append(f"client.{name}() no longer holds {needle}")
    for module, name in MODULE_ATTRIBUTES:
        if not hasattr(importlib.import_module(module), name):
            changes.append(f"{module}.{name} is gone")
    return changes


# What the library raises for a failed request: each becomes a wearsync error (translate).
LIBRARY_ERRORS = (
    GarminConnectAuthenticationError,
    GarminConnectConnectionError,
    GarminConnectTooManyRequestsError,
    requests.RequestException,
)


def token_dir(data_dir: Path) -> Path:
    """Where the Garmin tokens (and a login waiting for its MFA code) are kept."""
    return Path(data_dir) / "garmin"


def token_path(data_dir: Path) -> Path:
    return token_dir(data_dir) / TOKEN_FILE


def is_logged_in(data_dir: Path) -> bool:
    """True when tokens from `wearsync login` are present."""
    return token_path(data_dir).is_file()


def _library_version() -> tuple[int, ...]:
    return tuple(int(part) for part in installed_version("garminconnect").split(".")[:3])


def _point_at(garmin: Garmin, base_url: str) -> None:
    """Send every Garmin call (API, sign-in, token refresh) to `base_url` instead."""
    found = _library_version()
    if found != LIBRARY_VERSION:
        raise GarminError(
            f"a Garmin base URL is set, which relies on garminconnect internals tested with "
            f"{'.'.join(map(str, LIBRARY_VERSION))}; installed {'.'.join(map(str, found))}. "
            "Install the tested version or unset the base URL."
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
    """A Garmin client whose every request passes `guard`."""

    garmin: Garmin
    guard: Guard
    token_file: Path | None = None
    loaded_tokens: str = ""
    time_zone: str | None = None
    utc_offset_s: int | None = None  # of the wearer's last day Garmin reported, when no zone is known
    user_settings: dict | None = None  # the user-settings body of the login (the wearer: sync/wearer_sources.py)

    def call(self, what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one library call; failures become wearsync errors naming `what`."""
        self.guard.what = what
        try:
            return fn(*args, **kwargs)
        except Stop as stop:
            raise stop.error from None
        except LIBRARY_ERRORS as exc:
            raise translate(exc, what, self.guard) from None

    def call_raw(self, what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, bytes | None]:
        """`call`, and the body of its last successful GET exactly as Garmin sent it
        (content-decoded); for calls that send one GET. None when there was no body (204)."""
        self.guard.last_body = None
        result = self.call(what, fn, *args, **kwargs)
        return result, self.guard.last_body or None

    def today(self) -> date:
        """Today in the Garmin profile's time zone (its IANA zone when Garmin says it, else the
        offset of the wearer's latest day at Garmin, else this computer's)."""
        if self.time_zone:
            return datetime.now(ZoneInfo(self.time_zone)).date()
        if self.utc_offset_s is not None:
            return datetime.now(timezone(timedelta(seconds=self.utc_offset_s))).date()
        return date.today()


def build_garmin(
    base_url: str = "",
    *,
    min_interval_s: float = 1.0,
    email: str | None = None,
    password: str | None = None,
    prompt_mfa: Callable[[], str] | None = None,
    return_on_mfa: bool = False,
) -> GarminSession:
    """A `Garmin` client pointed at `base_url` (empty: Garmin's own) whose every request,
    token refresh and sign-in included, passes one guard."""
    garmin = Garmin(email, password, prompt_mfa=prompt_mfa, return_on_mfa=return_on_mfa, retry_attempts=0)
    if base_url:
        _point_at(garmin, base_url)
    client = garmin.client
    api = getattr(client, "_api_session", None)
    missing = [name for name in CLIENT_METHODS if not callable(getattr(client, name, None))]
    missing += [name for name in CLIENT_ATTRIBUTES if not hasattr(client, name)]
    if not isinstance(api, requests.Session) or missing:
        raise GarminError(
            f"this garminconnect is not one wearsync can pace (no {', '.join(missing) or '_api_session'}); "
            f"install garminconnect {'.'.join(map(str, LIBRARY_VERSION))}"
        )
    guard = Guard(min_interval_s)
    adapter = GuardedAdapter(guard, pool_connections=4, pool_maxsize=4)
    api.mount("https://", adapter)
    api.mount("http://", adapter)
    session = GarminSession(garmin, guard)
    token_session = sign_in_session(guard)
    # The library's sign-in calls replaced on this client, to pass the guard (method-assign: the point).
    client._http_post = lambda url, **kwargs: token_session.post(url, **kwargs)  # type: ignore[method-assign]
    client._refresh_session = lambda: _refresh(session)  # type: ignore[method-assign]
    client.skip_strategies = set(ALL_STRATEGIES) - {SIGN_IN_STRATEGY}
    # The library checks a new token with a socialProfile request; `load_profile` asks for it
    # anyway, before the tokens are saved: one request, not two.
    client.verify_login = False
    # The iOS flow with the first TLS fingerprint the library would try for it.
    impersonate = getattr(sso, "MOBILE_IMPERSONATIONS", ("safari_ios",))[0]
    client._mobile_login_requests = lambda email, password: client._do_mobile_login(  # type: ignore[method-assign]
        sign_in_session(guard, impersonate), email, password
    )
    restore = client._restore_mfa_state

    def restore_guarded(state):
        restore(state)
        client._mfa_session = guard_session(client._mfa_session, guard)

    client._restore_mfa_state = restore_guarded  # type: ignore[method-assign]
    return session


def _refresh(session: GarminSession) -> None:
    """The library's token refresh, at most once a run, through the guard; a refusal raises."""
    guard, client = session.guard, session.garmin.client
    after_401 = guard.last_status == 401
    if _adopt_newer_tokens(session):
        return
    if guard.refreshed:
        if after_401:
            raise Stop(
                GarminAuthError(
                    f"Garmin Connect refused the saved login even after a token refresh ({guard.what}); {RELOGIN}"
                )
            )
        return  # expiring soon, already refreshed once: go on with the token we have
    if not client.di_refresh_token or not client.di_client_id:
        if after_401:
            raise Stop(GarminAuthError(f"Garmin Connect refused the saved login ({guard.what}); {RELOGIN}"))
        return
    guard.refreshed = True
    what, guard.what = guard.what, "token refresh"
    try:
        client._refresh_di_token()
    except GarminConnectAuthenticationError:
        if guard.last_status in (400, 401):
            raise Stop(
                GarminAuthError(
                    f"Garmin Connect rejected the saved login's refresh token (HTTP {guard.last_status}); {RELOGIN}"
                )
            ) from None
        raise Stop(unavailable(f"HTTP {guard.last_status}", "token refresh")) from None
    except (ValueError, KeyError, TypeError):
        raise Stop(unavailable("a token answer wearsync does not understand", "token refresh")) from None
    finally:
        guard.what = what
    if not isinstance(client.di_token, str) or not client.di_token:
        raise Stop(unavailable("a token answer wearsync does not understand", "token refresh"))
    if session.token_file is not None:
        session.loaded_tokens = client.dumps()
        write_private_text(session.token_file, session.loaded_tokens)


def _adopt_newer_tokens(session: GarminSession) -> bool:
    """Take the tokens another wearsync process saved since this one read them (it
    refreshed: the refresh token this process holds may be spent). No request."""
    if session.token_file is None:
        return False
    try:
        text = session.token_file.read_text(encoding="utf-8")
    except OSError:
        return False
    if not text or text == session.loaded_tokens:
        return False
    try:
        session.garmin.client.loads(text)
    except GarminConnectConnectionError:
        return False
    session.loaded_tokens = text
    return True


def check_cooldown(store: Any, force: bool) -> None:
    """Refuse to contact Garmin during a saved cooldown unless forced."""
    value = store.get_state(COOLDOWN_KEY)
    if value and not force and float(value) > time.time():
        raise rate_limited(float(value))


def save_cooldown(store: Any, until: float) -> None:
    with store.transaction() as conn:
        store.set_state(conn, COOLDOWN_KEY, repr(float(until)))


def login_from_tokens(data_dir: Path, base_url: str = "", *, min_interval_s: float = 1.0) -> GarminSession:
    """Log in from the saved tokens only (never a password): read the profile and settings."""
    path = token_path(data_dir)
    if not path.is_file():
        raise GarminAuthError(f"not logged in to Garmin Connect; {RELOGIN}")
    session = build_garmin(base_url, min_interval_s=min_interval_s)
    session.token_file = path
    try:
        session.loaded_tokens = path.read_text(encoding="utf-8")
        session.garmin.client.loads(session.loaded_tokens)
    except (OSError, GarminConnectConnectionError):
        raise GarminAuthError(f"the saved Garmin Connect login in {path} cannot be read; {RELOGIN}") from None
    load_profile(session)
    return session


def load_profile(session: GarminSession) -> None:
    """The social profile (display name) and user settings, as the library's login reads them."""
    garmin = session.garmin
    profile = session.call("profile", garmin.connectapi, "/userprofile-service/socialProfile")
    name = profile.get("displayName") if isinstance(profile, dict) else None
    if not isinstance(name, str) or not name.strip():
        raise unavailable("a profile without a display name", "profile")
    settings = session.call("user settings", garmin.connectapi, garmin.garmin_connect_user_settings_url)
    if not isinstance(settings, dict) or not isinstance(settings.get("userData"), dict):
        raise unavailable("user settings wearsync does not understand", "user settings")
    garmin.display_name = name
    garmin.full_name = profile.get("fullName") or ""
    garmin.unit_system = settings["userData"].get("measurementSystem")
    session.user_settings = settings
    session.time_zone = _time_zone(profile, settings)


def _time_zone(*bodies: dict[str, Any]) -> str | None:
    for body in bodies:
        user = body.get("userData")
        for holder in (body, user if isinstance(user, dict) else {}):
            for key in ("timeZone", "timezone", "timeZoneId"):
                value = holder.get(key)
                if isinstance(value, str) and value:
                    try:
                        ZoneInfo(value)
                    except (ZoneInfoNotFoundError, ValueError):
                        continue
                    return value
    return None


def write_private_text(path: Path, text: str) -> None:
    """Write `text` to `path` (0600) atomically: a reader sees the old file or the new one."""
    private_folder(path.parent)
    write_private(path, text.encode("utf-8"), path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp"))
