"""NO_COLOR=1 (https://no-color.org): the dashboard draws every view, charts included, in monochrome."""

import asyncio

import pytest

from tests.functional.conftest import CONFIG, END, loaded
from wearsync.dashboard.app import build_app
from wearsync.dashboard.screens.day import DayScreen
from wearsync.dashboard.screens.history import HistoryScreen
from wearsync.dashboard.screens.week import WeekScreen


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_every_view_draws_under_no_color(demo_store, monkeypatch, size):
    monkeypatch.setenv("NO_COLOR", "1")

    async def drive():
        app = build_app(CONFIG, demo_store, today=END)
        async with app.run_test(size=size) as pilot:
            assert app.no_color  # Textual read NO_COLOR: its monochrome filter is on
            await loaded(pilot)
            assert isinstance(app.screen, WeekScreen)
            for key, screen in (("d", DayScreen), ("h", HistoryScreen), ("w", WeekScreen)):
                await pilot.press(key)
                await loaded(pilot)
                await pilot.pause()
                assert isinstance(app.screen, screen)
        # A crash while drawing ends run_test with the app's exception, not here.
        assert app.return_code in (0, None)

    asyncio.run(drive())
