"""The dashboard's intake dialog checks what is typed with the library's one intake check."""

import asyncio
from datetime import date

from textual.app import App
from textual.widgets import Input, Static

from wearsync.dashboard.screens.dialogs import IntakeDialog


class Host(App):
    """The dialog alone on a real Textual app; `entries` is what it was dismissed with."""

    def __init__(self):
        super().__init__()
        self.entries = []

    def on_mount(self) -> None:
        self.push_screen(IntakeDialog(date(2026, 3, 12)), self.entries.append)


async def submit(kcal: str, day: str = "2026-03-12") -> tuple[list, str]:
    app = Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        app.screen.query_one("#intake-day", Input).value = day
        app.screen.query_one("#intake-kcal", Input).value = kcal
        await pilot.press("enter")
        await pilot.pause()
        error = "" if app.entries else str(app.screen.query_one("#intake-error", Static).render())
    return app.entries, error


def test_a_decimal_is_accepted_and_kept_as_whole_kcal():
    assert asyncio.run(submit("1850.5")) == ([(date(2026, 3, 12), 1851)], "")


def test_what_the_command_line_refuses_the_dialog_refuses_with_the_same_reason():
    asyncio.run(refusals())


async def refusals():
    for kcal, says in (
        ("inf", "'inf' is not a number of kcal"),
        ("1e400", "'1e400' is not a number of kcal"),
        ("1,850", "no thousands separator"),
        ("[b]25000", "'[b]25000' is not a number"),
        ("25000", "25000 kcal is outside 0 to 20,000"),
    ):
        entries, error = await submit(kcal)
        assert entries == [] and says in error, (kcal, error)
    entries, error = await submit("1850", day="0001-01-01")
    assert entries == [] and "0001-01-01 is outside 1998-07-03" in error
