"""The dashboard's layouts at 80×24 and 160×48 (issue 15), through the real app driven by Pilot:
every column of the day's tables whole, the chart given the free height, the history's labels apart,
long reasons wrapped, strength training whole."""

from datetime import date

import pytest
from textual.events import Paste
from textual.widgets import DataTable

from tests.conftest import DAY_PIECES, MONITOR, require
from tests.functional.conftest import CONFIG, END, loaded, run_async, settle, text_of
from wearsync.dashboard.app import build_app
from wearsync.reports import week as report_week
from wearsync.sync.fit_import import import_paths


@pytest.fixture
def real_day_store(store):
    require(MONITOR)
    import_paths(store, [MONITOR / name for name in DAY_PIECES])  # the vivosmart 4's 2020-09-25
    return store


def fits(app, table: DataTable) -> bool:
    """Every column whole: nothing scrolls sideways, nothing runs past the screen's edge."""
    return table.virtual_size.width <= table.size.width and table.region.right <= app.size.width


@run_async
async def test_the_day_at_80x24_keeps_every_column_and_the_floors_target_whole(real_day_store):
    app = build_app(CONFIG, real_day_store, today=date(2020, 9, 25), poll_seconds=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("d")
        await loaded(pilot)
        numbers = app.screen.query_one("#day-numbers", DataTable)
        assert [str(c.label) for c in numbers.columns.values()] == ["", "Value", "From"]
        assert fits(app, numbers) and fits(app, app.screen.query_one("#day-activities", DataTable))
        rows = {numbers.get_row(key)[0]: numbers.get_row(key)[1:] for key in numbers.rows}
        # the vivosmart 4's own totals for the day (../shared/fit/README.md): 15,027 steps, floors 32.2
        # against the default 10 a day and 7,500 steps
        assert rows["Floors"][0] == "32.2/10" and rows["Steps"][0] == "15,027/7,500"
        assert {"Resting HR", "Strength"} <= rows.keys()
        assert app.screen.query_one("#day-title").size.height == 2  # the heading wraps, not cut


@run_async
async def test_the_day_at_160x48_gives_the_chart_the_free_height(real_day_store):
    app = build_app(CONFIG, real_day_store, today=date(2020, 9, 25), poll_seconds=3600)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("d")
        await loaded(pilot)
        body = app.screen.query_one("#day-body")
        chart = app.screen.query_one("#day-hr")
        tables = app.screen.query_one("#day-tables")
        # tables side by side at 160; the chart takes what the heading, tables and lines leave
        assert fits(app, app.screen.query_one("#day-numbers", DataTable))
        assert chart.size.height >= 20
        assert body.virtual_size.height <= body.size.height  # no empty rows below, nothing hidden
        assert tables.region.bottom <= body.region.bottom


def bottom_labels(chart) -> str:
    return chart.render().plain.splitlines()[-1]


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
@run_async
async def test_history_at_48_weeks_has_labels_apart(demo_store, size):
    app = build_app(CONFIG, demo_store, today=END, poll_seconds=3600)
    async with app.run_test(size=size) as pilot:
        await pilot.press("h")
        await loaded(pilot)
        await pilot.press("plus", "plus")  # 12 → 24 → 48 weeks
        await loaded(pilot)
        assert text_of(app, "#history-title").startswith("48 weeks to 2026-W11")
        labels = bottom_labels(app.screen.query_one("#history-cardio")).split()
        assert len(labels) >= 8
        assert all(label.startswith("W") and len(label) == 3 for label in labels)  # never W0WW0W…


@run_async
async def test_long_reasons_wrap_in_the_import_results_and_the_sources_view(demo_store, tmp_path):
    broken = tmp_path / "empty.fit"
    broken.write_bytes(b"")  # refused with a reason longer than the Why column
    app = build_app(CONFIG, demo_store, today=END, poll_seconds=3600)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        app.post_message(Paste(str(broken)))
        await settle(app, pilot)
        results = app.screen.query_one("#results", DataTable)
        outcome, name, why = results.get_row_at(0)
        assert outcome == "failed" and len(why) > results.columns[list(results.columns)[2]].width
        assert results.rows[list(results.rows)[0]].height > 1  # wrapped, all of it shown
        await pilot.press("escape", "s")
        await loaded(pilot)
        imports = app.screen.query_one("#imports", DataTable)
        assert imports.get_row_at(0)[3] == why
        assert imports.rows[list(imports.rows)[0]].height > 1


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
@run_async
async def test_strength_training_is_whole_in_the_day_view(demo_store, size):
    week = report_week.week_report(demo_store, CONFIG, date(2026, 3, 9), as_of=END)
    day = next(d.local_day for d in week.days if d.strength_sessions)
    app = build_app(CONFIG, demo_store, today=day, poll_seconds=3600)
    async with app.run_test(size=size) as pilot:
        await pilot.press("d")
        await loaded(pilot)
        activities = app.screen.query_one("#day-activities", DataTable)
        shown = [activities.render_line(y).text for y in range(activities.size.height)]
        assert any("strength training ✓" in line for line in shown)  # as drawn, not only as stored
        assert fits(app, activities)
