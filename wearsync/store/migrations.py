"""The store's schema: the migrations that build it, applied in order, each in its own transaction.

`PRAGMA user_version` counts the migrations a store has had; a migration is an SQL script, or
a function run in the migration's transaction (with foreign keys off) that returns lines to tell
the person. Never edit one that shipped: add the next.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from wearsync.errors import StoreError
from wearsync.store import snapshots
from wearsync.store.garmin_kinds import create_day_kinds
from wearsync.store.originals import tidy_by_writer
from wearsync.store.strict_schema import create_weigh_ins, to_strict_tables

if TYPE_CHECKING:
    from wearsync.store.connection import Store

DB_NAME = "wearsync.db"
Migration = str | Callable[[sqlite3.Connection], list[str]]


def _readings_to_series(conn: sqlite3.Connection) -> list[str]:
    from wearsync.store.hr_series import (
        readings_to_series,  # numpy: loaded only to upgrade an older store
    )

    return readings_to_series(conn)


def _values_to_series(conn: sqlite3.Connection) -> list[str]:
    from wearsync.store.monitoring_series import (
        values_to_series,  # numpy: loaded only to upgrade an older store
    )

    return values_to_series(conn)


def _weigh_ins_asked(conn: sqlite3.Connection) -> list[str]:
    """Garmin Connect weigh-ins, per day: whether they were asked once the day had settled
    (0: ask again), and why the last request failed. Skips columns already there."""
    have = {row[1] for row in conn.execute("PRAGMA table_info(garmin_days)")}
    if "weigh_ins_complete" not in have:
        conn.execute("ALTER TABLE garmin_days ADD COLUMN weigh_ins_complete INTEGER NOT NULL DEFAULT 0")
    if "weigh_ins_reason" not in have:
        conn.execute("ALTER TABLE garmin_days ADD COLUMN weigh_ins_reason TEXT")
    return []


def _weigh_ins_back_off(conn: sqlite3.Connection) -> list[str]:
    """Garmin Connect weigh-ins, per day: when a failed request is asked again, and how many
    failed in a row. Skips columns already there."""
    have = {row[1] for row in conn.execute("PRAGMA table_info(garmin_days)")}
    if "weigh_ins_retry_at" not in have:
        conn.execute("ALTER TABLE garmin_days ADD COLUMN weigh_ins_retry_at INTEGER")
    if "weigh_ins_attempts" not in have:
        conn.execute("ALTER TABLE garmin_days ADD COLUMN weigh_ins_attempts INTEGER NOT NULL DEFAULT 0")
    return []


# Times are Unix seconds (UTC); local days are ISO dates in the wearer's own zone,
# which each row carries as utc_offset_s. Energy in kcal, heights in metres.
MIGRATIONS: list[Migration] = [
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
    -- Per local day, the merged heart rate of each minute that has a reading (docs/metrics.md,
    -- Intensity minutes step 1), packed: minutes = int32 Unix minutes (UTC), bpm = float64, sources = uint8
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
    # Reads never fail on stored data: STRICT data tables whose CHECKs hold the import gate's
    # limits; rows of an older store that break them move to the table quarantine.
    to_strict_tables,
    # The days the analytics refresh could not compute, and why (shown in the reports).
    """
    CREATE TABLE analytics_unavailable (
        local_day TEXT PRIMARY KEY,
        reason TEXT NOT NULL
    );
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
    # Weigh-ins in kg, from scale files, typed in, CSV files and Garmin Connect (docs/metrics.md, Weight).
    create_weigh_ins,
    # Heart rate as packed columns, a row per recording or Garmin day, instead of a row per reading.
    _readings_to_series,
    # Garmin Connect weigh-ins are asked per run of days: each day remembers whether its
    # weigh-ins were asked after it settled, so a resumed pull asks only for the rest.
    _weigh_ins_asked,
    # The local days whose cached minutes are behind the store: a report refreshes only the days it
    # reads, the rest wait here for a later refresh (reports/cache.py). IF NOT EXISTS: run again on a
    # store whose version was set back (tests/unit/test_hr_series_migration.py) it changes nothing.
    """
    CREATE TABLE IF NOT EXISTS analytics_stale_days (
        local_day TEXT PRIMARY KEY
    );
    """,
    # A FIT day stores only the device's resting heart rate (monitoring_hr_data, 211); the
    # estimate from readings moved to the analytics (analytics/resting_hr.py), cached per day
    # beside the minutes: the estimates stored before (a FIT row's value without the device's
    # that day) go, and forgetting the units the caches were built from has the next report
    # compute every day's estimate (with its minutes). IF NOT EXISTS: safe to run again on a store
    # that has the table (as tests that wind the version back do).
    """
    CREATE TABLE IF NOT EXISTS analytics_resting (
        local_day TEXT PRIMARY KEY,
        resting_hr INTEGER NOT NULL
    ) STRICT;
    DELETE FROM analytics_units;
    UPDATE wellness SET resting_hr = NULL
        WHERE source <> 'garmin' AND resting_hr IS NOT NULL AND NOT EXISTS (SELECT 1 FROM monitoring_values m
            WHERE m.serial IN (SELECT DISTINCT COALESCE(serial, 0) FROM recordings)
            AND m.local_day = wellness.local_day AND m.metric = 'resting_hr');
    """,
    # The store's data generation and the last week the dashboard drew, for its next first frame
    # (snapshots.py). IF NOT EXISTS, OR IGNORE: safe to run again.
    snapshots.CREATE,
    # Monitoring values as packed columns, a row per recording and local day instead of a row per
    # value (issue 23: each file's wellness read all of them; monitoring_series.py).
    _values_to_series,
    # The importer's other reads of a file through an index, not the whole table (issue 23): the
    # same device's activities near a time (recordings.nearest_device_offset), and a recording's
    # activities and Garmin activities when a whole copy takes a damaged one's place.
    """
    CREATE INDEX IF NOT EXISTS activities_by_start ON activities(start_utc);
    CREATE INDEX IF NOT EXISTS activities_by_recording ON activities(recording_id);
    CREATE INDEX IF NOT EXISTS garmin_activities_by_recording ON garmin_activities(recording_id);
    """,
    # Garmin Connect days per kind (summary, heart rate, food log): a failure of one kind on one day
    # costs that kind only, and a day is asked again until each kind has settled (issue 24).
    create_day_kinds,
    # A failed weigh-ins request is asked again with the back-off of the day's other kinds (issue 24).
    _weigh_ins_back_off,
    # Originals are tidied by the writer that kept or forgot them, not by every open: a forgotten
    # recording's sha256 waits in loose_originals until its original is gone (originals.py).
    tidy_by_writer,
]


