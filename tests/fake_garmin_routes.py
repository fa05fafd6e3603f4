"""How the fake Garmin Connect (tests/fake_garmin.py) answers each request: an injected fault
first (`Fault`: an HTTP status with Retry-After, a Cloudflare challenge page, a malformed body, a
body of one's choosing, 204, a slow answer, a dropped connection, `privacyProtected`, the right
JSON with NaN values; or one the fake's `chaos` draws for the request), else the
sign-in flow the real `garminconnect` library accepts (the account EMAIL / PASSWORD, MFA_CODE when
asked), the token endpoint with rotating refresh tokens, and the API routes, whose bodies the
FakeGarmin builds. Every request is logged (`Logged`) with the body it carried, the body sent back and its
Retry-After.
"""

from __future__ import annotations

import json
import secrets
import socket
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from tests.fake_garmin import FakeGarmin

DISPLAY_NAME = "fakeuser"
EMAIL = "wearer@example.org"
PASSWORD = "correct horse battery staple 7"
MFA_CODE = "246810"


CLOUDFLARE_PAGE = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    b"<h1>Checking your browser</h1><p>Performance &amp; security by Cloudflare</p>"
    b"<p>Ray ID: 8f2a1c3d4e5f6a7b</p></body></html>"
)


@dataclass
class Fault:
    kind: str  # status, cloudflare, drop, malformed, body, privacy, slow, nan
    path: str  # a substring of the request path
    query: str = ""  # a substring of the raw query
    times: int = 1
    status: int = 500
    retry_after: str | None = None
    delay_s: float = 0.0
    body: bytes = b"null"  # for kind "body" (sent with `status`, 200 unless set)
    nan_stride: int = 1  # for kind "nan": the right JSON answer, every Nth number in it NaN


@dataclass
class Logged:
    method: str
    path: str
    query: str
    status: int
    at: float
    body: bytes = b""  # the answer's
    request_body: bytes = b""  # what the client sent (a dropped request's too)
    retry_after: str | None = None  # the answer's Retry-After header


