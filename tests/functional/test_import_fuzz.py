"""500 seeded mutants of real FIT files through the whole importer, then the reports of every day
they touched: no traceback, no failing report, no implausible value stored. (bench/fuzz_import.py
runs the same with 5,000 and more.)"""

import random
import sqlite3
import time
from datetime import date, timedelta

import pytest

from tests.conftest import DAY_PIECES, MONITOR, SHARED_FIT
from tests.fit_mutations import mutate
from tests.readings import monitoring_table, readings_table
from wearsync.config import Config
from wearsync.reports import day as report_day
from wearsync.reports import week as report_week
from wearsync.store import Store
from wearsync.sync.fit_import import import_paths

SEEDS = [
    SHARED_FIT / "python-fitparse/tests/files/Activity.fit",
    SHARED_FIT / "python-fitparse/tests/files/compressed-speed-distance.fit",
    SHARED_FIT / "python-fitparse/tests/files/garmin-fenix-5-run.fit",
    SHARED_FIT / "python-fitparse/tests/files/MonitoringFile.fit",
    SHARED_FIT / "php-fit-file-analysis/demo/fit_files/power-analysis.fit",
    SHARED_FIT / "fit/testdata/misc/unterminated-strings.fit",
    *(MONITOR / name for name in DAY_PIECES),
]
CASES = 500


def touched_days(conn: sqlite3.Connection) -> list[date]:
    rows = (
        monitoring_table(readings_table(conn))
        .execute(
            "SELECT DISTINCT date(ts + utc_offset_s, 'unixepoch') FROM readings "
            "UNION SELECT local_day FROM activities UNION SELECT local_day FROM monitoring_values"
        )
        .fetchall()
    )
    return sorted(date.fromisoformat(r[0]) for r in rows)


def implausible_rows(conn: sqlite3.Connection) -> list:
    # the gate's bounds, written out by hand here: 25-250 bpm, UTC-12..+14, 1998-07-05..now + 1 day
    return (
        readings_table(conn)
        .execute(
            "SELECT ts, bpm, utc_offset_s FROM readings WHERE typeof(bpm) NOT IN ('integer', 'null') "
            "OR bpm < 25 OR bpm > 250 OR utc_offset_s < -43200 OR utc_offset_s > 50400 "
            "OR typeof(ts) != 'integer' OR ts < 899501056 OR ts > ?",
            (int(time.time()) + 86_400,),
        )
        .fetchall()
    )


def test_mutants_of_real_files_never_break_an_import_or_a_report(tmp_path):
    missing = [str(p) for p in SEEDS if not p.is_file()]
    if missing:
        pytest.skip(f"real FIT files needed as fuzz seeds are missing: {missing}")
    seeds = [(p.name, p.read_bytes()) for p in SEEDS]
    rng = random.Random(20261130)
    config = Config()
    outcomes: dict[str, int] = {}
    # one mutant of each seed a store: two of one seed would mostly be the same recording
    for batch, first in enumerate(range(0, CASES, len(seeds))):
        folder = tmp_path / f"batch{batch}"
        folder.mkdir()
        count = min(len(seeds), CASES - first)
        for case, (name, data) in enumerate(seeds[:count]):
            kind, mutated = mutate(data, rng)
            (folder / f"{case:02d}-{kind}-{name}").write_bytes(mutated)
        store = Store.open(tmp_path / f"home{batch}")
        summary = import_paths(store, [folder], workers=1)
        assert summary.found == count
        assert summary.internal_errors == 0, [o for o in summary.outcomes if o.internal]
        for outcome in summary.outcomes:
            outcomes[outcome.outcome] = outcomes.get(outcome.outcome, 0) + 1
            assert "\n" not in outcome.message
        assert implausible_rows(store.conn) == []
        days = touched_days(store.conn)
        for day in days:
            assert report_day.day_report(store, config, day).local_day == day
        for week in sorted({d - timedelta(days=d.weekday()) for d in days}):
            report_week.week_report(store, config, week)
        if days:
            report_week.history(store, config, 4, days[-1])
        store.close()
    print(f"import fuzz outcomes over {CASES} mutants: {outcomes}")
    assert outcomes.get("imported", 0) > 0 and outcomes.get("failed", 0) + outcomes.get("skipped", 0) > 0
