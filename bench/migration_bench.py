"""Measure the upgrade of a store written before the heart-rate series (migration 6) and check it.

Copies OLD_STORE (a store written by a wearsync before migration 6, e.g. the 5-year store of
that version's bench/history_gen.py), opens the copy with this wearsync in a fresh process
(the migration runs) and prints its time, peak memory and the store's size before, after, and
after a VACUUM. Then it checks that every reading came through: per source, the count of
readings, of readings with a value, and the sums of their times, values and UTC offsets, read
from the old store's rows by plain SQL and from the migrated series by this code, must be equal.
(That every report is the same after the migration is tested on a small store:
tests/unit/test_hr_series_migration.py; an older checkout's reports are shaped otherwise.)

    .venv/bin/python bench/migration_bench.py /tmp/old-five-years
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

from wearsync.store.hr_series import HR_SOURCES, NO_BPM, decode_many

DB = "wearsync.db"

OPEN = r"""
import json, resource, sys, time
from pathlib import Path
from wearsync.store import Store
began = time.perf_counter()
store = Store.open(Path(sys.argv[1]))
seconds = time.perf_counter() - began
store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
store.close()
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

# Per source: readings, readings with a value, and the sums of their times, values and offsets.
OLD_READINGS = (
    "SELECT source, count(*), count(bpm), sum(ts), coalesce(sum(bpm), 0), coalesce(sum(utc_offset_s), 0) "
    "FROM hr_readings GROUP BY source"
)


def old_readings(store: Path) -> dict[str, tuple[int, ...]]:
    conn = sqlite3.connect(f"file:{store / DB}?mode=ro", uri=True)
    try:
        return {source: tuple(int(v) for v in sums) for source, *sums in conn.execute(OLD_READINGS)}
    finally:
        conn.close()


def migrated_readings(store: Path) -> dict[str, tuple[int, ...]]:
    conn = sqlite3.connect(f"file:{store / DB}?mode=ro", uri=True)
    sums: dict[str, Counter[str]] = {}
    try:
        rows = conn.execute("SELECT source, first_ts, ts, bpm, offsets FROM hr_series ORDER BY id")
        while chunk := rows.fetchmany(2000):
            readings = decode_many(chunk)
            for code, source in enumerate(HR_SOURCES):
                mine = readings.source == code
                valued = mine & (readings.bpm != NO_BPM)
                total = sums.setdefault(source, Counter())
                total["n"] += int(mine.sum())
                total["valued"] += int(valued.sum())
                total["ts"] += int(readings.ts[mine].sum())
                total["bpm"] += int(readings.bpm[valued].astype(np.int64).sum())
                total["offset"] += int(readings.utc_offset_s[mine].sum())
    finally:
        conn.close()
    keys = ("n", "valued", "ts", "bpm", "offset")
    return {source: tuple(total[k] for k in keys) for source, total in sums.items() if total["n"]}


def run(script: str, store: Path) -> str:
    out = subprocess.run([sys.executable, "-c", script, str(store)], capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def size_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.glob(f"{DB}*")) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old_store", type=Path)
    args = parser.parse_args()
    if not (args.old_store / DB).exists():
        sys.exit(f"{args.old_store / DB} is missing")
    with tempfile.TemporaryDirectory(dir=args.old_store.parent) as work:
        copy = Path(work) / "store"
        copy.mkdir(mode=0o700)
        for part in args.old_store.glob(f"{DB}*"):
            shutil.copy(part, copy / part.name)
        before = size_mb(copy)
        opened = json.loads(run(OPEN, copy))
        after = size_mb(copy)
        print(
            f"migration of {args.old_store}: {opened['seconds']:.1f} s, peak memory {opened['peak_mb']:.0f} MB; "
            f"store {before:.0f} MB before, {after:.0f} MB after"
        )
        old, new = old_readings(args.old_store), migrated_readings(copy)
        print(f"readings per source, old rows: {old}")
        print(f"readings per source, migrated series: {new}: {'EQUAL' if old == new else 'DIFFERENT'}")
        if old != new:
            sys.exit("bench: readings differ after the migration")
        conn = sqlite3.connect(copy / DB)
        conn.execute("VACUUM")
        conn.close()
        print(f"store after VACUUM: {size_mb(copy):.0f} MB")


if __name__ == "__main__":
    main()
