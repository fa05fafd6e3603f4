import sys
from pathlib import Path

import pytest

from wearsync.store import DB_NAME, Store

# helper modules holding asserts of their own: pytest explains their failures as it does a test's
pytest.register_assert_rewrite("tests.hostile_imports")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "soak: many real processes on one store at once for tens of seconds (tests/soak.py; deselect with "
        '-m "not soak")',
    )


SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SHARED_FIT = SHARED / "fit"
SHARED_GARMIN = SHARED / "garmin"
MONITOR = SHARED_FIT / "fit2gpx" / "test" / "monitor"
# One local day, 2020-09-25 at UTC+3, cut into three files (../shared/fit/README.md).
DAY_PIECES = ("68432691503.fit", "68484110985.fit", "68520539240.fit")


PROJECT = Path(__file__).resolve().parents[1]
PRODUCT = tuple(str(PROJECT / folder) + "/" for folder in ("wearsync", "sync", "analytics", "dashboard"))
STORE_FILES = (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm")
# Every descriptor wearsync's own code opened on a store's database, -wal or -shm file, as
# (path, the code that opened it). Only SQLite may: closing any other descriptor of the file drops
# all of the process's locks on it, and another process then deletes the WAL under its connections.
store_file_opens: list[tuple[str, str]] = []


def _watch_store_file_opens(event: str, args: tuple) -> None:
    if event != "open" or not isinstance(args[0], (str, bytes)) or not str(args[0]).endswith(STORE_FILES):
        return
    frame = sys._getframe(1)
    while frame is not None:  # the innermost frame of the project's own code decides
        name = frame.f_code.co_filename
        if name.startswith(str(PROJECT) + "/") and "/.venv/" not in name:
            if name.startswith(PRODUCT):
                store_file_opens.append((str(args[0]), f"{name}:{frame.f_lineno}"))
            return
        frame = frame.f_back


sys.addaudithook(_watch_store_file_opens)


@pytest.fixture(autouse=True)
def no_descriptor_on_a_store_file():
    """Fails a test during which wearsync's code opened a store's database file itself."""
    del store_file_opens[:]
    yield
    assert store_file_opens == [], "wearsync opened a descriptor on a store file that only SQLite may open"


def require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is missing: the shared test data must sit beside the project as ../shared")
    return path


@pytest.fixture
def shared_fit() -> Path:
    return require(SHARED_FIT)


@pytest.fixture
def shared_garmin() -> Path:
    return require(SHARED_GARMIN)


@pytest.fixture(autouse=True)
def wearsync_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("WEARSYNC_HOME", str(home))
    monkeypatch.delenv("WEARSYNC_CONFIG", raising=False)
    monkeypatch.delenv("WEARSYNC_GARMIN_URL", raising=False)
    monkeypatch.delenv("GARMINTOKENS", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    return home


@pytest.fixture
def store(wearsync_home) -> Store:
    opened = Store.open(wearsync_home)
    yield opened
    opened.close()
