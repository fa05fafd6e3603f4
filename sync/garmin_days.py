"""Garmin Connect days: asking for each planned day and storing it in one transaction.

Per local day: the daily summary, the heart-rate series and, when the summary has no
intake and the account logs nutrition, the food log; all of a day's answers are fetched
first and then stored in one transaction, so an error, a dropped connection or Ctrl-C
never leaves half a day. A summary that is missing (404), empty (204, `{}`, `null`) or
holds no data stores the day as empty (asked again later); a day whose answer is not a
JSON object is recorded as failed with its reason; a food log refused (403/404) marks
nutrition unavailable for the account for a week. Values pass the value gate; response
bodies are kept as the bytes Garmin sent.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from wearsync.errors import (
    DayFailure,
    GarminAuthError,
    GarminError,
    GarminGone,
    GarminRateLimited,
    GarminRefused,
    GarminUnavailable,
)
from wearsync.progress import Progress
from wearsync.store import Store, intake, wellness
from wearsync.store import garmin as pull_state
from wearsync.store.hr_series import write_series
from wearsync.sync import garmin_state
from wearsync.sync.garmin_client import GarminSession
from wearsync.sync.garmin_summary import GarminPullSummary
from wearsync.sync.gate import Gate, is_number

# Summary fields that only a synced watch (or logged food) fills; BMR-based calories
# are there for every day of the account, watch or not.
DATA_FIELDS = (
    "totalSteps",
    "restingHeartRate",
    "floorsAscendedInMeters",
    "moderateIntensityMinutes",
    "vigorousIntensityMinutes",
    "highlyActiveSeconds",
    "activeSeconds",
    "consumedKilocalories",
)
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
    raw: dict[str, bytes | None] = field(default_factory=dict)  # endpoint -> body as sent


def pull_days(
    store: Store,
    session: GarminSession,
    plan: list[date],
    today: date,
    summary: GarminPullSummary,
    progress: Progress | None = None,
    min_interval_s: float = 1.0,
) -> None:
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
                    f"not be used, the last: {exc}); your login is kept; try later"
                ) from None
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
    if pull_state.day_reason(store.conn, key) == RELOAD_NOTE:
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
        pull_state.mark_incomplete(conn, key, RELOAD_NOTE)


def fetch_day(session: GarminSession, day: date, nutrition: bool = True, store: Store | None = None) -> DayData:
    """Every answer a day needs; nothing of the day is stored here (only, when the food log
    is refused, that the account has no nutrition logging)."""
    garmin, key, raw = session.garmin, day.isoformat(), {}
    name = garmin.display_name

    def fetch(
        endpoint: str, what: str, path: str, *, absent: tuple[type[GarminError], ...] = (GarminGone,), **params: str
    ) -> dict | None:
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
            raise DayFailure(
                f"Garmin Connect sent a {what} for {key} that is not a JSON object ({type(body).__name__})"
            )
        return body or None

    summary = fetch(
        "usersummary", "daily summary", f"{garmin.garmin_connect_daily_summary_url}/{name}", calendarDate=key
    )
    if summary is not None and summary.get("privacyProtected") is True:
        raise GarminAuthError(
            f"Garmin Connect marked the data privacy-protected (daily summary {key}): "
            "the saved login may not read it; run `wearsync login`"
        )
    if summary is None or (
        not any(is_number(summary.get(f)) for f in DATA_FIELDS) and summary.get("includesWellnessData") is not True
    ):
        return DayData(day, None, raw=raw)
    heart_rates = fetch(
        "dailyHeartRate", "heart rate", f"{garmin.garmin_connect_heartrates_daily_url}/{name}", date=key
    )
    food_log = None
    if summary.get("consumedKilocalories") is None and nutrition:
        food_log = fetch(
            "foodlog",
            "food log",
            f"{garmin.garmin_connect_nutrition_daily_food_logs}/{key}",
            absent=(GarminRefused, GarminGone),
            includeGoals="true",
            includeNutrition="true",
        )
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
            # Data an earlier pull stored stays; Garmin answering nothing now does not remove it.
            pull_state.record_empty_day(conn, key, now, complete)
        return False
    s, hr = data.summary, data.heart_rates or {}
    offset = gate.check(
        _utc_offset(s.get("wellnessStartTimeLocal"), s.get("wellnessStartTimeGmt")), "utc_offset_s", "UTC offset"
    )
    if offset is None:
        offset = (
            gate.check(
                _utc_offset(hr.get("startTimestampLocal"), hr.get("startTimestampGMT")), "utc_offset_s", "UTC offset"
            )
            or 0
        )
    levels = [
        gate.check(s.get(k), "seconds_day", k)
        for k in ("highlyActiveSeconds", "activeSeconds", "sedentarySeconds", "sleepingSeconds")
    ]
    covered = (
        gate.check(sum(v for v in levels if v is not None), "seconds_day", "covered seconds")
        if any(v is not None for v in levels)
        else None
    )
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
    eaten = _intake(s, data.food_log, gate)
    with store.transaction() as conn:
        for endpoint, body in (("usersummary", s), ("dailyHeartRate", data.heart_rates), ("foodlog", data.food_log)):
            if body is not None:
                pull_state.keep_body(conn, endpoint, key, now, data.raw.get(endpoint) or json.dumps(body).encode())
        wellness.upsert_wellness(
            conn,
            wellness.WellnessDay(
                key,
                "garmin",
                gate.check(s.get("totalSteps"), "steps_day", "steps"),
                gate.check_float(s.get("floorsAscendedInMeters"), "ascent_m_day", "ascent"),
                gate.check_float(s.get("floorsDescendedInMeters"), "ascent_m_day", "descent"),
                _kcal(gate, s.get("activeKilocalories"), "kcal_day", "active kcal"),
                _kcal(gate, s.get("bmrKilocalories"), "rmr_kcal_day", "BMR kcal"),
                _kcal(gate, s.get("totalKilocalories"), "kcal_day", "total kcal"),
                gate.check(s.get("moderateIntensityMinutes"), "minutes_day", "moderate minutes"),
                gate.check(s.get("vigorousIntensityMinutes"), "minutes_day", "vigorous minutes"),
                gate.check(s.get("restingHeartRate"), "resting_hr_bpm", "resting heart rate"),
                offset,
                covered,
            ),
        )
        write_series(
            conn,
            source="garmin",
            ts=[r[0] for r in readings],
            bpm=[math.nan if r[1] is None else r[1] for r in readings],
            utc_offset_s=[offset] * len(readings),
            garmin_day=key,
        )
        # A food log emptied since the last pull removes the intake: unknown, not zero.
        intake.replace_garmin_intake(conn, key, eaten, now)
        # The reload note stays: Garmin is asked to reload a day once.
        pull_state.record_data_day(conn, key, now, complete, RELOAD_NOTE)
    return True


def record_failed_day(store: Store, day: date, reason: str) -> None:
    """A day whose answer could not be used: asked again by the next pull; data an earlier
    pull stored for it stays."""
    with store.transaction() as conn:
        pull_state.record_failed_day(conn, day.isoformat(), int(time.time()), reason)


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
    logged = isinstance(meals, list) and any(isinstance(meal, dict) and meal.get("loggedFoods") for meal in meals)
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


def _utc_offset(local: Any, gmt: Any) -> int | None:
    try:
        return int((datetime.fromisoformat(local) - datetime.fromisoformat(gmt)).total_seconds())
    except (TypeError, ValueError):
        return None
