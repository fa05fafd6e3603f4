"""A day's resting heart rate estimated from its all-day readings, for days the device stated
none (docs/metrics.md, Resting heart-rate estimate).

The rule: cut each local day into fixed half hours of local clock time (00:00-00:30, ...);
average the readings of every half hour holding at least RESTING_MIN_READINGS of them; the
day's estimate is the lowest of those averages, rounded to a whole bpm (half to even). A day
without such a half hour has no estimate (unknown, never 0). Garmin's own method is the lowest
30-minute average; fixed half hours keep it one pass over the readings.
"""

from __future__ import annotations

import numpy as np
import polars as pl

RESTING_WINDOW_S = 1800
RESTING_MIN_READINGS = 10
DAY_S = 86_400

ESTIMATE_SCHEMA = pl.Schema({"local_day": pl.Date, "resting_hr": pl.Int64})


def resting_estimates(ts: np.ndarray, bpm: np.ndarray, utc_offset_s: np.ndarray) -> pl.DataFrame:
    """All-day (monitoring) readings with a value, as arrays -> ESTIMATE_SCHEMA, one row per
    local day that has an estimate; each reading's local time is ts + its own utc_offset_s."""
    window = (ts.astype(np.int64) + utc_offset_s.astype(np.int64)) // RESTING_WINDOW_S
    order = np.argsort(window, kind="stable")  # nearly free on the store's readings, mostly in time order
    window = window[order]
    starts = np.flatnonzero(np.diff(window, prepend=window[:1] - 1))  # each half hour's first reading
    windows, counts = window[starts], np.diff(np.append(starts, window.size))
    means = np.add.reduceat(np.asarray(bpm)[order], starts, dtype=np.int64) / counts  # whole numbers: exact sums
    full = counts >= RESTING_MIN_READINGS
    days = windows[full] * RESTING_WINDOW_S // DAY_S  # sorted: each day's half hours side by side
    days, starts = np.unique(days, return_index=True)
    lowest = np.minimum.reduceat(means[full], starts) if days.size else np.empty(0)
    return pl.DataFrame(
        {"local_day": pl.Series(days, dtype=pl.Int32).cast(pl.Date), "resting_hr": np.round(lowest).astype(np.int64)},
        schema=ESTIMATE_SCHEMA,
    )
