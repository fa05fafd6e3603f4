"""Keeping the analytics caches (tables analytics_*) up to date with the store, a chunk at a time.

Every report calls `refresh` first, for the days it reads (the dashboard's views) or for every
day (the command line's week and history reports: their streak counts every earlier week); a
day left behind waits in analytics_stale_days for the next refresh that reaches it. Importers
need not call anything. Days are computed in chunks of a bounded number of days, outside any
transaction, and each chunk's results are written in a short transaction of their own: a
refresh of years never holds the write lock for long, and an import in another process waits
at most one chunk's write. A chunk that fails is computed again day by day; a day that still
cannot be computed is recorded as unavailable with its reason (table analytics_unavailable)
while every other day is kept.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
import polars as pl

from wearsync.analytics.energy import preferred_wellness
from wearsync.analytics.engine import collect_in_memory
from wearsync.analytics.heart_rate import MINUTES_SCHEMA, SOURCE_RANK, minutes_of
from wearsync.analytics.intensity import classify_minutes, daily_intensity, heart_rate_limits, movement_minutes
from wearsync.analytics.params import AnalyticsParams
from wearsync.analytics.resting_hr import ESTIMATE_SCHEMA, resting_estimates
from wearsync.progress import Progress
from wearsync.store import Store, analytics_caches, hr_series, monitoring_series, recordings
from wearsync.store import wellness as stored_wellness
from wearsync.store.strict_schema import HR_SOURCES

# Days read around the asked-for ones so bouts can cross midnight.
BOUT_MARGIN_DAYS = 1
# Raw heart rate is turned into minutes this many days at a time (bounds memory and each write;
# 92 rather than 31: 5-12 % less CPU a 5-year rebuild in three alternating runs, same peak memory).
REBUILD_CHUNK_DAYS = 92
# Cached minutes are classified this many days at a time (bounds memory and each write, a row a
# day; 183 rather than 92: ~12 % less CPU a 5-year rebuild, each chunk's polars plans cost the same
# set-up whatever its length; peak memory +5 MB).
INTENSITY_CHUNK_DAYS = 183
# The SOURCE_RANK of each source code of the stored series (HR_SOURCES).
SOURCE_RANKS = np.array([SOURCE_RANK[name] for name in HR_SOURCES], np.uint8)
# The source code of the all-day readings the resting heart rate is estimated from.
MONITORING = HR_SOURCES.index("monitoring")
# The state key holding what the cached intensity results were last checked against.
INTENSITY_INPUTS_KEY = "analytics.intensity_inputs"


def refresh(
    store: Store,
    params: AnalyticsParams,
    first: date | None = None,
    last: date | None = None,
    progress: Progress | None = None,
) -> set[date]:
    """Bring the analytics caches up to date with the store; returns the days recomputed.

    Only days whose heart-rate units (recordings, Garmin days) appeared or disappeared since
    they were last computed have their minutes rebuilt from raw readings; only days whose
    minutes, settings or resting/maximum heart rate changed are reclassified. With `first` and
    `last`, only what a report of those days reads is brought up to date (their intensity and the
    minutes their bouts reach into); the other days wait for a later refresh (`is_complete`).
    """
    window = None if first is None or last is None else (first, last)
    # Whether every day was classified with today's settings and resting heart rates before
    # this refresh (minutes written since clear it: a refresh stopped after them is no proof).
    inputs = _intensity_inputs(store, params)
    classified = store.get_state(INTENSITY_INPUTS_KEY) == inputs
    stale = _refresh_minutes(store, window, progress)
    return stale | _refresh_intensity(store, params, stale, window, progress, inputs, classified)


def is_complete(store: Store, params: AnalyticsParams) -> bool:
    """Whether every day is up to date (nothing a `refresh` without a range would do): what the
    streak, computed over every earlier week, needs."""
    conn = store.conn
    return (
        analytics_caches.read_units(conn) == analytics_caches.current_units(conn)
        and not analytics_caches.read_stale_days(conn)
        and store.get_state(INTENSITY_INPUTS_KEY) == _intensity_inputs(store, params)
    )


def _refresh_minutes(store: Store, window: tuple[date, date] | None, progress: Progress | None) -> set[date]:
    conn = store.conn
    if analytics_caches.read_units(conn) != analytics_caches.current_units(conn):
        # Read again, compared and written under the write lock: another process's refresh may
        # have recorded the same units meanwhile (reading the spans of units it had just removed
        # gave rows of nothing, and a view failed to load). The units and the days they make stale
        # in one transaction: a refresh stopped half-way leaves the rest marked for the next.
        with store.transaction() as txn:
            known, now = analytics_caches.read_units(txn), analytics_caches.current_units(txn)
            removed = analytics_caches.read_unit_spans(txn, sorted(known - now))
            added = analytics_caches.unit_day_spans(txn, sorted(now - known))
            changed: set[date] = set()
            for first, last in pl.concat([added, removed]).drop_nulls().select("first_day", "last_day").iter_rows():
                changed.update(first + timedelta(days=n) for n in range((last - first).days + 1))
            analytics_caches.mark_stale(txn, sorted(changed))
            analytics_caches.write_units(txn, added, removed["unit"].to_list())
    stale = analytics_caches.read_stale_days(conn)
    if window is not None:
        margin = timedelta(days=BOUT_MARGIN_DAYS)
        stale = [day for day in stale if window[0] - margin <= day <= window[1] + margin]

    def write(days: list[date], computed: tuple[pl.DataFrame, pl.DataFrame]) -> None:
        minutes, estimates = computed
        with store.transaction() as txn:
            analytics_caches.write_minutes(txn, days, minutes)
            analytics_caches.write_resting_estimates(txn, days, estimates)
            analytics_caches.forget_day_intensity(txn, _with_margin(days))
            analytics_caches.forget_unavailable(txn, days)
            analytics_caches.forget_stale(txn, days)
            store.set_state(txn, INTENSITY_INPUTS_KEY, "")

    def forget(txn: sqlite3.Connection, day: date) -> None:
        analytics_caches.write_minutes(txn, [day], pl.DataFrame(schema=MINUTES_SCHEMA))
        analytics_caches.write_resting_estimates(txn, [day], pl.DataFrame(schema=ESTIMATE_SCHEMA))
        analytics_caches.forget_day_intensity(txn, _with_margin([day]))
        analytics_caches.forget_stale(txn, [day])
        store.set_state(txn, INTENSITY_INPUTS_KEY, "")

    _by_chunks(
        store,
        stale,
        REBUILD_CHUNK_DAYS,
        lambda a, b: _day_minutes(store, a, b),
        write,
        forget,
        "heart-rate minutes",
        progress,
    )
    return set(stale)


def _day_minutes(store: Store, first: date, last: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The minutes of days first..last, and their resting heart-rate estimates from the same readings."""
    readings = hr_series.read_readings(store.conn, first, last)
    minutes = minutes_of(readings.ts, readings.bpm, readings.utc_offset_s, SOURCE_RANKS[readings.source])
    all_day = readings.source == MONITORING
    estimates = resting_estimates(readings.ts[all_day], readings.bpm[all_day], readings.utc_offset_s[all_day])
    # the read's margin holds part of the days either side: theirs come from their own chunk
    inside = pl.col("local_day").is_between(first, last)
    return minutes.filter(inside), estimates.filter(inside)


