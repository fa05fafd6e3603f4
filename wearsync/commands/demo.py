"""`wearsync demo`: ten weeks of a made-up person's data in a separate store, opened in the dashboard."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date
from pathlib import Path

import platformdirs

from wearsync.commands import common
from wearsync.commands.intake import read_intake_csv, record_intake
from wearsync.config import APP, initial_text, load_config
from wearsync.errors import WearsyncError
from wearsync.private_files import private_folder
from wearsync.store import Store
from wearsync.sync.gate import DAYS_AHEAD_DONE
from wearsync.weight import read_weight_csv, record_weight

# `wearsync.demo` (the FIT encoder) and the importer are imported where used: every command's
# module is imported to build the parser, and they would slow `wearsync dashboard`'s first frame.
DEMO_WEEKS = 10
DEMO_SEED = 7
MARKER = "demo.json"  # what the demo folder was built for; also proves the folder is the demo's
BUILDING = "demo.building"  # there while the demo is being built
SETTINGS = "config.toml"  # the demo's own settings: its wearer


def register(sub) -> None:
    parser = sub.add_parser(
        "demo", help="build a demo store of ten weeks of made-up data and open the dashboard on it",
        description="Writes ten weeks of a made-up person's FIT files (activities with heart rate, "
                    "stair climbing, strength sets, all-day monitoring) and food log with Garmin's "
                    "official FIT encoder, imports them like any file, and opens the dashboard. The "
                    "demo lives in its own folder (wearsync's cache folder, e.g. ~/.cache/wearsync/demo) "
                    "with its own store and settings, never in your own store; it is rebuilt when the "
                    "end date changes or with --reset.",
        epilog="examples:\n  wearsync demo\n  wearsync demo --end 2026-03-15 --no-open\n  wearsync demo --reset",
    )
    parser.add_argument("--end", type=common.local_day(days_ahead=DAYS_AHEAD_DONE), default=None, metavar="DATE",
                        help="the demo's last day (default: today); the same date gives the same data")
    parser.add_argument("--reset", action="store_true",
                        help="start afresh: drop what was imported, logged or forgotten in the demo")
    parser.add_argument("--no-open", action="store_true", help="build the demo store only")
    parser.set_defaults(run=run_demo)


def demo_dir() -> Path:
    """Where the demo lives: wearsync's cache folder, apart from the person's data folder."""
    return Path(platformdirs.user_cache_dir(APP)) / "demo"


def keep_demo_wearer(store: Store) -> None:
    """Keep the made-up wearer with her data: `report` on the demo store then uses her settings."""
    from wearsync import demo
    from wearsync.reporting import WEARER_KEY

    with store.transaction() as conn:
        store.set_state(conn, WEARER_KEY, json.dumps(demo.WEARER))


def settings_text() -> str:
    """The demo's own settings file: the made-up wearer (her resting heart rate too), every
    other setting its default (the store keeps her too: `keep_demo_wearer`)."""
    from wearsync import demo

    text = initial_text(birth_year=demo.BIRTH_YEAR, sex="female", weight_kg=demo.WEIGHT_KG)
    return text.replace("# resting_hr = 0 ", f"resting_hr = {demo.HR_REST}", 1)


def left_for_drop(folder: Path) -> Path:
    """The demo's latest activity, left out of the import so that dropping it shows a drag-in."""
    return sorted((folder / "files" / "Activity").glob("*.fit"))[-1]


def build_demo(folder: Path, end: date, *, reset: bool = False) -> Store:
    """Write and import the demo files into `folder` unless they are already there for `end`."""
    from wearsync import demo
    from wearsync.sync.fit_import import import_paths

    wanted = {"end": end.isoformat(), "weeks": DEMO_WEEKS, "seed": DEMO_SEED}
    marker = folder / MARKER
    if not reset and marker.is_file() and json.loads(marker.read_text()) == wanted:
        return Store.open(folder)
    if folder.exists():
        if not (marker.is_file() or (folder / BUILDING).is_file()):
            raise WearsyncError(f"{folder} exists but is not a wearsync demo; move it away first")
        shutil.rmtree(folder)
    private_folder(folder)
    (folder / BUILDING).touch()   # a build cut short is still known as the demo's, and redone
    common.say(f"Writing the demo's FIT files ({DEMO_WEEKS} weeks to {end}) into {folder} ...")
    files = folder / "files"
    written = demo.write_demo_files(files, end=end, weeks=DEMO_WEEKS, seed=DEMO_SEED)
    held_back = left_for_drop(folder)
    fit_files = [p for p in written if p.suffix == ".fit" and p != held_back]
    (folder / SETTINGS).write_text(settings_text(), encoding="utf-8")
    store = Store.open(folder)
    with common.progress_bar("Importing the demo", len(fit_files)) as advance:
        summary = import_paths(store, fit_files, progress=lambda done, total, label: advance(Path(label).name))
    if summary.failed:
        raise WearsyncError(f"the demo's own files failed to import: {summary.to_json()}")
    record_intake(store, read_intake_csv(files / "intake.csv"), "csv")
    record_weight(store, read_weight_csv(files / "weight.csv"), "csv")
    keep_demo_wearer(store)
    marker.write_text(json.dumps(wanted))
    (folder / BUILDING).unlink()
    return store


def run_demo(args) -> int:
    from wearsync.commands.dashboard import at_a_terminal, needs_a_terminal, show

    if not args.no_open and not at_a_terminal():
        return needs_a_terminal("the demo's dashboard (or add --no-open)")
    end = args.end or date.today()
    folder = demo_dir()
    store = build_demo(folder, end, reset=args.reset)
    config = load_config(folder / SETTINGS, home=folder)
    common.say(f"Demo store: {folder} (ten weeks to {end}).")
    common.say(f"Report on it: wearsync --home {folder} --config {folder / SETTINGS} report")
    held_back = left_for_drop(folder)
    sha = hashlib.sha256(held_back.read_bytes()).hexdigest()
    if store.conn.execute("SELECT 1 FROM recordings WHERE sha256 = ?", (sha,)).fetchone():
        common.say(f"The demo's drag-in file {held_back.name} is imported already; `wearsync demo --reset` "
                   "leaves it out again.")
    else:
        common.say(f"To see a drag-in, drop {held_back} onto the dashboard's window "
                   "(the demo left that activity out of its import for this).")
    if args.no_open:
        store.close()
        return common.EXIT_OK
    return show(config, store, today=end)
