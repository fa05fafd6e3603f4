"""A pulled Garmin Connect day in words, per kind, for `wearsync recordings` and the dashboard's
sources view: "summary, heart rate stored; food log refused (HTTP 403), asked again 2026-12-09;
weigh-ins asked". Nothing here sends a request or writes."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

from wearsync.store.garmin_kinds import KINDS, DayOverview, KindState
from wearsync.sync import garmin_kinds, garmin_state

NAMES = {"summary": "summary", "heart_rate": "heart rate", "food_log": "food log"}


def describe(day: DayOverview, *, nutrition: bool = True, now: float | None = None) -> str:
    """What the day holds and what later pulls will ask of it."""
    now = time.time() if now is None else now
    summary = day.kinds.get("summary")
    if day.state == "failed":
        return f"summary failed ({day.reason}), {_when(summary.retry_at if summary else None, now)}"
    if day.state == "empty":
        until = (day.first_empty_at or day.fetched_at) + garmin_state.EMPTY_RECHECK_S
        later = f"asked again until {_date(until)}" if until > now else "not asked again (two weeks have passed)"
        return f"empty at Garmin (nothing synced for the day), {later}"
    groups: dict[str, list[str]] = {}
    for kind in KINDS:
        phrase = _phrase(kind, day.kinds.get(kind), date.fromisoformat(day.local_day), nutrition, now)
        groups.setdefault(phrase, []).append(NAMES[kind])
    parts = [f"{', '.join(names)} {phrase}" for phrase, names in groups.items()]
    if day.weigh_ins_reason:
        parts.append(f"weigh-ins failed ({day.weigh_ins_reason}), asked again by the next pull")
    else:
        parts.append("weigh-ins asked" if day.weigh_ins_complete else "weigh-ins asked again by the next pull")
    return "; ".join(parts)


def _phrase(kind: str, state: KindState | None, day: date, nutrition: bool, now: float) -> str:
    if state is None:
        if kind == "food_log" and not nutrition:
            return "not asked (nutrition logging is not used on this account; checked again weekly)"
        return "not asked yet"
    if state.state == "complete":
        return "stored"
    if state.state == "empty":
        return "none at Garmin" + (f" ({state.reason})" if state.reason else "")
    if state.state == "partial":
        last = day + timedelta(days=garmin_kinds.RECHECK_DAYS)
        if state.retry_at is not None or date.fromtimestamp(now) <= last:
            return f"stored, asked again by later pulls until {last} ({state.reason})"
        return f"stored, not asked again ({state.reason}; `pull --force --since {day} --until {day}` asks it)"
    reason = state.reason or "no reason kept"
    verb = "refused" if reason.startswith("HTTP 403") else "not found" if reason.startswith("HTTP 404") else "failed"
    return f"{verb} ({reason}), {_when(state.retry_at, now)}"


def _when(retry_at: int | None, now: float) -> str:
    if retry_at is None or retry_at <= now:
        return "asked again by the next pull"
    return f"asked again {_date(retry_at)}"


def _date(at: float) -> str:
    return datetime.fromtimestamp(at).date().isoformat()
