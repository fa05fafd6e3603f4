"""The first screen of an empty store: how to import, pull, or try the demo; and, while no
settings file names the wearer, who wears the watch (birth year, sex, optionally weight),
written as the settings file `wearsync config init` writes. Skipping keeps them assumed."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Center, Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Static

from wearsync.config import config_path, initial_text, load_config, write_initial
from wearsync.dashboard.widgets.status import StatusLine
from wearsync.errors import ConfigError

if TYPE_CHECKING:
    from wearsync.dashboard.app import WearsyncApp

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


WEARER_QUESTION = (
    "[b]Who wears the watch?[/b] Birth year and sex set the heart-rate zones and the intake "
    "floor; without them wearsync assumes (born 1990, the higher floor) and says so."
)


class FirstRunScreen(Screen):
    """The only screen until the store holds something; then the app switches to the week."""

    app: WearsyncApp

    DEFAULT_CSS = """
    #wearer-form { width: 78; height: auto; margin-top: 1; }
    #wearer-form Input { width: 40; }
    #wearer-form Horizontal { height: auto; }
    #wearer-result { width: 78; height: auto; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="first-run"):
            with Center():
                yield Static(WELCOME, id="welcome")
            with Center():
                if self._asks_wearer():
                    with Vertical(id="wearer-form"):
                        yield Static(WEARER_QUESTION, id="wearer-question")
                        yield Input(placeholder="birth year, e.g. 1988", type="integer", id="wearer-birth-year")
                        yield Input(placeholder="female or male", id="wearer-sex")
                        yield Input(placeholder="weight in kg (optional)", type="number", id="wearer-weight")
                        with Horizontal():
                            yield Button("Save", id="wearer-save")
                            yield Button("Skip", id="wearer-skip")
            with Center():
                yield Static("", id="wearer-result", markup=False)
        yield StatusLine()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.app.warm_up()  # a first drop is what this screen asks for

    def _asks_wearer(self) -> bool:
        """Only with no settings file at all (a file is the person's own: never overwritten)
        and no wearer set."""
        config = self.app.config
        return config.path is None and not config.wearer.birth_year and not config.wearer.sex

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "wearer-skip":
            self._done("Skipped: birth year and sex stay assumed (`wearsync config init` asks later).")
        elif event.button.id == "wearer-save":
            self._save()

    def _save(self) -> None:
        values = {
            key: self.query_one(f"#wearer-{key.replace('_', '-')}", Input).value.strip()
            for key in ("birth_year", "sex", "weight")
        }
        path = config_path()
        try:
            if not values["birth_year"].isdigit():
                raise ConfigError(f"wearer.birth_year: {values['birth_year']!r} is not a year")
            try:
                weight = float(values["weight"]) if values["weight"] else None
            except ValueError:
                raise ConfigError(f"wearer.weight_kg: {values['weight']!r} is not a number") from None
            text = initial_text(birth_year=int(values["birth_year"]), sex=values["sex"].lower(), weight_kg=weight)
            write_initial(path, text)
            config = load_config(path)
        except (ConfigError, OSError) as exc:
            self.query_one("#wearer-result", Static).update(str(exc))
            return
        self.app.config = dataclasses.replace(config, home=self.app.config.home)
        self._done(f"Saved to {path}.")

    def _done(self, message: str) -> None:
        self.query_one("#wearer-form").remove()
        self.query_one("#wearer-result", Static).update(message)
