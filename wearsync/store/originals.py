"""The kept originals: each imported source file's bytes, content-addressed under the store's folder.

`originals/<sha[:2]>/<sha><suffix>`, written durably before they are linked in. The writer that
keeps or forgets an original tidies it itself, right after its transaction ends, in time linear
in what it touched:

- keeping one leaves a marker `originals/.pending/<pid>.<sha><suffix>.marker` until the transaction that
  refers to it ends: then the marker goes, and with it the original if the transaction did not
  commit a recording of those bytes (and no other live writer is keeping them);
- forgetting a recording adds its sha256 to the table `loose_originals` (a trigger, so the
  forgetting transaction cannot miss it); after the commit those originals go;
- a writer killed on the way leaves its marker, naming its process: the next writer of originals
  removes what it marks once that process is gone.

Opening a store never walks `originals/`.
"""

from __future__ import annotations

import errno
import hashlib
import os
import sqlite3
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from wearsync.errors import StoreError
from wearsync.private_files import private_folder, sync_folders, write_private_files

if TYPE_CHECKING:
    from wearsync.store.connection import Store

ORIGINALS = "originals"
PENDING = ".pending"  # the folder of the markers of originals whose recording is not committed yet
MARKER = ".marker"  # a marker is `<pid>.<sha><suffix>.marker`
# The system's errors writing files, with what to tell the person.
OS_WRITE_FAILURES = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
}
# Forgetting a recording marks its original loose, in the forgetting transaction. IF NOT EXISTS: a
# store whose version a test winds back runs it again.
LOOSE_ORIGINALS = (
    "CREATE TABLE IF NOT EXISTS loose_originals (sha256 TEXT PRIMARY KEY) STRICT",
    "CREATE TRIGGER IF NOT EXISTS recording_forgotten AFTER DELETE ON recordings BEGIN "
    "INSERT OR IGNORE INTO loose_originals (sha256) VALUES (old.sha256); END",
)


def keep_original(store: Store, data: bytes, suffix: str = ".fit") -> str:
    """Keep a source file's bytes by their sha256 (0600) for the transaction under way; returns the hash.

    Durable before it is visible (`_keep`); bytes kept ahead (`keep_ahead`) are only claimed. The
    marker names this process until the transaction that stores the recording ends (`settle`). A
    full disk or an unwritable folder raises StoreError and leaves nothing.
    """
    sha = hashlib.sha256(data).hexdigest()
    if sha in store.kept_ahead:
        store.markers.append(store.kept_ahead.pop(sha))
    else:
        _keep(store, {sha: data}, suffix, store.markers)
    return sha


def keep_ahead(store: Store, datas: list[bytes], suffix: str = ".fit") -> None:
    """Keep a batch of files' bytes before the transactions that store them, synced together:
    each transaction then claims its own with `keep_original`; `release_ahead` settles the rest."""
    new = {sha: data for data in datas if (sha := hashlib.sha256(data).hexdigest()) not in store.kept_ahead}
    markers: list[Path] = []
    try:
        _keep(store, new, suffix, markers)
    except BaseException:  # what was kept of the batch goes
        store.markers += markers
        with suppress(StoreError, sqlite3.Error):
            settle(store)
        raise
    store.kept_ahead.update((_parse(m.name)[1], m) for m in markers)


def release_ahead(store: Store) -> None:
    """The originals kept ahead and not claimed (a duplicate, a file that failed) are settled."""
    store.markers += store.kept_ahead.values()
    store.kept_ahead.clear()
    settle(store)


def _keep(store: Store, files: dict[str, bytes], suffix: str, markers: list[Path]) -> None:
    """Keep originals durably before they are visible: a marker each first (appended to
    `markers`), then the new ones written, synced together, renamed into place, and their folders
    synced (private_files.write_private_files)."""
    folder = store.data_dir / ORIGINALS
    try:
        private_folder(_pending(store.data_dir), within=store.data_dir)
        writes, folders = [], set()
        for sha, data in files.items():
            target = original_path(store.data_dir, sha, suffix)
            marker = _pending(store.data_dir) / f"{os.getpid()}.{target.name}{MARKER}"
            os.close(os.open(marker, os.O_WRONLY | os.O_CREAT, 0o600))
            markers.append(marker)
            if target.exists():
                continue
            folder = target.parent
            folders.update([folder, *(c.parent for c in private_folder(folder, within=store.data_dir))])
            writes.append((target, data, _temporary(target, os.getpid())))
        write_private_files(writes)
        sync_folders(folders)
    except OSError as exc:
        raise StoreError(f"{folder}: cannot keep the original ({_os_failure(exc)})") from exc


def original_path(data_dir: Path, sha: str, suffix: str = ".fit") -> Path:
    return data_dir / ORIGINALS / sha[:2] / f"{sha}{suffix}"


