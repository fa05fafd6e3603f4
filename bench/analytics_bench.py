"""Benchmark the analytics on a synthetic 5-year store (bench/history_gen.py).

Prints, each against its goal: the full rebuild of the caches from raw readings (the library's
path against the former one, kept here only as the baseline, each in a fresh process for its own
peak memory, with a check that both store the same bytes), full recompute of every day's
intensity minutes and every week (from the per-minute cache), one week's report, the incremental
recompute after one new day (with the full recompute measured in the same run as its baseline),
peak memory and the store's size on disk.

    .venv/bin/python bench/analytics_bench.py /tmp/ws-bench   (generated there first if empty)
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import resource
import sqlite3
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from history_gen import generate, write_day  # run as a script: bench/ is on sys.path
from wearsync import analytics_cache, frames, reporting
from wearsync.analytics import heart_rate
from wearsync.analytics.params import params_from_config
from wearsync.config import Config
from wearsync.store import Store

END = date(2024, 12, 31)


def timed(action) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


# --- the former rebuild path, the baseline (cursor rows, a list per reading, a frame per day) ---

def _cursor_rows_read_readings(conn: sqlite3.Connection, first: date, last: date) -> pl.DataFrame:
    start = frames._utc_midnight(first) - frames.OFFSET_MARGIN_S
    end = frames._utc_midnight(last) + frames.DAY_SECONDS + frames.OFFSET_MARGIN_S
    return frames.query_frame(conn, "SELECT ts, bpm, utc_offset_s, source FROM hr_readings WHERE ts >= ? AND ts < ?",
                              (start, end), heart_rate.READINGS_SCHEMA)


def _exploding_minute_heart_rate(readings: pl.LazyFrame) -> pl.LazyFrame:
    valid = readings.filter(pl.col("bpm").is_not_null()).with_columns(
        minute_utc=pl.col("ts") // 60 * 60,
        rank=pl.col("source").replace_strict(heart_rate.SOURCE_RANK, return_dtype=pl.Int8),
    )
    slot_minutes = pl.when(pl.col("source") == "garmin").then(
        pl.int_ranges(0, heart_rate.GARMIN_SLOT_MINUTES) * 60
    ).otherwise(pl.lit([0], dtype=pl.List(pl.Int64)))
    per_source = (
        valid.with_columns(step=slot_minutes).explode("step")
        .with_columns(minute_utc=pl.col("minute_utc") + pl.col("step"))
        .group_by("minute_utc", "rank")
        .agg(bpm=pl.col("bpm").mean(), utc_offset_s=pl.col("utc_offset_s").last(), source=pl.col("source").first())
    )
    return (
        per_source.sort("minute_utc", "rank").group_by("minute_utc", maintain_order=True).first()
        .select("minute_utc",
                local_day=pl.from_epoch(pl.col("minute_utc") + pl.col("utc_offset_s"), time_unit="s").dt.date(),
                bpm=pl.col("bpm").cast(pl.Float64), source="source")
    )


def _per_day_write_minutes(conn: sqlite3.Connection, days: list[date], minutes: pl.DataFrame) -> None:
    conn.executemany("DELETE FROM analytics_minutes WHERE local_day = ?", [(d.isoformat(),) for d in days])
    codes = {name: i for i, name in enumerate(frames.SOURCE_CODES)}
    rows = []
    for (day,), part in minutes.sort("minute_utc").group_by("local_day", maintain_order=True):
        rows.append((day.isoformat(), (part["minute_utc"] // 60).cast(pl.Int32).to_numpy().tobytes(),
                     part["bpm"].cast(pl.Float64).to_numpy().tobytes(),
                     part["source"].replace_strict(codes, return_dtype=pl.UInt8).to_numpy().tobytes()))
    conn.executemany("INSERT INTO analytics_minutes (local_day, minutes, bpm, sources) VALUES (?, ?, ?, ?)", rows)


def rebuild_from_raw(data_dir: Path, baseline: bool) -> tuple[float, float, float, str]:
    """In a fresh process: drop the caches, rebuild them; wall s, CPU s, peak MB, digest of the caches."""
    if baseline:
        frames.read_readings = _cursor_rows_read_readings
        reporting.minute_heart_rate = _exploding_minute_heart_rate
        frames.write_minutes = _per_day_write_minutes
    store = Store.open(data_dir)
    with store.transaction() as conn:
        for table in ("analytics_minutes", "analytics_units", "analytics_days"):
            conn.execute(f"DELETE FROM {table}")
        conn.execute("DELETE FROM state WHERE key = ?", (analytics_cache.INTENSITY_INPUTS_KEY,))
    params = params_from_config(Config())
    began, cpu = time.perf_counter(), time.process_time()
    reporting.refresh(store, params)
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    digest = hashlib.sha256()
    for query in ("SELECT local_day, minutes, bpm, sources FROM analytics_minutes ORDER BY local_day",
                  "SELECT * FROM analytics_days ORDER BY local_day", "SELECT * FROM analytics_units ORDER BY unit"):
        for row in store.conn.execute(query):
            digest.update(repr(row).encode())
    store.close()
    return wall, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, digest.hexdigest()[:16]


def rebuild_in_child(data_dir: Path, baseline: bool) -> tuple[float, float, float, str]:
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(rebuild_from_raw, data_dir, baseline).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--no-baseline", action="store_true", help="skip the former rebuild path (~1 min)")
    args = parser.parse_args()
    if not (args.data_dir / "wearsync.db").exists():
        generate(args.data_dir).close()
    store = Store.open(args.data_dir)
    config = Config()
    params = params_from_config(config)
    days = store.conn.execute("SELECT count(*) FROM wellness").fetchone()[0]
    readings = store.conn.execute("SELECT max(rowid) FROM hr_readings").fetchone()[0]
    print(f"store: {days:,} days, about {readings:,} heart-rate readings")

    # The library's rebuild before and after the baseline: the first run also warms the page cache.
    runs = [("after", rebuild_in_child(args.data_dir, False))]
    if not args.no_baseline:
        runs.append(("before", rebuild_in_child(args.data_dir, True)))
        runs.append(("after", rebuild_in_child(args.data_dir, False)))
    for label, (wall, cpu, peak, digest) in runs:
        print(f"full rebuild from raw readings, {label}: {wall:.2f} s (CPU {cpu:.2f} s), peak {peak:.0f} MB, "
              f"caches {digest}")
    if len({digest for _, (*_, digest) in runs}) > 1:
        raise SystemExit("bench: the rebuilt caches differ")

    def full_recompute():
        with store.transaction() as conn:
            conn.execute("DELETE FROM analytics_days")
            conn.execute("DELETE FROM state WHERE key = ?", (analytics_cache.INTENSITY_INPUTS_KEY,))
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

    query = "SELECT ts, bpm, utc_offset_s, source FROM hr_readings WHERE ts < 1600000000"
    raw = timed(lambda: store.conn.execute(query).fetchall())
    arrow = timed(lambda: frames.read_readings(store.conn, date(1970, 1, 2), date(2020, 9, 12)))
    print(f"raw readings before 2020-09-13, cursor rows vs frames.read_readings (packed): "
          f"{raw:.2f} s vs {arrow:.2f} s")
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
