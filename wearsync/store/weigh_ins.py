"""Table weigh_ins: one row per weigh-in as its source gave it, in kg (strict_schema.WEIGH_INS)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING

from wearsync.store.intake import own_entries_of

if TYPE_CHECKING:
    import polars as pl


def replace_own_weight(conn: sqlite3.Connection, day: date, kg: float, source: str, entered_at: int) -> float | None:
    """Store the person's own weight of `day`, replacing theirs; returns the kg it replaced (None: none)."""
    replaced = remove_own_weight(conn, day)
    conn.execute(
        "INSERT INTO weigh_ins (local_day, weight_kg, source, entered_at) VALUES (:day, :kg, :source, :at)",
        {"day": day.isoformat(), "kg": kg, "source": source, "at": entered_at},
    )
    return replaced


def remove_own_weight(conn: sqlite3.Connection, day: date) -> float | None:
    """Remove the person's own weight entry of `day`; returns its kg (None: there was none)."""
    own = own_entries_of(day)
    where = "local_day = :day AND source IN (:manual, :csv)"
    row = conn.execute(f"SELECT weight_kg FROM weigh_ins WHERE {where}", own).fetchone()
    conn.execute(f"DELETE FROM weigh_ins WHERE {where}", own)
    return float(row[0]) if row else None


@dataclass(frozen=True, slots=True)
class TimedWeighIn:
    """A weigh-in a scale or Garmin Connect timed, its values already through the gate."""

    local_day: str
    ts: int  # UTC
    utc_offset_s: int | None
    weight_kg: float
    fat_percent: float | None
    user_index: int | None  # the scale's user; None: the source names none


def insert_timed_weigh_ins(
    conn: sqlite3.Connection, weigh_ins: Iterable[TimedWeighIn], source: str, recording_id: int | None = None
) -> int:
    """Store timed weigh-ins inside the caller's transaction; one this source (and file) already
    stored at the same time for the same scale user adds nothing. Returns how many were new."""
    before = conn.total_changes
    now = int(time.time())
    conn.executemany(
        "INSERT INTO weigh_ins (local_day, ts, utc_offset_s, weight_kg, fat_percent, source, user_index, "
        "recording_id, entered_at) VALUES (:local_day, :ts, :utc_offset_s, :weight_kg, :fat_percent, :source, "
        ":user_index, :recording_id, :entered_at) ON CONFLICT DO NOTHING",
        [{**asdict(w), "source": source, "recording_id": recording_id, "entered_at": now} for w in weigh_ins],
    )
    return conn.total_changes - before


def forget_garmin_weigh_ins(conn: sqlite3.Connection, day: str) -> None:
    conn.execute("DELETE FROM weigh_ins WHERE local_day = :day AND source = 'garmin'", {"day": day})


def read_weigh_ins(conn: sqlite3.Connection, last: date) -> pl.DataFrame:
    """Every weigh-in (WEIGH_INS_SCHEMA) up to local day `last`: the trend starts at the first."""
    from wearsync.analytics.weight import WEIGH_INS_SCHEMA  # polars: loaded by the read side only
    from wearsync.store.frames import query_frame

    return query_frame(
        conn,
        "SELECT local_day, ts, weight_kg, source, user_index, entered_at FROM weigh_ins "
        "WHERE local_day <= :last ORDER BY local_day",
        {"last": last.isoformat()},
        WEIGH_INS_SCHEMA,
    )


def day_weigh_in_rows(
    conn: sqlite3.Connection, first: date, last: date, user: int | None
) -> list[tuple[str, int | None, int | None, float, str]]:
    """(local_day, ts, utc_offset_s, weight_kg, source) of the weigh-ins of days first..last of scale
    user `user` or of none, in day order, untimed first, then by time and source."""
    return conn.execute(
        "SELECT local_day, ts, utc_offset_s, weight_kg, source FROM weigh_ins WHERE local_day BETWEEN :first AND :last "
        "AND (user_index IS NULL OR user_index = :user) ORDER BY local_day, ts IS NOT NULL, ts, source",
        {"first": first.isoformat(), "last": last.isoformat(), "user": user},
    ).fetchall()
