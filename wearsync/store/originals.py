"""The kept originals: each imported source file's bytes, content-addressed under the store's folder.

`originals/<sha[:2]>/<sha><suffix>`, written durably before they are linked in; opening the store
removes what a killed writer left (temporary files, originals no recording refers to).
"""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from wearsync.errors import StoreError
from wearsync.private_files import private_folder, sync_folder, write_private
from wearsync.wording import plural

if TYPE_CHECKING:
    from wearsync.store.connection import Store

ORIGINALS = "originals"
PENDING = ".pending"  # the suffix of the marker of an original whose recording is not committed yet
# The system's errors writing files, with what to tell the person.
OS_WRITE_FAILURES = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
}


def keep_original(store: Store, data: bytes, suffix: str = ".fit") -> str:
    """Keep a source file's bytes by their sha256 (0600); returns the hash.

    Durable before it is visible: written to a temporary file, synced, renamed into place,
    and the folder synced. Until the writer's recording row is committed, a marker
    `.<sha>.<pid>.pending` tells `tidy_originals` in other processes that it is wanted. A
    kill leaves at most the temporary file and the marker (both removed by the next open,
    with the original if no recording refers to it); a full disk or an unwritable folder
    raises StoreError and leaves nothing.
    """
    sha = hashlib.sha256(data).hexdigest()
    target = original_path(store.data_dir, sha, suffix)
    tmp = target.with_name(f".{sha}.{os.getpid()}.tmp")
    marker = target.with_name(f".{sha}.{os.getpid()}{PENDING}")
    try:
        created = private_folder(target.parent, within=store.data_dir)
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
        raise StoreError(f"{target.parent}: cannot keep the original ({_os_failure(exc)})") from exc
    return sha


def original_path(data_dir: Path, sha: str, suffix: str = ".fit") -> Path:
    return data_dir / ORIGINALS / sha[:2] / f"{sha}{suffix}"


def tidy_originals(store: Store) -> None:
    """Remove what writers that are gone left, and originals no recording refers to.

    A temporary file or pending marker names its writer's process: a live writer's are
    left alone (it is between keeping an original and committing its recording), as is the
    original it marks. Adds a notice when anything was removed.
    """
    root = store.data_dir / ORIGINALS
    if not root.is_dir():
        return
    temporary = unreferenced = 0
    try:
        with store.transaction() as conn:
            known = {sha for (sha,) in conn.execute("SELECT sha256 FROM recordings")}
            wanted = set()
            hidden: list[Path] = []
            originals: list[Path] = []
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
        raise StoreError(f"{root}: cannot tidy the kept originals ({_os_failure(exc)})") from exc
    if temporary or unreferenced:
        store.notices.append(
            f"store tidied: removed {plural(temporary, 'temporary file')} and "
            f"{plural(unreferenced, 'original')} no recording refers to (left by an interrupted "
            "import or a forgotten recording)"
        )


def _os_failure(exc: OSError) -> str:
    """What to tell the person of a file of the store that cannot be written."""
    return OS_WRITE_FAILURES.get(exc.errno or 0) or exc.strerror or str(exc)


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
