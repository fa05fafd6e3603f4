"""The week the dashboard kept last time, drawn at the next start before its report is computed
(reports/snapshot.py): as current when the store has not changed, labelled as from its time when
it has, not at all for another week or other settings, nor when damaged; the empty store's first
frame without polars. The fresh report is held back in each test, so what shows is the kept copy."""

import asyncio
import dataclasses
import json
import sqlite3
import subprocess
import sys
from datetime import date, timedelta

from rich.text import Text
from textual.widgets import DataTable, Static

from tests.functional.conftest import CONFIG, END, HeldReport, loaded, run_async, text_of
from wearsync.dashboard import format as fmt
from wearsync.dashboard.app import build_app
from wearsync.dashboard.screens.first_run import FirstRunScreen
from wearsync.dashboard.screens.week import WeekScreen
from wearsync.dashboard.sync_actions import log_intake
from wearsync.dashboard.widgets.bar_chart import BarChart
from wearsync.dashboard.widgets.bars import CardioBar
from wearsync.reports import snapshot
from wearsync.reports import week as report_week

DAY = END - timedelta(days=2)  # in the week holding END, with no intake logged in the demo


def week_on_screen(app) -> list[str]:
    """Every line of the week's body as drawn: its texts, the cardio bar and the table's rows."""
    body = app.screen.query_one("#week-body")
    texts = [str(widget.render()) for widget in body.query(Static)]
    table = app.screen.query_one("#days", DataTable)
    rows = [
        " | ".join(cell.plain if isinstance(cell, Text) else str(cell) for cell in table.get_row_at(n))
        for n in range(table.row_count)
    ]
    return [*texts, str(app.screen.query_one(CardioBar).render()), *rows]


async def shown_then_kept(store, config=CONFIG, today=END) -> list[str]:
    """Run the app until its week is loaded (and kept); what it showed."""
    app = build_app(config, store, today=today, poll_seconds=3600)
    async with app.run_test() as pilot:
        await loaded(pilot)
        return week_on_screen(app)


async def first_frame_held(store, monkeypatch, config=CONFIG, today=END):
    """The app, to run, with the week's report held back until the HeldReport is released."""
    held = HeldReport(report_week.week_report)
    monkeypatch.setattr(report_week, "week_report", held)
    app = build_app(config, store, today=today, poll_seconds=3600)
    return app, held


async def nothing_kept_then_the_report(store, monkeypatch, config=CONFIG, today=END) -> list[str]:
    """Run the app with its week's report held: no kept week drawn meanwhile (an empty title); then
    the week the released report drew."""
    app, held = await first_frame_held(store, monkeypatch, config, today)
    async with app.run_test() as pilot:
        assert held.reached.wait(10)
        await pilot.pause()
        assert text_of(app, "#week-title") == ""
        held.release.set()
        await loaded(pilot)
        assert text_of(app, "#week-title") != ""
        return week_on_screen(app)


@run_async
async def test_an_unchanged_store_shows_the_kept_week_as_current_before_its_report(demo_store, monkeypatch):
    real = await shown_then_kept(demo_store)
    assert "2026-W11" in real[0] and "updating" not in real[0]
    app, held = await first_frame_held(demo_store, monkeypatch)
    async with app.run_test() as pilot:
        assert held.reached.wait(10)
        await pilot.pause()
        assert isinstance(app.screen, WeekScreen)
        assert week_on_screen(app) == real  # every line as the report drew it, title unlabelled
        held.release.set()
        await loaded(pilot)
        assert week_on_screen(app) == real


@run_async
async def test_a_wide_screen_draws_the_kept_weeks_chart(demo_store, monkeypatch):
    await shown_then_kept(demo_store)
    days = report_week.week_report(demo_store, CONFIG, END).days
    app, held = await first_frame_held(demo_store, monkeypatch)
    async with app.run_test(size=(160, 48)) as pilot:
        assert held.reached.wait(10)
        await pilot.pause()
        chart = app.screen.query_one("#week-chart", BarChart)
        assert chart.bars is not None and chart.size.width > 0
        assert chart.bars.values == tuple(None if d.goal_minutes is None else float(d.goal_minutes) for d in days)
        drawn = chart.render().plain.splitlines()
        assert len(drawn) == chart.size.height and any("█" in line for line in drawn)
        assert drawn[-1].split() == [part for d in days for part in fmt.day_label(d.local_day).split()]
        held.release.set()
        await loaded(pilot)


@run_async
async def test_a_changed_store_shows_the_kept_week_labelled_then_the_new_one(demo_store, monkeypatch):
    real = await shown_then_kept(demo_store)
    log_intake(demo_store, DAY, 1650)  # a write: the kept week is no longer current
    app, held = await first_frame_held(demo_store, monkeypatch)
    async with app.run_test() as pilot:
        assert held.reached.wait(10)
        await pilot.pause()
        title = text_of(app, "#week-title")
        assert title.startswith(real[0]) and title.endswith(", updating…)") and "(from " in title
        assert week_on_screen(app)[1:] == real[1:]  # the old numbers, only the title says so
        held.release.set()
        await loaded(pilot)
        assert text_of(app, "#week-title") == real[0]
        row = app.screen.query_one("#days", DataTable).get_row(DAY.isoformat())
        assert row[6].plain.strip() == "1,650"


