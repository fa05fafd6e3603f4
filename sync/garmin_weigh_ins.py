"""Garmin Connect weigh-ins: asked once per run of pulled days still to ask
(`garmin_state.weigh_in_ranges`, one dateRange request a run), a failed run costing only
itself (recorded with its reason, asked again with the back-off of a day's kinds: a refusal after
a day, then 2, 4 ... up to 30 days, any other failure by the next pull, then the same) and a
malformed weigh-in only itself. Values pass the value gate; the body is kept as the bytes Garmin sent.
"""

from __future__ import annotations

import json
import time
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
from wearsync.store import Store
from wearsync.store import garmin as pull_state
from wearsync.store.weigh_ins import TimedWeighIn, insert_timed_weigh_ins
from wearsync.sync import garmin_kinds, garmin_state
from wearsync.sync.garmin_client import GarminSession
from wearsync.sync.garmin_summary import GarminPullSummary
from wearsync.sync.gate import LIMITS, Gate, check_day, is_number


def pull_weigh_ins(
    store: Store,
    session: GarminSession,
    start: date,
    end: date,
    today: date,
    summary: GarminPullSummary,
    *,
    force: bool = False,
) -> None:
    """Ask for the weigh-ins of each run of pulled days in start..end still to ask (one
    dateRange request a run) and store them; a run whose answer cannot be used is recorded
    with its reason and asked again after its back-off (`force`: whatever the back-off)."""
    settled = date.fromordinal(today.toordinal() - garmin_state.SETTLE_DAYS)
    for first, last in garmin_state.weigh_in_ranges(store, start, end, force=force):
        span = f"{first.isoformat()}..{last.isoformat()}"
        summary.weigh_in_requests += 1
        reason, body, raw, refused = None, None, None, False
        try:
            body, raw = session.call_raw(
                f"weigh-ins {span}", session.garmin.get_body_composition, first.isoformat(), last.isoformat()
            )
        except (GarminUnavailable, GarminAuthError, GarminRateLimited):
            raise
        except GarminError as exc:
            reason, refused = str(exc), isinstance(exc, (GarminRefused, GarminGone))
        items = body.get("dateWeightList") if isinstance(body, dict) else None
        if reason is None and not isinstance(items, list):
            reason = f"Garmin Connect sent weigh-ins for {span} that are not a list of weigh-ins"
        if reason is not None:
            now = time.time()
            with store.transaction() as conn:
                failures = pull_state.weigh_ins_failures(conn, first, last) + 1
                retry_at = garmin_kinds.retry_at(failures, now, refused)
                pull_state.record_weigh_ins_failed(conn, first, last, reason, retry_at)
            when = "by the next pull" if retry_at <= now else f"after {datetime.fromtimestamp(retry_at):%Y-%m-%d %H:%M}"
            summary.weigh_in_failures[span] = reason
            summary.warnings.append(f"weigh-ins {span}: {reason}; asked again {when}")
            continue
        assert isinstance(items, list)  # else a reason above
        gate, weigh_ins = Gate(), []
        for item in items:
            checked = garmin_weigh_in(item, first, last, gate)
            if isinstance(checked, str):
                summary.warnings.append(checked)
            else:
                weigh_ins.append(checked)
        summary.warnings.extend(f"weigh-ins {span}: {w}" for w in gate.warnings())
        with store.transaction() as conn:
            pull_state.keep_body(conn, "weight", span, int(time.time()), raw or json.dumps(body).encode())
            summary.weigh_ins_new += insert_timed_weigh_ins(conn, weigh_ins, "garmin")
            # A day still young at Garmin is asked again: a weigh-in may come later that day.
            pull_state.record_weigh_ins_asked(conn, first, last, settled)


def garmin_weigh_in(item: Any, first: date, last: date, gate: Gate) -> TimedWeighIn | str:
    """One `dateWeightList` item (weight in grams, `timestampGMT` and `date` in epoch ms,
    `calendarDate` the local day) as a weigh-in, or the one-line reason it is skipped; `gate`
    drops a bad body fat or UTC offset and keeps the weigh-in."""
    if not isinstance(item, dict):
        return f"a Garmin weigh-in of {first}..{last} skipped: not a JSON object"
    day = item.get("calendarDate")
    try:
        local_day = check_day(day) if isinstance(day, str) else None
    except ValueError:
        local_day = None
    named = f"a Garmin weigh-in of {day if local_day else f'{first}..{last}'}"
    if local_day is None or not first <= local_day <= last:
        return f"{named} skipped: its calendarDate {day!r} is not a day of {first}..{last}"
    required = Gate(gate.now)  # a weigh-in without these is skipped with its reason, not counted
    grams = item.get("weight")
    kg = required.check_float(grams / 1000 if is_number(grams) else grams, "weight_kg", "weight")
    if kg is None:
        limit = LIMITS["weight_kg"]
        return (
            f"{named} skipped: weight {grams!r} is not grams of a plausible weight "
            f"({limit.low:,.0f} to {limit.high:,.0f} kg: {limit.why})"
        )
    gmt_ms = item.get("timestampGMT")
    ts = required.time(gmt_ms // 1000 if is_number(gmt_ms) else gmt_ms, "weigh-in time")
    if ts is None:
        return f"{named} skipped: timestampGMT {gmt_ms!r} is not a plausible time in epoch milliseconds"
    local_ms = item.get("date")
    offset = gate.check(
        (local_ms - gmt_ms) // 1000 if is_number(local_ms) and is_number(gmt_ms) else None,
        "utc_offset_s",
        "weigh-in UTC offset",
    )
    fat = gate.check_float(item.get("bodyFat"), "body_fat_percent", "body fat")
    return TimedWeighIn(local_day.isoformat(), ts, offset, kg, fat, None)
