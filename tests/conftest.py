from pathlib import Path

import pytest

from wearsync.store import Store

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
