"""`wearsync report`: what the store holds for a local day."""

from __future__ import annotations

from datetime import date

from rich.table import Table

from wearsync.commands import common
from wearsync.store import Store

FLOOR_M = 3.048  # Garmin's ratio: one floor is ten feet


def register(sub) -> None:
    parser = sub.add_parser(
        "report",
        help="what the store holds for a day",
        description="Show a local day's steps, floors, calories, device intensity minutes, heart rate "
        "and activities.",
        epilog="example: wearsync report --day 2020-09-25 --json",
    )
    parser.add_argument("--day", type=date.fromisoformat, required=True, metavar="YYYY-MM-DD")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON on stdout")
    parser.set_defaults(run=run)


def run(args) -> int:
    _config, store = common.open_config_and_store(args)
    data = day_contents(store, args.day.isoformat())
    if args.json:
        common.print_json(data)
    else:
        _print(data)
    return common.EXIT_OK


def day_contents(store: Store, day: str) -> dict:
    """The stored values of one local day; None where nothing is known."""
    row = store.conn.execute(
        "SELECT source, steps, ascent_m, descent_m, active_kcal, bmr_kcal, total_kcal, moderate_min, "
        "vigorous_min, resting_hr FROM wellness WHERE local_day = ? "
        "ORDER BY source = 'garmin' DESC LIMIT 1",  # Garmin Connect merges every device's day
        (day,),
    ).fetchone()
    keys = ("source", "steps", "ascent_m", "descent_m", "active_kcal", "rmr_kcal", "total_kcal",
            "device_moderate_min", "device_vigorous_min", "resting_hr")
    wellness = dict(zip(keys, row)) if row else dict.fromkeys(keys)
    ascent = wellness["ascent_m"]
    hr = store.conn.execute(
        "SELECT COUNT(*), COUNT(bpm), MIN(bpm), MAX(bpm) FROM hr_readings "
        "WHERE date(ts + utc_offset_s, 'unixepoch') = ?",
        (day,),
    ).fetchone()
    activities = [
        dict(zip(("sport", "sub_sport", "start_utc", "elapsed_s", "calories", "avg_hr", "max_hr", "ascent_m",
                  "steps"), r))
        for r in store.conn.execute(
            "SELECT sport, sub_sport, start_utc, elapsed_s, calories, avg_hr, max_hr, ascent_m, steps "
            "FROM activities WHERE local_day = ? ORDER BY start_utc", (day,))
    ]
    return {
        "day": day,
        **wellness,
        "floors": None if ascent is None else round(ascent / FLOOR_M, 1),
        "heart_rate": {"values": hr[0], "empty": hr[0] - hr[1], "min": hr[2], "max": hr[3]},
        "activities": activities,
    }


def _rounded(metres: float | None) -> float | None:
    return None if metres is None else round(metres, 1)


def _print(data: dict) -> None:
    table = Table(title=f"{data['day']} ({data['source'] or 'no daily data'})", show_header=False)
    table.add_column(width=28)
    table.add_column(justify="right", width=24)

    def show(value, unit=""):
        return "unknown" if value is None else f"{value:,}{unit}"

    table.add_row("steps", show(data["steps"]))
    table.add_row("ascent / descent", f"{show(_rounded(data['ascent_m']), ' m')} / "
                                      f"{show(_rounded(data['descent_m']), ' m')}")
    table.add_row("floors (3.048 m)", show(data["floors"]))
    table.add_row("active calories", show(data["active_kcal"], " kcal"))
    table.add_row("resting metabolic rate", show(data["rmr_kcal"], " kcal/day"))
    table.add_row("device moderate / vigorous", f"{show(data['device_moderate_min'])} / "
                                                f"{show(data['device_vigorous_min'])} min")
    hr = data["heart_rate"]
    table.add_row("heart-rate readings", f"{hr['values']:,} ({show(hr['min'])}-{show(hr['max'])} bpm)")
    common.stdout.print(table)
    for a in data["activities"]:
        common.stdout.print(f"  {a['sport'] or 'activity'} {a['sub_sport'] or ''}: "
                            f"{show(a['elapsed_s'] and round(a['elapsed_s'] / 60), ' min')}, "
                            f"{show(a['calories'], ' kcal')}, avg HR {show(a['avg_hr'])}")
