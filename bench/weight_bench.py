"""The week report on the 5-year store (bench/history_gen.py) with five years of daily weigh-ins
against the same report without them, as a ratio measured in one run.

Rounds alternate: without weigh-ins, with them (energy_source "device": the weight keys only),
with them and energy_source "auto" (the deficit also reads the measured expenditure); the weigh-ins
are added and removed between rounds. Prints the median of each and the ratios.

    .venv/bin/python bench/weight_bench.py /tmp/ws-bench   (generated there first if empty)
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

from history_gen import ZONE, generate  # run as a script: bench/ is on sys.path
from wearsync import reporting
from wearsync.config import Config
from wearsync.store import DB_NAME, Store

END = date(2024, 12, 31)
YEARS = 5


def weigh_ins(years: int) -> list[tuple]:
    """One weigh-in every morning at 07:00 Berlin time: 80 kg losing 0.2 kg a week, ±0.5 kg water."""
    rng = np.random.default_rng(16)
    first = END - timedelta(days=round(365.25 * years) - 1)
    rows = []
    for n in range((END - first).days + 1):
        day = first + timedelta(days=n)
        moment = datetime(day.year, day.month, day.day, 7, tzinfo=ZONE)
        kg = 80 - 0.2 / 7 * n + float(rng.normal(0, 0.5))
        rows.append((day.isoformat(), int(moment.timestamp()), int(moment.utcoffset().total_seconds()), kg))
    return rows


def timed(action) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    store = Store.open(args.data_dir) if (args.data_dir / DB_NAME).exists() else generate(args.data_dir, YEARS, END)
    device = Config()
    auto = dataclasses.replace(device, analytics=dataclasses.replace(device.analytics, energy_source="auto"))
    week = END - timedelta(days=3)
    print(f"first report (builds the analytics caches): {timed(lambda: reporting.week_report(store, device, week, as_of=END)):.1f} s")
    rows = weigh_ins(YEARS)
    with store.transaction() as conn:
        conn.execute("DELETE FROM weigh_ins")
    times: dict[str, list[float]] = {"without": [], "with": [], "with, auto": []}
    for _ in range(args.rounds):
        times["without"].append(timed(lambda: reporting.week_report(store, device, week, as_of=END)))
        with store.transaction() as conn:
            conn.executemany("INSERT INTO weigh_ins (local_day, ts, utc_offset_s, weight_kg, source, entered_at) "
                             "VALUES (?, ?, ?, ?, 'garmin', 0)", rows)
        report = reporting.week_report(store, device, week, as_of=END)
        times["with"].append(timed(lambda: reporting.week_report(store, device, week, as_of=END)))
        times["with, auto"].append(timed(lambda: reporting.week_report(store, auto, week, as_of=END)))
        with store.transaction() as conn:
            conn.execute("DELETE FROM weigh_ins")
    weight = report["weight"]
    print(f"{len(rows):,} weigh-ins; the week's trend {weight['trend_end_kg']} kg, measured "
          f"{weight['measured_kcal']} ± {weight['measured_range_kcal']} kcal a day, watch {weight['device_kcal']}")
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, value in medians.items():
        print(f"week report {name} weigh-ins: {value * 1000:.0f} ms (median of {args.rounds}; "
              f"{', '.join(f'{v * 1000:.0f}' for v in times[name])})")
    print(f"ratio with / without: {medians['with'] / medians['without']:.2f}; "
          f"with energy_source auto / without: {medians['with, auto'] / medians['without']:.2f}")
    store.close()


if __name__ == "__main__":
    main()
