"""What the dashboard's workers report back, as past-tense messages the app handles."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from textual.worker import Worker

    from wearsync.dashboard.screens.base import Selection


class ImportProgress(Message):
    """The import worker has handled `done` of `total` files; `label` is the last one."""

    def __init__(self, done: int, total: int, label: str) -> None:
        super().__init__()
        self.done, self.total, self.label = done, total, label


class ImportFinished(Message):
    """An import ended; `summary` is the importer's ImportSummary."""

    def __init__(self, summary: Any) -> None:
        super().__init__()
        self.summary = summary


class PullProgress(Message):
    """The pull worker has done `done` of `total` steps; `label` says which."""

    def __init__(self, done: int, total: int, label: str) -> None:
        super().__init__()
        self.done, self.total, self.label = done, total, label


class PullFinished(Message):
    """A pull ended; `result` is what the pull function returned."""

    def __init__(self, result: Any) -> None:
        super().__init__()
        self.result = result


class ViewLoaded(Message):
    """A view's load worker has read what the view shows for `selection`.

    `worker` is the load that read it, so a view can drop the result of a load it has superseded.
    """

    def __init__(self, worker: Worker, selection: Selection, data: Any) -> None:
        super().__init__()
        self.worker, self.selection, self.data = worker, selection, data


class IntakeLogged(Message):
    """The intake worker has stored `kcal` eaten on `day`; `warnings` are the command line's for it."""

    def __init__(self, day: date, kcal: int, warnings: list[str]) -> None:
        super().__init__()
        self.day, self.kcal, self.warnings = day, kcal, warnings