class GarminRequestHandler(BaseHTTPRequestHandler):
    fake: FakeGarmin
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this, Nagle's algorithm and the client's
    # delayed ACK hold every answer back ~40 ms.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def _handle(self, method: str) -> None:
        parts = urlsplit(self.path)
        self.route, self.query_raw = parts.path, parts.query
        self.query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        self.method = method
        self.logged = False
        fault = self._fault()
        self.nan_stride = fault.nan_stride if fault and fault.kind == "nan" else 0
        if fault and fault.kind == "slow":
            self._record(0)  # logged on arrival: the client may stop waiting for it
            self.logged = True
            time.sleep(fault.delay_s)
            fault = None
        if fault and fault.kind == "drop":
            self._record(0)
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault and fault.kind == "status":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            return self._json({"message": f"fault {fault.status}"}, fault.status, headers)
        if fault and fault.kind == "malformed":
            return self._send(200, b'{"totalSteps": 12413, "calendarDa', "application/json")
        if fault and fault.kind == "cloudflare":
            return self._send(fault.status if fault.status != 500 else 403, CLOUDFLARE_PAGE, "text/html")
        if fault and fault.kind == "body":
            if fault.status == 204:
                return self._send(204, b"", "application/json")
            return self._send(fault.status if fault.status != 500 else 200, fault.body, "application/json")
        try:
            if method == "POST":
                self._post()
            else:
                self._get(privacy=bool(fault and fault.kind == "privacy"))
        except BrokenPipeError:
            pass

    def _fault(self) -> Fault | None:
        with self.fake._lock:
            for fault in self.fake.faults:
                if fault.times > 0 and fault.path in self.route and fault.query in self.query_raw:
                    fault.times -= 1
                    return fault
            if self.fake.chaos is not None:
                return self.fake.chaos(self.method, self.route, self.query_raw)
        return None

    # --- sign-in -------------------------------------------------------------------
    def _post(self) -> None:
        fake = self.fake
        if self.route == "/mobile/api/login":
            data = json.loads(self.body or b"{}")
            session = self._cookie("SESSION")
            if session not in fake._sessions:
                return self._json({"error": {"status-code": "429"}}, 429)
            if data.get("username") != EMAIL or data.get("password") != PASSWORD:
                return self._json({"responseStatus": {"type": "INVALID_USERNAME_PASSWORD"}})
            if fake.mfa:
                fake._sessions[session] = True
                return self._json(
                    {"responseStatus": {"type": "MFA_REQUIRED"}, "customerMfaInfo": {"mfaLastMethodUsed": "email"}}
                )
            return self._json({"responseStatus": {"type": "SUCCESSFUL"}, "serviceTicketId": self._ticket()})
        if self.route in ("/mobile/api/mfa/verifyCode", "/portal/api/mfa/verifyCode"):
            data = json.loads(self.body or b"{}")
            if not fake._sessions.get(self._cookie("SESSION")):
                return self._json({"responseStatus": {"type": "SESSION_EXPIRED"}})
            if data.get("mfaVerificationCode") != MFA_CODE:
                return self._json({"responseStatus": {"type": "INVALID_MFA_CODE"}})
            return self._json({"responseStatus": {"type": "SUCCESSFUL"}, "serviceTicketId": self._ticket()})
        if self.route.startswith("/wellness-service/wellness/epoch/request/"):
            day = self.route.rsplit("/", 1)[1]
            if self.headers.get("Authorization", "")[7:] not in fake._tokens:
                return self._json({"message": "Token is not active"}, 401)
            with fake._lock:
                fake.archived_days.discard(day)
            return self._json(
                {
                    "userProfilePk": 1000001,
                    "calendarDate": day,
                    "status": "SUBMITTED",
                    "source": "USER",
                    "ghReloadMetaData": "",
                    "createDate": None,
                    "deviceList": [],
                }
            )
        if self.route == "/di-oauth2-service/oauth/token":
            form = {k: v[0] for k, v in parse_qs(self.body.decode()).items()}
            with fake._lock:
                if form.get("grant_type") == "refresh_token":
                    # Rotating refresh tokens: each one works once.
                    ok = form.get("refresh_token") in fake._refresh
                    fake._refresh.discard(form.get("refresh_token"))
                else:
                    ok = form.get("service_ticket") in fake._tickets
                    fake._tickets.discard(form.get("service_ticket"))
            if not ok:
                return self._json({"error": "invalid_grant"}, 400)
            tokens = fake.issue_tokens()
            return self._json(
                {
                    "access_token": tokens["di_token"],
                    "refresh_token": tokens["di_refresh_token"],
                    "token_type": "bearer",
                    "expires_in": 315360000,
                }
            )
        self._json({"message": "not found"}, 404)

    def _ticket(self) -> str:
        ticket = "ST-" + secrets.token_hex(8)
        with self.fake._lock:
            self.fake._tickets.add(ticket)
        return ticket

    def _cookie(self, name: str) -> str | None:
        for part in (self.headers.get("Cookie") or "").split(";"):
            key, _, value = part.strip().partition("=")
            if key == name:
                return value
        return None

    # --- API -----------------------------------------------------------------------
    def _get(self, privacy: bool) -> None:
        fake, route = self.fake, self.route
        if route == "/mobile/sso/en_US/sign-in":
            session = secrets.token_hex(8)
            fake._sessions[session] = False
            return self._send(
                200,
                b"<html><title>GARMIN Authentication Application</title></html>",
                "text/html",
                {"Set-Cookie": f"SESSION={session}; Path=/"},
            )
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in fake._tokens:
            return self._json({"message": "Token is not active"}, 401)
        if route == "/userprofile-service/socialProfile":
            return self._json(fake.bodies["social_profile"])
        if route == "/userprofile-service/userprofile/user-settings":
            return self._json(fake.bodies["user_settings"])
        if route == f"/usersummary-service/usersummary/daily/{DISPLAY_NAME}":
            day = self.query["calendarDate"]
            body = fake.empty_summary(day) if fake.not_synced_yet(day) else fake.summary(day)
            if privacy:
                body = {"privacyProtected": True}
            return self._json(body)
        if route == f"/wellness-service/wellness/dailyHeartRate/{DISPLAY_NAME}":
            return self._json(fake.heart_rates(self.query["date"]))
        if route.startswith("/nutrition-service/food/logs/"):
            return self._json(fake.food_log(route.rsplit("/", 1)[1]))
        if route == "/weight-service/weight/dateRange":
            return self._json(fake.weight_range(self.query["startDate"], self.query["endDate"]))
        if route == "/activitylist-service/activities/search/activities":
            q = self.query
            return self._json(
                fake.activity_page(q["startDate"], q.get("endDate", "9999-12-31"), int(q["start"]), int(q["limit"]))
            )
        if route.startswith("/download-service/files/activity/"):
            data = fake.original(int(route.rsplit("/", 1)[1]))
            if data is None:
                return self._json(
                    {
                        "message": "Only owner of activity allowed to access this operation",
                        "error": "UnauthorizedException",
                    },
                    403,
                )
            return self._send(200, data, "application/x-zip-compressed")
        self._json({"message": "not found"}, 404)

    # --- responses -----------------------------------------------------------------
    def _json(self, data, status: int = 200, headers: dict | None = None) -> None:
        # Compact, as Garmin sends it: stored bodies must be these bytes, not a re-serialisation.
        if self.nan_stride and status == 200:
            data = with_nans(data, self.nan_stride)
        self._send(status, json.dumps(data, separators=(",", ":")).encode(), "application/json", headers)

    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        self._record(status, body, (headers or {}).get("Retry-After"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _record(self, status: int, body: bytes = b"", retry_after: str | None = None) -> None:
        if self.logged:
            return
        with self.fake._lock:
            self.fake.log.append(
                Logged(self.method, self.route, self.query_raw, status, time.time(), body, self.body, retry_after)
            )


def with_nans(data, stride: int):
    """`data` with every `stride`th number (bools aside, walked in order) replaced by NaN, as a
    server might serialise a float it failed to compute (`json.dumps` writes NaN)."""
    seen = 0

    def walk(value):
        nonlocal seen
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            seen += 1
            return float("nan") if (seen - 1) % stride == 0 else value
        return value

    return walk(data)