def _intensity_inputs(store: Store, params: AnalyticsParams) -> str:
    return f"{params.settings_key}|{stored_wellness.resting_hr_fingerprint(store.conn)}"


def _refresh_intensity(
    store: Store,
    params: AnalyticsParams,
    stale: set[date],
    window: tuple[date, date] | None,
    progress: Progress | None,
    inputs: str,
    classified: bool,
) -> set[date]:
    """Classify the minutes of the days that need it; `inputs`: _intensity_inputs as this refresh
    began (a change of the resting heart rates since is seen by the next refresh)."""
    conn = store.conn
    if not stale and classified:
        return set()
    minute_days = analytics_caches.minute_days(conn)
    if classified:
        # Only the days whose results the new minutes forgot can need it (a new import's days,
        # not five years of them).
        minute_days = minute_days.filter(pl.col("local_day").is_in(_with_margin(sorted(stale))))
    # computed once, small (a row a day): what each day's results depend on, and what classifies them
    limits = heart_rate_limits_of(store, params, minute_days.lazy()).collect().lazy()
    expected = limits.select(
        "local_day",
        settings=pl.concat_str(
            pl.lit(params.settings_key),
            pl.col("moderate_from_bpm").round(3),
            pl.col("vigorous_from_bpm").round(3),
            separator="|",
        ).fill_null(pl.lit(params.settings_key + "|no limits")),
    )
    days: list[date] = minute_days["local_day"].to_list()
    cached = analytics_caches.read_day_intensity(conn, min(days, default=None), max(days, default=None)).select(
        "local_day", cached="settings"
    )
    todo = (
        expected.join(cached.lazy(), on="local_day", how="left")
        .filter(pl.col("cached").is_null() | (pl.col("cached") != pl.col("settings")))
        .collect()
    )
    every = todo
    if window is not None:
        # A day's bouts reach into the days beside it: only days whose minutes are all up to date.
        reach = timedelta(days=0 if analytics_caches.read_stale_days(conn) else 2 * BOUT_MARGIN_DAYS)
        todo = todo.filter(pl.col("local_day").is_between(window[0] - reach, window[1] + reach))

    def compute(first: date, last: date) -> pl.DataFrame:
        days = todo.lazy().filter(pl.col("local_day").is_between(first, last))
        return (
            daily_intensity(classified_minutes(store, params, first, last, limits))
            .join(days, on="local_day", how="inner")
            .pipe(collect_in_memory)
        )

    def write(days: list[date], results: pl.DataFrame) -> None:
        with store.transaction() as txn:
            analytics_caches.write_day_intensity(txn, results)
            analytics_caches.forget_unavailable(txn, days)

    _by_chunks(
        store,
        sorted(todo["local_day"]),
        INTENSITY_CHUNK_DAYS,
        compute,
        write,
        lambda txn, day: analytics_caches.forget_day_intensity(txn, [day]),
        "intensity minutes",
        progress,
    )
    with store.transaction() as txn:
        # Left unequal to any inputs while days wait: the next refresh looks at every day again.
        store.set_state(txn, INTENSITY_INPUTS_KEY, inputs if todo.height == every.height else "")
    return set(todo["local_day"])


