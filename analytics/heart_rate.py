"""One heart rate per minute from every source together (docs/metrics.md, Intensity minutes step 1).

Minutes are keyed by their UTC start (`minute_utc`, Unix seconds) and carry the local day
they fall on: on the night clocks go back the repeated local hour is two different sets of
minutes, both counted; keying by local clock time would merge them.
"""

from __future__ import annotations

import numpy as np
import polars as pl

READINGS_SCHEMA = pl.Schema({"ts": pl.Int64, "bpm": pl.Int64, "utc_offset_s": pl.Int64, "source": pl.String})
MINUTES_SCHEMA = pl.Schema({"minute_utc": pl.Int64, "local_day": pl.Date, "bpm": pl.Float64, "source": pl.String})

# Where sources overlap the finer one wins: 1 s activity records, then ~60 s monitoring,
# then Garmin Connect's 2-minute values.
SOURCE_RANK = {"activity": 0, "monitoring": 1, "garmin": 2}
GARMIN_SLOT_MINUTES = 2
RANKED_SOURCES = pl.Series(sorted(SOURCE_RANK, key=SOURCE_RANK.__getitem__), dtype=pl.String)  # name by rank


def minute_heart_rate(readings: pl.LazyFrame) -> pl.LazyFrame:
    """READINGS_SCHEMA -> MINUTES_SCHEMA, one row per minute that has a reading (see `minutes_of`)."""
    frame = readings.filter(pl.col("bpm").is_not_null()).collect()
    return minutes_of(
        frame["ts"].to_numpy(),
        frame["bpm"].to_numpy(),
        frame["utc_offset_s"].to_numpy(),
        frame["source"].replace_strict(SOURCE_RANK, return_dtype=pl.UInt8).to_numpy(),
    ).lazy()


def minutes_of(ts: np.ndarray, bpm: np.ndarray, utc_offset_s: np.ndarray, rank: np.ndarray) -> pl.DataFrame:
    """Readings with a value as arrays (rank: the source's SOURCE_RANK) -> MINUTES_SCHEMA, by minute.

    A source's readings within a minute are averaged; a Garmin value covers the two minutes
    of its slot. A minute without any reading is absent (unknown), never interpolated. A
    minute's local day follows the offset of its last reading (in input order). Done on
    arrays: one stable sort by (minute, rank) puts each minute's sources in rank order with
    their readings in input order.
    """
    garmin = np.flatnonzero(rank == SOURCE_RANK["garmin"])
    finer = np.flatnonzero(rank != SOURCE_RANK["garmin"])
    # each Garmin value, then its copy into the next minute of its slot, in input order
    rows = np.concatenate([finer, np.repeat(garmin, GARMIN_SLOT_MINUTES)])
    shift = np.concatenate([np.zeros(finer.size, np.int64), np.tile(np.arange(GARMIN_SLOT_MINUTES) * 60, garmin.size)])
    minute = np.asarray(ts, np.int64)[rows] // 60 * 60 + shift
    # gathered in their own (small) types, then widened: ~3x cheaper than widening every value first
    key = minute * len(SOURCE_RANK) + np.asarray(rank)[rows].astype(np.int64)
    if not key.size:
        return pl.DataFrame(schema=MINUTES_SCHEMA)
    order = np.argsort(key, kind="stable")
    key, rows = key[order], rows[order]
    starts = np.flatnonzero(np.diff(key, prepend=-1))  # the groups of (minute, source)
    ends = np.append(starts[1:], key.size) - 1
    means = np.add.reduceat(np.asarray(bpm)[rows].astype(np.float64), starts) / (ends - starts + 1)
    minutes, ranks = np.divmod(key[starts], len(SOURCE_RANK))
    best = np.flatnonzero(np.diff(minutes, prepend=-1))  # a minute's first group: its finest source
    local = minutes[best] + np.asarray(utc_offset_s, np.int64)[rows[ends[best]]]
    return pl.DataFrame(
        {
            "minute_utc": minutes[best],
            "local_day": (local // 86_400).astype("datetime64[D]"),
            "bpm": means[best],
            "source": RANKED_SOURCES.gather(ranks[best]),  # ~5x cheaper than replace_strict
        },
        schema=MINUTES_SCHEMA,
    )
