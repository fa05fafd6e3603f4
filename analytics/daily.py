"""Everything known about each local day, in one frame (one row per calendar day)."""

from __future__ import annotations

import polars as pl

from wearsync.analytics.energy import energy_balance
from wearsync.analytics.params import AnalyticsParams

METRES_PER_FLOOR = 3.048  # Garmin: floorsAscendedInMeters / floorsAscended

DAILY_SCHEMA = pl.Schema({
    "local_day": pl.Date, "wellness_source": pl.String,
    "steps": pl.Int64, "ascent_m": pl.Float64, "descent_m": pl.Float64, "floors": pl.Float64,
    "active_kcal": pl.Int64, "rmr_kcal": pl.Int64, "burned_kcal": pl.Float64,
    "eaten_kcal": pl.Int64, "intake_source": pl.String, "deficit_kcal": pl.Float64,
    "below_intake_floor": pl.Boolean, "deficit_credit_kcal": pl.Float64,
    "hr_moderate_min": pl.Int64, "hr_vigorous_min": pl.Int64, "hr_goal_min": pl.Int64,
    "minutes_with_readings": pl.Int64,
    "device_moderate_min": pl.Int64, "device_vigorous_min": pl.Int64, "device_goal_min": pl.Int64,
    "goal_minutes": pl.Int64, "reached_daily_target": pl.Boolean, "strength_sessions": pl.Int64,
    "resting_hr": pl.Float64, "resting_hr_from": pl.String, "max_hr": pl.Int64, "max_hr_from": pl.String,
    "moderate_from_bpm": pl.Float64, "vigorous_from_bpm": pl.Float64,
})


def daily_summary(
    calendar: pl.LazyFrame,
    wellness: pl.LazyFrame,
    intensity: pl.LazyFrame,
    limits: pl.LazyFrame,
    intake: pl.LazyFrame,
    strength: pl.LazyFrame,
    params: AnalyticsParams,
) -> pl.LazyFrame:
    """Join the per-day pieces onto `calendar` (local_day) -> DAILY_SCHEMA.

    `wellness` is preferred_wellness(), `intensity` daily_intensity(), `limits`
    heart_rate_limits(), `intake` daily_intake(), `strength` daily_strength(). The cardio
    score's `goal_minutes` come from heart rate or the device as params.minutes_source says.
    """
    joined = calendar.select("local_day")
    for piece in (wellness, intensity, limits, intake, strength):
        joined = joined.join(piece, on="local_day", how="left", maintain_order="left")
    device_goal = pl.col("device_moderate_min") + 2 * pl.col("device_vigorous_min")
    chosen = "hr_goal_min" if params.minutes_source == "heart_rate" else "device_goal_min"
    days = joined.with_columns(
        floors=pl.col("ascent_m") / METRES_PER_FLOOR,
        rmr_kcal=pl.col("bmr_kcal"),
        device_moderate_min=pl.col("moderate_min"),
        device_vigorous_min=pl.col("vigorous_min"),
        # No reading in a minute counts for nothing: a day without heart rate has 0 minutes.
        hr_moderate_min=pl.col("hr_moderate_min").fill_null(0),
        hr_vigorous_min=pl.col("hr_vigorous_min").fill_null(0),
        hr_goal_min=pl.col("hr_goal_min").fill_null(0),
        minutes_with_readings=pl.col("minutes_with_readings").fill_null(0),
        strength_sessions=pl.col("strength_sessions").fill_null(0),
    ).with_columns(device_goal_min=device_goal).with_columns(
        goal_minutes=pl.col(chosen),
        reached_daily_target=(pl.col(chosen) >= params.daily_cardio_minutes).fill_null(False),
    )
    days = energy_balance(days, params.intake_floor_kcal, params.daily_deficit_kcal)
    return days.select([pl.col(name).cast(dtype) for name, dtype in DAILY_SCHEMA.items()])
