"""Every number each view shows equals the report JSON's (wearsync.reports as_json, what `report --json`
prints), for the demo's made-up person and for the real 2020-09-25 (issue 11: one source of truth)."""

import json
from datetime import date

from textual.widgets import DataTable

from tests.conftest import DAY_PIECES, MONITOR, require
from tests.functional.conftest import CONFIG, END, loaded, run_async, text_of
from tests.week_numbers import cardio_line, numbers, totals_line
from wearsync.cli import main
from wearsync.dashboard import format as fmt
from wearsync.dashboard.app import build_app
from wearsync.dashboard.sync_actions import log_intake
from wearsync.reports import curve as report_curve
from wearsync.reports import day as report_day
from wearsync.reports import week as report_week
from wearsync.reports.models import as_json


def cells(app, table_id: str, key) -> list[str]:
    return [str(cell).strip() for cell in app.screen.query_one(table_id, DataTable).get_row(key)]


def check_week(app, report: dict) -> None:
    targets = report["targets"]
    assert text_of(app, "#week-title").startswith(report["week_id"])
    assert text_of(app, "#week-scores") == (
        f"Cardio score {fmt.score(report['cardio_score'])}  Deficit score {fmt.score(report['deficit_score'])}"
    )
    # every number on the cardio line, in order, is the report's
    assert numbers(text_of(app, "#cardio-line")) == cardio_line(report)
    days_line = text_of(app, "#cardio-days")
    assert numbers(days_line)[:5] == [
        str(targets["daily_cardio_minutes"]),
        str(report["days_reaching_daily"]),
        str(targets["days_with_30"]),
        str(report["days_with_data"]),
        "7",
    ]
    assert numbers(text_of(app, "#week-totals")) == totals_line(report)
    energy_line = text_of(app, "#energy-line")
    assert (
        f"Over {report['days_deficit_known']} days with intake: burned {fmt.number(report['burned_kcal'])} − "
        f"eaten {fmt.number(report['eaten_kcal'])} = deficit {fmt.number(report['deficit_kcal'])} kcal"
    ) in energy_line
    assert f"up to {fmt.signed(report['projected_fat_change_lb'], 1)} lb" in energy_line
    assert f"counts up to {fmt.number(targets['daily_deficit_kcal'])} kcal" in energy_line
    for day in report["days"]:
        row = cells(app, "#days", day["local_day"])
        assert row[0] == fmt.day_label(date.fromisoformat(day["local_day"]))
        assert row[1].endswith(fmt.number(day["goal_minutes"]))
        assert row[2:4] == [fmt.number(day["floors"]), fmt.number(day["steps"])]
        assert row[4] == ("✓" if day["strength_sessions"] else "")
        assert row[5] == fmt.number(day["burned_kcal"])
        assert row[6] == fmt.number(day["eaten_kcal"]) + ("!" if day["below_intake_floor"] else "")
        assert row[7] == fmt.number(day["deficit_kcal"])


def check_day(app, report: dict, curve: dict) -> None:
    assert numbers(text_of(app, "#day-title").split("  ", 1)[1]) == [
        fmt.number(report["goal_minutes"]),
        fmt.number(report["moderate_min"]),
        fmt.number(report["vigorous_min"]),
        "2",
        fmt.number(report["active_minutes"]),
        fmt.number(report["device_goal_min"]),
        fmt.number(report["hr_goal_min"]),
    ]
    chart_title = text_of(app, "#day-hr-title")
    assert numbers(chart_title)[:4] == [
        fmt.number(report["minutes_with_readings"]),
        fmt.number(report["minutes_without_reading"]),
        fmt.number(report["moderate_from_bpm"]),
        fmt.number(report["vigorous_from_bpm"]),
    ]
    # the curve drawn is the analytics' minutes: as many as the report counted
    assert len(curve["bpm"]) == report["minutes_with_readings"]
    table = app.screen.query_one("#day-numbers", DataTable)
    rows = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[1]) for i in range(table.row_count)}
    assert rows["Device's count"] == (
        f"{fmt.number(report['device_moderate_min'])}+{fmt.number(report['device_vigorous_min'])}×2"
    )
    assert rows["Heart-rate count"] == (
        f"{fmt.number(report['hr_moderate_min'])}+{fmt.number(report['hr_vigorous_min'])}×2"
    )
    assert rows["Steps"] == f"{fmt.number(report['steps'])}/{fmt.number(report['targets']['steps_per_day'])}"
    assert rows["Floors"] == f"{fmt.number(report['floors'], 1)}/{report['targets']['floors_per_day']}"
    assert rows["Burned kcal"] == fmt.number(report["burned_kcal"])
    assert rows["Eaten kcal"] == fmt.number(report["eaten_kcal"]) + ("!" if report["below_intake_floor"] else "")
    assert rows["Deficit kcal"] == fmt.number(report["deficit_kcal"])
    assert rows["Resting HR"] == fmt.number(report["resting_hr"])
    assert rows["Max HR"] == fmt.number(report["max_hr"])
    assert rows["Wearer"] == f"{report['wearer']['birth_year']}, {report['wearer']['sex'] or 'sex ?'}"
    floor = fmt.number(report["wearer"]["intake_floor_kcal"])
    assert str(table.get_row_at(list(rows).index("Eaten kcal"))[2]).endswith(f"floor {floor}")
    for increment in report["device_increments"]:
        shown = f"{increment['at']} {increment['moderate_min']}/{increment['vigorous_min']}"
        assert shown in text_of(app, "#day-origins")
    activities = app.screen.query_one("#day-activities", DataTable)
    assert activities.row_count == len(report["activities"])
    for i, activity in enumerate(report["activities"]):
        row = [str(c).strip() for c in activities.get_row_at(i)]
        assert row[0] == activity["start_local"]
        assert row[2:4] == [fmt.number(activity["minutes"]), fmt.number(activity["calories"])]


