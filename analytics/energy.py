"""Burned, eaten, deficit and the intake floor (metrics.md, Energy)."""

from __future__ import annotations

import polars as pl

WELLNESS_SCHEMA = pl.Schema({
    "local_day": pl.Date, "source": pl.String, "steps": pl.Int64, "ascent_m": pl.Float64,
    "descent_m": pl.Float64, "active_kcal": pl.Int64, "bmr_kcal": pl.Int64, "total_kcal": pl.Int64,
    "moderate_min": pl.Int64, "vigorous_min": pl.Int64, "resting_hr": pl.Int64, "covered_s": pl.Int64,
})
INTAKE_SCHEMA = pl.Schema({"local_day": pl.Date, "source": pl.String, "kcal": pl.Int64, "entered_at": pl.Int64})
DAY_SECONDS = 86_400
# A person's own entries beat Garmin's food log; between their own, the latest entry wins.
INTAKE_RANK = {"manual": 0, "csv": 0, "garmin": 1}
WELLNESS_RANK = {"garmin": 0, "fit": 1}


def preferred_wellness(wellness: pl.LazyFrame) -> pl.LazyFrame:
    """One wellness row per day: Garmin Connect's when it has the day, else the FIT one.

    Garmin Connect's daily summary already merges every device the wearer synced, so it is
    preferred whole (mixing fields of the two sources would mix two different days' views).
    Adds `burned_kcal`: the stated total, else resting metabolic rate × the share of the day
    the monitoring covers + active calories; unknown when neither is possible.
    """
    covered_share = (pl.col("covered_s").cast(pl.Float64) / DAY_SECONDS).clip(0.0, 1.0).fill_null(1.0)
    estimated = pl.col("bmr_kcal") * covered_share + pl.col("active_kcal")
    return (
        wellness.with_columns(rank=pl.col("source").replace_strict(WELLNESS_RANK, default=9))
        .sort("local_day", "rank")
        .group_by("local_day", maintain_order=True)
        .first()
        .drop("rank")
        .rename({"source": "wellness_source"})
        .with_columns(burned_kcal=pl.coalesce(pl.col("total_kcal").cast(pl.Float64), estimated))
    )


def daily_intake(intake: pl.LazyFrame) -> pl.LazyFrame:
    """Per day the calories eaten and whose entry it is (own entries before Garmin's)."""
    return (
        intake.with_columns(rank=pl.col("source").replace_strict(INTAKE_RANK, default=9))
        .sort("local_day", "rank", pl.col("entered_at"), descending=[False, False, True])
        .group_by("local_day", maintain_order=True)
        .first()
        .select("local_day", eaten_kcal="kcal", intake_source="source")
    )


def energy_balance(days: pl.LazyFrame, intake_floor_kcal: int, daily_deficit_kcal: int) -> pl.LazyFrame:
    """Add deficit, the intake-floor flag and the day's deficit credit.

    Deficit = burned - eaten only when both are known. A day earns credit
    min(max(deficit, 0), daily target) unless its intake is unknown or below the floor.
    """
    eaten = pl.col("eaten_kcal")
    below = eaten.is_not_null() & (eaten < intake_floor_kcal)
    deficit = pl.col("burned_kcal") - eaten.cast(pl.Float64)
    return days.with_columns(deficit_kcal=deficit, below_intake_floor=below).with_columns(
        deficit_credit_kcal=pl.when(pl.col("below_intake_floor") | pl.col("deficit_kcal").is_null())
        .then(0.0)
        .otherwise(pl.col("deficit_kcal").clip(0.0, float(daily_deficit_kcal)))
    )
