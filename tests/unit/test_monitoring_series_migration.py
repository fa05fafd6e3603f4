"""Migration 13: a store whose monitoring values are a row each (monitoring_values) becomes packed
rows (monitoring_series), a row per recording and local day; and the packed table's own rules."""

import json
import shutil
import sqlite3
from datetime import date

import numpy as np
import pytest

from tests.conftest import DAY_PIECES, MONITOR, SHARED_FIT, require
from tests.readings import as_monitoring_values, monitoring_table
from tests.unit.test_hr_series_migration import reports
from wearsync.errors import StoreError
from wearsync.store import DB_NAME, MIGRATIONS, Store, monitoring_series, recordings
from wearsync.store.migrations import _values_to_series
from wearsync.sync.fit_import import import_paths
from wearsync.sync.wellness import recompute_fit_wellness

FILES = SHARED_FIT / "python-fitparse" / "tests" / "files"
# The vivosmart 4's day cut into three files (its own running totals; the three overlap), the
# vívofit's SDK example day, and a run of the fēnix 5.
IMPORTED = (*(MONITOR / p for p in DAY_PIECES), FILES / "MonitoringFile.fit", FILES / "garmin-fenix-5-run.fit")
VALUES = "SELECT serial, local_day, ts, activity_type, metric, kind, value, recording_id FROM monitoring_values"
WELLNESS = "SELECT * FROM wellness ORDER BY local_day, source"

# What the readers asked of the table before migration 13, word for word: the reference the packed
# reads must answer the same as.
OLD_GROUPS = (
    "SELECT serial, metric, kind, activity_type, MAX(value), SUM(value), MIN(ts), MAX(ts) "
    "FROM monitoring_values WHERE local_day = :day GROUP BY serial, metric, kind, activity_type"
)
OLD_INCREMENTS = (
    "SELECT ts, metric, SUM(value) FROM monitoring_values WHERE local_day = :day "
    "AND kind = 'increment' AND metric IN ('moderate_min', 'vigorous_min') "
    "GROUP BY ts, metric ORDER BY ts, metric"
)
OLD_TOTALS = (
    "SELECT serial, local_day, ts, activity_type, metric, value FROM monitoring_values "
    "WHERE local_day BETWEEN :first AND :last AND kind = 'total' AND metric IN ('steps', 'active_kcal')"
)
OLD_OFFSET = (
    "SELECT m.value, ABS(m.ts - :near) AS gap FROM monitoring_values m WHERE m.serial = :serial "
    "AND m.metric = 'utc_offset_s' AND m.ts BETWEEN :lo AND :hi ORDER BY gap, m.local_day, m.ts LIMIT 1"
)


def old_store(direct: Store, home) -> None:
    """`direct`'s store as the schema before migration 13 held it: a row per monitoring value."""
    direct.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    home.mkdir()
    shutil.copy(direct.data_dir / DB_NAME, home / DB_NAME)
    conn = sqlite3.connect(home / DB_NAME, isolation_level=None)
    conn.execute("BEGIN")
    as_monitoring_values(conn)
    conn.execute(f"PRAGMA user_version = {MIGRATIONS.index(_values_to_series)}")
    conn.execute("COMMIT")
    conn.close()


@pytest.fixture
def direct(tmp_path):
    require(MONITOR)
    store = Store.open(tmp_path / "direct")
    assert import_paths(store, list(IMPORTED)).failed == 0
    yield store
    store.close()


def test_every_report_and_wellness_row_is_the_same_after_the_migration(direct, tmp_path):
    before = reports(direct)
    wellness = direct.conn.execute(WELLNESS).fetchall()
    values = monitoring_table(direct.conn).execute(f"{VALUES} ORDER BY 1, 2, 3, 4, 5, 6").fetchall()
    days = sorted({row[1] for row in values})
    # the three pieces of the day hold values twice: each is one row of the old table
    assert monitoring_series.value_count(direct.conn) > len(values)
    old_store(direct, tmp_path / "old")

    old = sqlite3.connect(tmp_path / "old" / DB_NAME)
    assert old.execute(f"{VALUES} ORDER BY 1, 2, 3, 4, 5, 6").fetchall() == values
    groups = {day: sorted(old.execute(OLD_GROUPS, {"day": day}).fetchall()) for day in days}
    increments = {day: old.execute(OLD_INCREMENTS, {"day": day}).fetchall() for day in days}
    totals = old.execute(OLD_TOTALS, {"first": days[0], "last": days[-1]}).fetchall()
    serial, near = values[0][0], values[0][2]
    nearest = old.execute(OLD_OFFSET, {"serial": serial, "near": near, "lo": near - 86400, "hi": near + 86400})
    offset = nearest.fetchone()[0]
    old.close()

    migrated = Store.open(tmp_path / "old")
    conn = migrated.conn
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'monitoring_values'").fetchone()[0] == 0
    assert migrated.notices == []
    assert monitoring_table(conn).execute(f"{VALUES} ORDER BY 1, 2, 3, 4, 5, 6").fetchall() == values
    assert conn.execute(WELLNESS).fetchall() == wellness
    assert reports(migrated) == before
    for day in days:
        assert [tuple(g) for g in monitoring_series.monitoring_groups(conn, day)] == groups[day]
        assert monitoring_series.read_device_increments(conn, date.fromisoformat(day)) == increments[day]
    frame = monitoring_series.read_monitoring_totals(conn, date.fromisoformat(days[0]), date.fromisoformat(days[-1]))
    assert sorted((r[0], r[1].isoformat(), *r[2:]) for r in frame.rows()) == sorted(totals)
    assert recordings.nearest_device_offset(conn, serial, near, 86400) == offset
    # the wellness the packed rows give, day by day, is the one stored
    with migrated.transaction() as txn:
        recompute_fit_wellness(txn, set(days))
    assert conn.execute(WELLNESS).fetchall() == wellness
    # the same answers from the store that was never migrated
    for day in days:
        assert [tuple(g) for g in monitoring_series.monitoring_groups(direct.conn, day)] == groups[day]
    migrated.close()


