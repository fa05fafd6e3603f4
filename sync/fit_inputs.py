"""What an import reads: regular files, folders walked, zips opened, every step bounded.

Only regular files are read (a FIFO would block, a device never ends); a folder that
cannot be listed is a failure line, not a silence. Zips are opened with limits: how deep
archives may nest, how many bytes one archive may inflate to (relative to its own size),
and no overlapping or encrypted entries (the shapes of zip bombs and of files wearsync
cannot read). Names from outside are made printable before they reach an outcome line.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

MAX_FILE_BYTES = 256 * 2**20  # larger than any wearable's FIT file; refused unread
MAX_ZIP_DEPTH = 3  # an export zip holding a zip of activities is as deep as Garmin goes
# One archive may inflate to this many times its own size, plus a floor for small ones:
# FIT data compresses 3-8x; 40x is far beyond real exports and far below a bomb's 1000x+.
INFLATE_RATIO = 40
INFLATE_FLOOR = 64 * 2**20
FIT_SUFFIXES = (".fit", ".zip")


@dataclass
class Input:
    """One thing to read: a file, with how to load its bytes."""

    label: str
    load: Callable[[], bytes]


@dataclass
class Failure:
    label: str
    message: str
    skipped: bool = False  # not a failure of the file, only not something wearsync reads


@dataclass
class InputDone:
    """Passes through the pipeline after the last FIT file of one input (for progress)."""

    label: str


def printable(text: str) -> str:
    """`text` with control and other unprintable characters escaped, for one-line messages."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def discover(path: Path) -> Iterator[Input | Failure]:
    """The files an argument stands for: itself, or the FIT and zip files below a folder."""
    label = printable(str(path))
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        yield Failure(label, _os_reason(exc, "no such file or folder"))
        return
    if stat.S_ISDIR(mode):
        yield from _walk(path)
    elif stat.S_ISREG(mode):
        yield Input(label, lambda: read_regular(path))
    else:
        yield Failure(label, f"not a regular file ({_kind(mode)}): not read", skipped=True)


def _walk(folder: Path) -> Iterator[Input | Failure]:
    errors: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=errors.append):
        dirs.sort()
        yield from _folder_errors(errors)
        for name in sorted(files):
            if not name.lower().endswith(FIT_SUFFIXES):
                continue
            child = Path(root) / name
            try:
                mode = os.stat(child).st_mode
            except OSError as exc:
                yield Failure(printable(str(child)), _os_reason(exc, "cannot read"))
                continue
            if stat.S_ISREG(mode):
                yield Input(printable(str(child)), partial(read_regular, child))
            else:
                yield Failure(printable(str(child)), f"not a regular file ({_kind(mode)}): not read", skipped=True)
    yield from _folder_errors(errors)


def _folder_errors(errors: list[OSError]) -> Iterator[Failure]:
    while errors:
        exc = errors.pop(0)
        yield Failure(printable(str(exc.filename)), _os_reason(exc, "cannot list this folder"))


def read_regular(path: Path) -> bytes:
    """A regular file's bytes, refusing anything that is not one or is too large (OSError)."""
    # O_NONBLOCK: should a FIFO take the file's place after the check, opening it does not wait.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"not a regular file ({_kind(info.st_mode)})")
        if info.st_size > MAX_FILE_BYTES:
            raise OSError(f"{info.st_size // 2**20} MB: larger than any FIT file ({MAX_FILE_BYTES // 2**20} MB)")
        return handle.read(MAX_FILE_BYTES + 1)


def members(
    label: str, data: bytes, depth: int = 0, budget: list[int] | None = None
) -> Iterator[tuple[str, bytes] | Failure]:
    """The FIT files in `data`: itself, or the members of a zip (nested zips too), bounded."""
    if looks_like_fit(data) or not zipfile.is_zipfile(io.BytesIO(data)):
        yield label, data
        return
    if depth >= MAX_ZIP_DEPTH:
        yield Failure(label, f"a zip nested more than {MAX_ZIP_DEPTH} deep: not opened")
        return
    if budget is None:
        budget = [max(INFLATE_FLOOR, INFLATE_RATIO * len(data))]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = [
                info
                for info in archive.infolist()
                if not info.is_dir() and info.filename.lower().endswith(FIT_SUFFIXES)
            ]
            problem = _unsafe(archive.infolist())
            if problem:
                yield Failure(label, problem)
                return
            for info in infos:
                name = f"{label}:{printable(info.filename)}"
                if info.flag_bits & 0x1:
                    yield Failure(name, "encrypted zip member: not read")
                    continue
                if info.file_size > budget[0]:
                    yield Failure(
                        name,
                        f"inflates to {info.file_size // 2**20} MB, beyond what this archive may "
                        f"inflate to ({INFLATE_RATIO}x its size): not read",
                    )
                    budget[0] = 0
                    continue
                with archive.open(info) as member:
                    content = member.read(budget[0] + 1)
                if len(content) > budget[0]:
                    yield Failure(name, "inflates beyond what this archive may inflate to: not read")
                    budget[0] = 0
                    continue
                budget[0] -= len(content)
                yield from members(name, content, depth + 1, budget)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        ValueError,
        EOFError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        yield Failure(label, f"unreadable zip ({printable(str(exc))})")


def _unsafe(infos: list[zipfile.ZipInfo]) -> str | None:
    """Why an archive's entries cannot be trusted (overlapping entries: a zip bomb's shape)."""
    spans = sorted((info.header_offset, info.header_offset + info.compress_size) for info in infos)
    for (_start, end), (next_start, _next_end) in zip(spans, spans[1:], strict=False):
        if next_start < end:
            return "overlapping zip entries (the shape of a zip bomb): not opened"
    return None


def looks_like_fit(data: bytes) -> bool:
    return len(data) >= 12 and data[8:12] == b".FIT"


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a file"


def _os_reason(exc: OSError, fallback: str) -> str:
    return f"{fallback} ({exc.strerror})" if exc.strerror else fallback
