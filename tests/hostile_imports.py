"""Importing a hostile or odd file in a batch with a good one, and checking the batch: the good
file stored, the odd file's one outcome line, every report of the days the batch touched working.

Used by tests/functional/test_hostile_values.py, test_hostile_clocks.py and
test_hostile_zips_and_folders.py; their files are written with the raw FIT writer (tests/fit_raw.py).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from tests.fit_raw import activity_file, message
from tests.readings import monitoring_table, readings_table
from wearsync.cli import main

GOOD_START = 1_700_000_000  # 2023-11-14 22:13:20 UTC
GOOD_BPMS = [100 + i % 40 for i in range(600)]


def good_file(tmp_path: Path) -> Path:
    path = tmp_path / "good.fit"
    path.write_bytes(activity_file(GOOD_START, GOOD_BPMS, offset_s=3600, serial=1))
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def import_batch(capsys, tmp_path: Path, *paths: Path, config: Path | None = None) -> tuple[int, dict, str]:
    extra = ["--config", str(config)] if config else []
    code, out, err = run(capsys, *extra, "import", "--json", str(good_file(tmp_path)), *map(str, paths))
    return code, json.loads(out), err


def stored_days(home: Path) -> set[str]:
    import sqlite3

    conn = sqlite3.connect(home / "wearsync.db")
    days = {
        r[0]
        for r in monitoring_table(readings_table(conn)).execute(
            "SELECT DISTINCT date(ts + utc_offset_s, 'unixepoch') FROM readings "
            "UNION SELECT local_day FROM activities UNION SELECT local_day FROM monitoring_values"
        )
    }
    conn.close()
    return days


def assert_reports_work(capsys, home: Path, config: Path | None = None) -> None:
    """`report --day`, `--week` and `--weeks` succeed for every day the batch touched."""
    extra = ["--config", str(config)] if config else []
    days = sorted(stored_days(home))
    assert days
    for day in days:
        code, out, err = run(capsys, *extra, "report", "--day", day, "--json")
        assert code == 0, err
        assert json.loads(out)["local_day"] == day
        year, week, _ = date.fromisoformat(day).isocalendar()
        code, out, err = run(capsys, *extra, "report", "--week", f"{year}-W{week:02d}", "--json")
        assert code == 0, err
    code, _out, err = run(capsys, *extra, "report", "--weeks", "3", "--json")
    assert code == 0, err


def assert_good_file_stored(summary: dict) -> None:
    good = [f for f in summary["files"] if f["path"].endswith("/good.fit")]
    assert good and good[0]["outcome"] == "imported"


def outcome_of(summary: dict, name: str) -> dict:
    matches = [f for f in summary["files"] if name in f["path"].rsplit("/", 1)[-1]]
    assert len(matches) == 1, summary["files"]
    return matches[0]


def activity_with_record(*record_fields, start: int = GOOD_START + 86_400) -> bytes:
    """An activity whose one odd record sits among plain ones (offset UTC+1, stated)."""
    return activity_file(start, [120] * 30, offset_s=3600, serial=77, extra=(message(20, *record_fields),))


def zone_config(tmp_path: Path, zone: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[wearer]\ntime_zone = "{zone}"\n')
    return path
