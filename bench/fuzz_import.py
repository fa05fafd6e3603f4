"""Seeded mutation fuzz of the importer: mutants of the real files in ../shared/fit, imported and reported.

Every mutant is written to a temporary folder and imported with the real importer
(`import_paths`, one process) in batches of distinct seed files, one fresh store per
batch. After each batch, every local day it touched gets `day_report` and `week_report`,
and the span of its weeks a `history`, as `wearsync report` would ask for them. Counted:
the files' outcomes, tracebacks out of the import, outcomes marked internal (a bug of
ours the importer caught), failing reports, and stored values outside the gate's limits
(sync/gate.py). Exit 1 if any of those but the outcomes is not zero.

Mutations (one per case, or two or three stacked): byte flips, byte runs set to 0x00 or
0xFF, truncation, duplicated or removed spans, chained junk, header bytes; and inside
definition messages, found by walking the file's record headers: a field's declared base
type, size or number changed (misaligning the data, or with every data message of that
definition rewritten to match, so the file stays well formed), the global message number
or byte order changed, definitions copied under other local numbers, and a field's value
set to extremes in every data message. Well-formed mutants get a correct CRC half the time.

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
import struct
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from random import Random

from fit_crc import fit_crc  # bench/fit_crc.py; puts the project root on sys.path for tests.fit_raw

from tests.fit_raw import BASE  # noqa: E402
from tests.readings import readings_table  # noqa: E402
from wearsync.config import Config  # noqa: E402
from wearsync.reports.day import day_report  # noqa: E402
from wearsync.reports.week import history, week_report  # noqa: E402
from wearsync.store import Store  # noqa: E402
from wearsync.sync.fit_import import import_paths  # noqa: E402
from wearsync.sync.gate import DAY_S, LIMITS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED_FIT = ROOT.parent / "shared" / "fit"
BASE_TYPES = [code for code, _fmt in BASE.values()] + [0x10, 0x90, 0xFF]  # valid ones and some that are not
# field numbers worth declaring another field as: timestamp, heart rate, cycles, the monitoring
# counters, local_timestamp, file_id serial/time_created, ...
FIELD_NUMBERS = [253, 3, 2, 4, 5, 6, 0, 1, 19, 24, 26, 27, 29, 31, 32, 33, 34, 35, 36, 37, 38]
GLOBAL_NUMBERS = [0, 18, 19, 20, 21, 23, 34, 55, 103, 225, 227, 211, 297]
BATCH_TIMEOUT_S = 600
HISTORY_WEEKS_MAX = 520


# --- walking a file's records -------------------------------------------------------------


@dataclass
class Definition:
    start: int
    stop: int
    local: int
    big_endian: bool
    fields: list[tuple[int, int, int]]  # (offset of the field's 3 bytes in the file, number, size), normal fields
    data_size: int  # normal plus developer fields
    uses: list[int] = field(default_factory=list)  # start of each data message it defines


@dataclass
class Segment:
    header: int  # offset of the FIT file header
    end: int  # offset of the file CRC (end of the records)
    definitions: list[Definition]
    records: list[tuple[int, int]]  # (start, stop) of every record, in order


def walk(data: bytes) -> list[Segment]:
    """The segments of a (possibly chained) FIT file and their records, as far as they make sense."""
    segments = []
    pos = 0
    while pos + 12 <= len(data) and data[pos + 8 : pos + 12] == b".FIT":
        header_size = data[pos]
        end = pos + header_size + struct.unpack_from("<I", data, pos + 4)[0]
        current: dict[int, Definition] = {}
        segment = Segment(pos, end, [], [])
        at = pos + header_size
        limit = min(end, len(data))
        while at < limit:
            head = data[at]
            if head & 0xC0 == 0x40:  # definition message
                if at + 6 > len(data):
                    break
                count = data[at + 5]
                stop = at + 6 + 3 * count
                if stop > len(data):
                    break
                fields = [(at + 6 + 3 * i, data[at + 6 + 3 * i], data[at + 7 + 3 * i]) for i in range(count)]
                size = sum(f[2] for f in fields)
                if head & 0x20:  # developer fields
                    if stop >= len(data):
                        break
                    dev = data[stop]
                    size += sum(data[stop + 2 + 3 * i] for i in range(dev) if stop + 2 + 3 * i < len(data))
                    stop += 1 + 3 * dev
                definition = Definition(at, stop, head & 0x0F, data[at + 2] == 1, fields, size)
                current[definition.local] = definition
                segment.definitions.append(definition)
            else:
                local = (head >> 5) & 3 if head & 0x80 else head & 0x0F
                if local not in current:
                    break
                stop = at + 1 + current[local].data_size
                current[local].uses.append(at)
            if stop > limit:
                break
            segment.records.append((at, stop))
            at = stop
        segments.append(segment)
        if end + 2 <= pos or end + 2 > len(data):
            break
        pos = end + 2
    return segments


def sealed(buf: bytearray, segment: Segment, growth: int) -> bytearray:
    """The first segment's header data size grown by `growth`, its header and file CRCs recomputed."""
    h = segment.header
    size = struct.unpack_from("<I", buf, h + 4)[0] + growth
    struct.pack_into("<I", buf, h + 4, size)
    header_size = buf[h]
    if header_size >= 14 and h + 14 <= len(buf):
        struct.pack_into("<H", buf, h + 12, fit_crc(buf[h : h + 12]))
    end = h + header_size + size
    if end + 2 <= len(buf):
        struct.pack_into("<H", buf, end, fit_crc(buf[h:end]))
    return buf


