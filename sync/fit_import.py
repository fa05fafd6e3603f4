"""Importing FIT files: files, folders and zips in; one transaction per file out.

A file is identified by its sha256 and by its FIT `file_id` (serial number + time
created), so the same recording arriving as a watch copy, a Garmin Connect download,
an export zip or a drag-in is stored once. Both checks and the writes of one file
happen in one write transaction, so two imports side by side never store it twice.
Every imported original is kept.

One file, one outcome: whatever goes wrong with one file (the decoder, the extraction,
SQLite, the disk, a bug of ours) becomes that file's failure line and the batch goes
on. A bug of ours is marked `internal`, so the command line can say so and exit with
its own code.
"""

from __future__ import annotations

import gc
import hashlib
import os
import sqlite3
import threading
import time
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from wearsync.errors import FitError, StoreError
from wearsync.progress import Progress
from wearsync.store import Store, recordings
from wearsync.sync import fit_rows, wearer_sources
from wearsync.sync.fit_content import WEIGHT_FILE, FitContent
from wearsync.sync.fit_decoder import WEARSYNC_MESSAGES, iter_blocks
from wearsync.sync.fit_inputs import Failure, Input, InputDone, discover, members
from wearsync.sync.fit_messages import read_with_fitparse
from wearsync.sync.fit_records import extract, extract_messages
from wearsync.sync.fit_workers import Crash, decoded

PARALLEL_FROM_FILES = 16  # fewer files decode before worker processes would have started
# Files stored together, their originals synced at once: at most this many, or this many bytes.
BATCH_FILES = 64
BATCH_BYTES = 32 * 2**20
# fitparse, the fallback reader, holds every message and field as objects (~1 KB each):
# files larger than this are not handed to it.
FALLBACK_MAX_BYTES = 4 * 2**20


@dataclass
class FileOutcome:
    path: str
    outcome: str  # 'imported', 'skipped', 'duplicate' or 'failed'
    message: str = ""
    recording_id: int | None = None
    internal: bool = False  # failed through a bug of wearsync's, not the file's fault


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

    @property
    def internal_errors(self) -> int:
        return sum(1 for o in self.outcomes if o.internal)

    def to_json(self) -> dict:
        return {
            "found": self.found,
            "imported": self.imported,
            "skipped": self.skipped,
            "duplicates": self.duplicates,
            "failed": self.failed,
            "internal_errors": self.internal_errors,
            "files": [asdict(o) for o in self.outcomes],
        }


def import_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    source: str = "file",
    progress: Progress | None = None,
    workers: int | None = None,
    zone: str = "",
) -> ImportSummary:
    """Import FIT files, folders (recursively) and zips of FIT files.

    Files are decoded in `workers` processes (default: one per core, for batches
    large enough to pay for starting them); the store is written from this process
    only, one transaction per file. `zone` is the time zone for files that state no
    UTC offset ("" = this computer's).
    """
    summary = ImportSummary()
    inputs: list[Input] = []
    for path in paths:
        for item in discover(Path(path)):
            if isinstance(item, Failure):
                summary.outcomes.append(_unread(store, source, item))
            else:
                inputs.append(item)
    total = len(inputs)
    if workers is None:
        workers = (os.cpu_count() or 1) if total >= PARALLEL_FROM_FILES else 1
    done = 0
    batch: list[tuple[str, bytes, object] | Failure] = []
    for item in decoded(_unpacked(inputs), workers, decode_or_error):
        if isinstance(item, InputDone):
            done += 1
            if progress:
                progress("files", done, total, item.label)
            continue
        batch.append(item)
        if len(batch) >= BATCH_FILES or sum(len(i[1]) for i in batch if not isinstance(i, Failure)) >= BATCH_BYTES:
            _store_batch(store, source, zone, batch, summary)
    _store_batch(store, source, zone, batch, summary)
    return summary


