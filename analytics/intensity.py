"""Intensity minutes from heart rate (docs/metrics.md, Intensity minutes steps 2 and 3).

With a resting heart rate, zones by heart-rate reserve: HRR = HRmax - HRrest (Karvonen); a
minute is moderate from HRrest + 0.40·HRR up to (not including) HRrest + 0.60·HRR and vigorous
from there up. Without one, zones by percent of HRmax (ACSM: moderate from 64 %, vigorous
from 77 %). Goal minutes = moderate + 2 × vigorous. An all-day minute counts only with
movement in it or next to it, a minute inside a recorded activity always; a minute in a zone
with no neighbour in a zone is a spike, not exercise.
"""

from __future__ import annotations

import polars as pl

from wearsync.analytics.engine import collect_day_rows
from wearsync.analytics.params import AnalyticsParams

# The day's resting heart rate, stored or estimated (analytics/resting_hr.py), and where it came from.
RESTING_SCHEMA = pl.Schema({"local_day": pl.Date, "resting_hr": pl.Int64, "resting_hr_from": pl.String})
# Each recorded activity's highest heart rate (the session's own maximum).
ACTIVITY_MAX_SCHEMA = pl.Schema({"local_day": pl.Date, "max_hr": pl.Int64})
MONITORING_TOTALS_SCHEMA = pl.Schema(
    {
        "serial": pl.Int64,
        "local_day": pl.Date,
        "ts": pl.Int64,
        "activity_type": pl.Int64,
        "metric": pl.String,
        "value": pl.Int64,
    }
)
MOVEMENT_SCHEMA = pl.Schema({"minute_utc": pl.Int64})
# A minute's zone (an enum: integer-backed, several times cheaper than strings on millions of minutes).
ZONE = pl.Enum(["moderate", "vigorous"])
DAILY_INTENSITY_SCHEMA = pl.Schema(
    {
        "local_day": pl.Date,
        "hr_moderate_min": pl.Int64,
        "hr_vigorous_min": pl.Int64,
        "hr_goal_min": pl.Int64,
        "minutes_with_readings": pl.Int64,
    }
)
# ACSM's Guidelines for Exercise Testing and Prescription (10th ed.), intensity table:
# moderate 64-76 % of HRmax, vigorous from 77 %, when no resting heart rate is known.
MODERATE_PERCENT_OF_MAX, VIGOROUS_PERCENT_OF_MAX = 0.64, 0.77
# The observed maximum: the third-highest activity maximum of the last year (at least three
# activities), so one or two optical spikes cannot set it; used when above the prediction.
OBSERVED_MAX_WINDOW = "365d"
OBSERVED_MAX_RANK = 3
# FIT monitoring activity types that are movement (FIT profile activity_type: 1 running,
# 2 cycling, 4 fitness_equipment, 5 swimming, 6 walking); not 0 generic, 3 transition, 8 sedentary.
MOVING_TYPES = (1, 2, 4, 5, 6)
# A running total that rose over at most this long is movement in every minute of the interval;
# after a longer quiet stretch only the minute of the stamp (the device logs ~every minute while
# the wearer moves: 2020-09-25's longest walking interval is 15 minutes).
MOVEMENT_SPAN_S = 900
# Thresholds are rounded so that a heart rate exactly on a boundary (rest 60, max 190:
# 112 and 138 bpm) lands in the upper zone despite binary floating point.
THRESHOLD_DECIMALS = 9


def predicted_max_hr(params: AnalyticsParams, year: pl.Expr) -> pl.Expr:
    """HRmax by age: Tanaka et al. 2001, 208 - 0.7 × age; or Fox's 220 - age if configured."""
    age = year.cast(pl.Float64) - params.birth_year
    return 220.0 - age if params.max_hr_formula == "220-age" else 208.0 - 0.7 * age


