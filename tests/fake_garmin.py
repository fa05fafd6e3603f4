"""A fake Garmin Connect on 127.0.0.1 for tests and benchmarks: the server, its state, the
bodies it serves, and the setup that points a wearsync run at it.

It serves the real recorded bodies in ../shared/garmin for 2023-07-01 and bodies of the
same shape for other days, its own JWTs, activity-list pages and ORIGINAL downloads (a zip holding
a real FIT file), weigh-ins over a date range (`weigh_ins`, items shaped as Garmin's
`dateWeightList`: `weigh_in` builds one). Days can appear late
(`late_days`: answered as Garmin answers a day the watch has not synced yet, N times), as can
activities (append to `activities` between pulls). Faults are injected per path (`inject`) or
drawn for every request (`chaos`).
How each request is answered (the faults, the sign-in flow the real `garminconnect` library
accepts with and without MFA, rotating refresh tokens, the log of every request with the body
sent) is tests/fake_garmin_routes.py.
"""

from __future__ import annotations

import base64
import copy
import io
import json
import secrets
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.fake_garmin_routes import Fault, GarminRequestHandler, Logged

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
GARMIN_BODIES = SHARED / "garmin"
FIT_FILES = SHARED / "fit" / "python-fitparse" / "tests" / "files"
RECORDED_DAY = "2023-07-01"
UTC_OFFSET = timedelta(hours=-6)
TEN_YEARS_S = 10 * 365 * 86400


def _jwt(client_id: str, lifetime_s: int = TEN_YEARS_S) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    # `exp` ten years ahead by default: the library refreshes tokens within 900 s of expiry.
    payload = {"client_id": client_id, "exp": int(time.time()) + lifetime_s, "jti": secrets.token_hex(8)}
    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(payload)}.{secrets.token_hex(16)}"


@dataclass
class FakeActivity:
    activity_id: int
    start_local: datetime
    fit: bytes
    name: str = "Run"
    type_key: str = "running"


