"""Table wellness: one row per local day and source ('fit' computed from monitoring values,
'garmin' from Connect's daily summary); NULL = not known."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl


@dataclass(frozen=True)
class WellnessDay:
    """A day's values from one source, as stored (every value already through the gate)."""

    local_day: str
    source: str
    # Numbers as the gate passed them: the INTEGER columns take whole numbers (STRICT stores 370.0 as 370).
    steps: float | None
    ascent_m: float | None
    descent_m: float | None
    active_kcal: float | None
    bmr_kcal: float | None
    total_kcal: float | None
    moderate_min: float | None
    vigorous_min: float | None
    resting_hr: float | None
    utc_offset_s: float | None
    covered_s: float | None


def upsert_wellness(conn: sqlite3.Connection, day: WellnessDay) -> None:
    """Store a day's values of one source, replacing every value the source stored for the day
    before (the caller's transaction)."""
    conn.execute(
        "INSERT INTO wellness (local_day, source, steps, ascent_m, descent_m, active_kcal, bmr_kcal, total_kcal, "
        "moderate_min, vigorous_min, resting_hr, utc_offset_s, covered_s) VALUES (:local_day, :source, :steps, "
        ":ascent_m, :descent_m, :active_kcal, :bmr_kcal, :total_kcal, :moderate_min, :vigorous_min, :resting_hr, "
        ":utc_offset_s, :covered_s) "
        "ON CONFLICT (local_day, source) DO UPDATE SET steps = excluded.steps, ascent_m = excluded.ascent_m, "
        "descent_m = excluded.descent_m, active_kcal = excluded.active_kcal, bmr_kcal = excluded.bmr_kcal, "
        "total_kcal = excluded.total_kcal, moderate_min = excluded.moderate_min, "
        "vigorous_min = excluded.vigorous_min, resting_hr = excluded.resting_hr, "
        "utc_offset_s = excluded.utc_offset_s, covered_s = excluded.covered_s",
        asdict(day),
    )


def forget_wellness(conn: sqlite3.Connection, days: set[str] | list[str], source: str) -> None:
    """Remove the rows of `source` for `days` (the caller's transaction)."""
    conn.executemany(
        "DELETE FROM wellness WHERE local_day = :day AND source = :source",
        [{"day": day, "source": source} for day in days],
    )


def last_garmin_offset(conn: sqlite3.Connection) -> int | None:
    """The UTC offset of the latest Garmin day that states one."""
    row = conn.execute(
        "SELECT utc_offset_s FROM wellness WHERE source = 'garmin' "
        "AND utc_offset_s IS NOT NULL ORDER BY local_day DESC LIMIT 1"
    ).fetchone()
    return int(row[0]) if row else None


# Where a stored resting heart rate came from: Garmin Connect's, or a FIT day's device's (only the
# device's is stored; the read side estimates a day without one, analytics/resting_hr.py).
RESTING_ORIGIN_SQL = (
    "CASE WHEN resting_hr IS NULL THEN NULL WHEN source = 'garmin' THEN 'garmin' ELSE 'device' END AS resting_hr_from"
)


def read_wellness(conn: sqlite3.Connection, first: date | None = None, last: date | None = None) -> pl.DataFrame:
    """Wellness rows of every source for local days first..last (inclusive; None = open), with
    where each stored resting heart rate came from (RESTING_ORIGIN_SQL)."""
    from wearsync.analytics.energy import WELLNESS_SCHEMA  # polars: loaded by the read side only
    from wearsync.store.frames import day_range, query_frame

    return query_frame(
        conn,
        "SELECT local_day, source, steps, ascent_m, descent_m, active_kcal, bmr_kcal, total_kcal, "
        f"moderate_min, vigorous_min, resting_hr, covered_s, {RESTING_ORIGIN_SQL} FROM wellness "
        "WHERE local_day BETWEEN :first AND :last",
        day_range(first, last),
        WELLNESS_SCHEMA,
    )


def read_day_offset(conn: sqlite3.Connection, day: date) -> int | None:
    """The wearer's UTC offset on local day `day` as its daily data or first activity states it."""
    row = conn.execute(
        "SELECT utc_offset_s FROM wellness WHERE local_day = :day AND utc_offset_s IS NOT NULL "
        "UNION ALL SELECT utc_offset_s FROM (SELECT utc_offset_s FROM activities "
        "WHERE local_day = :day ORDER BY start_utc) LIMIT 1",
        {"day": day.isoformat()},
    ).fetchone()
    return int(row[0]) if row else None


def resting_hr_fingerprint(conn: sqlite3.Connection) -> str:
    """A digest of every day's stored resting heart rate, or its lack, per source (each sets its
    day's zones). A day's estimate (analytics/resting_hr.py) stands in where the preferred row
    lacks one: it changes when the day's rows come or go or lose or gain their value (this
    digest), or when its readings change (which marks the day stale in reports/cache.py)."""
    text = (
        conn.execute(
            "SELECT group_concat(local_day || source || coalesce(resting_hr, '-'), ',') FROM (SELECT * FROM wellness "
            "ORDER BY local_day, source)"
        ).fetchone()[0]
        or ""
    )
    return hashlib.sha256(str(text).encode()).hexdigest()[:16]
