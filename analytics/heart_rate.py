"""One heart rate per minute from every source together (docs/metrics.md, Intensity minutes step 1).

Minutes are keyed by their UTC start (`minute_utc`, Unix seconds) and carry the local day
they fall on: on the night clocks go back the repeated local hour is two different sets of
minutes, both counted; keying by local clock time would merge them.
"""

from __future__ import annotations

import numpy as np
import polars as pl

# Where sources overlap the finer one wins: 1 s activity records, then ~60 s monitoring,
# then Garmin Connect's 2-minute values.
SOURCE_RANK = {"activity": 0, "monitoring": 1, "garmin": 2}
GARMIN_SLOT_MINUTES = 2
# A minute's source: an enum in rank order (a byte a minute: strings cost several times more on
# the millions of minutes of a rebuild, made, cached, read back and compared).
MINUTE_SOURCE = pl.Enum(sorted(SOURCE_RANK, key=SOURCE_RANK.__getitem__))
RANKED_SOURCES = pl.Series(MINUTE_SOURCE.categories, dtype=MINUTE_SOURCE)  # name by rank

READINGS_SCHEMA = pl.Schema({"ts": pl.Int64, "bpm": pl.Int64, "utc_offset_s": pl.Int64, "source": pl.String})
MINUTES_SCHEMA = pl.Schema(
    [("minute_utc", pl.Int64), ("local_day", pl.Date), ("bpm", pl.Float64), ("source", MINUTE_SOURCE)]
)


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
    """Readings with a value as arrays (bpm whole numbers; rank: the source's SOURCE_RANK) ->
    MINUTES_SCHEMA, by minute; the readings in any order (the store's: each series in turn).

    A source's readings within a minute are averaged; a Garmin value covers the two minutes
    of its slot. A minute without any reading is absent (unknown), never interpolated. A
    minute's local day follows the offset of its latest reading (of readings of the same second,
    the last given). Done on arrays in two steps: readings next to each other of one source and
    minute, time not going back, are summed first (one pass: a series is mostly in time order, so
    an activity's 60 readings a minute become one run); then one stable sort of the runs by
    (minute, source, time of their last reading) groups each minute's runs, its sources in rank
    order. Sums of whole numbers are exact, so the means are those of the readings themselves.
    """
    ts = np.asarray(ts, np.int64)
    if not ts.size:
        return pl.DataFrame(schema=MINUTES_SCHEMA)
    rank = np.asarray(rank)
    minute = ts // 60
    breaks = np.empty(ts.size, bool)
    breaks[0] = True
    np.not_equal(minute[1:], minute[:-1], out=breaks[1:])
    breaks[1:] |= rank[1:] != rank[:-1]
    breaks[1:] |= ts[1:] < ts[:-1]
    starts = np.flatnonzero(breaks)
    lasts = np.append(starts[1:] - 1, ts.size - 1)  # a run's last reading: its latest, the last given of its second
    sums = np.add.reduceat(np.asarray(bpm), starts, dtype=np.int64)
    counts = lasts - starts + 1
    run_minute, run_rank = minute[starts], rank[starts].astype(np.int64)
    garmin = np.flatnonzero(run_rank == SOURCE_RANK["garmin"])
    if garmin.size:  # each Garmin run again in the next minute(s) of its slot, as runs of their own
        copies = range(1, GARMIN_SLOT_MINUTES)
        run_minute = np.concatenate([run_minute, *(run_minute[garmin] + k for k in copies)])
        run_rank, sums, counts, lasts = (
            np.concatenate([a, *(a[garmin] for _ in copies)]) for a in (run_rank, sums, counts, lasts)
        )
    # (minute, source) and, within it, the time of the run's last reading (0 .. the slot's length)
    slot = GARMIN_SLOT_MINUTES * 60
    group = run_minute * len(SOURCE_RANK) + run_rank
    order = np.argsort(group * slot + (ts[lasts] - (run_minute - GARMIN_SLOT_MINUTES + 1) * 60), kind="stable")
    group = group[order]
    first_runs = np.flatnonzero(np.diff(group, prepend=-1))  # the groups of (minute, source)
    means = np.add.reduceat(sums[order], first_runs) / np.add.reduceat(counts[order], first_runs)
    minutes, ranks = np.divmod(group[first_runs], len(SOURCE_RANK))
    best = np.flatnonzero(np.diff(minutes, prepend=-1))  # a minute's first group: its finest source
    latest = np.append(first_runs[1:] - 1, order.size - 1)[best]  # the best group's last run: its latest reading
    local = minutes[best] * 60 + np.asarray(utc_offset_s, np.int64)[lasts[order[latest]]]
    return pl.DataFrame(
        {
            "minute_utc": minutes[best] * 60,
            "local_day": pl.Series((local // 86_400).astype(np.int32), dtype=pl.Date),  # days since 1970
            "bpm": means[best],
            "source": RANKED_SOURCES.gather(ranks[best]),
        },
        schema=MINUTES_SCHEMA,
    )
