"""All-day monitoring values as packed columns: one row of table monitoring_series per recording and
local day (and device), instead of a row per value (issue 23: 2.6 million rows and 266 MB after five
years of a watch, and every file's wellness read them all).

A row holds that recording's values of the day as arrays in BLOBs, in time order: `ts` as uint32
seconds after `first_ts`, `code` as uint8 (an index into METRIC_KINDS: the metric and its kind),
`activity_type` as uint8 (the FIT activity type; NO_TYPE is stored as 255, which FIT reserves as
"invalid"), `value` as int32. `local_day`, `serial` and `recording_id` are plain indexed columns:
a day's or a range of days' values are read through the index on local_day, a device's near a
time through (serial, local_day), a recording's through (recording_id, local_day).

A value the device wrote twice (the same serial, local day, time, activity type, metric and kind,
in two files of a day) counts once, with the larger value: each row keeps its own recording's
values, and the reads keep the largest of each (`_deduplicated`) before they aggregate, as the
former table's primary key did on insert.

SQLite cannot CHECK the values inside a BLOB, so every writer goes through `write_values`, which
refuses a value outside the gate's limits (wearsync.sync.gate.LIMITS) with StoreError: reads can
rely on every stored value, as with the STRICT tables.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from itertools import groupby
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from wearsync.errors import StoreError
from wearsync.store.strict_schema import LOCAL_DAY, Column
from wearsync.sync.gate import LIMITS

if TYPE_CHECKING:
    import polars as pl

# (metric, kind) of each code, and the gate's limit of its values. The codes are what the store
# holds: never reorder them, only add at the end. 'total': a running total since local midnight;
# 'increment': what an interval added; 'info': a value of the day (its UTC offset, resting energy
# and heart rate).
METRIC_KINDS: tuple[tuple[str, str, str], ...] = (
    ("steps", "total", "steps_day"),
    ("active_kcal", "total", "kcal_day"),
    ("ascent_mm", "total", "ascent_mm_day"),
    ("descent_mm", "total", "ascent_mm_day"),
    ("moderate_min", "total", "minutes_day"),
    ("vigorous_min", "total", "minutes_day"),
    ("ascent_mm", "increment", "ascent_mm_day"),
    ("descent_mm", "increment", "ascent_mm_day"),
    ("moderate_min", "increment", "minutes_day"),
    ("vigorous_min", "increment", "minutes_day"),
    ("utc_offset_s", "info", "utc_offset_s"),
    ("rmr_kcal", "info", "rmr_kcal_day"),
    ("resting_hr", "info", "resting_hr_bpm"),
)
CODES = {(metric, kind): code for code, (metric, kind, _) in enumerate(METRIC_KINDS)}
NO_TYPE = -1  # a value of no activity type (ascent, intensity minutes, the day's infos)
STORED_NO_TYPE = 255  # FIT's "invalid" uint8: no device's activity type
TS_TYPE, CODE_TYPE, ACTIVITY_TYPE, VALUE_TYPE = np.dtype("<u4"), np.dtype("u1"), np.dtype("u1"), np.dtype("<i4")
# A local day's values were stamped within these seconds of its midnight UTC: offsets run from
# UTC-12 to UTC+14, and a total stamped at local midnight closes the day before.
DAY_SECONDS = 86_400
OFFSET_MARGIN_S = 14 * 3600

COLUMNS = (
    Column("id", "INTEGER", clause="PRIMARY KEY"),
    Column("recording_id", "INTEGER", True, clause="REFERENCES recordings(id) ON DELETE CASCADE"),
    Column("serial", "INTEGER", True),
    Column("local_day", "TEXT", True, LOCAL_DAY),
    Column("first_ts", "INTEGER", True, "time"),
    Column("last_ts", "INTEGER", True, "time"),
    Column("n", "INTEGER", True),
    Column("ts", "BLOB", True),
    Column("code", "BLOB", True),
    Column("activity_type", "BLOB", True),
    Column("value", "BLOB", True),
)
CREATE = (
    "CREATE TABLE monitoring_series (\n    " + ",\n    ".join(c.definition() for c in COLUMNS) + ",\n    "
    f"CHECK (n > 0 AND length(ts) = {TS_TYPE.itemsize} * n AND length(code) = n "
    f"AND length(activity_type) = n AND length(value) = {VALUE_TYPE.itemsize} * n AND first_ts <= last_ts)\n"
    ") STRICT",
    "CREATE INDEX monitoring_series_by_day ON monitoring_series(local_day)",
    "CREATE INDEX monitoring_series_by_device ON monitoring_series(serial, local_day)",
    "CREATE INDEX monitoring_series_by_recording ON monitoring_series(recording_id, local_day)",
)


class MonitoringGroup(NamedTuple):
    """A day's values of one device, metric, kind and activity type (monitoring_groups)."""

    serial: int
    metric: str
    kind: str
    activity_type: int
    largest: int
    total: int  # their sum
    first_ts: int
    last_ts: int


