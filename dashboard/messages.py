"""What the dashboard's workers report back, as past-tense messages the app handles."""

from __future__ import annotations

from typing import Any

from textual.message import Message


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
