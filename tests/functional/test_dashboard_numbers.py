"""Every number each view shows equals the report JSON's (wearsync.reporting, what `report --json`
prints), for the demo's made-up person and for the real 2020-09-25 (issue 11: one source of truth)."""

import json
import re
from datetime import date

from textual.widgets import DataTable
from wearsync.dashboard import format as fmt
from wearsync.dashboard.app import build_app
from wearsync.dashboard.sync_actions import log_intake

from tests.conftest import DAY_PIECES, MONITOR, require
from tests.functional.conftest import CONFIG, END, loaded, run_async, text_of
from wearsync import reporting
from wearsync.cli import main

NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")




def numbers(text: str) -> list[str]:
    return NUMBER.findall(text)


def cells(app, table_id: str, key) -> list[str]:
    return [str(cell).strip() for cell in app.screen.query_one(table_id, DataTable).get_row(key)]


def check_week(app, report: dict) -> None:
    cardio, energy, floors, steps = report["cardio"], report["energy"], report["floors"], report["steps"]
    assert text_of(app, "#week-title").startswith(report["week_id"])
    assert text_of(app, "#week-scores") == (f"Cardio score {fmt.score(cardio['score'])}  "
                                              f"Deficit score {fmt.score(energy['score'])}")
    # every number on the cardio line, in order, is the report's
    assert numbers(text_of(app, "#cardio-line")) == [
        fmt.number(cardio["goal_minutes"]), str(cardio["target_minutes"]), fmt.number(cardio["moderate_minutes"]),
        fmt.number(cardio["vigorous_minutes"]), "2", fmt.number(cardio["active_minutes"]),
        fmt.number(cardio["device_goal_minutes"]), fmt.number(cardio["hr_goal_minutes"])]
    days_line = text_of(app, "#cardio-days")
    assert numbers(days_line)[:5] == [str(cardio["daily_minutes_target"]), str(cardio["days_reaching_daily"]),
                                      str(cardio["days_target"]), str(report["days_with_data"]), "7"]
    assert numbers(text_of(app, "#week-totals")) == [
        fmt.number(floors["total"]), str(floors["days_reaching_target"]), str(floors["per_day_target"]),
        fmt.number(steps["total"]), str(steps["days_reaching_target"]), fmt.number(steps["per_day_target"]),
        str(report["strength"]["days"]), "2", "3"]
    energy_line = text_of(app, "#energy-line")
    assert (f"Over {energy['days_deficit_known']} days with intake: burned {fmt.number(energy['burned_kcal'])} − "
            f"eaten {fmt.number(energy['eaten_kcal'])} = deficit {fmt.number(energy['deficit_kcal'])} kcal") \
        in energy_line
    assert f"up to {fmt.signed(energy['projected_fat_change_lb'], 1)} lb" in energy_line
    assert f"counts up to {fmt.number(energy['daily_cap_kcal'])} kcal" in energy_line
    for day in report["days"]:
        row = cells(app, "#days", day["day"])
        assert row[0] == fmt.day_label(date.fromisoformat(day["day"]))
        assert row[1].endswith(fmt.number(day["goal_minutes"]))
        assert row[2:4] == [fmt.number(day["floors"]), fmt.number(day["steps"])]
        assert row[4] == ("✓" if day["strength_sessions"] else "")
        assert row[5] == fmt.number(day["burned_kcal"])
        assert row[6] == fmt.number(day["eaten_kcal"]) + ("!" if day["below_intake_floor"] else "")
        assert row[7] == fmt.number(day["deficit_kcal"])


