"""The analytics caches (tables analytics_*): derived data only, rebuilt from the other tables
when missing. Per local day the merged heart rate of each minute (packed), the heart-rate units
it was built from, the day's resting heart-rate estimate from its readings, the intensity
results with the settings they were computed with, and the days that could not be computed and
those whose minutes are behind the store.
"""

from __future__ import annotations

import sqlite3
from datetime import date

import numpy as np
import polars as pl

from wearsync.analytics.heart_rate import MINUTE_SOURCE, MINUTES_SCHEMA
from wearsync.analytics.resting_hr import ESTIMATE_SCHEMA
from wearsync.store import hr_series, monitoring_series
from wearsync.store.frames import day_range, query_frame
from wearsync.store.strict_schema import HR_SOURCES

DAY_SECONDS = 86_400
UNIT_SCHEMA = pl.Schema({"unit": pl.String, "first_day": pl.Date, "last_day": pl.Date})
DAY_INTENSITY_CACHE_SCHEMA = pl.Schema(
    {
        "local_day": pl.Date,
        "settings": pl.String,
        "hr_moderate_min": pl.Int64,
        "hr_vigorous_min": pl.Int64,
        "minutes_with_readings": pl.Int64,
    }
)
# A minute's source is cached as its code (an index into HR_SOURCES): names to codes by this
# enum's physical codes, codes to names by STORED_SOURCES (several times cheaper than
# replace_strict on the rebuild's millions of values).
SOURCE_ENUM = pl.Enum(HR_SOURCES)
STORED_SOURCES = pl.Series(HR_SOURCES, dtype=MINUTE_SOURCE)


