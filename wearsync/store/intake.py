"""Table intake: calories eaten, one value per local day and source ('manual', 'csv', 'garmin')."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import TYPE_CHECKING

from wearsync.analytics.sources import OWN_SOURCES

if TYPE_CHECKING:
    import polars as pl


# The person's own entries of a day, as the store's reads and deletes name them:
# "local_day = :day AND source IN (:manual, :csv)".
def own_entries_of(day: date) -> dict[str, str]:
    return {"day": day.isoformat(), "manual": OWN_SOURCES[0], "csv": OWN_SOURCES[1]}


def replace_own_intake(conn: sqlite3.Connection, day: date, source: str, kcal: int, entered_at: int) -> int | None:
    """Store the person's own entry of `day`, replacing theirs; returns the kcal it replaced (None: none)."""
    replaced = remove_own_intake(conn, day)
    conn.execute(
        "INSERT INTO intake (local_day, source, kcal, entered_at) VALUES (:day, :source, :kcal, :at)",
        {"day": day.isoformat(), "source": source, "kcal": kcal, "at": entered_at},
    )
    return replaced


def remove_own_intake(conn: sqlite3.Connection, day: date) -> int | None:
    """Remove the person's own entry of `day`; returns its kcal (None: there was none)."""
    own = own_entries_of(day)
    row = conn.execute(
        "SELECT kcal FROM intake WHERE local_day = :day AND source IN (:manual, :csv) ORDER BY entered_at DESC LIMIT 1",
        own,
    ).fetchone()
    conn.execute("DELETE FROM intake WHERE local_day = :day AND source IN (:manual, :csv)", own)
    return int(row[0]) if row else None


def replace_garmin_intake(conn: sqlite3.Connection, day: str, kcal: int | None, entered_at: int) -> None:
    """Garmin's food log of `day`: None removes it (a food log emptied since: unknown, not zero)."""
    conn.execute("DELETE FROM intake WHERE local_day = :day AND source = 'garmin'", {"day": day})
    if kcal is not None:
        conn.execute(
            "INSERT INTO intake (local_day, source, kcal, entered_at) VALUES (:day, 'garmin', :kcal, :at)",
            {"day": day, "kcal": kcal, "at": entered_at},
        )


def read_intake(conn: sqlite3.Connection, first: date | None = None, last: date | None = None) -> pl.DataFrame:
    """Intake entries of every source for local days first..last."""
    from wearsync.analytics.energy import INTAKE_SCHEMA  # polars: loaded by the read side only
    from wearsync.store.frames import day_range, query_frame

    return query_frame(
        conn,
        "SELECT local_day, source, kcal, entered_at FROM intake WHERE local_day BETWEEN :first AND :last",
        day_range(first, last),
        INTAKE_SCHEMA,
    )
