"""Pulling Garmin Connect into the store: which days, one transaction per day, activities.

Per local day: the daily summary, the heart-rate series and, when the summary has no
intake, the food log; all of a day's responses are fetched first and then stored in one
transaction, so an error, a dropped connection or Ctrl-C never leaves half a day. A day
fetched when it was at least two days old is complete and never fetched again; younger
days are re-checked on the next pull because Garmin still updates them. Activities come
from one range call and each new one's ORIGINAL download goes through the FIT importer.
An activity that is gone (404/410) or that the importer refuses is recorded with its
reason and skipped, and not asked for again unless the pull is forced: one bad activity
must not stop every later pull. Other errors stop the pull, to be retried next time.
On a 429 the pull stops at once and saves the cooldown. Response bodies are kept as
the bytes Garmin sent.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from garminconnect import Garmin

from wearsync.errors import GarminError, GarminRateLimited
from wearsync.hr_series import write_series
from wearsync.store import Store
from wearsync.sync.fit_import import FileOutcome, import_data
from wearsync.sync.garmin_client import GarminGone, GarminSession, check_cooldown, save_cooldown

# Garmin keeps changing a day until the watch has synced it; two days covers a watch
# synced once a day.
SETTLE_DAYS = 2
ACTIVITIES_KEY = "garmin.activities_checked_through"
Progress = Callable[[str, int, int, str], None]


@dataclass
class DayData:
    """The responses one local day is built from."""

    day: date
    summary: dict
    heart_rates: dict
    food_log: dict | None
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
    activities_listed: int = 0
    activities_new: int = 0
    activities_imported: int = 0
    activities_duplicate: int = 0
    activity_failures: list[ActivityFailure] = field(default_factory=list)
    note: str = ""
    error: GarminError | None = None

    @property
    def outcome(self) -> str:
        if self.error is None:
            return "ok"
        if isinstance(self.error, GarminRateLimited):
            return "rate_limited"
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
                     "first": self.days_planned[0] if self.days_planned else None,
                     "last": self.days_planned[-1] if self.days_planned else None},
            "activities": {"listed": self.activities_listed, "new": self.activities_new,
                           "imported": self.activities_imported,
                           "duplicates": self.activities_duplicate, "failed": self.activities_failed,
                           "failures": [f.to_json() for f in self.activity_failures]},
            "cooldown_until": datetime.fromtimestamp(until).isoformat(timespec="seconds") if until else None,
            "note": self.note,
        }


def plan_days(store: Store, today: date, *, since: date | None = None, days: int | None = None,
              first_pull_days: int = 30) -> tuple[date, list[date], bool]:
    """The window's first day, the days in it still to fetch (oldest first), and whether
    this is the first pull. Complete days are never fetched again."""
    last_complete = store.conn.execute(
        "SELECT max(local_day) FROM garmin_days WHERE complete = 1").fetchone()[0]
    first_pull = store.conn.execute("SELECT count(*) FROM garmin_days").fetchone()[0] == 0
    if since is not None:
        start = since
    elif days is not None:
        start = today - timedelta(days=max(days, 1) - 1)
    elif last_complete:
        start = date.fromisoformat(last_complete) + timedelta(days=1)
    else:
        start = today - timedelta(days=max(first_pull_days, 1) - 1)
    complete = {row[0] for row in store.conn.execute(
        "SELECT local_day FROM garmin_days WHERE complete = 1 AND local_day >= ?", (start.isoformat(),))}
    wanted = [start + timedelta(days=n) for n in range((today - start).days + 1)]
    return start, [d for d in wanted if d.isoformat() not in complete], first_pull


def pull_garmin(store: Store, connect: Callable[[], GarminSession], *, today: date,
                since: date | None = None, days: int | None = None, first_pull_days: int = 30,
                force: bool = False, progress: Progress | None = None) -> GarminPullSummary:
    """Pull Garmin Connect up to `today`; Garmin errors end up in the summary, not raised.

    `connect` logs in (from tokens) and is only called when there is no cooldown. `force`
    asks Garmin even during a cooldown and downloads again the activities that an earlier
    pull recorded as failed.
    """
    summary = GarminPullSummary()
    run_id = _start_run(store)
    try:
        check_cooldown(store, force)
        start, plan, summary.first_pull = plan_days(store, today, since=since, days=days,
                                                    first_pull_days=first_pull_days)
        summary.days_planned = [d.isoformat() for d in plan]
        if summary.first_pull and since is None and days is None:
            earlier = (start - timedelta(days=365)).isoformat()
            summary.note = (f"first pull: the last {first_pull_days} days; to go further back run "
                            f"`wearsync pull --since {earlier}` (or --days N)")
        activities_from = _activities_from(store, start)
        session = connect()
        for done, day in enumerate(plan, 1):
            store_day(store, fetch_day(session, day), complete=day <= today - timedelta(days=SETTLE_DAYS))
            summary.days_stored.append(day.isoformat())
            if progress:
                progress("days", done, len(plan), day.isoformat())
        pull_activities(store, session, activities_from, today, summary, progress, retry_failed=force)
    except GarminRateLimited as exc:
        save_cooldown(store, exc.until)
        summary.error = exc
    except GarminError as exc:
        summary.error = exc
    except BaseException:
        _finish_run(store, run_id, summary, "partial", "interrupted")
        raise
    _finish_run(store, run_id, summary, summary.outcome, str(summary.error or ""))
    return summary


def fetch_day(session: GarminSession, day: date) -> DayData:
    """Every response a day needs; nothing is stored here."""
    garmin, key, raw = session.garmin, day.isoformat(), {}

    def fetch(endpoint: str, what: str, fn: Callable[[str], Any]) -> dict:
        body, raw[endpoint] = session.call_raw(f"{what} {key}", fn, key)
        return _dict(body, what, key)

    summary = fetch("usersummary", "daily summary", garmin.get_user_summary)
    heart_rates = fetch("dailyHeartRate", "heart rate", garmin.get_heart_rates)
    food_log = None
    if summary.get("consumedKilocalories") is None:
        food_log = fetch("foodlog", "food log", garmin.get_nutrition_daily_food_log)
    return DayData(day, summary, heart_rates, food_log, raw)


def store_day(store: Store, data: DayData, *, complete: bool) -> None:
    """Write one day (wellness, heart rate, intake, raw bodies) in one transaction."""
    key, now = data.day.isoformat(), int(time.time())
    s = data.summary
    offset = _utc_offset(s.get("wellnessStartTimeLocal"), s.get("wellnessStartTimeGmt"))
    if offset is None:
        offset = _utc_offset(data.heart_rates.get("startTimestampLocal"),
                             data.heart_rates.get("startTimestampGMT")) or 0
    levels = [s.get(k) for k in ("highlyActiveSeconds", "activeSeconds", "sedentarySeconds", "sleepingSeconds")]
    covered = sum(v for v in levels if _number(v)) if any(_number(v) for v in levels) else None
    readings = [(int(pair[0]) // 1000, _int(pair[1]))
                for pair in data.heart_rates.get("heartRateValues") or []
                if isinstance(pair, list) and len(pair) >= 2 and _number(pair[0])]
    intake = _intake(s, data.food_log)
    with store.transaction() as conn:
        for endpoint, body in (("usersummary", s), ("dailyHeartRate", data.heart_rates),
                               ("foodlog", data.food_log)):
            if body is not None:
                _keep_body(conn, endpoint, key, now, data.raw.get(endpoint) or json.dumps(body).encode())
        conn.execute(
            "INSERT OR REPLACE INTO wellness (local_day, source, steps, ascent_m, descent_m, active_kcal, "
            "bmr_kcal, total_kcal, moderate_min, vigorous_min, resting_hr, utc_offset_s, covered_s) "
            "VALUES (?, 'garmin', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key, _int(s.get("totalSteps")), _float(s.get("floorsAscendedInMeters")),
             _float(s.get("floorsDescendedInMeters")), _int(s.get("activeKilocalories")),
             _int(s.get("bmrKilocalories")), _int(s.get("totalKilocalories")),
             _int(s.get("moderateIntensityMinutes")), _int(s.get("vigorousIntensityMinutes")),
             _int(s.get("restingHeartRate")), offset, covered))
        write_series(conn, source="garmin", ts=[ts for ts, _ in readings],
                     bpm=[math.nan if bpm is None else bpm for _, bpm in readings],
                     utc_offset_s=[offset] * len(readings), garmin_day=key)
        # A food log emptied since the last pull removes the intake: unknown, not zero.
        conn.execute("DELETE FROM intake WHERE local_day = ? AND source = 'garmin'", (key,))
        if intake is not None:
            conn.execute("INSERT INTO intake (local_day, source, kcal, entered_at) VALUES (?, 'garmin', ?, ?)",
                         (key, intake, now))
        conn.execute("INSERT OR REPLACE INTO garmin_days (local_day, fetched_at, complete) VALUES (?, ?, ?)",
                     (key, now, int(complete)))


def pull_activities(store: Store, session: GarminSession, start: date, today: date,
                    summary: GarminPullSummary, progress: Progress | None = None, *,
                    retry_failed: bool = False) -> None:
    """List the activities from `start` to `today` and import each new one's original file.

    Activities recorded as failed by an earlier pull are downloaded again only with
    `retry_failed`.
    """
    garmin = session.garmin
    what = f"activity list {start.isoformat()}..{today.isoformat()}"
    listing = session.call(what, garmin.get_activities_by_date, start.isoformat(), today.isoformat())
    if not isinstance(listing, list) or not all(isinstance(a, dict) and "activityId" in a for a in listing):
        raise GarminError(f"Garmin Connect sent an activity list wearsync does not understand ({what})")
    known_sql = "SELECT activity_id FROM garmin_activities"
    if retry_failed:
        known_sql += " WHERE recording_id IS NOT NULL"
    known = {row[0] for row in store.conn.execute(known_sql)}
    new = sorted((a for a in listing if int(a["activityId"]) not in known),
                 key=lambda a: str(a.get("startTimeLocal")))
    summary.activities_listed = len(listing)
    for done, activity in enumerate(new, 1):
        activity_id = int(activity["activityId"])
        name = str(activity.get("activityName") or activity_id)
        outcomes: list[FileOutcome] = []
        try:
            data = session.call(f"activity {activity_id} download", garmin.download_activity,
                                activity_id, Garmin.ActivityDownloadFormat.ORIGINAL)
        except GarminGone as exc:
            # Deleted on Garmin since it was listed, or never downloadable: asking again
            # will not change that.
            reason = str(exc)
        else:
            # The importer writes each FIT file in its own transaction and recognises a file
            # already imported from a watch or a folder.
            outcomes = import_data(store, data, f"garmin:{activity_id}", source="garmin")
            reason = _import_failure(outcomes)
        recording_id = next((o.recording_id for o in outcomes if o.recording_id is not None), None)
        with store.transaction() as conn:
            # One entry of a list page: no bytes of Garmin's are its alone, so it is re-serialised.
            _keep_body(conn, "activity", str(activity_id), int(time.time()), json.dumps(activity).encode())
            conn.execute("INSERT OR REPLACE INTO garmin_activities (activity_id, recording_id, start_local, "
                         "fetched_at, note) VALUES (?, ?, ?, ?, ?)",
                         (activity_id, recording_id, activity.get("startTimeLocal"), int(time.time()), reason))
        summary.activities_new += 1
        if reason:
            summary.activity_failures.append(
                ActivityFailure(activity_id, name, activity.get("startTimeLocal"), reason))
        elif any(o.outcome == "imported" for o in outcomes):
            summary.activities_imported += 1
        else:
            summary.activities_duplicate += 1
        if progress:
            progress("activities", done, len(new), name)
    settled = (today - timedelta(days=SETTLE_DAYS)).isoformat()
    previous = store.get_state(ACTIVITIES_KEY)
    if previous is None or previous < settled:
        with store.transaction() as conn:
            store.set_state(conn, ACTIVITIES_KEY, settled)


def _import_failure(outcomes: list[FileOutcome]) -> str | None:
    """Why a download imported nothing, or None when it was imported or already stored."""
    if any(o.outcome in ("imported", "duplicate") for o in outcomes):
        return None
    if not outcomes:
        return "the download held no FIT file"
    return "not imported: " + "; ".join(f"{o.outcome}: {o.message}" if o.message else o.outcome
                                        for o in outcomes)


def _activities_from(store: Store, window_start: date) -> date:
    # Listing starts where the last complete listing ended, so a pull stopped before
    # its activities does not lose the days its day loop already completed.
    checked = store.get_state(ACTIVITIES_KEY)
    if checked:
        resume = date.fromisoformat(checked) + timedelta(days=1)
    else:
        earliest = store.conn.execute("SELECT min(local_day) FROM garmin_days").fetchone()[0]
        resume = date.fromisoformat(earliest) if earliest else window_start
    return min(window_start, resume)


def _intake(summary: dict, food_log: dict | None) -> int | None:
    if _number(summary.get("consumedKilocalories")):
        return _int(summary["consumedKilocalories"])
    if not food_log:
        return None
    calories = (food_log.get("dailyNutritionContent") or {}).get("calories")
    logged = any(meal.get("loggedFoods") for meal in food_log.get("mealDetails") or [] if isinstance(meal, dict))
    # Garmin reports 0 for a day with nothing logged; that is unknown intake, not a fast.
    if _number(calories) and (calories > 0 or logged):
        return _int(calories)
    return None


def _keep_body(conn, endpoint: str, key: str, fetched_at: int, body: bytes) -> None:
    conn.execute("INSERT INTO garmin_responses (endpoint, key, fetched_at, body) VALUES (?, ?, ?, ?) "
                 "ON CONFLICT (endpoint, key) DO UPDATE SET fetched_at = excluded.fetched_at, "
                 "body = excluded.body", (endpoint, key, fetched_at, body))


def _dict(body: Any, what: str, key: str) -> dict:
    if not isinstance(body, dict):
        raise GarminError(f"Garmin Connect sent a {what} for {key} wearsync does not understand")
    return body


def _utc_offset(local: Any, gmt: Any) -> int | None:
    try:
        return int((datetime.fromisoformat(local) - datetime.fromisoformat(gmt)).total_seconds())
    except (TypeError, ValueError):
        return None


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _int(value: Any) -> int | None:
    return int(round(value)) if _number(value) else None


def _float(value: Any) -> float | None:
    return float(value) if _number(value) else None


def _start_run(store: Store) -> int:
    with store.transaction() as conn:
        return conn.execute("INSERT INTO sync_runs (source, started_at) VALUES ('garmin', ?)",
                            (int(time.time()),)).lastrowid


def _finish_run(store: Store, run_id: int, summary: GarminPullSummary, outcome: str, message: str) -> None:
    with store.transaction() as conn:
        conn.execute("UPDATE sync_runs SET finished_at = ?, outcome = ?, message = ?, summary = ? WHERE id = ?",
                     (int(time.time()), outcome, message or None, json.dumps(summary.to_json()), run_id))
