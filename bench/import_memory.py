"""Peak memory and time of importing one large activity file, this tree against a baseline tree.

Writes a ~30 MB activity FIT file (one record a second for about ten days: timestamp,
position, distance, altitude, speed, heart rate, cadence, power, temperature and the
enhanced speed and altitude, 34 bytes a record; a file_id, a session and an activity
message around them) into a temporary folder, then imports it into a fresh store in a
fresh process with `import_paths` (one process, no workers) and reports that process's
peak RSS (VmHWM), wall time and CPU time (the machine may be shared: CPU time is the
steadier of the two). With `--baseline-tree` the same is done with the
importer of another checkout, run by that checkout's own virtualenv (the package maps
`wearsync.sync` to `sync/`, so only an install of that tree imports it):

    git worktree add --detach /tmp/ws-old 2784c3e
    python3.12 -m venv /tmp/ws-old/.venv && /tmp/ws-old/.venv/bin/pip install -q -e /tmp/ws-old
    .venv/bin/python bench/import_memory.py --baseline-tree /tmp/ws-old [--mb 30]

Issue 9's goal: importing a 30 MB activity file peaks at <= 300 MB.
"""

from __future__ import annotations

import argparse
import json
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project root, for tests

from tests.fit_raw import BASE, field, fit_time, message  # noqa: E402
from wearsync.sync.fit_crc import crc16  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
START_UNIX = 1_748_761_200  # 2025-06-01T07:00:00Z
OFFSET_S = 7_200  # the activity's own local time is UTC+2
SERIAL = 3_912_345_678
# record (20) fields: (number, base type, numpy type); little-endian
RECORD_FIELDS = [
    (253, "uint32", "<u4"),  # timestamp
    (0, "sint32", "<i4"),  # position_lat (semicircles)
    (1, "sint32", "<i4"),  # position_long
    (5, "uint32", "<u4"),  # distance, 1/100 m
    (2, "uint16", "<u2"),  # altitude, 5 * (m + 500)
    (6, "uint16", "<u2"),  # speed, mm/s
    (3, "uint8", "u1"),  # heart_rate
    (4, "uint8", "u1"),  # cadence
    (7, "uint16", "<u2"),  # power
    (13, "sint8", "i1"),  # temperature
    (73, "uint32", "<u4"),  # enhanced_speed
    (78, "uint32", "<u4"),  # enhanced_altitude
]
RECORD_LOCAL = 1

CHILD = r"""
import json, resource, sqlite3, sys, time
from pathlib import Path


def peak_mb():
    # VmHWM, this process's own high-water mark: ru_maxrss after fork and exec starts at the
    # parent's RSS at the fork (Linux keeps the old mm's peak), which here is the file's writer.
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


fit, home = Path(sys.argv[1]), Path(sys.argv[2])
from wearsync.store import Store
import wearsync.sync.fit_import as fit_import
loaded = peak_mb()
store = Store.open(home)
start = time.perf_counter()
summary = fit_import.import_paths(store, [fit], workers=1)
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
peak, cpu = peak_mb(), usage.ru_utime + usage.ru_stime
try:  # heart rate as series (this tree), or a row a reading (a baseline from before them)
    readings = store.conn.execute("SELECT coalesce(sum(n), 0) FROM hr_series").fetchone()[0]
except sqlite3.OperationalError:
    readings = store.conn.execute("SELECT count(*) FROM hr_readings").fetchone()[0]
print(json.dumps({"seconds": seconds, "cpu_s": cpu, "peak_mb": peak, "loaded_mb": loaded, "readings": readings,
                  "outcomes": [(o.outcome, o.message) for o in summary.outcomes],
                  "importer": fit_import.__file__}))
"""


