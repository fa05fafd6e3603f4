"""The app's work beside the views' loads: pulls, logged intake and filling in the analytics cache's
other days, each in a worker with its own store connection; the status line they report on, and the
store's data version their commits change.
"""

from __future__ import annotations

import threading
from datetime import date

from textual import on, work
from textual.app import App
from textual.reactive import var
from textual.worker import Worker, WorkerState

from wearsync.config import Config
from wearsync.dashboard.messages import IntakeLogged, PullFinished, PullProgress
from wearsync.dashboard.sync_actions import FillHistory, Pull, log_intake
from wearsync.dashboard.widgets.status import Status
from wearsync.errors import GarminRateLimited, GarminUnavailable
from wearsync.store import Store

FILLING = "Computing the earlier weeks for the streak"
# Seconds after the first frame's data shows before the importer's modules are loaded (warm_up).
WARM_UP_AFTER_S = 1.0


class BackgroundWork(App[None]):
    """Workers that write or compute for every view, reporting on the status line."""

    # The store's data version (polled: another connection's commit changes it) and the status line's message.
    data_version: var[int] = var(0, init=False)
    status: var[Status] = var(Status("Drop FIT files or a zip on this window to import them."), init=False)

    # Set by the app.
    config: Config
    store: Store
    pull_function: Pull
    fill_history_function: FillHistory
    # Taken by every view load that asks for reports (see ViewScreen.load_worker) and by the fill.
    report_lock: threading.Lock

    def check_for_changes(self) -> None:
        """Note a commit by another connection (a cron `wearsync pull`, our own workers)."""
        self.data_version = self.store.data_version()

    def set_status(self, text: str, *, done: int | None = None, total: int | None = None, error: bool = False) -> None:
        """Show a message (and progress) on the status line of every view."""
        self.status = Status(text, done, total, error)

    # -- after the first frame -----------------------------------------------------------

    _warmed = False

    def warm_up(self) -> None:
        """Once the first frame shows its data: load the importer's modules in a worker a moment
        later, so the first drop does not wait for them. Not at once: the frame's paint and the
        week's own load go first (an import holds the interpreter), and nobody drops a file that fast."""
        if not self._warmed:
            self._warmed = True
            self.set_timer(WARM_UP_AFTER_S, self.warm_worker)

    @work(thread=True, group="warm", exit_on_error=False, name="Loading the importer")
    def warm_worker(self) -> None:
        import wearsync.sync.fit_import  # noqa: F401 - loaded now for import_worker, which imports it when used

    # -- the analytics cache's other days ------------------------------------------------

    def fill_history(self) -> None:
        """Bring the rest of the analytics cache up to date in a worker, once at a time: a view's
        report brings only its own days up to date, and shows the streak as pending until this ends."""
        if not any(w.group == "history" and w.is_running for w in self.workers):
            before = self.status
            self.set_status(f"{FILLING}…", done=0, total=None)
            self.history_worker(before)

    @work(thread=True, group="history", exit_on_error=False, name="Computing the earlier weeks")
    def history_worker(self, before: Status) -> None:
        def progress(_phase: str, done: int, total: int, label: str) -> None:
            self.call_from_thread(self.set_status, f"{FILLING}: {label}", done=done, total=total)

        # Its turn with the views' loads: both write the same cache rows.
        with self.report_lock, Store.open(self.store.data_dir) as store:
            self.fill_history_function(store, self.config, progress)
        # On the UI thread before this worker ends: the view's reload has started when it has.
        self.call_from_thread(self._history_filled, before)

    def _history_filled(self, before: Status) -> None:
        if self.status.text.startswith(FILLING):
            self.status = before  # what the line said before, unless something else spoke since
        self.check_for_changes()

    # -- pulls ---------------------------------------------------------------------------

    def action_pull(self, force: bool = False) -> None:
        """Pull from the configured sources in a worker (one pull at a time); `force` (P) asks
        Garmin during a cooldown and downloads failed activities again, as `pull --force`."""
        if any(w.group == "pull" and w.is_running for w in self.workers):
            self.set_status("A pull is already running.")
            return
        self.set_status("Pulling (forced)…" if force else "Pulling…", done=0, total=None)
        self.pull_worker(force)

    @work(thread=True, group="pull", exit_on_error=False, name="Pull")
    def pull_worker(self, force: bool = False) -> None:
        with Store.open(self.store.data_dir) as store:
            result = self.pull_function(
                store,
                self.config,
                lambda phase, done, total, label: self.post_message(PullProgress(done, total, f"{phase}: {label}")),
                **({"force": True} if force else {}),
            )
        self.post_message(PullFinished(result))

    def on_pull_progress(self, message: PullProgress) -> None:
        self.set_status(f"Pulling: {message.label}", done=message.done, total=message.total)

    def on_pull_finished(self, message: PullFinished) -> None:
        self.set_status(f"Pull finished: {message.result}")
        self.check_for_changes()

    # -- intake --------------------------------------------------------------------------

    @work(thread=True, group="intake", exit_on_error=False, name="Logging intake")
    def intake_worker(self, day: date, kcal: int) -> None:
        # A write: it may wait out the busy timeout while a pull in another process is writing.
        with Store.open(self.store.data_dir) as store:
            warnings = log_intake(store, day, kcal, self.config)
        self.post_message(IntakeLogged(day, kcal, warnings))

    def on_intake_logged(self, message: IntakeLogged) -> None:
        warned = "".join(f" Warning: {w}." for w in message.warnings)
        self.set_status(
            f"Logged {message.kcal:,} kcal eaten on {message.day:%a %d %b}.{warned}", error=bool(message.warnings)
        )
        for warning in message.warnings:
            self.notify(warning, title="Intake stored, with a warning", severity="warning", timeout=10)
        self.check_for_changes()

    # -- failures ------------------------------------------------------------------------

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        """The one place a worker's exception becomes a visible error instead of a crash.

        Worker.StateChanged does not bubble: the views pass their own load workers' events here.
        """
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            # Garmin failing (5xx, unreachable) may answer the next try; a refused login or nothing
            # configured would not, so those get no hint.
            retry = (
                "; P asks anyway"
                if isinstance(error, GarminRateLimited)
                else "; p tries again, P forces"
                if isinstance(error, GarminUnavailable)
                else ""
            )
            self.set_status(f"{event.worker.name} failed: {error}{retry}", error=True)
            self.notify(str(error), title=f"{event.worker.name} failed", severity="error", timeout=10)
