"""Reads from the store into polars frames, and the analytics caches' own reads and writes.

Frames are built from cursor rows with declared schemas. Measured on the 5-year bench store
(bench/analytics_bench.py prints it again): `pl.read_database` and cursor rows cost the same
within noise for these shapes (e.g. 55k heart-rate rows: 0.15-0.20 s vs 0.11-0.15 s), and
cursor rows need no type inference, so a column that is NULL on every row keeps its type.
Raw heart rate is the exception: millions of readings, stored as packed columns (hr_series.py)
and read from bytes to numpy to polars with no Python object per reading. Not the ADBC driver: it
brings its own copy of SQLite, and two copies in one process break each other's POSIX locks on
the same file (sqlite.org/howtocorrupt.html 2.2.1; seen here as "locking protocol" errors).
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date

import numpy as np
import polars as pl

from wearsync import hr_series
from wearsync.analytics.energy import INTAKE_SCHEMA, WELLNESS_SCHEMA
from wearsync.analytics.heart_rate import MINUTES_SCHEMA, READINGS_SCHEMA
from wearsync.analytics.intensity import ACTIVITY_MAX_SCHEMA, MONITORING_TOTALS_SCHEMA
from wearsync.analytics.strength import SETS_SCHEMA
from wearsync.unix_days import day_start

DAY_SECONDS = 86_400
# Local days run from UTC-12 to UTC+14: a UTC window this much wider holds all of a local day.
OFFSET_MARGIN_S = 14 * 3600
UNIT_SCHEMA = pl.Schema({"unit": pl.String, "first_day": pl.Date, "last_day": pl.Date})
DAY_INTENSITY_CACHE_SCHEMA = pl.Schema({
    "local_day": pl.Date, "settings": pl.String, "hr_moderate_min": pl.Int64,
    "hr_vigorous_min": pl.Int64, "minutes_with_readings": pl.Int64,
})
# How the per-minute cache and the series store which source a value came from.
SOURCE_CODES = hr_series.HR_SOURCES
# Codes to names by gather, names to codes by the enum's physical codes: several times cheaper
# than replace_strict on the rebuild's millions of values.
SOURCE_NAMES, SOURCE_ENUM = pl.Series(SOURCE_CODES, dtype=pl.String), pl.Enum(SOURCE_CODES)
ACTIVITY_DETAIL_SCHEMA = pl.Schema({
    "id": pl.Int64, "local_day": pl.Date, "sport": pl.String, "sub_sport": pl.String,
    "start_utc": pl.Int64, "elapsed_s": pl.Float64, "calories": pl.Int64, "avg_hr": pl.Int64, "max_hr": pl.Int64,
    "ascent_m": pl.Float64, "steps": pl.Int64, "utc_offset_s": pl.Int64,
})


def query_frame(conn: sqlite3.Connection, sql: str, params: tuple, schema: pl.Schema) -> pl.DataFrame:
    """The rows of `sql` as a frame whose columns are `schema` in order (ISO dates parsed)."""
    rows = conn.execute(sql, params).fetchall()
    raw = {name: (pl.String if dtype == pl.Date else dtype) for name, dtype in schema.items()}
    frame = pl.DataFrame(rows, schema=raw, orient="row")
    dates = [name for name, dtype in schema.items() if dtype == pl.Date]
    return frame.with_columns(pl.col(dates).str.to_date()) if dates else frame


def _day_range(first: date | None, last: date | None) -> tuple[str, str]:
    return (first or date.min).isoformat(), (last or date.max).isoformat()


# Where a stored resting heart rate came from is told by what else the day holds: a FIT day with
# the device's monitoring_hr_data (211) has the device's, else wellness estimated it from readings.
RESTING_ORIGIN_SQL = (
    "CASE WHEN resting_hr IS NULL THEN NULL WHEN source = 'garmin' THEN 'garmin' WHEN EXISTS (SELECT 1 FROM "
    "monitoring_values m WHERE m.serial IN (SELECT DISTINCT COALESCE(serial, 0) FROM recordings) AND "
    "m.local_day = wellness.local_day AND m.metric = 'resting_hr') THEN 'device' ELSE 'estimate' END")


def read_wellness(conn: sqlite3.Connection, first: date | None = None, last: date | None = None, *,
                  resting_origin: bool = False) -> pl.DataFrame:
    """Wellness rows of every source for local days first..last (inclusive; None = open).

    `resting_hr_from` is only looked up with `resting_origin` (RESTING_ORIGIN_SQL: a search of the
    day's monitoring values, by the primary key's serial and day), else None.
    """
    origin = RESTING_ORIGIN_SQL if resting_origin else "NULL"
    return query_frame(
        conn, "SELECT local_day, source, steps, ascent_m, descent_m, active_kcal, bmr_kcal, total_kcal, "
        f"moderate_min, vigorous_min, resting_hr, covered_s, {origin} FROM wellness WHERE local_day BETWEEN ? AND ?",
        _day_range(first, last), WELLNESS_SCHEMA)


def read_intake(conn: sqlite3.Connection, first: date | None = None, last: date | None = None) -> pl.DataFrame:
    """Intake entries of every source for local days first..last."""
    return query_frame(conn, "SELECT local_day, source, kcal, entered_at FROM intake WHERE local_day BETWEEN ? AND ?",
                       _day_range(first, last), INTAKE_SCHEMA)


def read_activities(conn: sqlite3.Connection, first: date | None = None, last: date | None = None) -> pl.DataFrame:
    """Activities (ACTIVITY_DETAIL_SCHEMA) for local days first..last, in start order."""
    return query_frame(
        conn, "SELECT id, local_day, sport, sub_sport, start_utc, elapsed_s, calories, avg_hr, max_hr, ascent_m, "
        "steps, utc_offset_s FROM activities WHERE local_day BETWEEN ? AND ? ORDER BY start_utc",
        _day_range(first, last), ACTIVITY_DETAIL_SCHEMA)


def read_activity_maxima(conn: sqlite3.Connection, first: date | None = None,
                         last: date | None = None) -> pl.DataFrame:
    """Each activity's highest heart rate (ACTIVITY_MAX_SCHEMA) of local days first..last."""
    return query_frame(conn, "SELECT local_day, max_hr FROM activities WHERE local_day BETWEEN ? AND ? "
                       "AND max_hr IS NOT NULL", _day_range(first, last), ACTIVITY_MAX_SCHEMA)