def migrate(store: Store) -> None:
    """Apply the migrations this store lacks, each deciding the version in its own transaction.

    Two processes opening a new store at once: the second waits for the first's write lock,
    then finds the version already moved on and applies nothing twice.
    """
    if store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS):
        return
    # SQLite's procedure for rebuilding a table: foreign keys off, checked before commit.
    store.conn.execute("PRAGMA foreign_keys = OFF")
    try:
        while True:
            with store.transaction() as conn:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version > len(MIGRATIONS):
                    raise StoreError(
                        f"{store.data_dir / DB_NAME}: written by a newer wearsync (schema {version}); upgrade wearsync"
                    )
                if version == len(MIGRATIONS):
                    break
                migration = MIGRATIONS[version]
                if callable(migration):
                    store.notices += migration(conn)
                else:
                    for statement in _statements(migration):
                        conn.execute(statement)
                if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                    raise StoreError(
                        f"{store.data_dir / DB_NAME}: migration {version + 1} left rows "
                        "whose parent is gone; nothing was changed"
                    )
                conn.execute(f"PRAGMA user_version = {version + 1}")
    finally:
        store.conn.execute("PRAGMA foreign_keys = ON")
    _give_back_freed_space(store)


def _give_back_freed_space(store: Store) -> None:
    """After migrations that left most of the file free (migration 6: 532 MB of readings rows
    become 40 MB of series; migration 13 the rows of monitoring values), the file rewritten
    without the free pages. VACUUM is one transaction of its own: a failure (a full disk) leaves
    the store as it was, only larger, and says so."""
    pages, free = (store.conn.execute(f"PRAGMA {name}").fetchone()[0] for name in ("page_count", "freelist_count"))
    if free * 4 <= pages:
        return
    try:
        store.conn.execute("VACUUM")
    except sqlite3.Error as exc:
        size = store.conn.execute("PRAGMA page_size").fetchone()[0]
        store.notices.append(
            f"{store.data_dir / DB_NAME}: the upgrade left {free * size / 1e6:.0f} MB free inside the file "
            f"and giving it back failed ({exc}); the store works as it is"
        )


def _statements(script: str) -> list[str]:
    parts, current = [], []
    for line in script.splitlines():
        current.append(line)
        if sqlite3.complete_statement("\n".join(current)):
            parts.append("\n".join(current).strip())
            current = []
    return [p for p in parts if p]
