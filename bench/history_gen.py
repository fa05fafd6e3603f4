"""Write a realistic synthetic wearable history straight into a wearsync store.

Five years by default, in Europe/Berlin (so every year crosses two DST changes): every day a
monitoring day (a heart rate about every 60 s with the gaps a wrist sensor leaves, a 'fit'
wellness row with steps, ascent, calories, device minutes and resting heart rate); on most
days an hour-long activity with 1 s heart rate, some of them strength sessions with sets;
intake logged on about two days in three.

    .venv/bin/python bench/history_gen.py /tmp/ws-bench --years 5
"""

from __future__ import annotations

import argparse
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from wearsync.store import Store, hr_series
from wearsync.store.hr_series import write_series

ZONE = ZoneInfo("Europe/Berlin")
RESTING_HR = 58


def generate(data_dir: Path, years: int = 5, end: date = date(2024, 12, 31), seed: int = 7) -> Store:
    """Create the store in `data_dir` and fill it with `years` years ending on `end`."""
    store = Store.open(data_dir)
    rng = np.random.default_rng(seed)
    start = end - timedelta(days=round(365.25 * years) - 1)
    with store.transaction() as conn:
        day = start
        while day <= end:
            write_day(conn, rng, day)
            day += timedelta(days=1)
    return store


def write_day(conn, rng: np.random.Generator, day: date) -> None:
    """One day's monitoring, wellness, maybe an activity and maybe an intake entry."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=ZONE)
    next_midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(), ZONE)
    t0, t1 = int(midnight.timestamp()), int(next_midnight.timestamp())
    offset = int(midnight.utcoffset().total_seconds())
    iso = day.isoformat()
    monitoring_id = _recording(conn, f"monitoring-{iso}", "monitoring_b", t0)

    ts = np.arange(t0, t1, 60) + rng.integers(0, 60, size=(t1 - t0) // 60)
    ts = ts[rng.random(ts.size) > 0.25]  # the sensor misses about a quarter of the minutes
    bpm = np.clip(RESTING_HR + 8 + rng.normal(0, 8, ts.size), 40, 190).round().astype(int)
    write_series(
        conn, source="monitoring", ts=ts, bpm=bpm, utc_offset_s=np.full(ts.size, offset), recording_id=monitoring_id
    )

    steps = int(rng.integers(3000, 16000))
    conn.execute(
        "INSERT INTO wellness(local_day, source, steps, ascent_m, descent_m, active_kcal, bmr_kcal, "
        "moderate_min, vigorous_min, resting_hr, utc_offset_s, covered_s) "
        "VALUES (?, 'fit', ?, ?, ?, ?, 1700, ?, ?, ?, ?, ?)",
        (
            iso,
            steps,
            float(rng.uniform(5, 60)),
            float(rng.uniform(5, 60)),
            int(steps * 0.04),
            int(rng.integers(0, 30)),
            int(rng.integers(0, 40)),
            RESTING_HR + int(rng.integers(-3, 4)),
            offset,
            t1 - t0,
        ),
    )

    if rng.random() < 0.8:
        _activity(conn, rng, day, t0, offset)
    if rng.random() < 0.65:
        conn.execute(
            "INSERT INTO intake(local_day, source, kcal, entered_at) VALUES (?, 'manual', ?, ?)",
            (iso, int(rng.integers(1300, 2600)), t1),
        )


def _activity(conn, rng: np.random.Generator, day: date, t0: int, offset: int) -> None:
    start = t0 + int(rng.integers(6 * 3600, 19 * 3600))
    strength = rng.random() < 0.25
    recording_id = _recording(conn, f"activity-{day.isoformat()}", "activity", start)
    sport, sub_sport = ("training", "strength_training") if strength else ("running", "generic")
    activity_id = conn.execute(
        "INSERT INTO activities(recording_id, sport, sub_sport, start_utc, utc_offset_s, local_day, "
        "elapsed_s, timer_s, calories, avg_hr, max_hr) VALUES (?, ?, ?, ?, ?, ?, 3600, 3600, 550, 140, 175)",
        (recording_id, sport, sub_sport, start, offset, day.isoformat()),
    ).lastrowid
    seconds = np.arange(3600)
    effort = 120 + 35 * np.sin(seconds / 600) + rng.normal(0, 4, seconds.size)
    bpm = np.clip(effort, 60, 195).round().astype(int)
    write_series(
        conn,
        source="activity",
        ts=start + seconds,
        bpm=bpm,
        utc_offset_s=np.full(seconds.size, offset),
        recording_id=recording_id,
    )
    if strength:
        conn.executemany(
            "INSERT INTO strength_sets(activity_id, position, start_utc, duration_s, set_type, repetitions, "
            "weight_kg) VALUES (?, ?, ?, 40, 'active', 10, 40.0)",
            [(activity_id, n, start + n * 120) for n in range(12)],
        )


def _recording(conn, name: str, file_type: str, created: int) -> int:
    return conn.execute(
        "INSERT INTO recordings(sha256, serial, time_created, file_type, source, path, status, imported_at) "
        "VALUES (?, 1, ?, ?, 'file', ?, 'imported', ?)",
        (name, created, file_type, f"/synthetic/{name}.fit", created),
    ).lastrowid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    began = time.perf_counter()
    store = generate(args.data_dir, args.years)
    rows = hr_series.reading_count(store.conn)
    store.close()
    print(f"{rows:,} heart-rate readings written in {time.perf_counter() - began:.1f} s to {args.data_dir}")


if __name__ == "__main__":
    main()