def _store_batch(store: Store, source: str, zone: str, batch: list, summary: ImportSummary) -> None:
    """Store a batch of decoded files in order, one transaction each, their originals kept ahead
    and synced together (one sync a file was most of a small file's import)."""
    kept = [item[1] for item in batch if not isinstance(item, Failure) and isinstance(item[2], tuple)]
    with store.originals_ahead(kept):
        for item in batch:
            if isinstance(item, Failure):
                summary.outcomes.append(_unread(store, source, item))
            else:
                summary.outcomes.append(_store_one(store, source, zone, *item))
    batch.clear()


def import_data(store: Store, data: bytes, label: str, *, source: str = "file", zone: str = "") -> list[FileOutcome]:
    """Import bytes that are a FIT file or a zip holding FIT files."""
    return [
        _unread(store, source, item) if isinstance(item, Failure) else _store_one(store, source, zone, *item)
        for item in decoded(members(label, data), 1, decode_or_error)
    ]


def _unpacked(inputs: list[Input]) -> Iterator[tuple[str, bytes] | Failure | InputDone]:
    for item in inputs:
        try:
            data = item.load()
        except OSError as exc:
            yield Failure(item.label, f"cannot read ({exc.strerror or exc})")
        else:
            yield from members(item.label, data)
        yield InputDone(item.label)


def decode_or_error(data: bytes, label: str) -> tuple[FitContent, str] | FitError | Crash:
    """`decode`, with a FitError or a crash returned rather than raised (it crosses process lines)."""
    try:
        return decode(data, label)
    except FitError as exc:
        return exc
    except Exception as exc:
        return Crash(_describe(exc))


def decode(data: bytes, label: str) -> tuple[FitContent, str]:
    """Decode and extract one FIT file; returns its content and the reader that read it.

    The fast reader reads it as a stream; if that rejects the file, fitparse, the
    reference, tries (small files only: it holds the whole file as objects).
    """
    with COLLECTOR_PAUSED:
        return _decode(data, label)


def _decode(data: bytes, label: str) -> tuple[FitContent, str]:
    warns: list[str] = []
    try:
        content = extract(iter_blocks(data, label, WEARSYNC_MESSAGES, warns), label)
        reader, note = "fast", []
    except FitError as fast_error:
        if warns or len(data) > FALLBACK_MAX_BYTES:
            raise
        read = read_with_fitparse(data, label)  # raises if fitparse cannot read it either
        content = extract_messages(read.messages, label)
        warns, reader = read.warnings, read.reader
        note = [f"read by fitparse: the fast reader stopped ({_unlabelled(str(fast_error), label)})"]
    warnings = [_unlabelled(w, label) for w in warns]
    content.warnings[:0] = note + warnings
    content.damaged = bool(warnings)
    return content, reader


