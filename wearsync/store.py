"""The SQLite store: schema, migrations, transactions and the kept originals.

One file, `wearsync.db`, in the data directory (0700; files 0600), WAL mode so the
dashboard can read while a `wearsync pull` in another process writes. Every source
unit (a FIT file, a day of Garmin data) is written in one transaction.
Originals are kept content-addressed under `originals/<sha[:2]>/<sha><suffix>`.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from wearsync.errors import StoreError

DB_NAME = "wearsync.db"
BUSY_TIMEOUT_MS = 10_000

# Times are Unix seconds (UTC); local days are ISO dates in the wearer's own zone,
# which each row carries as utc_offset_s. Energy in kcal, heights in metres.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE recordings (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        serial INTEGER,
        time_created INTEGER,
        file_type TEXT,
        manufacturer INTEGER,
        product INTEGER,
        source TEXT NOT NULL,              -- 'file', 'garmin'
        path TEXT NOT NULL,                -- where it was first seen
        status TEXT NOT NULL,              -- 'imported' or 'skipped'
        reason TEXT,                       -- why skipped, or the warnings of an import
        reader TEXT,                       -- which FIT reader decoded it
        damaged INTEGER NOT NULL DEFAULT 0, -- the reader kept only part of it (cut, bad CRC)
        imported_at INTEGER NOT NULL
    );
    CREATE INDEX recordings_identity ON recordings(serial, time_created);

    CREATE TABLE activities (
        id INTEGER PRIMARY KEY,
        recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
        sport TEXT,
        sub_sport TEXT,
        start_utc INTEGER NOT NULL,
        utc_offset_s INTEGER NOT NULL,
        local_day TEXT NOT NULL,
        elapsed_s REAL,
        timer_s REAL,
        calories INTEGER,
        avg_hr INTEGER,
        max_hr INTEGER,
        ascent_m REAL,
        steps INTEGER
    );
    CREATE INDEX activities_by_day ON activities(local_day);

    CREATE TABLE strength_sets (
        activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        start_utc INTEGER,
        duration_s REAL,
        set_type TEXT,                     -- 'active' or 'rest'
        repetitions INTEGER,
        weight_kg REAL,
        category INTEGER,
        PRIMARY KEY (activity_id, position)
    );

    CREATE TABLE hr_readings (
        ts INTEGER NOT NULL,
        bpm INTEGER,                       -- NULL: the source said "no value" (Garmin's empty slots)
        utc_offset_s INTEGER NOT NULL,
        source TEXT NOT NULL,              -- 'activity', 'monitoring', 'garmin'
        recording_id INTEGER REFERENCES recordings(id) ON DELETE CASCADE,
        garmin_day TEXT
    );
    CREATE INDEX hr_by_ts ON hr_readings(ts);
    CREATE INDEX hr_by_recording ON hr_readings(recording_id);
    CREATE INDEX hr_by_garmin_day ON hr_readings(garmin_day);

    -- Monitoring values as the device wrote them, each assigned to the local day it
    -- belongs to (a running total stamped at local midnight closes the day before).
    -- kind 'total' = running total since local midnight, 'increment' = a delta.
    CREATE TABLE monitoring_values (
        serial INTEGER NOT NULL,
        local_day TEXT NOT NULL,
        ts INTEGER NOT NULL,
        activity_type INTEGER NOT NULL,
        metric TEXT NOT NULL,              -- steps, active_kcal, ascent_mm, descent_mm, moderate_min, vigorous_min
        kind TEXT NOT NULL,
        value INTEGER NOT NULL,
        recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
        PRIMARY KEY (serial, local_day, ts, activity_type, metric, kind)
    );

    -- One row per local day and source ('fit' from monitoring files, 'garmin' from
    -- Connect's daily summary); NULL = not known.
    CREATE TABLE wellness (
        local_day TEXT NOT NULL,
        source TEXT NOT NULL,
        steps INTEGER,
        ascent_m REAL,
        descent_m REAL,
        active_kcal INTEGER,
        bmr_kcal INTEGER,                  -- resting metabolic rate, kcal a day
        total_kcal INTEGER,                -- burned, when the source states it
        moderate_min INTEGER,              -- the device's own intensity minutes
        vigorous_min INTEGER,
        resting_hr INTEGER,
        utc_offset_s INTEGER,
        covered_s INTEGER,                 -- seconds of the day the source covers
        PRIMARY KEY (local_day, source)
    );

    -- Calories eaten; one value per day and source, a correction replaces it.
    CREATE TABLE intake (
        local_day TEXT NOT NULL,
        source TEXT NOT NULL,              -- 'manual', 'csv', 'garmin'
        kcal INTEGER NOT NULL,
        entered_at INTEGER NOT NULL,
        PRIMARY KEY (local_day, source)
    );

    CREATE TABLE import_events (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        source TEXT NOT NULL,
        path TEXT NOT NULL,
        outcome TEXT NOT NULL,             -- imported, skipped, duplicate, failed
        message TEXT
    );

    -- Garmin Connect: raw bodies, which days are complete, activities seen, sync state.
    CREATE TABLE garmin_responses (
        id INTEGER PRIMARY KEY,
        endpoint TEXT NOT NULL,
        key TEXT NOT NULL,                 -- the day or activity id it is for
        fetched_at INTEGER NOT NULL,
        body BLOB NOT NULL,
        UNIQUE (endpoint, key)
    );
    CREATE TABLE garmin_days (
        local_day TEXT PRIMARY KEY,
        fetched_at INTEGER NOT NULL,
        complete INTEGER NOT NULL
    );
    CREATE TABLE garmin_activities (
        activity_id INTEGER PRIMARY KEY,
        recording_id INTEGER REFERENCES recordings(id),
        start_local TEXT,
        fetched_at INTEGER NOT NULL
    );
    CREATE TABLE sync_runs (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,              -- 'garmin', 'folders', 'import'
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        outcome TEXT,                      -- ok, partial, failed, rate_limited
        message TEXT,
        summary TEXT                       -- JSON
    );
    CREATE TABLE state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # Analytics caches: derived data only, rebuilt from the tables above when missing.
    """
    -- Per local day, the merged heart rate of each minute that has a reading (metrics.md
    -- step 1), packed: minutes = int32 Unix minutes (UTC), bpm = float64, sources = uint8
    -- (0 activity, 1 monitoring, 2 garmin).
    CREATE TABLE analytics_minutes (
        local_day TEXT PRIMARY KEY,
        minutes BLOB NOT NULL,
        bpm BLOB NOT NULL,
        sources BLOB NOT NULL
    );
    -- The heart-rate units (recordings, Garmin days) analytics_minutes was built from, and
    -- the local days each covers: a unit that appears or disappears marks its days stale.
    CREATE TABLE analytics_units (
        unit TEXT PRIMARY KEY,
        first_day TEXT,
        last_day TEXT
    );
    -- Per local day, intensity minutes from heart rate and the settings and limits
    -- (resting and maximum heart rate) they were computed with.
    CREATE TABLE analytics_days (
        local_day TEXT PRIMARY KEY,
        settings TEXT NOT NULL,
        hr_moderate_min INTEGER NOT NULL,
        hr_vigorous_min INTEGER NOT NULL,
        minutes_with_readings INTEGER NOT NULL
    );
    """,
    # Why a Garmin activity was not imported (deleted on Garmin, refused by the importer):
    # the pull records it once and moves on instead of asking again on every pull.
    """
    ALTER TABLE garmin_activities ADD COLUMN note TEXT;
    """,
    # Garmin Connect: what each day and each activity is at Garmin, so a pull fills every gap
    # and asks again for what may still change. A day: 'data', 'empty' (nothing at Garmin yet;
    # asked again for two weeks after it was first found empty) or 'failed' (reason says why);
    # a day with no row is not pulled yet. An activity: 'listed' (not downloaded yet),
    # 'imported', 'duplicate', 'gone' (404/410), 'refused' (403: asked again at retry_at) or
    # 'failed' (the importer refused it).
    """
    ALTER TABLE garmin_days ADD COLUMN state TEXT NOT NULL DEFAULT 'data';
    ALTER TABLE garmin_days ADD COLUMN reason TEXT;
    ALTER TABLE garmin_days ADD COLUMN first_empty_at INTEGER;
    ALTER TABLE garmin_activities ADD COLUMN state TEXT NOT NULL DEFAULT 'listed';
    ALTER TABLE garmin_activities ADD COLUMN name TEXT;
    ALTER TABLE garmin_activities ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE garmin_activities ADD COLUMN retry_at INTEGER;
    UPDATE garmin_activities SET attempts = 1,
        state = CASE WHEN recording_id IS NOT NULL THEN 'imported' ELSE 'failed' END;
    -- Days an earlier wearsync stored with nothing in them (Garmin had no data yet) are
    -- empty: asked again during the two weeks from now.
    UPDATE garmin_days SET state = 'empty', first_empty_at = CAST(strftime('%s', 'now') AS INTEGER)
        WHERE local_day IN (SELECT local_day FROM wellness WHERE source = 'garmin' AND steps IS NULL
                            AND resting_hr IS NULL AND moderate_min IS NULL AND ascent_m IS NULL)
          AND NOT EXISTS (SELECT 1 FROM hr_readings WHERE garmin_day = garmin_days.local_day);
    """,
]


class Store:
    """An open store: the connection plus the folder it lives in."""

    def __init__(self, conn: sqlite3.Connection, data_dir: Path):
        self.conn = conn
        self.data_dir = data_dir

    @classmethod
    def open(cls, data_dir: Path) -> Store:
        """Open (creating and migrating as needed) the store in `data_dir`."""
        data_dir = Path(data_dir)
        try:
            data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(data_dir, 0o700)
            path = data_dir / DB_NAME
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            os.close(fd)
            os.chmod(path, 0o600)
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
        except OSError as exc:
            raise StoreError(f"{data_dir}: cannot open the store ({exc.strerror})") from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            store = cls(conn, data_dir)
            store._migrate()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{data_dir / DB_NAME}: not a wearsync store ({exc})") from exc
        for suffix in ("-wal", "-shm"):
            side = data_dir / (DB_NAME + suffix)
            if side.exists():
                os.chmod(side, 0o600)
        return store

    def close(self) -> None:
        self.conn.close()

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.data_dir / DB_NAME}: written by a newer wearsync (schema {version}); upgrade wearsync"
            )
        for number in range(version, len(MIGRATIONS)):
            with self.transaction() as conn:
                for statement in _statements(MIGRATIONS[number]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number + 1}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is stored, or none of it."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def data_version(self) -> int:
        """Changes when another connection commits (for the dashboard's refresh)."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def keep_original(self, data: bytes, suffix: str = ".fit") -> str:
        """Keep a source file's bytes by their sha256 (atomically, 0600); returns the hash."""
        sha = hashlib.sha256(data).hexdigest()
        folder = self.data_dir / "originals" / sha[:2]
        target = folder / f"{sha}{suffix}"
        if target.exists():
            return sha
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = folder / f".{sha}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
        return sha

    def original_path(self, sha: str, suffix: str = ".fit") -> Path:
        return self.data_dir / "originals" / sha[:2] / f"{sha}{suffix}"

    def get_state(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_state(self, conn: sqlite3.Connection, key: str, value: str) -> None:
        """Set a state value inside the caller's transaction."""
        conn.execute("INSERT INTO state(key, value) VALUES (?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))


def _statements(script: str) -> list[str]:
    parts, current = [], []
    for line in script.splitlines():
        current.append(line)
        if sqlite3.complete_statement("\n".join(current)):
            parts.append("\n".join(current).strip())
            current = []
    return [p for p in parts if p]