@dataclass
class FakeGarmin:
    """The server; `start()` it, point WEARSYNC_GARMIN_URL at `url`, `stop()` it."""

    mfa: bool = False
    activities: list[FakeActivity] = field(default_factory=list)
    intake: dict[str, int] = field(default_factory=dict)  # day -> kcal logged
    consumed_in_summary: dict[str, int] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    log: list[Logged] = field(default_factory=list)
    late_days: dict[str, int] = field(default_factory=dict)  # day -> answers still without data
    archived_days: set[str] = field(default_factory=set)  # intraday heart rate gone until reloaded
    token_lifetime_s: int = TEN_YEARS_S  # of access tokens the fake issues
    weigh_ins: list[dict] = field(default_factory=list)  # dateWeightList items (see weigh_in)
    # Asked for every request no injected fault matches (under the lock): a Fault, or None for the
    # right answer (tests/garmin_chaos.py draws them at random).
    chaos: Callable[[str, str, str], Fault | None] | None = None

    def __post_init__(self):
        self._lock = threading.Lock()
        self._tokens: set[str] = set()
        self._refresh: set[str] = set()
        self._tickets: set[str] = set()
        self._sessions: dict[str, bool] = {}  # SSO session cookie -> waiting for MFA
        self.bodies = {
            name: json.loads((GARMIN_BODIES / f"{name}.json").read_text())
            for name in (
                "social_profile",
                "user_settings",
                f"user_summary_{RECORDED_DAY}",
                f"daily_heart_rate_{RECORDED_DAY}",
                f"weight_daterange_{RECORDED_DAY}",
            )
        }
        self.server: ThreadingHTTPServer | None = None

    # --- control -------------------------------------------------------------------
    def start(self) -> FakeGarmin:
        handler = type("Handler", (GarminRequestHandler,), {"fake": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def inject(self, kind: str, path: str, **kwargs) -> Fault:
        fault = Fault(kind, path, **kwargs)
        with self._lock:
            self.faults.append(fault)
        return fault

    def issue_tokens(self, lifetime_s: int | None = None) -> dict:
        """A token file's content, as `wearsync login` would have saved it."""
        client_id = "GARMIN_CONNECT_MOBILE_ANDROID_DI_2025Q2"
        token = _jwt(client_id, self.token_lifetime_s if lifetime_s is None else lifetime_s)
        refresh = secrets.token_hex(16)
        with self._lock:
            self._tokens.add(token)
            self._refresh.add(refresh)
        return {"di_token": token, "di_refresh_token": refresh, "di_client_id": client_id}

    def requests(self, path: str = "", method: str | None = None) -> list[Logged]:
        with self._lock:
            return [r for r in self.log if path in r.path and (method is None or r.method == method)]

    def clear_log(self) -> None:
        with self._lock:
            self.log.clear()

    # --- bodies --------------------------------------------------------------------
    def not_synced_yet(self, day: str) -> bool:
        """Whether `day` still answers as a day the watch has not synced (counts one answer)."""
        with self._lock:
            left = self.late_days.get(day, 0)
            if left > 0:
                self.late_days[day] = left - 1
            return left > 0

    def empty_summary(self, day: str) -> dict:
        """How Garmin answers a day with nothing synced: the shape, every value null, BMR only."""
        body = {k: None for k in self.bodies[f"user_summary_{RECORDED_DAY}"]}
        body.update(
            {
                "calendarDate": day,
                "userProfileId": 1000001,
                "bmrKilocalories": 2128.0,
                "totalKilocalories": 2128.0,
                "includesWellnessData": False,
                "includesActivityData": False,
                "privacyProtected": False,
            }
        )
        return body

    def summary(self, day: str) -> dict:
        body = copy.deepcopy(self.bodies[f"user_summary_{RECORDED_DAY}"])
        if day != RECORDED_DAY:
            n = date.fromisoformat(day).toordinal()
            start = datetime.fromisoformat(day)
            body.update(
                {
                    "calendarDate": day,
                    "totalSteps": 4000 + (n * 7919) % 9000,
                    "activeKilocalories": float(200 + n % 300),
                    "totalKilocalories": float(2128 + 200 + n % 300),
                    "floorsAscendedInMeters": round(3.048 * (n % 20), 3),
                    "floorsDescendedInMeters": round(3.048 * (n % 17), 3),
                    "floorsAscended": float(n % 20),
                    "floorsDescended": float(n % 17),
                    "moderateIntensityMinutes": n % 30,
                    "vigorousIntensityMinutes": n % 7,
                    "restingHeartRate": 50 + n % 5,
                    "wellnessStartTimeLocal": start.isoformat() + ".0",
                    "wellnessStartTimeGmt": (start - UTC_OFFSET).isoformat() + ".0",
                    "wellnessEndTimeLocal": (start + timedelta(days=1)).isoformat() + ".0",
                    "wellnessEndTimeGmt": (start + timedelta(days=1) - UTC_OFFSET).isoformat() + ".0",
                }
            )
        body["consumedKilocalories"] = self.consumed_in_summary.get(day)
        return body

    def heart_rates(self, day: str) -> dict:
        if day in self.archived_days:
            body = copy.deepcopy(self.bodies[f"daily_heart_rate_{RECORDED_DAY}"])
            body.update({"calendarDate": day, "heartRateValues": None})
            return body
        if day == RECORDED_DAY:
            return self.bodies[f"daily_heart_rate_{RECORDED_DAY}"]
        body = copy.deepcopy(self.bodies[f"daily_heart_rate_{RECORDED_DAY}"])
        start = datetime.fromisoformat(day)
        start_gmt = start - UTC_OFFSET
        epoch = int((start_gmt - datetime(1970, 1, 1)).total_seconds()) * 1000
        # A day still in progress has readings only up to now, as on Garmin's servers.
        now_ms = time.time() * 1000
        values = [
            [epoch + i * 120_000, None if i % 250 == 7 else 55 + (i * 13) % 40]
            for i in range(720)
            if epoch + i * 120_000 <= now_ms
        ]
        body.update(
            {
                "calendarDate": day,
                "heartRateValues": values,
                "startTimestampLocal": start.isoformat() + ".0",
                "startTimestampGMT": start_gmt.isoformat() + ".0",
            }
        )
        return body

    def food_log(self, day: str) -> dict:
        kcal = self.intake.get(day)
        foods = [] if kcal is None else [{"foodName": "Porridge", "calories": kcal, "servingQty": 1}]
        return {
            "logDate": day,
            "mealDetails": [{"mealName": "Breakfast", "loggedFoods": foods}],
            "dailyNutritionContent": {"calories": kcal, "protein": None, "fat": None, "carbs": None},
            "dailyNutritionGoals": {"calories": 2000},
        }

    def weight_range(self, start: str, end: str) -> dict:
        """The recorded empty answer's shape with the weigh-ins of start..end (an item whose
        calendarDate is not text is in every answer: Garmin would not say which day it is)."""
        body = copy.deepcopy(self.bodies[f"weight_daterange_{RECORDED_DAY}"])
        with self._lock:
            chosen = [
                w
                for w in self.weigh_ins
                if not isinstance(w.get("calendarDate"), str) or start <= w["calendarDate"] <= end
            ]
        body.update({"startDate": start, "endDate": end, "dateWeightList": chosen})
        return body

    def activity_page(self, start_date: str, end_date: str, start: int, limit: int) -> list:
        chosen = sorted(
            (a for a in self.activities if start_date <= a.start_local.date().isoformat() <= end_date),
            key=lambda a: a.start_local,
            reverse=True,
        )
        return [
            {
                "activityId": a.activity_id,
                "activityName": a.name,
                "startTimeLocal": a.start_local.strftime("%Y-%m-%d %H:%M:%S"),
                "startTimeGMT": (a.start_local - UTC_OFFSET).strftime("%Y-%m-%d %H:%M:%S"),
                "activityType": {"typeKey": a.type_key},
                "duration": 1800.0,
            }
            for a in chosen[start : start + limit]
        ]

    def original(self, activity_id: int) -> bytes | None:
        for activity in self.activities:
            if activity.activity_id == activity_id:
                buffer = io.BytesIO()
                with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                    archive.writestr(f"{activity_id}_ACTIVITY.fit", activity.fit)
                return buffer.getvalue()
        return None


# --- test and benchmark setup ----------------------------------------------------------
def skip_module_without_shared_data() -> None:
    """Skip the calling test module when ../shared lacks the recorded bodies or the FIT files."""
    if not GARMIN_BODIES.is_dir() or not FIT_FILES.is_dir():
        pytest.skip(
            f"needs the shared data in {GARMIN_BODIES.parent} (../shared next to the project)", allow_module_level=True
        )


def serving(fake: FakeGarmin) -> Iterator[FakeGarmin]:
    """`fake` started for one test and stopped after it: a fixture's body is `yield from serving(...)`."""
    yield fake.start()
    fake.stop()


def weigh_in(local: datetime, grams: object, **fields) -> dict:
    """A `dateWeightList` item as Garmin sends it for a weigh-in at local time `local`
    (UTC_OFFSET): epoch milliseconds, the weight in grams; `fields` add or replace keys."""
    gmt_ms = int((local - UTC_OFFSET - datetime(1970, 1, 1)).total_seconds()) * 1000
    item = {
        "samplePk": gmt_ms + 17,
        "date": int((local - datetime(1970, 1, 1)).total_seconds()) * 1000,
        "calendarDate": local.date().isoformat(),
        "weight": grams,
        "bmi": None,
        "bodyFat": None,
        "bodyWater": None,
        "boneMass": None,
        "muscleMass": None,
        "physiqueRating": None,
        "visceralFat": None,
        "metabolicAge": None,
        "sourceType": "INDEX_SCALE",
        "timestampGMT": gmt_ms,
        "weightDelta": None,
    }
    item.update(fields)
    return item


def fit_file(name: str = "garmin-fenix-5-run.fit") -> bytes:
    """A real FIT activity file from ../shared/fit (small Garmin recordings)."""
    return (FIT_FILES / name).read_bytes()


def make_library_fast(set_attr=setattr) -> None:
    """Zero the library's anti-bot login pauses and shorten wearsync's answer timeout (pass
    `monkeypatch.setattr` in tests so they are restored)."""
    from garminconnect.client import sso

    from wearsync.sync import garmin_guard

    for name in [n for n in vars(sso) if n.endswith(("_DELAY_MIN_S", "_DELAY_MAX_S"))]:
        set_attr(sso, name, 0.0)
    set_attr(garmin_guard, "REQUEST_TIMEOUT_S", 2.0)


def write_tokens(home: Path, tokens: dict) -> Path:
    """Save tokens where `wearsync login` would (as if it had run)."""
    folder = home / "garmin"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / "garmin_tokens.json"
    path.write_text(json.dumps(tokens))
    path.chmod(0o600)
    return path


def write_config(
    path: Path,
    *,
    min_interval_s: float = 0.0,
    first_pull_days: int = 5,
    fit_folders: list[str] | None = None,
    garmin: bool = False,
) -> Path:
    folders = ", ".join(json.dumps(f) for f in fit_folders or [])
    path.write_text(
        f"[garmin]\nmin_interval_s = {min_interval_s}\nfirst_pull_days = {first_pull_days}\n"
        f"[sources]\nfit_folders = [{folders}]\ngarmin = {'true' if garmin else 'false'}\n"
    )
    return path


def use_fake(monkeypatch, fake: FakeGarmin, tmp_path: Path, **config) -> Path:
    """Point a wearsync run at `fake`: a fresh home, its URL, a config, no proxies.

    Returns the home folder; `config` goes to `write_config`."""
    home = tmp_path / "home"
    monkeypatch.setenv("WEARSYNC_HOME", str(home))
    monkeypatch.setenv("WEARSYNC_GARMIN_URL", fake.url)
    monkeypatch.setenv("WEARSYNC_CONFIG", str(write_config(tmp_path / "config.toml", **config)))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    for name in ("GARMINTOKENS", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    make_library_fast(monkeypatch.setattr)
    return home


def run_cli(monkeypatch, capsys, *argv, stdin: str = "") -> tuple[int, str, str]:
    """`wearsync ARGV` in this process with `stdin`; returns exit code, stdout, stderr."""
    from wearsync import cli

    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