def check_day(app, report: dict, curve: dict) -> None:
    hr, device = report["hr_minutes"], report["device_minutes"]
    assert numbers(text_of(app, "#day-title").split("  ", 1)[1]) == [
        fmt.number(report["goal_minutes"]), fmt.number(report["moderate_minutes"]),
        fmt.number(report["vigorous_minutes"]), "2", fmt.number(report["active_minutes"]),
        fmt.number(device["goal"]), fmt.number(hr["goal"])]
    chart_title = text_of(app, "#day-hr-title")
    assert numbers(chart_title)[:4] == [fmt.number(hr["minutes_with_readings"]),
                                        fmt.number(hr["minutes_without_reading"]),
                                        fmt.number(hr["moderate_from_bpm"]), fmt.number(hr["vigorous_from_bpm"])]
    # the curve drawn is the analytics' minutes: as many as the report counted
    assert len(curve["bpm"]) == hr["minutes_with_readings"]
    table = app.screen.query_one("#day-numbers", DataTable)
    rows = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[1]) for i in range(table.row_count)}
    assert rows["Device's count"] == f"{fmt.number(device['moderate'])}+{fmt.number(device['vigorous'])}×2"
    assert rows["Heart-rate count"] == f"{fmt.number(hr['moderate'])}+{fmt.number(hr['vigorous'])}×2"
    assert rows["Steps"] == f"{fmt.number(report['steps'])}/{fmt.number(report['steps_target'])}"
    assert rows["Floors"] == f"{fmt.number(report['floors'], 1)}/{report['floors_target']}"
    assert rows["Burned kcal"] == fmt.number(report["burned_kcal"])
    assert rows["Eaten kcal"] == fmt.number(report["eaten_kcal"]) + ("!" if report["below_intake_floor"] else "")
    assert rows["Deficit kcal"] == fmt.number(report["deficit_kcal"])
    assert rows["Resting HR"] == fmt.number(hr["resting_hr"])
    assert rows["Max HR"] == fmt.number(hr["max_hr"])
    assert rows["Wearer"] == f"{report['wearer']['birth_year']}, {report['wearer']['sex'] or 'sex ?'}"
    floor = fmt.number(report["wearer"]["intake_floor_kcal"])
    assert str(table.get_row_at(list(rows).index("Eaten kcal"))[2]).endswith(f"floor {floor}")
    for increment in report["device_increments"]:
        assert f"{increment['at']} {increment['moderate']}/{increment['vigorous']}" in text_of(app, "#day-origins")
    activities = app.screen.query_one("#day-activities", DataTable)
    assert activities.row_count == len(report["activities"])
    for i, activity in enumerate(report["activities"]):
        row = [str(c).strip() for c in activities.get_row_at(i)]
        assert row[0] == activity["start_local"]
        assert row[2:4] == [fmt.number(activity["minutes"]), fmt.number(activity["calories"])]


@run_async
async def test_the_demo_week_on_screen_equals_the_report(demo_store):
    log_intake(demo_store, date(2026, 3, 10), 1100)   # below the floor: marked
    log_intake(demo_store, date(2026, 3, 11), 1800)
    report = reporting.week_report(demo_store, CONFIG, date(2026, 3, 9))
    app = build_app(CONFIG, demo_store, today=END)
    async with app.run_test() as pilot:
        await loaded(pilot)
        check_week(app, report)
        assert app.screen.query_one("#days", DataTable).get_row("2026-03-10")[6].plain == "1,100!"


@run_async
async def test_a_demo_day_on_screen_equals_the_report(demo_store):
    day = date(2026, 3, 12)
    report = reporting.day_report(demo_store, CONFIG, day)
    assert report["activities"], "the demo day should have an activity to compare"
    curve = reporting.day_curve(demo_store, CONFIG, day)
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
        weeks = reporting.history(demo_store, CONFIG, app.history_weeks, END)
        totals = reporting.history_totals(weeks)
        assert text_of(app, "#history-title") == (
            f"{totals['weeks']} weeks to {weeks[-1]['week_id']}: cardio target met in {totals['cardio_met_weeks']}; "
            f"net deficit {fmt.number(totals['deficit_kcal'])} kcal (intake logged in "
            f"{totals['weeks_deficit_known']} of them)")
        assert totals["weeks_deficit_known"] == 1 and totals["deficit_kcal"] is not None
        assert "target 150" in text_of(app, "#history-cardio-title")


@run_async
async def test_the_real_2020_09_25_on_screen_equals_the_report(store, capsys):
    require(MONITOR)
    assert main(["import", *(str(MONITOR / p) for p in DAY_PIECES)]) == 0
    day = date(2020, 9, 25)
    capsys.readouterr()
    assert main(["report", "--day", day.isoformat(), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)        # what the CLI prints
    week = reporting.week_report(store, CONFIG, day)
    curve = reporting.day_curve(store, CONFIG, day)
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
    assert (day["hr_minutes"]["resting_hr"], day["hr_minutes"]["resting_hr_from"]) == (58.0, "demo")
    # 2026: age 38, Tanaka 208 - 26.6 = 181.4
    assert day["hr_minutes"]["max_hr"] == 181.4
