"""Issue 15's dashboard part, each case through the real app driven by Pilot: going to a day or
week, the command palette, a dropped file's week, `t` everywhere, a forced retry against the fake
Garmin, the remaining pace and the intake warnings (the layouts: test_dashboard_layouts.py)."""

import shutil
from datetime import date, timedelta

import pytest
from textual.command import CommandPalette
from textual.events import Paste
from textual.widgets import Input, Static

from tests.fake_garmin import FIT_FILES, FakeGarmin, use_fake, write_tokens
from tests.functional.conftest import CONFIG, END, RUN, loaded, run_async, settle, status, text_of
from wearsync.config import load_config
from wearsync.dashboard.app import build_app
from wearsync.dashboard.screens.day import DayScreen
from wearsync.dashboard.screens.dialogs import GoToDialog, ImportResults, IntakeDialog
from wearsync.dashboard.screens.first_run import FirstRunScreen
from wearsync.dashboard.screens.help import HelpScreen
from wearsync.dashboard.screens.history import HistoryScreen
from wearsync.dashboard.screens.sources import SourcesScreen
from wearsync.dashboard.screens.week import WeekScreen, days_line
from wearsync.reports import day as report_day
from wearsync.reports import week as report_week
from wearsync.store import Store

FORMS = "2024-03-05, 2024-W10, today, -3w or +2d"


async def go_to(pilot, text: str) -> None:
    await pilot.press("g")
    assert isinstance(pilot.app.screen, GoToDialog)
    pilot.app.screen.query_one(Input).value = text
    await pilot.press("enter")
    await loaded(pilot)


# --- go to a day or week ---------------------------------------------------------------------


@run_async
async def test_g_goes_to_a_day_or_week_in_each_view_and_says_why_it_cannot(demo_store):
    app = build_app(CONFIG, demo_store, today=END, poll_seconds=3600)
    async with app.run_test() as pilot:
        await loaded(pilot)
        await go_to(pilot, "2024-W10")
        assert isinstance(app.screen, WeekScreen)
        assert text_of(app, "#week-title") == "2024-W10  4 Mar – 10 Mar 2024"
        await go_to(pilot, "next tuesday")
        assert isinstance(app.screen, GoToDialog)  # stays open, says why
        assert (
            text_of(app, "#goto-error")
            == f"Cannot go there: cannot read 'next tuesday': write a day or week like {FORMS}."
        )
        await pilot.press("escape")
        await go_to(pilot, "2015-W01")  # 29 Dec 2014 – 4 Jan 2015
        assert text_of(app, "#week-title") == "2015-W01  29 Dec 2014 – 4 Jan 2015"
        await pilot.press("d")
        await loaded(pilot)
        await go_to(pilot, "2026-03-05")
        assert isinstance(app.screen, DayScreen)
        assert text_of(app, "#day-title").startswith("Thursday 5 March 2026")
        await pilot.press("h")
        await loaded(pilot)
        await go_to(pilot, "-3w")  # 15 March less 21 days: Sunday 22 Feb
        assert isinstance(app.screen, HistoryScreen)
        assert text_of(app, "#history-title").startswith("12 weeks to 2026-W08:")
        await go_to(pilot, "today")
        assert text_of(app, "#history-title").startswith("12 weeks to 2026-W11:")


@run_async
async def test_t_from_the_sources_view_and_go_to_there_show_the_week(demo_store):
    app = build_app(CONFIG, demo_store, today=END, poll_seconds=3600)
    async with app.run_test() as pilot:
        await loaded(pilot)
        await pilot.press("left", "left", "s")
        await loaded(pilot)
        assert isinstance(app.screen, SourcesScreen)
        await pilot.press("t")
        await loaded(pilot)
        assert isinstance(app.screen, WeekScreen)
        assert text_of(app, "#week-title").startswith("2026-W11")
        await pilot.press("s")
        await loaded(pilot)
        await go_to(pilot, "2026-03-04")
        assert isinstance(app.screen, WeekScreen)
        assert text_of(app, "#week-title").startswith("2026-W10")


# --- the command palette ---------------------------------------------------------------------

ACTIONS = [
    "Go to a day or week",
    "Today",
    "Previous week or day",
    "Next week or day",
    "Week view",
    "History view",
    "Day view",
    "Sources view",
    "Import files",
    "Pull",
    "Force pull",
    "Log intake",
    "Help",
    "Theme",
    "Quit",
]


async def palette(pilot, typed: str) -> None:
    await pilot.press("ctrl+p")
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*typed)
    await pilot.pause(0.3)  # the palette searches in a worker of its own
    await pilot.press("enter")
    await loaded(pilot)


