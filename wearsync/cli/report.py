"""`wearsync report`: a day, a week or the last weeks against the guidance, as tables or JSON."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from rich.table import Table

from wearsync.cli import common
from wearsync.weight import to_unit

MAX_WEEKS = 520  # ten years of weeks: more is no report anyone reads, and costs minutes


def register(sub) -> None:
    parser = sub.add_parser(
        "report",
        help="a day, a week or the last weeks against the guidance",
        description="Show this week's cardio minutes, floors, strength days, energy balance and the two "
        "scores; or one week (ISO id such as 2020-W39), one local day, or the last N weeks. "
        "--json prints the same numbers for scripts.",
        epilog="examples:\n  wearsync report\n  wearsync report --week 2020-W39\n"
        "  wearsync report --day 2020-09-25 --json\n  wearsync report --weeks 8\n"
        "  wearsync --home ~/.cache/wearsync/demo report --weeks 10",
    )
    period = parser.add_mutually_exclusive_group()
    period.add_argument("--week", type=common.local_day(week=True), metavar="YYYY-Www",
                        help="an ISO week id; with weeks starting on another day than monday (analytics.week_start, "
                        "else Garmin Connect's), the week sharing at least four days with that ISO week")
    period.add_argument("--day", type=common.local_day(), metavar="YYYY-MM-DD", help="one local day")
    period.add_argument("--weeks", type=common.whole_number(1, MAX_WEEKS), metavar="N",
                        help=f"the last N weeks (1 to {MAX_WEEKS}), ending with this one")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON on stdout")
    parser.set_defaults(run=run)


def run(args) -> int:
    config, store = common.open_config_and_store(args, read_only=True)
    # polars and the analytics load here, not when the CLI builds its parser
    from wearsync import reporting
    from wearsync.analytics.weeks import week_start_for_id

    params = reporting.analytics_params(store, config)
    data: Any  # the report's JSON: a day's or week's object, or the history's list of weeks
    show: Callable[[Any], None]
    if args.day:
        data = reporting.day_report(store, config, args.day)
        show = _print_day
    elif args.weeks:
        data = reporting.history(store, config, args.weeks, date.today())
        show = _print_history
    else:
        start = week_start_for_id(args.week, params.week_start_index) if args.week else date.today()
        data = reporting.week_report(store, config, start)
        show = _print_week
    if args.json:
        common.print_json(data)
    else:
        show(data)
    return common.EXIT_OK


def _show(value, unit: str = "") -> str:
    if value is None:
        return "unknown"
    return f"{value:,}{unit}"


def _dash(value) -> str:
    return "-" if value is None else f"{value:,}"


def _table(title: str) -> Table:
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(width=30)
    table.add_column(justify="right", width=30)
    return table


def _print_day(day: dict) -> None:
    from wearsync.reporting import ORIGINS

    table = _table(f"{day['day']} ({day['week_id']}; daily data from {day['wellness_source'] or 'nowhere'})")
    hr, device = day["hr_minutes"], day["device_minutes"]
    table.add_row("steps", f"{_show(day['steps'])} of {day['steps_target']:,}")
    table.add_row("ascent / descent", f"{_show(day['ascent_m'] and round(day['ascent_m'], 1), ' m')} / "
                                      f"{_show(day['descent_m'] and round(day['descent_m'], 1), ' m')}")
    table.add_row("floors (3.048 m)", f"{_show(day['floors'])} of {day['floors_target']}")
    headline = {"device": "the device's", "heart_rate": "wearsync's heart-rate count"}.get(day["minutes_source"],
                                                                                          "none")
    table.add_row(f"intensity minutes ({headline})", f"{_show(day['moderate_minutes'])} mod + "
                                                     f"{_show(day['vigorous_minutes'])} vig")
    table.add_row("  active minutes (mod + vig)", _show(day["active_minutes"], " min"))
    table.add_row("  goal-equivalent (mod + 2 x vig)",
                  f"{_show(day['goal_minutes'])} {'(30 reached)' if day['reached_daily_target'] else ''}")
    table.add_row("device's count mod / vig", f"{_show(device['moderate'])} / {_show(device['vigorous'])} "
                                              f"({_show(device['goal'])} goal-equiv.)")
    table.add_row("heart-rate count mod / vig", f"{_show(hr['moderate'])} / {_show(hr['vigorous'])} "
                                                f"({_show(hr['goal'])} goal-equiv.)")
    table.add_row("strength sessions", str(day["strength_sessions"]))
    table.add_row("active / resting metabolic", f"{_show(day['active_kcal'])} / {_show(day['rmr_kcal'], ' kcal')}")
    table.add_row("burned", _show(day["burned_kcal"], " kcal"))
    eaten = _show(day["eaten_kcal"], " kcal") + (f" ({day['intake_source']})" if day["intake_source"] else "")
    table.add_row("eaten", eaten + (" UNDER THE FLOOR" if day["below_intake_floor"] else ""))
    table.add_row("deficit", _show(day["deficit_kcal"], " kcal"))
    readings = day["heart_rate"]
    table.add_row("heart-rate readings", f"{readings['values']:,} ({_show(readings['min'])}-{_show(readings['max'])} bpm)")
    common.stdout.print(table)
    common.stdout.print(_minutes_note(hr, ORIGINS), markup=False)
    if day["device_increments"]:
        common.stdout.print("The device's minutes by time (mod/vig): " + ", ".join(
            f"{i['at']} {i['moderate']}/{i['vigorous']}" for i in day["device_increments"]), markup=False)
    common.stdout.print(_wearer_note(day["wearer"]), markup=False)
    common.stdout.print(_weight_line("weight", day["weight"], day["weight"]["weigh_in_kg"], day["weight"]["trend_kg"]),
                        markup=False)
    for a in day["activities"]:
        minutes = a["elapsed_s"] and round(a["elapsed_s"] / 60)
        common.stdout.print(f"  {a['sport'] or 'activity'} {a['sub_sport'] or ''}: {_show(minutes, ' min')}, "
                            f"{_show(a['calories'], ' kcal')}, avg HR {_show(a['avg_hr'])}"
                            f"{' (strength)' if a['strength'] else ''}", markup=False)


def _weight_line(label: str, weight: dict, first_kg: float | None, trend_kg: float | None) -> str:
    """`label first_kg, trend trend_kg; burned measured ± range a day by intake+trend, watch device`."""
    unit = weight["unit"]
    measured = "unknown" if weight["measured_kcal"] is None else (
        f"{weight['measured_kcal']:,} ± {weight['measured_range_kcal']:,}")
    return (f"{label} {_show(_in_unit(first_kg, unit), ' ' + unit)}, trend {_show(_in_unit(trend_kg, unit))}; "
            f"burned {measured} a day by intake+trend, watch {_show(weight['device_kcal'])}")


def _in_unit(kg: float | None, unit: str) -> float | None:
    value = to_unit(kg, unit)
    return None if value is None else round(value, 1)


def _minutes_note(hr: dict, origins: dict) -> str:
    resting = (f"resting {hr['resting_hr']} ({origins.get(hr['resting_hr_from'], hr['resting_hr_from'])}), "
               if hr["resting_hr"] is not None else "no resting heart rate known, ")
    return (f"wearsync's heart-rate count, zones {origins[hr['zones_by']]}: moderate from "
            f"{hr['moderate_from_bpm']} bpm, vigorous from {hr['vigorous_from_bpm']} bpm ({resting}max "
            f"{hr['max_hr']}, {origins.get(hr['max_hr_from'], hr['max_hr_from'])}); a minute counts only inside "
            f"an activity or with movement in or next to it, and not alone; {_show(hr['minutes_with_readings'])} "
            f"minutes had a reading, {_show(hr['minutes_without_reading'])} none. The device counts with its own "
            f"zones, steps and bouts, so the two can differ (docs/metrics.md).")


def _wearer_note(wearer: dict) -> str:
    sex = wearer["sex"] or "not known (the higher intake floor applies)"
    return (f"Wearer: born {wearer['birth_year']} ({wearer['birth_year_from']}), sex {sex} ({wearer['sex_from']}); "
            f"intake floor {wearer['intake_floor_kcal']:,} kcal; weeks start {wearer['week_start']} "
            f"({wearer['week_start_from']}). Set wearer.birth_year and wearer.sex in the config.")


def _print_week(week: dict) -> None:
    cardio, energy, floors, strength = week["cardio"], week["energy"], week["floors"], week["strength"]
    table = _table(f"{week['week_id']}: {week['week_start']} to {week['week_end']}")
    table.add_row("days worn (so far)", f"{week['days_with_data']} of 7 ({week['days_so_far']} days lived)")
    table.add_row("cardio score (0-100)",
                  f"{_show(cardio['score']) if cardio['score'] is not None else 'not enough data'} "
                  f"({_show(cardio['goal_minutes'])} of {cardio['target_minutes']} goal-equivalent min)")
    table.add_row("  moderate + vigorous", f"{_show(cardio['moderate_minutes'])} + {_show(cardio['vigorous_minutes'])}"
                                           f" = {_show(cardio['active_minutes'])} active min")
    table.add_row("  heart rate / device", f"{_show(cardio['hr_goal_minutes'])} / "
                                           f"{_show(cardio['device_goal_minutes'])} goal-equiv.")
    table.add_row(f"  days with {cardio['daily_minutes_target']}+ min",
                  f"{cardio['days_reaching_daily']} of {cardio['days_target']}")
    if cardio["minutes_needed_per_remaining_day"] is not None:
        table.add_row("  still needed", f"{cardio['minutes_needed_per_remaining_day']} min a day for "
                                        f"{common.plural(cardio['remaining_days'], 'day')}")
    table.add_row("  streak", common.plural(cardio['streak_weeks'], 'week'))
    table.add_row("floors", f"{_show(floors['total'])} of {floors['target']}")
    table.add_row("strength days", f"{strength['days']} of {strength['guidance']}")
    table.add_row("deficit score (0-100)",
                  f"not enough data ({energy['days_scored']} of {week['days_so_far']} days with intake)"
                  if energy["score"] is None else
                  f"{energy['score']} ({_show(energy['credit_kcal'])} of {_show(energy['target_so_far_kcal'])} "
                  f"kcal over {energy['days_scored']} days)")
    table.add_row("  each day counts up to", f"{energy['daily_cap_kcal']:,} kcal (a surplus in full)")
    table.add_row("  burned - eaten = deficit", f"{_show(energy['burned_kcal'])} - {_show(energy['eaten_kcal'])} = "
                                                f"{_show(energy['deficit_kcal'], ' kcal')}")
    table.add_row("  over days with both known", f"{energy['days_deficit_known']}")
    table.add_row("  intake unknown / under floor", f"{energy['days_intake_unknown']} / {common.plural(energy['days_below_floor'], 'day')}")
    table.add_row("  projected fat change", f"up to {_show(energy['projected_fat_change_lb'], ' lb')}")
    common.stdout.print(table)
    # Fits 80 columns: short headings, "-" for unknown, nothing wraps.
    days = Table(show_header=True, title_justify="left", box=None, padding=(0, 1))
    for name in ("day", "goal", "hr/dev", "floors", "steps", "eaten", "deficit", "str"):
        days.add_column(name, justify="right", no_wrap=True)
    for d in week["days"]:
        days.add_row(d["day"][5:] + " " + date.fromisoformat(d["day"]).strftime("%a"), _dash(d["goal_minutes"]),
                     f"{_dash(d['hr_minutes']['goal'])}/{_dash(d['device_minutes']['goal'])}",
                     _dash(d["floors"]), _dash(d["steps"]),
                     _dash(d["eaten_kcal"]) + ("!" if d["below_intake_floor"] else ""),
                     _dash(d["deficit_kcal"]), str(d["strength_sessions"]))
    common.stdout.print(days)
    common.stdout.print(f"goal = goal-equivalent minutes (moderate + 2 x vigorous). Projection: "
                        f"{energy['projection_note']}. ! = intake under the floor.", markup=False)
    common.stdout.print(_weight_line("weight trend change", week["weight"], week["weight"]["trend_change_kg"],
                                     week["weight"]["trend_end_kg"]), markup=False)


def _print_history(weeks: list[dict]) -> None:
    table = Table(show_header=True)
    for name in ("week", "cardio", "goal-eq", "30+", "floors", "str", "deficit", "kcal", "streak", "trend"):
        table.add_column(name, justify="right")
    for w in weeks:
        c, unit = w["cardio"], w["weight"]["unit"]
        table.add_row(w["week_id"], _dash(c["score"]), _dash(c["goal_minutes"]), str(c["days_reaching_daily"]),
                      _dash(w["floors"]["total"]), str(w["strength"]["days"]), _dash(w["energy"]["score"]),
                      _dash(w["energy"]["deficit_kcal"]), str(c["streak_weeks"]),
                      _dash(_in_unit(w["weight"]["trend_end_kg"], unit)))
    common.stdout.print(table)
    common.stdout.print("cardio, deficit: scores 0-100 ('-': not enough data); goal-eq: goal-equivalent minutes "
                        "(moderate + 2 x vigorous); 30+: days with 30+ of them; str: strength days; kcal: net "
                        "deficit over the days with intake logged.", markup=False)
