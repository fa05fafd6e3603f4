"""Write the FIT files a Garmin watch worn for N years leaves, as a mounted watch's folder (and a zip).

What the benches' 5-year store (history_gen.py, written straight into the tables) cannot show:
the import of the files themselves, one by one, into a store that grows with them (issue 23:
five years of a watch's files, 8,082 of them, took 608 s to import). Every file is written by the
demo's FIT writer (wearsync/demo/fit_writer.py, Garmin's own encoder) from the demo's made-up
person (wearsync/demo/person.py: her minutes, her workouts), so `wearsync import` reads them as
it reads the demo's:

- all-day monitoring, each day cut into `--pieces` files (4 by default, as in issue 23's watch),
  each covering part of the day as a real device cuts a day at each sync (the vivosmart 4's day in
  ../shared/fit is three pieces: 00:00-08:22, 08:22-21:26, 21:26-24:00; the running totals since
  local midnight carry on across them): GARMIN/Monitor/<local start>.fit;
- an activity on three days a week (runs and walks, one strength session with sets):
  GARMIN/Activity/<local start>.fit;
- a weigh-in a week from an Index smart scale: GARMIN/Weight/<local time>.fit.

Five years (1,827 days ending 2024-12-31, the span of history_gen.py) are about 8,100 files. The
person lives at UTC+1 all year (the demo's; no daylight saving). Every day is a function of the
seed and its date alone (each day and each ISO week has a generator of its own), so the files are
the same whatever `--jobs`, and days are written in parallel processes.

With `--zip PATH` the same files are also packed as a Garmin Connect export: PATH holds
DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip, which holds the files.

    .venv/bin/python bench/watch_years.py --out /tmp/watch5 [--years 5] [--seed 7] [--zip /tmp/watch5.zip]
"""

from __future__ import annotations

import argparse
import io
import math
import os
import random
import sys
import time
import zipfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from wearsync.demo import person
from wearsync.demo.fit_writer import MonitoringMinute, monitoring_fit, weight_scale_fit

END = date(2024, 12, 31)  # the last day of history_gen.py's five years
PIECES = 4
# Totals and increments written each minute they moved, not every 15 min as the demo's: a real
# vivosmart 4 day (../shared/fit) imports as 376 monitoring values, these days as about 270 (every
# 15 min: about 75), and each file's import work grows with them (issue 23).
TOTALS_EVERY_S = 60
ACTIVITY_DAYS_A_WEEK = 3
SCALE_SERIAL = 3_914_207_118
FOLDERS = ("Activity", "Monitor", "Weight")
EXPORT_MEMBER = "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip"


def days_of(years: float, end: date = END) -> list[date]:
    """The days `years` years ending on `end` cover (365.25 days a year, as history_gen.py)."""
    count = round(365.25 * years)
    return [end - timedelta(days=count - 1 - i) for i in range(count)]


def week_plan(seed: int, day: date) -> tuple[bool, dict[int, list[str]], int]:
    """The plan of `day`'s ISO week: keen or not, the workouts per weekday (0 = Monday), and the
    weekday of the week's weigh-in."""
    iso_year, iso_week, _ = day.isocalendar()
    rng = random.Random(f"watch-years:{seed}:week:{iso_year}-{iso_week}")
    keen = rng.random() < 0.5
    workout_days = sorted(rng.sample(range(7), ACTIVITY_DAYS_A_WEEK))
    kinds = ["strength"] + [rng.choice(("run", "run", "walk") if keen else ("run", "walk", "walk")) for _ in range(2)]
    rng.shuffle(kinds)
    plan = {d: [] for d in range(7)} | {d: [kind] for d, kind in zip(workout_days, kinds, strict=True)}
    return keen, plan, rng.randrange(7)


def sync_cuts(rng: random.Random, pieces: int) -> list[int]:
    """Minutes after local midnight where the day's monitoring file is cut (the device syncs):
    `pieces` - 1 of them, about evenly spread, increasing; 0 and 1440 around them."""
    cuts = [0]
    for i in range(1, pieces):
        cut = round(i * 1440 / pieces) + rng.randint(-75, 75)
        cuts.append(min(max(cut, cuts[-1] + 30), 1440 - 30 * (pieces - i)))
    return cuts + [1440]


def weight_on(rng: random.Random, day: date) -> float:
    """A morning's reading: heavier in winter, a slow drift down, the water swing of a real scale."""
    years = (day - date(2020, 1, 1)).days / 365.25
    seasonal = 1.2 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 20) / 365.25)
    return round(person.WEIGHT_KG + 2.0 + seasonal - 0.4 * years + rng.gauss(0, person.WATER_SWING_KG), 2)


def lived(seed: int, day: date) -> tuple[random.Random, list[person.Session], list[MonitoringMinute]]:
    """The person's `day`: its workouts and its minutes, and the day's generator to go on with."""
    keen, plan, _ = week_plan(seed, day)
    rng = random.Random(f"watch-years:{seed}:day:{day.isoformat()}")
    sessions = person.day_sessions(rng, day, plan[day.weekday()], keen)
    return rng, sessions, person.day_minutes(rng, day, sessions)


