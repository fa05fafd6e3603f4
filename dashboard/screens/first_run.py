"""The first screen of an empty store: how to import, pull, or try the demo."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from wearsync.dashboard.widgets.status import StatusLine

WELCOME = """\
[b]Welcome to wearsync[/b]

Nothing is stored yet. Three ways to start:

[b]1. Drop files here.[/b] Drag .fit files, a folder of them or a Garmin
   export zip onto this window (or press [b]i[/b] and type a path). From a
   watch over USB: GARMIN/Activity and GARMIN/Monitor.

[b]2. Pull from Garmin Connect.[/b] Run [b]wearsync login[/b] once in a shell,
   then press [b]p[/b] here (or schedule [b]wearsync pull[/b]).

[b]3. Try the demo.[/b] Quit ([b]q[/b]) and run [b]wearsync demo[/b]: ten weeks of
   a made-up person's data in a separate folder, never mixed with yours.

Press [b]?[/b] for every key."""


class FirstRunScreen(Screen):
    """The only screen until the store holds something; then the app switches to the week."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="first-run"):
            with Center():
                yield Static(WELCOME, id="welcome")
        yield StatusLine()
        yield Footer(compact=True)

    def on_screen_resume(self) -> None:
        self.app.sync_status(self)
