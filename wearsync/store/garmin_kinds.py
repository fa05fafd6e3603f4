"""Garmin Connect's pull state per day and per kind (table garmin_day_kinds): what the last ask of
a day's summary, heart rate or food log gave.

A kind is 'complete' (stored, settled), 'empty' (Garmin had nothing for it), 'partial' (stored,
but asked again: the day was not over, values were dropped at the gate, its totals changed or
are still to be confirmed), or 'failed' (`reason`, asked again from `retry_at`, `attempts`
failures in a row); without a row it was never asked. `fingerprint` is what the last answer's
totals were, to see them change. Weigh-ins keep their own columns in garmin_days (asked per run
of days, not per day).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

KINDS = ("summary", "heart_rate", "food_log")

CREATE = """
CREATE TABLE IF NOT EXISTS garmin_day_kinds (
    local_day TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('summary', 'heart_rate', 'food_log')),
    state TEXT NOT NULL CHECK (state IN ('complete', 'empty', 'partial', 'failed')),
    reason TEXT,
    asked_at INTEGER NOT NULL,
    retry_at INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    fingerprint TEXT,
    PRIMARY KEY (local_day, kind)
) STRICT;
"""


@dataclass(frozen=True, slots=True)
class KindState:
    state: str
    reason: str | None
    asked_at: int
    retry_at: int | None
    attempts: int
    fingerprint: str | None


def create_day_kinds(conn: sqlite3.Connection) -> list[str]:
    """The migration: the table, and for every day pulled before, its kinds as the day's state says
    (a day stored whole: each kind settled, its heart rate empty without readings; a day not over
    yet: each kind asked again; a failed day: its summary asked again; an empty day: empty)."""
    conn.execute(CREATE)
    conn.execute(
        "INSERT OR IGNORE INTO garmin_day_kinds (local_day, kind, state, reason, asked_at, retry_at) "
        "SELECT local_day, 'summary', CASE state WHEN 'data' THEN CASE WHEN complete THEN 'complete' "
        "ELSE 'partial' END ELSE state END, CASE WHEN state = 'failed' THEN reason END, fetched_at, "
        "CASE WHEN state = 'failed' THEN 0 END FROM garmin_days"
    )
    conn.execute(
        "INSERT OR IGNORE INTO garmin_day_kinds (local_day, kind, state, reason, asked_at) "
        "SELECT d.local_day, 'heart_rate', CASE WHEN d.complete = 0 THEN 'partial' WHEN EXISTS "
        "(SELECT 1 FROM hr_series h WHERE h.garmin_day = d.local_day) THEN 'complete' ELSE 'empty' END, "
        "CASE WHEN d.complete = 0 THEN d.reason END, d.fetched_at FROM garmin_days d WHERE d.state = 'data'"
    )
    conn.execute(
        "INSERT OR IGNORE INTO garmin_day_kinds (local_day, kind, state, asked_at) "
        "SELECT local_day, 'food_log', CASE WHEN complete THEN 'complete' ELSE 'partial' END, fetched_at "
        "FROM garmin_days WHERE state = 'data'"
    )
    return []


def day_kinds(conn: sqlite3.Connection, first: date, last: date) -> dict[str, dict[str, KindState]]:
    """Per day first..last with any kind asked: kind -> its state."""
    found: dict[str, dict[str, KindState]] = {}
    for day, kind, state, reason, asked_at, retry_at, attempts, fingerprint in conn.execute(
        "SELECT local_day, kind, state, reason, asked_at, retry_at, attempts, fingerprint FROM garmin_day_kinds "
        "WHERE local_day BETWEEN :first AND :last",
        {"first": first.isoformat(), "last": last.isoformat()},
    ):
        found.setdefault(day, {})[kind] = KindState(state, reason, asked_at, retry_at, attempts, fingerprint)
    return found


def record_kind(
    conn: sqlite3.Connection,
    day: str,
    kind: str,
    state: str,
    now: int,
    *,
    reason: str | None = None,
    retry_at: int | None = None,
    fingerprint: str | None = None,
) -> None:
    """What the last ask of `kind` of `day` gave; failures in a row, and partial answers asked again
    with a back-off, are counted (for the back-off)."""
    conn.execute(
        "INSERT INTO garmin_day_kinds (local_day, kind, state, reason, asked_at, retry_at, attempts, fingerprint) "
        "VALUES (:day, :kind, :state, :reason, :now, :retry_at, :failed, :fingerprint) "
        "ON CONFLICT (local_day, kind) DO UPDATE SET state = excluded.state, reason = excluded.reason, "
        "asked_at = excluded.asked_at, retry_at = excluded.retry_at, "
        "attempts = CASE WHEN excluded.state = 'failed' OR (excluded.state = 'partial' AND excluded.retry_at "
        "IS NOT NULL) THEN garmin_day_kinds.attempts + 1 ELSE 0 END, "
        "fingerprint = COALESCE(excluded.fingerprint, garmin_day_kinds.fingerprint)",
        {
            "day": day,
            "kind": kind,
            "state": state,
            "reason": reason,
            "now": now,
            "retry_at": retry_at,
            "failed": int(state == "failed"),
            "fingerprint": fingerprint,
        },
    )


def settle_day(conn: sqlite3.Connection, day: str) -> None:
    """garmin_days.complete: 1 once no kind of the day is partial or failed."""
    conn.execute(
        "UPDATE garmin_days SET complete = NOT EXISTS (SELECT 1 FROM garmin_day_kinds k WHERE k.local_day = "
        ":day AND k.state IN ('partial', 'failed')) WHERE local_day = :day",
        {"day": day},
    )


def forget_day(conn: sqlite3.Connection, day: str) -> None:
    conn.execute("DELETE FROM garmin_day_kinds WHERE local_day = :day", {"day": day})


@dataclass(frozen=True, slots=True)
class DayOverview:
    """A pulled day as `recordings` and the sources view show it."""

    local_day: str
    fetched_at: int
    state: str  # garmin_days.state: data, empty, failed
    reason: str | None
    first_empty_at: int | None
    weigh_ins_complete: bool
    weigh_ins_reason: str | None
    kinds: dict[str, KindState]


def day_overviews(conn: sqlite3.Connection) -> list[DayOverview]:
    """Every pulled day with its kinds, oldest first."""
    kinds: dict[str, dict[str, KindState]] = {}
    for day, kind, state, reason, asked_at, retry_at, attempts, fingerprint in conn.execute(
        "SELECT local_day, kind, state, reason, asked_at, retry_at, attempts, fingerprint FROM garmin_day_kinds"
    ):
        kinds.setdefault(day, {})[kind] = KindState(state, reason, asked_at, retry_at, attempts, fingerprint)
    return [
        DayOverview(day, fetched_at, state, reason, first_empty_at, bool(complete), weigh_reason, kinds.get(day, {}))
        for day, fetched_at, state, reason, first_empty_at, complete, weigh_reason in conn.execute(
            "SELECT local_day, fetched_at, state, reason, first_empty_at, weigh_ins_complete, weigh_ins_reason "
            "FROM garmin_days ORDER BY local_day"
        )
    ]
