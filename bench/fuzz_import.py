"""Seeded mutation fuzz of the importer: mutants of the real files in ../shared/fit, imported and reported.

Every mutant is written to a temporary folder and imported with the real importer
(`import_paths`, one process) in batches of distinct seed files, one fresh store per
batch. After each batch, every local day it touched gets `day_report` and `week_report`,
and the span of its weeks a `history`, as `wearsync report` would ask for them. Counted:
the files' outcomes, tracebacks out of the import, outcomes marked internal (a bug of
ours the importer caught), failing reports, and stored values outside the gate's limits
(sync/gate.py). Exit 1 if any of those but the outcomes is not zero.

Mutations (one per case, or two or three stacked: byte flips, spans, truncation, chained junk,
and inside definition messages base types, sizes, field and message numbers, byte order,
copied definitions and extreme field values) are `mutate_stacked` of tests/fit_mutations.py.

Case N's mutation depends only on --seed and N; a batch's files only on --seed and the
batch number, so `--only N` imports case N's whole batch again, and `--save DIR` keeps
the files of every batch with a problem.

    .venv/bin/python bench/fuzz_import.py [--cases 5000] [--seed 1] [--batch 25] [--start N] [--only N] [--save DIR]
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from random import Random

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project root, for tests
from tests.fit_mutations import mutate_stacked  # noqa: E402
from tests.readings import monitoring_table, readings_table  # noqa: E402
from wearsync.config import Config  # noqa: E402
from wearsync.reports.day import day_report  # noqa: E402
from wearsync.reports.week import history, week_report  # noqa: E402
from wearsync.store import Store  # noqa: E402
from wearsync.sync.fit_import import import_paths  # noqa: E402
from wearsync.sync.gate import DAY_S, LIMITS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED_FIT = ROOT.parent / "shared" / "fit"
BATCH_TIMEOUT_S = 600
HISTORY_WEEKS_MAX = 520


# --- importing and reporting ----------------------------------------------------------------


def seed_files() -> list[Path]:
    return sorted(p for p in SHARED_FIT.rglob("*") if p.is_file() and p.suffix.lower() == ".fit")


def batch_cases(seed: int, batch: int, size: int, cases: int, seeds: list[Path]) -> list[tuple[int, Path]]:
    """The (case number, seed file) of a batch: distinct files, so none is another's duplicate."""
    first = batch * size
    numbers = range(first, min(first + size, cases))
    chosen = Random(f"{seed}/batch/{batch}").sample(seeds, min(len(numbers), len(seeds)))
    return list(zip(numbers, chosen, strict=False))


class BatchTimeout(Exception):
    pass


def _alarm(_signum, _frame):
    raise BatchTimeout()


def gate_range(name: str) -> tuple[float, float]:
    return LIMITS[name].low, LIMITS[name].high


