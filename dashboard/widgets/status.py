"""The line above the footer: what a running import or pull is doing, or the last outcome.

It also shows when the view above it is still loading: a small indicator on the right that
leaves the view's last numbers (and the focus) where they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import LoadingIndicator, ProgressBar, Static


@dataclass(frozen=True)
class Status:
    """What the status line says: a message and, with `done`, a progress bar (`total` None: unknown length)."""

    text: str
    done: int | None = None
    total: int | None = None
    error: bool = False


class StatusLine(Horizontal):
    """A message and, while a worker runs, its progress bar; while the view loads, an indicator."""

    DEFAULT_CSS = """
    StatusLine { height: 1; }
    StatusLine #status-text { width: 1fr; }
    StatusLine ProgressBar { width: auto; display: none; }
    StatusLine.busy ProgressBar { display: block; }
    StatusLine LoadingIndicator { width: 8; display: none; }
    StatusLine.loading LoadingIndicator { display: block; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="status-text", markup=False)
        yield LoadingIndicator(id="status-loading")
        yield ProgressBar(total=None, show_eta=False, id="status-progress")

    def on_mount(self) -> None:
        # Every view's line shows the app's one status, hidden or not, so a view switched to is current.
        self.watch(self.app, "status", self.show)

    def show(self, status: Status) -> None:
        self.query_one("#status-text", Static).update(status.text)
        self.set_class(status.error, "error")
        self.set_class(status.done is not None, "busy")
        if status.done is not None:
            self.query_one(ProgressBar).update(total=status.total, progress=status.done)