class _Values(NamedTuple):
    """Stored values as numpy columns (int64): serial, local day (a date ordinal), ts, code,
    activity type (NO_TYPE: none), value."""

    serial: np.ndarray
    day: np.ndarray
    ts: np.ndarray
    code: np.ndarray
    activity_type: np.ndarray
    value: np.ndarray

    def take(self, index: np.ndarray) -> _Values:
        return _Values(*(column[index] for column in self))


def write_values(
    conn: sqlite3.Connection,
    recording_id: int,
    serial: int,
    values: Iterable[tuple[str, int, int, str, str, int]],
) -> None:
    """Store a recording's monitoring values (local_day, ts, activity_type, metric, kind, value),
    a row per local day, in the caller's transaction. A value the recording holds twice keeps the
    larger. A value outside the gate's limits, or of a metric and kind not in METRIC_KINDS,
    raises StoreError and nothing is written."""
    by_day: dict[str, list[tuple[str, int, int, str, str, int]]] = {}
    for item in values:
        by_day.setdefault(item[0], []).append(item)
    rows = []
    for day, items in sorted(by_day.items()):
        codes = []
        for item in items:
            code = CODES.get((item[3], item[4]))
            if code is None:
                _refuse(f"metric {item[3]!r} of kind {item[4]!r} is not one the store keeps")
            codes.append(code)
        rows.append(
            _packed(
                recording_id,
                serial,
                day,
                _whole([item[1] for item in items], "ts"),
                np.array(codes, np.int64),
                _whole([item[2] for item in items], "activity_type"),
                _whole([item[5] for item in items], "value"),
            )
        )
    _insert(conn, rows)


def _packed(
    recording_id: int, serial: int, day: str, ts: np.ndarray, code: np.ndarray, types: np.ndarray, value: np.ndarray
) -> dict[str, object]:
    """One row of monitoring_series, its values checked, deduplicated (the largest kept) and in time order."""
    if not isinstance(serial, int) or isinstance(serial, bool):
        _refuse(f"serial {serial!r} is not a whole number")
    bad_type = (types != NO_TYPE) & ((types < 0) | (types >= STORED_NO_TYPE))
    if bad_type.any():
        _refuse(f"activity type {types[bad_type][0]} is not a FIT activity type (0 to 254)")
    for one in np.unique(code):
        metric, _, limit = METRIC_KINDS[one]
        _checked(value[code == one], limit, metric)
    _checked(ts, "time", "ts")
    order = np.lexsort((value, types, code, ts))
    ts, code, types, value = ts[order], code[order], types[order], value[order]
    # the largest of a value stored twice: the last of each (ts, code, type) in this order
    last = np.ones(ts.size, bool)
    last[:-1] = (ts[1:] != ts[:-1]) | (code[1:] != code[:-1]) | (types[1:] != types[:-1])
    ts, code, types, value = ts[last], code[last], types[last], value[last]
    first = int(ts[0])
    return {
        "recording_id": recording_id,
        "serial": serial,
        "local_day": day,
        "first_ts": first,
        "last_ts": int(ts[-1]),
        "n": int(ts.size),
        "ts": (ts - first).astype(TS_TYPE).tobytes(),
        "code": code.astype(CODE_TYPE).tobytes(),
        "activity_type": np.where(types == NO_TYPE, STORED_NO_TYPE, types).astype(ACTIVITY_TYPE).tobytes(),
        "value": value.astype(VALUE_TYPE).tobytes(),
    }


