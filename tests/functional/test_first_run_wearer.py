"""The dashboard's first run asks who wears the watch and writes the settings file (issue 11)."""

import stat

from textual.widgets import Input

from tests.functional.conftest import END, loaded, run_async, text_of
from wearsync.config import Config, config_path, load_config
from wearsync.dashboard.app import build_app


async def fill(pilot, selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector, Input).focus()
    await pilot.press(*text)


@run_async
async def test_the_first_run_writes_birth_year_sex_and_weight_to_the_settings_file(store):
    app = build_app(Config(), store, today=END)
    async with app.run_test(size=(100, 50)) as pilot:
        await loaded(pilot)
        await fill(pilot, "#wearer-birth-year", "1985")
        await fill(pilot, "#wearer-sex", "male")
        await fill(pilot, "#wearer-weight", "82.5")
        await pilot.click("#wearer-save")
        await pilot.pause()
        path = config_path()
        assert text_of(app, "#wearer-result") == f"Saved to {path}."
        assert not app.screen.query("#wearer-form")
        assert (app.config.wearer.birth_year, app.config.wearer.sex) == (1985, "male")
    written = load_config(path).wearer
    assert (written.birth_year, written.sex, written.weight_kg) == (1985, "male", 82.5)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@run_async
async def test_skipping_writes_nothing_and_leaves_the_wearer_assumed(store):
    app = build_app(Config(), store, today=END)
    async with app.run_test(size=(100, 50)) as pilot:
        await loaded(pilot)
        await pilot.click("#wearer-skip")
        await pilot.pause()
        assert "assumed" in text_of(app, "#wearer-result")
        assert not app.screen.query("#wearer-form")
    assert not config_path().exists() and app.config.wearer.birth_year == 0


@run_async
async def test_a_bad_answer_is_named_and_nothing_is_written(store):
    app = build_app(Config(), store, today=END)
    async with app.run_test(size=(100, 50)) as pilot:
        await loaded(pilot)
        await fill(pilot, "#wearer-birth-year", "1850")
        await fill(pilot, "#wearer-sex", "male")
        await pilot.click("#wearer-save")
        await pilot.pause()
        assert "wearer.birth_year must be from 1900" in text_of(app, "#wearer-result")
        assert app.screen.query("#wearer-form")
    assert not config_path().exists()


@run_async
async def test_an_existing_settings_file_is_never_overwritten_and_not_asked_about(store, tmp_path):
    own = tmp_path / "own.toml"
    own.write_text("[targets]\nsteps_per_day = 9000\n")
    app = build_app(load_config(own), store, today=END)
    async with app.run_test(size=(100, 50)) as pilot:
        await loaded(pilot)
        assert not app.screen.query("#wearer-form")
    assert own.read_text() == "[targets]\nsteps_per_day = 9000\n"
