"""The connection to the SQLite store: opening (creating and migrating), transactions, busy retries.

One file, `wearsync.db`, in the data directory (0700, every folder in it too; files 0600),
WAL mode so the dashboard can read while a `wearsync pull` in another process writes. Every
source unit (a FIT file, a day of Garmin data) is written in one transaction. Originals are
kept content-addressed under `originals/<sha[:2]>/<sha><suffix>`, written durably before
they are linked in, and tidied by the writer when its transaction ends (originals.py). A full
disk, a folder that cannot be written and a lock that stays busy end in a StoreError of one
line, never a half-written store.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from wearsync.errors import StoreError
from wearsync.private_files import private_folder
from wearsync.store import originals, snapshots, state
from wearsync.store.file_system import refuse_network_file_system
from wearsync.store.migrations import DB_NAME, MIGRATIONS, migrate

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


class Store:
    """An open store: the connection plus the folder it lives in."""

    def __init__(self, conn: sqlite3.Connection, data_dir: Path):
        self.conn = conn
        self.data_dir = data_dir
        # Lines for the person from opening it (an upgrade, a clean-up), said once by the caller.
        self.notices: list[str] = []
        # Whether transactions move the data generation on and settle originals: once the schema is current.
        self.counts_changes = False
        # The markers of the originals kept in the transaction under way, and of those kept ahead
        # of their transactions by sha256 (originals.py).
        self.markers: list[Path] = []
        self.kept_ahead: dict[str, Path] = {}
        self.tidied_after_others = False  # what writers that are gone left: looked at once a store

    @classmethod
    def open(cls, data_dir: Path, *, read_only_ok: bool = False) -> Store:
        """Open (creating and migrating as needed) the store in `data_dir`.

        Writes nothing and takes no lock unless the store must be created or upgraded; `notices`
        says what an upgrade did. A store whose file or folder cannot be written (read-only media,
        another user's) is a StoreError, or with `read_only_ok` read as it is (`read_copy`); so is
        one on a network file system, where SQLite's WAL cannot work.
        """
        data_dir = Path(data_dir)
        path = data_dir / DB_NAME
        if path.is_file() and not (os.access(path, os.W_OK) and os.access(data_dir, os.W_OK)):
            if not read_only_ok:
                raise StoreError(f"{path}: the store is read-only; this command writes to it")
            return cls.read_copy(data_dir)
        try:
            private_folder(data_dir)
            refuse_network_file_system(data_dir)
            # Only SQLite ever opens the database and its -wal and -shm: closing any other descriptor
            # of the file would drop this process's locks on it (docs/architecture.md, "One store,
            # many processes"). SQLite creates -wal and -shm with the database file's mode.
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
            for name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm"):
                _private(data_dir / name)
        except OSError as exc:
            raise StoreError(f"{data_dir}: cannot open the store ({exc.strerror})") from exc
        store = cls(conn, data_dir)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            store._retry_busy(lambda: conn.execute("PRAGMA journal_mode = WAL"))
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(store)
            store.counts_changes = True
        except sqlite3.DatabaseError as exc:
            conn.close()
            if isinstance(exc, sqlite3.OperationalError) and _write_failure(exc):
                raise store._error(exc) from exc
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_CORRUPT:
                raise StoreError(f"{path}: the store is damaged ({exc})") from exc
            raise StoreError(f"{path}: not a wearsync store ({exc})") from exc
        except BaseException:
            conn.close()
            raise
        return store

    @staticmethod
    def in_use(data_dir: Path) -> bool:
        """Whether another connection, in any process, has the store in `data_dir` open. Asked only
        before the store's files are removed (`wearsync demo --reset`): it takes the store out of WAL
        mode, which SQLite allows only to the one connection left."""
        path = Path(data_dir) / DB_NAME
        if not path.is_file():
            return False
        conn = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            return bool(conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0].lower() != "delete")
        except sqlite3.OperationalError:
            return True
        finally:
            conn.close()

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
            raise StoreError(
                f"{path}: the store is read-only and needs upgrading (schema {version}, this "
                f"wearsync reads {len(MIGRATIONS)}), which writes to it; open it once where it "
                "can be written"
                if version < len(MIGRATIONS)
                else f"{path}: written by a newer wearsync (schema {version}); upgrade wearsync"
            )
        copy.execute("PRAGMA foreign_keys = ON")
        store = cls(copy, data_dir)
        store.counts_changes = True
        return store

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """`with Store.open(folder) as store:` closes it however the block ends (a worker's own store)."""
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is stored, or none of it.

        A full disk or a store that cannot be written raises StoreError (nothing is stored);
        so does a write lock another process holds past every retry. The originals it kept or
        forgot are settled when it ends (originals.py).
        """
        try:
            with self.write_lock() as conn:
                changes = conn.total_changes
                yield conn
                changed = conn.total_changes != changes
                # Any row changed moves the data generation on, in this transaction (snapshots.py);
                # migrations' changes need not: a kept snapshot names the schema it was made with.
                if changed and self.counts_changes:
                    snapshots.bump(conn)
        except BaseException as exc:
            if self.markers:  # what it kept without a recording goes
                with suppress(StoreError, sqlite3.Error):
                    originals.settle(self)
            if isinstance(exc, sqlite3.OperationalError) and _write_failure(exc):
                raise self._error(exc) from exc
            if isinstance(exc, sqlite3.IntegrityError) and exc.sqlite_errorcode in VALUE_REFUSED:
                raise StoreError(
                    f"{self.data_dir / DB_NAME}: a value outside the store's limits was refused "
                    f"({exc}); nothing of this change was stored"
                ) from exc
            raise
        # Only a change can keep or forget an original. Housekeeping never fails a committed
        # change: what it leaves over is the next writer's.
        if self.counts_changes and (changed or self.markers):
            with suppress(StoreError, sqlite3.Error):
                originals.settle(self)

    @contextmanager
    def write_lock(self) -> Iterator[sqlite3.Connection]:
        """The write lock for the block: committed at its end, rolled back if it raises (the data
        generation is `transaction`'s)."""
        self._retry_busy(lambda: self.conn.execute("BEGIN IMMEDIATE"))
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:  # SQLite may have rolled back by itself (a full disk)
                self.conn.execute("ROLLBACK")
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
                        "try again when it has finished"
                    ) from exc
                time.sleep(BUSY_BACKOFF_S * 2**attempt)

    def _error(self, exc: sqlite3.OperationalError) -> StoreError:
        return StoreError(
            f"{self.data_dir / DB_NAME}: cannot write the store: {_write_failure(exc)}; "
            "nothing of this change was stored"
        )

    def data_generation(self) -> int:
        """Moves on with every committed change to the store's rows, by any process (snapshots.py)."""
        return snapshots.generation(self.conn)

    def data_version(self) -> int:
        """Changes when another connection commits (for the dashboard's refresh)."""
        version: int = self.conn.execute("PRAGMA data_version").fetchone()[0]
        return version

    def keep_original(self, data: bytes, suffix: str = ".fit") -> str:
        """Keep a source file's bytes by their sha256 (see `originals.keep_original`); returns the hash."""
        return originals.keep_original(self, data, suffix)

    @contextmanager
    def originals_ahead(self, datas: list[bytes]) -> Iterator[None]:
        """For the block, these files' originals are kept already, synced together (a batch of
        an import): each file's transaction claims its own. A batch that cannot be kept ahead is
        left to each transaction, so a full disk is each file's own failure."""
        with suppress(StoreError):
            originals.keep_ahead(self, datas)
        try:
            yield
        finally:
            with suppress(StoreError, sqlite3.Error):
                originals.release_ahead(self)

    def original_path(self, sha: str, suffix: str = ".fit") -> Path:
        return originals.original_path(self.data_dir, sha, suffix)

    def get_state(self, key: str) -> str | None:
        return state.get_state(self.conn, key)

    def set_state(self, conn: sqlite3.Connection, key: str, value: str) -> None:
        """Set a state value inside the caller's transaction."""
        state.set_state(conn, key, value)


def _private(path: Path) -> None:
    """A file of the store 0600, by its path (never a descriptor of it); a missing one is skipped."""
    with suppress(FileNotFoundError):
        if stat.S_IMODE(os.stat(path).st_mode) != 0o600:
            os.chmod(path, 0o600)


def _write_failure(exc: sqlite3.OperationalError) -> str | None:
    return WRITE_FAILURES.get(getattr(exc, "sqlite_errorcode", 0) & 0xFF)
