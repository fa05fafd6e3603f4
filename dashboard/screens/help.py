"""The help screen: every key, and how to drop files."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HELP = """\
[b]Keys[/b]  (the mouse works too: click a view's tab, a day, a footer key)

  ← →        previous / next week (day, in the day view)
  t          today (from the sources view: today's week)
  g          go to a day or week: 2024-03-05, 2024-W10, today, -3w, +2d
  ctrl+p     every action by name (the command palette)
  w h d s    week, history, day, sources view
  enter      open the highlighted day
  + -        more / fewer weeks in the history view
  f          forget the selected import in the sources view (asks first)
  p          pull from Garmin Connect and the watched folders
  P          pull now, even in a Garmin cooldown; failed downloads again
  i          import a file, folder or zip by typing its path
  l          log calories eaten for the selected day
  ? F1       this help
  q          quit

[b]Drag and drop[/b]
  Drop .fit files, folders or a Garmin export zip onto this window: they
  are imported in the background and their week is shown. A drop onto a
  text field stays text in that field.

[b]Numbers[/b]
  Goal-equivalent min = moderate + 2 × vigorous. Deficit score: a day
  counts up to 500 kcal. — = unknown. Definitions: docs/metrics.md.

Press escape or ? to close."""


class HelpScreen(ModalScreen[None]):
    """Keys and drops, over the current view."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q", "dismiss", "Close", key_display="esc"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(HELP, id="help-text")