def heart_rate_limits(
    days: pl.LazyFrame, measured: pl.LazyFrame, params: AnalyticsParams, activity_max: pl.LazyFrame | None = None
) -> pl.LazyFrame:
    """Per day in `days` (column local_day) the resting and maximum heart rate and zone bounds.

    HRrest: the configured one, else the day's own stored value (RESTING_SCHEMA; a device's
    value is already its own average, never averaged again), else the one a source profile
    states (params.profile_resting_hr), else none: zones by percent of HRmax.
    HRmax: the configured one, else the observed maximum of the last year's activities
    (ACTIVITY_MAX_SCHEMA) when it is above the prediction, else the prediction by age.
    """
    day_list = days.select("local_day").sort("local_day")
    if activity_max is None:
        activity_max = pl.LazyFrame(schema=ACTIVITY_MAX_SCHEMA)
    # Only an activity maximum above the prediction can make the observed one count (the
    # prediction falls by under 1 bpm a year): the rest is left out before the windows, and
    # without any such maximum (the usual case) there are no windows to compute.
    above = collect_day_rows(
        activity_max.filter(pl.col("max_hr") > predicted_max_hr(params, pl.col("local_day").dt.year()) - 1)
    )
    observed = (
        _observed_max(day_list, above.lazy())
        if above.height >= OBSERVED_MAX_RANK
        else day_list.select("local_day", observed_max=pl.lit(None, dtype=pl.Float64))
    )
    configured_rest = params.configured_resting_hr or None
    predicted = predicted_max_hr(params, pl.col("local_day").dt.year())
    limits = (
        day_list.join(
            measured.filter(pl.col("resting_hr").is_not_null()).rename({"resting_hr_from": "measured_from"}),
            on="local_day",
            how="left",
            maintain_order="left",
        )
        .join(observed, on="local_day", how="left", maintain_order="left")
        .with_columns(
            resting_hr=pl.coalesce(
                pl.lit(configured_rest, dtype=pl.Float64),
                pl.col("resting_hr").cast(pl.Float64),
                pl.lit(params.profile_resting_hr or None, dtype=pl.Float64),
            ),
            resting_hr_from=pl.when(pl.lit(configured_rest is not None))
            .then(pl.lit(params.resting_hr_from))
            .when(pl.col("resting_hr").is_not_null())
            .then(pl.col("measured_from"))
            .when(pl.lit(params.profile_resting_hr > 0))
            .then(pl.lit(params.profile_resting_hr_from)),
            max_hr=pl.lit(float(params.configured_max_hr))
            if params.configured_max_hr
            else pl.max_horizontal(predicted, pl.col("observed_max")).round(1),
            max_hr_from=pl.lit(params.max_hr_from)
            if params.configured_max_hr
            else pl.when(pl.col("observed_max") > predicted)
            .then(pl.lit("observed"))
            .otherwise(pl.lit("tanaka" if params.max_hr_formula == "tanaka" else "220-age")),
        )
    )
    reserve = pl.col("max_hr") - pl.col("resting_hr")
    by_reserve = pl.col("resting_hr").is_not_null()
    return limits.select(
        "local_day",
        "resting_hr",
        "resting_hr_from",
        "max_hr",
        "max_hr_from",
        zones_by=pl.when(by_reserve).then(pl.lit("heart_rate_reserve")).otherwise(pl.lit("percent_of_max")),
        moderate_from_bpm=pl.when(by_reserve)
        .then(pl.col("resting_hr") + params.moderate_hrr * reserve)
        .otherwise(MODERATE_PERCENT_OF_MAX * pl.col("max_hr"))
        .round(THRESHOLD_DECIMALS),
        vigorous_from_bpm=pl.when(by_reserve)
        .then(pl.col("resting_hr") + params.vigorous_hrr * reserve)
        .otherwise(VIGOROUS_PERCENT_OF_MAX * pl.col("max_hr"))
        .round(THRESHOLD_DECIMALS),
    )


def _observed_max(day_list: pl.LazyFrame, activity_max: pl.LazyFrame) -> pl.LazyFrame:
    """(local_day, observed_max): the OBSERVED_MAX_RANK-th highest activity maximum in the year up to the day.

    What a day's window (day - 365 d, day] holds changes only on the day of an activity and on
    the day it drops out, 365 days later: the windows are computed at those days alone and each
    day takes the latest one before it (as-of join), however many days are asked for.
    """
    maxima = activity_max.filter(pl.col("max_hr").is_not_null()).select("local_day", pl.col("max_hr").cast(pl.Int64))
    leaving = maxima.select(pl.col("local_day") + pl.duration(days=365), max_hr=pl.lit(None, dtype=pl.Int64))
    windows = (
        pl.concat([maxima, leaving])
        .sort("local_day")
        .rolling("local_day", period=OBSERVED_MAX_WINDOW)
        .agg(top=pl.col("max_hr").drop_nulls().top_k(OBSERVED_MAX_RANK))
        .unique("local_day", keep="last")
        .sort("local_day")
    )
    return (
        day_list.sort("local_day")
        .join_asof(windows, on="local_day", strategy="backward")
        .select(
            "local_day",
            observed_max=pl.when(pl.col("top").list.len() >= OBSERVED_MAX_RANK).then(
                pl.col("top").list.min().cast(pl.Float64)
            ),
        )
    )


def movement_minutes(totals: pl.LazyFrame) -> pl.LazyFrame:
    """MONITORING_TOTALS_SCHEMA (running totals of steps and active calories) -> MOVEMENT_SCHEMA.

    A total of a moving activity type that rose since its previous stamp is movement in the
    minutes of that interval (at most MOVEMENT_SPAN_S of it), and in the minute either side. A
    day's first stamp has no previous one: its rise fell within the device's logging interval
    before it (the median spacing of that device's stamps), so short gaps inside movement are
    filled up to that interval and no further.
    """
    rises = (
        totals.sort("ts")
        .with_columns(
            previous_ts=pl.col("ts").shift(1).over("serial", "local_day", "activity_type", "metric"),
            added=pl.col("value").diff().over("serial", "local_day", "activity_type", "metric"),
        )
        # the device's logging interval: the median spacing of consecutive stamps of each of its
        # running totals, whatever the activity type (at most MOVEMENT_SPAN_S)
        .with_columns(
            logging_s=(pl.col("ts") - pl.col("previous_ts"))
            .median()
            .over("serial")
            .clip(upper_bound=MOVEMENT_SPAN_S)
            .fill_null(MOVEMENT_SPAN_S)
            .cast(pl.Int64)
        )
        .filter(pl.col("activity_type").is_in(MOVING_TYPES) & (pl.coalesce(pl.col("added"), pl.col("value")) > 0))
        .select(
            first=pl.max_horizontal(
                pl.coalesce(pl.col("previous_ts"), pl.col("ts") - pl.col("logging_s")), pl.col("ts") - MOVEMENT_SPAN_S
            )
            // 60
            * 60
            - 60,
            last=pl.col("ts") // 60 * 60 + 60,
        )
    )
    return (
        rises.select(minute_utc=pl.int_ranges("first", pl.col("last") + 60, 60))
        .explode("minute_utc")
        .drop_nulls()
        .unique()
        .select(pl.col("minute_utc").cast(pl.Int64))
    )


