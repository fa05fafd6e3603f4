"""Stored heart rate and monitoring values as rows again, for tests that ask about single ones.

`readings_table(conn)` decodes every series with the store's own decoder
(wearsync.store.hr_series.decode) into the connection's temporary table `readings` (ts, bpm,
utc_offset_s, source, recording_id, garmin_day; bpm NULL: no value), so a test can query it
with SQL. It is a snapshot: call it again after the store changes.

`monitoring_table(conn)` does the same for the monitoring values (monitoring_series.decode): the
connection's temporary table `monitoring_values`, as the store held them before migration 13, a
row per (serial, local_day, ts, activity_type, metric, kind) with the largest value and the first
recording that wrote it. `as_monitoring_values(conn)` turns the store itself back into that
schema (the packed table and its indexes gone), for the migration tests.
"""

import sqlite3

from wearsync.store import monitoring_series
from wearsync.store.hr_series import HR_SOURCES, NO_BPM, decode
from wearsync.store.strict_schema import TABLES


def readings_table(conn: sqlite3.Connection) -> sqlite3.Connection:
    conn.execute("DROP TABLE IF EXISTS temp.readings")
    conn.execute(
        "CREATE TEMP TABLE readings (ts INTEGER, bpm INTEGER, utc_offset_s INTEGER, source TEXT, "
        "recording_id INTEGER, garmin_day TEXT)"
    )
    stored = conn.execute(
        "SELECT source, first_ts, ts, bpm, offsets, recording_id, garmin_day FROM hr_series ORDER BY id"
    ).fetchall()
    for *columns, recording_id, garmin_day in stored:
        one = decode(*columns)
        conn.executemany(
            "INSERT INTO temp.readings VALUES (?, ?, ?, ?, ?, ?)",
            [
                (ts, None if bpm == NO_BPM else bpm, offset, HR_SOURCES[source], recording_id, garmin_day)
                for ts, bpm, offset, source in zip(*(column.tolist() for column in one), strict=True)
            ],
        )
    return conn


def monitoring_table(conn: sqlite3.Connection) -> sqlite3.Connection:
    conn.execute("DROP TABLE IF EXISTS temp.monitoring_values")
    conn.execute(
        "CREATE TEMP TABLE monitoring_values (serial INTEGER, local_day TEXT, ts INTEGER, activity_type INTEGER, "
        "metric TEXT, kind TEXT, value INTEGER, recording_id INTEGER, "
        "PRIMARY KEY (serial, local_day, ts, activity_type, metric, kind))"
    )
    _fill_values(conn, "temp.monitoring_values")
    return conn


def as_monitoring_values(conn: sqlite3.Connection) -> None:
    """The store's monitoring values as a row each in table monitoring_values (inside the caller's transaction)."""
    (table,) = [t for t in TABLES if t.name == "monitoring_values"]
    conn.execute(table.create("monitoring_values"))
    for index in table.indexes:
        conn.execute(index)
    _fill_values(conn, "main.monitoring_values")
    conn.execute("DROP TABLE monitoring_series")


def _fill_values(conn: sqlite3.Connection, table: str) -> None:
    stored = conn.execute(
        "SELECT recording_id, serial, local_day, first_ts, ts, code, activity_type, value FROM main.monitoring_series "
        "ORDER BY recording_id, id"
    ).fetchall()
    for recording_id, serial, local_day, *columns in stored:
        conn.executemany(
            f"INSERT INTO {table} (serial, local_day, ts, activity_type, metric, kind, value, recording_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET value = MAX(value, excluded.value)",
            [(serial, local_day, *value, recording_id) for value in monitoring_series.decode(*columns)],
        )
