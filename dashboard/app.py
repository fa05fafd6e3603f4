"""The wearsync dashboard: one Textual App, built by `build_app` for the CLI and the tests alike."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from importlib import import_module
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.events import Paste
from textual.filter import LineFilter, Monochrome
from textual.reactive import var
from textual.screen import Screen

from wearsync.analytics.weeks import week_start_of
from wearsync.config import Config
from wearsync.dashboard.background import BackgroundWork
from wearsync.dashboard.drop_paths import is_importable, parse_paste
from wearsync.dashboard.messages import ImportFinished, ImportProgress
from wearsync.dashboard.monochrome import UnstyledSafeMonochrome
from wearsync.dashboard.screens.base import Selection, ViewScreen
from wearsync.dashboard.sync_actions import FillHistory, Pull, default_pull, fill_history
from wearsync.reports.params import analytics_params
from wearsync.store import Store, listings

POLL_SECONDS = 1.0


def lazy_screen(module: str, name: str) -> Callable[[], Screen]:
    """A screen, its module imported when the screen is first shown.

    The charts in the views bring in textual-plot and numpy; a store's first frame is either the
    first-run screen or the week, and importing the others' modules would slow it.
    """

    def make() -> Screen:
        return getattr(import_module(f"wearsync.dashboard.screens.{module}"), name)()

    return make


class WearsyncApp(BackgroundWork):
    """Week, history, day and sources views over one store; drops and imports, and the workers of
    BackgroundWork (pulls, intake, the analytics cache's other days)."""

    CSS_PATH = "wearsync.tcss"
    TITLE = "wearsync"
    MODES: ClassVar[dict[str, str | Callable[[], Screen]]] = {
        "first-run": lazy_screen("first_run", "FirstRunScreen"),
        "week": lazy_screen("week", "WeekScreen"),
        "history": lazy_screen("history", "HistoryScreen"),
        "day": lazy_screen("day", "DayScreen"),
        "sources": lazy_screen("sources", "SourcesScreen"),
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "today", "Today"),
        Binding("g", "go_to", "Go to"),
        Binding("d", "view('day')", "Day", show=False),  # the tabs show it, with w, h and s
        Binding("p", "pull", "Pull"),
        Binding("P", "pull(True)", "Force pull", show=False),
        Binding("i", "import", "Import"),
        Binding("l", "log_intake", "Intake"),
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
        Binding("w", "view('week')", "Week", show=False),
        Binding("h", "view('history')", "History", show=False),
        Binding("s", "view('sources')", "Sources", show=False),
    ]

    # What the views show (they watch these, see ViewScreen.FOLLOWS).
    day: var[date] = var(date.min, init=False)
    week_start: var[date] = var(date.min, init=False)

    _monochrome = UnstyledSafeMonochrome()

    def get_line_filters(self) -> list[LineFilter]:
        # NO_COLOR: Textual's own monochrome filter fails on a segment without a style.
        return [self._monochrome if isinstance(f, Monochrome) else f for f in super().get_line_filters()]

    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        today: date | None = None,
        pull: Pull | None = None,
        fill: FillHistory | None = None,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        super().__init__()
        self.config = config
        self.store = store
        self.today = today or date.today()
        # The app's state, in reactives the views and status lines watch (set here without watchers:
        # nothing is mounted yet).
        self.set_reactive(WearsyncApp.day, self.today)  # week_start is set when a view first shows
        self.set_reactive(WearsyncApp.data_version, store.data_version())
        self.history_weeks = 12
        self.pull_function = pull or default_pull
        self.fill_history_function = fill or fill_history
        self._poll_seconds = poll_seconds
        self.report_lock = threading.Lock()

    def _week_start_of(self, day: date) -> date:
        """The first day of the week holding `day`, weeks starting on the wearer's day (the config's,
        else Garmin Connect's, else Monday: the reports' own)."""
        return week_start_of(day, analytics_params(self.store, self.config).week_start_index)

    def _show_views(self) -> None:
        """The week view, after the first-run screen or instead of it (its load reads the week)."""
        self.set_reactive(WearsyncApp.week_start, self._week_start_of(self.day))
        self.switch_mode("week")  # it loads when it first shows

    def watch_day(self, day: date) -> None:
        self.week_start = self._week_start_of(day)  # its watchers run only when the week changes

    def selection(self) -> Selection:
        """What the views show now, for a load to read in the background."""
        return Selection(config=self.config, day=self.day, week_start=self.week_start, history_weeks=self.history_weeks)

    def on_mount(self) -> None:
        # An empty store gets the first-run screen alone: no view is built until there is data.
        if listings.has_any_data(self.store):
            self._show_views()
        else:
            self.switch_mode("first-run")
        self.set_interval(self._poll_seconds, self.check_for_changes)

    # -- navigation ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The first-run screen has no day or week to move: its footer leaves those keys out.
        return not (self.current_mode == "first-run" and action in ("today", "go_to", "step", "view"))

    def action_view(self, view: str) -> None:
        """Switch to one of the four views."""
        if self.current_mode == "first-run":
            return
        self.switch_mode(view)

    def action_step(self, direction: int) -> None:
        """Previous or next week (a day in the day view)."""
        size = 1 if self.current_mode == "day" else 7
        self.show_day(self.day + timedelta(days=direction * size))

    def action_today(self) -> None:
        """Back to the week (or day) holding today; from the sources view, to today's week."""
        self.show_day(self.today, view="week" if self.current_mode == "sources" else None)

    def action_go_to(self) -> None:
        """Ask for a day or week to show."""
        from wearsync.dashboard.screens.dialogs import GoToDialog  # the dialogs: not on the first frame's path

        if self.current_mode != "first-run":
            self.push_screen(GoToDialog(self.today), self._go_to_chosen)

    def _go_to_chosen(self, day: date | None) -> None:
        if day:
            self.show_day(day, view="week" if self.current_mode == "sources" else None)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every wearsync action in the command palette (ctrl+p), then Textual's own (theme, keys, quit)."""
        views = self.current_mode != "first-run"
        commands: list[tuple[str, str, Callable[[], object] | None, bool]] = [
            (
                "Go to a day or week",
                "Show a day or week: 2024-03-05, 2024-W10, today, -3w (g)",
                self.action_go_to,
                views,
            ),
            ("Today", "Show the week or day holding today (t)", self.action_today, views),
            ("Previous week or day", "One week back, one day in the day view (←)", lambda: self.action_step(-1), views),
            ("Next week or day", "One week on, one day in the day view (→)", lambda: self.action_step(1), views),
            ("Week view", "This week's numbers against their targets (w)", lambda: self.action_view("week"), views),
            ("History view", "Weekly totals over the last weeks (h)", lambda: self.action_view("history"), views),
            (
                "Day view",
                "The selected day's heart rate, activities and numbers (d)",
                lambda: self.action_view("day"),
                views,
            ),
            (
                "Sources view",
                "Last pulls, imports and why files failed (s)",
                lambda: self.action_view("sources"),
                views,
            ),
            ("Import files", "Import a FIT file, a folder or a Garmin export zip (i)", self.action_import, True),
            ("Pull", "Pull from Garmin Connect and the configured folders (p)", self.action_pull, True),
            (
                "Force pull",
                "Pull now even during a cooldown, and retry failed downloads (P)",
                lambda: self.action_pull(True),
                True,
            ),
            ("Log intake", "Enter the calories eaten on the selected day (l)", self.action_log_intake, True),
            (
                "Forget the selected import",
                "Remove the selected file's data, after a question (f)",
                getattr(screen, "action_forget", None),
                self.current_mode == "sources",
            ),
            ("Help", "Keys and how to drop files (?)", self.action_help, True),
        ]
        for title, help_text, callback, shown in commands:
            if shown and callback is not None:
                yield SystemCommand(title, help_text, callback)
        yield from super().get_system_commands(screen)

    def show_day(self, day: date, view: str | None = None) -> None:
        """Select `day` (and its week) and redraw, switching to `view` if given."""
        self.day = day  # the current view reloads if it shows another day or week now
        if view and view != self.current_mode:
            self.switch_mode(view)  # the view reloads when it resumes

    def action_help(self) -> None:
        """Keys and how to drop files."""
        from wearsync.dashboard.screens.help import HelpScreen  # not on the first frame's path

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # -- refresh when the store changes --------------------------------------------------

    def watch_data_version(self) -> None:
        """Reload the active view; leave the first-run screen for the week once there is data."""
        if self.current_mode == "first-run":
            if listings.has_any_data(self.store):
                self._show_views()
            return
        # The week may start on another day now (Garmin Connect's first day, pulled); the active
        # view reloads below, the others when they resume.
        self.set_reactive(WearsyncApp.week_start, self._week_start_of(self.day))
        for screen in self.screen_stack:
            if isinstance(screen, ViewScreen) and screen.is_current:
                screen.reload()

    # -- drops and imports ---------------------------------------------------------------

    def on_paste(self, event: Paste) -> None:
        # A focused Input takes its paste itself and stops it, so a path typed or dropped
        # into a field never reaches here.
        paths = parse_paste(event.text)
        importable = [p for p in paths if is_importable(p)]
        if importable:
            self.start_import(importable)
        elif paths:
            names = ", ".join(p.name or str(p) for p in paths[:3])
            self.set_status(
                f"Not a FIT file or zip: {names}. Drop .fit files, a folder or a Garmin export zip.", error=True
            )
        else:
            self.set_status("That paste is not a file. Drop .fit files, a folder or a Garmin export zip.", error=True)

    def action_import(self) -> None:
        """Ask for a file or folder to import."""
        from wearsync.dashboard.screens.dialogs import ImportDialog  # the dialogs: not on the first frame's path

        self.push_screen(ImportDialog(), self._import_chosen)

    def _import_chosen(self, paths: list[Path] | None) -> None:
        if paths:
            self.start_import(paths)

    def start_import(self, paths: list[Path]) -> None:
        """Import `paths` in a worker; progress and results arrive as messages."""
        self.set_status(f"Importing {len(paths)} item(s)…", done=0, total=None)
        self.import_worker(paths)

    @work(thread=True, group="import", exit_on_error=False, name="Import")
    def import_worker(self, paths: list[Path]) -> None:
        # Imported here: the importer brings in numpy and the FIT decoder, which the first frame does not need.
        from wearsync.sync.fit_import import import_paths

        # Its own connection: sqlite connections must not be shared across threads mid-transaction.
        with Store.open(self.store.data_dir) as store:
            summary = import_paths(
                store,
                paths,
                zone=self.config.wearer.time_zone,
                progress=lambda _phase, done, total, label: self.post_message(ImportProgress(done, total, label)),
            )
        self.post_message(ImportFinished(summary))

    def on_import_progress(self, message: ImportProgress) -> None:
        self.set_status(f"Importing {Path(message.label).name}", done=message.done, total=message.total)

    def on_import_finished(self, message: ImportFinished) -> None:
        summary = message.summary
        self.set_status(
            f"Imported {summary.imported}, duplicates {summary.duplicates}, "
            f"skipped {summary.skipped}, failed {summary.failed}.",
            error=bool(summary.failed),
        )
        ids = [o.recording_id for o in summary.outcomes if o.outcome == "imported" and o.recording_id]
        newest = listings.latest_activity_day(self.store, ids)
        if newest and self.current_mode in ("first-run", "week", "day"):
            self.day = newest
        self.check_for_changes()
        # Once the view shows the new data: drawing the dialog meanwhile would slow its load.
        from wearsync.dashboard.screens.dialogs import ImportResults  # the dialogs: not on the first frame's path

        results = ImportResults(summary)
        if not (isinstance(self.screen, ViewScreen) and self.screen.after_load(lambda: self.push_screen(results))):
            self.push_screen(results)

    # -- intake --------------------------------------------------------------------------

    def action_log_intake(self) -> None:
        """Enter calories eaten for the selected day."""
        from wearsync.dashboard.screens.dialogs import IntakeDialog  # the dialogs: not on the first frame's path

        self.push_screen(IntakeDialog(self.day), self._intake_entered)

    def _intake_entered(self, entry: tuple[date, int] | None) -> None:
        if entry:
            self.intake_worker(*entry)


def build_app(
    config: Config,
    store: Store,
    *,
    today: date | None = None,
    pull: Pull | None = None,
    fill: FillHistory | None = None,
    poll_seconds: float = POLL_SECONDS,
) -> WearsyncApp:
    """The dashboard over `store`; `today`, `pull`, `fill` (sync_actions.fill_history) and the poll
    interval are injectable for tests."""
    return WearsyncApp(config, store, today=today, pull=pull, fill=fill, poll_seconds=poll_seconds)
