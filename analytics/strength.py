"""Strength sessions: which activities count, and how many a day."""

from __future__ import annotations

import polars as pl

SETS_SCHEMA = pl.Schema({"activity_id": pl.Int64})


def strength_flags(activities: pl.LazyFrame, sets: pl.LazyFrame) -> pl.LazyFrame:
    """Add `strength`: sub_sport strength_training, or any activity that logged sets.

    The FIT profile's sport 'training' alone is also cardio classes and the like, so it
    counts only with sets (which the 'any activity with sets' rule already covers).
    """
    with_sets = sets.select(pl.col("activity_id").unique().alias("id"), has_sets=pl.lit(True))
    return (
        activities.join(with_sets, on="id", how="left", maintain_order="left")
        .with_columns(
            strength=(pl.col("sub_sport") == "strength_training").fill_null(False) | pl.col("has_sets").fill_null(False)
        )
        .drop("has_sets")
    )


def daily_strength(flagged: pl.LazyFrame) -> pl.LazyFrame:
    """Per local day the number of strength sessions (days without any are absent)."""
    return flagged.filter("strength").group_by("local_day").agg(strength_sessions=pl.len().cast(pl.Int64))
