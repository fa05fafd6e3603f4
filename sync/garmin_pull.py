"""Pulling Garmin Connect into the store: which days, one transaction per day, activities.

Per local day: the daily summary, the heart-rate series and, when the summary has no
intake and the account logs nutrition, the food log; all of a day's answers are fetched
first and then stored in one transaction, so an error, a dropped connection or Ctrl-C
never leaves half a day. Which days are asked is `garmin_state`'s: every gap of the
synced range, oldest first, so a pull stopped by a cooldown is resumed by the next.

One answer costs only itself: a summary that is missing (404), empty (204, `{}`, `null`)
or holds no data stores the day as empty (asked again later); a day whose answer is not a
JSON object is recorded as failed with its reason; a food log refused (403/404) marks
nutrition unavailable for the account for a week; an activity download refused (403) is
recorded and asked again later with back-off; one gone (404/410) or refused by the
importer is recorded and not asked again unless forced. Values pass the value gate.
What stops the pull: a 429 (cooldown saved), Garmin not answering properly (5xx,
timeouts, network, Cloudflare, a body that is not JSON) and a refused login; what was
stored before stays. Response bodies are kept as the bytes Garmin sent.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from garminconnect import Garmin

from wearsync.errors import (
    DayFailure,
    GarminAuthError,
    GarminError,
    GarminGone,
    GarminRateLimited,
    GarminRefused,
    GarminUnavailable,
)
from wearsync.hr_series import write_series
from wearsync.progress import Progress
from wearsync.store import Store
from wearsync.sync import garmin_state, wearer_sources
from wearsync.sync.fit_import import FileOutcome, import_data
from wearsync.sync.garmin_client import (
    GarminSession,
    check_cooldown,
    save_cooldown,
)
from wearsync.sync.gate import Gate, is_number

# Summary fields that only a synced watch (or logged food) fills; BMR-based calories
# are there for every day of the account, watch or not.
DATA_FIELDS = ("totalSteps", "restingHeartRate", "floorsAscendedInMeters", "moderateIntensityMinutes",
               "vigorousIntensityMinutes", "highlyActiveSeconds", "activeSeconds", "consumedKilocalories")
# Garmin archives intraday data (heart rate) after about six months; for an older day that
# comes without it, the library's `request_reload` asks Garmin to bring it back (once a day).
ARCHIVE_DAYS = 180
RELOAD_NOTE = "intraday heart rate archived at Garmin: reload requested"
# Days in a row whose answers could not be used before the pull stops: Garmin is then
# answering something else than data, and asking on would only cost requests.
FAILED_DAYS_IN_A_ROW = 3


@dataclass
class DayData:
    """The answers one local day is built from; `summary` None: Garmin has nothing for it."""

    day: date
    summary: dict | None
    heart_rates: dict | None = None
    food_log: dict | None = None
    raw: dict[str, bytes | None] = field(default_factory=dict)   # endpoint -> body as sent


@dataclass
class ActivityFailure:
    """An activity this pull could not import, and why."""

    activity_id: int
    name: str
    start_local: str | None
    reason: str

    def to_json(self) -> dict:
        return {"id": self.activity_id, "name": self.name, "start": self.start_local, "reason": self.reason}


@dataclass
class GarminPullSummary:
    """What a pull did, for the CLI's summary and `sync_runs`."""

    first_pull: bool = False
    days_planned: list[str] = field(default_factory=list)
    days_stored: list[str] = field(default_factory=list)
    days_empty: list[str] = field(default_factory=list)
    day_failures: dict[str, str] = field(default_factory=dict)
    days_without_heart_rate: list[str] = field(default_factory=list)
    reloads_requested: list[str] = field(default_factory=list)
    activities_listed: int = 0
    activities_new: int = 0
    activities_imported: int = 0
    activities_duplicate: int = 0
    activity_failures: list[ActivityFailure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    gaps: dict = field(default_factory=dict)
    note: str = ""
    error: GarminError | None = None

    @property
    def outcome(self) -> str:
        if self.error is None:
            return "ok"
        if isinstance(self.error, GarminRateLimited):
            return "rate_limited"
        if isinstance(self.error, GarminAuthError):
            return "login_refused"
        if isinstance(self.error, GarminUnavailable):
            return "unavailable"
        return "partial" if self.days_stored or self.activities_new else "failed"

    @property
    def activities_failed(self) -> int:
        return len(self.activity_failures)

    def to_json(self) -> dict:
        until = getattr(self.error, "until", None)
        return {
            "outcome": self.outcome,
            "message": str(self.error) if self.error else "",
            "first_pull": self.first_pull,
            "days": {"planned": len(self.days_planned), "stored": len(self.days_stored),
                     "empty": len(self.days_empty), "failed": len(self.day_failures),
                     "failures": [{"day": d, "reason": r} for d, r in self.day_failures.items()],
                     "without_heart_rate": self.days_without_heart_rate,
                     "heart_rate_reload_requested": self.reloads_requested,
                     "first": self.days_planned[0] if self.days_planned else None,
                     "last": self.days_planned[-1] if self.days_planned else None},
            "activities": {"listed": self.activities_listed, "new": self.activities_new,
                           "imported": self.activities_imported,
                           "duplicates": self.activities_duplicate, "failed": self.activities_failed,
                           "failures": [f.to_json() for f in self.activity_failures]},
            "gaps": self.gaps,
            "warnings": self.warnings,
            "cooldown_until": datetime.fromtimestamp(until).isoformat(timespec="seconds") if until else None,
            "note": self.note,
        }


def pull_garmin(store: Store, connect: Callable[[], GarminSession], *, today: date | None = None,
                since: date | None = None, until: date | None = None, days: int | None = None,
                first_pull_days: int = 30, force: bool = False, progress: Progress | None = None,
                min_interval_s: float = 1.0) -> GarminPullSummary:
    """Pull Garmin Connect up to `today` (default: today in the Garmin profile's time zone);
    Garmin errors end up in the summary, not raised.

    `connect` logs in (from tokens) and is only called when there is no cooldown. `force`
    asks Garmin even during a cooldown, asks again for empty days whenever they were last
    asked, and downloads again the activities an earlier pull recorded as failed.
    """
    summary = GarminPullSummary()
    run_id = _start_run(store)
    session = None
    try:
        check_cooldown(store, force)
        session = connect()
        _keep_wearer(store, session, summary)
        if today is None:
            session.utc_offset_s = _last_utc_offset(store)
            today = session.today()
        plan = garmin_state.plan_days(store, today, since=since, until=until, days=days,
                                      first_pull_days=first_pull_days, recheck_empty=force)
        summary.first_pull = plan.first_pull
        summary.days_planned = [d.isoformat() for d in plan.days]
        if plan.first_pull and since is None and days is None:
            earlier = date.fromordinal(plan.start.toordinal() - 365).isoformat()
            summary.note = (f"first pull: the last {first_pull_days} days; to go further back run "
                            f"`wearsync pull --since {earlier}` (or --days N)")
        garmin_state.remember_range(store, plan.start)
        pull_days(store, session, plan.days, today, summary, progress, min_interval_s)
        pull_activities(store, session, garmin_state.listing_start(store, plan.start, today), plan.end,
                        summary, progress, retry_failed=force)
    except GarminRateLimited as exc:
        save_cooldown(store, exc.until)
        summary.error = exc
    except GarminError as exc:
        summary.error = exc
    except BaseException:
        _finish_run(store, run_id, summary, "partial", "interrupted")
        raise
    summary.gaps = garmin_state.gaps(store, today or date.today(), min_interval_s)
    _finish_run(store, run_id, summary, summary.outcome, str(summary.error or ""))
    return summary


def _keep_wearer(store: Store, session: GarminSession, summary: GarminPullSummary) -> None:
    """Store the wearer Garmin Connect's user settings state (birth date, sex, weight)."""
    entry, warnings = wearer_sources.from_garmin(session.user_settings or {}, time.time())
    summary.warnings.extend(warnings)
    if entry:
        with store.transaction() as conn:
            wearer_sources.save(store, conn, entry)


def pull_days(store: Store, session: GarminSession, plan: list[date], today: date,
              summary: GarminPullSummary, progress: Progress | None = None, min_interval_s: float = 1.0) -> None:
    """Ask for each planned day and store it (data, empty or failed); stops on what stops a pull."""
    settled = date.fromordinal(today.toordinal() - garmin_state.SETTLE_DAYS)
    failed_in_a_row = 0
    for done, day in enumerate(plan, 1):
        key = day.isoformat()
        try:
            data = fetch_day(session, day, garmin_state.nutrition_available(store), store)
        except DayFailure as exc:
            record_failed_day(store, day, str(exc))
            summary.day_failures[key] = str(exc)
            failed_in_a_row += 1
            if failed_in_a_row >= FAILED_DAYS_IN_A_ROW:
                raise GarminUnavailable(
                    f"Garmin Connect is not answering properly ({failed_in_a_row} days in a row could "
                    f"not be used, the last: {exc}); your login is kept; try later") from None
        else:
            failed_in_a_row = 0
            gate = Gate()
            stored = store_day(store, data, complete=day <= settled, gate=gate)
            summary.warnings.extend(f"{key}: {w}" for w in gate.warnings())
            if stored:
                summary.days_stored.append(key)
                if not (data.heart_rates or {}).get("heartRateValues"):
                    summary.days_without_heart_rate.append(key)
                    if day.toordinal() < today.toordinal() - ARCHIVE_DAYS:
                        request_reload(store, session, day, summary)
            else:
                summary.days_empty.append(key)
        if progress:
            left = garmin_state.estimate_s(len(plan) - done, min_interval_s)
            progress("days", done, len(plan), f"{key}, about {left / 60:.0f} min left" if left >= 60 else key)


def request_reload(store: Store, session: GarminSession, day: date, summary: GarminPullSummary) -> None:
    """Ask Garmin once to bring an archived day's intraday data back; the day is asked
    again by the next pull."""
    key = day.isoformat()
    row = store.conn.execute("SELECT reason FROM garmin_days WHERE local_day = ?", (key,)).fetchone()
    if row is not None and row[0] == RELOAD_NOTE:
        return
    try:
        session.call(f"heart-rate reload {key}", session.garmin.request_reload, key)
    except (GarminUnavailable, GarminAuthError, GarminRateLimited):
        raise
    except GarminError as exc:
        summary.warnings.append(f"{key}: no intraday heart rate, and Garmin refused to reload it ({exc})")
        return
    summary.reloads_requested.append(key)
    with store.transaction() as conn:
        conn.execute("UPDATE garmin_days SET complete = 0, reason = ? WHERE local_day = ?", (RELOAD_NOTE, key))


def fetch_day(session: GarminSession, day: date, nutrition: bool = True, store: Store | None = None) -> DayData:
    """Every answer a day needs; nothing of the day is stored here (only, when the food log
    is refused, that the account has no nutrition logging)."""
    garmin, key, raw = session.garmin, day.isoformat(), {}
    name = garmin.display_name

    def fetch(endpoint: str, what: str, path: str, *, absent: tuple[type[GarminError], ...] = (GarminGone,),
              **params: str) -> dict | None:
        """The body, None when empty or `absent`; a failure of this day only raises DayFailure."""
        try:
            body, raw[endpoint] = session.call_raw(f"{what} {key}", garmin.connectapi, path, params=params)
        except absent:
            return None
        except (GarminUnavailable, GarminAuthError, GarminRateLimited):
            raise
        except GarminError as exc:
            raise DayFailure(str(exc)) from exc
        if body is not None and not isinstance(body, dict):
            raise DayFailure(f"Garmin Connect sent a {what} for {key} that is not a JSON object "
                             f"({type(body).__name__})")
        return body or None

    summary = fetch("usersummary", "daily summary", f"{garmin.garmin_connect_daily_summary_url}/{name}",
                    calendarDate=key)
    if summary is not None and summary.get("privacyProtected") is True:
        raise GarminAuthError(f"Garmin Connect marked the data privacy-protected (daily summary {key}): "
                              "the saved login may not read it; run `wearsync login`")
    if summary is None or (not any(is_number(summary.get(f)) for f in DATA_FIELDS)
                           and summary.get("includesWellnessData") is not True):
        return DayData(day, None, raw=raw)
    heart_rates = fetch("dailyHeartRate", "heart rate", f"{garmin.garmin_connect_heartrates_daily_url}/{name}",
                        date=key)
    food_log = None
    if summary.get("consumedKilocalories") is None and nutrition:
        food_log = fetch("foodlog", "food log", f"{garmin.garmin_connect_nutrition_daily_food_logs}/{key}",
                         absent=(GarminRefused, GarminGone), includeGoals="true", includeNutrition="true")
        if "foodlog" not in raw and store is not None:
            # Refused or gone: an account without nutrition logging; intake stays unknown, asked again in a week.
            with store.transaction() as conn:
                store.set_state(conn, garmin_state.NUTRITION_KEY, repr(time.time()))
    return DayData(day, summary, heart_rates, food_log, raw)


def store_day(store: Store, data: DayData, *, complete: bool, gate: Gate | None = None) -> bool:
    """Write one day (wellness, heart rate, intake, raw bodies) in one transaction; an empty
    day is recorded as such without touching data an earlier pull stored. True if stored."""
    gate = gate or Gate()
    key, now = data.day.isoformat(), int(time.time())
    if data.summary is None:
        with store.transaction() as conn:
            row = conn.execute("SELECT state, first_empty_at FROM garmin_days WHERE local_day = ?",
                               (key,)).fetchone()
            if row is not None and row[0] == "data":
                # Data an earlier pull stored stays; Garmin answering nothing now does not remove it.
                conn.execute("UPDATE garmin_days SET fetched_at = ?, complete = ? WHERE local_day = ?",
                             (now, int(complete), key))
            else:
                first_empty = row[1] if row is not None and row[1] is not None else now
                conn.execute("INSERT OR REPLACE INTO garmin_days (local_day, fetched_at, complete, state, "
                             "first_empty_at) VALUES (?, ?, ?, 'empty', ?)", (key, now, int(complete), first_empty))
        return False
    s, hr = data.summary, data.heart_rates or {}
    offset = gate.check(_utc_offset(s.get("wellnessStartTimeLocal"), s.get("wellnessStartTimeGmt")),
                        "utc_offset_s", "UTC offset")
    if offset is None:
        offset = gate.check(_utc_offset(hr.get("startTimestampLocal"), hr.get("startTimestampGMT")),
                            "utc_offset_s", "UTC offset") or 0
    levels = [gate.check(s.get(k), "seconds_day", k)
              for k in ("highlyActiveSeconds", "activeSeconds", "sedentarySeconds", "sleepingSeconds")]
    covered = gate.check(sum(v for v in levels if v is not None), "seconds_day", "covered seconds") \
        if any(v is not None for v in levels) else None
    readings = []
    for pair in hr.get("heartRateValues") or []:
        if not isinstance(pair, list) or len(pair) < 2:
            gate.drop("heart-rate reading")
            continue
        # Garmin's times are epoch milliseconds.
        ts = gate.time(pair[0] // 1000 if is_number(pair[0]) else pair[0], "heart-rate time")
        bpm = gate.check(pair[1], "heart_rate_bpm", "heart rate")
        if ts is not None and (pair[1] is None or bpm is not None):
            readings.append((ts, bpm, offset, "garmin", key))
    intake = _intake(s, data.food_log, gate)
    with store.transaction() as conn:
        for endpoint, body in (("usersummary", s), ("dailyHeartRate", data.heart_rates),
                               ("foodlog", data.food_log)):
            if body is not None:
                _keep_body(conn, endpoint, key, now, data.raw.get(endpoint) or json.dumps(body).encode())
        conn.execute(
            "INSERT OR REPLACE INTO wellness (local_day, source, steps, ascent_m, descent_m, active_kcal, "
            "bmr_kcal, total_kcal, moderate_min, vigorous_min, resting_hr, utc_offset_s, covered_s) "
            "VALUES (?, 'garmin', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key, gate.check(s.get("totalSteps"), "steps_day", "steps"),
             gate.check_float(s.get("floorsAscendedInMeters"), "ascent_m_day", "ascent"),
             gate.check_float(s.get("floorsDescendedInMeters"), "ascent_m_day", "descent"),
             _kcal(gate, s.get("activeKilocalories"), "kcal_day", "active kcal"),
             _kcal(gate, s.get("bmrKilocalories"), "rmr_kcal_day", "BMR kcal"),
             _kcal(gate, s.get("totalKilocalories"), "kcal_day", "total kcal"),
             gate.check(s.get("moderateIntensityMinutes"), "minutes_day", "moderate minutes"),
             gate.check(s.get("vigorousIntensityMinutes"), "minutes_day", "vigorous minutes"),
             gate.check(s.get("restingHeartRate"), "resting_hr_bpm", "resting heart rate"), offset, covered))
        write_series(conn, source="garmin", ts=[r[0] for r in readings],
                     bpm=[math.nan if r[1] is None else r[1] for r in readings],
                     utc_offset_s=[offset] * len(readings), garmin_day=key)
        # A food log emptied since the last pull removes the intake: unknown, not zero.
        conn.execute("DELETE FROM intake WHERE local_day = ? AND source = 'garmin'", (key,))
        if intake is not None:
            conn.execute("INSERT INTO intake (local_day, source, kcal, entered_at) VALUES (?, 'garmin', ?, ?)",
                         (key, intake, now))
        # The reload note stays: Garmin is asked to reload a day once.
        conn.execute("INSERT INTO garmin_days (local_day, fetched_at, complete, state) VALUES (?, ?, ?, 'data') "
                     "ON CONFLICT (local_day) DO UPDATE SET fetched_at = excluded.fetched_at, "
                     "complete = excluded.complete, state = 'data', first_empty_at = NULL, "
                     "reason = CASE WHEN garmin_days.reason = ? THEN garmin_days.reason END",
                     (key, now, int(complete), RELOAD_NOTE))
    return True


def record_failed_day(store: Store, day: date, reason: str) -> None:
    """A day whose answer could not be used: asked again by the next pull; data an earlier
    pull stored for it stays."""
    with store.transaction() as conn:
        conn.execute("INSERT INTO garmin_days (local_day, fetched_at, complete, state, reason) "
                     "VALUES (?, ?, 0, 'failed', ?) ON CONFLICT (local_day) DO UPDATE SET "
                     "fetched_at = excluded.fetched_at, reason = excluded.reason, complete = 0, "
                     "state = CASE WHEN garmin_days.state = 'data' THEN 'data' ELSE 'failed' END",
                     (day.isoformat(), int(time.time()), reason))


def pull_activities(store: Store, session: GarminSession, start: date, end: date,
                    summary: GarminPullSummary, progress: Progress | None = None, *,
                    retry_failed: bool = False) -> None:
    """List the activities from `start` to `end`, record the new ones, then download every
    recorded activity still to import (oldest first) through the FIT importer.

    A refused download (403) is asked again once its back-off has passed; one gone or
    refused by the importer only with `retry_failed`.
    """
    garmin = session.garmin
    what = f"activity list {start.isoformat()}..{end.isoformat()}"
    listing = session.call(what, garmin.get_activities_by_date, start.isoformat(), end.isoformat())
    if not isinstance(listing, list) or not all(isinstance(a, dict) and _activity_id(a) for a in listing):
        raise GarminUnavailable(f"Garmin Connect is not answering properly (an activity list wearsync does "
                                f"not understand; {what}); your login is kept; try later")
    summary.activities_listed = len(listing)
    now = int(time.time())
    with store.transaction() as conn:
        for activity in listing:
            activity_id = _activity_id(activity)
            # One entry of a list page: no bytes of Garmin's are its alone, so it is re-serialised.
            _keep_body(conn, "activity", str(activity_id), now, json.dumps(activity).encode())
            conn.execute("INSERT INTO garmin_activities (activity_id, start_local, name, fetched_at, state) "
                         "VALUES (?, ?, ?, ?, 'listed') ON CONFLICT (activity_id) DO NOTHING",
                         (activity_id, _text(activity.get("startTimeLocal")),
                          _text(activity.get("activityName")), now))
        garmin_state.remember_listing(store, conn, start, end)
    states = "('listed', 'refused', 'gone', 'failed')" if retry_failed else "('listed', 'refused')"
    due = store.conn.execute(
        f"SELECT activity_id, name, start_local, attempts FROM garmin_activities WHERE state IN {states} "
        "AND (state != 'refused' OR retry_at IS NULL OR retry_at <= ? OR ?) ORDER BY start_local, activity_id",
        (now, int(retry_failed))).fetchall()
    for done, (activity_id, name, start_local, attempts) in enumerate(due, 1):
        name = name or str(activity_id)
        outcomes: list[FileOutcome] = []
        reason: str | None
        state, retry_at = "failed", None
        try:
            data = session.call(f"activity {activity_id} download", garmin.download_activity,
                                activity_id, Garmin.ActivityDownloadFormat.ORIGINAL)
        except GarminRefused as exc:
            retry_at = garmin_state.refused_retry_at(attempts + 1, time.time())
            reason = (f"{exc}; asked again after "
                      f"{datetime.fromtimestamp(retry_at).strftime('%Y-%m-%d %H:%M')}")
            state = "refused"
        except GarminGone as exc:
            # Deleted on Garmin since it was listed, or never downloadable.
            reason, state = str(exc), "gone"
        except (GarminUnavailable, GarminAuthError, GarminRateLimited):
            raise
        except GarminError as exc:
            reason, state = str(exc), "refused"
            retry_at = garmin_state.refused_retry_at(attempts + 1, time.time())
        else:
            # The importer writes each FIT file in its own transaction and recognises a file
            # already imported from a watch or a folder.
            outcomes = import_data(store, data, f"garmin:{activity_id}", source="garmin")
            reason = _import_failure(outcomes)
            if reason is None:
                state = "imported" if any(o.outcome == "imported" for o in outcomes) else "duplicate"
        recording_id = next((o.recording_id for o in outcomes if o.recording_id is not None), None)
        with store.transaction() as conn:
            conn.execute("UPDATE garmin_activities SET recording_id = ?, fetched_at = ?, note = ?, state = ?, "
                         "attempts = attempts + 1, retry_at = ? WHERE activity_id = ?",
                         (recording_id, int(time.time()), reason, state, retry_at, activity_id))
        summary.activities_new += 1
        if reason:
            summary.activity_failures.append(ActivityFailure(activity_id, name, start_local, reason))
        elif state == "imported":
            summary.activities_imported += 1
        else:
            summary.activities_duplicate += 1
        if progress:
            progress("activities", done, len(due), name)


def _activity_id(activity: dict) -> int | None:
    value = activity.get("activityId")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _import_failure(outcomes: list[FileOutcome]) -> str | None:
    """Why a download imported nothing, or None when it was imported or already stored."""
    if any(o.outcome in ("imported", "duplicate") for o in outcomes):
        return None
    if not outcomes:
        return "the download held no FIT file"
    return "not imported: " + "; ".join(f"{o.outcome}: {o.message}" if o.message else o.outcome
                                        for o in outcomes)


def _intake(summary: dict, food_log: dict | None, gate: Gate) -> int | None:
    consumed = gate.check_float(summary.get("consumedKilocalories"), "intake_kcal_day", "intake")
    # 0 consumed is what Garmin says for a day with nothing logged: unknown, as in the food log below
    if consumed:
        return round(consumed)
    if not isinstance(food_log, dict):
        return None
    content = food_log.get("dailyNutritionContent")
    calories = content.get("calories") if isinstance(content, dict) else None
    meals = food_log.get("mealDetails")
    logged = isinstance(meals, list) and any(
        isinstance(meal, dict) and meal.get("loggedFoods") for meal in meals)
    calories = gate.check_float(calories, "intake_kcal_day", "intake")
    # Garmin reports 0 for a day with nothing logged; that is unknown intake, not a fast.
    if calories is not None and (calories > 0 or logged):
        return round(calories)
    return None


def _kcal(gate: Gate, value: Any, limit: str, name: str) -> int | None:
    """Garmin sends kilocalories as floats (370.0, at times 370.4); stored as whole kcal."""
    if is_number(value) and math.isfinite(value):
        value = round(value)
    return gate.check(value, limit, name)


def _keep_body(conn, endpoint: str, key: str, fetched_at: int, body: bytes) -> None:
    conn.execute("INSERT INTO garmin_responses (endpoint, key, fetched_at, body) VALUES (?, ?, ?, ?) "
                 "ON CONFLICT (endpoint, key) DO UPDATE SET fetched_at = excluded.fetched_at, "
                 "body = excluded.body", (endpoint, key, fetched_at, body))


def _utc_offset(local: Any, gmt: Any) -> int | None:
    try:
        return int((datetime.fromisoformat(local) - datetime.fromisoformat(gmt)).total_seconds())
    except (TypeError, ValueError):
        return None


def _last_utc_offset(store: Store) -> int | None:
    row = store.conn.execute("SELECT utc_offset_s FROM wellness WHERE source = 'garmin' "
                             "AND utc_offset_s IS NOT NULL ORDER BY local_day DESC LIMIT 1").fetchone()
    return row[0] if row else None


def _start_run(store: Store) -> int:
    with store.transaction() as conn:
        run_id = conn.execute("INSERT INTO sync_runs (source, started_at) VALUES ('garmin', ?)",
                              (int(time.time()),)).lastrowid
    assert run_id is not None  # every INSERT sets it
    return run_id


def _finish_run(store: Store, run_id: int, summary: GarminPullSummary, outcome: str, message: str) -> None:
    with store.transaction() as conn:
        conn.execute("UPDATE sync_runs SET finished_at = ?, outcome = ?, message = ?, summary = ? WHERE id = ?",
                     (int(time.time()), outcome, message or None, json.dumps(summary.to_json()), run_id))