def _insert(conn: sqlite3.Connection, rows: list[dict[str, object]]) -> None:
    conn.executemany(
        "INSERT INTO monitoring_series (recording_id, serial, local_day, first_ts, last_ts, n, ts, code, "
        "activity_type, value) VALUES (:recording_id, :serial, :local_day, :first_ts, :last_ts, :n, :ts, :code, "
        ":activity_type, :value)",
        rows,
    )


def _whole(values: list[int], name: str) -> np.ndarray:
    """`values` as int64, if every one is a whole number."""
    array = np.asarray(values)
    if array.dtype.kind not in "iuf":
        _refuse(f"{name} holds {array.dtype} values, not numbers")
    if array.dtype.kind == "f" and not np.all(np.isfinite(array) & (array == np.round(array))):
        _refuse(f"{name} holds a value that is not a whole number")
    return array.astype(np.int64)


def _checked(array: np.ndarray, limit: str, name: str) -> np.ndarray:
    rule = LIMITS[limit]
    if array.size:
        low, high = array.min(), array.max()
        if low < rule.low or high > rule.high:
            _refuse(f"{name} {low if low < rule.low else high} is outside {rule.low:g} to {rule.high:g} ({rule.why})")
    return array


def _refuse(why: str) -> None:
    raise StoreError(f"a value outside the store's limits was refused ({why}); nothing of this change was stored")


def _read(conn: sqlite3.Connection, where: str, params: Mapping[str, object], codes: Sequence[int] = ()) -> _Values:
    """The stored values of the rows `where` selects (of `codes` only, if given), the largest of
    each value stored twice."""
    rows = conn.execute(
        f"SELECT serial, local_day, first_ts, ts, code, activity_type, value FROM monitoring_series WHERE {where}",
        params,
    ).fetchall()
    if not rows:
        return _Values(*(np.empty(0, np.int64) for _ in range(6)))
    serials, days, firsts, ts, code, types, value = zip(*rows, strict=True)
    counts = np.array([len(c) for c in code], np.int64)
    ordinals = {day: date.fromisoformat(day).toordinal() for day in set(days)}
    types_array = np.frombuffer(b"".join(types), ACTIVITY_TYPE).astype(np.int64)
    values = _Values(
        np.repeat(np.array(serials, np.int64), counts),
        np.repeat(np.array([ordinals[d] for d in days], np.int64), counts),
        np.frombuffer(b"".join(ts), TS_TYPE).astype(np.int64) + np.repeat(np.array(firsts, np.int64), counts),
        np.frombuffer(b"".join(code), CODE_TYPE).astype(np.int64),
        np.where(types_array == STORED_NO_TYPE, NO_TYPE, types_array),
        np.frombuffer(b"".join(value), VALUE_TYPE).astype(np.int64),
    )
    if codes:
        values = values.take(np.flatnonzero(np.isin(values.code, codes)))
    return _deduplicated(values)


def _deduplicated(values: _Values) -> _Values:
    """One value per (serial, local day, ts, activity type, code), the largest, ordered by them."""
    order = np.lexsort((values.value, values.code, values.activity_type, values.ts, values.day, values.serial))
    values = values.take(order)
    last = np.ones(values.ts.size, bool)
    if values.ts.size:
        last[:-1] = np.any(
            [
                column[1:] != column[:-1]
                for column in (values.serial, values.day, values.ts, values.activity_type, values.code)
            ],
            axis=0,
        )
    return values.take(np.flatnonzero(last))


def _codes(metrics: Iterable[str], kind: str) -> list[int]:
    return [CODES[(metric, kind)] for metric in metrics]


def decode(
    first_ts: int, ts: bytes, code: bytes, activity_type: bytes, value: bytes
) -> list[tuple[int, int, str, str, int]]:
    """One stored row's values (its columns first_ts, ts, code, activity_type, value) as
    (ts, activity_type, metric, kind, value), in stored order."""
    types = np.frombuffer(activity_type, ACTIVITY_TYPE).astype(np.int64)
    return [
        (first_ts + t, NO_TYPE if a == STORED_NO_TYPE else a, *METRIC_KINDS[c][:2], v)
        for t, c, a, v in zip(
            np.frombuffer(ts, TS_TYPE).tolist(),
            np.frombuffer(code, CODE_TYPE).tolist(),
            types.tolist(),
            np.frombuffer(value, VALUE_TYPE).tolist(),
            strict=True,
        )
    ]


