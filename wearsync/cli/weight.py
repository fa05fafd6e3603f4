"""`wearsync log weight VALUE` and `wearsync log weight-csv FILE`: weigh-ins, by hand.

For weights not from a scale file or Garmin Connect; the checks and the write are `wearsync.weight`'s.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from wearsync.cli import common
from wearsync.config import load_config
from wearsync.weight import UNITS, check_weight, read_weight_csv, record_weight, remove_weight, to_unit


def register(kinds) -> None:
    """Add `weight` and `weight-csv` to `wearsync log`."""
    one = kinds.add_parser(
        "weight",
        help="your weight on one day",
        description="Record your weight on one local day (default today), in kg or lb "
        "(default: wearer.weight_unit); stored in kg. A second entry for the same day "
        "replaces the first; weigh-ins from a scale stay beside it.",
        epilog="examples:\n  wearsync log weight 80.4 --date 2023-07-01\n  wearsync log weight 177 --unit lb",
    )
    one.add_argument("weight", nargs="?", metavar="VALUE", help="the weight, such as 80.4")
    one.add_argument("--unit", choices=UNITS, help="kg or lb (default: the config's wearer.weight_unit)")
    common.day_entry_options(one, remove_help="remove your own entry of this day instead (a scale's weigh-ins stay)")
    one.set_defaults(run=run_one)
    many = kinds.add_parser(
        "weight-csv",
        help="weights from a CSV file of date,weight[,unit] rows",
        description="Import weights from a CSV file with one `date,weight` or "
        "`date,weight,unit` row a day (unit kg or lb; a header line is allowed), UTF-8 or "
        "UTF-16. Values replace your earlier entries of the same days. Every row is checked "
        "first: a bad row is listed with its line and then nothing is stored.",
        epilog="example (rows like 2023-07-01,80.4,kg):\n  wearsync log weight-csv weights.csv",
    )
    many.add_argument("file", type=Path, metavar="FILE")
    many.add_argument("--unit", choices=UNITS, help="the unit of rows that name none (default: wearer.weight_unit)")
    many.set_defaults(run=run_csv)


def run_one(args) -> int:
    if (args.weight is None) == (args.remove is None):
        common.say("wearsync: error: give VALUE to log, or --remove DATE to remove a day's entry")
        return common.EXIT_ERROR
    unit = args.unit or load_config(args.config).wearer.weight_unit
    if args.remove:
        _config, store = common.open_config_and_store(args)
        removed = remove_weight(store, args.remove)
        common.stdout.print(
            f"removed {_weight(removed, unit)} logged on {args.remove}"
            if removed is not None
            else f"no entry of yours on {args.remove}: nothing removed"
        )
        return common.EXIT_OK
    day, kg = check_weight(args.date or date.today(), args.weight, unit)
    _config, store = common.open_config_and_store(args)
    replaced = record_weight(store, {day: kg}, "manual")[day]
    note = f" (replaces {_weight(replaced, unit)})" if replaced is not None else ""
    common.stdout.print(f"logged {_weight(kg, unit)} on {day}{note}")
    return common.EXIT_OK


def run_csv(args) -> int:
    entries = read_weight_csv(args.file, args.unit or load_config(args.config).wearer.weight_unit)
    _config, store = common.open_config_and_store(args)
    replaced = record_weight(store, entries, "csv")
    corrected = sum(old is not None for old in replaced.values())
    common.stdout.print(
        f"logged weights for {len(replaced)} days from {args.file} ({corrected} corrected)", markup=False
    )
    return common.EXIT_OK


def _weight(kg: float, unit: str) -> str:
    return f"{to_unit(kg, unit):.1f} {unit}"
