"""Files dropped onto the dashboard (a terminal pastes their paths), through the real app driven
by Pilot: every terminal's way of quoting paths, a Windows path, text that is not a file, a path
pasted into a focused field, and twenty files at once (decoded in worker processes)."""

import shutil
from pathlib import Path

import pytest
from textual.events import Paste
from textual.widgets import Input

from tests.functional.conftest import CONFIG, END, RUN, WALK, press, run_async, settle, status, text_of
from tests.readings import readings_table
from wearsync.dashboard.app import build_app
from wearsync.dashboard.screens.dialogs import ImportDialog, ImportResults
from wearsync.dashboard.screens.week import WeekScreen


def drop_styles(folder: Path) -> dict[str, tuple[str, list[Path]]]:
    spaced, plain = folder / "My Run (1).fit", folder / "walk.fit"
    return {
        "gnome single-quoted": (f"'{spaced}' '{plain}' ", [spaced, plain]),
        "konsole quotes when needed": (f"{plain} '{spaced}'", [plain, spaced]),
        "kitty one per line": (f"{spaced}\n{plain}\n", [spaced, plain]),
        "iterm backslash-escaped": (
            str(spaced).replace(" ", "\\ ").replace("(", "\\(").replace(")", "\\)") + f" {plain}",
            [spaced, plain],
        ),
        "double-quoted": (f'"{spaced}"', [spaced]),
        "file uris": (f"{spaced.as_uri()}\r\n{plain.as_uri()}", [spaced, plain]),
    }


@pytest.mark.parametrize("style", list(drop_styles(Path("/x"))))
@run_async
async def test_each_drop_style_imports_the_dropped_files(empty_store, tmp_path, style):
    folder = tmp_path / "drops"
    folder.mkdir()
    shutil.copy(RUN, folder / "My Run (1).fit")
    shutil.copy(WALK, folder / "walk.fit")
    text, expected = drop_styles(folder)[style]
    app = build_app(CONFIG, empty_store, today=END)
    async with app.run_test() as pilot:
        await pilot.pause()
        app.post_message(Paste(text))
        await settle(app, pilot)
        assert isinstance(app.screen, ImportResults)
        imported = [Path(p) for (p,) in empty_store.conn.execute("SELECT path FROM recordings ORDER BY id")]
        assert imported == expected
        await press(pilot, "escape")
        # The first-run screen gives way to the week of the newest dropped activity.
        assert isinstance(app.screen, WeekScreen)
        assert text_of(app, "#week-title").startswith("2015-W33")


@run_async
async def test_a_windows_drop_is_tried_as_that_path(empty_store):
    app = build_app(CONFIG, empty_store, today=END)
    async with app.run_test() as pilot:
        await pilot.pause()
        app.post_message(Paste(r'"C:\d\My Run.fit"'))
        await settle(app, pilot)
        outcome = app.screen.summary.outcomes[0]
        assert (outcome.path, outcome.outcome) == (r"C:\d\My Run.fit", "failed")


@pytest.mark.parametrize(
    "text, message",
    [
        ("/home/pat/notes.txt", "Not a FIT file or zip: notes.txt"),
        ("run 5k on Sunday", "That paste is not a file"),
    ],
)
@run_async
async def test_a_drop_that_is_not_a_fit_file_gets_a_friendly_message(empty_store, text, message):
    app = build_app(CONFIG, empty_store, today=END)
    async with app.run_test() as pilot:
        await pilot.pause()
        app.post_message(Paste(text))
        await settle(app, pilot)
        assert status(app).startswith(message)
        assert "Drop .fit files" in status(app)
        assert not list(app.workers)


@run_async
async def test_a_path_dropped_into_a_focused_field_stays_text(empty_store):
    app = build_app(CONFIG, empty_store, today=END)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("i")
        assert isinstance(app.screen, ImportDialog)
        app.post_message(Paste(f"'{RUN}'"))
        await settle(app, pilot)
        assert app.screen.query_one(Input).value == f"'{RUN}'"
        assert not list(app.workers)
        assert empty_store.conn.execute("SELECT COUNT(*) FROM recordings").fetchone()[0] == 0


@run_async
async def test_twenty_dropped_files_are_imported_like_the_command_line_does(empty_store, tmp_path):
    # 16 files and more decode in worker processes: started inside the running app, where Textual
    # has replaced sys.stderr (the pool once failed there with "bad value(s) in fds_to_keep").
    from tests.fit_raw import activity_file

    folder = tmp_path / "many"
    folder.mkdir()
    files = []
    for number in range(20):
        path = folder / f"run{number:02d}.fit"
        path.write_bytes(
            activity_file(1_700_000_000 + number * 86_400, [120 + number] * 300, offset_s=3600, serial=1000 + number)
        )
        files.append(path)
    app = build_app(CONFIG, empty_store, today=END)
    async with app.run_test() as pilot:
        await pilot.pause()
        app.post_message(Paste(" ".join(str(p) for p in files)))
        await settle(app, pilot)
        assert isinstance(app.screen, ImportResults)
    stored = [Path(p) for (p,) in empty_store.conn.execute("SELECT path FROM recordings ORDER BY id")]
    assert stored == files
    bpms = readings_table(empty_store.conn).execute("SELECT COUNT(DISTINCT bpm), COUNT(*) FROM readings").fetchone()
    assert bpms == (20, 20 * 300)