def test_rows_the_packed_table_refuses_move_to_quarantine(direct, tmp_path):
    old_store(direct, tmp_path / "old")
    old = sqlite3.connect(tmp_path / "old" / DB_NAME, isolation_level=None)
    # the old table had no limits on these: a day's steps beyond the gate's, a metric never written
    old.execute(
        "INSERT INTO monitoring_values VALUES (1, '2020-09-20', 1600560000, 6, 'steps', 'total', 900000, 1), "
        "(1, '2020-09-20', 1600560060, -1, 'stress', 'info', 12, 1)"
    )
    kept = old.execute("SELECT count(*) FROM monitoring_values").fetchone()[0] - 2
    old.close()
    migrated = Store.open(tmp_path / "old")
    assert migrated.notices == [
        "store upgraded: 2 monitoring values that broke the value limits moved to quarantine "
        "(table quarantine in the store)"
    ]
    moved = migrated.conn.execute(
        "SELECT row, reason FROM quarantine WHERE table_name = 'monitoring_values'"
    ).fetchall()
    assert sorted(json.loads(row)["metric"] for row, _ in moved) == ["steps", "stress"]
    assert any("200000" in reason for _, reason in moved)
    assert monitoring_table(migrated.conn).execute("SELECT count(*) FROM monitoring_values").fetchone()[0] == kept
    migrated.close()


def test_a_value_written_twice_counts_once_with_the_larger(store):
    day, ts = "2024-03-01", 1_709_290_000
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO recordings (id, sha256, source, path, status, imported_at) VALUES "
            "(1, 'a', 'file', 'a.fit', 'imported', 0), (2, 'b', 'file', 'b.fit', 'imported', 0)"
        )
        monitoring_series.write_values(
            conn, 1, 7, [(day, ts, 6, "steps", "total", 100), (day, ts, 6, "steps", "total", 90)]
        )
        monitoring_series.write_values(
            conn, 2, 7, [(day, ts, 6, "steps", "total", 120), (day, ts + 60, 6, "steps", "total", 130)]
        )
        # another device's value of the same time is its own
        monitoring_series.write_values(conn, 2, 8, [(day, ts, 6, "steps", "total", 5)])
    groups = monitoring_series.monitoring_groups(store.conn, day)
    assert [tuple(g) for g in groups] == [
        (7, "steps", "total", 6, 130, 250, ts, ts + 60),
        (8, "steps", "total", 6, 5, 5, ts, ts),
    ]
    assert groups[0].largest == 130 and groups[0].total == 250


@pytest.mark.parametrize(
    "value, why",
    [
        (("2024-03-01", 1_709_290_000, 6, "steps", "total", 200_001), "steps 200001 is outside 0 to 200000"),
        (("2024-03-01", 1_709_290_000, 6, "steps", "total", 12.5), "not a whole number"),
        (("2024-03-01", 1_709_290_000, 6, "stress", "info", 3), "metric 'stress' of kind 'info'"),
        (("2024-03-01", 1_709_290_000, 255, "steps", "total", 3), "activity type 255"),
        (("2024-03-01", 5, 6, "steps", "total", 3), "ts 5 is outside"),
        (("2024-03-01", 1_709_290_000, -1, "utc_offset_s", "info", 15 * 3600), "utc_offset_s 54000 is outside"),
    ],
)
def test_a_value_outside_the_limits_is_refused_and_nothing_is_written(store, value, why):
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO recordings (id, sha256, source, path, status, imported_at) "
            "VALUES (1, 'a', 'file', 'a.fit', 'imported', 0)"
        )
    with pytest.raises(StoreError, match="refused") as refused:
        with store.transaction() as conn:
            good = ("2024-02-29", 1_709_200_000, 6, "steps", "total", 3)
            monitoring_series.write_values(conn, 1, 7, [good, value])
    assert why in str(refused.value)
    assert monitoring_series.value_count(store.conn) == 0


def test_the_table_checks_its_arrays_lengths(store):
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO recordings (id, sha256, source, path, status, imported_at) "
            "VALUES (1, 'a', 'file', 'a.fit', 'imported', 0)"
        )
    four = np.zeros(2, "<u4").tobytes()
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute(
            "INSERT INTO monitoring_series (recording_id, serial, local_day, first_ts, last_ts, n, ts, code, "
            "activity_type, value) VALUES (1, 7, '2024-03-01', 1709290000, 1709290000, 2, :ts, x'00', x'0606', :v)",
            {"ts": four, "v": four},
        )
