"""Every request to Garmin Connect (API, token endpoint, sign-in) passes one `Guard`, which

- spaces requests by the configured interval and refuses to send during a cooldown;
- ends the whole command at the first answer that says "stop": a 429 (cooldown saved,
  Retry-After honoured), a 5xx, a Cloudflare page, a timeout or a network failure.
  The library catches every `Exception` to retry or to try another sign-in strategy,
  so the guard stops it with `Stop`, a `BaseException` the library lets through;
- allows one token refresh per run (`garmin_client`): a 401 after it means the login is
  really refused.

Failures are classified here, once (`translate`): `GarminAuthError` (log in again: only a
401 that survived a refresh, or a refresh token the token endpoint rejects),
`GarminRateLimited` (cooling down), `GarminUnavailable` (Garmin is not answering
properly; the login is kept), and per-resource errors (`GarminGone` for 404/410,
`GarminRefused` for a 403 with a JSON body, `GarminError` for another 4xx).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from garminconnect import GarminConnectAuthenticationError, GarminConnectTooManyRequestsError
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from wearsync.errors import (
    GarminAuthError,
    GarminError,
    GarminGone,
    GarminRateLimited,
    GarminRefused,
    GarminUnavailable,
)

# Without Retry-After, wait an hour: Garmin's blocks last minutes to hours, and asking
# again too early is what gets logins blocked for longer.
DEFAULT_COOLDOWN_S = 3600
# Seconds to wait for an answer; a slower one counts as "not answering properly".
REQUEST_TIMEOUT_S = 15.0
RELOGIN = "run `wearsync login`"
KEPT = "your login is kept; try later"
NO_LOGIN_KEPT = "nothing was saved; try later"  # a sign-in with no earlier login to keep
FORCE_HINT = "pass --force to ask anyway"  # the dashboard says its key instead (sync_actions)


class Stop(BaseException):
    """Ends a library call at once, through the library's `except Exception` fallbacks."""

    def __init__(self, error: GarminError):
        super().__init__(str(error))
        self.error = error


def unavailable(reason: str, what: str, kept: bool = True) -> GarminUnavailable:
    """Garmin not answering properly; `kept`: there is a saved login, which stays."""
    return GarminUnavailable(
        f"Garmin Connect is not answering properly ({reason}; {what}); {KEPT if kept else NO_LOGIN_KEPT}"
    )


def rate_limited(until: float, what: str = "") -> GarminRateLimited:
    """The error for a cooldown ending at `until` (Unix seconds)."""
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(until))
    where = f" ({what})" if what else ""
    return GarminRateLimited(
        f"Garmin Connect asked wearsync to slow down (HTTP 429{where}); nothing more is sent: "
        f"try again after {when} (or {FORCE_HINT})",
        until,
    )


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


def _is_web_page(response: Any) -> bool:
    content_type = str((getattr(response, "headers", None) or {}).get("Content-Type") or "").lower()
    head = (getattr(response, "content", b"") or b"")[:200].lstrip().lower()
    return "html" in content_type or head.startswith((b"<!doctype", b"<html"))


def _page_kind(response: Any) -> str:
    body = (getattr(response, "content", b"") or b"")[:20_000].lower()
    marks = (b"cloudflare", b"cf-ray", b"just a moment", b"attention required", b"challenge")
    return "a Cloudflare challenge page" if any(m in body for m in marks) else "a web page instead of data"


class Guard:
    """What every request to Garmin passes: spacing, cooldown, one refresh, stop at once."""

    def __init__(self, min_interval_s: float):
        self.min_interval_s = min_interval_s
        self.cooldown_until: float | None = None
        self.last_status: int | None = None
        self.last_body: bytes | None = None
        self.last_path = ""
        self.what = "request"
        self.refreshed = False
        self.sign_in = False  # during a sign-in a Cloudflare page also starts a cooldown
        self.login_kept = True  # False: a sign-in with no saved login ("your login is kept" would be untrue)
        self._next_at = 0.0
        self._lock = threading.RLock()

    def before(self) -> None:
        if self.cooldown_until is not None:
            raise Stop(rate_limited(self.cooldown_until, self.what))
        wait = self._next_at - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def failed(self, exc: BaseException) -> Stop:
        text = str(exc).lower()
        if isinstance(exc, requests.Timeout) or "timed out" in text or "timeout" in type(exc).__name__.lower():
            reason = f"no answer within {REQUEST_TIMEOUT_S:g} s"
        elif any(word in text for word in ("aborted", "reset", "remotedisconnected", "closed", "(52)", "(56)")):
            reason = "it dropped the connection"
        else:
            reason = f"cannot reach it: {type(exc).__name__}"
        return Stop(unavailable(reason, self.what, self.login_kept))

    def after(self, method: str, path: str, response: Any) -> None:
        status = response.status_code
        self.last_status, self.last_path = status, path
        if status in (427, 429):
            self.cooldown_until = time.time() + retry_after_s(response)
            raise Stop(rate_limited(self.cooldown_until, self.what))
        if (status == 403 or status >= 500) and _is_web_page(response):
            kind = f"{_page_kind(response)}, HTTP {status}"
            if self.sign_in:
                self.cooldown_until = time.time() + retry_after_s(response)
                raise Stop(
                    GarminRateLimited(
                        f"Garmin Connect blocked the sign-in ({kind}); wearsync will not sign in again "
                        f"before {time.strftime('%Y-%m-%d %H:%M', time.localtime(self.cooldown_until))}",
                        self.cooldown_until,
                    )
                )
            raise Stop(unavailable(kind, self.what, self.login_kept))
        if self.sign_in and status == 403:
            self.cooldown_until = time.time() + retry_after_s(response)
            raise Stop(
                GarminRateLimited(
                    f"Garmin Connect refused the sign-in (HTTP 403); wearsync will not sign in again before "
                    f"{time.strftime('%Y-%m-%d %H:%M', time.localtime(self.cooldown_until))}",
                    self.cooldown_until,
                )
            )
        if status >= 500:
            raise Stop(unavailable(f"HTTP {status}", self.what, self.login_kept))
        if method == "GET" and 200 <= status < 300:
            self.last_body = response.content

    def send(self, method: str, url: str, do: Callable[[], Any]) -> Any:
        """Send one request through the guard."""
        with self._lock:
            self.before()
            try:
                response = do()
            except Stop:
                raise
            except Exception as exc:
                raise self.failed(exc) from exc
            finally:
                self._next_at = time.monotonic() + self.min_interval_s
            try:
                self.after(method, url.split("?", 1)[0], response)
            except Stop:
                response.close()
                raise
            return response