# --- mutations ------------------------------------------------------------------------------


def mutate(data: bytes, rng: Random) -> tuple[str, bytes]:
    """One to three stacked mutations; their names joined with '+'."""
    kinds = []
    for _ in range(1 if rng.random() < 0.7 else rng.randint(2, 3)):
        kind, data = _mutate_once(data, rng)
        kinds.append(kind)
    return "+".join(kinds), data


def _mutate_once(data: bytes, rng: Random) -> tuple[str, bytes]:
    if not data:
        return "junk", rng.randbytes(rng.randrange(1, 64))
    # the definition mutations are what real odd files do: weighted up
    kind = rng.choice(
        ["flip", "byte_set", "fill", "truncate", "dup_span", "remove_span", "header", "chain", "junk"]
        + [
            "def_base_type",
            "def_size",
            "def_resize",
            "def_field_num",
            "def_global",
            "def_arch",
            "def_splice",
            "field_values",
            "local_num",
        ]
        * 2
    )
    if kind.startswith(("def_", "field_", "local_")):
        segments = walk(data)
        definitions = [d for d in segments[0].definitions if d.fields] if segments else []
        if definitions:
            return kind, bytes(_mutate_definition(kind, bytearray(data), segments[0], definitions, rng))
        kind = "byte_set"  # no definition found to mutate
    buf = bytearray(data)
    n = len(buf)
    if kind == "flip":
        for _ in range(rng.randint(1, 16)):
            buf[rng.randrange(n)] ^= 1 << rng.randrange(8)
    elif kind == "byte_set":
        for _ in range(rng.randint(1, 8)):
            buf[rng.randrange(n)] = rng.randrange(256)
    elif kind == "fill":
        at, length = rng.randrange(n), rng.randint(1, 64)
        buf[at : at + length] = bytes([rng.choice((0x00, 0xFF))]) * len(buf[at : at + length])
    elif kind == "truncate":
        del buf[rng.randrange(n) :]
    elif kind == "dup_span":
        at, length = rng.randrange(n), rng.randint(1, 256)
        to = rng.choice((at + length, rng.randrange(n + 1)))
        buf[to:to] = data[at : at + length]
    elif kind == "remove_span":
        at = rng.randrange(n)
        del buf[at : at + rng.randint(1, 256)]
    elif kind == "header":
        buf[rng.randrange(min(14, n))] = rng.randrange(256)
    elif kind == "chain":
        tail = bytearray(data)
        tail[rng.randrange(n)] = rng.randrange(256)
        buf += tail[: rng.randrange(1, n + 1)]
    else:
        buf += rng.randbytes(rng.randrange(1, 64))
    return kind, bytes(buf)