def write_day(out: Path, day: date, seed: int, pieces: int = PIECES) -> list[tuple[str, int]]:
    """Write `day`'s files below `out` (GARMIN/<folder>/...); return each one's path relative to
    `out` and its size."""
    rng, sessions, minutes = lived(seed, day)
    garmin = out / "GARMIN"
    files: dict[str, bytes] = {}
    for s in sessions:
        start_local, data = person.activity_file(s, day)
        files[f"Activity/{start_local:%Y-%m-%d-%H-%M-%S}.fit"] = data
    cuts = sync_cuts(rng, pieces)
    for start, end in zip(cuts, cuts[1:], strict=False):
        data = monitoring_fit(
            day=day,
            utc_offset_s=person.UTC_OFFSET_S,
            serial=person.SERIAL,
            resting_metabolic_rate=person.RESTING_METABOLIC_RATE,
            minutes=minutes,
            start_minute=start,
            end_minute=end,
            totals_every_s=TOTALS_EVERY_S,
        )
        files[f"Monitor/{day:%Y-%m-%d}-{start // 60:02d}-{start % 60:02d}-00.fit"] = data
    if day.weekday() == week_plan(seed, day)[2]:  # the week's weigh-in
        local = datetime(day.year, day.month, day.day, 6, 30) + timedelta(seconds=rng.randint(0, 4500))
        when = (local - timedelta(seconds=person.UTC_OFFSET_S)).replace(tzinfo=UTC)
        data = weight_scale_fit(
            when_utc=when, weight_kg=weight_on(rng, day), serial=SCALE_SERIAL, percent_fat=round(rng.gauss(27, 0.6), 1)
        )
        files[f"Weight/{local:%Y-%m-%d-%H-%M-%S}.fit"] = data
    written = []
    for name, data in files.items():
        path = garmin / name
        path.write_bytes(data)
        written.append((path.relative_to(out).as_posix(), len(data)))
    return written


def _write_days(out: Path, days: list[date], seed: int, pieces: int) -> list[tuple[str, int]]:
    return [f for day in days for f in write_day(out, day, seed, pieces)]


def watch_files(folder: Path) -> list[Path]:
    """The watch's FIT files below `folder`, oldest first (each name starts with its local time)."""
    return sorted((p for p in folder.rglob("*.fit") if p.parent.name in FOLDERS), key=lambda p: (p.name, p.parent.name))


def generate(
    out: Path, years: float = 5, *, end: date = END, seed: int = 7, pieces: int = PIECES, jobs: int | None = None
) -> list[tuple[str, int]]:
    """Write `years` years of the watch's files ending on `end` below `out`; return their paths
    (relative to `out`) and sizes, oldest first."""
    for name in FOLDERS:
        (out / "GARMIN" / name).mkdir(parents=True, exist_ok=True)
    days = days_of(years, end)
    batches = [days[i : i + 14] for i in range(0, len(days), 14)]
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1:
        written = [f for batch in batches for f in _write_days(out, batch, seed, pieces)]
    else:
        with ProcessPoolExecutor(jobs) as pool:
            results = pool.map(
                _write_days, [out] * len(batches), batches, [seed] * len(batches), [pieces] * len(batches)
            )
            written = [f for batch in results for f in batch]
    return sorted(written, key=lambda f: (Path(f[0]).name, f[0]))


def write_export_zip(out: Path, files: list[tuple[str, int]], path: Path) -> None:
    """Pack the files below `out` as a Garmin Connect export: a zip holding a zip of the files."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as uploaded:
        for name, _ in files:
            # one flat folder, as Connect's export has it: the device folder goes into the name
            uploaded.write(out / name, name.removeprefix("GARMIN/").replace("/", "_"))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as export:
        export.writestr(EXPORT_MEMBER, inner.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="the folder to write (GARMIN/... below it)")
    parser.add_argument("--years", type=float, default=5, help="years of files, ending 2024-12-31 (default 5)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pieces", type=int, default=PIECES, help="monitoring files a day (default 4)")
    parser.add_argument("--jobs", type=int, help="processes writing (default: one per core)")
    parser.add_argument("--zip", type=Path, help="also write the files as a Garmin Connect export zip here")
    args = parser.parse_args()
    if (args.out / "GARMIN").exists() and any((args.out / "GARMIN").iterdir()):
        sys.exit(f"{args.out / 'GARMIN'} exists: choose a new --out (the files would mix)")
    began, cpu = time.perf_counter(), time.process_time()
    files = generate(args.out, args.years, seed=args.seed, pieces=args.pieces, jobs=args.jobs)
    seconds = time.perf_counter() - began
    kinds = Counter(name.split("/")[1] for name, _ in files)
    print(
        f"{len(files):,} files, {sum(size for _, size in files) / 1e6:.1f} MB in {seconds:.1f} s "
        f"({time.process_time() - cpu:.1f} s CPU in this process) below {args.out}: "
        + ", ".join(f"{kinds[k]:,} {k}" for k in FOLDERS)
    )
    if args.zip:
        write_export_zip(args.out, files, args.zip)
        print(f"Garmin Connect export zip: {args.zip} ({args.zip.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
