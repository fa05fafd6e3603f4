"""Intensity minutes from heart rate by heart-rate reserve (metrics.md, steps 2 and 3).

HRR = HRmax - HRrest (Karvonen). A minute is moderate from HRrest + 0.40·HRR up to (not
including) HRrest + 0.60·HRR and vigorous from there up; goal minutes = moderate + 2 × vigorous.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from wearsync.analytics.params import AnalyticsParams

RESTING_SCHEMA = pl.Schema({"local_day": pl.Date, "resting_hr": pl.Int64})
LIMITS_SCHEMA = pl.Schema({
    "local_day": pl.Date, "resting_hr": pl.Float64, "resting_hr_from": pl.String,
    "max_hr": pl.Int64, "max_hr_from": pl.String,
    "moderate_from_bpm": pl.Float64, "vigorous_from_bpm": pl.Float64,
})
DAILY_INTENSITY_SCHEMA = pl.Schema({
    "local_day": pl.Date, "hr_moderate_min": pl.Int64, "hr_vigorous_min": pl.Int64,
    "hr_goal_min": pl.Int64, "minutes_with_readings": pl.Int64,
})
RESTING_WINDOW = "7d"
# Thresholds are rounded so that a heart rate exactly on a boundary (rest 60, max 190:
# 112 and 138 bpm) lands in the upper zone despite binary floating point.
THRESHOLD_DECIMALS = 9


def heart_rate_limits(days: pl.LazyFrame, measured: pl.LazyFrame, params: AnalyticsParams) -> pl.LazyFrame:
    """Per day in `days` (column local_day) the resting and maximum heart rate and zone bounds.

    HRrest is the mean of the resting heart rates measured (RESTING_SCHEMA) on the seven days
    ending with the day, else the configured one, else unknown (the day then has no zones).
    HRmax is the configured one, else 220 - age (age = the day's year - birth year).
    """
    # Every calendar day from six days before the first: the window is days, not readings.
    # (No days at all give a dummy one-week calendar that matches nothing.)
    first, last = (pl.col("local_day").min().fill_null(date(1970, 1, 7)),
                   pl.col("local_day").max().fill_null(date(1970, 1, 7)))
    calendar = days.select(pl.date_range(first - pl.duration(days=6), last, "1d").alias("local_day"))
    trailing = (
        calendar.join(measured.filter(pl.col("resting_hr").is_not_null()), on="local_day", how="left")
        .sort("local_day")
        .rolling("local_day", period=RESTING_WINDOW)
        .agg(measured_avg=pl.col("resting_hr").mean())
    )
    configured_rest = params.configured_resting_hr or None
    limits = (
        days.select("local_day").sort("local_day")
        .join(trailing, on="local_day", how="left", maintain_order="left")
        .with_columns(
            resting_hr=pl.coalesce(pl.col("measured_avg"), pl.lit(configured_rest, dtype=pl.Float64)),
            resting_hr_from=pl.when(pl.col("measured_avg").is_not_null()).then(pl.lit("measured"))
            .when(pl.lit(configured_rest is not None)).then(pl.lit("config")),
            max_hr=(pl.lit(params.configured_max_hr, dtype=pl.Int64) if params.configured_max_hr
                    else 220 - (pl.col("local_day").dt.year().cast(pl.Int64) - params.birth_year)),
            max_hr_from=pl.lit("config" if params.configured_max_hr else "age"),
        )
    )
    reserve = pl.col("max_hr") - pl.col("resting_hr")
    return limits.select(
        "local_day", "resting_hr", "resting_hr_from", "max_hr", "max_hr_from",
        moderate_from_bpm=(pl.col("resting_hr") + params.moderate_hrr * reserve).round(THRESHOLD_DECIMALS),
        vigorous_from_bpm=(pl.col("resting_hr") + params.vigorous_hrr * reserve).round(THRESHOLD_DECIMALS),
    )


def classify_minutes(minutes: pl.LazyFrame, limits: pl.LazyFrame, min_bout_minutes: int = 0) -> pl.LazyFrame:
    """Add `zone` ('moderate', 'vigorous' or null) to per-minute heart rate.

    With `min_bout_minutes` > 0 only runs of at least that many consecutive moderate-or-
    vigorous minutes count (older Garmin firmware); a run may cross midnight.
    """
    zoned = minutes.join(limits.select("local_day", "moderate_from_bpm", "vigorous_from_bpm"),
                         on="local_day", how="left").with_columns(
        zone=pl.when(pl.col("bpm") >= pl.col("vigorous_from_bpm")).then(pl.lit("vigorous"))
        .when(pl.col("bpm") >= pl.col("moderate_from_bpm")).then(pl.lit("moderate"))
    )
    if min_bout_minutes > 1:
        active = pl.col("zone").is_not_null()
        # A new run starts where activity switches on or a minute is missing in between.
        breaks = (active != active.shift(1)) | (pl.col("minute_utc").diff() != 60)
        zoned = (
            zoned.sort("minute_utc")
            .with_columns(run=breaks.fill_null(True).cum_sum())
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
        .select("local_day", "hr_moderate_min", "hr_vigorous_min",
                hr_goal_min=pl.col("hr_moderate_min") + 2 * pl.col("hr_vigorous_min"),
                minutes_with_readings="minutes_with_readings")
        .sort("local_day")
    )
