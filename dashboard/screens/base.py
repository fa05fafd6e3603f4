"""What the four views share: the view tabs, the status line, the footer, the week/day keys and loading.

A view never reads the store on the UI thread: on the first report of a freshly filled store the
analytics cache is built, which takes seconds. `reload` starts the view's load worker, which reads
with its own store connection and posts `ViewLoaded`; the view then fills its widgets from that.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Tab, Tabs
from textual.worker import Worker, WorkerState, get_current_worker

from wearsync.config import Config
from wearsync.dashboard.messages import ViewLoaded
from wearsync.dashboard.widgets.status import StatusLine
from wearsync.store import Store

if TYPE_CHECKING:
    from wearsync.dashboard.app import WearsyncApp

VIEWS = (("week", "Week"), ("history", "History"), ("day", "Day"), ("sources", "Sources"))
# A load quicker than this (the usual, once the analytics cache is built) shows no indicator,
# so stepping through weeks does not flash it.
LOADING_DELAY_S = 0.15


@dataclass(frozen=True)
class Selection:
    """What a load reads, taken on the UI thread when it starts: the person may move on meanwhile."""

    config: Config
    day: date
    week_start: date
    history_weeks: int


class ViewScreen(Screen):
    """A full-screen view; subclasses compose the body and implement `load` and `show`."""

    VIEW: ClassVar[str] = ""
    # The app reactive whose change reloads the view ("day", "week_start"; "" for none).
    FOLLOWS: ClassVar[str] = ""
    # Whether `load` asks the read side (wearsync.reports), which may have to build the analytics cache first.
    READS_REPORTS: ClassVar[bool] = True
    # Priority, so a focused table's cursor keys do not swallow week navigation. Not in the footer,
    # which at 80 columns has room for the letter keys only (help and the palette list them).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "app.step(-1)", "Prev", priority=True, key_display="←", show=False),
        Binding("right", "app.step(1)", "Next", priority=True, key_display="→", show=False),
    ]

    app: WearsyncApp
    _loading_timer: Timer | None = None
    _reload_queued = False
    _loads_started = False

    def __init__(self) -> None:
        super().__init__()
        self._after_load: list[Callable[[], object]] = []

    def compose(self) -> ComposeResult:
        yield Tabs(
            *(Tab(f"{label} ({name[0]})", id=f"tab-{name}") for name, label in VIEWS),
            active=f"tab-{self.VIEW}",
            id="views",
        )
        yield from self.compose_body()
        yield StatusLine()
        yield Footer(compact=True)

    def compose_body(self) -> ComposeResult:
        """The view's own widgets."""
        yield from ()

    def load(self, store: Store, selection: Selection) -> Any:
        """Read what the view shows; runs in a worker thread, on the worker's own connection."""
        raise NotImplementedError

    def show(self, data: Any, selection: Selection) -> None:
        """Fill the widgets with what `load` returned (on the UI thread)."""
        raise NotImplementedError

    def reload(self) -> None:
        """Read the store again in the background; a load still running is superseded.

        Asked again before the load starts (an import changes the data and the week at once),
        it loads once, what is selected when it starts: a load cannot stop once running, and a
        second one would wait for it and read the same again.
        """
        if self._loading_timer is None:
            self._loading_timer = self.set_timer(LOADING_DELAY_S, self._show_loading)
        if not self._reload_queued:
            self._reload_queued = True
            # A view's first load starts once its first frame is painted: the load's imports (polars,
            # the analytics) hold the interpreter, and would hold that frame back.
            (self.call_later if self._loads_started else self.call_after_refresh)(self._start_load)

    def _start_load(self) -> None:
        self._loads_started = True
        self._reload_queued = False
        self.load_worker(self.app.selection())

    def after_load(self, callback: Callable[[], object]) -> bool:
        """Call `callback` once the reload asked for or running has shown its data (or failed);
        False, and nothing kept, when no reload is under way."""
        running = any(w.group == "load" and w.node is self and not w.is_finished for w in self.app.workers)
        if not (self._reload_queued or running):
            return False
        self._after_load.append(callback)
        return True

    def _loaded(self) -> None:
        callbacks, self._after_load = self._after_load, []
        for callback in callbacks:
            callback()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False, name="Loading this view")
    def load_worker(self, selection: Selection) -> None:
        worker = get_current_worker()
        # The first report of a new store builds the analytics cache; two loads building it at
        # once would do the work twice and race to write it, so report loads take turns.
        with self.app.report_lock if self.READS_REPORTS else nullcontext():
            if worker.is_cancelled:  # superseded while waiting for its turn
                return
            # Its own connection: sqlite3 connections must not be shared across threads.
            with Store.open(self.app.store.data_dir) as store:
                data = self.load(store, selection)
        self.post_message(ViewLoaded(worker, selection, data))

    def on_view_loaded(self, message: ViewLoaded) -> None:
        # Cancelled here, on the UI thread, means a newer load started: its data is on the way.
        if not message.worker.is_cancelled:
            self._hide_loading()
            self.show(message.data, message.selection)
            self._loaded()
            self.app.warm_up()

    @on(Worker.StateChanged)
    def _load_failed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "load" and event.state == WorkerState.ERROR:
            self._hide_loading()
            self._loaded()
        self.app.worker_failed(event)

    def _show_loading(self) -> None:
        # On the status line, not `loading` on the body: that would blank the last numbers and
        # take the focus from the table.
        self.query_one(StatusLine).add_class("loading")

    def _hide_loading(self) -> None:
        if self._loading_timer is not None:
            self._loading_timer.stop()
            self._loading_timer = None
        self.query_one(StatusLine).remove_class("loading")

    def on_mount(self) -> None:
        if self.FOLLOWS:
            self.watch(self.app, self.FOLLOWS, self._selection_changed, init=False)

    def _selection_changed(self) -> None:
        if self.is_current:  # a hidden view reloads when it resumes
            self.reload()

    def on_screen_resume(self) -> None:
        self.query_one(Tabs).active = f"tab-{self.VIEW}"
        self.reload()

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        view = event.tab.id.removeprefix("tab-") if event.tab and event.tab.id else self.VIEW
        if view != self.VIEW:
            self.app.switch_mode(view)