def classify_minutes(
    minutes: pl.LazyFrame, limits: pl.LazyFrame, movement: pl.LazyFrame | None = None, min_bout_minutes: int = 0
) -> pl.LazyFrame:
    """Add `zone` (ZONE: 'moderate', 'vigorous' or null) to per-minute heart rate.

    A minute can count only inside a recorded activity (source 'activity') or with movement
    in it or next to it (`movement`, MOVEMENT_SCHEMA; None: every minute may count), and only
    with a neighbouring minute in a zone too: one minute alone is an optical spike or a
    moment, not exercise. With `min_bout_minutes` > 1 only runs of at least that many
    consecutive moderate-or-vigorous minutes count (older Garmin firmware); a run may cross
    midnight.
    """
    # Sorted once (a no-op on the cache's minutes, already in order: store.analytics_caches.read_minutes) and
    # kept in that order through the join, so the neighbours below are the minutes either side.
    zoned = minutes.sort("minute_utc").join(
        limits.select("local_day", "moderate_from_bpm", "vigorous_from_bpm"),
        on="local_day",
        how="left",
        maintain_order="left",
    )
    # is_in over the (small) set of moving minutes: cheaper than joining millions of minutes to it
    moving = None if movement is None else movement.collect().get_column("minute_utc")
    may_count = (
        pl.lit(True)
        if moving is None
        else (pl.col("source") == "activity") | pl.col("minute_utc").is_in(moving.implode())
        if len(moving)
        else pl.col("source") == "activity"
    )
    zoned = zoned.with_columns(
        zone=pl.when(~may_count)
        .then(None)
        .when(pl.col("bpm") >= pl.col("vigorous_from_bpm"))
        .then(pl.lit("vigorous", dtype=ZONE))
        .when(pl.col("bpm") >= pl.col("moderate_from_bpm"))
        .then(pl.lit("moderate", dtype=ZONE))
    )
    active = pl.col("zone").is_not_null()
    if min_bout_minutes <= 2:
        # not alone: the minute before or after is in a zone too (shifts: no grouping by runs needed)
        step = pl.col("minute_utc").diff()
        neighbour = ((active.shift(1) & (step == 60)) | (active.shift(-1) & (step.shift(-1) == 60))).fill_null(False)
        zoned = zoned.with_columns(zone=pl.when(neighbour).then(pl.col("zone")))
    else:
        # A new run starts where activity switches on or a minute is missing in between.
        breaks = (active != active.shift(1)) | (pl.col("minute_utc").diff() != 60)
        zoned = (
            zoned.with_columns(run=breaks.fill_null(True).cum_sum())
            .with_columns(zone=pl.when(pl.len().over("run") >= min_bout_minutes).then(pl.col("zone")))
            .drop("run")
        )
    return zoned.drop("moderate_from_bpm", "vigorous_from_bpm")


def daily_intensity(classified: pl.LazyFrame) -> pl.LazyFrame:
    """Per local day: moderate, vigorous and goal minutes, and minutes with a reading."""
    return (
        classified.group_by("local_day")
        .agg(
            hr_moderate_min=(pl.col("zone") == "moderate").sum().cast(pl.Int64),
            hr_vigorous_min=(pl.col("zone") == "vigorous").sum().cast(pl.Int64),
            minutes_with_readings=pl.len().cast(pl.Int64),
        )
        .pipe(day_intensity_columns)
        .sort("local_day")
    )


def goal_minutes(moderate: str, vigorous: str) -> pl.Expr:
    """Goal-equivalent minutes from the columns `moderate` and `vigorous`: moderate + 2 × vigorous
    (a vigorous minute counts double; null when either is)."""
    return pl.col(moderate) + 2 * pl.col(vigorous)


def day_intensity_columns(days: pl.LazyFrame) -> pl.LazyFrame:
    """A day's heart-rate intensity as daily_summary reads it: the moderate and vigorous minutes,
    their goal minutes and the minutes with readings (from daily_intensity or its cache)."""
    return days.select(
        "local_day",
        "hr_moderate_min",
        "hr_vigorous_min",
        hr_goal_min=goal_minutes("hr_moderate_min", "hr_vigorous_min"),
        minutes_with_readings="minutes_with_readings",
    )
