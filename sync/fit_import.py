"""Importing FIT files: files, folders and zips in; one transaction per file out.

A file is identified by its sha256 and by its FIT `file_id` (serial number + time
created), so the same recording arriving as a watch copy, a Garmin Connect download,
an export zip or a drag-in is stored once. Every imported original is kept.
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import time
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from wearsync.errors import FitError
from wearsync.store import Store
from wearsync.sync.fit_decoder import WEARSYNC_MESSAGES, read_fast
from wearsync.sync.fit_messages import read_with_fitparse
from wearsync.sync.fit_records import FitContent, extract
from wearsync.sync.wellness import recompute_fit_wellness

MAX_MEMBER_BYTES = 256 * 1024 * 1024  # a zip member larger than this is refused, not inflated
PARALLEL_FROM_FILES = 16  # fewer files decode before worker processes would have started
Progress = Callable[[int, int, str], None]


@dataclass
class FileOutcome:
    path: str
    outcome: str  # 'imported', 'skipped', 'duplicate' or 'failed'
    message: str = ""
    recording_id: int | None = None


@dataclass
class ImportSummary:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    @property
    def found(self) -> int:
        return len(self.outcomes)

    @property
    def imported(self) -> int:
        return self.count("imported")

    @property
    def skipped(self) -> int:
        return self.count("skipped")

    @property
    def duplicates(self) -> int:
        return self.count("duplicate")

    @property
    def failed(self) -> int:
        return self.count("failed")

    def to_json(self) -> dict:
        return {
            "found": self.found,
            "imported": self.imported,
            "skipped": self.skipped,
            "duplicates": self.duplicates,
            "failed": self.failed,
            "files": [asdict(o) for o in self.outcomes],
        }


@dataclass
class _Input:
    label: str
    load: Callable[[], bytes]


@dataclass
class _Failure:
    label: str
    message: str


@dataclass
class _InputDone:
    """Passes through the pipeline after the last FIT file of one input (for progress)."""

    label: str


def import_paths(store: Store, paths: Iterable[Path], *, source: str = "file",
                 progress: Progress | None = None, workers: int | None = None) -> ImportSummary:
    """Import FIT files, folders (recursively) and zips of FIT files.

    Files are decoded in `workers` processes (default: one per core, for batches
    large enough to pay for starting them); the store is written from this process
    only, one transaction per file.
    """
    summary = ImportSummary()
    inputs: list[_Input] = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            summary.outcomes.append(_failed(store, source, str(path), "no such file or folder"))
        else:
            inputs.extend(_discover(path))
    total = len(inputs)
    if workers is None:
        workers = (os.cpu_count() or 1) if total >= PARALLEL_FROM_FILES else 1
    done = 0
    for item in _decoded(_unpacked(inputs), workers):
        if isinstance(item, _InputDone):
            done += 1
            if progress:
                progress(done, total, item.label)
        elif isinstance(item, _Failure):
            summary.outcomes.append(_failed(store, source, item.label, item.message))
        else:
            summary.outcomes.append(_store_decoded(store, source, *item))
    return summary


def import_data(store: Store, data: bytes, label: str, *, source: str = "file") -> list[FileOutcome]:
    """Import bytes that are a FIT file or a zip holding FIT files."""
    return [
        _failed(store, source, item.label, item.message) if isinstance(item, _Failure)
        else _store_decoded(store, source, *item)
        for item in _decoded(_members(label, data), workers=1)
    ]


def _discover(path: Path) -> Iterator[_Input]:
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and child.suffix.lower() in (".fit", ".zip"):
                yield _Input(str(child), child.read_bytes)
    else:
        yield _Input(str(path), path.read_bytes)


def _unpacked(inputs: list[_Input]) -> Iterator[tuple[str, bytes] | _Failure | _InputDone]:
    for item in inputs:
        try:
            data = item.load()
        except OSError as exc:
            yield _Failure(item.label, f"cannot read ({exc.strerror})")
        else:
            yield from _members(item.label, data)
        yield _InputDone(item.label)


def _members(label: str, data: bytes) -> Iterator[tuple[str, bytes] | _Failure]:
    """The FIT files in `data`: itself, or the members of a zip (nested zips too)."""
    if _looks_like_fit(data) or not zipfile.is_zipfile(io.BytesIO(data)):
        yield label, data
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [info for info in archive.infolist()
                       if not info.is_dir() and info.filename.lower().endswith((".fit", ".zip"))]
            for info in members:
                if info.file_size > MAX_MEMBER_BYTES:
                    yield _Failure(f"{label}:{info.filename}",
                                   f"larger than {MAX_MEMBER_BYTES // 2**20} MB: not inflated")
                    continue
                yield from _members(f"{label}:{info.filename}", archive.read(info))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        yield _Failure(label, f"unreadable zip ({exc})")


def _looks_like_fit(data: bytes) -> bool:
    return len(data) >= 12 and data[8:12] == b".FIT"


def _decoded(items: Iterator, workers: int) -> Iterator:
    """(label, data, decode result) for FIT bytes; markers pass through; order is kept."""
    if workers <= 1:
        for item in items:
            yield item if not isinstance(item, tuple) else (*item, decode_or_error(item[1], item[0]))
        return
    # spawn, not fork: the dashboard imports from a thread, and forking a threaded
    # process can deadlock.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        window: deque = deque()
        for item in items:
            if not isinstance(item, tuple):
                window.append(item)
            else:
                window.append((*item, pool.submit(decode_or_error, item[1], item[0])))
            while len(window) > 4 * workers or (window and _ready(window[0])):
                yield _resolved(window.popleft())
        while window:
            yield _resolved(window.popleft())


def _ready(item) -> bool:
    return not isinstance(item, tuple) or item[2].done()


def _resolved(item):
    return item if not isinstance(item, tuple) else (item[0], item[1], item[2].result())


def decode_or_error(data: bytes, label: str) -> tuple[FitContent, str] | FitError:
    """`decode`, with a FitError returned rather than raised (it crosses process lines)."""
    try:
        return decode(data, label)
    except FitError as exc:
        return exc


def decode(data: bytes, label: str) -> tuple[FitContent, str]:
    """Decode and extract one FIT file; returns its content and the reader that read it.

    The fast reader reads it; if that rejects the file, fitparse, the reference, tries.
    """
    try:
        read = read_fast(data, label, WEARSYNC_MESSAGES)
        note = []
    except FitError as fast_error:
        read = read_with_fitparse(data, label)  # raises if fitparse cannot read it either
        note = [f"read by fitparse: the fast reader stopped ({_unlabelled(str(fast_error), label)})"]
    content = extract(read.messages, label)
    warnings = [_unlabelled(w, label) for w in read.warnings]
    content.warnings[:0] = note + warnings
    content.damaged = bool(warnings)
    return content, read.reader


def _unlabelled(message: str, label: str) -> str:
    return message.removeprefix(f"{label}: ")


def _store_decoded(store: Store, source: str, label: str, data: bytes,
                   decoded: tuple[FitContent, str] | FitError) -> FileOutcome:
    sha = hashlib.sha256(data).hexdigest()
    known = _known(store, "sha256 = ?", (sha,))
    if known:
        return _log(store, source, label, FileOutcome(label, "duplicate", f"already imported as {known[1]}", known[0]))
    if isinstance(decoded, FitError):
        return _failed(store, source, label, _unlabelled(str(decoded), label))
    content, reader = decoded
    replaces = None
    if content.serial is not None and content.time_created is not None:
        known = _known(store, "serial = ? AND time_created = ? AND file_type = ?",
                       (content.serial, content.time_created, content.file_type))
        if known and not (known[2] and not content.damaged):
            return _log(store, source, label,
                        FileOutcome(label, "duplicate", f"same recording as {known[1]}", known[0]))
        # The copy stored first was damaged and this one is whole: this one takes its place.
        replaces = known
    skip_reason = content.skip_reason()
    store.keep_original(data)
    with store.transaction() as conn:
        status = "skipped" if skip_reason else "imported"
        message = skip_reason or "; ".join(content.warnings)
        if replaces:
            message = f"replaces the damaged copy {replaces[1]}" + (f"; {message}" if message else "")
        recording_id = conn.execute(
            "INSERT INTO recordings (sha256, serial, time_created, file_type, manufacturer, product, source, "
            "path, status, reason, reader, damaged, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (sha, content.serial, content.time_created, content.file_type, content.manufacturer,
             content.product, source, label, status, message or None, reader, content.damaged,
             int(time.time())),
        ).lastrowid
        if replaces:
            _forget_recording(conn, replaces[0], recording_id)
        if not skip_reason:
            _write_content(conn, recording_id, content)
        outcome = FileOutcome(label, status, message, recording_id)
        _write_event(conn, source, outcome)
    return outcome


def _forget_recording(conn, recording_id: int, successor_id: int) -> None:
    days = {row[0] for row in conn.execute(
        "SELECT DISTINCT local_day FROM monitoring_values WHERE recording_id = ?", (recording_id,))}
    conn.execute("UPDATE garmin_activities SET recording_id = ? WHERE recording_id = ?",
                 (successor_id, recording_id))
    conn.execute("DELETE FROM recordings WHERE id = ?", (recording_id,))  # its rows cascade
    recompute_fit_wellness(conn, days)


def _write_content(conn, recording_id: int, content: FitContent) -> None:
    for activity in content.activities:
        activity_id = conn.execute(
            "INSERT INTO activities (recording_id, sport, sub_sport, start_utc, utc_offset_s, local_day, "
            "elapsed_s, timer_s, calories, avg_hr, max_hr, ascent_m, steps) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (recording_id, activity.sport, activity.sub_sport, activity.start_utc, activity.utc_offset_s,
             activity.local_day, activity.elapsed_s, activity.timer_s, activity.calories, activity.avg_hr,
             activity.max_hr, activity.ascent_m, activity.steps),
        ).lastrowid
    if content.sets and content.activities:  # sets belong to the (last) session
        conn.executemany(
            "INSERT INTO strength_sets (activity_id, position, start_utc, duration_s, set_type, repetitions, "
            "weight_kg, category) VALUES (?,?,?,?,?,?,?,?)",
            [(activity_id, s.position, s.start_utc, s.duration_s, s.set_type, s.repetitions, s.weight_kg,
              s.category) for s in content.sets],
        )
    conn.executemany(
        "INSERT INTO hr_readings (ts, bpm, utc_offset_s, source, recording_id) VALUES (?,?,?,?,?)",
        [(ts, bpm, offset, content.hr_source, recording_id) for ts, bpm, offset in content.heart_rates],
    )
    if content.monitoring:
        conn.executemany(
            "INSERT INTO monitoring_values (serial, local_day, ts, activity_type, metric, kind, value, "
            "recording_id) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT DO UPDATE SET value = MAX(value, excluded.value)",
            [(content.serial or 0, v.local_day, v.ts, v.activity_type, v.metric, v.kind, v.value,
              recording_id) for v in content.monitoring],
        )
        recompute_fit_wellness(conn, {v.local_day for v in content.monitoring})


def _known(store: Store, where: str, params: tuple) -> tuple[int, str, bool] | None:
    """The id, first path and whether it was damaged, of a stored recording matching `where`."""
    row = store.conn.execute(f"SELECT id, path, damaged FROM recordings WHERE {where}", params).fetchone()
    return (row[0], row[1], bool(row[2])) if row else None


def _failed(store: Store, source: str, label: str, message: str) -> FileOutcome:
    return _log(store, source, label, FileOutcome(label, "failed", message))


def _log(store: Store, source: str, label: str, outcome: FileOutcome) -> FileOutcome:
    with store.transaction() as conn:
        _write_event(conn, source, outcome)
    return outcome


def _write_event(conn, source: str, outcome: FileOutcome) -> None:
    conn.execute("INSERT INTO import_events (at, source, path, outcome, message) VALUES (?,?,?,?,?)",
                 (int(time.time()), source, outcome.path, outcome.outcome, outcome.message or None))
