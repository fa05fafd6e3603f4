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
import math
import statistics
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
from history_gen import ZONE, generate  # run as a script: bench/ is on sys.path

from wearsync.config import Config
from wearsync.reports.week import week_report
from wearsync.store import DB_NAME, Store

END = date(2024, 12, 31)
YEARS = 5


def weigh_ins(years: int) -> list[tuple]:
    """One weigh-in every morning at 07:00 Berlin time: 78 kg ± 3 kg over each year, ±0.5 kg of water."""
    rng = np.random.default_rng(16)
    first = END - timedelta(days=round(365.25 * years) - 1)
    rows = []
    for n in range((END - first).days + 1):
        day = first + timedelta(days=n)
        moment = datetime(day.year, day.month, day.day, 7, tzinfo=ZONE)
        kg = 78 + 3 * math.sin(2 * math.pi * n / 365.25) + float(rng.normal(0, 0.5))
        rows.append((day.isoformat(), int(moment.timestamp()), int(moment.utcoffset().total_seconds()), kg))
    return rows


def _week_with_intake(store: Store) -> date:
    """The last week (Monday to Sunday) whose 21 days up to its Sunday hold 14 days of intake: a
    week whose measured expenditure is computed, not left unknown."""
    sunday = END - timedelta(days=(END.weekday() + 1) % 7)
    while True:
        (days,) = store.conn.execute(
            "SELECT count(DISTINCT local_day) FROM intake WHERE local_day BETWEEN ? AND ?",
            ((sunday - timedelta(days=20)).isoformat(), sunday.isoformat()),
        ).fetchone()
        if days >= 14:
            return sunday
        sunday -= timedelta(days=7)


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
    week = _week_with_intake(store)

    def report(config: Config) -> float:
        return timed(lambda: week_report(store, config, week, as_of=END))

    print(f"first report (builds the analytics caches of a new store): {report(device):.1f} s")
    rows = weigh_ins(YEARS)
    with store.transaction() as conn:
        conn.execute("DELETE FROM weigh_ins")
    times: dict[str, list[float]] = {
        "without weigh-ins": [],
        "with weigh-ins": [],
        "with weigh-ins, energy_source auto": [],
    }
    for _ in range(args.rounds):
        times["without weigh-ins"].append(report(device))
        with store.transaction() as conn:
            conn.executemany(
                "INSERT INTO weigh_ins (local_day, ts, utc_offset_s, weight_kg, source, entered_at) "
                "VALUES (?, ?, ?, ?, 'garmin', 0)",
                rows,
            )
        shown = week_report(store, device, week, as_of=END)
        times["with weigh-ins"].append(report(device))
        times["with weigh-ins, energy_source auto"].append(report(auto))
        with store.transaction() as conn:
            conn.execute("DELETE FROM weigh_ins")
    weight = shown.weight
    window = weight.window
    print(
        f"{len(rows):,} weigh-ins; the week to {week}: trend {weight.trend_end_kg} kg, measured "
        f"{window.measured_kcal} ± {window.measured_range_kcal} kcal a day ({window.weigh_ins} "
        f"weigh-ins, {window.intake_days} days of intake in the window), watch {window.device_kcal}"
    )
    # The machine is shared: the fastest round is the least disturbed, the median the typical one.
    for stat in (statistics.median, min):
        value = {name: stat(values) for name, values in times.items()}
        without = value["without weigh-ins"]
        print(
            f"{stat.__name__} of {args.rounds}: "
            + "; ".join(f"{name} {v * 1000:.0f} ms" for name, v in value.items())
            + f"; ratio with / without {value['with weigh-ins'] / without:.2f}, with energy_source auto / "
            f"without {value['with weigh-ins, energy_source auto'] / without:.2f}"
        )
    store.close()


if __name__ == "__main__":
    main()