def read_monitoring_totals(conn: sqlite3.Connection, first: date | None = None,
                           last: date | None = None) -> pl.DataFrame:
    """Running totals of steps and active calories (MONITORING_TOTALS_SCHEMA) of local days first..last."""
    return query_frame(
        conn, "SELECT serial, local_day, ts, activity_type, metric, value FROM monitoring_values "
        "WHERE local_day BETWEEN ? AND ? AND kind = 'total' AND metric IN ('steps', 'active_kcal')",
        _day_range(first, last), MONITORING_TOTALS_SCHEMA)


def read_strength_activity_ids(conn: sqlite3.Connection) -> pl.DataFrame:
    """The ids of activities that logged strength sets (SETS_SCHEMA)."""
    return query_frame(conn, "SELECT DISTINCT activity_id FROM strength_sets", (), SETS_SCHEMA)


def read_readings(conn: sqlite3.Connection, first: date, last: date) -> hr_series.Readings:
    """Heart-rate readings with a value that may fall on local days first..last, as arrays.

    In time order; readings of the same second in the order they were stored (a minute's
    local day follows its last reading's offset: see `heart_rate.minutes_of`).
    """
    start = day_start(first) - OFFSET_MARGIN_S
    end = day_start(last) + DAY_SECONDS + OFFSET_MARGIN_S
    return hr_series.read_series(conn, start, end, with_empty=False)


