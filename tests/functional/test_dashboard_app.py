import subprocess
import sys
import threading
from datetime import date

from textual.widgets import DataTable, Input, LoadingIndicator

from tests.functional.conftest import CONFIG, END, HeldReport, loaded, press, run_async, settle, status, text_of
from wearsync.dashboard import format as fmt
from wearsync.dashboard.app import build_app
from wearsync.dashboard.screens.day import DayScreen
from wearsync.dashboard.screens.dialogs import IntakeDialog
from wearsync.dashboard.screens.first_run import FirstRunScreen
from wearsync.dashboard.screens.help import HelpScreen
from wearsync.dashboard.screens.history import HistoryScreen
from wearsync.dashboard.screens.sources import SourcesScreen
from wearsync.dashboard.screens.week import WeekScreen
from wearsync.dashboard.sync_actions import log_intake
from wearsync.dashboard.widgets.status import StatusLine
from wearsync.errors import GarminRateLimited, WearsyncError
from wearsync.reports import day as report_day
from wearsync.reports import week as report_week


@run_async
async def test_empty_store_opens_the_first_run_screen(empty_store):
    app = build_app(CONFIG, empty_store, today=END)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FirstRunScreen)
        welcome = text_of(app, "#welcome")
        assert "wearsync demo" in welcome and "Drop files" in welcome and "press p" in welcome.replace("[b]", "")


@run_async
async def test_keys_and_clicks_move_between_views_and_weeks(demo_store):
    app = build_app(CONFIG, demo_store, today=END)
    async with app.run_test() as pilot:
        await loaded(pilot)
        assert isinstance(app.screen, WeekScreen)
        assert text_of(app, "#week-title").startswith("2026-W11")
        await press(pilot, "left")
        assert text_of(app, "#week-title").startswith("2026-W10")
        await press(pilot, "right", "right")
        assert text_of(app, "#week-title").startswith("2026-W12")
        await press(pilot, "t")
        assert text_of(app, "#week-title").startswith("2026-W11")
        await press(pilot, "h")
        assert isinstance(app.screen, HistoryScreen)
        await press(pilot, "s")
        assert isinstance(app.screen, SourcesScreen)
        await press(pilot, "d")
        assert isinstance(app.screen, DayScreen)
        assert "Sunday 15 March 2026" in text_of(app, "#day-title")
        await press(pilot, "left")
        assert "Saturday 14 March 2026" in text_of(app, "#day-title")
        await pilot.click("#tab-week")
        await loaded(pilot)
        assert isinstance(app.screen, WeekScreen)
        assert app.screen.query_one("#days", DataTable).cursor_row == 5  # Saturday stays selected
        await press(pilot, "enter")
        assert isinstance(app.screen, DayScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, DayScreen)
        await pilot.press("q")
    assert app.return_code == 0


class SlowSource:
    """A pull that reports progress and then waits until the test lets it finish."""

    def __init__(self, steps: int = 3):
        self.steps = steps
        self.release = threading.Event()
        self.reached = threading.Event()

    def __call__(self, store, config, progress):
        for step in range(1, self.steps + 1):
            progress("days", step, self.steps, f"day {step}")
        self.reached.set()
        assert self.release.wait(10)
        return "3 days"


@run_async
async def test_a_slow_pull_shows_progress_and_the_app_stays_responsive(demo_store):
    source = SlowSource()
    app = build_app(CONFIG, demo_store, today=END, pull=source)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("p")
        assert source.reached.wait(5)
        await pilot.pause()
        assert status(app) == "Pulling: days: day 3"
        assert app.screen.query_one("#status-progress").progress == 3
        await pilot.press("left", "h")  # keys are handled while the pull runs
        assert isinstance(app.screen, HistoryScreen)
        assert app.week_start == date(2026, 3, 2)
        await pilot.press("p")
        assert status(app) == "A pull is already running."
        source.release.set()
        await settle(app, pilot)
        assert status(app) == "Pull finished: 3 days"


@run_async
async def test_a_failing_worker_shows_an_error_not_a_crash(demo_store):
    def failing(store, config, progress):
        raise WearsyncError("Garmin is rate limiting; try again after 14:05")

    app = build_app(CONFIG, demo_store, today=END, pull=failing)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("p")
        await settle(app, pilot)
        assert status(app) == "Pull failed: Garmin is rate limiting; try again after 14:05"
        assert app.screen.query_one("StatusLine").has_class("error")
        assert [n.title for n in app._notifications] == ["Pull failed"]
        await pilot.press("right")
        assert app.is_running


@run_async
async def test_after_a_cooldown_refusal_p_offers_and_shift_p_forces_a_retry(demo_store):
    calls = []

    def cooling_down(store, config, progress, force=False):
        calls.append(force)
        if not force:
            raise GarminRateLimited(
                "Garmin Connect asked wearsync to wait (429); not asking again before 14:05", until=0
            )
        return "Garmin: 2 days, 0 new activities"

    app = build_app(CONFIG, demo_store, today=END, pull=cooling_down)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("p")
        await settle(app, pilot)
        assert status(app).endswith("not asking again before 14:05; P asks anyway")
        await pilot.press("P")
        await settle(app, pilot)
        assert calls == [False, True]
        assert status(app) == "Pull finished: Garmin: 2 days, 0 new activities"


@run_async
async def test_the_app_refreshes_when_another_process_writes(demo_store, wearsync_home):
    app = build_app(CONFIG, demo_store, today=END, poll_seconds=0.05)
    async with app.run_test() as pilot:
        await loaded(pilot)
        table = app.screen.query_one("#days", DataTable)
        assert table.get_row("2026-03-12")[6].plain.strip() == fmt.UNKNOWN
        code = (
            "import sys; from datetime import date; from pathlib import Path; "
            "from wearsync.store import Store; from wearsync.dashboard.sync_actions import log_intake; "
            "log_intake(Store.open(Path(sys.argv[1])), date(2026, 3, 12), 1650)"
        )
        subprocess.run([sys.executable, "-c", code, str(wearsync_home)], check=True)
        await pilot.pause(0.3)
        await loaded(pilot)
        assert table.get_row("2026-03-12")[6].plain.strip() == "1,650"


