"""`wearsync report`: a day, a week or the last weeks against the guidance, as tables or JSON."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from rich.table import Table

from wearsync.cli import common
from wearsync.weight import to_unit
from wearsync.wording import PENDING, streak

if TYPE_CHECKING:
    from wearsync.reports.models import Day, DayReport, DayWeight, Wearer, WeekReport, WeekWeight, WeightWindow

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
    period.add_argument(
        "--week",
        type=common.local_day(week=True),
        metavar="YYYY-Www",
        help="an ISO week id; with weeks starting on another day than monday (analytics.week_start, "
        "else Garmin Connect's), the week sharing at least four days with that ISO week",
    )
    period.add_argument("--day", type=common.local_day(), metavar="YYYY-MM-DD", help="one local day")
    period.add_argument(
        "--weeks",
        type=common.whole_number(1, MAX_WEEKS),
        metavar="N",
        help=f"the last N weeks (1 to {MAX_WEEKS}), ending with this one",
    )
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON on stdout")
    parser.set_defaults(run=run)


def run(args: Any) -> int:
    config, store = common.open_config_and_store(args, read_only=True)
    # polars and the analytics load here, not when the CLI builds its parser
    from wearsync.analytics.weeks import week_start_for_id
    from wearsync.reports.day import day_report
    from wearsync.reports.models import as_json
    from wearsync.reports.params import analytics_params
    from wearsync.reports.week import history, week_report

    report: Any
    if args.day:
        report = day_report(store, config, args.day)
        show: Any = _print_day
    elif args.weeks:
        report = history(store, config, args.weeks, date.today())
        show = _print_history
    else:
        week_start_index = analytics_params(store, config).week_start_index
        start = week_start_for_id(args.week, week_start_index) if args.week else date.today()
        report = week_report(store, config, start)
        show = _print_week
    if args.json:
        common.print_json(as_json(report))
    else:
        show(report)
    return common.EXIT_OK


def _show(value: float | None, unit: str = "") -> str:
    if value is None:
        return "unknown"
    return f"{value:,}{unit}"


def _dash(value: float | None) -> str:
    return "-" if value is None else f"{value:,}"


def _table(title: str) -> Table:
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(width=30)
    table.add_column(justify="right", width=30)
    return table


def _print_day(day: DayReport) -> None:
    from wearsync.reports.origins import ORIGINS

    targets = day.targets
    table = _table(f"{day.local_day} ({day.week_id}; daily data from {day.wellness_source or 'nowhere'})")
    table.add_row("steps", f"{_show(day.steps)} of {targets.steps_per_day:,}")
    table.add_row(
        "ascent / descent",
        f"{_show(day.ascent_m and round(day.ascent_m, 1), ' m')} / "
        f"{_show(day.descent_m and round(day.descent_m, 1), ' m')}",
    )
    table.add_row("floors (3.048 m)", f"{_show(day.floors)} of {targets.floors_per_day}")
    headline = {"device": "the device's", "heart_rate": "wearsync's heart-rate count"}.get(
        day.minutes_source or "", "none"
    )
    table.add_row(f"intensity minutes ({headline})", f"{_show(day.moderate_min)} mod + {_show(day.vigorous_min)} vig")
    table.add_row("  active minutes (mod + vig)", _show(day.active_minutes, " min"))
    table.add_row(
        "  goal-equivalent (mod + 2 x vig)",
        f"{_show(day.goal_minutes)} {'(30 reached)' if day.reached_daily_target else ''}",
    )
    table.add_row("  minutes setting", targets.minutes_source)
    table.add_row(
        "device's count mod / vig",
        f"{_show(day.device_moderate_min)} / {_show(day.device_vigorous_min)} "
        f"({_show(day.device_goal_min)} goal-equiv.)",
    )
    table.add_row(
        "heart-rate count mod / vig",
        f"{_show(day.hr_moderate_min)} / {_show(day.hr_vigorous_min)} ({_show(day.hr_goal_min)} goal-equiv.)",
    )
    table.add_row("strength sessions", str(day.strength_sessions))
    table.add_row("active / resting metabolic", f"{_show(day.active_kcal)} / {_show(day.rmr_kcal, ' kcal')}")
    table.add_row("burned (as stated)", f"{_show(day.burned_kcal, ' kcal')} ({_show(day.total_kcal)})")
    eaten = _show(day.eaten_kcal, " kcal") + (f" ({day.intake_source})" if day.intake_source else "")
    table.add_row("eaten", eaten + (" UNDER THE FLOOR" if day.below_intake_floor else ""))
    table.add_row("deficit", _show(day.deficit_kcal, " kcal"))
    table.add_row("  burned counted as (setting)", targets.energy_source)
    table.add_row(
        "  counts in the score", f"{_show(day.deficit_credit_kcal, ' kcal')} (at most {targets.daily_deficit_kcal:,})"
    )
    readings = day.readings
    table.add_row(
        "heart-rate readings",
        f"{readings.values:,} ({_show(readings.min)}-{_show(readings.max)} bpm; {readings.empty:,} empty)",
    )
    common.stdout.print(table)
    if day.unavailable:
        common.stdout.print(f"Heart-rate minutes not computed: {day.unavailable}", markup=False)
    if not day.worn:
        common.stdout.print("Not worn: less than an hour of the day recorded.", markup=False)
    common.stdout.print(_minutes_note(day, ORIGINS), markup=False)
    if day.device_increments:
        common.stdout.print(
            "The device's minutes by time (mod/vig): "
            + ", ".join(f"{i.at} {i.moderate_min}/{i.vigorous_min}" for i in day.device_increments),
            markup=False,
        )
    common.stdout.print(_wearer_note(day.wearer), markup=False)
    common.stdout.print(_day_weight_line(day.weight), markup=False)
    for a in day.activities:
        common.stdout.print(
            f"  {a.start_local} {a.sport or 'activity'} {a.sub_sport or ''}: "
            f"{_show(a.minutes, ' min')}, {_show(a.calories, ' kcal')}, "
            f"avg/max HR {_show(a.avg_hr)}/{_show(a.max_hr)}"
            f"{' (strength)' if a.strength else ''}",
            markup=False,
        )


def _day_weight_line(weight: DayWeight) -> str:
    source = f"weighed: {weight.weight_source}; " if weight.weight_source else ""
    burned = f"; the deficit counts the {weight.burned_from} burned" if weight.burned_from else ""
    return (
        _weight_line("weight", weight.unit, weight.window, weight.weight_kg, weight.trend_kg)
        + "\n"
        + source
        + _window_line(weight.window, weight.unit)
        + burned
    )


def _week_weight_line(weight: WeekWeight) -> str:
    return (
        _weight_line("weight trend change", weight.unit, weight.window, weight.trend_change_kg, weight.trend_end_kg)
        + f"\ntrend from {_show(_in_unit(weight.trend_start_kg, weight.unit))} {weight.unit}, "
        f"{common.plural(weight.weigh_in_days, 'day')} weighed; to {weight.as_of_day}: "
        + _window_line(weight.window, weight.unit)
    )


def _weight_line(label: str, unit: str, window: WeightWindow, first_kg: float | None, trend_kg: float | None) -> str:
    """`label first_kg, trend trend_kg; burned measured ± range a day by intake+trend, watch device`."""
    measured = (
        "unknown"
        if window.measured_kcal is None
        else (f"{window.measured_kcal:,} ± {_show(window.measured_range_kcal)}")
    )
    return (
        f"{label} {_show(_in_unit(first_kg, unit), ' ' + unit)}, trend {_show(_in_unit(trend_kg, unit))}; "
        f"burned {measured} a day by intake+trend, watch {_show(window.device_kcal)}"
    )


def _window_line(window: WeightWindow, unit: str) -> str:
    """What the window behind the measured expenditure held."""
    return (
        f"the last {window.window_days} days held {window.weigh_ins} weigh-ins and {window.intake_days} days of "
        f"intake, trend change {_show(_in_unit(window.trend_change_kg, unit))} {unit}"
    )


def _in_unit(kg: float | None, unit: str) -> float | None:
    value = to_unit(kg, unit)
    return None if value is None else round(value, 1)


def _minutes_note(day: Day, origins: dict[str, str]) -> str:
    resting = (
        f"resting {day.resting_hr} ({origins.get(day.resting_hr_from or '', day.resting_hr_from)}), "
        if day.resting_hr is not None
        else "no resting heart rate known, "
    )
    zones = origins.get(day.zones_by or "", "unknown")
    return (
        f"wearsync's heart-rate count, zones {zones}: moderate from "
        f"{day.moderate_from_bpm} bpm, vigorous from {day.vigorous_from_bpm} bpm ({resting}max "
        f"{day.max_hr}, {origins.get(day.max_hr_from or '', day.max_hr_from)}); a minute counts only inside "
        f"an activity or with movement in or next to it, and not alone; {_show(day.minutes_with_readings)} "
        f"minutes had a reading, {_show(day.minutes_without_reading)} none. The device counts with its own "
        f"zones, steps and bouts, so the two can differ (docs/metrics.md)."
    )


def _wearer_note(wearer: Wearer) -> str:
    sex = wearer.sex or "not known (the higher intake floor applies)"
    return (
        f"Wearer: born {wearer.birth_year} ({wearer.birth_year_from}), sex {sex} ({wearer.sex_from}), "
        f"{wearer.weight_kg} kg ({wearer.weight_from}); intake floor {wearer.intake_floor_kcal:,} kcal; "
        f"weeks start {wearer.week_start} ({wearer.week_start_from}). "
        f"Set wearer.birth_year and wearer.sex in the config."
    )


def _print_week(week: WeekReport) -> None:
    from wearsync.reports.week import PROJECTION_NOTE

    targets = week.targets
    table = _table(f"{week.week_id}: {week.week_start} to {week.week_end} (as of {week.as_of})")
    table.add_row("days worn (so far)", f"{week.days_with_data} of 7 ({week.days_so_far} days lived)")
    table.add_row(
        "cardio score (0-100)",
        f"{_show(week.cardio_score) if week.cardio_score is not None else 'not enough data'} "
        f"({_show(week.goal_minutes)} of {targets.weekly_cardio_minutes} goal-equivalent min)",
    )
    table.add_row(
        "  moderate + vigorous",
        f"{_show(week.moderate_min)} + {_show(week.vigorous_min)} = {_show(week.active_minutes)} active min",
    )
    table.add_row(
        "  heart rate / device",
        f"{_show(week.hr_goal_minutes)} / "
        f"{_show(week.device_goal_minutes)} goal-equiv. "
        f"({common.plural(week.days_device_minutes, 'day')} from the device)",
    )
    table.add_row(
        f"  days with {targets.daily_cardio_minutes}+ min", f"{week.days_reaching_daily} of {targets.days_with_30}"
    )
    if week.minutes_needed_per_remaining_day is not None:
        table.add_row(
            "  still needed",
            f"{week.goal_minutes_left} goal-min: "
            f"{week.minutes_needed_per_remaining_day} a day for "
            f"{common.plural(week.remaining_days, 'day')}",
        )
    table.add_row("  streak", streak(week.streak_weeks) + (" (target met)" if week.cardio_met else ""))
    table.add_row(
        "floors",
        f"{_show(week.floors)} of {targets.floors_per_day * 7} "
        f"({week.days_reaching_floors} days {targets.floors_per_day}+)",
    )
    table.add_row("steps", f"{_show(week.steps)} ({week.days_reaching_steps} days {targets.steps_per_day:,}+)")
    table.add_row(
        "strength days",
        f"{week.strength_days} of {targets.strength_days}"
        f"{' (met)' if week.strength_met else ''}, "
        f"{common.plural(week.strength_sessions, 'session')}",
    )
    table.add_row(
        "deficit score (0-100)",
        f"not enough data ({week.days_deficit_scored} of {week.days_so_far} days with intake)"
        if week.deficit_score is None
        else f"{week.deficit_score} ({_show(week.credit_kcal)} of {_show(week.deficit_target_kcal)} "
        f"kcal over {week.days_deficit_scored} days)",
    )
    table.add_row("  each day counts up to", f"{targets.daily_deficit_kcal:,} kcal (a surplus in full)")
    if week.deficit_needed_per_remaining_day is not None:
        table.add_row("  still needed", f"{week.deficit_needed_per_remaining_day:,} kcal a day")
    table.add_row(
        "  burned - eaten = deficit",
        f"{_show(week.burned_kcal)} - {_show(week.eaten_kcal)} = {_show(week.deficit_kcal, ' kcal')}",
    )
    table.add_row("  over days with both known", f"{week.days_deficit_known}")
    table.add_row(
        "  intake unknown / under floor", f"{week.days_intake_unknown} / {common.plural(week.days_below_floor, 'day')}"
    )
    table.add_row("  projected fat change", f"up to {_show(week.projected_fat_change_lb, ' lb')}")
    common.stdout.print(table)
    # Fits 80 columns: short headings, "-" for unknown, nothing wraps.
    days = Table(show_header=True, title_justify="left", box=None, padding=(0, 1))
    for name in ("day", "goal", "hr/dev", "floors", "steps", "eaten", "deficit", "str"):
        days.add_column(name, justify="right", no_wrap=True)
    for d in week.days:
        days.add_row(
            d.local_day.strftime("%m-%d %a"),
            _dash(d.goal_minutes),
            f"{_dash(d.hr_goal_min)}/{_dash(d.device_goal_min)}",
            _dash(d.floors),
            _dash(d.steps),
            _dash(d.eaten_kcal) + ("!" if d.below_intake_floor else ""),
            _dash(d.deficit_kcal),
            str(d.strength_sessions),
        )
    common.stdout.print(days)
    for missing in week.unavailable_days:
        common.stdout.print(f"{missing.local_day}: heart-rate minutes not computed ({missing.reason})", markup=False)
    common.stdout.print(
        f"goal = goal-equivalent minutes (moderate + 2 x vigorous). Projection: "
        f"{PROJECTION_NOTE}. ! = intake under the floor.",
        markup=False,
    )
    common.stdout.print(_week_weight_line(week.weight), markup=False)


def _print_history(weeks: list[WeekReport]) -> None:
    table = Table(show_header=True)
    for name in ("week", "cardio", "goal-eq", "30+", "floors", "str", "deficit", "kcal", "streak", "trend"):
        table.add_column(name, justify="right")
    for w in weeks:
        table.add_row(
            w.week_id,
            _dash(w.cardio_score),
            _dash(w.goal_minutes),
            str(w.days_reaching_daily),
            _dash(w.floors),
            str(w.strength_days),
            _dash(w.deficit_score),
            _dash(w.deficit_kcal),
            PENDING if w.streak_weeks is None else str(w.streak_weeks),
            _dash(_in_unit(w.weight.trend_end_kg, w.weight.unit)),
        )
    common.stdout.print(table)
    common.stdout.print(
        "cardio, deficit: scores 0-100 ('-': not enough data); goal-eq: goal-equivalent minutes "
        "(moderate + 2 x vigorous); 30+: days with 30+ of them; str: strength days; kcal: net "
        "deficit over the days with intake logged.",
        markup=False,
    )