def current_units(conn: sqlite3.Connection) -> set[str]:
    """The units heart rate arrives in: each recording, and each Garmin day as now stored.

    A recording's heart rate never changes after its import transaction; a Garmin day is
    replaced whole on a re-pull, as a series of a new id.
    """
    units = {f"recording:{rid}:{at}" for rid, at in conn.execute("SELECT id, imported_at FROM recordings")}
    units |= {
        f"garmin:{day}:{sid}"
        for day, sid in conn.execute("SELECT garmin_day, id FROM hr_series WHERE garmin_day IS NOT NULL")
    }
    return units


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
    wanted = {unit: _kind_and_id(unit) for unit in units}  # a new import's one unit, or every unit
    keys = set(wanted.values())
    for recording_id, garmin_day, low, high in hr_series.local_spans(conn):
        key = ("recording", str(recording_id)) if recording_id is not None else ("garmin", str(garmin_day))
        if key in keys:
            cover(key, date.fromordinal(epoch + low // DAY_SECONDS), date.fromordinal(epoch + high // DAY_SECONDS))
    for recording_id, (low_day, high_day) in monitoring_series.monitoring_day_spans(conn).items():
        if (key := ("recording", str(recording_id))) in keys:
            cover(key, date.fromisoformat(low_day), date.fromisoformat(high_day))
    rows = [(unit, first.get(key), last.get(key)) for unit, key in wanted.items()]
    return pl.DataFrame(rows, schema=UNIT_SCHEMA, orient="row")


def _kind_and_id(unit: str) -> tuple[str, str]:
    """'recording:7:1700000000' -> ('recording', '7'); 'garmin:2024-01-02:9' -> ('garmin', '2024-01-02')."""
    kind, key, _ = unit.split(":", 2)
    return kind, key


def read_units(conn: sqlite3.Connection) -> set[str]:
    """The units the minute cache was last built from."""
    return {unit for (unit,) in conn.execute("SELECT unit FROM analytics_units")}


def read_unit_spans(conn: sqlite3.Connection, units: list[str]) -> pl.DataFrame:
    """UNIT_SCHEMA rows of the given stored units: the days each covered."""
    found = [
        conn.execute("SELECT unit, first_day, last_day FROM analytics_units WHERE unit = :unit", {"unit": u}).fetchone()
        for u in units
    ]
    return pl.DataFrame(
        found, schema={"unit": pl.String, "first_day": pl.String, "last_day": pl.String}, orient="row"
    ).with_columns(pl.col("first_day", "last_day").str.to_date())


def write_units(conn: sqlite3.Connection, added: pl.DataFrame, removed: list[str]) -> None:
    """Record units the cache now holds and forget removed ones (inside the caller's transaction)."""
    conn.executemany("DELETE FROM analytics_units WHERE unit = :unit", [{"unit": u} for u in removed])
    conn.executemany(
        "INSERT OR REPLACE INTO analytics_units (unit, first_day, last_day) VALUES (:unit, :first_day, :last_day)",
        added.with_columns(pl.col("first_day", "last_day").cast(pl.String)).rows(named=True),
    )


def mark_stale(conn: sqlite3.Connection, days: list[date]) -> None:
    """`days` have cached minutes behind the store: to be computed again (caller's transaction)."""
    conn.executemany(
        "INSERT OR IGNORE INTO analytics_stale_days (local_day) VALUES (:day)", [{"day": d.isoformat()} for d in days]
    )


def read_stale_days(conn: sqlite3.Connection) -> list[date]:
    """The days whose cached minutes are behind the store, in order."""
    return [date.fromisoformat(day) for (day,) in conn.execute("SELECT local_day FROM analytics_stale_days ORDER BY 1")]


def forget_stale(conn: sqlite3.Connection, days: list[date]) -> None:
    """`days` were computed again (caller's transaction)."""
    conn.executemany("DELETE FROM analytics_stale_days WHERE local_day = :day", [{"day": d.isoformat()} for d in days])


def write_minutes(conn: sqlite3.Connection, days: list[date], minutes: pl.DataFrame) -> None:
    """Replace the cached per-minute heart rate (MINUTES_SCHEMA) of `days` (caller's transaction)."""
    conn.executemany("DELETE FROM analytics_minutes WHERE local_day = :day", [{"day": d.isoformat()} for d in days])
    # in order already unless an offset moved a minute to an earlier day than the one before it
    day_nums, times = minutes["local_day"].to_physical().to_numpy(), minutes["minute_utc"].to_numpy()
    in_order = np.all((day_nums[1:] > day_nums[:-1]) | ((day_nums[1:] == day_nums[:-1]) & (times[1:] > times[:-1])))
    ordered = minutes if in_order else minutes.sort("local_day", "minute_utc")
    # Packed once for all days and sliced per day: a frame operation per day cost ~1 s a rebuild.
    packed = [
        (ordered["minute_utc"] // 60).cast(pl.Int32).to_numpy(),
        ordered["bpm"].cast(pl.Float64).to_numpy(),
        ordered["source"].cast(SOURCE_ENUM).to_physical().cast(pl.UInt8).to_numpy(),
    ]
    runs = ordered["local_day"].rle().struct.unnest()
    ends = np.cumsum(runs["len"].to_numpy())
    conn.executemany(
        "INSERT INTO analytics_minutes (local_day, minutes, bpm, sources) VALUES (:day, :minutes, :bpm, :sources)",
        [
            dict(
                zip(
                    ("day", "minutes", "bpm", "sources"),
                    (day.isoformat(), *(column[end - count : end].tobytes() for column in packed)),
                    strict=True,
                )
            )
            for day, count, end in zip(runs["value"], runs["len"], ends, strict=True)
        ],
    )


def write_resting_estimates(conn: sqlite3.Connection, days: list[date], estimates: pl.DataFrame) -> None:
    """Replace the resting heart-rate estimates (ESTIMATE_SCHEMA) of `days` (caller's transaction)."""
    conn.executemany("DELETE FROM analytics_resting WHERE local_day = :day", [{"day": d.isoformat()} for d in days])
    conn.executemany(
        "INSERT INTO analytics_resting (local_day, resting_hr) VALUES (:local_day, :resting_hr)",
        estimates.with_columns(pl.col("local_day").cast(pl.String)).rows(named=True),
    )


def read_resting_estimates(
    conn: sqlite3.Connection, first: date | None = None, last: date | None = None
) -> pl.DataFrame:
    """ESTIMATE_SCHEMA: the cached resting heart-rate estimates of local days first..last."""
    return query_frame(
        conn,
        "SELECT local_day, resting_hr FROM analytics_resting WHERE local_day BETWEEN :first AND :last",
        day_range(first, last),
        ESTIMATE_SCHEMA,
    )


def read_minutes(conn: sqlite3.Connection, first: date | None = None, last: date | None = None) -> pl.LazyFrame:
    """Cached per-minute heart rate (MINUTES_SCHEMA) of local days first..last."""
    rows = conn.execute(
        "SELECT local_day, minutes, bpm, sources FROM analytics_minutes "
        "WHERE local_day BETWEEN :first AND :last ORDER BY local_day",
        day_range(first, last),
    ).fetchall()
    if not rows:
        return pl.LazyFrame(schema=MINUTES_SCHEMA)
    day_names, minutes, bpm, sources = zip(*rows, strict=True)
    counts = np.array([len(m) for m in minutes]) // np.dtype(np.int32).itemsize
    # days since 1970 as int32, polars' Date: ~10x cheaper than converting numpy's datetime64
    days = np.repeat(np.array(day_names, dtype="datetime64[D]").astype(np.int32), counts)
    minute_utc = np.frombuffer(b"".join(minutes), dtype=np.int32).astype(np.int64)
    minute_utc *= 60
    # Usually already in time order (days in order, each sorted); flagged so, sorting it is free.
    in_order = bool(np.all(minute_utc[1:] > minute_utc[:-1]))
    return pl.LazyFrame(
        {
            "minute_utc": pl.Series(minute_utc).set_sorted() if in_order else minute_utc,
            "local_day": pl.Series(days, dtype=pl.Date),
            "bpm": np.frombuffer(b"".join(bpm), dtype=np.float64),
            "source": STORED_SOURCES.gather(np.frombuffer(b"".join(sources), dtype=np.uint8)),
        }
    )


def read_day_intensity(conn: sqlite3.Connection, first: date | None = None, last: date | None = None) -> pl.DataFrame:
    """Cached per-day intensity results of days first..last with the settings each was computed with."""
    return query_frame(
        conn,
        "SELECT local_day, settings, hr_moderate_min, hr_vigorous_min, minutes_with_readings "
        "FROM analytics_days WHERE local_day BETWEEN :first AND :last",
        day_range(first, last),
        DAY_INTENSITY_CACHE_SCHEMA,
    )


def read_day_goal_rows(
    conn: sqlite3.Connection, first: date, last: date, worn_minutes: int
) -> list[tuple[str, str, int | None, int | None, int]]:
    """(local_day ISO, source, moderate minutes, vigorous minutes, worn) of days first..last: a row per day of
    the heart-rate cache (source "heart_rate", days with a reading) and per wellness row of each
    source; only what the cardio streak needs (reporting._streaks)."""
    return conn.execute(
        "SELECT local_day, 'heart_rate', hr_moderate_min, hr_vigorous_min, minutes_with_readings >= :worn_minutes "
        "FROM analytics_days WHERE minutes_with_readings > 0 AND local_day BETWEEN :first AND :last UNION ALL "
        "SELECT local_day, source, moderate_min, vigorous_min, coalesce(covered_s, 86400) >= :worn_seconds "
        "FROM wellness WHERE local_day BETWEEN :first AND :last",
        {"worn_minutes": worn_minutes, "worn_seconds": 60 * worn_minutes, **day_range(first, last)},
    ).fetchall()


def write_day_intensity(conn: sqlite3.Connection, results: pl.DataFrame) -> None:
    """Store per-day intensity results (DAY_INTENSITY_CACHE_SCHEMA) in the caller's transaction."""
    conn.executemany(
        "INSERT OR REPLACE INTO analytics_days (local_day, settings, hr_moderate_min, hr_vigorous_min, "
        "minutes_with_readings) VALUES (:local_day, :settings, :hr_moderate_min, :hr_vigorous_min, "
        ":minutes_with_readings)",
        results.select(list(DAY_INTENSITY_CACHE_SCHEMA))
        .with_columns(pl.col("local_day").cast(pl.String))
        .rows(named=True),
    )


def forget_day_intensity(conn: sqlite3.Connection, days: list[date]) -> None:
    """Drop cached intensity results of `days` (their minutes changed)."""
    conn.executemany("DELETE FROM analytics_days WHERE local_day = :day", [{"day": d.isoformat()} for d in days])


def write_unavailable(conn: sqlite3.Connection, day: date, reason: str) -> None:
    """Record that `day` could not be computed, and why (caller's transaction)."""
    conn.execute(
        "INSERT OR REPLACE INTO analytics_unavailable (local_day, reason) VALUES (:day, :reason)",
        {"day": day.isoformat(), "reason": reason},
    )


def forget_unavailable(conn: sqlite3.Connection, days: list[date]) -> None:
    """`days` were computed: no longer unavailable."""
    conn.executemany("DELETE FROM analytics_unavailable WHERE local_day = :day", [{"day": d.isoformat()} for d in days])


def read_unavailable(conn: sqlite3.Connection, first: date, last: date) -> dict[date, str]:
    """The days first..last that could not be computed, with the reason of each."""
    return {
        date.fromisoformat(day): reason
        for day, reason in conn.execute(
            "SELECT local_day, reason FROM analytics_unavailable WHERE local_day BETWEEN :first AND :last",
            day_range(first, last),
        )
    }


def minute_days(conn: sqlite3.Connection) -> pl.DataFrame:
    """The local days the minute cache holds (column local_day)."""
    return query_frame(conn, "SELECT local_day FROM analytics_minutes", {}, pl.Schema({"local_day": pl.Date}))