def absurd_checks(now: float) -> list[tuple[str, str]]:
    """(name, SQL counting rows) for every stored value the gate should have kept out."""
    low_t, _high_t = gate_range("time")
    high_t = now + DAY_S
    first_day = date.fromtimestamp(low_t - DAY_S).isoformat()
    last_day = date.fromtimestamp(high_t + DAY_S).isoformat()

    def outside(column: str, limit: str, integer: bool = True) -> str:
        low, high = gate_range(limit)
        kinds = "('integer')" if integer else "('integer', 'real')"
        return f"({column} IS NOT NULL AND (typeof({column}) NOT IN {kinds} OR {column} < {low} OR {column} > {high}))"

    def bad_time(column: str) -> str:
        return (
            f"({column} IS NOT NULL AND (typeof({column}) != 'integer' OR {column} < {low_t} OR {column} > {high_t}))"
        )

    def bad_day(column: str) -> str:
        return (
            f"(date({column}) IS NULL OR {column} != date({column}) OR {column} < '{first_day}' "
            f"OR {column} > '{last_day}')"
        )

    metric_limits = {
        "steps": "steps_day",
        "active_kcal": "kcal_day",
        "ascent_mm": "ascent_mm_day",
        "descent_mm": "ascent_mm_day",
        "moderate_min": "minutes_day",
        "vigorous_min": "minutes_day",
    }
    monitoring_values = " OR ".join(
        f"(metric = '{m}' AND {outside('value', limit)})" for m, limit in metric_limits.items()
    )
    checks = [
        ("readings.bpm outside 25..250", "readings", outside("bpm", "heart_rate_bpm")),
        ("readings.utc_offset_s outside -12 h..+14 h", "readings", outside("utc_offset_s", "utc_offset_s")),
        ("readings.ts before 1998 or after now + 1 day", "readings", bad_time("ts")),
        ("activities.start_utc", "activities", bad_time("start_utc")),
        ("activities.local_day", "activities", bad_day("local_day")),
        ("monitoring_values.ts", "monitoring_values", bad_time("ts")),
        ("monitoring_values.local_day", "monitoring_values", bad_day("local_day")),
        ("monitoring_values.value", "monitoring_values", monitoring_values),
        ("strength_sets.start_utc", "strength_sets", bad_time("start_utc")),
        ("wellness.local_day", "wellness", bad_day("local_day")),
    ]
    # (table, column, gate limit, whether the column holds a count)
    for table, column, limit, integer in [
        ("activities", "utc_offset_s", "utc_offset_s", True),
        ("activities", "avg_hr", "heart_rate_bpm", True),
        ("activities", "max_hr", "heart_rate_bpm", True),
        ("activities", "calories", "kcal_activity", True),
        ("activities", "steps", "steps_activity", True),
        ("activities", "ascent_m", "ascent_m_day", False),
        ("activities", "elapsed_s", "duration_s", False),
        ("activities", "timer_s", "duration_s", False),
        ("strength_sets", "duration_s", "duration_s", False),
        ("strength_sets", "repetitions", "repetitions", True),
        ("strength_sets", "weight_kg", "set_weight_kg", False),
        ("strength_sets", "category", "category", True),
        ("wellness", "steps", "steps_day", True),
        ("wellness", "ascent_m", "ascent_m_day", False),
        ("wellness", "descent_m", "ascent_m_day", False),
        ("wellness", "active_kcal", "kcal_day", True),
        ("wellness", "bmr_kcal", "rmr_kcal_day", True),
        ("wellness", "total_kcal", "kcal_day", True),
        ("wellness", "moderate_min", "minutes_day", True),
        ("wellness", "vigorous_min", "minutes_day", True),
        ("wellness", "resting_hr", "resting_hr_bpm", True),
        ("wellness", "utc_offset_s", "utc_offset_s", True),
    ]:
        checks.append((f"{table}.{column} outside {limit}", table, outside(column, limit, integer)))
    return [(name, f"SELECT count(*) FROM {table} WHERE {where}") for name, table, where in checks]


# `readings` and `monitoring_values`: the stored values as rows (tests/readings.py), made after each batch's import
TOUCHED_DAYS = (
    "SELECT DISTINCT date(ts + utc_offset_s, 'unixepoch') FROM readings "
    "UNION SELECT local_day FROM activities UNION SELECT local_day FROM monitoring_values"
)


@dataclass
class Tally:
    cases: int = 0
    outcomes: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    import_tracebacks: list[str] = field(default_factory=list)
    internal: list[str] = field(default_factory=list)
    failing_reports: list[str] = field(default_factory=list)
    absurd: Counter = field(default_factory=Counter)
    absurd_cases: list[str] = field(default_factory=list)
    reports: int = 0
    days: int = 0
    slowest: tuple[float, str] = (0.0, "")
    problem_batches: set[int] = field(default_factory=set)

    def problems(self) -> int:
        return len(self.import_tracebacks) + len(self.internal) + len(self.failing_reports) + sum(self.absurd.values())

    def line(self) -> str:
        o = self.outcomes
        return (
            f"{self.cases} cases: imported {o['imported']}, skipped {o['skipped']}, duplicate {o['duplicate']}, "
            f"failed {o['failed']} (internal {o['internal']}); import tracebacks {len(self.import_tracebacks)}, "
            f"reports {self.reports} on {self.days} days, failing reports {len(self.failing_reports)}, "
            f"absurd stored values {sum(self.absurd.values())}"
        )


