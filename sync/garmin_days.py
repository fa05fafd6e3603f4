"""Garmin Connect days: asking for each planned day's due kinds and storing them in one transaction.

Per local day the kinds due (sync/garmin_kinds.py): the daily summary, the heart-rate series
and, when the summary has no intake, the food log; all of a day's answers are fetched first and
then stored in one transaction, so an error, a dropped connection or Ctrl-C never leaves half a
day. A summary that is missing (404), empty (204, `{}`, `null`) or holds no data stores the day as
empty (asked again later; its other kinds wait for it). A kind whose answer cannot be used (not a
JSON object, another 4xx; a heart rate or food log refused with 403/404) is recorded as failed
with its reason and asked again after a back-off; the day's other kinds are stored. Food-log
refusals are judged per day: only when every day of a span of NUTRITION_SPAN_DAYS days in a row
was refused is the account taken as logging no nutrition (asked again in a week). Values pass
the value gate; response bodies are kept as the bytes Garmin sent. The pace measured (seconds a
request) gives the time left and is kept for the next estimates.
"""

from __future__ import annotations

import json
import math
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from wearsync.errors import (
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
from wearsync.store import garmin_kinds as garmin_kinds_store
from wearsync.store.garmin_kinds import KINDS, KindState
from wearsync.store.hr_series import write_series
from wearsync.sync import garmin_kinds, garmin_state
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
KIND_NAMES = {"summary": "daily summary", "heart_rate": "heart rate", "food_log": "food log"}


@dataclass
class DayData:
    """The answers one local day is built from. `asked`: the kinds asked (or settled without a
    request); `summary` None with "summary" asked: Garmin has nothing for the day; `failures`:
    kind -> (reason, refused) for the kinds whose answer could not be used."""

    day: date
    summary: dict | None
    heart_rates: dict | None = None
    food_log: dict | None = None
    raw: dict[str, bytes | None] = field(default_factory=dict)  # endpoint -> body as sent
    asked: set[str] = field(default_factory=lambda: set(KINDS))
    failures: dict[str, tuple[str, bool]] = field(default_factory=dict)
    requests: int = 0


@dataclass
class _Pace:
    """The rate measured in this pull: seconds per request, for the time left."""

    started: float = field(default_factory=time.monotonic)
    requests: int = 0

    def seconds_per_request(self, min_interval_s: float) -> float | None:
        if self.requests < 3:
            return None
        return max(min_interval_s, (time.monotonic() - self.started) / self.requests)


def pull_days(
    store: Store,
    session: GarminSession,
    plan: list[date],
    today: date,
    summary: GarminPullSummary,
    progress: Progress | None = None,
    min_interval_s: float = 1.0,
    kinds: dict[date, set[str]] | None = None,
) -> None:
    """Ask for each planned day's due kinds and store what came (data, empty or failed, per
    kind); stops on what stops a pull. The rate measured is kept for later estimates."""
    settled = date.fromordinal(today.toordinal() - garmin_state.SETTLE_DAYS)
    old_enough = date.fromordinal(today.toordinal() - garmin_kinds.RECHECK_DAYS)
    failed_in_a_row = refused_in_a_row = 0
    pace = _Pace()
    try:
        for done, day in enumerate(plan, 1):
            key = day.isoformat()
            due = set(kinds[day]) if kinds and day in kinds else set(KINDS)
            if refused_in_a_row >= garmin_state.NUTRITION_SPAN_DAYS or (
                kinds is None and not garmin_state.nutrition_available(store)
            ):
                due.discard("food_log")  # the account logs no nutrition (the plan knows it before the pull)
            before = garmin_kinds_store.day_kinds(store.conn, day, day).get(key, {})
            data = fetch_day(session, day, due, before.get("summary"))
            pace.requests += data.requests
            gate = Gate()
            stored = store_day(
                store, data, complete=day <= settled, old_enough=day <= old_enough, gate=gate, before=before
            )
            summary.warnings.extend(f"{key}: {w}" for w in gate.warnings())
            hard = {k: r for k, (r, refused) in data.failures.items() if not refused or k == "summary"}
            for kind, (reason, _refused) in data.failures.items():
                if kind not in hard:
                    # a 403/404 of a heart rate or food log: that kind of that day, asked again later
                    summary.warnings.append(
                        f"{key}: {KIND_NAMES[kind]} refused ({reason}); asked again after a day or more"
                    )
                else:
                    summary.day_failures[key if kind == "summary" else f"{key} {KIND_NAMES[kind]}"] = reason
            if "food_log" in data.failures and data.failures["food_log"][1]:
                refused_in_a_row += 1
                if refused_in_a_row >= garmin_state.NUTRITION_SPAN_DAYS:
                    # Every day of a span refused: the account logs no nutrition; asked again in a week.
                    with store.transaction() as conn:
                        store.set_state(conn, garmin_state.NUTRITION_KEY, repr(time.time()))
            elif data.food_log is not None:
                refused_in_a_row = 0
            if hard:
                failed_in_a_row += 1
                if failed_in_a_row >= FAILED_DAYS_IN_A_ROW:
                    last = next(iter(hard.values()))
                    raise GarminUnavailable(
                        f"Garmin Connect is not answering properly ({failed_in_a_row} days in a row could "
                        f"not be used, the last: {last}); your login is kept; try later"
                    )
            else:
                failed_in_a_row = 0
            if stored:
                summary.days_stored.append(key)
                if "heart_rate" in data.asked and "heart_rate" not in data.failures:
                    if not (data.heart_rates or {}).get("heartRateValues"):
                        summary.days_without_heart_rate.append(key)
                        if day.toordinal() < today.toordinal() - ARCHIVE_DAYS:
                            request_reload(store, session, day, summary, before.get("heart_rate"))
            elif "summary" in data.asked and "summary" not in data.failures and data.summary is None:
                summary.days_empty.append(key)
            if progress:
                left = _left_s(plan[done:], kinds, pace, min_interval_s)
                progress("days", done, len(plan), f"{key}, about {left / 60:.0f} min left" if left >= 60 else key)
    finally:
        rate = pace.seconds_per_request(min_interval_s)
        if rate is not None:
            with store.transaction() as conn:
                store.set_state(conn, garmin_state.RATE_KEY, repr(rate))


def _left_s(days: list[date], kinds: dict[date, set[str]] | None, pace: _Pace, min_interval_s: float) -> float:
    requests = sum(len(kinds.get(d, KINDS)) if kinds else len(KINDS) for d in days)
    rate = pace.seconds_per_request(min_interval_s)
    return requests * (rate if rate is not None else min_interval_s + garmin_state.ANSWER_S)


def request_reload(
    store: Store, session: GarminSession, day: date, summary: GarminPullSummary, before: KindState | None
) -> None:
    """Ask Garmin once to bring an archived day's intraday data back; its heart rate is asked
    again by the next pull."""
    key = day.isoformat()
    if before is not None and before.reason == RELOAD_NOTE:
        with store.transaction() as conn:
            garmin_kinds_store.record_kind(conn, key, "heart_rate", "empty", int(time.time()), reason=RELOAD_NOTE)
            garmin_kinds_store.settle_day(conn, key)
        return
    try:
        session.call(f"heart-rate reload {key}", session.garmin.request_reload, key)
    except (GarminUnavailable, GarminAuthError, GarminRateLimited):
        raise
    except GarminError as exc:
        summary.warnings.append(f"{key}: no intraday heart rate, and Garmin refused to reload it ({exc})")
        return
    summary.reloads_requested.append(key)
    now = int(time.time())
    with store.transaction() as conn:
        garmin_kinds_store.record_kind(conn, key, "heart_rate", "partial", now, reason=RELOAD_NOTE, retry_at=now)
        garmin_kinds_store.settle_day(conn, key)
        pull_state.mark_incomplete(conn, key, RELOAD_NOTE)


def fetch_day(
    session: GarminSession, day: date, kinds: set[str] | None = None, before: KindState | None = None
) -> DayData:
    """The answers of the `kinds` of a day that are due (all by default); nothing is stored here.
    A kind's failure costs that kind only; a summary that failed or has nothing leaves the
    others unasked (they are asked with it)."""
    garmin, key = session.garmin, day.isoformat()
    name = garmin.display_name
    kinds = set(KINDS) if kinds is None else set(kinds)
    data = DayData(day, None, asked=set())

    def fetch(kind: str, endpoint: str, what: str, path: str, *, empty_if_gone: bool = False, **params: str):
        """The body (None when empty), or None with the kind's failure recorded."""
        data.asked.add(kind)
        data.requests += 1
        try:
            body, data.raw[endpoint] = session.call_raw(f"{what} {key}", garmin.connectapi, path, params=params)
        except (GarminUnavailable, GarminAuthError, GarminRateLimited):
            raise
        except GarminGone as exc:
            if not empty_if_gone:
                data.failures[kind] = (_short(exc), True)
            return None
        except GarminRefused as exc:
            data.failures[kind] = (_short(exc), True)
            return None
        except GarminError as exc:
            data.failures[kind] = (str(exc), False)
            return None
        if body is not None and not isinstance(body, dict):
            data.failures[kind] = (
                f"Garmin Connect sent a {what} for {key} that is not a JSON object ({type(body).__name__})",
                False,
            )
            return None
        return body or None

    if "summary" in kinds:
        summary = fetch(
            "summary",
            "usersummary",
            "daily summary",
            f"{garmin.garmin_connect_daily_summary_url}/{name}",
            empty_if_gone=True,
            calendarDate=key,
        )
        if summary is not None and summary.get("privacyProtected") is True:
            raise GarminAuthError(
                f"Garmin Connect marked the data privacy-protected (daily summary {key}): "
                "the saved login may not read it; run `wearsync login`"
            )
        if (
            "summary" in data.failures
            or summary is None
            or (
                not any(is_number(summary.get(f)) for f in DATA_FIELDS)
                and summary.get("includesWellnessData") is not True
            )
        ):
            return data  # failed or empty: the day's other kinds wait for it
        data.summary = summary
        if before is not None and before.fingerprint not in (None, summary_fingerprint(summary)):
            kinds.add("heart_rate")  # the watch synced more since: its heart rate too
    if "heart_rate" in kinds:
        data.heart_rates = fetch(
            "heart_rate",
            "dailyHeartRate",
            "heart rate",
            f"{garmin.garmin_connect_heartrates_daily_url}/{name}",
            date=key,
        )
    if "food_log" in kinds:
        if data.summary is not None and data.summary.get("consumedKilocalories") is not None:
            data.asked.add("food_log")  # the summary holds the intake: no request
        else:
            data.food_log = fetch(
                "food_log",
                "foodlog",
                "food log",
                f"{garmin.garmin_connect_nutrition_daily_food_logs}/{key}",
                includeGoals="true",
                includeNutrition="true",
            )
    return data


def summary_fingerprint(summary: dict) -> str:
    return garmin_kinds.fingerprint({f: summary.get(f) for f in (*DATA_FIELDS, "totalKilocalories")})


def _short(exc: GarminError) -> str:
    """A refusal's reason as the status Garmin sent ("HTTP 403")."""
    found = re.search(r"HTTP \d{3}", str(exc))
    return found.group(0) if found else str(exc)


def store_day(
    store: Store,
    data: DayData,
    *,
    complete: bool,
    old_enough: bool = False,
    gate: Gate | None = None,
    before: dict[str, KindState] | None = None,
) -> bool:
    """Write what came of one day (wellness, heart rate, intake, raw bodies, each kind's state) in
    one transaction; a kind not asked or failed leaves what an earlier pull stored of it. An empty
    day is recorded as such without touching data stored before. `complete`: the day had ended
    when asked. True if anything of the day was stored."""
    gate = gate or Gate()
    before = before or {}
    key, now = data.day.isoformat(), int(time.time())
    if data.summary is None and "summary" in data.asked:
        with store.transaction() as conn:
            _record_failures(conn, key, data, now, before)
            if "summary" in data.failures:
                pull_state.record_failed_day(conn, key, now, data.failures["summary"][0])
            else:
                # Data an earlier pull stored stays; Garmin answering nothing now does not remove it.
                pull_state.record_empty_day(conn, key, now, complete)
                garmin_kinds_store.record_kind(conn, key, "summary", "empty", now)
            garmin_kinds_store.settle_day(conn, key)
        return False
    s, hr = data.summary or {}, data.heart_rates or {}
    summary_gate, hr_gate = Gate(gate.now), Gate(gate.now)
    offset = summary_gate.check(
        _utc_offset(s.get("wellnessStartTimeLocal"), s.get("wellnessStartTimeGmt")), "utc_offset_s", "UTC offset"
    )
    if offset is None:
        offset = (
            hr_gate.check(
                _utc_offset(hr.get("startTimestampLocal"), hr.get("startTimestampGMT")), "utc_offset_s", "UTC offset"
            )
            or 0
        )
    readings = []
    for pair in hr.get("heartRateValues") or []:
        if not isinstance(pair, list) or len(pair) < 2:
            hr_gate.drop("heart-rate reading")
            continue
        # Garmin's times are epoch milliseconds.
        ts = hr_gate.time(pair[0] // 1000 if is_number(pair[0]) else pair[0], "heart-rate time")
        bpm = hr_gate.check(pair[1], "heart_rate_bpm", "heart rate")
        if ts is not None and (pair[1] is None or bpm is not None):
            readings.append((ts, bpm, offset, "garmin", key))
    row = _wellness_row(key, s, summary_gate, offset) if data.summary is not None else None
    asked_food = "food_log" in data.asked and "food_log" not in data.failures
    food_gate = Gate(gate.now)
    eaten = _intake(s, data.food_log, food_gate) if row is not None or asked_food else None
    food_dropped = sorted(food_gate.dropped)
    food_retry = garmin_kinds.dropped_retry_at(food_dropped, before.get("food_log"), now)
    stored_hr = "heart_rate" in data.asked and "heart_rate" not in data.failures
    with store.transaction() as conn:
        bodies = (("usersummary", data.summary), ("dailyHeartRate", data.heart_rates), ("foodlog", data.food_log))
        for endpoint, body in bodies:
            if body is not None:
                pull_state.keep_body(conn, endpoint, key, now, data.raw.get(endpoint) or json.dumps(body).encode())
        if row is not None:
            wellness.upsert_wellness(conn, row)
            state, reason = garmin_kinds.settled_state(
                complete, old_enough, sorted(summary_gate.dropped), summary_fingerprint(s), before.get("summary")
            )
            garmin_kinds_store.record_kind(
                conn,
                key,
                "summary",
                state,
                now,
                reason=reason,
                retry_at=garmin_kinds.dropped_retry_at(sorted(summary_gate.dropped), before.get("summary"), now),
                fingerprint=summary_fingerprint(s),
            )
        if stored_hr:
            write_series(
                conn,
                source="garmin",
                ts=[r[0] for r in readings],
                bpm=[math.nan if r[1] is None else r[1] for r in readings],
                utc_offset_s=[offset] * len(readings),
                garmin_day=key,
            )
            hr_dropped = sorted(hr_gate.dropped)
            retry = garmin_kinds.dropped_retry_at(hr_dropped, before.get("heart_rate"), now)
            if readings or hr_dropped:
                state, reason = garmin_kinds.settled_state(complete, True, hr_dropped, "", None)
            else:
                state, reason = ("empty", None) if complete else ("partial", garmin_kinds.NOT_OVER)
            garmin_kinds_store.record_kind(conn, key, "heart_rate", state, now, reason=reason, retry_at=retry)
        if row is not None and s.get("consumedKilocalories") is not None:
            intake.replace_garmin_intake(conn, key, eaten, now)
            state, reason = (
                garmin_kinds.settled_state(complete, True, food_dropped, "", None)
                if food_dropped
                else ("complete", garmin_kinds.IN_SUMMARY)
            )
            garmin_kinds_store.record_kind(conn, key, "food_log", state, now, reason=reason, retry_at=food_retry)
        elif asked_food:
            # A food log emptied since the last pull removes the intake: unknown, not zero.
            intake.replace_garmin_intake(conn, key, eaten, now)
            state, reason = garmin_kinds.settled_state(complete, True, food_dropped, "", None)
            garmin_kinds_store.record_kind(conn, key, "food_log", state, now, reason=reason, retry_at=food_retry)
        _record_failures(conn, key, data, now, before)
        if row is not None:
            # The reload note stays: Garmin is asked to reload a day once.
            pull_state.record_data_day(conn, key, now, complete, RELOAD_NOTE)
        garmin_kinds_store.settle_day(conn, key)
    for part in (summary_gate, hr_gate, food_gate):
        gate.dropped.update(part.dropped)
    return True


def _record_failures(conn: Any, key: str, data: DayData, now: int, before: dict[str, KindState]) -> None:
    for kind, (reason, refused) in data.failures.items():
        attempts = (before[kind].attempts if kind in before else 0) + 1
        garmin_kinds_store.record_kind(
            conn, key, kind, "failed", now, reason=reason, retry_at=garmin_kinds.retry_at(attempts, now, refused)
        )


def _wellness_row(key: str, s: dict, gate: Gate, offset: int) -> wellness.WellnessDay:
    levels = [
        gate.check(s.get(k), "seconds_day", k)
        for k in ("highlyActiveSeconds", "activeSeconds", "sedentarySeconds", "sleepingSeconds")
    ]
    covered = (
        gate.check(sum(v for v in levels if v is not None), "seconds_day", "covered seconds")
        if any(v is not None for v in levels)
        else None
    )
    return wellness.WellnessDay(
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
    )


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