@run_async
async def test_another_week_or_other_settings_show_nothing_kept(demo_store, monkeypatch):
    real = await shown_then_kept(demo_store)
    targets = dataclasses.replace(CONFIG.targets, weekly_cardio_minutes=200)
    for config, today in ((CONFIG, END + timedelta(days=7)), (dataclasses.replace(CONFIG, targets=targets), END)):
        assert await nothing_kept_then_the_report(demo_store, monkeypatch, config, today) != real
        monkeypatch.undo()


def test_the_kept_week_is_for_the_day_it_was_computed_on(demo_store):
    asyncio.run(shown_then_kept(demo_store))
    week_start = date(2026, 3, 9)
    assert snapshot.kept_week(demo_store, CONFIG, week_start, date.today()) is not None
    assert snapshot.kept_week(demo_store, CONFIG, week_start, date.today() + timedelta(days=1)) is None


def damage(store, sql: str, *args) -> None:
    conn = sqlite3.connect(store.data_dir / "wearsync.db")
    with conn:
        conn.execute(sql, args)
    conn.close()


@run_async
async def test_a_damaged_or_older_kept_week_is_not_shown_and_breaks_nothing(demo_store, monkeypatch):
    real = await shown_then_kept(demo_store)
    kept = json.loads(demo_store.conn.execute("SELECT report FROM week_snapshot").fetchone()[0])
    older = {key: value for key, value in kept.items() if key != "streak_weeks"}  # a field the model has now
    wrong_kind = {**kept, "days": [{**kept["days"][0], "local_day": 20260309}, *kept["days"][1:]]}
    for report in ("{not json", json.dumps(older), json.dumps(wrong_kind), "[]"):
        damage(demo_store, "UPDATE week_snapshot SET report = ?", report)
        assert await nothing_kept_then_the_report(demo_store, monkeypatch) == real  # and kept again, whole
        monkeypatch.undo()
    damage(demo_store, "DROP TABLE week_snapshot")
    assert snapshot.kept_week(demo_store, CONFIG, date(2026, 3, 9), date.today()) is None
    assert await shown_then_kept(demo_store) == real  # nothing kept, nothing broken


def test_the_empty_stores_first_frame_needs_no_polars(store):
    """A real process on an existing empty store: the first-run screen drawn, then which of the
    heavy modules it had loaded."""
    wearsync_home = store.data_dir
    code = f"""
import asyncio, sys
from pathlib import Path
from wearsync.config import Config
from wearsync.dashboard.app import build_app
from wearsync.store import Store

async def main():
    app = build_app(Config(), Store.open(Path({str(wearsync_home)!r})))
    app.warm_up = lambda: None  # what the first frame loaded, not the importer loaded after it
    async with app.run_test() as pilot:
        while type(app.screen).__name__ != {FirstRunScreen.__name__!r}:
            await pilot.pause(0.01)
        await pilot.pause()
        print(sorted(m for m in ("polars", "numpy", "wearsync.reports.week") if m in sys.modules))

asyncio.run(main())
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@run_async
async def test_the_kept_weeks_wide_first_frame_needs_no_polars_numpy_or_plotting(demo_store):
    """A real process at 160 columns (the chart beside the table): the kept week drawn, its chart
    with bars, while the week's own load is held; then which of the heavy modules were loaded."""
    await shown_then_kept(demo_store)
    code = f"""
import asyncio, sys, threading
from datetime import date
from pathlib import Path
from wearsync.config import Config
from wearsync.dashboard.app import build_app
from wearsync.dashboard.screens.week import WeekScreen
from wearsync.store import Store

held = threading.Event()

def load(self, store, selection):
    held.wait(30)
    raise RuntimeError("held")

WeekScreen.load = load  # the fresh report never arrives: what shows is the kept week's first frame

async def main():
    store = Store.open(Path({str(demo_store.data_dir)!r}))
    app = build_app(Config(), store, today=date.fromisoformat({END.isoformat()!r}))
    app.warm_up = lambda: None  # what the first frame loaded, not the importer loaded after it
    async with app.run_test(size=(160, 48)) as pilot:
        while not isinstance(app.screen, WeekScreen) or app.screen.report is None:
            await pilot.pause(0.01)
        await pilot.pause()
        print("█" in app.screen.query_one("#week-chart").render().plain)
        print(sorted(m for m in ("polars", "numpy", "textual_plot", "wearsync.reports.week") if m in sys.modules))
        held.set()

asyncio.run(main())
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[:2] == ["True", "[]"]
