"""One heart rate per minute from every source together (docs/metrics.md, Intensity minutes step 1).

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
    of its slot. A minute without any reading is absent (unknown), never interpolated. A
    minute's local day follows the offset of its last reading (in input order).
    """
    valid = readings.filter(pl.col("bpm").is_not_null()).select(
        "bpm", "utc_offset_s", "source", minute_utc=pl.col("ts") // 60 * 60)
    # Only Garmin values are copied into the later minutes of their slot, and put back in
    # input order so each minute's last reading stays the last: copying every reading
    # (a one-element list per row, exploded) cost twice the time on millions of 1 s records.
    garmin = valid.filter(pl.col("source") == "garmin").with_row_index("order")
    slots = pl.concat([garmin.with_columns(minute_utc=pl.col("minute_utc") + 60 * step)
                       for step in range(GARMIN_SLOT_MINUTES)]).sort("order").drop("order")
    per_source = (
        pl.concat([valid.filter(pl.col("source") != "garmin"), slots])
        .group_by("minute_utc", "source")
        .agg(bpm=pl.col("bpm").mean(), utc_offset_s=pl.col("utc_offset_s").last())
        .with_columns(rank=pl.col("source").replace_strict(SOURCE_RANK, return_dtype=pl.Int8))
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
