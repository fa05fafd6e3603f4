"""Import all of ../shared/fit and compare with fitparse merely decoding the same files.

Each measurement runs in a fresh process so its peak memory (maxrss) is its own.
Prints wall time, MB/s, peak memory and the ratios; this machine is noisy, so
only the ratios within one run mean anything.

    .venv/bin/python bench/import_bench.py [--skip-fitparse]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_FIT = ROOT.parent / "shared" / "fit"

CHILD = r"""
import json, resource, sys, time, warnings
from pathlib import Path
mode, folder, home = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
files = sorted(p for p in folder.rglob("*") if p.suffix.lower() == ".fit")
start = time.perf_counter()
if mode == "fitparse":
    import fitparse
    warnings.simplefilter("ignore")
    for path in files:
        try:
            for _ in fitparse.FitFile(str(path), check_crc=False).get_messages():
                pass
        except Exception:
            pass
else:
    from wearsync.store import Store
    from wearsync.sync.fit_import import import_paths
    if __name__ == "__main__":
        import_paths(Store.open(Path(home)), [folder], workers=int(mode))
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "files": len(files),
                  "bytes": sum(p.stat().st_size for p in files),
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "children_maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def measure(mode: str) -> dict:
    with tempfile.TemporaryDirectory() as home:
        script = Path(home) / "child.py"
        script.write_text(CHILD)
        out = subprocess.run([sys.executable, str(script), mode, str(SHARED_FIT), str(Path(home) / "store")],
                             capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-fitparse", action="store_true", help="leave out the slow baseline")
    args = parser.parse_args()
    if not SHARED_FIT.exists():
        sys.exit(f"{SHARED_FIT} is missing")
    import os

    cores = os.cpu_count() or 1
    runs = {}
    if not args.skip_fitparse:
        runs["fitparse decode only"] = measure("fitparse")
    runs["wearsync import, 1 process"] = measure("1")
    runs[f"wearsync import, {cores} processes"] = measure(str(cores))
    first = next(iter(runs.values()))
    print(f"{first['files']} files, {first['bytes'] / 1e6:.1f} MB in {SHARED_FIT}")
    print(f"{'':36} {'seconds':>8} {'MB/s':>7} {'peak MB':>8} {'workers peak MB':>16}")
    for name, r in runs.items():
        print(f"{name:36} {r['seconds']:8.2f} {r['bytes'] / 1e6 / r['seconds']:7.2f} {r['maxrss_mb']:8.0f} "
              f"{r['children_maxrss_mb']:16.0f}")
    if "fitparse decode only" in runs:
        base = runs["fitparse decode only"]["seconds"]
        for name, r in runs.items():
            if name != "fitparse decode only":
                print(f"{name}: {base / r['seconds']:.1f}x faster than fitparse's decode alone")
    one, many = runs["wearsync import, 1 process"], runs[f"wearsync import, {cores} processes"]
    print(f"{cores} processes vs 1: {one['seconds'] / many['seconds']:.2f}x")


if __name__ == "__main__":
    main()
