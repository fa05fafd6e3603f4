"""The demo store: ten weeks of the made-up person's files, written and imported into a folder of
its own (wearsync's cache folder), never the person's own store."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date
from pathlib import Path

import platformdirs

from wearsync.config import APP, initial_text
from wearsync.errors import WearsyncError
from wearsync.intake import read_intake_csv, record_intake
from wearsync.private_files import private_folder
from wearsync.progress import Progress
from wearsync.store import Store, recordings
from wearsync.weight import read_weight_csv, record_weight

# The person and the FIT encoder (`wearsync.demo.person`) and the importer are imported where used:
# the command line imports this module to build its parser, and they would slow its start.
DEMO_WEEKS = 10
DEMO_SEED = 7
MARKER = "demo.json"  # what the demo folder was built for; also proves the folder is the demo's
BUILDING = "demo.building"  # there while the demo is being built
SETTINGS = "config.toml"  # the demo's own settings: its wearer


def demo_dir() -> Path:
    """Where the demo lives: wearsync's cache folder, apart from the person's data folder."""
    return Path(platformdirs.user_cache_dir(APP)) / "demo"


def keep_demo_wearer(store: Store) -> None:
    """Keep the made-up wearer with her data: `report` on the demo store then uses her settings."""
    from wearsync.demo import person
    from wearsync.reports.params import WEARER_KEY

    with store.transaction() as conn:
        store.set_state(conn, WEARER_KEY, json.dumps(person.WEARER))


def settings_text() -> str:
    """The demo's own settings file: the made-up wearer (her resting heart rate too), every
    other setting its default (the store keeps her too: `keep_demo_wearer`)."""
    from wearsync.demo import person

    text = initial_text(birth_year=person.BIRTH_YEAR, sex="female", weight_kg=person.WEIGHT_KG)
    return text.replace("# resting_hr = 0 ", f"resting_hr = {person.HR_REST}", 1)


def left_for_drop(folder: Path) -> Path:
    """The demo's latest activity, left out of the import so that dropping it shows a drag-in."""
    return sorted((folder / "files" / "Activity").glob("*.fit"))[-1]


def is_imported(store: Store, path: Path) -> bool:
    """Whether the file at `path` (the one left for a drag-in) is in the store already."""
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return recordings.recording_by_sha(store.conn, sha) is not None


def demo_is_built(folder: Path, end: date) -> bool:
    """Whether `folder` already holds the demo ending on `end`."""
    marker = folder / MARKER
    return marker.is_file() and json.loads(marker.read_text()) == _wanted(end)


def build_demo(folder: Path, end: date, *, progress: Progress | None = None) -> None:
    """Write the demo files for `end` into `folder` (afresh: what was there is gone) and import them.

    A folder that is not the demo's is refused (WearsyncError), never emptied.
    """
    from wearsync.demo import person
    from wearsync.sync.fit_import import import_paths

    if folder.exists():
        if not ((folder / MARKER).is_file() or (folder / BUILDING).is_file()):
            raise WearsyncError(f"{folder} exists but is not a wearsync demo; move it away first")
        if Store.in_use(folder):  # removing a live store's files would corrupt what has it open
            raise WearsyncError(f"{folder}: the demo store is open in another wearsync (a dashboard?); close it first")
        shutil.rmtree(folder)
    private_folder(folder)
    (folder / BUILDING).touch()  # a build cut short is still known as the demo's, and redone
    files = folder / "files"
    written = person.write_demo_files(files, end=end, weeks=DEMO_WEEKS, seed=DEMO_SEED)
    held_back = left_for_drop(folder)
    fit_files = [p for p in written if p.suffix == ".fit" and p != held_back]
    (folder / SETTINGS).write_text(settings_text(), encoding="utf-8")
    with Store.open(folder) as store:
        summary = import_paths(store, fit_files, progress=progress)
        if summary.failed:
            raise WearsyncError(f"the demo's own files failed to import: {summary.to_json()}")
        record_intake(store, read_intake_csv(files / "intake.csv"), "csv")
        record_weight(store, read_weight_csv(files / "weight.csv"), "csv")
        keep_demo_wearer(store)
    (folder / MARKER).write_text(json.dumps(_wanted(end)))
    (folder / BUILDING).unlink()


def _wanted(end: date) -> dict:
    return {"end": end.isoformat(), "weeks": DEMO_WEEKS, "seed": DEMO_SEED}
