"""How fast the dashboard shows data: first complete frame (5-year store, empty store), and drop to week.

    .venv/bin/python bench/dashboard_bench.py [--work DIR]

First frame is measured two ways: a real `python -m wearsync dashboard` process in tmux
(process start to the week's last line on screen: what a person waits for), and in-process with
Textual's headless driver (build_app until the store's last, data-filled week is shown). On the
5-year store the tmux runs are taken twice: with the week the last run kept matching (drawn as
current before polars loads: docs/architecture.md, The first frame), and with the store changed
since (the kept week is drawn labelled "updating…": timed both to that and to the fresh week). A fresh
5-year store has no analytics cache yet; its first report builds it, so that case is timed
apart (to the first frame with the view tabs, and to the complete week), and the other runs use
the store once its cache is built. The baseline is `python -c "import textual.app"`, run right
before each tmux run (`--runs` pairs, 5 by default): the machine's speed drifts between runs, so
each run is divided by its own baseline run and the median of those ratios is what compares.
The drop is the 1 MB Fenix 2 multisport activity from ../shared/fit pasted as a terminal drop
into the open app on the 5-year store, timed until its week is on screen.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from statistics import median
from typing import Any, NamedTuple

from textual.events import Paste
from textual.widgets import Static

sys.path.insert(0, str(Path(__file__).resolve().parent))
from history_gen import generate  # noqa: E402

from wearsync.config import Config  # noqa: E402
from wearsync.dashboard.app import build_app  # noqa: E402
from wearsync.dashboard.background import WARM_UP_AFTER_S  # noqa: E402
from wearsync.store import Store, snapshots  # noqa: E402

SHARED_FIT = Path(__file__).resolve().parents[2] / "shared" / "fit" / "python-fitparse" / "tests" / "files"
DROPPED = SHARED_FIT / "activity-large-fenxi2-multisport.fit"  # 1,044,262 bytes, real Fenix 2
HISTORY_END = date(2024, 12, 31)
# Issue 14's goals: first complete frame at most this many times the import baseline (5-year
# store, empty store); seconds for the complete week without cache and for a drop to its week.
GOAL_FULL_X, GOAL_EMPTY_X = 2.5, 1.6
GOAL_NO_CACHE_WEEK_S, GOAL_DROP_S = 1.5, 0.3


class Run(NamedTuple):
    """A tmux run and the baseline run just before it: wall and CPU seconds of each."""

    wall: float
    cpu: float
    base_wall: float
    base_cpu: float


def baseline() -> float:
    """Seconds for `python -c "import textual"`: what any Textual app pays before its first frame."""
    start, cpu = time.perf_counter(), _children_cpu()
    subprocess.run([sys.executable, "-c", "import textual.app"], check=True)
    CPU["baseline"].append(_children_cpu() - cpu)
    return time.perf_counter() - start


# CPU seconds beside the wall ones: on a shared machine the wall time measures the neighbours too.
CPU: dict[str, list[float]] = {"baseline": [], "tmux": []}
# The kept week's title while the week is computed afresh (dashboard/screens/week.py), and the
# seconds to the first frame showing it, per tmux run (its socket name).
UPDATING = "updating…"
STALE_FRAME: dict[str, float] = {}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _tree_cpu(pid: int) -> float:
    """CPU seconds used so far by process `pid` and its descendants (Linux /proc)."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))  # ppid, utime + stime
    tree, total = [pid], 0
    while tree:
        current = tree.pop()
        total += stats.get(current, (0, 0))[1]
        tree += [child for child, (parent, _) in stats.items() if parent == current]
    return total / os.sysconf("SC_CLK_TCK")


def tmux_first_frame(
    home: Path,
    marker: str = "fat change",
    timeout: float = 30,
    *,
    fresh: bool = False,
    linger: float = 0,
    python: Path | str = sys.executable,
) -> float:
    """Seconds from starting `wearsync dashboard` in tmux until `marker` (the week's last line) shows,
    with `fresh` the week computed afresh (not a kept one labelled "updating…"); its CPU seconds by
    then go to CPU["tmux"]. The kept week's labelled frame, if one showed before, goes to STALE_FRAME.
    `linger`: seconds the dashboard stays open after (to keep its week for the next run). `python`:
    the interpreter whose wearsync runs (another checkout's venv runs that checkout's code)."""
    socket = f"wearsync-bench-{uuid.uuid4().hex[:8]}"
    env = f"WEARSYNC_HOME={home} XDG_CONFIG_HOME={home / 'xdg'} TERM=xterm-256color"
    start = time.perf_counter()
    subprocess.run(
        [
            "tmux",
            "-L",
            socket,
            "new-session",
            "-d",
            "-s",
            "b",
            "-x",
            "120",
            "-y",
            "40",
            f"{env} {python} -m wearsync dashboard",
        ],
        check=True,
    )
    try:
        while time.perf_counter() - start < timeout:
            screen = subprocess.run(
                ["tmux", "-L", socket, "capture-pane", "-p", "-t", "b"], capture_output=True, text=True
            ).stdout
            if marker in screen and UPDATING in screen and not STALE_FRAME.get(socket):
                STALE_FRAME[socket] = time.perf_counter() - start
            if marker in screen and not (fresh and UPDATING in screen):
                seconds = time.perf_counter() - start
                pane = subprocess.run(
                    ["tmux", "-L", socket, "display", "-p", "-t", "b", "#{pane_pid}"], capture_output=True, text=True
                ).stdout
                CPU["tmux"].append(_tree_cpu(int(pane)))
                time.sleep(linger)
                return seconds
            time.sleep(0.01)
        raise RuntimeError(f"{marker!r} never appeared:\n{screen}")
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)


