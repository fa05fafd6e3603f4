"""Everything known about each local day, in one frame (one row per calendar day)."""

from __future__ import annotations

from datetime import date

import polars as pl

from wearsync.analytics.energy import energy_balance
from wearsync.analytics.intensity import goal_minutes
from wearsync.analytics.params import AnalyticsParams

METRES_PER_FLOOR = 3.048  # Garmin: floorsAscendedInMeters / floorsAscended
# A day counts as worn with at least an hour of it recorded (a lone reading or the zeros a
# device stamps at midnight are not a day of wear): docs/metrics.md, Weeks and scores.
WORN_MINUTES = 60

DAILY_SCHEMA = pl.Schema(
    {
        "local_day": pl.Date,
        "wellness_source": pl.String,
        "steps": pl.Int64,
        "ascent_m": pl.Float64,
        "descent_m": pl.Float64,
        "floors": pl.Float64,
        "active_kcal": pl.Int64,
        "rmr_kcal": pl.Int64,
        "burned_kcal": pl.Float64,
        "eaten_kcal": pl.Int64,
        "intake_source": pl.String,
        "deficit_kcal": pl.Float64,
        "below_intake_floor": pl.Boolean,
        "deficit_credit_kcal": pl.Float64,
        "hr_moderate_min": pl.Int64,
        "hr_vigorous_min": pl.Int64,
        "hr_goal_min": pl.Int64,
        "minutes_with_readings": pl.Int64,
        "device_moderate_min": pl.Int64,
        "device_vigorous_min": pl.Int64,
        "device_goal_min": pl.Int64,
        "minutes_source": pl.String,
        "moderate_min": pl.Int64,
        "vigorous_min": pl.Int64,
        "goal_minutes": pl.Int64,
        "reached_daily_target": pl.Boolean,
        "strength_sessions": pl.Int64,
        "worn": pl.Boolean,
        "resting_hr": pl.Float64,
        "resting_hr_from": pl.String,
        "max_hr": pl.Float64,
        "max_hr_from": pl.String,
        "zones_by": pl.String,
        "moderate_from_bpm": pl.Float64,
        "vigorous_from_bpm": pl.Float64,
    }
)


def daily_summary(
    calendar: pl.LazyFrame,
    wellness: pl.LazyFrame,
    intensity: pl.LazyFrame,
    limits: pl.LazyFrame,
    intake: pl.LazyFrame,
    strength: pl.LazyFrame,
    params: AnalyticsParams,
    as_of: date,
) -> pl.LazyFrame:
    """Join the per-day pieces onto `calendar` (local_day) -> DAILY_SCHEMA.

    `wellness` is preferred_wellness(), `intensity` daily_intensity(), `limits`
    heart_rate_limits(), `intake` daily_intake(), `strength` daily_strength(). Days after
    `as_of` (today) are not lived yet: whatever the store holds for them is left out.
    The headline minutes (`minutes_source`, `moderate_min`, `vigorous_min`, `goal_minutes`)
    are the device's own where it reported them and params.minutes_source is "auto" or
    "device", else wearsync's heart-rate count (docs/metrics.md, Intensity minutes).
    """
    joined = calendar.select("local_day")
    for piece in (wellness, intensity, intake, strength):
        joined = joined.join(
            piece.filter(pl.col("local_day") <= pl.lit(as_of)), on="local_day", how="left", maintain_order="left"
        )
    joined = joined.join(limits, on="local_day", how="left", maintain_order="left")
    device_known = pl.col("device_moderate_min").is_not_null() & pl.col("device_vigorous_min").is_not_null()
    use_device = {"auto": device_known, "device": pl.lit(True), "heart_rate": pl.lit(False)}[params.minutes_source]
    # Without a reading in any minute, the day's heart-rate minutes are unknown, not 0.
    hr_known = pl.col("minutes_with_readings").fill_null(0) > 0
    days = (
        joined.with_columns(
            floors=pl.col("ascent_m") / METRES_PER_FLOOR,
            rmr_kcal=pl.col("bmr_kcal"),
            device_moderate_min=pl.col("moderate_min"),
            device_vigorous_min=pl.col("vigorous_min"),
            hr_moderate_min=pl.when(hr_known).then(pl.col("hr_moderate_min")),
            hr_vigorous_min=pl.when(hr_known).then(pl.col("hr_vigorous_min")),
            minutes_with_readings=pl.col("minutes_with_readings").fill_null(0),
            strength_sessions=pl.col("strength_sessions").fill_null(0),
        )
        .with_columns(
            hr_goal_min=goal_minutes("hr_moderate_min", "hr_vigorous_min"),
            device_goal_min=goal_minutes("device_moderate_min", "device_vigorous_min"),
            minutes_source=pl.when(use_device).then(pl.lit("device")).when(hr_known).then(pl.lit("heart_rate")),
        )
        .with_columns(
            moderate_min=pl.when(use_device).then("device_moderate_min").otherwise("hr_moderate_min"),
            vigorous_min=pl.when(use_device).then("device_vigorous_min").otherwise("hr_vigorous_min"),
            goal_minutes=pl.when(use_device).then("device_goal_min").otherwise("hr_goal_min"),
        )
        .with_columns(
            reached_daily_target=pl.col("goal_minutes") >= params.daily_cardio_minutes,
            worn=(
                pl.col("wellness_source").is_not_null() & (pl.col("covered_s").fill_null(86_400) >= 60 * WORN_MINUTES)
            )
            | (pl.col("minutes_with_readings") >= WORN_MINUTES),
        )
    )
    days = energy_balance(days, params.intake_floor_kcal, params.daily_deficit_kcal)
    return days.select([pl.col(name).cast(dtype) for name, dtype in DAILY_SCHEMA.items()])
