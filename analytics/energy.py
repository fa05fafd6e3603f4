"""Burned, eaten, deficit and the intake floor (docs/metrics.md, Energy)."""

from __future__ import annotations

from datetime import date

import polars as pl

WELLNESS_SCHEMA = pl.Schema(
    {
        "local_day": pl.Date,
        "source": pl.String,
        "steps": pl.Int64,
        "ascent_m": pl.Float64,
        "descent_m": pl.Float64,
        "active_kcal": pl.Int64,
        "bmr_kcal": pl.Int64,
        "total_kcal": pl.Int64,
        "moderate_min": pl.Int64,
        "vigorous_min": pl.Int64,
        "resting_hr": pl.Int64,
        "covered_s": pl.Int64,
        # "garmin" or "device" (FIT 211: the day's own, else its 7-day average); stored, never estimated
        "resting_hr_from": pl.String,
    }
)
INTAKE_SCHEMA = pl.Schema({"local_day": pl.Date, "source": pl.String, "kcal": pl.Int64, "entered_at": pl.Int64})
# A person's own entries beat Garmin's food log; between their own, the latest entry wins.
INTAKE_RANK = {"manual": 0, "csv": 0, "garmin": 1}
WELLNESS_RANK = {"garmin": 0, "fit": 1}


def preferred_wellness(wellness: pl.LazyFrame, today: date | None = None, today_share: float = 1.0) -> pl.LazyFrame:
    """One wellness row per day: Garmin Connect's when it has the day, else the FIT one.

    Garmin Connect's daily summary already merges every device the wearer synced, so it is
    preferred whole (mixing fields of the two sources would mix two different days' views).
    Adds `burned_kcal`: the stated total, else the day's resting metabolic rate + active
    calories; unknown when neither is possible. A finished day keeps a whole day's resting
    energy however few hours the monitoring covers (the wearer rested through the rest too);
    only `today` is prorated, by `today_share` of it gone by the clock (docs/metrics.md, Energy).
    """
    share = pl.when(pl.col("local_day") == pl.lit(today, dtype=pl.Date)).then(pl.lit(today_share)).otherwise(1.0)
    estimated = pl.col("bmr_kcal") * share + pl.col("active_kcal")
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

    Deficit = burned - eaten only when both are known. The day's credit towards the deficit
    score is min(deficit, daily target): a surplus subtracts in full, a deficit counts up to
    the target (the cap shown on screen); a day below the intake floor earns 0; unknown when
    the deficit is (docs/metrics.md, Weeks and scores).
    """
    eaten = pl.col("eaten_kcal")
    below = eaten.is_not_null() & (eaten < intake_floor_kcal)
    deficit = pl.col("burned_kcal") - eaten.cast(pl.Float64)
    return days.with_columns(deficit_kcal=deficit, below_intake_floor=below).with_columns(
        deficit_credit_kcal=pl.when(pl.col("deficit_kcal").is_null())
        .then(None)
        .when(pl.col("below_intake_floor"))
        .then(0.0)
        .otherwise(pl.col("deficit_kcal").clip(upper_bound=float(daily_deficit_kcal)))
    )
