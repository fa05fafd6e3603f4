"""Files and folders only the user can read: folders 0700 whatever the umask, files written 0600
atomically and durably (a reader sees the old file or the new one, never half of it)."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def private_folder(folder: Path, *, within: Path | None = None) -> list[Path]:
    """Create `folder` and its missing parents (below `within`) as 0700 whatever the umask.

    Returns the folders it created, deepest first (mkdir's mode is masked by the umask:
    each one is chmod-ed after).
    """
    missing = []
    for candidate in [folder, *folder.parents]:
        if candidate.exists() or candidate == within:
            break
        missing.append(candidate)
    for created in reversed(missing):
        created.mkdir(mode=0o700, exist_ok=True)
        os.chmod(created, 0o700)
    if not missing and folder.is_dir() and stat.S_IMODE(folder.stat().st_mode) != 0o700:
        os.chmod(folder, 0o700)
    return missing


def write_private(path: Path, data: bytes, tmp: Path) -> None:
    """Write `data` to `path` (0600) through the temporary file `tmp` in the same folder, synced
    before it is renamed into place; `tmp` is removed if anything fails."""
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), 0o600)  # an older file of that name may have kept another mode
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def sync_folder(folder: Path) -> None:
    """Make a folder's new entries durable (a rename is not, until its folder is synced)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
