"""Table weigh_ins: one row per weigh-in as its source gave it, in kg (strict_schema.WEIGH_INS)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

# The person's own entries (typed in, from a CSV file): one a day.
OWN_SOURCES = ("manual", "csv")


def replace_own_weight(conn: sqlite3.Connection, day: date, kg: float, source: str, entered_at: int) -> float | None:
    """Store the person's own weight of `day`, replacing theirs; returns the kg it replaced (None: none)."""
    replaced = remove_own_weight(conn, day)
    conn.execute("INSERT INTO weigh_ins (local_day, weight_kg, source, entered_at) "
                 "VALUES (:day, :kg, :source, :at)",
                 {"day": day.isoformat(), "kg": kg, "source": source, "at": entered_at})
    return replaced


def remove_own_weight(conn: sqlite3.Connection, day: date) -> float | None:
    """Remove the person's own weight entry of `day`; returns its kg (None: there was none)."""
    own = {"day": day.isoformat(), "manual": OWN_SOURCES[0], "csv": OWN_SOURCES[1]}
    where = "local_day = :day AND source IN (:manual, :csv)"
    row = conn.execute(f"SELECT weight_kg FROM weigh_ins WHERE {where}", own).fetchone()
    conn.execute(f"DELETE FROM weigh_ins WHERE {where}", own)
    return float(row[0]) if row else None


def add_file_weigh_ins(conn: sqlite3.Connection, rows: Iterable[dict[str, object]]) -> None:
    """A scale file's weigh-ins (keys local_day, ts, utc_offset_s, weight_kg, fat_percent, user_index,
    recording_id, entered_at); one stored before from the same file is left as it is."""
    conn.executemany(
        "INSERT INTO weigh_ins (local_day, ts, utc_offset_s, weight_kg, fat_percent, source, user_index, "
        "recording_id, entered_at) VALUES (:local_day, :ts, :utc_offset_s, :weight_kg, :fat_percent, 'fit', "
        ":user_index, :recording_id, :entered_at) ON CONFLICT DO NOTHING", rows)


def forget_garmin_weigh_ins(conn: sqlite3.Connection, day: str) -> None:
    conn.execute("DELETE FROM weigh_ins WHERE local_day = :day AND source = 'garmin'", {"day": day})


def read_weigh_ins(conn: sqlite3.Connection, last: date) -> pl.DataFrame:
    """Every weigh-in (WEIGH_INS_SCHEMA) up to local day `last`: the trend starts at the first."""
    from wearsync.analytics.weight import WEIGH_INS_SCHEMA  # polars: loaded by the read side only
    from wearsync.store.frames import query_frame

    return query_frame(conn, "SELECT local_day, ts, weight_kg, source, user_index, entered_at FROM weigh_ins "
                       "WHERE local_day <= :last ORDER BY local_day", {"last": last.isoformat()}, WEIGH_INS_SCHEMA)
