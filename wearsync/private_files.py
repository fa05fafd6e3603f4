"""Files and folders only the user can read: folders 0700 whatever the umask, files written 0600
atomically and durably (a reader sees the old file or the new one, never half of it)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SYNC_THREADS = 16  # fsyncs under way at once for a batch of files


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
    write_private_files([(path, data, tmp)])


def write_private_files(files: list[tuple[Path, bytes, Path]]) -> None:
    """`write_private` for many files at once: every temporary file written, then all synced
    together (concurrent fsyncs share the file system's journal commits: a batch costs about what
    one file does), then each renamed into place. What fails leaves no temporary file; the files
    renamed before the failure stay."""
    written: list[Path] = []
    try:
        for _, data, tmp in files:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            written.append(tmp)
            with os.fdopen(fd, "wb") as out:
                os.fchmod(out.fileno(), 0o600)  # an older file of that name may have kept another mode
                out.write(data)
        _sync_all(written)
        for path, _, tmp in files:
            os.replace(tmp, path)
            written.remove(tmp)
    except BaseException:
        for tmp in written:
            tmp.unlink(missing_ok=True)
        raise


def sync_folders(folders: Iterable[Path]) -> None:
    """Make the folders' new entries durable (a rename is not, until its folder is synced)."""
    _sync_all(list(folders))


def _sync_all(paths: list[Path]) -> None:
    if len(paths) == 1:
        _sync(paths[0])
    elif paths:
        with ThreadPoolExecutor(min(SYNC_THREADS, len(paths))) as pool:
            list(pool.map(_sync, paths))


def _sync(path: Path) -> None:
    """fsync a file or a folder by its path."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
