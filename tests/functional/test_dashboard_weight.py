"""Weight on the dashboard: what the week, history and day views show equals the report JSON's
(`wearsync report --json`, wearsync.reports) for the demo person with her weigh-ins."""

import json
import re
from datetime import date

import pytest
from textual.widgets import Static

from tests.functional.conftest import CONFIG, END, SCALE_DAY, add_weigh_ins, loaded, run_async, text_of
from wearsync.cli import main
from wearsync.dashboard import format as fmt
from wearsync.dashboard.app import build_app
from wearsync.dashboard.sync_actions import log_intake
from wearsync.dashboard.widgets.charts import WeightChart
from wearsync.reports.weight import history_weight

NUMBER = re.compile(r"[+-]?\d+(?:,\d{3})*(?:\.\d+)?")


@pytest.fixture
def weighed_store(demo_store, demo_store_dir):
    add_weigh_ins(demo_store, demo_store_dir.parent / "files")
    log_intake(demo_store, date(2026, 3, 10), 1800)
    log_intake(demo_store, date(2026, 3, 11), 1650)
    return demo_store


def report_json(capsys, *argv):
    capsys.readouterr()
    assert main(["report", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@run_async
async def test_the_week_shows_the_trend_change_beside_the_deficits_projection(weighed_store, capsys):
    weight = report_json(capsys, "--week", "2026-W11")["weight"]
    assert weight["trend_change"] is not None and weight["projected_change"] is not None
    app = build_app(CONFIG, weighed_store, today=END)
    async with app.run_test() as pilot:
        await loaded(pilot)
        shown = text_of(app, "#week-weight")
    assert NUMBER.findall(shown)[:3] == [
        fmt.signed(weight["trend_change"], 2),
        str(weight["weigh_in_days"]),
        fmt.signed(weight["projected_change"], 2),
    ]
    assert f"{fmt.signed(weight['trend_change'], 2)} kg this week" in shown
    # The demo's two weeks are too few for a measured expenditure: shown unknown, not 0.
    assert weight["window"]["measured_kcal"] is None and f"intake and weight: {fmt.UNKNOWN}" in shown


@run_async
async def test_the_day_lists_its_weigh_ins_with_time_and_source(weighed_store, capsys):
    day = report_json(capsys, "--day", SCALE_DAY.isoformat())["weight"]
    # The CSV's morning entry (no time) and the Garmin weigh-in at 07:05 (67.35 kg).
    assert [(w["time"], w["sources"]) for w in day["weigh_ins"]] == [(None, ["csv"]), ("07:05", ["garmin"])]
    app = build_app(CONFIG, weighed_store, today=SCALE_DAY)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("d")
        await loaded(pilot)
        shown = text_of(app, "#day-weigh-ins")
    csv_entry, garmin = day["weigh_ins"]
    assert shown == (
        f"Weigh-ins: {fmt.number(csv_entry['weight'], 1)} kg (CSV import, no time of day); "
        f"{fmt.number(garmin['weight'], 1)} kg at 07:05 (Garmin Connect)"
    )
    assert garmin["weight"] == 67.35


@run_async
async def test_the_history_chart_plots_the_reports_trend_weigh_ins_and_projection(weighed_store):
    from wearsync.reports.week import history

    app = build_app(CONFIG, weighed_store, today=END)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("h")
        await loaded(pilot)
        chart = history_weight(history(weighed_store, CONFIG, app.history_weeks, END))
        plotted = [[round(float(y), 2) for y in d.y] for d in app.screen.query_one(WeightChart)._datasets]
        title = str(app.screen.query_one("#history-weight-title", Static).render())
    assert "Weight, kg" in title
    assert plotted[0] == [y for y in chart.projection if y is not None]
    assert plotted[1] == [y for y in chart.trend if y is not None]
    assert plotted[2] == [y for _, y in chart.weigh_ins] and len(plotted[2]) > 10


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_history_weight_chart_scrolled_into_view(snap_compare, weighed_store, size):
    # On 24 rows the history scrolls: its weight chart is below the cardio and deficit charts.
    app = build_app(CONFIG, weighed_store, today=END, poll_seconds=3600)

    async def weight_chart(pilot):
        await loaded(pilot)
        await pilot.press("h")
        await loaded(pilot)
        pilot.app.screen.query_one("#history-body").scroll_end(animate=False)
        await pilot.pause()

    assert snap_compare(app, run_before=weight_chart, terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_days_weigh_ins_scrolled_into_view(snap_compare, weighed_store, size):
    app = build_app(CONFIG, weighed_store, today=SCALE_DAY, poll_seconds=3600)

    async def weigh_ins(pilot):
        await loaded(pilot)
        await pilot.press("d")
        await loaded(pilot)
        pilot.app.screen.query_one("#day-body").scroll_end(animate=False)
        await pilot.pause()

    assert snap_compare(app, run_before=weigh_ins, terminal_size=size)