@run_async
async def test_the_demo_week_on_screen_equals_the_report(demo_store):
    log_intake(demo_store, date(2026, 3, 10), 1100)  # below the floor: marked
    log_intake(demo_store, date(2026, 3, 11), 1800)
    report = as_json(report_week.week_report(demo_store, CONFIG, date(2026, 3, 9)))
    app = build_app(CONFIG, demo_store, today=END)
    async with app.run_test() as pilot:
        await loaded(pilot)
        check_week(app, report)
        assert app.screen.query_one("#days", DataTable).get_row("2026-03-10")[6].plain == "1,100!"


@run_async
async def test_a_demo_day_on_screen_equals_the_report(demo_store):
    day = date(2026, 3, 12)
    report = as_json(report_day.day_report(demo_store, CONFIG, day))
    assert report["activities"], "the demo day should have an activity to compare"
    curve = as_json(report_curve.day_curve(demo_store, CONFIG, day))
    app = build_app(CONFIG, demo_store, today=day)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("d")
        await loaded(pilot)
        check_day(app, report, curve)


@run_async
async def test_the_demo_history_on_screen_equals_the_report(demo_store):
    log_intake(demo_store, date(2026, 3, 10), 1800)
    app = build_app(CONFIG, demo_store, today=END)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("h")
        await loaded(pilot)
        models = report_week.history(demo_store, CONFIG, app.history_weeks, END)
        weeks, totals = as_json(models), as_json(report_week.history_totals(models))
        assert text_of(app, "#history-title") == (
            f"{totals['weeks']} weeks to {weeks[-1]['week_id']}: cardio target met in {totals['cardio_met_weeks']}; "
            f"net deficit {fmt.number(totals['deficit_kcal'])} kcal (intake logged in "
            f"{totals['weeks_deficit_known']} of them)"
        )
        assert totals["weeks_deficit_known"] == 1 and totals["deficit_kcal"] is not None
        assert "target 150" in text_of(app, "#history-cardio-title")


@run_async
async def test_the_real_2020_09_25_on_screen_equals_the_report(store, capsys):
    require(MONITOR)
    assert main(["import", *(str(MONITOR / p) for p in DAY_PIECES)]) == 0
    day = date(2020, 9, 25)
    capsys.readouterr()
    assert main(["report", "--day", day.isoformat(), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)  # what the CLI prints
    week = as_json(report_week.week_report(store, CONFIG, day))
    curve = as_json(report_curve.day_curve(store, CONFIG, day))
    app = build_app(CONFIG, store, today=day)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        check_week(app, week)
        await pilot.press("d")
        await loaded(pilot)
        check_day(app, report, curve)
        # the device's 18 + 91 × 2 = 200 is the headline
        assert text_of(app, "#day-title").split("  ", 1)[1].startswith("200 goal-equivalent min (the device's count)")


def test_report_on_the_demo_store_uses_the_demo_wearer(demo_store, capsys):
    # the demo keeps its made-up wearer (born 1988, resting 58) with its data, so `report` on the
    # demo store and the dashboard over it use the same settings
    capsys.readouterr()
    assert main(["report", "--day", "2026-03-12", "--json"]) == 0
    day = json.loads(capsys.readouterr().out)
    assert (day["wearer"]["birth_year"], day["wearer"]["birth_year_from"]) == (1988, "demo")
    assert (day["resting_hr"], day["resting_hr_from"]) == (58.0, "demo")
    # 2026: age 38, Tanaka 208 - 26.6 = 181.4
    assert day["max_hr"] == 181.4
