"""A local day's wellness values from the monitoring values of every file that covers it.

Running totals restart at local midnight and run on across the pieces a day is cut
into, so a day's value is the largest total of each activity type, summed over
types (trap 3 in docs/fit-notes.md); where a device wrote only increments, their sum.
Computed from everything stored for the day, so the order files arrive in does
not matter. The resting heart rate is the device's, else estimated from the readings.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from datetime import date

import numpy as np

from wearsync.store.hr_series import NO_BPM, read_series
from wearsync.store.recordings import monitoring_groups
from wearsync.store.wellness import WellnessDay, upsert_wellness
from wearsync.unix_days import day_start

# Without the device's own resting heart rate, the lowest average over a fixed
# half hour of the day's monitoring readings (Garmin's own method is the lowest
# 30-minute average), from a half hour with at least this many readings.
RESTING_WINDOW_S = 1800
RESTING_MIN_READINGS = 10
ZONE_MARGIN_S = 14 * 3600  # local days run from UTC-12 to UTC+14

METRICS = ("steps", "active_kcal", "ascent_mm", "descent_mm", "moderate_min", "vigorous_min")


def recompute_fit_wellness(conn: sqlite3.Connection, days: set[str]) -> None:
    """Rewrite the 'fit' wellness rows of `days` inside the caller's transaction."""
    for day in sorted(days):
        rows = monitoring_groups(conn, day)
        # per device: metric -> kind -> summed value
        per_device: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
        info: dict[str, int] = {}
        first_ts, last_ts = None, None
        for serial, metric, kind, _type, largest, added, lo, hi in rows:
            first_ts = lo if first_ts is None else min(first_ts, lo)
            last_ts = hi if last_ts is None else max(last_ts, hi)
            if kind == "info":
                info[metric] = largest
                continue
            value = largest if kind == "total" else added
            kinds = per_device[serial][metric]
            kinds[kind] = kinds.get(kind, 0) + value
        day_values = {}
        for metric in METRICS:
            candidates = []
            for metrics in per_device.values():
                kinds = metrics.get(metric, {})
                found = kinds.get("total", kinds.get("increment"))
                if found is not None:
                    candidates.append(found)
            # Two devices worn the same day each count the whole day: take the larger.
            day_values[metric] = max(candidates) if candidates else None
        covered = (last_ts - first_ts) if first_ts is not None and last_ts is not None else None
        upsert_wellness(
            conn,
            WellnessDay(
                day,
                "fit",
                day_values["steps"],
                _metres(day_values["ascent_mm"]),
                _metres(day_values["descent_mm"]),
                day_values["active_kcal"],
                info.get("rmr_kcal"),
                None,
                day_values["moderate_min"],
                day_values["vigorous_min"],
                info.get("resting_hr") or _resting_from_readings(conn, day),
                info.get("utc_offset_s"),
                covered,
            ),
        )


def _resting_from_readings(conn: sqlite3.Connection, day: str) -> int | None:
    midnight = day_start(date.fromisoformat(day))  # the day's midnight as if it were UTC; the margin covers every zone
    readings = read_series(conn, midnight - ZONE_MARGIN_S, midnight + 86_400 + ZONE_MARGIN_S + 1, ("monitoring",))
    local = readings.ts + readings.utc_offset_s
    kept = (readings.bpm != NO_BPM) & (local >= midnight) & (local < midnight + 86_400)
    windows, which, counts = np.unique(local[kept] // RESTING_WINDOW_S, return_inverse=True, return_counts=True)
    means = np.bincount(which, weights=readings.bpm[kept].astype(np.float64), minlength=windows.size) / counts
    full = means[counts >= RESTING_MIN_READINGS]
    return round(float(full.min())) if full.size else None


def _metres(mm: int | None) -> float | None:
    return None if mm is None else mm / 1000
