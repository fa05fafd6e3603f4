"""The resting heart-rate estimate is computed on read (analytics/resting_hr.py), not stored:
an older store's stored estimates are cleared by a migration and reported the same, and
readings or wellness rows that change a day's estimate make its cached minutes count again."""

import shutil
import sqlite3
from datetime import date

import polars as pl

from tests.conftest import DAY_PIECES, MONITOR, require
from tests.readings import as_monitoring_values
from tests.unit.test_hr_series_migration import reports
from wearsync.config import Config
from wearsync.demo.fit_writer import MonitoringMinute, monitoring_fit
from wearsync.reports import day as report_day
from wearsync.reports.cache import refresh
from wearsync.reports.models import as_json
from wearsync.reports.params import analytics_params
from wearsync.store import DB_NAME, MIGRATIONS, Store
from wearsync.store.analytics_caches import read_day_intensity
from wearsync.sync.fit_import import import_paths

DAY = date(2026, 3, 4)
REAL_DAY = date(2020, 9, 25)


def day_file(path, serial, minutes):
    """A monitoring day at UTC+1 without monitoring_hr_data (the encoder writes none)."""
    path.write_bytes(
        monitoring_fit(day=DAY, utc_offset_s=3600, serial=serial, resting_metabolic_rate=1500, minutes=minutes)
    )
    return path


def low_night(tmp_path):
    # 62 bpm all day, but 02:00-02:29 local (minutes 120-149) at 51 and 53 alternately: mean 52
    minutes = [MonitoringMinute(m, heart_rate=(51 if m % 2 else 53) if 120 <= m < 150 else 62) for m in range(1440)]
    return day_file(tmp_path / "day.fit", 7, minutes)


def day_report(store):
    return as_json(report_day.day_report(store, Config(), DAY, as_of=date(2026, 3, 5)))


def test_an_older_store_with_its_estimate_stored_reports_the_same_after_the_migration(tmp_path):
    require(MONITOR)
    direct = Store.open(tmp_path / "direct")
    assert import_paths(direct, [low_night(tmp_path), *(MONITOR / p for p in DAY_PIECES)]).failed == 0
    before = reports(direct)
    day = day_report(direct)
    assert (day["resting_hr"], day["resting_hr_from"]) == (52.0, "estimate")
    direct.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (tmp_path / "old").mkdir()
    shutil.copy(direct.data_dir / DB_NAME, tmp_path / "old" / DB_NAME)
    direct.close()

    # As the wearsync before the migration left it: its importer stored the estimate (52) in the
    # FIT day's row (the real day keeps the device's own 47, FIT 211 field 1), and its caches had
    # no estimates
    old = sqlite3.connect(tmp_path / "old" / DB_NAME, isolation_level=None)
    old.execute("UPDATE wellness SET resting_hr = 52 WHERE local_day = :day", {"day": DAY.isoformat()})
    old.execute("DROP TABLE analytics_resting")
    as_monitoring_values(old)  # the migration reads them as a row each
    resting = next(n for n, m in enumerate(MIGRATIONS) if isinstance(m, str) and "analytics_resting (" in m)
    old.execute(f"PRAGMA user_version = {resting}")  # the migrations from the estimates' move on
    old.close()

    migrated = Store.open(tmp_path / "old")
    stored = dict(migrated.conn.execute("SELECT local_day, resting_hr FROM wellness WHERE source = 'fit'").fetchall())
    assert stored == {DAY.isoformat(): None, REAL_DAY.isoformat(): 47}
    assert reports(migrated) == before
    migrated.close()


def test_readings_that_lower_a_days_estimate_make_its_minutes_count_again(store, tmp_path):
    params = analytics_params(store, Config())
    import_paths(store, [low_night(tmp_path)])
    assert DAY in refresh(store, params)
    # nothing changed: nothing recomputed
    assert refresh(store, params) == set()
    # the wearer assumed born 1990: HRmax 208 - 0.7 × 36 = 182.8; resting 52: HRR 130.8,
    # moderate from 52 + 0.4 × 130.8 = 104.32
    assert day_report(store)["moderate_from_bpm"] == 104.3
    assert "|104.32|" in read_day_intensity(store.conn, DAY, DAY)["settings"][0]

    # a second device's 30 readings at 40 in the same half hour: (30 × 52 + 30 × 40) / 60 = 46;
    # HRR 136.8, moderate from 46 + 54.72 = 100.72
    second = day_file(tmp_path / "second.fit", 8, [MonitoringMinute(m, heart_rate=40) for m in range(120, 150)])
    import_paths(store, [second])
    assert DAY in refresh(store, params)
    day = day_report(store)
    assert (day["resting_hr"], day["resting_hr_from"], day["moderate_from_bpm"]) == (46.0, "estimate", 100.7)
    assert "|100.72|" in read_day_intensity(store.conn, DAY, DAY)["settings"][0]


def test_a_garmin_day_without_resting_heart_rate_replaces_the_estimate_and_the_zones(store, tmp_path):
    params = analytics_params(store, Config())
    import_paths(store, [low_night(tmp_path)])
    refresh(store, params)
    # Garmin Connect's day is preferred whole: it states no resting heart rate and brings no
    # heart rate of its own (no unit marks the day stale), so the day's zones go by percent of
    # HRmax: moderate from 0.64 × 182.8 = 116.992
    with store.transaction() as conn:
        conn.execute("INSERT INTO wellness (local_day, source, steps) VALUES (:day, 'garmin', 5000)", {"day": str(DAY)})
    assert refresh(store, params) == {DAY}
    day = day_report(store)
    assert (day["resting_hr"], day["zones_by"], day["moderate_from_bpm"]) == (None, "percent_of_max", 117.0)
    assert "|116.992|" in read_day_intensity(store.conn, DAY, DAY)["settings"][0]


def test_each_day_is_estimated_from_its_own_readings_whatever_days_are_read_together(store, tmp_path, monkeypatch):
    # Read a day at a time: the read of 4 March also holds 5 March's first hours (its margin for
    # every UTC offset), whose lowest half hour (62) is not that day's: 20:00-20:29 at 45
    from wearsync.reports import cache

    monkeypatch.setattr(cache, "REBUILD_CHUNK_DAYS", 1)
    next_day = date(2026, 3, 5)
    evening = [MonitoringMinute(m, heart_rate=45 if 1200 <= m < 1230 else 62) for m in range(1440)]
    (tmp_path / "next.fit").write_bytes(
        monitoring_fit(day=next_day, utc_offset_s=3600, serial=7, resting_metabolic_rate=1500, minutes=evening)
    )
    import_paths(store, [low_night(tmp_path), tmp_path / "next.fit"])
    params = analytics_params(store, Config())
    refresh(store, params)
    both = cache.heart_rate_limits_of(store, params, pl.LazyFrame({"local_day": [DAY, next_day]})).collect()
    assert both.select("local_day", "resting_hr").rows() == [(DAY, 52.0), (next_day, 45.0)]
    day = as_json(report_day.day_report(store, Config(), next_day, as_of=date(2026, 3, 6)))
    assert (day["resting_hr"], day["resting_hr_from"]) == (45.0, "estimate")
