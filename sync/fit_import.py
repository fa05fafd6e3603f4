"""Importing FIT files: files, folders and zips in; one transaction per file out.

A file is identified by its sha256 and by its FIT `file_id` (serial number + time
created), so the same recording arriving as a watch copy, a Garmin Connect download,
an export zip or a drag-in is stored once. Every imported original is kept.
"""

from __future__ import annotations

import hashlib
import io
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from wearsync.errors import FitError
from wearsync.store import Store
from wearsync.sync.fit_messages import read_with_fitparse
from wearsync.sync.fit_records import FitContent, extract
from wearsync.sync.wellness import recompute_fit_wellness

MAX_MEMBER_BYTES = 256 * 1024 * 1024  # a zip member larger than this is refused, not inflated
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


def import_paths(store: Store, paths: Iterable[Path], *, source: str = "file",
                 progress: Progress | None = None) -> ImportSummary:
    """Import FIT files, folders (recursively) and zips of FIT files."""
    summary = ImportSummary()
    inputs: list[_Input] = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            summary.outcomes.append(_failed(store, source, str(path), "no such file or folder"))
        else:
            inputs.extend(_discover(path))
    total = len(inputs)
    for done, item in enumerate(inputs, 1):
        try:
            data = item.load()
        except OSError as exc:
            summary.outcomes.append(_failed(store, source, item.label, f"cannot read ({exc.strerror})"))
        else:
            summary.outcomes.extend(import_data(store, data, item.label, source=source))
        if progress:
            progress(done, total, item.label)
    return summary


def import_data(store: Store, data: bytes, label: str, *, source: str = "file") -> list[FileOutcome]:
    """Import bytes that are a FIT file or a zip holding FIT files."""
    if zipfile.is_zipfile(io.BytesIO(data)) and not _looks_like_fit(data):
        try:
            return [o for member_label, member in _zip_members(data, label)
                    for o in import_data(store, member, member_label, source=source)]
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            return [_failed(store, source, label, f"unreadable zip ({exc})")]
    return [_import_fit(store, data, label, source)]


def _looks_like_fit(data: bytes) -> bool:
    return len(data) >= 12 and data[8:12] == b".FIT"


def _discover(path: Path) -> Iterator[_Input]:
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and child.suffix.lower() in (".fit", ".zip"):
                yield _Input(str(child), child.read_bytes)
    else:
        yield _Input(str(path), path.read_bytes)


def _zip_members(data: bytes, label: str) -> Iterator[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.is_dir() or not info.filename.lower().endswith((".fit", ".zip")):
                continue
            if info.file_size > MAX_MEMBER_BYTES:
                raise ValueError(f"{info.filename} is larger than {MAX_MEMBER_BYTES // 2**20} MB")
            yield f"{label}:{info.filename}", archive.read(info)


def decode(data: bytes, label: str) -> tuple[FitContent, str]:
    """Decode and extract one FIT file; returns its content and the reader that read it."""
    read = read_with_fitparse(data, label)
    content = extract(read.messages, label)
    content.warnings[:0] = read.warnings
    content.damaged = bool(read.warnings)
    return content, read.reader


def _import_fit(store: Store, data: bytes, label: str, source: str) -> FileOutcome:
    sha = hashlib.sha256(data).hexdigest()
    known = _known(store, "sha256 = ?", (sha,))
    if known:
        return _log(store, source, label, FileOutcome(label, "duplicate", f"already imported as {known[1]}", known[0]))
    try:
        content, reader = decode(data, label)
    except FitError as exc:
        return _failed(store, source, label, str(exc).removeprefix(f"{label}: "))
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
        if replaces:
            _forget_recording(conn, replaces[0])
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
        if not skip_reason:
            _write_content(conn, recording_id, content)
        outcome = FileOutcome(label, status, message, recording_id)
        _write_event(conn, source, outcome)
    return outcome


def _forget_recording(conn, recording_id: int) -> None:
    days = {row[0] for row in conn.execute(
        "SELECT DISTINCT local_day FROM monitoring_values WHERE recording_id = ?", (recording_id,))}
    conn.execute("DELETE FROM recordings WHERE id = ?", (recording_id,))  # rows cascade
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
    if content.sets:
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
            [(content.serial_for_monitoring, v.local_day, v.ts, v.activity_type, v.metric, v.kind, v.value,
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