@run_async
async def test_the_palette_lists_every_action_and_runs_them(demo_store):
    app = build_app(CONFIG, demo_store, today=END, poll_seconds=3600)
    async with app.run_test() as pilot:
        await loaded(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert [t for t in ACTIONS if t not in titles] == []
        assert "Forget the selected import" not in titles  # only where an import is selected
        await palette(pilot, "history")
        assert isinstance(app.screen, HistoryScreen)
        await palette(pilot, "goto")
        assert isinstance(app.screen, GoToDialog)
        app.screen.query_one(Input).value = "2026-W10"
        await pilot.press("enter")
        await loaded(pilot)
        assert text_of(app, "#history-title").startswith("12 weeks to 2026-W10:")
        await palette(pilot, "sources")
        assert isinstance(app.screen, SourcesScreen)
        assert "Forget the selected import" in [c.title for c in app.get_system_commands(app.screen)]
        await palette(pilot, "today")
        assert isinstance(app.screen, WeekScreen) and text_of(app, "#week-title").startswith("2026-W11")
        await palette(pilot, "prev")
        assert text_of(app, "#week-title").startswith("2026-W10")
        await palette(pilot, "log")
        assert isinstance(app.screen, IntakeDialog)
        await pilot.press("escape")
        await palette(pilot, "help")
        assert isinstance(app.screen, HelpScreen)


# --- a dropped file's week -------------------------------------------------------------------


@run_async
async def test_the_results_of_a_drop_open_over_its_week_already_shown(demo_store, tmp_path):
    # issue 14: the week is loaded once, before the dialog is drawn (drawing it slowed the load)
    dropped = tmp_path / "run.fit"
    shutil.copy(RUN, dropped)
    app = build_app(CONFIG, demo_store, today=END, poll_seconds=3600)
    async with app.run_test() as pilot:
        await loaded(pilot)
        app.post_message(Paste(f"'{dropped}'"))
        for _ in range(3000):
            if isinstance(app.screen, ImportResults):
                break
            await pilot.pause(0.01)
        week = app.screen_stack[-2]
        # the Fenix 2 run of Sat 15 Aug 2015
        assert str(week.query_one("#week-title", Static).render()).startswith("2015-W33  10 Aug – 16 Aug 2015")


@pytest.mark.parametrize(
    "view, shown",
    [
        ("w", ("#week-title", "2015-W33  10 Aug – 16 Aug 2015")),  # the Fenix 2 run of Sat 15 Aug 2015
        ("d", ("#day-title", "Saturday 15 August 2015")),
    ],
)
@run_async
async def test_a_file_dropped_on_a_view_shows_its_week_or_day(demo_store, tmp_path, view, shown):
    dropped = tmp_path / "run.fit"
    shutil.copy(RUN, dropped)
    app = build_app(CONFIG, demo_store, today=END, poll_seconds=3600)
    async with app.run_test() as pilot:
        await loaded(pilot)
        await pilot.press(view)
        await loaded(pilot)
        app.post_message(Paste(f"'{dropped}'"))
        await settle(app, pilot)
        assert isinstance(app.screen, ImportResults)
        await pilot.press("escape")
        await loaded(pilot)
        selector, text = shown
        assert text_of(app, selector).startswith(text)


# --- a forced retry after a failed pull ------------------------------------------------------


@pytest.fixture
def fake():
    if not FIT_FILES.is_dir():
        pytest.skip("needs the shared data (../shared next to the project)")
    server = FakeGarmin().start()
    yield server
    server.stop()


@run_async
async def test_after_garmin_answers_500_shift_p_pulls_again_and_it_arrives(tmp_path, monkeypatch, fake):
    home = use_fake(monkeypatch, fake, tmp_path, garmin=True, first_pull_days=2)
    write_tokens(home, fake.issue_tokens())
    fake.inject("status", "/userprofile-service/socialProfile", status=500)  # once, then answered
    store = Store.open(home)
    try:
        app = build_app(load_config(None), store, today=date.today(), poll_seconds=3600)
        async with app.run_test() as pilot:
            await pilot.pause()
            assert isinstance(app.screen, FirstRunScreen)
            await pilot.press("p")
            await settle(app, pilot)
            assert "HTTP 500" in status(app) and status(app).endswith("; p tries again, P forces")
            assert app.screen.query_one("StatusLine").has_class("error")
            await pilot.press("P")
            await settle(app, pilot)
            assert status(app).startswith("Pull finished: Garmin: 2 days")
            assert isinstance(app.screen, WeekScreen)  # data now: the first run gives way
        assert len(fake.requests("/userprofile-service/socialProfile")) == 2
        assert store.conn.execute("SELECT COUNT(*) FROM garmin_days").fetchone()[0] == 2
    finally:
        store.close()


# --- the remaining pace ----------------------------------------------------------------------


def test_the_remaining_pace_is_in_goal_minutes_throughout(demo_store):
    # The views' reports take the clock's today; the week line is shown here for a Thursday of the demo.
    today = date(2026, 3, 12)
    days = [
        report_day.day_report(demo_store, CONFIG, date(2026, 3, 9) + timedelta(days=n), as_of=today) for n in range(4)
    ]  # Mon to today, each day's own report
    so_far = sum(d.goal_minutes or 0 for d in days)
    line = days_line(report_week.week_report(demo_store, CONFIG, date(2026, 3, 9), as_of=today))
    # by hand: the weekly 150 less what Mon to Thu gave; Thu to Sun are the 4 days left, rounded up
    left = 150 - so_far
    per_day = -(-left // 4)
    assert 0 < left < 150
    assert line.endswith(f" · {left} goal-min left: {per_day} a day over the 4 days left")


# --- intake warnings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kcal, day, warning",
    [
        ("900", date(2026, 3, 12), "2026-03-12: 900 kcal is below the intake floor of 1,500 kcal a day (stored)"),
        (
            "0",
            date(2026, 3, 12),
            "2026-03-12: 0 kcal stored as a day of nothing eaten; if the day was simply not "
            "logged, remove it with `wearsync log intake --remove 2026-03-12`",
        ),
        (
            "2100",
            date.today() + timedelta(days=1),
            f"{date.today() + timedelta(days=1)}: a day still to come (stored; a later entry replaces it)",
        ),
    ],
)
@run_async
async def test_the_intake_dialog_warns_as_the_command_line_does(demo_store, kcal, day, warning):
    # no wearer configured: the floor is the higher of the two defaults, 1,500 kcal
    app = build_app(CONFIG, demo_store, today=END, poll_seconds=3600)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await pilot.press("l")
        app.screen.query_one("#intake-day", Input).value = day.isoformat()
        app.screen.query_one("#intake-kcal", Input).value = kcal
        await pilot.press("enter")
        await settle(app, pilot)
        assert f"Warning: {warning}." in status(app)
        assert [n.message for n in app._notifications] == [warning]
