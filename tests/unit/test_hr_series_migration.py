"""Migration 6: a store whose heart rate is a row per reading (hr_readings) becomes packed series."""

import json
import shutil
import sqlite3
from datetime import date, timedelta

from tests.conftest import DAY_PIECES, MONITOR, SHARED_FIT, SHARED_GARMIN, require
from tests.readings import as_monitoring_values
from wearsync.config import Config
from wearsync.reports import day as report_day
from wearsync.reports import week as report_week
from wearsync.reports.models import as_json
from wearsync.store import DB_NAME, MIGRATIONS, Store
from wearsync.store.hr_series import HR_SOURCES, NO_BPM, decode
from wearsync.store.migrations import _readings_to_series
from wearsync.store.strict_schema import TABLES
from wearsync.sync.fit_import import import_paths
from wearsync.sync.garmin_days import DayData, store_day

RUN = SHARED_FIT / "python-fitparse" / "tests" / "files" / "garmin-fenix-5-run.fit"
GARMIN_DAY = date(2023, 7, 1)
SERIES = (
    "SELECT recording_id, garmin_day, source, first_ts, last_ts, first_local, last_local, n, ts, bpm, offsets "
    "FROM hr_series ORDER BY id"
)


def reports(store: Store) -> str:
    """Every report of every day, week and the history around the stored data, as JSON."""
    config = Config()
    days = sorted(
        {
            date.fromisoformat(d)
            for (d,) in store.conn.execute("SELECT local_day FROM wellness UNION SELECT local_day FROM activities")
        }
    )
    weeks = sorted({d - timedelta(days=d.weekday()) for d in days})
    return json.dumps(
        {
            "days": [as_json(report_day.day_report(store, config, d)) for d in days],
            "weeks": [as_json(report_week.week_report(store, config, w, as_of=days[-1])) for w in weeks],
            "history": as_json(report_week.history(store, config, 200, days[-1], as_of=days[-1])),
        },
        sort_keys=True,
    )


def as_older_wearsync_stored_it(source: Store, home) -> None:
    """`source`'s store as the schema before migration 6 held it: a row per reading, in series order."""
    source.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    home.mkdir()
    shutil.copy(source.data_dir / DB_NAME, home / DB_NAME)
    conn = sqlite3.connect(home / DB_NAME, isolation_level=None)
    (readings_table,) = [t for t in TABLES if t.name == "hr_readings"]
    conn.execute("BEGIN")
    conn.execute(readings_table.create("hr_readings"))
    for index in readings_table.indexes:
        conn.execute(index)
    for recording_id, garmin_day, *columns in conn.execute(
        "SELECT recording_id, garmin_day, source, first_ts, ts, bpm, offsets FROM hr_series ORDER BY id"
    ).fetchall():
        ts, bpm, offset, source_code = (column.tolist() for column in decode(*columns))
        conn.executemany(
            "INSERT INTO hr_readings (ts, bpm, utc_offset_s, source, recording_id, garmin_day) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (t, None if b == NO_BPM else b, o, HR_SOURCES[s], recording_id, garmin_day)
                for t, b, o, s in zip(ts, bpm, offset, source_code, strict=True)
            ],
        )
    conn.execute("DROP TABLE hr_series")
    as_monitoring_values(conn)  # and monitoring values as a row each, as until migration 13
    conn.execute("DELETE FROM sqlite_sequence WHERE name = 'hr_series'")
    conn.execute(f"PRAGMA user_version = {MIGRATIONS.index(_readings_to_series)}")
    conn.execute("COMMIT")
    conn.close()


def test_every_report_is_the_same_after_the_migration(tmp_path):
    require(MONITOR)
    direct = Store.open(tmp_path / "direct")
    assert import_paths(direct, [*(MONITOR / p for p in DAY_PIECES), RUN]).failed == 0
    heart = json.loads((require(SHARED_GARMIN) / "daily_heart_rate_2023-07-01.json").read_text())
    summary = json.loads((SHARED_GARMIN / "user_summary_2023-07-01.json").read_text())
    store_day(direct, DayData(GARMIN_DAY, summary, heart, None, {}), complete=True)
    # the Garmin day holds empty slots: they must survive as "no value"
    assert any(bpm is None for _, bpm in heart["heartRateValues"])
    before = reports(direct)
    series = direct.conn.execute(SERIES).fetchall()
    as_older_wearsync_stored_it(direct, tmp_path / "old")
    direct.close()

    old = sqlite3.connect(tmp_path / "old" / DB_NAME)
    stored_rows = old.execute("SELECT count(*), count(bpm) FROM hr_readings").fetchone()
    old.close()
    # the readings of the Garmin day (every slot, empty ones too) are among the rows
    assert stored_rows[0] > stored_rows[1] and stored_rows[0] >= len(heart["heartRateValues"])

    old_size = (tmp_path / "old" / DB_NAME).stat().st_size
    migrated = Store.open(tmp_path / "old")
    assert migrated.conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'hr_readings'").fetchone()[0] == 0
    # the rows' pages given back: no free page left in the file, and the file smaller than before
    assert migrated.conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
    migrated.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert (tmp_path / "old" / DB_NAME).stat().st_size < old_size
    assert migrated.conn.execute(SERIES).fetchall() == series
    assert migrated.conn.execute("SELECT sum(n) FROM hr_series").fetchone()[0] == stored_rows[0]
    assert reports(migrated) == before
    migrated.close()