class _CollectorPause:
    """The cyclic garbage collector off while files decode, in any number of threads at once.

    Decoding makes a dict and an object per message and no reference cycles, so reference
    counting frees all of it; the collector's scans (one per 700 new containers) were 10-15 % of
    an import's CPU. gc.disable() is process-wide: the first decode to begin turns it off, the
    last to end turns it back on, and only if it was on before.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._decoding = 0
        self._was_enabled = False

    def __enter__(self) -> None:
        with self._lock:
            if self._decoding == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._decoding += 1

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            self._decoding -= 1
            if self._decoding == 0 and self._was_enabled:
                gc.enable()


COLLECTOR_PAUSED = _CollectorPause()


def _unlabelled(message: str, label: str) -> str:
    return message.removeprefix(f"{label}: ")


def _describe(exc: BaseException) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    at = f" at {Path(where[0].filename).name}:{where[0].lineno}" if where else ""
    return f"{type(exc).__name__}: {exc}{at}"


def _store_one(store: Store, source: str, zone: str, label: str, data: bytes, decoded) -> FileOutcome:
    """Store one decoded file; any failure is this file's outcome, never the batch's."""
    try:
        return _store_decoded(store, source, zone, label, data, decoded)
    except (sqlite3.Error, OSError, StoreError) as exc:
        return _log(store, source, FileOutcome(label, "failed", f"could not be stored ({_store_problem(exc)})"))
    except Exception as exc:
        return _log(
            store,
            source,
            FileOutcome(
                label, "failed", f"internal error ({_describe(exc)}); please report it with this file", internal=True
            ),
        )


def _store_problem(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _store_decoded(store: Store, source: str, zone: str, label: str, data: bytes, decoded) -> FileOutcome:
    sha = hashlib.sha256(data).hexdigest()
    with store.transaction() as conn:
        known = recordings.recording_by_sha(conn, sha)
        if known:
            return _event(conn, source, FileOutcome(label, "duplicate", f"already imported as {known[1]}", known[0]))
        if isinstance(decoded, FitError):
            return _event(conn, source, FileOutcome(label, "failed", _unlabelled(str(decoded), label)))
        if isinstance(decoded, Crash):
            return _event(
                conn,
                source,
                FileOutcome(
                    label,
                    "failed",
                    f"internal error ({decoded.message}); please report it with this file",
                    internal=True,
                ),
            )
        content, reader = decoded
        replaces = None
        # A weight file's file_id does not name one recording: scales (and the FIT SDK's own
        # examples) write the same serial and time into files of different weigh-ins. Its
        # identity is its bytes; the same weigh-in in two files is read once (docs/metrics.md, Weight).
        if content.serial is not None and content.time_created is not None and content.file_type != WEIGHT_FILE:
            known = recordings.recording_by_identity(conn, content.serial, content.time_created, content.file_type)
            if known and not (known[2] and not content.damaged):
                return _event(conn, source, FileOutcome(label, "duplicate", f"same recording as {known[1]}", known[0]))
            # The copy stored first was damaged and this one is whole: this one takes its place.
            replaces = known
        skip_reason = content.skip_reason()
        if not skip_reason and content.file_type in ("activity", WEIGHT_FILE):
            fit_rows.settle_local_time(conn, content, zone)
        store.keep_original(data)
        status = "skipped" if skip_reason else "imported"
        message = skip_reason or "; ".join(content.warnings)
        if replaces:
            message = f"replaces the damaged copy {replaces[1]}" + (f"; {message}" if message else "")
        recording_id = recordings.add_recording(
            conn,
            {
                "sha256": sha,
                "serial": content.serial,
                "time_created": content.time_created,
                "file_type": content.file_type,
                "manufacturer": content.manufacturer,
                "product": content.product,
                "source": source,
                "path": label,
                "status": status,
                "reason": message or None,
                "reader": reader,
                "damaged": content.damaged,
                "imported_at": int(time.time()),
            },
        )
        if replaces:
            fit_rows.forget_recording(conn, replaces[0], recording_id)
        if not skip_reason:
            fit_rows.write_content(conn, recording_id, content)
            wearer = wearer_sources.from_fit(content)
            if wearer:
                wearer_sources.save(store, conn, wearer)
        return _event(conn, source, FileOutcome(label, status, message, recording_id))


def _unread(store: Store, source: str, failure: Failure) -> FileOutcome:
    return _log(store, source, FileOutcome(failure.label, "skipped" if failure.skipped else "failed", failure.message))


def _log(store: Store, source: str, outcome: FileOutcome) -> FileOutcome:
    """Record an outcome in its own transaction; a store that cannot take it costs only the record."""
    try:
        with store.transaction() as conn:
            _event(conn, source, outcome)
    except (sqlite3.Error, OSError, StoreError):
        pass  # the outcome still reaches the summary and the person
    return outcome


def _event(conn, source: str, outcome: FileOutcome) -> FileOutcome:
    recordings.log_imports(
        conn,
        [
            {
                "at": int(time.time()),
                "source": source,
                "path": outcome.path,
                "outcome": outcome.outcome,
                "message": outcome.message or None,
            }
        ],
    )
    return outcome