def read_local_day(conn: sqlite3.Connection, day: date) -> pl.DataFrame:
    """Every heart-rate reading whose local time falls on `day` (READINGS_SCHEMA; bpm null:
    the source said "no value"), in time order."""
    midnight = day_start(day)
    readings = hr_series.read_series(conn, midnight - OFFSET_MARGIN_S, midnight + DAY_SECONDS + OFFSET_MARGIN_S)
    local = readings.ts + readings.utc_offset_s
    inside = np.flatnonzero((local >= midnight) & (local < midnight + DAY_SECONDS))
    return _readings_frame(hr_series.Readings(*(column[inside] for column in readings))).with_columns(
        pl.when(pl.col("bpm") != hr_series.NO_BPM).then(pl.col("bpm")).alias("bpm"))


def _readings_frame(readings: hr_series.Readings) -> pl.DataFrame:
    return pl.DataFrame({
        "ts": readings.ts, "bpm": readings.bpm.astype(np.int64), "utc_offset_s": readings.utc_offset_s,
        "source": SOURCE_NAMES.gather(readings.source),
    }, schema=READINGS_SCHEMA)


def read_day_offset(conn: sqlite3.Connection, day: date) -> int | None:
    """The wearer's UTC offset on local day `day` as its daily data or first activity states it."""
    row = conn.execute("SELECT utc_offset_s FROM wellness WHERE local_day = ? AND utc_offset_s IS NOT NULL "
                       "UNION ALL SELECT utc_offset_s FROM (SELECT utc_offset_s FROM activities WHERE local_day = ? "
                       "ORDER BY start_utc) LIMIT 1", (day.isoformat(), day.isoformat())).fetchone()
    return row[0] if row else None


def read_device_increments(conn: sqlite3.Connection, day: date) -> list[tuple[int, str, int]]:
    """The device's own intensity-minute increments of local day `day`: (ts, metric, minutes), in time order.

    Each is stamped at the end of the interval it counts (FIT 55/33-34).
    """
    return conn.execute("SELECT ts, metric, SUM(value) FROM monitoring_values WHERE local_day = ? "
                        "AND kind = 'increment' AND metric IN ('moderate_min', 'vigorous_min') "
                        "GROUP BY ts, metric ORDER BY ts, metric", (day.isoformat(),)).fetchall()


def read_day_reading_stats(conn: sqlite3.Connection, day: date) -> dict:
    """The raw readings on local day `day`, all sources: count, empty ones, lowest and highest bpm."""
    bpm = read_local_day(conn, day)["bpm"]
    return {"values": bpm.len(), "empty": bpm.null_count(), "min": bpm.min(), "max": bpm.max()}



# --- the analytics caches (tables analytics_*; see the migration in store.py) ---

def current_units(conn: sqlite3.Connection) -> set[str]:
    """The units heart rate arrives in: each recording, and each Garmin day as now stored.

    A recording's heart rate never changes after its import transaction; a Garmin day is
    replaced whole on a re-pull, as a series of a new id.
    """
    units = {f"recording:{rid}:{at}" for rid, at in conn.execute("SELECT id, imported_at FROM recordings")}
    units |= {f"garmin:{day}:{sid}" for day, sid in conn.execute(
        "SELECT garmin_day, id FROM hr_series WHERE garmin_day IS NOT NULL")}
    return units


def monitoring_day_spans(conn: sqlite3.Connection) -> dict[int, tuple[str, str]]:
    """Per recording, the first and last local day of its monitoring values (one pass)."""
    return {rid: (first, last) for rid, first, last in conn.execute(
        "SELECT recording_id, min(local_day), max(local_day) FROM monitoring_values GROUP BY recording_id")}