def settle(store: Store) -> None:
    """After a transaction ended (committed or not): the markers of the originals it kept go, and
    the originals no recording refers to now are removed: kept by this transaction without a
    recording committed, forgotten, or marked by a writer that is gone. Takes the write lock only
    when something is to be removed."""
    markers, store.markers = store.markers, []
    conn = store.conn
    doubtful = [m for m in markers if not _referenced(conn, _sha(m.name))]
    for marker in markers:
        if marker not in doubtful:
            marker.unlink(missing_ok=True)
    if markers and not store.tidied_after_others:  # a writer of originals finishes what dead ones left, once
        store.tidied_after_others = True
        doubtful += [m for m in _markers(store.data_dir) if not _writer_alive(_parse(m.name)[0])]
    if doubtful or conn.execute("SELECT 1 FROM loose_originals LIMIT 1").fetchone():
        _remove_unreferenced(store, doubtful)


def tidy_by_writer(conn: sqlite3.Connection) -> list[str]:
    """The migration to tidying by the writer: the table `loose_originals` and its trigger; and,
    once, what writers of the older layout left beside the originals (`.<sha>.<pid>.pending` and
    `.tmp`, which every open used to remove): those of processes that are gone, with the
    originals no recording refers to."""
    for statement in LOOSE_ORIGINALS:
        conn.execute(statement)
    database = conn.execute("PRAGMA database_list").fetchone()[2]
    root = Path(database).parent / ORIGINALS if database else None
    if root is None or not root.is_dir():
        return []
    known = {sha for (sha,) in conn.execute("SELECT sha256 FROM recordings")}
    shards = [folder for folder in root.iterdir() if folder.name != PENDING and folder.is_dir()]
    hidden = [path for folder in shards for path in folder.glob(".*")]
    for path in hidden:
        parts = path.name.split(".")  # '', sha, pid, 'pending' or 'tmp'
        if len(parts) == 4 and _writer_alive(_pid(parts[2])):
            known.add(parts[1])
        else:
            path.unlink(missing_ok=True)
    for folder in shards:
        for path in folder.iterdir():
            if not path.name.startswith(".") and path.name.split(".")[0] not in known:
                path.unlink(missing_ok=True)
    return []


def _remove_unreferenced(store: Store, markers: list[Path]) -> None:
    """Under the write lock (no writer can be between keeping an original and committing its
    recording meanwhile): remove what `markers` mark and the loose originals, unless a recording
    refers to them or another live writer is keeping them; then the markers."""
    conn = store.conn
    try:
        with store.write_lock():
            live = _live_markers(store.data_dir)
            for marker in markers:
                pid, sha, suffix = _parse(marker.name)
                target = original_path(store.data_dir, sha, suffix)
                _temporary(target, pid).unlink(missing_ok=True)
                if not _referenced(conn, sha) and not (live.get(sha, set()) - {marker.name}):
                    target.unlink(missing_ok=True)
                marker.unlink(missing_ok=True)
            for (sha,) in conn.execute("SELECT sha256 FROM loose_originals").fetchall():
                if not _referenced(conn, sha) and sha not in live:
                    for kept in original_path(store.data_dir, sha).parent.glob(f"{sha}.*"):
                        kept.unlink(missing_ok=True)
                conn.execute("DELETE FROM loose_originals WHERE sha256 = :sha", {"sha": sha})
    except OSError as exc:
        raise StoreError(f"{store.data_dir / ORIGINALS}: cannot tidy the kept originals ({_os_failure(exc)})") from exc


def _markers(data_dir: Path) -> list[Path]:
    folder = _pending(data_dir)
    try:
        return [folder / name for name in os.listdir(folder)]
    except FileNotFoundError:
        return []


def _live_markers(data_dir: Path) -> dict[str, set[str]]:
    """The markers of live writers, per sha256."""
    live: dict[str, set[str]] = {}
    for marker in _markers(data_dir):
        if _writer_alive(_parse(marker.name)[0]):
            live.setdefault(_sha(marker.name), set()).add(marker.name)
    return live


def _referenced(conn: sqlite3.Connection, sha: str) -> bool:
    return conn.execute("SELECT 1 FROM recordings WHERE sha256 = :sha", {"sha": sha}).fetchone() is not None


def _pending(data_dir: Path) -> Path:
    return data_dir / ORIGINALS / PENDING


def _temporary(target: Path, pid: int | None) -> Path:
    sha = target.name.split(".")[0]
    return target.with_name(f".{sha}.{pid}.tmp")


def _parse(marker_name: str) -> tuple[int | None, str, str]:
    """A marker's process id, sha256 and the original's suffix."""
    pid, _, rest = marker_name.removesuffix(MARKER).partition(".")
    sha, dot, suffix = rest.partition(".")
    return _pid(pid), sha, dot + suffix


def _sha(marker_name: str) -> str:
    return _parse(marker_name)[1]


def _pid(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _os_failure(exc: OSError) -> str:
    """What to tell the person of a file of the store that cannot be written."""
    return OS_WRITE_FAILURES.get(exc.errno or 0) or exc.strerror or str(exc)


def _writer_alive(pid: int | None) -> bool:
    """Whether the process a marker names still runs (so it may still be writing)."""
    if pid is None:
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
