"""`wearsync log intake KCAL` and `wearsync log intake-csv FILE`: calories eaten, by hand.

For people whose food log is not in Garmin Connect; the checks and the write are `wearsync.intake`'s.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from wearsync.cli import common, weight
from wearsync.intake import (
    check_intake,
    intake_warnings,
    read_intake_csv,
    record_intake,
)


def register(sub) -> None:
    log = sub.add_parser(
        "log",
        help="log calories eaten or your weight by hand",
        description="Record what you ate, or what you weighed. A new value for a day replaces the old one.",
        epilog="examples:\n  wearsync log intake 1850 --date 2023-07-01\n  wearsync log weight 81.4 --unit kg",
    )
    kinds = log.add_subparsers(dest="what", metavar="WHAT", required=True)
    one = kinds.add_parser(
        "intake",
        help="calories eaten on one day",
        description="Record the calories eaten on one local day (default today); "
        "a second entry for the same day replaces the first.",
        epilog="example:\n  wearsync log intake 1850 --date 2023-07-01",
    )
    one.add_argument(
        "kcal", nargs="?", metavar="KCAL", help="calories eaten, such as 1850 or 1850.5 (kept as whole kcal)"
    )
    common.day_entry_options(
        one, remove_help="remove your own entry of this day instead (Garmin's food log, if any, counts again)"
    )
    one.set_defaults(run=run_one)
    many = kinds.add_parser(
        "intake-csv",
        help="calories eaten from a CSV file of date,kcal rows or a food diary's export",
        description="Import daily intake from a CSV file with one `date,kcal` row a day "
        "(a header line is allowed; commas or semicolons), UTF-8 or UTF-16, or from a food "
        "diary's export with a date and a calories column among others: MyFitnessPal's "
        "Nutrition export (its meals are added up per day) or Cronometer's daily nutrition. "
        "Values replace earlier entries for the same days. Every row is checked first: a bad "
        "row is listed with its line and then nothing is stored. A day below the intake floor, "
        "of 0 kcal or still to come is stored with a warning.",
        epilog="examples (rows like 2023-07-01,1850):\n  wearsync log intake-csv intake.csv\n"
        "  wearsync log intake-csv myfitnesspal-nutrition.csv",
    )
    many.add_argument("file", type=Path, metavar="FILE")
    many.set_defaults(run=run_csv)
    weight.register(kinds)


def run_one(args) -> int:
    if (args.kcal is None) == (args.remove is None):
        common.say("wearsync: error: give KCAL to log, or --remove DATE to remove a day's entry")
        return common.EXIT_ERROR
    if args.remove:
        _config, store = common.open_config_and_store(args, create=True)
        from wearsync.undo import remove_intake

        removed = remove_intake(store, args.remove)
        common.stdout.print(
            f"removed {removed:,} kcal eaten on {args.remove}"
            if removed is not None
            else f"no entry of yours on {args.remove}: nothing removed"
        )
        return common.EXIT_OK
    day, kcal = check_intake(args.date or date.today(), args.kcal)
    config, store = common.open_config_and_store(args, create=True)
    replaced = record_intake(store, {day: kcal}, "manual")[day]
    note = f" (replaces {replaced:,})" if replaced is not None else ""
    common.stdout.print(f"logged {kcal:,} kcal eaten on {day}{note}")
    _warn(config, {day: kcal})
    return common.EXIT_OK


def run_csv(args) -> int:
    entries = read_intake_csv(args.file)
    config, store = common.open_config_and_store(args, create=True)
    replaced = record_intake(store, entries, "csv")
    corrected = sum(old is not None for old in replaced.values())
    common.stdout.print(
        f"logged intake for {common.plural(len(replaced), 'day')} from {args.file} ({corrected} corrected)",
        markup=False,
        soft_wrap=True,
    )
    _warn(config, entries)
    return common.EXIT_OK


def _warn(config, entries: dict[date, int]) -> None:
    from wearsync.reports.params import params_from_config

    for warning in intake_warnings(entries, params_from_config(config).intake_floor_kcal, date.today()):
        common.say(f"warning: {warning}")