def _short(exc: BaseException) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1:]
    at = f" at {Path(where[0].filename).name}:{where[0].lineno}" if where else ""
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}{at}"


def run_batch(number: int, cases: list[tuple[int, Path]], seed: int, work: Path, tally: Tally, config: Config) -> None:
    folder = work / f"batch{number}"
    folder.mkdir()
    names = {}
    for case, source in cases:
        kind, data = mutate_stacked(source.read_bytes(), Random(f"{seed}/case/{case}"))
        name = f"case{case:05d}-{kind}-{source.name}"
        (folder / name).write_bytes(data)
        names[name] = (case, kind, source)
        tally.kinds[kind.split("+")[0]] += 1
    tally.cases += len(cases)
    store = Store.open(work / f"store{number}")
    started = [time.perf_counter()]

    def progress(_phase: str, _done: int, _total: int, label: str) -> None:
        now = time.perf_counter()
        tally.slowest = max(tally.slowest, (now - started[0], f"{Path(label).name} (batch {number})"))
        started[0] = now

    signal.alarm(BATCH_TIMEOUT_S)
    try:
        summary = import_paths(store, [folder], workers=1, progress=progress)
    except BaseException as exc:  # noqa: BLE001 - what the fuzz looks for
        signal.alarm(0)
        if isinstance(exc, KeyboardInterrupt):
            raise
        tally.import_tracebacks.append(f"batch {number}: {traceback.format_exc()}")
        tally.problem_batches.add(number)
        print(f"TRACEBACK batch {number}: {_short(exc)}", file=sys.stderr)
        summary = None
    signal.alarm(0)
    if summary is not None:
        for outcome in summary.outcomes:
            tally.outcomes[outcome.outcome] += 1
            if outcome.internal:
                tally.outcomes["internal"] += 1
                tally.internal.append(f"{Path(outcome.path).name}: {outcome.message}")
                tally.problem_batches.add(number)
                print(f"INTERNAL batch {number} {Path(outcome.path).name}: {outcome.message}", file=sys.stderr)
    now = time.time()
    monitoring_table(readings_table(store.conn))
    for name, sql in absurd_checks(now):
        count = store.conn.execute(sql).fetchone()[0]
        if count:
            tally.absurd[name] += count
            tally.problem_batches.add(number)
            where = sql.replace("SELECT count(*)", "SELECT DISTINCT recordings.path", 1)
            files = _absurd_files(store.conn, where)
            tally.absurd_cases.append(f"batch {number}: {count} x {name}: {files}")
            print(f"ABSURD batch {number}: {count} x {name} in {files}", file=sys.stderr)
    _report_days(store, config, number, tally)
    store.close()


def _absurd_files(conn: sqlite3.Connection, where: str) -> str:
    """The files that stored the rows `where` selects, when the table leads to them."""
    table = where.split(" FROM ", 1)[1].split(" ", 1)[0]
    link = {"readings": "recording_id", "activities": "recording_id", "monitoring_values": "recording_id"}.get(table)
    if not link:
        return "(see the batch's files)"
    sql = where.replace(f"FROM {table}", f"FROM {table} JOIN recordings ON recordings.id = {table}.{link}", 1)
    try:
        return ", ".join(Path(r[0]).name for r in conn.execute(sql))
    except sqlite3.Error:
        return "(see the batch's files)"


