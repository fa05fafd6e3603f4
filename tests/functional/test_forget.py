"""Undo: forgetting a recording, a Garmin day or an intake entry gives the reports of a store that never had it."""

import json
import subprocess
import sys
from datetime import date, timedelta

from tests.conftest import DAY_PIECES, MONITOR, SHARED_FIT, require
from tests.functional.test_report_cli import store_garmin_day
from wearsync.cli import main
from wearsync.config import Config
from wearsync.demo.person import write_demo_files
from wearsync.reports import day as report_day
from wearsync.reports import week as report_week
from wearsync.reports.models import as_json
from wearsync.store import Store
from wearsync.sync.fit_import import import_paths

END = date(2026, 3, 15)  # a Sunday


def reports(store, config, day):
    """Everything the reports say about `day` and its week, as JSON."""
    return json.dumps(
        {
            "day": as_json(report_day.day_report(store, config, day)),
            "week": as_json(report_week.week_report(store, config, day, as_of=END)),
        },
        sort_keys=True,
    )


def recording_id(store, path) -> str:
    return str(store.conn.execute("SELECT id FROM recordings WHERE path = ?", (str(path),)).fetchone()[0])


def test_forgetting_b_gives_the_reports_of_a_store_that_only_had_a(tmp_path, capsys):
    files = [p for p in write_demo_files(tmp_path / "files", end=END, weeks=2) if p.suffix == ".fit"]
    activities = [p for p in files if p.parent.name == "Activity"]
    b = activities[-1]  # the last activity: its day also has monitoring files
    a = [p for p in files if p != b]
    config = Config()
    only_a = Store.open(tmp_path / "only-a")
    import_paths(only_a, a)
    both = Store.open(tmp_path / "home")  # WEARSYNC_HOME
    import_paths(both, a + [b])
    b_day = date.fromisoformat(
        both.conn.execute(
            "SELECT local_day FROM activities WHERE recording_id = ?", (recording_id(both, b),)
        ).fetchone()[0]
    )
    before = reports(both, config, b_day)  # the caches now hold B's minutes
    assert before != reports(only_a, config, b_day)

    b_original = both.original_path(
        both.conn.execute("SELECT sha256 FROM recordings WHERE path = ?", (str(b),)).fetchone()[0]
    )
    assert b_original.exists()
    assert main(["forget", str(b), "--yes"]) == 0
    assert "forgot 1 item" in capsys.readouterr().err
    assert not b_original.exists()
    for day in (b_day, b_day - timedelta(days=7)):
        assert reports(both, config, day) == reports(only_a, config, day)


def test_forgetting_one_piece_of_a_monitoring_day_recomputes_the_day_from_the_others(tmp_path):
    require(MONITOR)
    first, middle, last = (MONITOR / name for name in DAY_PIECES)
    without = Store.open(tmp_path / "without")
    import_paths(without, [first, last])
    store = Store.open(tmp_path / "home")
    import_paths(store, [first, middle, last])
    day = date(2020, 9, 25)
    # the three pieces together: the vivosmart 4's own closing totals (../shared/fit/README.md)
    assert as_json(report_day.day_report(store, Config(), day))["steps"] == 15_027
    from wearsync.undo import forget, resolve

    forget(store, resolve(store, [recording_id(store, middle)]))
    assert reports(store, Config(), day) == reports(without, Config(), day)
    assert (
        store.conn.execute("SELECT * FROM wellness ORDER BY local_day").fetchall()
        == without.conn.execute("SELECT * FROM wellness ORDER BY local_day").fetchall()
    )


def test_recordings_lists_and_filters(store, capsys):
    require(SHARED_FIT)
    run = SHARED_FIT / "python-fitparse" / "tests" / "files" / "activity-small-fenix2-run.fit"
    walk = SHARED_FIT / "python-fitparse" / "tests" / "files" / "2013-02-06-12-11-14.fit"
    import_paths(store, [run, walk])
    capsys.readouterr()
    assert main(["recordings", "--json", "--day", "2015-08-15"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    # the Fenix 2 run of 2015-08-15 (fitparse's own test file)
    assert (listed["source"], listed["path"], listed["local_days"], listed["outcome"]) == (
        "file",
        str(run),
        ["2015-08-15"],
        "imported",
    )
    assert listed["device"].startswith("garmin fenix2")
    assert main(["recordings", "--json", "--path", "2013-02-06"]) == 0
    assert [i["path"] for i in json.loads(capsys.readouterr().out)] == [str(walk)]


def test_forget_without_a_terminal_or_yes_refuses(store, wearsync_home):
    require(SHARED_FIT)
    run = SHARED_FIT / "python-fitparse" / "tests" / "files" / "activity-small-fenix2-run.fit"
    import_paths(store, [run])
    done = subprocess.run(
        [sys.executable, "-m", "wearsync", "forget", "1"], stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    assert done.returncode == 2 and "add --yes" in done.stderr
    assert store.conn.execute("SELECT count(*) FROM recordings").fetchone()[0] == 1
    unknown = subprocess.run(
        [sys.executable, "-m", "wearsync", "forget", "99", "--yes"], capture_output=True, text=True
    )
    assert unknown.returncode == 2 and "99: no stored recording" in unknown.stderr


def test_a_garmin_day_and_an_intake_entry_can_be_forgotten(store, tmp_path):
    empty = Store.open(tmp_path / "empty")
    day = date(2023, 7, 1)
    store_garmin_day(store)
    with store.transaction() as conn:
        conn.execute("INSERT INTO garmin_days (local_day, fetched_at, complete) VALUES ('2023-07-01', 1, 1)")
    assert main(["log", "intake", "1900", "--date", "2023-07-02"]) == 0
    assert reports(store, Config(), day) != reports(empty, Config(), day)
    assert main(["forget", "garmin:2023-07-01", "--yes"]) == 0
    assert main(["log", "intake", "--remove", "2023-07-02"]) == 0
    assert reports(store, Config(), day) == reports(empty, Config(), day)
