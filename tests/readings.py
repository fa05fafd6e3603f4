"""Stored heart rate as rows again, for tests that ask about single readings.

`readings_table(conn)` decodes every series with the store's own decoder
(wearsync.store.hr_series.decode) into the connection's temporary table `readings` (ts, bpm,
utc_offset_s, source, recording_id, garmin_day; bpm NULL: no value), so a test can query it
with SQL. It is a snapshot: call it again after the store changes.
"""

import sqlite3

from wearsync.store.hr_series import HR_SOURCES, NO_BPM, decode


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
