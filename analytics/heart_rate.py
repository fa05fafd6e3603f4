"""One heart rate per minute from every source together (metrics.md, intensity step 1).

Minutes are keyed by their UTC start (`minute_utc`, Unix seconds) and carry the local day
they fall on: on the night clocks go back the repeated local hour is two different sets of
minutes, both counted; keying by local clock time would merge them.
"""

from __future__ import annotations

import polars as pl

READINGS_SCHEMA = pl.Schema({"ts": pl.Int64, "bpm": pl.Int64, "utc_offset_s": pl.Int64, "source": pl.String})
MINUTES_SCHEMA = pl.Schema({"minute_utc": pl.Int64, "local_day": pl.Date, "bpm": pl.Float64,
                            "source": pl.String})

# Where sources overlap the finer one wins: 1 s activity records, then ~60 s monitoring,
# then Garmin Connect's 2-minute values.
SOURCE_RANK = {"activity": 0, "monitoring": 1, "garmin": 2}
GARMIN_SLOT_MINUTES = 2


def minute_heart_rate(readings: pl.LazyFrame) -> pl.LazyFrame:
    """READINGS_SCHEMA -> MINUTES_SCHEMA, one row per minute that has a reading.

    A source's readings within a minute are averaged; a Garmin value covers the two minutes
    of its slot. A minute without any reading is absent (unknown), never interpolated.
    """
    valid = readings.filter(pl.col("bpm").is_not_null()).with_columns(
        minute_utc=pl.col("ts") // 60 * 60,
        rank=pl.col("source").replace_strict(SOURCE_RANK, return_dtype=pl.Int8),
    )
    slot_minutes = pl.when(pl.col("source") == "garmin").then(
        pl.int_ranges(0, GARMIN_SLOT_MINUTES) * 60
    ).otherwise(pl.lit([0], dtype=pl.List(pl.Int64)))
    per_source = (
        valid.with_columns(step=slot_minutes)
        .explode("step")
        .with_columns(minute_utc=pl.col("minute_utc") + pl.col("step"))
        .group_by("minute_utc", "rank")
        .agg(bpm=pl.col("bpm").mean(), utc_offset_s=pl.col("utc_offset_s").last(),
             source=pl.col("source").first())
    )
    return (
        per_source.sort("minute_utc", "rank")
        .group_by("minute_utc", maintain_order=True)
        .first()
        .select(
            "minute_utc",
            local_day=pl.from_epoch(pl.col("minute_utc") + pl.col("utc_offset_s"), time_unit="s").dt.date(),
            bpm=pl.col("bpm").cast(pl.Float64),
            source="source",
        )
    )
