# The watch's files here are synthesised by bench/watch_years.py with the demo's FIT writer
# (Garmin's official encoder) and the demo's made-up person; none is a device recording.
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from wearsync.config import Config
from wearsync.demo import person
from wearsync.reports import day as report_day
from wearsync.reports.models import as_json
from wearsync.sync.fit_import import import_paths

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import watch_years  # noqa: E402

SUNDAY = date(2024, 12, 29)  # a week of the watch: Monday 2024-12-23 to this Sunday, one ISO week
WEEK = [SUNDAY - timedelta(days=6 - i) for i in range(7)]


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, int]]]:
    folder = tmp_path_factory.mktemp("watch")
    return folder, watch_years.generate(folder, 7 / 365.25, end=SUNDAY, jobs=1)


def test_a_week_is_the_same_files_whatever_the_processes(week, tmp_path):
    folder, written = week
    assert watch_years.generate(tmp_path, 7 / 365.25, end=SUNDAY, jobs=2) == written
    assert _tree(tmp_path) == _tree(folder)


def test_a_week_holds_four_monitoring_pieces_a_day_three_activities_and_a_weigh_in(week):
    folder, written = week
    kinds = [name.split("/")[1] for name, _ in written]
    assert (kinds.count("Monitor"), kinds.count("Activity"), kinds.count("Weight")) == (28, 3, 1)
    assert [Path(name).name for name, _ in written] == sorted(Path(name).name for name, _ in written)
    assert watch_years.watch_files(folder) == [folder / name for name, _ in written]
    for day in WEEK:
        pieces = sorted((folder / "GARMIN" / "Monitor").glob(f"{day}-*.fit"))
        assert len(pieces) == 4 and pieces[0].name == f"{day}-00-00-00.fit"


def test_the_pieces_of_each_day_import_as_the_day_the_person_lived(week, store):
    folder, written = week
    summary = import_paths(store, [folder])
    assert (summary.imported, summary.failed) == (len(written), 0)
    for day in WEEK:
        _, _, minutes = watch_years.lived(7, day)  # the person's day the files were written from
        report = as_json(report_day.day_report(store, Config(), day))
        assert report["steps"] == sum(m.steps for m in minutes)
        assert report["device_moderate_min"] == sum(m.intensity == "moderate" for m in minutes)
        assert report["device_vigorous_min"] == sum(m.intensity == "vigorous" for m in minutes)
        assert report["rmr_kcal"] == person.RESTING_METABOLIC_RATE
    weighed = store.conn.execute("SELECT COUNT(*), MIN(weight_kg) FROM weigh_ins").fetchone()
    assert weighed[0] == 1 and 60 < weighed[1] < 80
