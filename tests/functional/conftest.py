"""What the dashboard tests share: the demo store they run on, and waiting for view loads."""

import asyncio
import calendar
import functools
import shutil
import sqlite3
import threading
import time
from datetime import date, datetime

import pytest

from tests.conftest import SHARED_FIT
from tests.fake_garmin import use_fake, write_tokens
from tests.readings import readings_table
from wearsync.config import Config
from wearsync.demo.build import keep_demo_wearer
from wearsync.demo.person import write_demo_files
from wearsync.store import Store
from wearsync.store.weigh_ins import TimedWeighIn, insert_timed_weigh_ins
from wearsync.sync.fit_import import import_paths
from wearsync.sync.garmin_client import login_from_tokens
from wearsync.sync.garmin_pull import pull_garmin
from wearsync.weight import read_weight_csv, record_weight

FILES = SHARED_FIT / "python-fitparse" / "tests" / "files"
RUN = FILES / "activity-small-fenix2-run.fit"  # real Fenix 2 run, 2015-08-15
WALK = FILES / "2013-02-06-12-11-14.fit"  # real FR110 activity, 2013-02-06
END = date(2026, 3, 15)  # a Sunday: the demo's last week is whole
CONFIG = Config()  # the person's own (default) settings: the
# demo store keeps its made-up wearer itself


@pytest.fixture(scope="session")
def demo_store_dir(tmp_path_factory):
    # Synthetic: two weeks of the demo person's files, written with garmin-fit-sdk.
    folder = tmp_path_factory.mktemp("demo")
    files = write_demo_files(folder / "files", end=END, weeks=2)
    store = Store.open(folder / "home")
    import_paths(store, [p for p in files if p.suffix == ".fit"])
    keep_demo_wearer(store)
    store.close()
    return folder / "home"


@pytest.fixture
def demo_store(demo_store_dir, wearsync_home):
    shutil.copytree(demo_store_dir, wearsync_home)
    store = Store.open(wearsync_home)
    yield store
    store.close()


SCALE_DAY = date(2026, 3, 12)
# A Garmin Connect weigh-in at 07:05 local time, UTC+1: 06:05 UTC.
SCALE_TS = calendar.timegm(datetime(2026, 3, 12, 6, 5).timetuple())


def add_weigh_ins(store, demo_files):
    """The demo's morning weigh-ins (her scale app's CSV) and one timed Garmin weigh-in."""
    record_weight(store, read_weight_csv(demo_files / "weight.csv"), "csv")
    with store.transaction() as conn:
        insert_timed_weigh_ins(conn, [TimedWeighIn(SCALE_DAY.isoformat(), SCALE_TS, 3600, 67.35, None, None)], "garmin")


class HeldReport:
    """A read-side function held back until released (as on a store whose cache is cold): `reached`
    says a call has begun; it returns only after `release` is set."""

    def __init__(self, report, timeout: float = 20):
        self.report = report
        self.timeout = timeout
        self.release = threading.Event()
        self.reached = threading.Event()

    def __call__(self, *args, **kwargs):
        self.reached.set()
        assert self.release.wait(self.timeout)
        return self.report(*args, **kwargs)


async def loaded(pilot, timeout: float = 20):
    # Views load in workers; wait for the loads and the filling in of the analytics cache they may
    # start, with the reload after it (a test's pull may still be running). Not wait_for_complete:
    # a load superseded meanwhile is cancelled, which it raises.
    deadline = time.monotonic() + timeout

    def busy():
        return any(w.group in ("load", "history") and not w.is_finished for w in pilot.app.workers)

    await pilot.pause()
    while busy() or (await pilot.pause() or busy()):  # a last load's message may start the filling in
        assert time.monotonic() < deadline, "a view never finished loading"
        await pilot.pause(0.01)
    await pilot.pause()


def run_async(test):
    # No asyncio pytest plugin is installed: each Pilot test runs its own event loop.
    @functools.wraps(test)
    def run(*args, **kwargs):
        asyncio.run(test(*args, **kwargs))

    return run


def text_of(app, selector: str) -> str:
    from textual.widgets import Static

    return str(app.screen.query_one(selector, Static).render())


async def settle(app, pilot):
    """Wait for every worker but the view loads (an import, a pull), then for the loads."""
    await pilot.pause()
    others = [w for w in app.workers if w.group != "load"]
    if others:  # an empty list would mean every worker, the cancelled loads among them
        await app.workers.wait_for_complete(others)
    await loaded(pilot)


async def press(pilot, *keys):
    await pilot.press(*keys)
    await loaded(pilot)


def status(app) -> str:
    return text_of(app, "#status-text")


@pytest.fixture
def empty_store(store):
    return store


def signed_in_home(monkeypatch, fake, tmp_path, **config):
    """A home pointed at the fake Garmin (tests.fake_garmin.use_fake) with tokens saved as if
    `wearsync login` had run."""
    home = use_fake(monkeypatch, fake, tmp_path, **config)
    write_tokens(home, fake.issue_tokens())
    return home


@pytest.fixture
def home(tmp_path, monkeypatch, fake):
    """A home signed in to the module's `fake` Garmin (each Garmin test module serves its own)."""
    return signed_in_home(monkeypatch, fake, tmp_path)


def pull_from(home, fake, today, **kwargs):
    """One pull of the store in `home` from the fake Garmin, signed in with the saved tokens."""
    with Store.open(home) as store:
        return pull_garmin(store, lambda: login_from_tokens(home, fake.url, min_interval_s=0), today=today, **kwargs)


def query_store(home, sql, *args):
    """Rows of `sql` on the store in `home` (heart rate readable as the `readings` table)."""
    conn = sqlite3.connect(home / "wearsync.db")
    try:
        return readings_table(conn).execute(sql, args).fetchall()
    finally:
        conn.close()
