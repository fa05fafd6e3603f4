"""`wearsync demo`: ten weeks of a made-up person's data in a separate store, opened in the dashboard."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

from wearsync.commands import common
from wearsync.commands.intake import read_intake_csv, record_intake
from wearsync.config import Config, load_config
from wearsync.errors import WearsyncError
from wearsync.store import Store

# `wearsync.demo` (the FIT encoder) and the importer are imported where used: every command's
# module is imported to build the parser, and they would slow `wearsync dashboard`'s first frame.
DEMO_WEEKS = 10
DEMO_SEED = 7
MARKER = "demo.json"  # what the demo folder was built for; also proves the folder is the demo's


def register(sub) -> None:
    parser = sub.add_parser(
        "demo", help="build a demo store of ten weeks of made-up data and open the dashboard on it",
        description="Writes ten weeks of a made-up person's FIT files (activities with heart rate, "
                    "stair climbing, strength sets, all-day monitoring) and food log with Garmin's "
                    "official FIT encoder, imports them like any file, and opens the dashboard. The "
                    "demo lives in its own folder, <data dir>/demo, never in your own store; it is "
                    "rebuilt only when the end date changes.",
        epilog="examples: wearsync demo\n  wearsync demo --end 2026-03-15 --no-open",
    )
    parser.add_argument("--end", type=date.fromisoformat, default=None, metavar="DATE",
                        help="the demo's last day (default: today); the same date gives the same data")
    parser.add_argument("--no-open", action="store_true", help="build the demo store only")
    parser.set_defaults(run=run_demo)


def demo_dir(config: Config) -> Path:
    """Where the demo lives: a `demo` folder inside the data directory, with its own store."""
    return config.data_dir / "demo"


def keep_demo_wearer(store: Store) -> None:
    """Keep the made-up wearer with her data: `report` on the demo store then uses her settings."""
    from wearsync import demo
    from wearsync.reporting import WEARER_KEY

    with store.transaction() as conn:
        store.set_state(conn, WEARER_KEY, json.dumps(demo.WEARER))


def left_for_drop(folder: Path) -> Path:
    """The demo's latest activity, left out of the import so that dropping it shows a drag-in."""
    return sorted((folder / "files" / "Activity").glob("*.fit"))[-1]


def build_demo(folder: Path, end: date) -> Store:
    """Write and import the demo files into `folder` unless they are already there for `end`."""
    from wearsync import demo
    from wearsync.sync.fit_import import import_paths

    wanted = {"end": end.isoformat(), "weeks": DEMO_WEEKS, "seed": DEMO_SEED}
    marker = folder / MARKER
    if marker.is_file() and json.loads(marker.read_text()) == wanted:
        return Store.open(folder)
    if folder.exists():
        if not marker.is_file():
            raise WearsyncError(f"{folder} exists but is not a wearsync demo; move it away first")
        shutil.rmtree(folder)
    files = folder / "files"
    written = demo.write_demo_files(files, end=end, weeks=DEMO_WEEKS, seed=DEMO_SEED)
    held_back = left_for_drop(folder)
    fit_files = [p for p in written if p.suffix == ".fit" and p != held_back]
    store = Store.open(folder)
    with common.progress_bar("Importing the demo", len(fit_files)) as advance:
        summary = import_paths(store, fit_files, progress=lambda done, total, label: advance(Path(label).name))
    if summary.failed:
        raise WearsyncError(f"the demo's own files failed to import: {summary.to_json()}")
    record_intake(store, read_intake_csv(files / "intake.csv"), "csv")
    keep_demo_wearer(store)
    marker.write_text(json.dumps(wanted))
    return store


def run_demo(args) -> int:
    config = load_config(args.config)
    end = args.end or date.today()
    folder = demo_dir(config)
    store = build_demo(folder, end)
    common.say(f"Demo store: {folder} (ten weeks to {end}).")
    common.say(f"To see a drag-in, drop {left_for_drop(folder)} onto the dashboard's window "
               "(the demo left that activity out of its import for this).")
    if args.no_open:
        store.close()
        return common.EXIT_OK
    from wearsync.dashboard.app import build_app

    try:
        build_app(config, store, today=end).run()
    finally:
        store.close()
    return common.EXIT_OK
