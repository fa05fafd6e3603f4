# The demo's FIT files are synthesised by wearsync.demo with Garmin's official
# encoder; nothing here is a device recording. fitparse, an independent reader, decodes them.
import csv
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import fitparse
import pytest

from wearsync.demo.person import RESTING_METABOLIC_RATE, SERIAL, UTC_OFFSET_S, write_demo_files

END = date(2026, 3, 1)
DAYS = [END - timedelta(days=i) for i in range(13, -1, -1)]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    folder = tmp_path_factory.mktemp("demo")
    return folder, write_demo_files(folder, end=END, weeks=2)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_arguments_give_identical_bytes(demo, tmp_path):
    folder, _ = demo
    write_demo_files(tmp_path, end=END, weeks=2)
    assert _tree(tmp_path) == _tree(folder)


def test_another_seed_gives_other_data(demo, tmp_path):
    folder, _ = demo
    write_demo_files(tmp_path, end=END, weeks=2, seed=8)
    assert _tree(tmp_path) != _tree(folder)


def test_one_monitoring_file_per_day_and_the_paths_returned(demo):
    folder, paths = demo
    assert sorted(p.name for p in (folder / "Monitor").iterdir()) == [f"{day:%Y-%m-%d}.fit" for day in DAYS]
    assert sorted(paths) == sorted(p for p in folder.rglob("*") if p.is_file())
    assert paths[-1] == folder / "intake.csv"


def test_activities_are_named_by_local_start_within_the_weeks(demo):
    folder, _ = demo
    names = sorted(p.name for p in (folder / "Activity").iterdir())
    assert 8 <= len(names) <= 28
    for name in names:
        assert re.fullmatch(r"\d{4}(-\d\d){5}\.fit", name)
        assert date.fromisoformat(name[:10]) in DAYS


def test_activity_files_decode_and_match_their_names(demo):
    folder, _ = demo
    sports = set()
    for path in sorted((folder / "Activity").iterdir()):
        fit = fitparse.FitFile(path.read_bytes())
        (session,) = fit.get_messages("session")
        (activity,) = fit.get_messages("activity")
        start = session.get_value("start_time") + timedelta(seconds=UTC_OFFSET_S)
        assert path.name == f"{start:%Y-%m-%d-%H-%M-%S}.fit"
        assert activity.get_raw_value("local_timestamp") - activity.get_raw_value("timestamp") == UTC_OFFSET_S
        assert session.get_value("total_elapsed_time") <= 60 * 60
        sport = session.get_value("sub_sport")
        sports.add(sport)
        if sport == "strength_training":
            sets = [s.get_values() for s in fit.get_messages("set")]
            active = [s for s in sets if s["set_type"] == "active"]
            assert active and all(s["repetitions"] >= 8 and s["weight"] > 0 for s in active)
    assert "strength_training" in sports


def test_monitoring_file_carries_the_wearer(demo):
    folder, _ = demo
    data = (folder / "Monitor" / f"{END:%Y-%m-%d}.fit").read_bytes()
    fit = fitparse.FitFile(data)
    (file_id,) = fit.get_messages("file_id")
    assert file_id.get_value("serial_number") == SERIAL
    (info,) = fit.get_messages("monitoring_info")
    assert info.get_value("resting_metabolic_rate") == RESTING_METABOLIC_RATE
    assert info.get_raw_value("local_timestamp") - info.get_raw_value("timestamp") == UTC_OFFSET_S
    assert info.get_value("local_timestamp") == datetime(END.year, END.month, END.day)


def test_intake_log_has_known_days_only(demo):
    folder, _ = demo
    with (folder / "intake.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["date", "kcal"]
    logged = [date.fromisoformat(r["date"]) for r in rows]
    assert logged == sorted(set(logged))
    assert set(logged) <= set(DAYS)
    assert all(500 < int(r["kcal"]) < 4000 for r in rows)


def test_she_weighs_in_most_mornings_and_the_scale_file_passes_the_weight_check(demo):
    from wearsync.weight import read_weight_csv

    folder, paths = demo
    assert paths[-2] == folder / "weight.csv"
    weights = read_weight_csv(folder / "weight.csv")
    assert set(weights) <= set(DAYS) and len(weights) >= 0.7 * len(DAYS)  # most mornings, not all
    # She starts at 68 kg; two weeks of a few hundred kcal a day either way and a water swing of
    # 0.4 kg SD keep every reading within 68 +- 2 kg
    assert all(66 <= kg <= 70 for kg in weights.values())
    assert len(set(weights.values())) > 3  # readings scatter
