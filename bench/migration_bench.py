"""Measure the upgrade of a store written before the heart-rate series (migration 6) and check it.

Copies OLD_STORE (a store written by a wearsync before migration 6, e.g. the 5-year store of
that version's bench/history_gen.py), opens the copy with this wearsync in a fresh process
(the migration runs) and prints its time, peak memory and the store's size before, after, and
after a VACUUM. With --baseline CHECKOUT (that older wearsync, with its own .venv and the typed
reports of wearsync/reports/) the reports
are compared: every week's report and the whole history as JSON from the old store by the old
code, and from the migrated copy by this code, must be identical.

    .venv/bin/python bench/migration_bench.py /tmp/ws-old --baseline /work/main
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

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

# Every week of the store and its history, with the code of whichever wearsync runs it.
REPORTS = r"""
import json, sys
from datetime import date, timedelta
from pathlib import Path
from wearsync.reports.day import day_report
from wearsync.reports.models import as_json
from wearsync.reports.week import history, week_report
from wearsync.config import Config
from wearsync.store import Store
store, config = Store.open(Path(sys.argv[1])), Config()
span = store.conn.execute("SELECT min(local_day), max(local_day) FROM wellness").fetchone()
first, last = (date.fromisoformat(d) for d in span)
weeks = [first - timedelta(days=first.weekday()) + timedelta(weeks=n) for n in range((last - first).days // 7 + 2)]
reports = {"weeks": [week_report(store, config, w, as_of=last) for w in weeks],
           "history": history(store, config, len(weeks), last, as_of=last),
           "days": [day_report(store, config, last - timedelta(days=n)) for n in range(0, 1826, 97)]}
print(json.dumps({key: as_json(value) for key, value in reports.items()}, sort_keys=True))
"""


def run(python: str, script: str, store: Path, cwd: Path | None = None) -> str:
    out = subprocess.run([python, "-c", script, str(store)], capture_output=True, text=True, check=True, cwd=cwd)
    return out.stdout.strip().splitlines()[-1]


def size_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.glob(f"{DB}*")) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old_store", type=Path)
    parser.add_argument("--baseline", type=Path, help="the older wearsync's checkout (with .venv) to compare reports")
    args = parser.parse_args()
    if not (args.old_store / DB).exists():
        sys.exit(f"{args.old_store / DB} is missing")
    with tempfile.TemporaryDirectory(dir=args.old_store.parent) as work:
        copy = Path(work) / "store"
        copy.mkdir(mode=0o700)
        for part in args.old_store.glob(f"{DB}*"):
            shutil.copy(part, copy / part.name)
        before = size_mb(copy)
        opened = json.loads(run(sys.executable, OPEN, copy))
        after = size_mb(copy)
        print(
            f"migration of {args.old_store}: {opened['seconds']:.1f} s, peak memory {opened['peak_mb']:.0f} MB; "
            f"store {before:.0f} MB before, {after:.0f} MB after"
        )
        if args.baseline:
            old = run(str(args.baseline / ".venv" / "bin" / "python"), REPORTS, args.old_store, cwd=args.baseline)
            new = run(sys.executable, REPORTS, copy)
            digest = {
                name: hashlib.sha256(text.encode()).hexdigest()[:16] for name, text in (("old", old), ("new", new))
            }
            weeks = len(json.loads(new)["weeks"])
            print(
                f"reports ({weeks} weeks, the history, 19 days): old code on the old store {digest['old']}, "
                f"this code on the migrated store {digest['new']}: {'IDENTICAL' if old == new else 'DIFFERENT'}"
            )
            if old != new:
                sys.exit("bench: the reports differ after the migration")
        conn = sqlite3.connect(copy / DB)
        conn.execute("VACUUM")
        conn.close()
        print(f"store after VACUUM: {size_mb(copy):.0f} MB")


if __name__ == "__main__":
    main()