def _mutate_definition(
    kind: str, buf: bytearray, segment: Segment, definitions: list[Definition], rng: Random
) -> bytearray:
    d = rng.choice(definitions)
    index = rng.randrange(len(d.fields))
    at, _num, size = d.fields[index]
    growth = 0
    if kind == "def_base_type":  # same size, another declared type: the data stays aligned
        buf[at + 2] = rng.choice(BASE_TYPES) if rng.random() < 0.8 else rng.randrange(256)
    elif kind == "def_size":  # the data that follows is read misaligned
        buf[at + 1] = rng.choice((0, 1, 2, 3, 4, 8, 16, 255, rng.randrange(256)))
    elif kind == "def_field_num":
        buf[at] = rng.choice(FIELD_NUMBERS) if rng.random() < 0.8 else rng.randrange(256)
    elif kind == "def_global":
        struct.pack_into(
            ">H" if d.big_endian else "<H",
            buf,
            d.start + 3,
            rng.choice(GLOBAL_NUMBERS) if rng.random() < 0.8 else rng.randrange(65536),
        )
    elif kind == "def_arch":
        buf[d.start + 2] = rng.choice((0, 1, rng.randrange(256)))
    elif kind == "local_num":  # a data message under another definition
        use = rng.choice([u for definition in definitions for u in definition.uses] or [d.start])
        if buf[use] & 0x80:  # compressed timestamp header: local number in bits 5-6
            buf[use] ^= rng.randrange(1, 4) << 5
        else:
            buf[use] = (buf[use] & 0xF0) | rng.randrange(16)
    elif kind == "def_splice":  # a copy of a definition, elsewhere, maybe under another local number
        copy = bytearray(buf[d.start : d.stop])
        if rng.random() < 0.5:
            copy[0] = (copy[0] & 0xF0) | rng.randrange(16)
        to = rng.choice(segment.records)[0]
        buf[to:to] = copy
        growth = len(copy)
    elif kind == "def_resize":  # a field declared with another size, every data message rewritten to it
        new_size = rng.choice((1, 2, 4, 8, 16, 0, 3, max(1, size * 2), max(1, size // 2)))
        base = rng.choice(BASE_TYPES[:16])
        offset = 1 + sum(f[2] for f in d.fields[:index])
        fill = rng.choice((b"\x00", b"\xff", b"\x7f", None))
        for use in reversed(d.uses):
            old = bytes(buf[use + offset : use + offset + size])
            new = rng.randbytes(new_size) if fill is None else (old + fill * new_size)[:new_size]
            buf[use + offset : use + offset + size] = new
            growth += new_size - size
        buf[at + 1], buf[at + 2] = new_size, base
    elif kind == "field_values":  # extremes in every (or a run of) data message(s) of a definition
        offset = 1 + sum(f[2] for f in d.fields[:index])
        choice = rng.choice(("zero", "ones", "max_signed", "min_signed", "random"))
        uses = d.uses if rng.random() < 0.5 else d.uses[rng.randrange(len(d.uses) or 1) :][: rng.randint(1, 50)]
        for use in uses:
            value = {
                "zero": b"\x00" * size,
                "ones": b"\xff" * size,
                "random": rng.randbytes(size),
                "max_signed": b"\xff" * (size - 1) + b"\x7f",
                "min_signed": b"\x00" * (size - 1) + b"\x80",
            }[choice][:size]
            buf[use + offset : use + offset + size] = value[::-1] if d.big_endian else value
    if rng.random() < 0.5 or growth:
        buf = sealed(buf, segment, growth)
    return buf


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


# `readings`: the stored series as rows (tests/readings.py), made again after each batch's import
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
        kind, data = mutate(source.read_bytes(), Random(f"{seed}/case/{case}"))
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
    readings_table(store.conn)
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
