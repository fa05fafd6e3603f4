"""`wearsync recordings` (what is stored) and `wearsync forget ID|PATH...` (take it back out)."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.table import Table

from wearsync.cli import common


def register(sub) -> None:
    listing = sub.add_parser(
        "recordings",
        help="list the stored recordings and Garmin days (id, source, file, device, days, outcome)",
        description="List what is stored, newest first: every imported FIT file and every day pulled from "
        "Garmin Connect, with the local days each covers. Use an id or path with `wearsync forget`.",
        epilog="examples:\n  wearsync recordings --day 2020-09-25\n  wearsync recordings --path Activity --json",
    )
    listing.add_argument("--day", type=common.local_day(), metavar="YYYY-MM-DD", help="only those covering this day")
    listing.add_argument("--path", metavar="TEXT", help="only those whose path holds TEXT")
    listing.add_argument("--json", action="store_true", help="print the list as JSON on stdout")
    listing.set_defaults(run=run_list)
    forget = sub.add_parser(
        "forget",
        help="remove recordings (or Garmin days) and everything they brought",
        description="Remove recordings by id or by the path they were imported from, or a Garmin Connect day as "
        "garmin:YYYY-MM-DD: their rows, their kept originals and the analytics they fed. The reports "
        "become what they were before the import. Asks first unless --yes.",
        epilog="examples:\n  wearsync forget 12\n  wearsync forget ~/watch/Activity/2020-09-25-07-00-00.fit\n"
        "  wearsync forget garmin:2020-09-25 --yes",
    )
    forget.add_argument("names", nargs="+", metavar="ID|PATH")
    forget.add_argument("--yes", action="store_true", help="do not ask (needed when not at a terminal)")
    forget.set_defaults(run=run_forget)


def run_list(args) -> int:
    _config, store = common.open_config_and_store(args, read_only=True)
    from wearsync.undo import stored_items

    items = stored_items(store, day=args.day, path=args.path)
    if args.json:
        common.print_json([i.to_json() for i in items])
        return common.EXIT_OK
    table = Table("id", "source", "file", "device", "local days", "outcome")
    for item in items:
        table.add_row(
            item.id,
            item.source,
            Path(item.path.split(":")[-1]).name or item.path,
            item.device or "",
            _days(item.local_days),
            item.outcome,
        )
    common.stdout.print(table)
    common.say(f"{common.plural(len(items), 'item')} stored; {_sizes(store.data_dir)}")
    return common.EXIT_OK


def _sizes(data_dir: Path) -> str:
    """The store's size on disk: the SQLite file (with its write-ahead log) and the kept originals."""
    from wearsync.store import DB_NAME, ORIGINALS

    database = sum(p.stat().st_size for p in data_dir.glob(DB_NAME + "*") if p.is_file())
    originals = sum(p.stat().st_size for p in (data_dir / ORIGINALS).rglob("*") if p.is_file())
    return f"in {data_dir}: database {_mb(database)}, kept originals {_mb(originals)}"


def _mb(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


def run_forget(args) -> int:
    _config, store = common.open_config_and_store(args)
    from wearsync.undo import forget, resolve

    items = resolve(store, args.names)
    for item in items:
        common.say(f"to forget: {item.id} {item.source} {item.path} ({_days(item.local_days) or 'no days'})")
    if not args.yes:
        if not sys.stdin.isatty():
            common.say("wearsync: error: not at a terminal: add --yes to forget without being asked")
            return common.EXIT_ERROR
        sys.stderr.write(f"Forget {common.plural(len(items), 'item')} and everything they brought? [y/N] ")
        sys.stderr.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            common.say("nothing forgotten")
            return common.EXIT_OK
    days = forget(store, items)
    common.say(f"forgot {common.plural(len(items), 'item')}; days affected: {_days(days) or 'none'}")
    return common.EXIT_OK


def _days(days: list[str]) -> str:
    return days[0] if len(days) == 1 else f"{days[0]}..{days[-1]} ({len(days)} days)" if days else ""
