"""The tables of imported files: recordings, their activities and strength sets, and import_events
(the log of every file's outcome). Their monitoring values are packed: monitoring_series.py."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import polars as pl


class KnownRecording(NamedTuple):
    id: int
    path: str  # where it was first seen
    damaged: bool  # the reader kept only part of it


def recording_by_sha(conn: sqlite3.Connection, sha: str) -> KnownRecording | None:
    """The stored recording of these bytes."""
    return _known(conn, "sha256 = :sha", {"sha": sha})


def recording_by_identity(
    conn: sqlite3.Connection, serial: int, time_created: int, file_type: str | None
) -> KnownRecording | None:
    """The stored recording the device named with this serial, creation time and file type."""
    return _known(
        conn,
        "serial = :serial AND time_created = :time_created AND file_type = :file_type",
        {"serial": serial, "time_created": time_created, "file_type": file_type},
    )


def _known(conn: sqlite3.Connection, where: str, params: dict[str, object]) -> KnownRecording | None:
    row = conn.execute(f"SELECT id, path, damaged FROM recordings WHERE {where}", params).fetchone()
    return KnownRecording(row[0], row[1], bool(row[2])) if row else None


def add_recording(conn: sqlite3.Connection, row: dict[str, Any]) -> int:
    """Store a recording (keys: the table's columns but id); returns its id."""
    cursor = conn.execute(
        "INSERT INTO recordings (sha256, serial, time_created, file_type, manufacturer, product, source, path, "
        "status, reason, reader, damaged, imported_at) VALUES (:sha256, :serial, :time_created, :file_type, "
        ":manufacturer, :product, :source, :path, :status, :reason, :reader, :damaged, :imported_at)",
        row,
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def delete_recording(conn: sqlite3.Connection, recording_id: int) -> None:
    """Remove a recording; its activities, sets, values, heart rate and weigh-ins cascade, and its
    sha256 is marked loose (originals.LOOSE_ORIGINALS)."""
    conn.execute("DELETE FROM recordings WHERE id = :id", {"id": recording_id})


def add_activity(conn: sqlite3.Connection, row: dict[str, Any]) -> int:
    """Store an activity (keys: the table's columns but id); returns its id."""
    cursor = conn.execute(
        "INSERT INTO activities (recording_id, sport, sub_sport, start_utc, utc_offset_s, local_day, elapsed_s, "
        "timer_s, calories, avg_hr, max_hr, ascent_m, steps) VALUES (:recording_id, :sport, :sub_sport, :start_utc, "
        ":utc_offset_s, :local_day, :elapsed_s, :timer_s, :calories, :avg_hr, :max_hr, :ascent_m, :steps)",
        row,
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def add_strength_sets(conn: sqlite3.Connection, rows: Iterable[dict[str, Any]]) -> None:
    conn.executemany(
        "INSERT INTO strength_sets (activity_id, position, start_utc, duration_s, set_type, repetitions, weight_kg, "
        "category) VALUES (:activity_id, :position, :start_utc, :duration_s, :set_type, :repetitions, :weight_kg, "
        ":category)",
        rows,
    )


def nearest_device_offset(conn: sqlite3.Connection, serial: int, near: int, within_s: int) -> int | None:
    """The UTC offset of the same device's recording nearest to `near`, within `within_s`: its
    monitoring values' own, or an activity's whose offset was not itself a fallback (monitoring
    first of two equally near). Both through an index: the device's monitoring rows of the days
    around `near`, the activities that started within the window."""
    from wearsync.store import monitoring_series  # numpy: loaded by the importer, not by every command

    monitoring = monitoring_series.nearest_offset(conn, serial, near, within_s)
    # INDEXED BY: by the index on recordings(serial) SQLite would visit every recording of the device
    row = conn.execute(
        "SELECT ABS(a.start_utc - :near) AS gap, a.utc_offset_s FROM activities a INDEXED BY activities_by_start "
        "JOIN recordings r ON r.id = a.recording_id WHERE a.start_utc BETWEEN :lo AND :hi AND r.serial = :serial "
        "AND COALESCE(r.reason, '') NOT LIKE '%local time from%' ORDER BY gap, a.start_utc LIMIT 1",
        {"serial": serial, "near": near, "lo": near - within_s, "hi": near + within_s},
    ).fetchone()
    found = [f for f in (monitoring, row) if f is not None]
    return int(min(found, key=lambda f: f[0])[1]) if found else None


def log_imports(conn: sqlite3.Connection, events: Iterable[dict[str, Any]]) -> None:
    """Import events (keys at, source, path, outcome, message)."""
    conn.executemany(
        "INSERT INTO import_events (at, source, path, outcome, message) "
        "VALUES (:at, :source, :path, :outcome, :message)",
        events,
    )


def read_activities(conn: sqlite3.Connection, first: date | None = None, last: date | None = None) -> pl.DataFrame:
    """Activities (frames.ACTIVITY_DETAIL_SCHEMA) for local days first..last, in start order."""
    from wearsync.store.frames import ACTIVITY_DETAIL_SCHEMA, day_range, query_frame

    return query_frame(
        conn,
        "SELECT id, local_day, sport, sub_sport, start_utc, elapsed_s, calories, avg_hr, max_hr, ascent_m, "
        "steps, utc_offset_s FROM activities WHERE local_day BETWEEN :first AND :last ORDER BY start_utc",
        day_range(first, last),
        ACTIVITY_DETAIL_SCHEMA,
    )


def read_activity_maxima(conn: sqlite3.Connection, first: date | None = None, last: date | None = None) -> pl.DataFrame:
    """Each activity's highest heart rate (ACTIVITY_MAX_SCHEMA) of local days first..last."""
    from wearsync.analytics.intensity import ACTIVITY_MAX_SCHEMA
    from wearsync.store.frames import day_range, query_frame

    return query_frame(
        conn,
        "SELECT local_day, max_hr FROM activities WHERE local_day BETWEEN :first AND :last AND max_hr IS NOT NULL",
        day_range(first, last),
        ACTIVITY_MAX_SCHEMA,
    )


def read_strength_activity_ids(
    conn: sqlite3.Connection, first: date | None = None, last: date | None = None
) -> pl.DataFrame:
    """The ids of activities of local days first..last that logged strength sets (SETS_SCHEMA)."""
    from wearsync.analytics.strength import SETS_SCHEMA
    from wearsync.store.frames import day_range, query_frame

    return query_frame(
        conn,
        "SELECT DISTINCT activity_id FROM strength_sets WHERE activity_id IN "
        "(SELECT id FROM activities WHERE local_day BETWEEN :first AND :last)",
        day_range(first, last),
        SETS_SCHEMA,
    )


def recording_days(conn: sqlite3.Connection) -> dict[int, set[str]]:
    """Per recording, the local days its activities, monitoring values and weigh-ins fall on."""
    days: dict[int, set[str]] = {}
    for rid, local_day in conn.execute(
        "SELECT recording_id, local_day FROM activities UNION "
        "SELECT recording_id, local_day FROM monitoring_series UNION "
        "SELECT recording_id, local_day FROM weigh_ins WHERE recording_id IS NOT NULL"
    ):
        days.setdefault(rid, set()).add(local_day)
    return days


def recording_list(
    conn: sqlite3.Connection,
) -> list[tuple[int, str, str, int | None, int | None, int | None, str, str | None, int]]:
    """Every recording: (id, source, path, manufacturer, product, serial, status, reason, imported_at)."""
    return conn.execute(
        "SELECT id, source, path, manufacturer, product, serial, status, reason, imported_at FROM recordings"
    ).fetchall()