def classified_minutes(
    store: Store, params: AnalyticsParams, first: date, last: date, limits: pl.LazyFrame | None = None
) -> pl.LazyFrame:
    """Every cached minute of first..last (and the margin bouts need) with its zone
    (analytics/intensity.py `classify_minutes`): what the day results count and the day curve draws."""
    conn = store.conn
    margin = timedelta(days=BOUT_MARGIN_DAYS)
    minutes = analytics_caches.read_minutes(conn, first - margin, last + margin)
    if limits is None:
        limits = heart_rate_limits_of(store, params, minutes.select("local_day").unique())
    movement = movement_minutes(monitoring_series.read_monitoring_totals(conn, first - margin, last + margin).lazy())
    return classify_minutes(minutes, limits, movement, params.min_bout_minutes)


def _by_chunks[T](
    store: Store,
    days: list[date],
    longest: int,
    compute: Callable[[date, date], T],
    write: Callable[[list[date], T], None],
    forget: Callable[[sqlite3.Connection, date], None],
    stage: str,
    progress: Progress | None,
) -> None:
    """`_in_chunk_or_by_day` over sorted `days` in runs of at most `longest` days; `progress` counts
    the days done, its label the stage."""
    done = 0
    for first, last in _runs(days, longest):
        _in_chunk_or_by_day(store, first, last, compute, write, forget)
        done += (last - first).days + 1
        if progress is not None:
            progress("days", done, len(days), stage)


def _in_chunk_or_by_day[T](
    store: Store,
    first: date,
    last: date,
    compute: Callable[[date, date], T],
    write: Callable[[list[date], T], None],
    forget: Callable[[sqlite3.Connection, date], None],
) -> None:
    """Compute and write days first..last at once; if that fails, day by day.

    A day that fails alone has what the stage cached for it forgotten (`forget`) and is
    recorded as unavailable with the reason.
    """
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    try:
        results = compute(first, last)
    except Exception:  # noqa: BLE001 - one day's failure must not cost the others: retried day by day
        for day in days:
            try:
                results = compute(day, day)
            except Exception as exc:  # noqa: BLE001 - recorded with its reason, shown in the reports
                with store.transaction() as txn:
                    forget(txn, day)
                    analytics_caches.write_unavailable(txn, day, _one_line(exc))
            else:
                write([day], results)
    else:
        write(days, results)


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or "no message"
    return f"{type(exc).__name__}: {text[:300]}"


def _with_margin(days: list[date]) -> list[date]:
    return sorted({d + timedelta(days=k) for d in days for k in range(-BOUT_MARGIN_DAYS, BOUT_MARGIN_DAYS + 1)})


def _runs(days: list[date], longest: int) -> list[tuple[date, date]]:
    """Sorted days as (first, last) runs of consecutive days, none longer than `longest`."""
    runs: list[list[date]] = []
    for day in days:
        if runs and day - runs[-1][1] == timedelta(days=1) and (day - runs[-1][0]).days < longest:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(first, last) for first, last in runs]


def heart_rate_limits_of(store: Store, params: AnalyticsParams, days: pl.LazyFrame) -> pl.LazyFrame:
    """heart_rate_limits of `days` from everything stored (the values alone, not where each came from)."""
    conn = store.conn
    measured = day_resting_hr(conn, preferred_wellness(stored_wellness.read_wellness(conn).lazy()))
    return heart_rate_limits(days, measured, params, recordings.read_activity_maxima(conn).lazy())


def day_resting_hr(
    conn: sqlite3.Connection, wellness: pl.LazyFrame, first: date | None = None, last: date | None = None
) -> pl.LazyFrame:
    """RESTING_SCHEMA of the days of `wellness` (preferred_wellness rows of days first..last): the
    stored value, else on a FIT day the estimate from its readings (analytics/resting_hr.py, cached
    with the day's minutes), labelled "estimate"."""
    estimates = analytics_caches.read_resting_estimates(conn, first, last).lazy().rename({"resting_hr": "estimate"})
    estimated = pl.col("resting_hr").is_null() & (pl.col("wellness_source") == "fit") & pl.col("estimate").is_not_null()
    return wellness.join(estimates, on="local_day", how="left", maintain_order="left").select(
        "local_day",
        resting_hr=pl.when(estimated).then("estimate").otherwise("resting_hr"),
        resting_hr_from=pl.when(estimated).then(pl.lit("estimate")).otherwise("resting_hr_from"),
    )
