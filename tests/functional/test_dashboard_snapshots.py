from datetime import date

import pytest
from textual.events import Paste

from tests.conftest import DAY_PIECES, MONITOR, require
from tests.functional.conftest import CONFIG, END, RUN, add_weigh_ins, loaded
from wearsync.dashboard.app import build_app
from wearsync.dashboard.sync_actions import log_intake
from wearsync.sync.fit_import import import_paths

SIZES = [(80, 24), (160, 48)]
# The key that opens each view; None is the week view the app opens on.
VIEWS = {
    "week": None,
    "history": "h",
    "day": "d",
    "sources": "s",
    "help": "question_mark",
    "go-to": "g",
    "import": "i",
    "intake": "l",
}


@pytest.fixture
def frozen_store(demo_store, demo_store_dir):
    # Import times are wall-clock; pin them so the sources view renders the same every run.
    with demo_store.transaction() as conn:
        conn.execute("UPDATE import_events SET at = 1773400000")
    log_intake(demo_store, END.replace(day=10), 1100)
    log_intake(demo_store, END.replace(day=11), 1850)
    add_weigh_ins(demo_store, demo_store_dir.parent / "files")  # the weight views with weight
    return demo_store


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("view", list(VIEWS))
def test_view(snap_compare, frozen_store, view, size):
    app = build_app(CONFIG, frozen_store, today=END, poll_seconds=3600)
    key = VIEWS[view]

    async def open_view(pilot):
        # Keys here, not in `press`: snap_compare presses after run_before, and views load in workers.
        await loaded(pilot)
        if key:
            await pilot.press(key)
            await loaded(pilot)

    assert snap_compare(app, run_before=open_view, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_first_run(snap_compare, store, size):
    assert snap_compare(build_app(CONFIG, store, today=END, poll_seconds=3600), terminal_size=size)


def test_week_in_a_light_theme(snap_compare, frozen_store):
    app = build_app(CONFIG, frozen_store, today=END, poll_seconds=3600)

    async def light(pilot):
        await loaded(pilot)
        pilot.app.theme = "textual-light"

    assert snap_compare(app, run_before=light, terminal_size=(80, 24))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("view", ["week", "day"])
def test_real_day(snap_compare, store, view, size):
    # The vivosmart 4's 2020-09-25: a real day's monitoring, its week around it.
    require(MONITOR)
    import_paths(store, [MONITOR / name for name in DAY_PIECES])
    with store.transaction() as conn:
        conn.execute("UPDATE import_events SET at = 1773400000")
    app = build_app(CONFIG, store, today=date(2020, 9, 25), poll_seconds=3600)

    async def open_view(pilot):
        await loaded(pilot)
        if view == "day":
            await pilot.press("d")
            await loaded(pilot)

    assert snap_compare(app, run_before=open_view, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_import_results(snap_compare, frozen_store, tmp_path, size):
    # One file imported, one refused with a reason longer than its column (it wraps).
    (tmp_path / "empty.fit").write_bytes(b"")
    (tmp_path / "run.fit").write_bytes(RUN.read_bytes())
    app = build_app(CONFIG, frozen_store, today=END, poll_seconds=3600)

    async def drop(pilot):
        await loaded(pilot)
        pilot.app.post_message(Paste(f"{tmp_path / 'run.fit'} {tmp_path / 'empty.fit'}"))
        await pilot.pause()
        await pilot.app.workers.wait_for_complete([w for w in pilot.app.workers if w.group == "import"])
        await loaded(pilot)

    assert snap_compare(app, run_before=drop, terminal_size=size)
