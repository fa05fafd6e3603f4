"""The line above the footer: what a running import or pull is doing, or the last outcome.

It also shows when the view above it is still loading: a small indicator on the right that
leaves the view's last numbers (and the focus) where they are.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import LoadingIndicator, ProgressBar, Static


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

    def show(self, text: str, *, done: int | None = None, total: int | None = None,
             error: bool = False) -> None:
        """Show `text`; with `done`/`total` also a progress bar (total None: unknown length)."""
        self.query_one("#status-text", Static).update(text)
        self.set_class(error, "error")
        self.set_class(done is not None, "busy")
        if done is not None:
            self.query_one(ProgressBar).update(total=total, progress=done)
