"""The SQLite store: schema, migrations, transactions and the kept originals.

One file, `wearsync.db`, in the data directory (0700, every folder in it too; files 0600),
WAL mode so the dashboard can read while a `wearsync pull` in another process writes. Every
source unit (a FIT file, a day of Garmin data) is written in one transaction. Originals are
kept content-addressed under `originals/<sha[:2]>/<sha><suffix>`, written durably before
they are linked in; opening the store removes what a killed writer left (temporary files,
originals no recording refers to). A full disk, a folder that cannot be written and a lock
that stays busy end in a StoreError of one line, never a half-written store.
"""

from __future__ import annotations

import errno
import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from wearsync.errors import StoreError
from wearsync.private_files import private_folder, sync_folder, write_private
from wearsync.strict_schema import create_weigh_ins, to_strict_tables
from wearsync.wording import plural

DB_NAME = "wearsync.db"
ORIGINALS = "originals"
PENDING = ".pending"  # the suffix of the marker of an original whose recording is not committed yet
BUSY_TIMEOUT_MS = 10_000
# A write lock still busy after the busy timeout is asked for again this many times, waiting
# BUSY_BACKOFF_S, then twice that, ... in between; then the person is told.
BUSY_RETRIES = 3
BUSY_BACKOFF_S = 0.5
# SQLite's primary result codes for a store that cannot be written, with what to tell the person.
WRITE_FAILURES = {
    sqlite3.SQLITE_FULL: "the disk is full",
    sqlite3.SQLITE_READONLY: "the store is read-only",
    sqlite3.SQLITE_PERM: "permission denied",
    sqlite3.SQLITE_CANTOPEN: "cannot open a file of the store",
    sqlite3.SQLITE_IOERR: "the disk failed to read or write",
}
# A value the schema's CHECK constraints or STRICT types refuse (SQLite's extended result codes).
VALUE_REFUSED = (sqlite3.SQLITE_CONSTRAINT_CHECK, 3091)  # 3091: SQLITE_CONSTRAINT_DATATYPE
# And the system's errors writing files (originals), the same way.
OS_WRITE_FAILURES = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
}

def _readings_to_series(conn: sqlite3.Connection) -> list[str]:
    from wearsync.hr_series import (
        readings_to_series,  # numpy: loaded only to upgrade an older store
    )

    return readings_to_series(conn)


def _weigh_ins_asked(conn: sqlite3.Connection) -> list[str]:
    """Garmin Connect weigh-ins, per day: whether they were asked once the day had settled
    (0: ask again), and why the last request failed. Skips columns already there."""
    have = {row[1] for row in conn.execute("PRAGMA table_info(garmin_days)")}
    if "weigh_ins_complete" not in have:
        conn.execute("ALTER TABLE garmin_days ADD COLUMN weigh_ins_complete INTEGER NOT NULL DEFAULT 0")
    if "weigh_ins_reason" not in have:
        conn.execute("ALTER TABLE garmin_days ADD COLUMN weigh_ins_reason TEXT")
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
]
# A migration is an SQL script, or a function run in the migration's transaction (with foreign
# keys off) that returns lines to tell the person.
Migration = str | Callable[[sqlite3.Connection], list[str]]


