"""Tables data_generation and week_snapshot: a count of the store's changes, and the last week report
the dashboard drew, kept so the next start draws its first frame before polars and the analytics load.

The generation is one number that `Store.transaction` moves on in every transaction that changed a
row (any table: readings, intake, weigh-ins, forgetting, the analytics caches, state), in that same
transaction, so no write can leave it where it was. A snapshot records the generation its report
read; a different one now means the data changed since (docs/architecture.md, The first frame).
The snapshot itself is written outside `transaction`, in one statement: it is a copy, not data.
"""

from __future__ import annotations

import sqlite3
import time
from typing import NamedTuple

# The migration that makes both tables (one row each).
CREATE = """
CREATE TABLE IF NOT EXISTS data_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
) STRICT;
INSERT OR IGNORE INTO data_generation (id, generation) VALUES (1, 0);
CREATE TABLE IF NOT EXISTS week_snapshot (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    week_start TEXT NOT NULL,       -- the week it is a report of (ISO date of its first day)
    as_of TEXT NOT NULL,            -- the report's "today"
    fingerprint TEXT NOT NULL,      -- of the settings and the report's shape it was computed with
    generation INTEGER NOT NULL,    -- data_generation when its report read the store
    computed_at REAL NOT NULL,      -- Unix time
    report TEXT NOT NULL            -- the WeekReport's JSON (models.as_json)
) STRICT;
"""


class Snapshot(NamedTuple):
    week_start: str
    as_of: str
    fingerprint: str
    generation: int
    computed_at: float
    report: str
    generation_now: int  # the store's generation when it was read


def generation(conn: sqlite3.Connection) -> int:
    """The store's data generation now."""
    row = conn.execute("SELECT generation FROM data_generation WHERE id = 1").fetchone()
    return int(row[0]) if row else 0


def bump(conn: sqlite3.Connection) -> None:
    """Move the generation on, inside the caller's transaction (Store.transaction does, for every write)."""
    conn.execute("UPDATE data_generation SET generation = generation + 1 WHERE id = 1")


def read(conn: sqlite3.Connection) -> Snapshot | None:
    """The kept snapshot and the generation now, read together; None if none is kept."""
    row = conn.execute(
        "SELECT s.week_start, s.as_of, s.fingerprint, s.generation, s.computed_at, s.report, g.generation "
        "FROM week_snapshot s, data_generation g WHERE s.id = 1 AND g.id = 1"
    ).fetchone()
    return Snapshot(*row) if row else None


def save(
    conn: sqlite3.Connection, *, week_start: str, as_of: str, fingerprint: str, generation: int, report: str
) -> bool:
    """Keep a week's report (computed now) in place of the last one, unless the store is busy (another process writing):
    a copy is not worth waiting for. False when not kept. Not inside a transaction of the caller's."""
    timeout = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        conn.execute(
            "INSERT OR REPLACE INTO week_snapshot "
            "(id, week_start, as_of, fingerprint, generation, computed_at, report) VALUES (1, ?, ?, ?, ?, ?, ?)",
            (week_start, as_of, fingerprint, generation, time.time(), report),
        )
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode & 0xFF not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise
        return False
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")
    return True
