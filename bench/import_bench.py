"""Import all of ../shared/fit and compare with fitparse merely decoding the same files.

Each measurement runs in a fresh process so its peak memory (maxrss) is its own.
Prints wall time, MB/s, peak memory and the ratios; this machine is noisy, so
only the ratios within one run mean anything.

With `--baseline-tree PATH` the importer of another checkout (its own .venv, made as in
bench/import_memory.py's help) is measured beside this one: each import (1 process and
one per core) runs `--repeat` times in fresh processes, baseline and this tree taking turns,
and the medians are compared (issue 9: the gate may cost at most 10 %, new/old <= 1.10). The
verdict is on CPU time (the importing process and its workers): on a shared machine wall
time also measures the neighbours.

    .venv/bin/python bench/import_bench.py [--skip-fitparse] [--baseline-tree /tmp/ws-old] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
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
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
print(json.dumps({"seconds": seconds, "cpu_s": cpu, "files": len(files),
                  "bytes": sum(p.stat().st_size for p in files),
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "children_maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def measure(mode: str, python: Path = Path(sys.executable), tree: Path = ROOT, folder: Path = SHARED_FIT) -> dict:
    """`mode` ("fitparse", or the importer with that many processes) on the FIT files below
    `folder`, in a fresh process of `python` run in `tree`."""
    with tempfile.TemporaryDirectory() as home:
        script = Path(home) / "child.py"
        script.write_text(CHILD)
        out = subprocess.run(
            [str(python), str(script), mode, str(folder), str(Path(home) / "store")],
            capture_output=True,
            text=True,
            check=True,
            cwd=tree,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def median_run(runs: list[dict]) -> dict:
    """The median time of repeated runs, with the highest peak memory among them."""
    return {
        **runs[0],
        "seconds": statistics.median(r["seconds"] for r in runs),
        "cpu_s": statistics.median(r["cpu_s"] for r in runs),
        "all_seconds": [r["seconds"] for r in runs],
        "all_cpu_s": [r["cpu_s"] for r in runs],
        "maxrss_mb": max(r["maxrss_mb"] for r in runs),
        "children_maxrss_mb": max(r["children_maxrss_mb"] for r in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-fitparse", action="store_true", help="leave out the slow baseline")
    parser.add_argument("--baseline-tree", type=Path, help="another checkout with its own .venv to compare with")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each import; the median counts")
    args = parser.parse_args()
    if not SHARED_FIT.exists():
        sys.exit(f"{SHARED_FIT} is missing")
    trees = {"": (Path(sys.executable), ROOT)}
    if args.baseline_tree:
        python = args.baseline_tree / ".venv" / "bin" / "python"
        if not python.exists():
            sys.exit(f"{python} is missing: create the baseline's venv first (see bench/import_memory.py --help)")
        trees = {"baseline ": (python, args.baseline_tree), "": trees[""]}
    cores = os.cpu_count() or 1
    runs = {}
    if not args.skip_fitparse:
        runs["fitparse decode only"] = measure("fitparse")
    modes = {"1": "1 process", str(cores): f"{cores} processes"}
    repeated: dict[str, list[dict]] = {
        f"{tree}wearsync import, {label}": [] for label in modes.values() for tree in trees
    }
    for round_ in range(args.repeat):
        for mode, label in modes.items():
            # the trees take turns, the first one changing each round, so drift hits both alike
            order = list(trees.items()) if round_ % 2 == 0 else list(reversed(trees.items()))
            for tree, (python, path) in order:
                result = measure(mode, python, path)
                repeated[f"{tree}wearsync import, {label}"].append(result)
                print(f"round {round_ + 1}: {tree}wearsync import, {label}: {result['seconds']:.2f} s", file=sys.stderr)
    runs.update({name: median_run(r) for name, r in repeated.items()})
    first = next(iter(runs.values()))
    print(
        f"{first['files']} files, {first['bytes'] / 1e6:.1f} MB in {SHARED_FIT}"
        + (f"; medians of {args.repeat} runs" if args.repeat > 1 else "")
    )
    print(
        f"{'':45} {'seconds':>8} {'CPU s':>7} {'MB/s':>7} {'peak MB':>8} {'workers peak MB':>16}  runs: seconds / CPU s"
    )
    for name, r in runs.items():
        each = " ".join(
            f"{w:.2f}/{c:.2f}" for w, c in zip(r.get("all_seconds", []), r.get("all_cpu_s", []), strict=True)
        )
        print(
            f"{name:45} {r['seconds']:8.2f} {r['cpu_s']:7.2f} {r['bytes'] / 1e6 / r['seconds']:7.2f} "
            f"{r['maxrss_mb']:8.0f} {r['children_maxrss_mb']:16.0f}  {each}"
        )
    if "fitparse decode only" in runs:
        base = runs["fitparse decode only"]["seconds"]
        for name, r in runs.items():
            if name != "fitparse decode only":
                print(f"{name}: {base / r['seconds']:.1f}x faster than fitparse's decode alone")
    for tree in trees:
        one, many = runs[f"{tree}wearsync import, 1 process"], runs[f"{tree}wearsync import, {cores} processes"]
        print(f"{tree}{cores} processes vs 1: {one['seconds'] / many['seconds']:.2f}x")
    if args.baseline_tree:
        # CPU time (this process and its workers) is what the gate adds; wall time also
        # carries whatever else the shared machine is doing, so the verdict is on CPU time.
        for label in modes.values():
            new, old = runs[f"wearsync import, {label}"], runs[f"baseline wearsync import, {label}"]
            cpu, wall = new["cpu_s"] / old["cpu_s"], new["seconds"] / old["seconds"]
            print(
                f"new/old, {label}: CPU {cpu:.3f} ({'within' if cpu <= 1.10 else 'OVER'} the 1.10 allowed), "
                f"wall {wall:.3f}"
            )


if __name__ == "__main__":
    main()
