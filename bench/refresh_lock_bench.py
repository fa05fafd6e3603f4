"""How long a full analytics refresh holds the write lock, and how long an import waits for it.

Builds the 5-year store of bench/history_gen.py, then on two copies of it runs a full refresh
while another process repeatedly times taking the write lock (`BEGIN IMMEDIATE`, as every
import transaction does) and lets go at once:

- chunked: `reports/cache.py refresh` as it is (a short transaction per chunk);
- baseline: the same refresh inside one write transaction, as the refresh was before.

Prints, for each, the refresh's time, its longest write-lock hold and the longest wait seen.

    .venv/bin/python bench/refresh_lock_bench.py [--years 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import sqlite3
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from history_gen import generate  # run as a script: bench/ is on sys.path

from wearsync.config import Config
from wearsync.reports import cache
from wearsync.reports.params import params_from_config
from wearsync.store import DB_NAME, Store

PROBE_PAUSE_S = 0.01


class TimedStore(Store):
    """A store that records how long each of its write transactions held the lock."""

    holds: list[float]
    outer: bool = False  # baseline: one transaction around everything, inner ones join it

    @contextmanager
    def transaction(self):
        if self.outer and self.conn.in_transaction:
            yield self.conn
            return
        with super().transaction() as conn:
            start = time.perf_counter()
            try:
                yield conn
            finally:
                self.holds.append(time.perf_counter() - start)


def probe(db: Path, stop, waits) -> None:
    """Take and release the write lock over and over; record each wait."""
    conn = sqlite3.connect(db, timeout=600, isolation_level=None)
    longest = 0.0
    count = 0
    while not stop.is_set():
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        longest = max(longest, time.perf_counter() - start)
        conn.execute("ROLLBACK")
        count += 1
        time.sleep(PROBE_PAUSE_S)
    waits.put((longest, count))


def run(home: Path, *, baseline: bool) -> dict:
    store = TimedStore.open(home)
    store.holds = []
    params = params_from_config(Config())
    context = multiprocessing.get_context("spawn")
    stop, waits = context.Event(), context.Queue()
    prober = context.Process(target=probe, args=(home / DB_NAME, stop, waits))
    prober.start()
    time.sleep(1.0)  # the prober is up and probing before the refresh starts
    start = time.perf_counter()
    if baseline:
        store.outer = True
        with Store.transaction(store):  # the refresh's own transactions join this one
            days = cache.refresh(store, params)
    else:
        days = cache.refresh(store, params)
    elapsed = time.perf_counter() - start
    stop.set()
    longest_wait, probes = waits.get()
    prober.join()
    hold = elapsed if baseline else max(store.holds)
    store.close()
    return {
        "days": len(days),
        "refresh_s": elapsed,
        "longest_hold_s": hold,
        "longest_wait_s": longest_wait,
        "transactions": 1 if baseline else len(store.holds),
        "probes": probes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build the store here (kept) instead of a temporary folder")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="ws-lock-bench-"))
    source = root / "source"
    started = time.perf_counter()
    generate(source, years=args.years).close()
    print(f"built a {args.years}-year store in {time.perf_counter() - started:.0f} s", flush=True)
    results = {}
    for name, baseline in (("chunked", False), ("baseline", True)):
        home = root / name
        shutil.copytree(source, home)
        results[name] = run(home, baseline=baseline)
        r = results[name]
        print(
            f"{name:9} refresh {r['refresh_s']:6.1f} s ({r['days']} days, {r['transactions']} write transactions):"
            f" longest write-lock hold {r['longest_hold_s']:.3f} s; a concurrent writer waited at most "
            f"{r['longest_wait_s']:.3f} s over {r['probes']} tries",
            flush=True,
        )
    if not args.keep:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
