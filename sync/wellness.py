"""A local day's wellness values from the monitoring values of every file that covers it.

Running totals restart at local midnight and run on across the pieces a day is cut
into, so a day's value is the largest total of each activity type, summed over
types (trap 3 in docs/fit-notes.md); where a device wrote only increments, their sum.
Computed from everything stored for the day, so the order files arrive in does
not matter. The resting heart rate is the device's only (monitoring_hr_data, 211); a day
without one is estimated from its readings by the read side (analytics/resting_hr.py).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict

from wearsync.store.monitoring_series import monitoring_groups
from wearsync.store.wellness import WellnessDay, upsert_wellness

METRICS = ("steps", "active_kcal", "ascent_mm", "descent_mm", "moderate_min", "vigorous_min")


def recompute_fit_wellness(conn: sqlite3.Connection, days: set[str]) -> None:
    """Rewrite the 'fit' wellness rows of `days` inside the caller's transaction (each day's values
    read through the index on local_day: the work of the days asked, not of the store)."""
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
                info.get("resting_hr"),
                info.get("utc_offset_s"),
                covered,
            ),
        )


def _metres(mm: int | None) -> float | None:
    return None if mm is None else mm / 1000
