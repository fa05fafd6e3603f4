"""Dialogs: go to a day or week, import a path, log intake, the per-file results of an import, and a
yes/no confirmation."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, Static

from wearsync.dashboard.drop_paths import parse_paste
from wearsync.dashboard.goto import FORMS, parse_goto
from wearsync.errors import IntakeError
from wearsync.intake import check_intake

RESULT_COLUMNS = (("outcome", "Outcome", 9), ("file", "File", 26), ("why", "Why", 30))
CLOSE: list[BindingType] = [Binding("escape", "dismiss", "Close")]


class GoToDialog(ModalScreen[date | None]):
    """A day or week to show; Enter goes there, a form it cannot read says why and stays open."""

    BINDINGS: ClassVar[list[BindingType]] = CLOSE

    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Go to a day or week")
            yield Input(placeholder=FORMS, id="goto-text")
            yield Static("", id="goto-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Go", variant="primary", id="goto-ok")
                yield Button("Cancel", id="goto-cancel")

    def on_input_submitted(self) -> None:
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "goto-ok":
            self._submit()
        else:
            self.dismiss(None)

    def _submit(self) -> None:
        try:
            day = parse_goto(self.query_one(Input).value, self.today)
        except ValueError as exc:
            self.query_one("#goto-error", Static).update(Content(f"Cannot go there: {exc}."))  # typed text: no markup
            return
        self.dismiss(day)


class ImportDialog(ModalScreen[list[Path] | None]):
    """Type (or drop into the field) a file, folder or zip; Enter imports it."""

    BINDINGS: ClassVar[list[BindingType]] = CLOSE

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Import a FIT file, a folder or a Garmin export zip")
            yield Input(placeholder="/path/to/file.fit", id="import-path")
            yield Static("", id="import-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Import", variant="primary", id="import-ok")
                yield Button("Cancel", id="import-cancel")

    def on_input_submitted(self) -> None:
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "import-ok":
            self._submit()
        else:
            self.dismiss(None)

    def _submit(self) -> None:
        text = self.query_one(Input).value.strip()
        paths = parse_paste(text) or ([Path(text).expanduser()] if text else [])
        if not paths:
            self.query_one("#import-error", Static).update("Type a path first.")
            return
        self.dismiss(paths)


class IntakeDialog(ModalScreen[tuple[date, int] | None]):
    """Calories eaten on a day; an entry replaces that day's earlier hand-entered value."""

    BINDINGS: ClassVar[list[BindingType]] = CLOSE

    def __init__(self, day: date) -> None:
        super().__init__()
        self.day = day

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Calories eaten")
            yield Input(value=self.day.isoformat(), id="intake-day")
            yield Input(placeholder="kcal, e.g. 1850", id="intake-kcal")
            yield Static("", id="intake-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="intake-ok")
                yield Button("Cancel", id="intake-cancel")

    def on_mount(self) -> None:
        self.query_one("#intake-kcal", Input).focus()

    def on_input_submitted(self) -> None:
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "intake-ok":
            self._submit()
        else:
            self.dismiss(None)

    def _submit(self) -> None:
        try:
            entry = check_intake(
                self.query_one("#intake-day", Input).value, self.query_one("#intake-kcal", Input).value
            )
        except IntakeError as exc:
            self.query_one("#intake-error", Static).update(Content(f"Not saved: {exc}."))  # typed text: no markup
            return
        self.dismiss(entry)


class ImportResults(ModalScreen[None]):
    """Per-file results of an import: what was imported, skipped, a duplicate, or failed and why."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter", "dismiss", "Close")]

    def __init__(self, summary: Any) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        summary = self.summary
        with Vertical(classes="dialog wide"):
            yield Label(
                f"Import: {summary.imported} imported, {summary.duplicates} duplicates, "
                f"{summary.skipped} skipped, {summary.failed} failed",
                id="results-title",
            )
            table: DataTable[str] = DataTable(id="results", cursor_type="row")
            for key, title, width in RESULT_COLUMNS:
                table.add_column(title, key=key, width=width)
            for outcome in summary.outcomes:
                # A zip member's label is "export.zip:Activity/x.fit"; its name is still the last part.
                # height None: a long reason wraps within its column instead of being cut
                table.add_row(outcome.outcome, Path(outcome.path).name, outcome.message or "", height=None)
            yield table
            with Horizontal(classes="buttons"):
                yield Button("Close", variant="primary", id="results-close")

    def on_button_pressed(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A question with a consequence: the action runs only on its button (Escape or Cancel: no)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, details: str, action: str) -> None:
        super().__init__()
        self.question, self.details, self.action_label = question, details, action

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, id="confirm-question")
            yield Static(self.details, id="confirm-details", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.action_label, variant="error", id="confirm-ok")
                yield Button("Cancel", variant="primary", id="confirm-cancel")

    def on_mount(self) -> None:
        self.query_one("#confirm-cancel", Button).focus()  # Enter alone never destroys anything

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-ok")

    def action_cancel(self) -> None:
        self.dismiss(False)