def monitoring_groups(conn: sqlite3.Connection, day: str) -> list[MonitoringGroup]:
    """The monitoring values of local day `day` per serial, metric, kind and activity type, in
    that order: the largest, their sum, the first and last ts (a value stored twice counted once)."""
    values = _read(conn, "local_day = :day", {"day": day})
    groups: dict[tuple[int, str, str, int], list[int]] = {}
    for serial, ts, code, activity_type, value in zip(
        *(c.tolist() for c in (values.serial, values.ts, values.code, values.activity_type, values.value)), strict=True
    ):
        metric, kind, _ = METRIC_KINDS[code]
        group = groups.get((serial, metric, kind, activity_type))
        if group is None:
            groups[(serial, metric, kind, activity_type)] = [value, value, ts, ts]
        else:
            group[0] = max(group[0], value)
            group[1] += value
            group[2] = min(group[2], ts)
            group[3] = max(group[3], ts)
    return [MonitoringGroup(*key, *found) for key, found in sorted(groups.items())]


def read_monitoring_totals(
    conn: sqlite3.Connection, first: date | None = None, last: date | None = None
) -> pl.DataFrame:
    """Running totals of steps and active calories (MONITORING_TOTALS_SCHEMA) of local days first..last."""
    import polars as pl  # loaded by the read side only

    from wearsync.analytics.intensity import MONITORING_TOTALS_SCHEMA
    from wearsync.store.frames import day_range

    values = _read(
        conn, "local_day BETWEEN :first AND :last", day_range(first, last), _codes(("steps", "active_kcal"), "total")
    )
    epoch = date(1970, 1, 1).toordinal()
    names = pl.Series([metric for metric, _, _ in METRIC_KINDS], dtype=pl.String)
    return pl.DataFrame(
        {
            "serial": values.serial,
            "local_day": pl.Series(values.day - epoch, dtype=pl.Int32).cast(pl.Date),
            "ts": values.ts,
            "activity_type": values.activity_type,
            "metric": names.gather(values.code),
            "value": values.value,
        },
        schema=MONITORING_TOTALS_SCHEMA,
    )


def read_device_increments(conn: sqlite3.Connection, day: date) -> list[tuple[int, str, int]]:
    """The device's own intensity-minute increments of local day `day`: (ts, metric, minutes), in
    time order, the minutes of every device and activity type at the same stamp summed.

    Each is stamped at the end of the interval it counts (FIT 55/33-34).
    """
    values = _read(
        conn, "local_day = :day", {"day": day.isoformat()}, _codes(("moderate_min", "vigorous_min"), "increment")
    )
    summed: dict[tuple[int, str], int] = {}
    for ts, code, value in zip(values.ts.tolist(), values.code.tolist(), values.value.tolist(), strict=True):
        key = (ts, METRIC_KINDS[code][0])
        summed[key] = summed.get(key, 0) + value
    return [(ts, metric, minutes) for (ts, metric), minutes in sorted(summed.items())]


def nearest_offset(conn: sqlite3.Connection, serial: int, near: int, within_s: int) -> tuple[int, int] | None:
    """(gap, offset): the UTC offset the device's monitoring files stated nearest to `near`, within
    `within_s` (the earliest of equally near ones); None: none did. Reads the device's rows of the
    local days such a time can fall on, through the index on (serial, local_day)."""
    lo, hi = near - within_s, near + within_s
    values = _read(
        conn,
        "serial = :serial AND local_day BETWEEN :first AND :last",
        {
            "serial": serial,
            "first": _day(lo - OFFSET_MARGIN_S - DAY_SECONDS),
            "last": _day(hi + OFFSET_MARGIN_S + DAY_SECONDS),
        },
        _codes(("utc_offset_s",), "info"),
    )
    inside = np.flatnonzero((values.ts >= lo) & (values.ts <= hi))
    if inside.size == 0:
        return None
    values = values.take(inside)
    gaps = np.abs(values.ts - near)
    best = np.lexsort((values.ts, values.day, gaps))[0]
    return int(gaps[best]), int(values.value[best])


def _day(unix_s: int) -> str:
    low, high = LIMITS["time"].low, LIMITS["time"].high
    return (date(1970, 1, 1) + timedelta(seconds=int(min(max(unix_s, low), high)))).isoformat()