async def headless_first_frame(store: Store, today: date, marker: str) -> float:
    """Seconds from build_app until `marker` is on the screen, in-process."""
    start = time.perf_counter()
    app = build_app(Config(), store, today=today, poll_seconds=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        # Views fill themselves from workers: wait for the text, not for the first refresh.
        while marker not in " ".join(str(text.render()) for text in app.screen.query(Static)):
            assert time.perf_counter() - start < 60, f"{marker!r} never appeared"
            await pilot.pause(0.005)
        return time.perf_counter() - start


async def drop_to_week(store: Store, dropped: Path, today: date) -> tuple[float, str, float]:
    """Seconds from a drop's paste to its week's title on screen, the title, and the process's CPU
    seconds meanwhile (every thread: the import, the load and the drawing)."""
    app = build_app(Config(), store, today=today, poll_seconds=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        # the opening week shown first (else its own load, not the drop's, changes the title), and
        # the importer's modules loaded after it, as they are by the time a person drops a file
        # (WARM_UP_AFTER_S after the week shows)
        while not str(app.screen.query_one("#week-title", Static).render()) or any(
            w.group in ("load", "history") and not w.is_finished for w in app.workers
        ):
            await pilot.pause(0.005)
        await pilot.pause(WARM_UP_AFTER_S)
        while any(w.group == "warm" and not w.is_finished for w in app.workers):
            await pilot.pause(0.005)
        before = str(app.screen.query_one("#week-title", Static).render())
        start, cpu = time.perf_counter(), time.process_time()
        app.post_message(Paste(f"'{dropped}' "))
        while time.perf_counter() - start < 60:
            await pilot.pause(0.005)
            title = str(app.screen_stack[0].query_one("#week-title", Static).render())
            if title != before:
                return time.perf_counter() - start, title, time.process_time() - cpu
        raise RuntimeError("the dropped activity's week never showed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="keep the generated stores here (default: a temp dir)")
    parser.add_argument("--runs", type=int, default=5, help="tmux runs of each first frame (default 5)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="wearsync-dash-bench-"))
    full, pristine, empty = work / "five-years", work / "five-years-no-cache", work / "empty"
    if not (pristine / "wearsync.db").exists():
        t = time.perf_counter()
        generate(pristine, years=5, end=HISTORY_END).close()
        print(f"generated the 5-year store in {time.perf_counter() - t:.1f} s ({pristine})")
    Store.open(empty).close()
    os.environ["WEARSYNC_HOME"] = str(empty)  # nothing below may touch a real home
    base = sorted(baseline() for _ in range(3))[1]
    print(f"baseline: python -c 'import textual.app': median {base:.2f} s")

    def paired(home: Path, marker: str, *, before: Callable[[], None] | None = None, **options: Any) -> list[Run]:
        """`args.runs` tmux runs, each right after a run of the baseline (the machine's speed drifts
        between runs; a pair shares it); `before` readies the store for each run."""
        runs = []
        for _ in range(args.runs):
            if before:
                before()
            base_wall = baseline()
            wall = tmux_first_frame(home, marker, **options)
            runs.append(Run(wall, CPU["tmux"][-1], base_wall, CPU["baseline"][-1]))
        return runs

    def tmux_result(what: str, runs: list[Run], *, goal_s: float | None = None, goal_x: float | None = None) -> None:
        """The medians of `runs`: seconds, CPU seconds, and each run's ratio to its own baseline."""
        wall, cpu = median(r.wall for r in runs), median(r.cpu for r in runs)
        ratio, cpu_ratio = median(r.wall / r.base_wall for r in runs), median(r.cpu / r.base_cpu for r in runs)
        base_wall = median(r.base_wall for r in runs)
        against = ""
        if goal_s is not None:
            against = f" (goal ≤ {goal_s} s) {'OK' if wall <= goal_s else 'MISSED'}"
        if goal_x is not None:
            against = f" (goal ≤ {goal_x}× baseline) {'OK' if ratio <= goal_x else 'MISSED'}"
        print(
            f"{what}, median of {len(runs)}: {wall:.2f} s = {ratio:.1f}× its baseline run{against}; "
            f"CPU {cpu:.2f} s = {cpu_ratio:.1f}× the baseline's (its runs: median {base_wall:.2f} s)"
        )

    def result(what: str, seconds: float, *, goal_s: float | None = None, goal_x: float | None = None) -> None:
        against = ""
        if goal_s is not None:
            against = f" (goal ≤ {goal_s} s) {'OK' if seconds <= goal_s else 'MISSED'}"
        if goal_x is not None:
            against = f" (goal ≤ {goal_x}× baseline) {'OK' if seconds <= goal_x * base else 'MISSED'}"
        print(f"{what}: {seconds:.2f} s = {seconds / base:.1f}× baseline{against}")

    if shutil.which("tmux"):
        cold = work / "cold"

        def copy_pristine() -> None:
            shutil.rmtree(cold, ignore_errors=True)
            shutil.copytree(pristine, cold)

        for frame, marker, goal in (
            ("first frame with the view tabs", "Sources (s)", None),
            ("complete week (builds the analytics cache)", "fat change", GOAL_NO_CACHE_WEEK_S),
        ):
            try:
                tmux_result(
                    f"{frame}, real process in tmux, 5-year store without cache",
                    paired(cold, marker, before=copy_pristine, timeout=300, fresh=True),
                    **({"goal_s": goal} if goal else {}),
                )
            except RuntimeError as exc:
                print(f"{frame}, 5-year store without cache: {str(exc).splitlines()[0]}")
        shutil.rmtree(cold, ignore_errors=True)
    if not (full / "wearsync.db").exists():
        shutil.copytree(pristine, full)
        from wearsync.reports.week import week_report

        store = Store.open(full)
        t = time.perf_counter()
        week_report(store, Config(), HISTORY_END)
        store.close()
        print(f"built the analytics cache of the 5-year store in-process in {time.perf_counter() - t:.1f} s")
    if shutil.which("tmux"):
        tmux_first_frame(full, "fat change", fresh=True, linger=3)  # keeps its week for the runs below
        STALE_FRAME.clear()
        tmux_result(
            "first complete frame, real process in tmux, 5-year store, kept week matching",
            paired(full, "fat change"),
            goal_x=GOAL_FULL_X,
        )
        if STALE_FRAME:
            print(f"  WARNING: {len(STALE_FRAME)} of these runs drew the kept week as stale")

        def change() -> None:
            with Store.open(full) as store, store.transaction() as conn:
                snapshots.bump(conn)  # what any write does: the kept week is no longer current

        tmux_result(
            "first complete frame, real process in tmux, 5-year store, changed since its week was kept "
            "(to the fresh week)",
            paired(full, "fat change", before=change, fresh=True),
            goal_x=GOAL_FULL_X,
        )
        stale = sorted(STALE_FRAME.values())
        if stale:
            result(f"  the labelled kept week before it, median of {len(stale)}", stale[len(stale) // 2])
        tmux_result(
            "first complete frame, real process in tmux, empty store",
            paired(empty, "Welcome to wearsync"),
            goal_x=GOAL_EMPTY_X,
        )
    for name, home, goal, marker in (
        ("5-year store", full, GOAL_FULL_X, "fat change"),
        ("empty store", empty, GOAL_EMPTY_X, "Welcome to wearsync"),
    ):
        store = Store.open(home)
        runs = sorted(asyncio.run(headless_first_frame(store, HISTORY_END, marker)) for _ in range(3))
        store.close()
        result(f"first complete frame, in-process headless, {name}, median of 3", runs[1], goal_x=goal)

    drop_home = work / "drop"
    drops = []
    for _ in range(args.runs):
        shutil.rmtree(drop_home, ignore_errors=True)
        shutil.copytree(full, drop_home)
        store = Store.open(drop_home)
        drops.append(asyncio.run(drop_to_week(store, DROPPED, HISTORY_END)))
        store.close()
    seconds, title, cpu = sorted(drops)[len(drops) // 2]
    result(
        f"drop of a {DROPPED.stat().st_size / 1e6:.2f} MB activity to its week on screen "
        f"({title.split()[0]}), 5-year store, median of {len(drops)}",
        seconds,
        goal_s=GOAL_DROP_S,
    )
    print(f"  its CPU (the process's, every thread): {cpu:.2f} s")


if __name__ == "__main__":
    main()
