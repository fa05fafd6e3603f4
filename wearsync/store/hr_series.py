"""Heart rate as packed columns: one row of table hr_series per recording or Garmin day.

Each row holds its readings as arrays in BLOBs, in the order the source gave them: `ts` as
uint32 seconds after `first_ts`, `bpm` as uint8 (NO_BPM: the source said "no value", such as
Garmin's empty slots), `offsets` as runs of the UTC offset (int32 pairs: index of the first
reading of the run, offset in seconds). first_ts and last_ts are indexed, so a range read
touches only the rows whose span overlaps it; first_local and last_local (the earliest and
latest local time) give the local days a row covers without decoding it. Reads go from bytes
to numpy arrays with no Python object per reading.

SQLite cannot CHECK the values inside a BLOB, so every writer goes through `write_series`,
which refuses a value outside the gate's limits (wearsync.sync.gate.LIMITS) with StoreError:
reads can rely on every stored value, as with the STRICT tables.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt

from wearsync.errors import StoreError
from wearsync.store.strict_schema import ANALYTICS_CACHES, HR_SOURCES, LOCAL_DAY, Column
from wearsync.sync.gate import LIMITS
from wearsync.unix_days import day_start

NO_BPM = 0  # below every plausible heart rate
DAY_SECONDS = 86_400
# Local days run from UTC-12 to UTC+14: a UTC window this much wider holds all of a local day.
OFFSET_MARGIN_S = 14 * 3600
TS_TYPE, BPM_TYPE, RUN_TYPE = np.dtype("<u4"), np.dtype("u1"), np.dtype("<i4")
COLUMNS = (
    Column("id", "INTEGER", clause="PRIMARY KEY AUTOINCREMENT"),  # never reused: the order written
    Column("recording_id", "INTEGER", clause="REFERENCES recordings(id) ON DELETE CASCADE"),
    Column("garmin_day", "TEXT", rule=LOCAL_DAY, clause="UNIQUE"),
    Column("source", "TEXT", True, choices=HR_SOURCES),
    Column("first_ts", "INTEGER", True, "time"),
    Column("last_ts", "INTEGER", True, "time"),
    Column("first_local", "INTEGER", True),
    Column("last_local", "INTEGER", True),
    Column("n", "INTEGER", True),
    Column("ts", "BLOB", True),
    Column("bpm", "BLOB", True),
    Column("offsets", "BLOB", True),
)
CREATE = (
    "CREATE TABLE hr_series (\n    " + ",\n    ".join(c.definition() for c in COLUMNS) + ",\n    "
    f"CHECK (n > 0 AND length(ts) = {TS_TYPE.itemsize} * n AND length(bpm) = n "
    f"AND length(offsets) % {2 * RUN_TYPE.itemsize} = 0 AND length(offsets) > 0),\n    "
    "CHECK (recording_id IS NULL OR garmin_day IS NULL)\n) STRICT",
    "CREATE INDEX hr_series_span ON hr_series(last_ts, first_ts)",
    "CREATE INDEX hr_series_by_recording ON hr_series(recording_id)",
)


if TYPE_CHECKING:
    import polars as pl


class Readings(NamedTuple):
    """Readings as numpy columns: ts int64, bpm uint8 (NO_BPM: no value), utc_offset_s int64,
    source uint8 (an index into HR_SOURCES)."""

    ts: np.ndarray
    bpm: np.ndarray
    utc_offset_s: np.ndarray
    source: np.ndarray


def write_series(
    conn: sqlite3.Connection,
    *,
    source: str,
    ts: npt.ArrayLike,
    bpm: npt.ArrayLike,
    utc_offset_s: npt.ArrayLike,
    recording_id: int | None = None,
    garmin_day: str | None = None,
) -> None:
    """Store one recording's (or one Garmin day's) heart rate, in the caller's transaction.

    `ts`, `bpm` and `utc_offset_s` are equally long arrays in the source's order; a NaN bpm is
    "no value". A Garmin day replaces what the day held. A value outside the gate's limits
    raises StoreError and nothing is written.
    """
    if (recording_id is None) == (garmin_day is None):
        raise ValueError("a series belongs to a recording or to a Garmin day")
    ts, offsets = _whole(ts, "time", "ts"), _whole(utc_offset_s, "utc_offset_s", "utc_offset_s")
    bpm = np.asarray(bpm)
    empty = np.isnan(bpm) if bpm.dtype.kind == "f" else np.zeros(bpm.shape, bool)
    values = np.full(bpm.shape, NO_BPM, BPM_TYPE)
    values[~empty] = _whole(bpm[~empty], "heart_rate_bpm", "bpm")
    if not ts.shape == values.shape == offsets.shape or ts.ndim != 1:
        raise ValueError("ts, bpm and utc_offset_s must be equally long one-dimensional arrays")
    if source not in HR_SOURCES:
        _refuse(f"source {source!r} is not one of {', '.join(HR_SOURCES)}")
    if garmin_day is not None:
        forget_garmin_day(conn, garmin_day)
    if ts.size == 0:
        return
    first, local = int(ts.min()), ts + offsets
    starts = np.flatnonzero(np.diff(offsets, prepend=offsets[0] - 1))
    conn.execute(
        "INSERT INTO hr_series (recording_id, garmin_day, source, first_ts, last_ts, first_local, last_local, n, "
        "ts, bpm, offsets) VALUES (:recording_id, :garmin_day, :source, :first_ts, :last_ts, :first_local, "
        ":last_local, :n, :ts, :bpm, :offsets)",
        {
            "recording_id": recording_id,
            "garmin_day": garmin_day,
            "source": source,
            "first_ts": first,
            "last_ts": int(ts.max()),
            "first_local": int(local.min()),
            "last_local": int(local.max()),
            "n": int(ts.size),
            "ts": (ts - first).astype(TS_TYPE).tobytes(),
            "bpm": values.tobytes(),
            "offsets": np.column_stack([starts, offsets[starts]]).astype(RUN_TYPE).tobytes(),
        },
    )


def forget_garmin_day(conn: sqlite3.Connection, day: str) -> None:
    """Remove a Garmin day's heart rate (a recording's goes with the recording)."""
    conn.execute("DELETE FROM hr_series WHERE garmin_day = :day", {"day": day})


def read_series(
    conn: sqlite3.Connection,
    start: int,
    end: int,
    sources: tuple[str, ...] = HR_SOURCES,
    *,
    with_empty: bool = True,
    in_time_order: bool = True,
) -> Readings:
    """The readings of `sources` with start <= ts < end (and the empty ones unless not
    `with_empty`), in time order, readings of the same second in the order they were written
    in; unless not `in_time_order`: then as stored, each series in the order written."""
    # INDEXED BY: without it SQLite scans the whole table in id order (the ORDER BY), ~10x slower
    # for a month of five years (bench/analytics_bench.py's rebuild reads 59 such ranges)
    readings = decode_many(
        conn.execute(
            f"SELECT source, first_ts, ts, bpm, offsets FROM hr_series INDEXED BY hr_series_span "
            f"WHERE last_ts >= :start AND first_ts < :end "
            f"AND source IN ({', '.join(f':s{n}' for n in range(len(sources)))}) ORDER BY id",
            {"start": start, "end": end, **{f"s{n}": source for n, source in enumerate(sources)}},
        ).fetchall()
    )
    wanted = (readings.ts >= start) & (readings.ts < end)
    if not with_empty:
        wanted &= readings.bpm != NO_BPM
    if not in_time_order:
        return Readings(*(column[wanted] for column in readings))
    inside = np.flatnonzero(wanted)
    order = inside[np.argsort(readings.ts[inside], kind="stable")]
    return Readings(*(column[order] for column in readings))


def local_spans(conn: sqlite3.Connection) -> list[tuple[int | None, str | None, int, int]]:
    """(recording_id, garmin_day, earliest, latest local time) of each series."""
    return conn.execute("SELECT recording_id, garmin_day, first_local, last_local FROM hr_series").fetchall()


def recording_spans(conn: sqlite3.Connection) -> list[tuple[int, int, int]]:
    """(recording_id, earliest, latest local time) of each recording's series."""
    return conn.execute(
        "SELECT recording_id, first_local, last_local FROM hr_series WHERE recording_id IS NOT NULL"
    ).fetchall()