class GuardedAdapter(HTTPAdapter):
    """The API session's transport: every request through the guard."""

    def __init__(self, guard: Guard, **kwargs: Any):
        super().__init__(**kwargs)
        self.guard = guard

    def send(self, request, **kwargs):
        kwargs["timeout"] = REQUEST_TIMEOUT_S

        def do():
            response = super(GuardedAdapter, self).send(request, **kwargs)
            if request.method == "GET" and 200 <= response.status_code < 300:
                response.content  # noqa: B018 - read now, inside the timeout and the guard
            return response

        return self.guard.send(request.method, request.url, do)


def guard_session(session: Any, guard: Guard) -> Any:
    """Route a sign-in session's requests (requests or curl_cffi) through `guard`, each sent
    at most once (`_send_once`)."""
    original = session.request

    def request(method, url, *args, **kwargs):
        kwargs["timeout"] = REQUEST_TIMEOUT_S
        return guard.send(method, url, lambda: _send_once(session, original, method, url, *args, **kwargs))

    session.request = request
    if isinstance(session, requests.Session):
        # requests' default, made explicit: no retry of any kind, at any layer of urllib3.
        adapter = HTTPAdapter(max_retries=Retry(total=0, connect=0, read=False, redirect=0, status=0, other=0))
        session.mount("https://", adapter)
        session.mount("http://", adapter)
    return session


def _send_once(session: Any, original: Callable[..., Any], method: str, url: str, *args: Any, **kwargs: Any) -> Any:
    """One request that is sent once. A request with a body (the password, an MFA code, a
    ticket) goes on a connection of its own: libcurl (under curl_cffi) silently sends a
    request again on a fresh connection when a reused one drops before any answer, and that
    repeat would carry the password a second time (issue 24, case 5). On a fresh connection
    libcurl never repeats it; requests never repeats anything (`guard_session`)."""
    options = getattr(session, "curl_options", None)
    if method.upper() == "GET" or not isinstance(options, dict):
        return original(method, url, *args, **kwargs)
    from curl_cffi import CurlOpt

    session.curl_options = {**options, CurlOpt.FRESH_CONNECT: 1, CurlOpt.FORBID_REUSE: 1}
    try:
        return original(method, url, *args, **kwargs)
    finally:
        session.curl_options = options


def sign_in_session(guard: Guard, impersonate: str = "chrome") -> Any:
    """A session for sign-in and the token endpoint: curl_cffi with a browser's TLS
    fingerprint when installed (as the library does), else requests; through `guard`."""
    from garminconnect import client as package

    if package.HAS_CFFI:
        return guard_session(package.cffi_requests.Session(impersonate=impersonate), guard)
    return guard_session(requests.Session(), guard)


def translate(exc: BaseException, what: str, guard: Guard | None = None, secrets: tuple[str, ...] = ()) -> GarminError:
    """The wearsync error for a library failure the guard let through; never carries a secret."""
    if isinstance(exc, Stop):
        return exc.error
    if guard is not None and guard.cooldown_until is not None:
        return rate_limited(guard.cooldown_until, what)
    if isinstance(exc, GarminConnectTooManyRequestsError):
        response = getattr(exc.__cause__, "response", None)
        return rate_limited(time.time() + retry_after_s(response), what)
    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(chain) < 10:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    kept = guard is None or guard.login_kept
    if any(isinstance(c, json.JSONDecodeError | requests.exceptions.JSONDecodeError) for c in chain):
        return unavailable("a body that is not valid JSON", what, kept)
    status = next(
        (
            getattr(getattr(c, "response", None), "status_code", None)
            for c in chain
            if getattr(getattr(c, "response", None), "status_code", None) is not None
        ),
        None,
    )
    if isinstance(exc, GarminConnectAuthenticationError) or status == 401:
        after = " even after a token refresh" if guard is not None and guard.refreshed else ""
        return GarminAuthError(f"Garmin Connect refused the saved login{after} ({what}); {RELOGIN}")
    if status in (404, 410):
        return GarminGone(f"Garmin Connect answered HTTP {status} ({what}): it is not there")
    if status == 403:
        return GarminRefused(f"Garmin Connect refused it (HTTP 403; {what})")
    if status is not None:
        return GarminError(f"Garmin Connect answered HTTP {status} ({what})")
    return unavailable(_scrub(str(exc), secrets)[:200] or type(exc).__name__, what, kept)


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text
