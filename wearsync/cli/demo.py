"""`wearsync demo`: ten weeks of a made-up person's data in a separate store, opened in the dashboard."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from wearsync.cli import common
from wearsync.config import load_config
from wearsync.store import Store
from wearsync.sync.gate import DAYS_AHEAD_DONE


def register(sub) -> None:
    parser = sub.add_parser(
        "demo",
        help="build a demo store of ten weeks of made-up data and open the dashboard on it",
        description="Writes ten weeks of a made-up person's FIT files (activities with heart rate, "
        "stair climbing, strength sets, all-day monitoring) and food log with Garmin's "
        "official FIT encoder, imports them like any file, and opens the dashboard. The "
        "demo lives in its own folder (wearsync's cache folder, e.g. ~/.cache/wearsync/demo) "
        "with its own store and settings, never in your own store; it is rebuilt when the "
        "end date changes or with --reset.",
        epilog="examples:\n  wearsync demo\n  wearsync demo --end 2026-03-15 --no-open\n  wearsync demo --reset",
    )
    parser.add_argument(
        "--end",
        type=common.local_day(days_ahead=DAYS_AHEAD_DONE),
        default=None,
        metavar="DATE",
        help="the demo's last day (default: today); the same date gives the same data",
    )
    parser.add_argument(
        "--reset", action="store_true", help="start afresh: drop what was imported, logged or forgotten in the demo"
    )
    parser.add_argument("--no-open", action="store_true", help="build the demo store only")
    parser.set_defaults(run=run_demo)


def run_demo(args) -> int:
    from wearsync.cli.dashboard import at_a_terminal, needs_a_terminal, show
    from wearsync.demo.build import (  # here: not on the path of every other command's start
        DEMO_WEEKS,
        SETTINGS,
        build_demo,
        demo_dir,
        demo_is_built,
        is_imported,
        left_for_drop,
    )

    if not args.no_open and not at_a_terminal():
        return needs_a_terminal("the demo's dashboard (or add --no-open)")
    end = args.end or date.today()
    folder = demo_dir()
    if args.reset or not demo_is_built(folder, end):
        common.say(f"Writing the demo's FIT files ({DEMO_WEEKS} weeks to {end}) into {folder} ...")
        with common.progress_bar("Importing the demo") as advance:
            build_demo(folder, end, progress=lambda _phase, _done, total, label: advance(Path(label).name, total))
    store = Store.open(folder)
    common.opened_stores.append(store)
    config = load_config(folder / SETTINGS, home=folder)
    common.say(f"Demo store: {folder} (ten weeks to {end}).")
    common.say(f"Report on it: wearsync --home {folder} --config {folder / SETTINGS} report")
    held_back = left_for_drop(folder)
    if is_imported(store, held_back):
        common.say(
            f"The demo's drag-in file {held_back.name} is imported already; `wearsync demo --reset` "
            "leaves it out again."
        )
    else:
        common.say(
            f"To see a drag-in, drop {held_back} onto the dashboard's window "
            "(the demo left that activity out of its import for this)."
        )
    if args.no_open:
        return common.EXIT_OK
    return show(config, store, today=end)