class Store:
    """An open store: the connection plus the folder it lives in."""

    def __init__(self, conn: sqlite3.Connection, data_dir: Path):
        self.conn = conn
        self.data_dir = data_dir
        # Lines for the person from opening it (an upgrade, a clean-up), said once by the caller.
        self.notices: list[str] = []

    @classmethod
    def open(cls, data_dir: Path, *, read_only_ok: bool = False) -> Store:
        """Open (creating and migrating as needed) the store in `data_dir`.

        Removes what a killed writer left behind (see `tidy_originals`); `notices` says what
        the upgrade and the clean-up did. A store whose file or folder cannot be written (read-only
        media, another user's) is a StoreError, or with `read_only_ok` read as it is (`read_copy`).
        """
        data_dir = Path(data_dir)
        path = data_dir / DB_NAME
        if path.is_file() and not (os.access(path, os.W_OK) and os.access(data_dir, os.W_OK)):
            if not read_only_ok:
                raise StoreError(f"{path}: the store is read-only; this command writes to it")
            return cls.read_copy(data_dir)
        try:
            private_folder(data_dir)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            os.close(fd)
            os.chmod(path, 0o600)
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
        except OSError as exc:
            raise StoreError(f"{data_dir}: cannot open the store ({exc.strerror})") from exc
        store = cls(conn, data_dir)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            store._retry_busy(lambda: conn.execute("PRAGMA journal_mode = WAL"))
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            store._migrate()
            store.tidy_originals()
        except sqlite3.DatabaseError as exc:
            conn.close()
            if isinstance(exc, sqlite3.OperationalError) and _write_failure(exc):
                raise store._error(exc) from exc
            raise StoreError(f"{path}: not a wearsync store ({exc})") from exc
        except BaseException:
            conn.close()
            raise
        for suffix in ("-wal", "-shm"):
            side = data_dir / (DB_NAME + suffix)
            if side.exists():
                os.chmod(side, 0o600)
        return store

    @classmethod
    def read_copy(cls, data_dir: Path) -> Store:
        """A store that cannot be written, read into memory: the analytics caches a report
        refreshes are written to the copy only. No upgrade and no clean-up: a store that needs
        upgrading is a StoreError saying so."""
        path = data_dir / DB_NAME
        copy = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        # mode=ro needs the WAL's -shm file or a folder to create it in; on read-only media
        # neither is there, and nothing can change the file: it is immutable.
        for mode in ("mode=ro", "immutable=1"):
            try:
                source = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True)
                try:
                    source.backup(copy)
                finally:
                    source.close()
                break
            except sqlite3.OperationalError as exc:
                if mode != "mode=ro":
                    copy.close()
                    raise StoreError(f"{path}: cannot read the store ({exc})") from exc
            except sqlite3.DatabaseError as exc:
                copy.close()
                raise StoreError(f"{path}: not a wearsync store ({exc})") from exc
        version = copy.execute("PRAGMA user_version").fetchone()[0]
        if version != len(MIGRATIONS):
            copy.close()
            raise StoreError(f"{path}: the store is read-only and needs upgrading (schema {version}, this "
                             f"wearsync reads {len(MIGRATIONS)}), which writes to it; open it once where it "
                             "can be written" if version < len(MIGRATIONS) else
                             f"{path}: written by a newer wearsync (schema {version}); upgrade wearsync")
        copy.execute("PRAGMA foreign_keys = ON")
        return cls(copy, data_dir)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """`with Store.open(folder) as store:` closes it however the block ends (a worker's own store)."""
        self.close()

    def _migrate(self) -> None:
        """Apply the migrations this store lacks, each deciding the version in its own transaction.

        Two processes opening a new store at once: the second waits for the first's write lock,
        then finds the version already moved on and applies nothing twice.
        """
        if self.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS):
            return
        # SQLite's procedure for rebuilding a table: foreign keys off, checked before commit.
        self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            while True:
                with self.transaction() as conn:
                    version = conn.execute("PRAGMA user_version").fetchone()[0]
                    if version > len(MIGRATIONS):
                        raise StoreError(f"{self.data_dir / DB_NAME}: written by a newer wearsync "
                                         f"(schema {version}); upgrade wearsync")
                    if version == len(MIGRATIONS):
                        return
                    migration = MIGRATIONS[version]
                    if callable(migration):
                        self.notices += migration(conn)
                    else:
                        for statement in _statements(migration):
                            conn.execute(statement)
                    if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                        raise StoreError(f"{self.data_dir / DB_NAME}: migration {version + 1} left rows "
                                         "whose parent is gone; nothing was changed")
                    conn.execute(f"PRAGMA user_version = {version + 1}")
        finally:
            self.conn.execute("PRAGMA foreign_keys = ON")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is stored, or none of it.

        A full disk or a store that cannot be written raises StoreError (nothing is stored);
        so does a write lock another process holds past every retry.
        """
        self._retry_busy(lambda: self.conn.execute("BEGIN IMMEDIATE"))
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:  # SQLite may have rolled back by itself (a full disk)
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError) and _write_failure(exc):
                raise self._error(exc) from exc
            if isinstance(exc, sqlite3.IntegrityError) and exc.sqlite_errorcode in VALUE_REFUSED:
                raise StoreError(f"{self.data_dir / DB_NAME}: a value outside the store's limits was refused "
                                 f"({exc}); nothing of this change was stored") from exc
            raise

    def _retry_busy(self, step: Callable[[], object]) -> None:
        """Run `step` (which takes the write lock); a lock busy past the busy timeout is asked for again."""
        for attempt in range(BUSY_RETRIES + 1):
            try:
                step()
                return
            except sqlite3.OperationalError as exc:
                if exc.sqlite_errorcode & 0xFF not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                    raise
                if attempt == BUSY_RETRIES:
                    raise StoreError(
                        f"the store is busy: another wearsync process is writing ({self.data_dir / DB_NAME} "
                        f"stayed locked through {BUSY_RETRIES + 1} waits of "
                        f"{self.conn.execute('PRAGMA busy_timeout').fetchone()[0] / 1000:g} s); "
                        "try again when it has finished") from exc
                time.sleep(BUSY_BACKOFF_S * 2 ** attempt)

    def _error(self, exc: sqlite3.OperationalError) -> StoreError:
        return StoreError(f"{self.data_dir / DB_NAME}: cannot write the store: {_write_failure(exc)}; "
                          "nothing of this change was stored")

    def data_version(self) -> int:
        """Changes when another connection commits (for the dashboard's refresh)."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def keep_original(self, data: bytes, suffix: str = ".fit") -> str:
        """Keep a source file's bytes by their sha256 (0600); returns the hash.

        Durable before it is visible: written to a temporary file, synced, renamed into place,
        and the folder synced. Until the writer's recording row is committed, a marker
        `.<sha>.<pid>.pending` tells `tidy_originals` in other processes that it is wanted. A
        kill leaves at most the temporary file and the marker (both removed by the next open,
        with the original if no recording refers to it); a full disk or an unwritable folder
        raises StoreError and leaves nothing.
        """
        sha = hashlib.sha256(data).hexdigest()
        target = self.original_path(sha, suffix)
        tmp = target.with_name(f".{sha}.{os.getpid()}.tmp")
        marker = target.with_name(f".{sha}.{os.getpid()}{PENDING}")
        try:
            created = private_folder(target.parent, within=self.data_dir)
            os.close(os.open(marker, os.O_WRONLY | os.O_CREAT, 0o600))
            if target.exists():
                return sha
            try:
                write_private(target, data, tmp)
            except BaseException:
                marker.unlink(missing_ok=True)
                raise
            for folder in {target.parent, *(c.parent for c in created)}:  # the new entries
                sync_folder(folder)
        except OSError as exc:
            raise StoreError(f"{target.parent}: cannot keep the original "
                             f"({OS_WRITE_FAILURES.get(exc.errno, exc.strerror)})") from exc
        return sha

    def original_path(self, sha: str, suffix: str = ".fit") -> Path:
        return self.data_dir / ORIGINALS / sha[:2] / f"{sha}{suffix}"

    def tidy_originals(self) -> None:
        """Remove what writers that are gone left, and originals no recording refers to.

        A temporary file or pending marker names its writer's process: a live writer's are
        left alone (it is between keeping an original and committing its recording), as is the
        original it marks. Adds a notice when anything was removed.
        """
        root = self.data_dir / ORIGINALS
        if not root.is_dir():
            return
        temporary = unreferenced = 0
        try:
            with self.transaction() as conn:
                known = {sha for (sha,) in conn.execute("SELECT sha256 FROM recordings")}
                wanted = set()
                hidden, originals = [], []
                for path in root.glob("*/*"):
                    (hidden if path.name.startswith(".") else originals).append(path)
                for path in hidden:
                    sha, alive = path.name.split(".")[1], _writer_alive(path.name)
                    if path.name.endswith(PENDING) and alive and sha not in known:
                        wanted.add(sha)
                    elif path.name.endswith(PENDING):  # committed, or its writer is gone
                        path.unlink(missing_ok=True)
                    elif not alive:
                        path.unlink(missing_ok=True)
                        temporary += 1
                for path in originals:
                    if path.name.split(".")[0] not in known | wanted:
                        path.unlink(missing_ok=True)
                        unreferenced += 1
        except OSError as exc:
            raise StoreError(f"{root}: cannot tidy the kept originals "
                             f"({OS_WRITE_FAILURES.get(exc.errno, exc.strerror)})") from exc
        if temporary or unreferenced:
            self.notices.append(
                f"store tidied: removed {plural(temporary, 'temporary file')} and "
                f"{plural(unreferenced, 'original')} no recording refers to (left by an interrupted "
                "import or a forgotten recording)")

    def get_state(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_state(self, conn: sqlite3.Connection, key: str, value: str) -> None:
        """Set a state value inside the caller's transaction."""
        conn.execute("INSERT INTO state(key, value) VALUES (?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))


def _writer_alive(tmp_name: str) -> bool:
    """Whether the process named in a `.<sha>.<pid>.tmp` file still runs (so it is still writing)."""
    try:
        pid = int(tmp_name.split(".")[2])
    except (IndexError, ValueError):
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_failure(exc: sqlite3.OperationalError) -> str | None:
    return WRITE_FAILURES.get(getattr(exc, "sqlite_errorcode", 0) & 0xFF)


def _statements(script: str) -> list[str]:
    parts, current = [], []
    for line in script.splitlines():
        current.append(line)
        if sqlite3.complete_statement("\n".join(current)):
            parts.append("\n".join(current).strip())
            current = []
    return [p for p in parts if p]