def activity_file(target_bytes: int) -> tuple[bytes, int]:
    """A whole activity FIT file of about `target_bytes` (see the module docstring), and its record count."""
    dtype = np.dtype([("header", "u1")] + [(f"f{num}", np_type) for num, _base, np_type in RECORD_FIELDS])
    count = target_bytes // dtype.itemsize
    seconds = np.arange(count, dtype=np.int64)
    records = np.zeros(count, dtype)
    records["header"] = RECORD_LOCAL
    records["f253"] = fit_time(START_UNIX) + seconds
    # a 10 km loop at 3 m/s, over and over, hilly; heart rate 110-170 with the hills
    angle = 2 * np.pi * ((seconds * 3) % 10_000) / 10_000
    semicircles = 2**31 / 180
    records["f0"] = ((47.0 + 0.014 * np.sin(angle)) * semicircles).astype(np.int32)
    records["f1"] = ((8.5 + 0.021 * np.cos(angle)) * semicircles).astype(np.int32)
    records["f5"] = (seconds * 300) % 2**32
    altitude_m = 500 + 80 * np.sin(3 * angle)
    records["f2"] = ((altitude_m + 500) * 5).astype(np.uint16)
    records["f78"] = ((altitude_m + 500) * 5).astype(np.uint32)
    records["f6"] = 3_000 + (seconds % 7) * 20
    records["f73"] = records["f6"]
    records["f3"] = (140 + 30 * np.sin(3 * angle) + seconds % 3).astype(np.uint8)
    records["f4"] = 85 + seconds % 5
    records["f7"] = (220 + 60 * np.sin(3 * angle)).astype(np.uint16)
    records["f13"] = 18 + (seconds // 3600) % 10
    definition = struct.pack("<BBBHB", 0x40 | RECORD_LOCAL, 0, 0, 20, len(RECORD_FIELDS)) + b"".join(
        struct.pack("<BBB", num, np.dtype(np_type).itemsize, BASE[base][0]) for num, base, np_type in RECORD_FIELDS
    )
    start, end = fit_time(START_UNIX), fit_time(START_UNIX) + count - 1
    file_id = message(
        0,
        field(0, "enum", 4),
        field(1, "uint16", 1),
        field(2, "uint16", 3121),
        field(3, "uint32z", SERIAL),
        field(4, "uint32", start),
    )
    session = message(
        18,
        field(253, "uint32", end),
        field(2, "uint32", start),
        field(5, "enum", 1),
        field(7, "uint32", (count - 1) * 1000),
        field(8, "uint32", (count - 1) * 1000),
        field(11, "uint16", 9_000),
        field(16, "uint8", 140),
        field(17, "uint8", 171),
    )
    activity = message(34, field(253, "uint32", end), field(5, "uint32", end + OFFSET_S))
    body = b"".join([file_id, definition, records.tobytes(), session, activity])
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    header += struct.pack("<H", crc16(header, 0, len(header)))
    data = header + body
    return data + struct.pack("<H", crc16(data, 0, len(data))), count


def measure(python: Path, fit: Path, cwd: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="wearsync-mem-") as home:
        script = Path(home) / "child.py"
        script.write_text(CHILD)
        out = subprocess.run(
            [str(python), str(script), str(fit), str(Path(home) / "store")], cwd=cwd, capture_output=True, text=True
        )
    if out.returncode:
        sys.exit(f"the import under {python} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=30, help="size of the activity file (MB, 10^6 bytes)")
    parser.add_argument("--baseline-tree", type=Path, help="another checkout with its own .venv")
    args = parser.parse_args()
    trees = {"this tree": (Path(sys.executable), ROOT)}
    if args.baseline_tree:
        python = args.baseline_tree / ".venv" / "bin" / "python"
        if not python.exists():
            sys.exit(f"{python} is missing: create the baseline's venv first (see --help)")
        trees[f"baseline {args.baseline_tree}"] = (python, args.baseline_tree)
    with tempfile.TemporaryDirectory(prefix="wearsync-big-") as folder:
        fit = Path(folder) / "big-activity.fit"
        started = time.perf_counter()
        data, records = activity_file(int(args.mb * 1e6))
        fit.write_bytes(data)
        print(
            f"{len(data) / 1e6:.1f} MB activity file, {records:,} records of 34 bytes "
            f"(written in {time.perf_counter() - started:.0f} s)",
            file=sys.stderr,
        )
        results = {}
        for name, (python, tree) in trees.items():
            print(f"importing with {name} ...", file=sys.stderr)
            results[name] = measure(python, fit, tree)
    print(f"{len(data) / 1e6:.1f} MB activity file, {records:,} records")
    print(f"{'':30} {'peak MB':>8} {'after imports MB':>17} {'seconds':>8} {'CPU s':>6} {'readings':>9}  outcome")
    for name, r in results.items():
        outcome = r["outcomes"][0] if r["outcomes"] else ("none", "")
        print(
            f"{name:30} {r['peak_mb']:8.0f} {r['loaded_mb']:17.0f} {r['seconds']:8.1f} {r['cpu_s']:6.1f} "
            f"{r['readings']:9,}  "
            f"{outcome[0]}{': ' + outcome[1] if outcome[1] else ''}"
        )
    new = results["this tree"]
    verdict = "met" if new["peak_mb"] <= 300 else "NOT met"
    print(f"goal (issue 9): peak <= 300 MB for a 30 MB activity: {verdict} ({new['peak_mb']:.0f} MB)")
    if len(results) > 1:
        old = results[next(n for n in results if n != "this tree")]
        print(
            f"this tree / baseline: peak {new['peak_mb'] / old['peak_mb']:.2f}x, "
            f"time {new['seconds'] / old['seconds']:.2f}x, CPU {new['cpu_s'] / old['cpu_s']:.2f}x"
        )


if __name__ == "__main__":
    main()