def unit_day_spans(conn: sqlite3.Connection, units: list[str]) -> pl.DataFrame:
    """UNIT_SCHEMA: the first and last local day each of `units` covers (null: neither heart rate
    nor monitoring values), from one read of every series' span and one of the monitoring days.
    A recording of steps without heart rate changes which minutes of the other units' readings
    count (movement): its days are counted again too."""
    first: dict[tuple[str, str], date] = {}
    last: dict[tuple[str, str], date] = {}

    def cover(key: tuple[str, str], low: date, high: date) -> None:
        first[key], last[key] = min(low, first.get(key, low)), max(high, last.get(key, high))

    epoch = date(1970, 1, 1).toordinal()
    for recording_id, garmin_day, low, high in hr_series.local_spans(conn):
        key = ("recording", str(recording_id)) if recording_id is not None else ("garmin", garmin_day)
        cover(key, date.fromordinal(epoch + low // DAY_SECONDS), date.fromordinal(epoch + high // DAY_SECONDS))
    for recording_id, (low_day, high_day) in monitoring_day_spans(conn).items():
        cover(("recording", str(recording_id)), date.fromisoformat(low_day), date.fromisoformat(high_day))
    rows = [(unit, first.get(key), last.get(key)) for unit in units for key in [tuple(unit.split(":")[:2])]]
    return pl.DataFrame(rows, schema=UNIT_SCHEMA, orient="row")


def read_units(conn: sqlite3.Connection) -> set[str]:
    """The units the minute cache was last built from."""
    return {unit for (unit,) in conn.execute("SELECT unit FROM analytics_units")}


def read_unit_spans(conn: sqlite3.Connection, units: list[str]) -> pl.DataFrame:
    """UNIT_SCHEMA rows of the given stored units: the days each covered."""
    found = [conn.execute("SELECT unit, first_day, last_day FROM analytics_units WHERE unit = ?", (u,)).fetchone()
             for u in units]
    return pl.DataFrame(found, schema={"unit": pl.String, "first_day": pl.String, "last_day": pl.String},
                        orient="row").with_columns(pl.col("first_day", "last_day").str.to_date())


def write_units(conn: sqlite3.Connection, added: pl.DataFrame, removed: list[str]) -> None:
    """Record units the cache now holds and forget removed ones (inside the caller's transaction)."""
    conn.executemany("DELETE FROM analytics_units WHERE unit = ?", [(u,) for u in removed])
    conn.executemany("INSERT OR REPLACE INTO analytics_units (unit, first_day, last_day) VALUES (?, ?, ?)",
                     added.with_columns(pl.col("first_day", "last_day").cast(pl.String)).rows())


def write_minutes(conn: sqlite3.Connection, days: list[date], minutes: pl.DataFrame) -> None:
    """Replace the cached per-minute heart rate (MINUTES_SCHEMA) of `days` (caller's transaction)."""
    conn.executemany("DELETE FROM analytics_minutes WHERE local_day = ?", [(d.isoformat(),) for d in days])
    ordered = minutes.sort("local_day", "minute_utc")
    # Packed once for all days and sliced per day: a frame operation per day cost ~1 s a rebuild.
    packed = [(ordered["minute_utc"] // 60).cast(pl.Int32).to_numpy(), ordered["bpm"].cast(pl.Float64).to_numpy(),
              ordered["source"].cast(SOURCE_ENUM).to_physical().cast(pl.UInt8).to_numpy()]
    runs = ordered["local_day"].rle().struct.unnest()
    ends = np.cumsum(runs["len"].to_numpy())
    conn.executemany("INSERT INTO analytics_minutes (local_day, minutes, bpm, sources) VALUES (?, ?, ?, ?)", [
        (day.isoformat(), *(column[end - count:end].tobytes() for column in packed))
        for day, count, end in zip(runs["value"], runs["len"], ends)])


def read_minutes(conn: sqlite3.Connection, first: date | None = None, last: date | None = None) -> pl.LazyFrame:
    """Cached per-minute heart rate (MINUTES_SCHEMA) of local days first..last."""
    rows = conn.execute("SELECT local_day, minutes, bpm, sources FROM analytics_minutes "
                        "WHERE local_day BETWEEN ? AND ? ORDER BY local_day", _day_range(first, last)).fetchall()
    if not rows:
        return pl.LazyFrame(schema=MINUTES_SCHEMA)
    day_names, minutes, bpm, sources = zip(*rows, strict=True)
    counts = np.array([len(m) for m in minutes]) // np.dtype(np.int32).itemsize
    days = np.repeat(np.array(day_names, dtype="datetime64[D]"), counts)
    minute_utc = np.frombuffer(b"".join(minutes), dtype=np.int32).astype(np.int64) * 60
    # Usually already in time order (days in order, each sorted); flagged so, sorting it is free.
    in_order = bool(np.all(minute_utc[1:] > minute_utc[:-1]))
    return pl.LazyFrame({
        "minute_utc": pl.Series(minute_utc).set_sorted() if in_order else minute_utc,
        "local_day": pl.Series(days).cast(pl.Date),
        "bpm": np.frombuffer(b"".join(bpm), dtype=np.float64),
        "source": SOURCE_NAMES.gather(np.frombuffer(b"".join(sources), dtype=np.uint8)),
    })


def read_day_intensity(conn: sqlite3.Connection, first: date | None = None, last: date | None = None) -> pl.DataFrame:
    """Cached per-day intensity results of days first..last with the settings each was computed with."""
    return query_frame(conn, "SELECT local_day, settings, hr_moderate_min, hr_vigorous_min, minutes_with_readings "
                       "FROM analytics_days WHERE local_day BETWEEN ? AND ?", _day_range(first, last),
                       DAY_INTENSITY_CACHE_SCHEMA)


def read_day_goal_rows(conn: sqlite3.Connection, first: date, last: date, worn_minutes: int) -> list[tuple]:
    """(local_day ISO, source, moderate minutes, vigorous minutes, worn) of days first..last: a row per day of
    the heart-rate cache (source "heart_rate", days with a reading) and per wellness row of each
    source; only what the cardio streak needs (reporting._streaks)."""
    return conn.execute(
        "SELECT local_day, 'heart_rate', hr_moderate_min, hr_vigorous_min, minutes_with_readings >= ? "
        "FROM analytics_days WHERE minutes_with_readings > 0 AND local_day BETWEEN ? AND ? UNION ALL "
        "SELECT local_day, source, moderate_min, vigorous_min, coalesce(covered_s, 86400) >= ? "
        "FROM wellness WHERE local_day BETWEEN ? AND ?",
        (worn_minutes, first.isoformat(), last.isoformat(), 60 * worn_minutes, first.isoformat(), last.isoformat()),
    ).fetchall()


def resting_hr_fingerprint(conn: sqlite3.Connection) -> str:
    """A digest of every measured resting heart rate (they set the zones of 7 days each)."""
    text = conn.execute("SELECT group_concat(local_day || source || resting_hr, ',') FROM (SELECT * FROM wellness "
                        "WHERE resting_hr IS NOT NULL ORDER BY local_day, source)").fetchone()[0] or ""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def write_day_intensity(conn: sqlite3.Connection, results: pl.DataFrame) -> None:
    """Store per-day intensity results (DAY_INTENSITY_CACHE_SCHEMA) in the caller's transaction."""
    conn.executemany(
        "INSERT OR REPLACE INTO analytics_days (local_day, settings, hr_moderate_min, hr_vigorous_min, "
        "minutes_with_readings) VALUES (?, ?, ?, ?, ?)",
        results.select(list(DAY_INTENSITY_CACHE_SCHEMA)).with_columns(pl.col("local_day").cast(pl.String)).rows())


def forget_day_intensity(conn: sqlite3.Connection, days: list[date]) -> None:
    """Drop cached intensity results of `days` (their minutes changed)."""
    conn.executemany("DELETE FROM analytics_days WHERE local_day = ?", [(d.isoformat(),) for d in days])


def write_unavailable(conn: sqlite3.Connection, day: date, reason: str) -> None:
    """Record that `day` could not be computed, and why (caller's transaction)."""
    conn.execute("INSERT OR REPLACE INTO analytics_unavailable (local_day, reason) VALUES (?, ?)",
                 (day.isoformat(), reason))


def forget_unavailable(conn: sqlite3.Connection, days: list[date]) -> None:
    """`days` were computed: no longer unavailable."""
    conn.executemany("DELETE FROM analytics_unavailable WHERE local_day = ?", [(d.isoformat(),) for d in days])


def read_unavailable(conn: sqlite3.Connection, first: date, last: date) -> dict[date, str]:
    """The days first..last that could not be computed, with the reason of each."""
    return {date.fromisoformat(day): reason for day, reason in conn.execute(
        "SELECT local_day, reason FROM analytics_unavailable WHERE local_day BETWEEN ? AND ?", _day_range(first, last))}