@run_async
async def test_a_slow_report_keeps_the_app_responsive_and_shows_it_is_loading(demo_store, monkeypatch):
    slow = HeldReport(report_week.week_report, timeout=10)
    monkeypatch.setattr(report_week, "week_report", slow)
    app = build_app(CONFIG, demo_store, today=END)
    ticks = []
    async with app.run_test() as pilot:
        app.set_interval(0.05, lambda: ticks.append(1))
        assert slow.reached.wait(5)
        ticked = len(ticks)
        await pilot.pause(0.3)
        assert len(ticks) > ticked  # the event loop runs while the report is held
        assert app.screen.query_one(StatusLine).has_class("loading")
        assert app.screen.query_one(LoadingIndicator).display
        assert text_of(app, "#week-title") == ""
        await press(pilot, "s")  # a view that reads no report shows at once
        assert isinstance(app.screen, SourcesScreen)
        assert text_of(app, "#cooldown") == "No Garmin cooldown."
        assert not app.screen.query_one(StatusLine).has_class("loading")
        await pilot.press("w", "left")  # the old week's load is superseded
        assert isinstance(app.screen, WeekScreen)
        slow.release.set()
        await loaded(pilot)
        assert text_of(app, "#week-title").startswith("2026-W10")
        assert not app.screen.query_one(StatusLine).has_class("loading")


@run_async
async def test_a_failing_load_shows_an_error_not_a_crash(demo_store, monkeypatch):
    def failing(*args, **kwargs):
        raise WearsyncError("database disk image is malformed")

    monkeypatch.setattr(report_day, "day_report", failing)
    app = build_app(CONFIG, demo_store, today=END)
    async with app.run_test() as pilot:
        await loaded(pilot)
        await press(pilot, "d")
        assert status(app) == "Loading this view failed: database disk image is malformed"
        assert app.screen.query_one(StatusLine).has_class("error")
        assert not app.screen.query_one(StatusLine).has_class("loading")
        await press(pilot, "w")
        assert text_of(app, "#week-title").startswith("2026-W11")


@run_async
async def test_logged_intake_replaces_the_day_and_shows_in_the_week(demo_store):
    day = date(2026, 3, 12)
    log_intake(demo_store, day, 2400)
    app = build_app(CONFIG, demo_store, today=END)
    async with app.run_test() as pilot:
        await loaded(pilot)
        await pilot.press("l")
        assert isinstance(app.screen, IntakeDialog)
        app.screen.query_one("#intake-day", Input).value = day.isoformat()
        await pilot.press(*"1650", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, WeekScreen)
        assert status(app) == "Logged 1,650 kcal eaten on Thu 12 Mar."
        assert demo_store.conn.execute(
            "SELECT kcal FROM intake WHERE local_day = ?", (day.isoformat(),)
        ).fetchall() == [(1650,)]
        table = app.screen.query_one("#days", DataTable)
        assert table.get_row(day.isoformat())[6].plain.strip() == "1,650"
        assert report_week.week_report(demo_store, CONFIG, day).days[3].eaten_kcal == 1650


@run_async
async def test_the_sources_view_forgets_an_import_behind_a_confirmation(demo_store):
    from wearsync.dashboard.screens.dialogs import ConfirmDialog

    def stored(path):
        return demo_store.conn.execute("SELECT count(*) FROM recordings WHERE path = ?", (path,)).fetchone()[0]

    newest = demo_store.conn.execute("SELECT path FROM import_events ORDER BY id DESC LIMIT 1").fetchone()[0]
    before = demo_store.conn.execute("SELECT count(*) FROM recordings").fetchone()[0]
    assert stored(newest) == 1
    app = build_app(CONFIG, demo_store, today=END)
    async with app.run_test() as pilot:
        await loaded(pilot)
        await press(pilot, "s")
        assert app.screen.query_one("#imports", DataTable).cursor_row == 0  # the newest import
        await pilot.press("f")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert newest.rsplit("/", 1)[-1] in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("escape")  # cancelled: nothing happens
        await settle(app, pilot)
        assert isinstance(app.screen, SourcesScreen) and stored(newest) == 1
        await pilot.press("f")
        await settle(app, pilot)
        await pilot.click("#confirm-ok")
        await settle(app, pilot)
        assert isinstance(app.screen, SourcesScreen)
        assert status(app) == f"Forgot {newest.rsplit('/', 1)[-1]}."
    assert stored(newest) == 0
    assert demo_store.conn.execute("SELECT count(*) FROM recordings").fetchone()[0] == before - 1


@run_async
async def test_the_app_reactives_drive_the_views(demo_store):
    # Nothing pushes the week into the view: it watches the app's week, which follows its day.
    app = build_app(CONFIG, demo_store, today=END)
    async with app.run_test() as pilot:
        await loaded(pilot)
        assert text_of(app, "#week-title").startswith("2026-W11")
        app.day = date(2026, 1, 7)  # a Wednesday; 1 January 2026 is a Thursday, so ISO week 2 runs 5-11 January
        await loaded(pilot)
        assert app.week_start == date(2026, 1, 5)
        assert text_of(app, "#week-title").startswith("2026-W02")
        # The status set while one view shows is on the next view's line too.
        app.set_status("a message for every view")
        await press(pilot, "h")
        assert isinstance(app.screen, HistoryScreen)
        assert status(app) == "a message for every view"