def monitoring_days(conn: sqlite3.Connection, recording_id: int) -> set[str]:
    """The local days a recording's monitoring values fall on."""
    return {
        day
        for (day,) in conn.execute(
            "SELECT DISTINCT local_day FROM monitoring_series WHERE recording_id = :id", {"id": recording_id}
        )
    }


def days_with_monitoring(conn: sqlite3.Connection, days: Iterable[str]) -> set[str]:
    """Those of `days` that still have a monitoring value."""
    return {
        day
        for day in days
        if conn.execute("SELECT 1 FROM monitoring_series WHERE local_day = :day LIMIT 1", {"day": day}).fetchone()
    }


def monitoring_day_spans(conn: sqlite3.Connection) -> dict[int, tuple[str, str]]:
    """Per recording, the first and last local day of its monitoring values (one pass over an index)."""
    return {
        rid: (first, last)
        for rid, first, last in conn.execute(
            "SELECT recording_id, min(local_day), max(local_day) FROM monitoring_series GROUP BY recording_id"
        )
    }


def value_count(conn: sqlite3.Connection) -> int:
    """How many values are stored (a value two recordings hold counted twice)."""
    return int(conn.execute("SELECT coalesce(sum(n), 0) FROM monitoring_series").fetchone()[0])


def values_to_series(conn: sqlite3.Connection) -> list[str]:
    """The migration: table monitoring_values (a row per value) becomes monitoring_series, then goes.

    Each recording's rows of a local day (and device) become one row. A row the store's limits
    now refuse (a value beyond the gate's limit for its metric, a metric or kind the importer
    never wrote, an activity type that is no FIT one) moves to quarantine, as the STRICT tables'
    migration did.
    """
    for statement in CREATE:
        conn.execute(statement)
    refused: list[tuple[tuple[object, ...], str]] = []
    batch: list[dict[str, object]] = []
    rows = conn.execute(
        "SELECT recording_id, serial, local_day, ts, activity_type, metric, kind, value FROM monitoring_values "
        "ORDER BY recording_id, serial, local_day"
    )
    for (recording_id, serial, day), grouped in groupby(rows, key=lambda row: row[:3]):
        kept = []
        for row in grouped:
            why = _why_refused(row)
            if why:
                refused.append((row, why))
            else:
                kept.append(row)
        if not kept:
            continue
        batch.append(
            _packed(
                recording_id,
                serial,
                day,
                np.array([row[3] for row in kept], np.int64),
                np.array([CODES[(row[5], row[6])] for row in kept], np.int64),
                np.array([row[4] for row in kept], np.int64),
                np.array([row[7] for row in kept], np.int64),
            )
        )
        if len(batch) >= 1000:
            _insert(conn, batch)
            batch = []
    _insert(conn, batch)
    names = ("recording_id", "serial", "local_day", "ts", "activity_type", "metric", "kind", "value")
    conn.executemany(
        "INSERT INTO quarantine (table_name, row, reason, moved_at) "
        "VALUES ('monitoring_values', :row, :reason, unixepoch())",
        [{"row": json.dumps(dict(zip(names, row, strict=True))), "reason": why} for row, why in refused],
    )
    conn.execute("DROP TABLE monitoring_values")
    if not refused:
        return []
    return [
        f"store upgraded: {len(refused)} monitoring value{'s' if len(refused) != 1 else ''} that broke the value "
        f"limits moved to quarantine (table quarantine in the store)"
    ]


def _why_refused(row: tuple[object, ...]) -> str | None:
    _, serial, _, ts, activity_type, metric, kind, value = row
    code = CODES.get((str(metric), str(kind)))
    if code is None:
        return f"metric {metric!r} of kind {kind!r} is not one the store keeps"
    if not isinstance(serial, int):
        return "serial is not a whole number"
    if not isinstance(activity_type, int) or not (activity_type == NO_TYPE or 0 <= activity_type < STORED_NO_TYPE):
        return f"activity_type is not a FIT activity type (0 to 254) or {NO_TYPE}"
    for name, number, limit in (("ts", ts, "time"), ("value", value, METRIC_KINDS[code][2])):
        rule = LIMITS[limit]
        if not isinstance(number, int) or not rule.low <= number <= rule.high:
            return f"{name} is not a whole number from {rule.low:g} to {rule.high:g} ({rule.why})"
    return None
