"""All-day monitoring files from bytes to FitContent: the monitoring messages taken as columns
(sync/fit_monitoring_columns.py) against the per-message path, in the same process.

Run: .venv/bin/python bench/monitoring_extract.py [--weeks N] [--passes N] [--fit-dir DIR]

The files: the demo's monitoring days (`--weeks` of them, written by wearsync/demo/person.py) and
the monitoring files among the shared FIT files. Each pass times, in CPU time, the reader alone
(`iter_blocks`), then `extract(iter_blocks(...))` with the per-message path forced (no block taken
as rows: what the importer did before) and as it is, alternating; the best pass of each is printed
with the ratio. Every file's content is compared between the two paths first.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

from wearsync.demo.person import write_demo_files
from wearsync.sync.fit_decoder import WEARSYNC_MESSAGES, iter_blocks
from wearsync.sync.fit_monitoring_columns import MonitoringRows
from wearsync.sync.fit_records import extract

ROOT = Path(__file__).resolve().parents[1]
NOW = 1.9e9  # every file's times lie before this


def _shared(fit_dir: Path) -> list[bytes]:
    manifest = fit_dir / "MANIFEST.tsv"
    if not manifest.is_file():
        return []
    with manifest.open(newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["file_type"].startswith("monitoring")]
    return [(fit_dir / r["path"]).read_bytes() for r in rows]


def _extract_all(files: list[bytes]) -> list:
    return [extract(iter_blocks(data, "bench.fit", WEARSYNC_MESSAGES, []), "bench.fit", NOW) for data in files]


def _per_message(files: list[bytes]) -> list:
    of = MonitoringRows.of
    MonitoringRows.of = staticmethod(lambda block: None)  # type: ignore[method-assign]
    try:
        return _extract_all(files)
    finally:
        MonitoringRows.of = of  # type: ignore[method-assign]


def _decode_only(files: list[bytes]) -> None:
    for data in files:
        for _block in iter_blocks(data, "bench.fit", WEARSYNC_MESSAGES, []):
            pass


def _cpu(run, files: list[bytes]) -> float:
    started = time.process_time()
    run(files)
    return time.process_time() - started


def _plain(content) -> dict:
    return {k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in vars(content).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--fit-dir", type=Path, default=ROOT / ".." / "shared" / "fit")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        paths = write_demo_files(Path(folder), end=date(2026, 3, 1), weeks=args.weeks)
        demo = [p.read_bytes() for p in paths if p.parent.name == "Monitor"]
    sets = {"demo days": demo, "shared monitoring files": _shared(args.fit_dir)}
    for name, files in sets.items():
        if not files:
            continue
        same = sum(_plain(a) == _plain(b) for a, b in zip(_extract_all(files), _per_message(files), strict=True))
        best = {"reader alone": float("inf"), "per message": float("inf"), "columns": float("inf")}
        for _ in range(args.passes):
            best["reader alone"] = min(best["reader alone"], _cpu(_decode_only, files))
            best["per message"] = min(best["per message"], _cpu(_per_message, files))
            best["columns"] = min(best["columns"], _cpu(_extract_all, files))
        size = sum(map(len, files)) // 1024
        print(f"{name}: {len(files)} files, {size} KiB; the same content either way: {same} of {len(files)}")
        for what, seconds in best.items():
            print(f"  {what:13} {seconds * 1000:8.1f} ms CPU (best of {args.passes})")
        print(f"  per message / columns: {best['per message'] / best['columns']:.2f}x")


if __name__ == "__main__":
    main()