def reading_count(conn: sqlite3.Connection) -> int:
    """How many readings are stored, empty ones included."""
    return int(conn.execute("SELECT coalesce(sum(n), 0) FROM hr_series").fetchone()[0])


def read_readings(conn: sqlite3.Connection, first: date, last: date) -> Readings:
    """Heart-rate readings with a value that may fall on local days first..last, as arrays.

    As stored: each series in turn, in the order written (`heart_rate.minutes_of` takes them so,
    without a sort of every reading by time).
    """
    start = day_start(first) - OFFSET_MARGIN_S
    end = day_start(last) + DAY_SECONDS + OFFSET_MARGIN_S
    return read_series(conn, start, end, with_empty=False, in_time_order=False)


def read_local_day(conn: sqlite3.Connection, day: date) -> pl.DataFrame:
    """Every heart-rate reading whose local time falls on `day` (READINGS_SCHEMA; bpm null:
    the source said "no value"), in time order."""
    import polars as pl  # loaded by the read side only, not by the importer

    from wearsync.analytics.heart_rate import READINGS_SCHEMA
    from wearsync.store.frames import SOURCE_NAMES

    midnight = day_start(day)
    readings = read_series(conn, midnight - OFFSET_MARGIN_S, midnight + DAY_SECONDS + OFFSET_MARGIN_S)
    local = readings.ts + readings.utc_offset_s
    inside = Readings(
        *(column[np.flatnonzero((local >= midnight) & (local < midnight + DAY_SECONDS))] for column in readings)
    )
    return pl.DataFrame(
        {
            "ts": inside.ts,
            "bpm": inside.bpm.astype(np.int64),
            "utc_offset_s": inside.utc_offset_s,
            "source": SOURCE_NAMES.gather(inside.source),
        },
        schema=READINGS_SCHEMA,
    ).with_columns(pl.when(pl.col("bpm") != NO_BPM).then(pl.col("bpm")).alias("bpm"))


