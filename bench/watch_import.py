"""Import years of a watch's files with the real command line, and what the store is like after.

Issue 23: five years of a watch's files (8,082 files, 48 MB) took 608 s to import, 3.6× slower
than fitparse merely decoding them, because each file's import work grew with the store. This
bench imports the files bench/watch_years.py writes (FOLDER, or `--years N` of them written into
`--work`) with `wearsync --home NEWDIR import -q` of the tree under test (`--tree`, default this
checkout; any checkout with its own .venv), and prints each figure beside its baseline from the
same run, with issue 23's goals:

- the import: files and MB a second, wall and CPU time (the command's process and its workers)
  against fitparse merely decoding the same files in one process (`--fitparse-sample N`: N files
  drawn at random, the time scaled to all of them); goal: ≥ 50× fitparse. The files go in as two
  imports, oldest first: all but the last 200, then the last 200 (the total is their sum);
- the last 200 files into the store holding all the others against the same 200 into an empty
  store (goal: ≤ 1.2×);
- peak memory of the import's process tree: the largest process's peak RSS (getrusage of the
  waited-for tree, as import_bench.py reads it) and the sum of the tree's RSS sampled every 50 ms
  (goal: ≤ 300 MB);
- the store's size: the database and the kept originals apart (goal: db ≤ 120 MB);
- `Store.open` on that store and on a store with the first 10 files' originals, each in fresh
  processes, taking turns, the median of `--open-runs` (goal: ≤ 10 ms, and ≤ 1.2× the small one);
- the first `wearsync report --json` (it builds the analytics caches; goal ≤ 1.5 s) and
  `wearsync recordings --json`;
- the dashboard's first complete frame on that store, a real process in tmux
  (dashboard_bench.py's measurement), each run right after `python -c "import textual.app"`,
  the median of the ratios (goal ≤ 2.5×; judged on wall time, as dashboard_bench.py judges it).

With `--baseline-tree DIR` the same imports run with another checkout's code in the same run, and
its times and store are printed beside, with the ratios. The machine may be shared: CPU time is
printed beside every wall time, and a ratio is judged on CPU time (which the neighbours move less),
seconds on wall time (what a person waits).

    .venv/bin/python bench/watch_import.py --years 1 [--work DIR] [--fitparse-sample 400]
    .venv/bin/python bench/watch_import.py /tmp/watch5 [--baseline-tree /tmp/ws-old] [--skip-dashboard]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import watch_years  # noqa: E402
from import_bench import measure as measure_in_process  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LAST = 200
SMALL = 10  # kept originals in the small store Store.open is compared with
GOAL_X_FITPARSE = 50
GOAL_LAST_X = 1.2
GOAL_DB_MB = 120
GOAL_PEAK_MB = 300
GOAL_REPORT_S = 1.5
GOAL_FRAME_X = 2.5
GOAL_OPEN_MS = 10
GOAL_OPEN_X = 1.2

OPEN_CHILD = r"""
import sys, time
from pathlib import Path
from wearsync.store import Store
start = time.perf_counter()
store = Store.open(Path(sys.argv[1]))
seconds = time.perf_counter() - start
store.close()
print(seconds)
"""


@dataclass
class Run:
    """One command, measured: wall and CPU seconds (it and its waited-for descendants), the largest
    process's peak RSS, the sampled peak of the tree's summed RSS."""

    wall: float
    cpu: float
    maxrss_mb: float
    tree_mb: float
    returncode: int
    stdout: str = field(repr=False)
    stderr: str = field(repr=False)


def _tree_rss_mb(pid: int) -> float:
    """The summed RSS of `pid` and its descendants now (Linux /proc)."""
    parents, rss = {}, {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                rss[int(entry.name)] = int((entry / "statm").read_text().split()[1]) * page
            except (OSError, IndexError, ValueError):
                continue
    tree, total = [pid], 0
    while tree:
        current = tree.pop()
        total += rss.get(current, 0)
        tree += [child for child, parent in parents.items() if parent == current]
    return total / 2**20


def run(cmd: list[str], env: dict[str, str], *, check: bool = True) -> Run:
    """Run `cmd`, waiting for it with wait4 so its rusage (and its workers') is its own."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        peak, done = [0.0], threading.Event()

        def sample() -> None:
            while not done.wait(0.05):
                peak[0] = max(peak[0], _tree_rss_mb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = Run(
            wall,
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024,
            peak[0],
            proc.returncode,
            out.read(),
            err.read(),
        )
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {result.returncode}:\n{result.stderr[-2000:]}")
    return result


@dataclass
class Tree:
    """A checkout with its own .venv: the code a command runs."""

    path: Path
    label: str

    @property
    def python(self) -> Path:
        return self.path / ".venv" / "bin" / "python"

    def wearsync(self, home: Path, *args: str) -> list[str]:
        return [str(self.path / ".venv" / "bin" / "wearsync"), "--home", str(home), *args]


def link_tree(files: list[Path], source: Path, target: Path) -> Path:
    """`files` (below `source`) hard-linked (copied where links fail) at the same places below `target`."""
    for path in files:
        to = target / path.relative_to(source)
        to.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, to)
        except OSError:
            shutil.copy2(path, to)
    return target


def sizes_mb(home: Path) -> tuple[float, float]:
    """The database (with its -wal and -shm) and the kept originals of the store in `home`, MB."""
    db = sum(p.stat().st_size for p in home.glob("wearsync.db*"))
    originals = sum(p.stat().st_size for p in (home / "originals").rglob("*") if p.is_file())
    return db / 1e6, originals / 1e6


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


@dataclass
class Imported:
    home: Path
    head: Run  # all but the last LAST files
    tail: Run  # the last LAST files into the store holding the others
    tail_empty: Run  # the same into an empty store

    @property
    def wall(self) -> float:
        return self.head.wall + self.tail.wall

    @property
    def cpu(self) -> float:
        return self.head.cpu + self.tail.cpu


def import_all(tree: Tree, work: Path, head: Path, tail: Path, env: dict[str, str]) -> Imported:
    """The files into a new store as two imports (head, then tail), and tail into an empty store."""
    home = work / f"store-{tree.label}"
    empty = work / f"store-{tree.label}-last-{LAST}-only"
    for folder in (home, empty):
        shutil.rmtree(folder, ignore_errors=True)
    print(f"[{tree.label}] importing {head} ...", file=sys.stderr, flush=True)
    first = run(tree.wearsync(home, "import", "-q", str(head)), env)
    print(f"[{tree.label}]   {first.wall:.1f} s; the last {LAST} into an empty store ...", file=sys.stderr, flush=True)
    alone = run(tree.wearsync(empty, "import", "-q", str(tail)), env)
    print(f"[{tree.label}]   {alone.wall:.1f} s; the last {LAST} into the full store ...", file=sys.stderr, flush=True)
    last = run(tree.wearsync(home, "import", "-q", str(tail)), env)
    shutil.rmtree(empty)
    return Imported(home, first, last, alone)


def store_open_ms(tree: Tree, homes: list[Path], runs: int, env: dict[str, str]) -> list[float]:
    """Median milliseconds of `Store.open` on each of `homes`, fresh processes taking turns."""
    times: list[list[float]] = [[] for _ in homes]
    for _ in range(runs):
        for i, home in enumerate(homes):
            # -I: not the current folder's wearsync on sys.path, the tree's own
            out = run([str(tree.python), "-I", "-c", OPEN_CHILD, str(home)], env)
            times[i].append(float(out.stdout.strip().splitlines()[-1]) * 1000)
    return [statistics.median(t) for t in times]


def fitparse_decode(files: list[Path], folder: Path, sample: int | None, work: Path, seed: int) -> dict:
    """fitparse decoding `files` (or `sample` of them drawn at random, scaled to all) in a fresh
    process (import_bench.py's), with this checkout's venv."""
    chosen = files if not sample or sample >= len(files) else random.Random(seed).sample(files, sample)
    target = work / "fitparse-files"
    shutil.rmtree(target, ignore_errors=True)
    link_tree(chosen, folder, target)
    result = measure_in_process("fitparse", ROOT / ".venv" / "bin" / "python", ROOT, target)
    shutil.rmtree(target)
    scale = len(files) / len(chosen)
    total_bytes = sum(p.stat().st_size for p in files)
    return {
        "seconds": result["seconds"] * scale,
        "cpu_s": result["cpu_s"] * scale,
        "sampled": len(chosen) if scale != 1 else None,
        "scale": scale,
        "bytes": total_bytes,
        "maxrss_mb": result["maxrss_mb"],
    }


def first_frame(tree: Tree, home: Path, runs: int) -> tuple[float, float, float, float]:
    """dashboard_bench.py's tmux first frame on `home`: the median wall seconds, the median of the
    per-run ratios to `python -c "import textual.app"` run just before, the same for CPU."""
    import dashboard_bench  # imported here: it loads Textual and the dashboard

    dashboard_bench.tmux_first_frame(home, "fat change", 120, fresh=True, linger=3, python=tree.python)
    walls, ratios, cpus, cpu_ratios = [], [], [], []
    for _ in range(runs):
        base = dashboard_bench.baseline()
        wall = dashboard_bench.tmux_first_frame(home, "fat change", python=tree.python)
        walls.append(wall)
        ratios.append(wall / base)
        cpus.append(dashboard_bench.CPU["tmux"][-1])
        cpu_ratios.append(cpus[-1] / dashboard_bench.CPU["baseline"][-1])
    return statistics.median(walls), statistics.median(ratios), statistics.median(cpus), statistics.median(cpu_ratios)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", help="bench/watch_years.py's --out (default: --years of them)")
    parser.add_argument("--years", type=float, default=5, help="years to write when no FOLDER is given (default 5)")
    parser.add_argument("--work", type=Path, help="where the stores go (default: a temporary folder, removed)")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout under test (its .venv; default this)")
    parser.add_argument("--baseline-tree", type=Path, help="another checkout with its own .venv, imported alike")
    parser.add_argument("--fitparse-sample", type=int, help="decode N random files with fitparse and scale")
    parser.add_argument("--skip-fitparse", action="store_true")
    parser.add_argument("--skip-open", action="store_true", help="leave out Store.open")
    parser.add_argument("--skip-report", action="store_true", help="leave out report and recordings")
    parser.add_argument("--skip-dashboard", action="store_true")
    parser.add_argument("--open-runs", type=int, default=7, help="fresh processes per store for Store.open")
    parser.add_argument("--frame-runs", type=int, default=5, help="tmux first frames (each after its baseline)")
    parser.add_argument("--seed", type=int, default=1, help="of the fitparse sample")
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="wearsync-watch-import-"))
    work.mkdir(parents=True, exist_ok=True)
    folder = args.folder
    if folder is None:
        folder = work / f"watch-{args.years:g}-years"
        if not (folder / "GARMIN").exists():
            began = time.perf_counter()
            written = watch_years.generate(folder, args.years)
            print(f"wrote {len(written):,} files in {time.perf_counter() - began:.1f} s to {folder}", file=sys.stderr)
    trees = [Tree(args.tree.resolve(), "tree")]
    if args.baseline_tree:
        trees.append(Tree(args.baseline_tree.resolve(), "baseline"))
    for tree in trees:
        if not tree.python.exists():
            sys.exit(f"{tree.python} is missing: a tree needs its own .venv (tools/setup in it)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEARSYNC_")}
    env["XDG_CONFIG_HOME"] = str(work / "xdg")  # never the person's own settings

    files = watch_years.watch_files(folder)
    if len(files) <= LAST + SMALL:
        sys.exit(f"{folder} holds {len(files)} watch files: too few for the last {LAST}")
    mb = sum(p.stat().st_size for p in files) / 1e6
    head = link_tree(files[:-LAST], folder, work / "head")
    tail = link_tree(files[-LAST:], folder, work / "last")
    small = link_tree(files[:SMALL], folder, work / "small")
    print(f"{len(files):,} files, {mb:.1f} MB in {folder}; the tree under test: {trees[0].path}")

    decoded = None
    if not args.skip_fitparse:
        print("fitparse decoding ...", file=sys.stderr, flush=True)
        decoded = fitparse_decode(files, folder, args.fitparse_sample, work, args.seed)
    results = {tree.label: import_all(tree, work, head, tail, env) for tree in trees}
    ours = results["tree"]
    base = results.get("baseline")

    def rate(seconds: float) -> str:
        return f"{len(files) / seconds:7.1f} files/s {mb / seconds:6.2f} MB/s"

    print()
    print("import (wall / CPU; the CPU of the command and its workers):")
    if decoded:
        how = f"sampled {decoded['sampled']} files, scaled ×{decoded['scale']:.1f}" if decoded["sampled"] else "all"
        print(
            f"  fitparse decoding only ({how}): {decoded['seconds']:8.1f} s / {decoded['cpu_s']:8.1f} s CPU  "
            f"{rate(decoded['seconds'])}; peak {decoded['maxrss_mb']:.0f} MB"
        )
    for label, r in results.items():
        print(
            f"  {label:9} wearsync import: {r.wall:8.1f} s / {r.cpu:8.1f} s CPU  {rate(r.wall)}  "
            f"(all but the last {LAST}: {r.head.wall:.1f} s, then the last {LAST}: {r.tail.wall:.1f} s)"
        )
    if decoded:
        x_wall, x_cpu = decoded["seconds"] / ours.wall, decoded["cpu_s"] / ours.cpu
        print(
            f"  import against fitparse: {x_wall:.2f}× as fast (wall), {x_cpu:.2f}× (CPU); "
            f"goal ≥ {GOAL_X_FITPARSE}×: {verdict(x_cpu >= GOAL_X_FITPARSE)} (CPU)"
        )
    if base:
        print(f"  tree / baseline: wall {ours.wall / base.wall:.2f}×, CPU {ours.cpu / base.cpu:.2f}×")

    print(f"the last {LAST} files (wall / CPU):")
    for label, r in results.items():
        x_wall, x_cpu = r.tail.wall / r.tail_empty.wall, r.tail.cpu / r.tail_empty.cpu
        print(
            f"  {label:9} into the full store {r.tail.wall:6.2f} s / {r.tail.cpu:6.2f} s; into an empty store "
            f"{r.tail_empty.wall:6.2f} s / {r.tail_empty.cpu:6.2f} s: {x_wall:.2f}× / {x_cpu:.2f}×"
            + (f"; goal ≤ {GOAL_LAST_X}×: {verdict(x_cpu <= GOAL_LAST_X)} (CPU)" if label == "tree" else "")
        )

    print("peak memory of an import's process tree (largest process / sampled sum of the tree):")
    for label, r in results.items():
        runs = (r.head, r.tail, r.tail_empty)
        largest, summed = max(x.maxrss_mb for x in runs), max(x.tree_mb for x in runs)
        print(
            f"  {label:9} {largest:6.0f} MB / {summed:6.0f} MB"
            + (
                f"; goal ≤ {GOAL_PEAK_MB} MB: {verdict(max(largest, summed) <= GOAL_PEAK_MB)}"
                if label == "tree"
                else ""
            )
        )
    if decoded:
        print(f"  fitparse  {decoded['maxrss_mb']:6.0f} MB (one process)")

    print("the store on disk:")
    for label, r in results.items():
        db, originals = sizes_mb(r.home)
        print(
            f"  {label:9} database {db:7.1f} MB, kept originals {originals:6.1f} MB (the files: {mb:.1f} MB)"
            + (f"; goal db ≤ {GOAL_DB_MB} MB: {verdict(db <= GOAL_DB_MB)}" if label == "tree" else "")
        )

    if not args.skip_open:
        print(f"Store.open, median of {args.open_runs} fresh processes each, taking turns:")
        for tree in trees:
            small_home = work / f"store-{tree.label}-small"
            shutil.rmtree(small_home, ignore_errors=True)
            run(tree.wearsync(small_home, "import", "-q", str(small)), env)
            full_ms, small_ms = store_open_ms(tree, [results[tree.label].home, small_home], args.open_runs, env)
            goal = ""
            if tree.label == "tree":
                ok = full_ms <= GOAL_OPEN_MS and full_ms <= GOAL_OPEN_X * small_ms
                goal = f"; goal ≤ {GOAL_OPEN_MS} ms and ≤ {GOAL_OPEN_X}× the small store: {verdict(ok)}"
            print(
                f"  {tree.label:9} {len(files):,} originals {full_ms:6.1f} ms; {SMALL} originals {small_ms:6.1f} ms: "
                f"{full_ms / small_ms:.2f}×{goal}"
            )

    if not args.skip_report:
        print("the first report and the recordings (wall / CPU):")
        for tree in trees:
            home = results[tree.label].home
            report = run(tree.wearsync(home, "report", "--json"), env)
            json.loads(report.stdout)
            recordings = run(tree.wearsync(home, "recordings", "--json"), env)
            listed = len(json.loads(recordings.stdout))
            print(
                f"  {tree.label:9} first `report --json` {report.wall:6.2f} s / {report.cpu:6.2f} s, peak "
                f"{report.maxrss_mb:.0f} MB"
                + (
                    f" (goal ≤ {GOAL_REPORT_S} s: {verdict(report.wall <= GOAL_REPORT_S)})"
                    if tree.label == "tree"
                    else ""
                )
                + f"; `recordings --json` {recordings.wall:6.2f} s / {recordings.cpu:6.2f} s ({listed:,} listed)"
            )

    if not args.skip_dashboard:
        if shutil.which("tmux") is None:
            print("dashboard: tmux is missing, not measured")
        else:
            print(f"dashboard's first complete frame, real process in tmux, median of {args.frame_runs}:")
            for tree in trees:
                wall, ratio, cpu, cpu_ratio = first_frame(tree, results[tree.label].home, args.frame_runs)
                goal = f"; goal ≤ {GOAL_FRAME_X}×: {verdict(ratio <= GOAL_FRAME_X)}" if tree.label == "tree" else ""
                print(
                    f"  {tree.label:9} {wall:.2f} s = {ratio:.2f}× `import textual.app` run just before; "
                    f"CPU {cpu:.2f} s = {cpu_ratio:.2f}×{goal}"
                )
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
