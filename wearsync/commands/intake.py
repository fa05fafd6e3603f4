"""`wearsync log intake KCAL` and `wearsync log intake-csv FILE`: calories eaten, by hand.

For people whose food log is not in Garmin Connect. A person's own entry for a day replaces
any earlier own entry for it (a correction, never an addition) and beats Garmin's food log.
"""

from __future__ import annotations

import csv
import time
from datetime import date
from pathlib import Path

from wearsync.commands import common
from wearsync.errors import WearsyncError
from wearsync.store import Store

MAX_KCAL = 20_000  # more in one day is a typo, not a meal
OWN_SOURCES = ("manual", "csv")


class IntakeError(WearsyncError):
    """An intake value or file that cannot be stored."""


def record_intake(store: Store, entries: dict[date, int], source: str) -> dict[date, int | None]:
    """Store calories eaten per day as the person's own entries (one transaction).

    Returns, per day, the own entry it replaced (None when there was none).
    """
    for day, kcal in entries.items():
        if not 0 <= kcal <= MAX_KCAL:
            raise IntakeError(f"{day}: {kcal} kcal is outside 0-{MAX_KCAL:,}")
    replaced = {}
    now = int(time.time())
    with store.transaction() as conn:
        for day, kcal in sorted(entries.items()):
            row = conn.execute("SELECT kcal FROM intake WHERE local_day = ? AND source IN (?, ?) "
                               "ORDER BY entered_at DESC LIMIT 1", (day.isoformat(), *OWN_SOURCES)).fetchone()
            replaced[day] = row[0] if row else None
            conn.execute("DELETE FROM intake WHERE local_day = ? AND source IN (?, ?)", (day.isoformat(), *OWN_SOURCES))
            conn.execute("INSERT INTO intake (local_day, source, kcal, entered_at) VALUES (?, ?, ?, ?)",
                         (day.isoformat(), source, kcal, now))
    return replaced


def read_intake_csv(path: Path) -> dict[date, int]:
    """Rows of `date,kcal` (an optional header line); a later row for a day replaces an earlier one."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise IntakeError(f"{path}: cannot read ({exc.strerror})") from exc
    entries: dict[date, int] = {}
    for number, row in enumerate(csv.reader(text.splitlines()), 1):
        cells = [c.strip() for c in row]
        if not any(cells) or (number == 1 and cells[0].lower() in ("date", "day", "local_day")):
            continue
        if len(cells) < 2:
            raise IntakeError(f"{path}:{number}: expected date,kcal, got {','.join(row)!r}")
        try:
            entries[date.fromisoformat(cells[0])] = int(float(cells[1].replace(",", "")))
        except ValueError as exc:
            raise IntakeError(f"{path}:{number}: expected YYYY-MM-DD,kcal, got {','.join(row)!r}") from exc
    if not entries:
        raise IntakeError(f"{path}: no rows of date,kcal")
    return entries


def register(sub) -> None:
    log = sub.add_parser("log", help="log calories eaten by hand (for intake not in Garmin Connect)",
                         description="Record what you ate. A new value for a day replaces the old one.",
                         epilog="example: wearsync log intake 1850 --date 2023-07-01")
    kinds = log.add_subparsers(dest="what", metavar="WHAT", required=True)
    one = kinds.add_parser("intake", help="calories eaten on one day",
                           description="Record the calories eaten on one local day (default today); "
                           "a second entry for the same day replaces the first.",
                           epilog="example: wearsync log intake 1850 --date 2023-07-01")
    one.add_argument("kcal", type=int, nargs="?", metavar="KCAL")
    one.add_argument("--remove", type=date.fromisoformat, metavar="YYYY-MM-DD",
                     help="remove your own entry of this day instead (Garmin's food log, if any, counts again)")
    one.add_argument("--date", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                     help="the local day (default: today)")
    one.set_defaults(run=run_one)
    many = kinds.add_parser("intake-csv", help="calories eaten from a CSV file of date,kcal rows",
                            description="Import daily intake from a CSV file with one `date,kcal` row a day "
                            "(a header line is allowed). Values replace earlier entries for the same days.",
                            epilog="example: wearsync log intake-csv intake.csv   (rows like 2023-07-01,1850)")
    many.add_argument("file", type=Path, metavar="FILE")
    many.set_defaults(run=run_csv)


def run_one(args) -> int:
    if (args.kcal is None) == (args.remove is None):
        common.say("wearsync: error: give KCAL to log, or --remove DATE to remove a day's entry")
        return common.EXIT_ERROR
    _config, store = common.open_config_and_store(args)
    if args.remove:
        from wearsync.undo import remove_intake

        removed = remove_intake(store, args.remove)
        common.stdout.print(f"removed {removed:,} kcal eaten on {args.remove}" if removed is not None
                            else f"no entry of yours on {args.remove}: nothing removed")
        return common.EXIT_OK
    day = args.date or date.today()
    replaced = record_intake(store, {day: args.kcal}, "manual")[day]
    note = f" (replaces {replaced:,})" if replaced is not None else ""
    common.stdout.print(f"logged {args.kcal:,} kcal eaten on {day}{note}")
    return common.EXIT_OK


def run_csv(args) -> int:
    _config, store = common.open_config_and_store(args)
    replaced = record_intake(store, read_intake_csv(args.file), "csv")
    corrected = sum(old is not None for old in replaced.values())
    common.stdout.print(f"logged intake for {len(replaced)} days from {args.file} ({corrected} corrected)",
                        markup=False)
    return common.EXIT_OK
