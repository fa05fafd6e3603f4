"""Benchmark the analytics on a synthetic 5-year store (bench/history_gen.py).

Prints, each against its goal: full recompute of every day's intensity minutes and every week
(from the per-minute cache), one week's report, the incremental recompute after one new day
(with the full recompute measured in the same run as its baseline), the one-off build of the
per-minute cache from raw readings, peak memory and the store's size on disk.

    .venv/bin/python bench/analytics_bench.py /tmp/ws-bench   (generated there first if empty)
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from history_gen import generate, write_day  # run as a script: bench/ is on sys.path
from wearsync import reporting
from wearsync.analytics.params import params_from_config
from wearsync.config import Config
from wearsync.store import Store

END = date(2024, 12, 31)


def timed(action) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    args = parser.parse_args()
    if not (args.data_dir / "wearsync.db").exists():
        generate(args.data_dir).close()
    store = Store.open(args.data_dir)
    config = Config()
    params = params_from_config(config)
    days = store.conn.execute("SELECT count(*) FROM wellness").fetchone()[0]
    readings = store.conn.execute("SELECT max(rowid) FROM hr_readings").fetchone()[0]
    print(f"store: {days:,} days, about {readings:,} heart-rate readings")

    cold = store.conn.execute("SELECT count(*) FROM analytics_units").fetchone()[0] == 0
    build = timed(lambda: reporting.refresh(store, params))
    print(f"per-minute cache built from raw readings{'' if cold else ' (already built: a no-op)'}: {build:.2f} s")

    def full_recompute():
        with store.transaction() as conn:
            conn.execute("DELETE FROM analytics_days")
            conn.execute("DELETE FROM state WHERE key = ?", (reporting.INTENSITY_INPUTS_KEY,))
        reporting.refresh(store, params)
        reporting.history(store, config, 270, END, as_of=END)

    full = min(timed(full_recompute) for _ in range(3))
    print(f"full recompute, every day and all {270} weeks: {full:.3f} s (goal <= 2 s) "
          f"{'OK' if full <= 2 else 'MISSED'}")

    week = min(timed(lambda: reporting.week_report(store, config, date(2023, 6, 14), as_of=END)) for _ in range(5))
    print(f"one week's report: {week * 1000:.0f} ms (goal <= 100 ms) {'OK' if week <= 0.1 else 'MISSED'}")

    new_day = END + timedelta(days=1)
    store.conn.execute("DELETE FROM recordings WHERE sha256 LIKE ?", (f"%{new_day.isoformat()}",))
    with store.transaction() as conn:
        write_day(conn, np.random.default_rng(1), new_day)
    changed = set()
    incremental = timed(lambda: changed.update(reporting.refresh(store, params)))
    incremental += timed(lambda: reporting.week_report(store, config, new_day, as_of=new_day))
    print(f"incremental recompute after one new day ({len(changed)} days recomputed) + its week's report: "
          f"{incremental * 1000:.0f} ms; full recompute {full / incremental:.0f}x slower")

    raw = timed(lambda: store.conn.execute("SELECT ts, bpm, utc_offset_s, source FROM hr_readings "
                                           "WHERE ts < 1600000000").fetchall())
    frame = timed(lambda: pl.read_database("SELECT ts, bpm, utc_offset_s, source FROM hr_readings "
                                           "WHERE ts < 1600000000", store.conn))
    print(f"raw readings before 2020-09-13, cursor rows vs pl.read_database: {raw:.2f} s vs {frame:.2f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB (goal <= 500 MB) {'OK' if peak <= 500 else 'MISSED'}")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = sum(f.stat().st_size for f in args.data_dir.glob("wearsync.db*")) / 1e6
    cache = store.conn.execute("SELECT sum(length(minutes) + length(bpm) + length(sources)) FROM analytics_minutes"
                               ).fetchone()[0] / 1e6
    print(f"store on disk: {size:.0f} MB, of which the per-minute cache {cache:.0f} MB")
    store.close()


if __name__ == "__main__":
    try:
        main()
    except sqlite3.Error as exc:
        raise SystemExit(f"bench: {exc}") from exc