def read_day_reading_stats(conn: sqlite3.Connection, day: date) -> dict[str, Any]:
    """The raw readings on local day `day`, all sources: count, empty ones, lowest and highest bpm."""
    bpm = read_local_day(conn, day)["bpm"]
    return {"values": bpm.len(), "empty": bpm.null_count(), "min": bpm.min(), "max": bpm.max()}


def decode(source: str, first_ts: int, ts: bytes, bpm: bytes, offsets: bytes) -> Readings:
    """One stored series (its columns source, first_ts, ts, bpm, offsets) as arrays, in stored order."""
    return decode_many([(source, first_ts, ts, bpm, offsets)])


def decode_many(rows: Sequence[tuple[str, int, bytes, bytes, bytes]]) -> Readings:
    """Stored series (rows of columns source, first_ts, ts, bpm, offsets) as arrays, one after
    the other in the rows' order: each column's bytes joined and read at once, with no numpy
    call per series."""
    if not rows:
        return Readings(*(np.empty(0, dtype) for dtype in (np.int64, BPM_TYPE, np.int64, np.uint8)))
    sources, firsts, ts, bpm, offsets = zip(*rows, strict=True)
    counts = np.array([len(t) for t in ts], np.int64) // TS_TYPE.itemsize
    times = np.frombuffer(b"".join(ts), TS_TYPE).astype(np.int64)
    times += np.repeat(np.array(firsts, np.int64), counts)
    runs = np.frombuffer(b"".join(offsets), RUN_TYPE).reshape(-1, 2)
    # a run's first reading is an index within its own series: made one into the joined readings
    runs_per_series = np.array([len(o) for o in offsets], np.int64) // (2 * RUN_TYPE.itemsize)
    run_starts = runs[:, 0] + np.repeat(np.cumsum(counts) - counts, runs_per_series)
    lengths = np.diff(run_starts, append=times.size)
    codes = np.array([HR_SOURCES.index(source) for source in sources], np.uint8)
    return Readings(
        times,
        np.frombuffer(b"".join(bpm), BPM_TYPE),
        np.repeat(runs[:, 1].astype(np.int64), lengths),
        np.repeat(codes, counts),
    )


def _whole(values: npt.ArrayLike, limit: str, name: str) -> np.ndarray:
    """`values` as int64 if every one is a whole number within LIMITS[limit], else StoreError."""
    array = np.asarray(values)
    rule = LIMITS[limit]
    if array.dtype.kind not in "iuf":
        _refuse(f"{name} holds {array.dtype} values, not numbers")
    if array.size:
        if array.dtype.kind == "f" and not np.all(np.isfinite(array) & (array == np.round(array))):
            _refuse(f"{name} holds a value that is not a whole number")
        low, high = array.min(), array.max()
        if low < rule.low or high > rule.high:
            _refuse(f"{name} {low if low < rule.low else high} is outside {rule.low:g} to {rule.high:g} ({rule.why})")
    return array.astype(np.int64)


def _refuse(why: str) -> None:
    raise StoreError(f"a value outside the store's limits was refused ({why}); nothing of this change was stored")


def readings_to_series(conn: sqlite3.Connection) -> list[str]:
    """The migration: table hr_readings (a row per reading) becomes hr_series, then goes.

    Each recording's and each Garmin day's rows become one series per source, written in the
    order of their first row, rows in stored order, so readings of the same second keep their
    order. The analytics caches are emptied: the next report rebuilds them from the series.
    """
    for statement in CREATE:
        conn.execute(statement)
    units = conn.execute(
        "SELECT min(rowid), 'recording_id', recording_id FROM hr_readings WHERE recording_id IS NOT NULL "
        "GROUP BY recording_id UNION ALL "
        "SELECT min(rowid), 'garmin_day', garmin_day FROM hr_readings WHERE garmin_day IS NOT NULL "
        "AND recording_id IS NULL GROUP BY garmin_day ORDER BY 1"
    ).fetchall()
    for _, column, key in units:
        rows = conn.execute(
            f"SELECT ts, coalesce(bpm, {NO_BPM}), utc_offset_s, source FROM hr_readings "
            f"WHERE {column} = :key ORDER BY rowid",
            {"key": key},
        ).fetchall()
        for source in dict.fromkeys(row[3] for row in rows):
            ts, bpm, offsets = np.array([row[:3] for row in rows if row[3] == source], np.int64).T
            owner = {"recording_id": key} if column == "recording_id" else {"garmin_day": key}
            write_series(
                conn, source=source, ts=ts, bpm=np.where(bpm == NO_BPM, np.nan, bpm), utc_offset_s=offsets, **owner
            )
    conn.execute("DROP TABLE hr_readings")
    for cache in ANALYTICS_CACHES:
        conn.execute(f"DELETE FROM {cache}")
    return []
