"""Issue 23: the wheel a user installs holds every package of the tree under its installed name,
the dashboard's styles and the command (the editable install of tools/setup would hide a gap)."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Each top-level folder of the tree and where it is installed (docs/architecture.md, Folders).
INSTALLED_AS = {
    "wearsync": "wearsync",
    "sync": "wearsync/sync",
    "analytics": "wearsync/analytics",
    "dashboard": "wearsync/dashboard",
}
BUILD_FILES = ("pyproject.toml", "setup.py", "README.md")


def build_wheel(tmp_path: Path) -> zipfile.ZipFile:
    """A real PEP 517 build (setuptools of the test venv, no download), of a copy of what the build
    reads: built in the tree, setuptools' build/ would keep stale files for the next wheel."""
    source = tmp_path / "source"
    source.mkdir()
    for name in BUILD_FILES:
        if (ROOT / name).exists():  # setup.py may go one day, all set in pyproject.toml
            shutil.copy(ROOT / name, source / name)
    for folder in INSTALLED_AS:
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
        + ["--wheel-dir", str(tmp_path / "out"), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = (tmp_path / "out").glob("wearsync-*.whl")
    return zipfile.ZipFile(wheel)


def files_to_install() -> set[str]:
    """Every module of every package folder (a folder with __init__.py) and every .tcss of the four
    roots, by the path it has once installed."""
    found = set()
    for folder, installed in INSTALLED_AS.items():
        root = ROOT / folder
        packages = {init.parent for init in root.rglob("__init__.py")}
        for path in [*root.rglob("*.py"), *root.rglob("*.tcss")]:
            if path.suffix == ".tcss" or path.parent in packages:
                found.add(f"{installed}/{path.relative_to(root).as_posix()}")
    return found


def test_the_wheel_holds_every_package_and_style_under_its_installed_name(tmp_path):
    expected = files_to_install()
    assert {"wearsync/store/__init__.py", "wearsync/sync/__init__.py", "wearsync/dashboard/wearsync.tcss"} <= expected
    with build_wheel(tmp_path) as wheel:
        names = set(wheel.namelist())
        (entry_points,) = [name for name in names if name.endswith(".dist-info/entry_points.txt")]
        assert "wearsync = wearsync.cli:main" in wheel.read(entry_points).decode()
    assert sorted(expected - names) == []
    # Nothing is installed bare (a top-level `sync` would shadow any other of that name).
    assert {name.split("/")[0] for name in names} == {"wearsync", entry_points.split("/")[0]}