def _report_days(store: Store, config: Config, number: int, tally: Tally) -> None:
    try:
        days = sorted(date.fromisoformat(r[0]) for r in store.conn.execute(TOUCHED_DAYS) if r[0])
    except (ValueError, TypeError, sqlite3.Error) as exc:
        tally.failing_reports.append(f"batch {number}: the touched days cannot be read: {_short(exc)}")
        tally.problem_batches.add(number)
        return
    tally.days += len(days)
    weeks_seen = set()
    calls = []
    for day in days:
        calls.append((f"day_report {day}", lambda day=day: day_report(store, config, day)))
        week = day - timedelta(days=day.weekday())
        if week not in weeks_seen:
            weeks_seen.add(week)
            calls.append((f"week_report {day}", lambda day=day: week_report(store, config, day)))
    if days:
        span = min(HISTORY_WEEKS_MAX, (days[-1] - days[0]).days // 7 + 2)
        calls.append((f"history {span} weeks to {days[-1]}", lambda: history(store, config, span, days[-1])))
    calls.append(("history 3 weeks to today", lambda: history(store, config, 3, date.today())))
    for what, call in calls:
        tally.reports += 1
        try:
            call()
        except Exception as exc:  # noqa: BLE001 - what the fuzz looks for
            tally.failing_reports.append(f"batch {number}: {what}: {_short(exc)}")
            tally.problem_batches.add(number)
            print(f"REPORT FAILED batch {number}: {what}: {_short(exc)}", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=25, help="mutants per fresh store")
    parser.add_argument(
        "--start",
        type=int,
        default=0,
        help="begin at the batch holding this case (split a long run: 0-1999, then --start 2000)",
    )
    parser.add_argument("--only", type=int, help="run only the batch holding this case")
    parser.add_argument("--save", type=Path, help="keep the files of every batch with a problem here")
    args = parser.parse_args()
    seeds = seed_files()
    if not seeds:
        print(f"no FIT files in {SHARED_FIT}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGALRM, _alarm)
    config = Config()
    tally = Tally()
    batches = (args.cases + args.batch - 1) // args.batch
    numbers = [args.only // args.batch] if args.only is not None else range(args.start // args.batch, batches)
    last = min(args.cases, (numbers[-1] + 1) * args.batch) - 1
    print(
        f"fuzz: cases {numbers[0] * args.batch}-{last} of {args.cases}, seed {args.seed}, "
        f"{len(seeds)} seed files, batches of {args.batch}",
        file=sys.stderr,
    )
    started = time.perf_counter()
    next_line = 500
    with tempfile.TemporaryDirectory(prefix="wearsync-fuzz-") as tmp:
        work = Path(tmp)
        for number in numbers:
            run_batch(
                number, batch_cases(args.seed, number, args.batch, args.cases, seeds), args.seed, work, tally, config
            )
            if args.save and number in tally.problem_batches:
                shutil.copytree(work / f"batch{number}", args.save / f"batch{number}", dirs_exist_ok=True)
            shutil.rmtree(work / f"batch{number}")
            shutil.rmtree(work / f"store{number}")
            if tally.cases >= next_line:
                print(f"[{time.perf_counter() - started:6.0f} s] {tally.line()}", file=sys.stderr)
                next_line += 500
    print(tally.line())
    print("mutations (first of a stack): " + ", ".join(f"{k} {v}" for k, v in sorted(tally.kinds.items())))
    print(f"slowest file: {tally.slowest[0]:.2f} s ({tally.slowest[1]}); {time.perf_counter() - started:.0f} s in all")
    for title, items in (
        ("import tracebacks", tally.import_tracebacks),
        ("internal errors", tally.internal),
        ("failing reports", tally.failing_reports),
        ("absurd stored values", tally.absurd_cases),
    ):
        if items:
            print(f"{title}:")
            for item in items:
                print(f"  {item}")
    if tally.problem_batches:
        first = min(tally.problem_batches) * args.batch
        print(
            f"batches with problems: {sorted(tally.problem_batches)} "
            f"(`--only {first} --seed {args.seed}` runs the first again)"
        )
    return 1 if tally.problems() else 0


if __name__ == "__main__":
    sys.exit(main())
