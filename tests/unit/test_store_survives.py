"""The store stays usable: poison rows quarantined, unavailable days, busy locks, full disks, umask
(a kill during an import: tests/functional/test_store_in_use.py)."""

import dataclasses
import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
from datetime import date

import pytest

from tests.conftest import SHARED_FIT, require
from tests.readings import readings_table
from wearsync.config import Config
from wearsync.errors import StoreError
from wearsync.reports import day as report_day
from wearsync.reports import week as report_week
from wearsync.reports.models import as_json
from wearsync.store import DB_NAME, MIGRATIONS, Store
from wearsync.store import connection as store_module
from wearsync.sync.fit_import import import_paths

FILES = SHARED_FIT / "python-fitparse" / "tests" / "files"
RUN = FILES / "activity-small-fenix2-run.fit"  # 2015-08-15
WALK = FILES / "2013-02-06-12-11-14.fit"  # 2013-02-06
SUNDAY = dataclasses.replace(Config(), analytics=dataclasses.replace(Config().analytics, week_start="sunday"))
GOOD_TS = 1_600_000_000  # 2020-09-13 12:26:40 UTC
OLD_SCHEMA = 3  # the schema of stores written before the STRICT tables


def old_store(home):
    """A store as wearsync wrote it before the STRICT tables (migrations 1-3 only)."""
    home.mkdir(parents=True)
    conn = sqlite3.connect(home / DB_NAME, isolation_level=None)
    for script in MIGRATIONS[:OLD_SCHEMA]:
        conn.executescript(script)
    conn.execute(f"PRAGMA user_version = {OLD_SCHEMA}")
    return conn


def test_poison_rows_of_an_old_store_move_to_quarantine_and_every_report_works(tmp_path):
    home = tmp_path / "old"
    conn = old_store(home)
    good = [(GOOD_TS + 120 * n, 60 + n, 7200, "garmin", None, "2020-09-13") for n in range(30)]
    poison = [
        (GOOD_TS, 70, 600_000, "garmin", None, "2020-09-13"),  # offset beyond +-524,287 s
        (GOOD_TS, -1, 7200, "garmin", None, "2020-09-13"),  # bpm below 0
        (GOOD_TS, 2**20 + 1, 7200, "garmin", None, "2020-09-13"),  # bpm above 2^20
        (GOOD_TS, "eighty", 7200, "garmin", None, "2020-09-13"),  # bpm stored as TEXT
        (GOOD_TS + 0.5, 70, 7200, "garmin", None, "2020-09-13"),  # timestamp stored as REAL
        (2**62, 70, 7200, "garmin", None, "2020-09-13"),  # timestamp near 2^62
    ]
    conn.executemany(
        "INSERT INTO hr_readings (ts, bpm, utc_offset_s, source, recording_id, garmin_day) VALUES (?, ?, ?, ?, ?, ?)",
        good + poison,
    )
    conn.execute("INSERT INTO intake VALUES ('2020-09-13', 'manual', 2100, 1)")
    conn.execute("INSERT INTO intake VALUES ('0001-01-01', 'manual', 2000, 1)")  # breaks sunday weeks on main
    conn.execute("INSERT INTO intake VALUES ('2021-02-30', 'manual', 2000, 1)")  # no such day
    conn.execute("INSERT INTO wellness (local_day, source, steps) VALUES ('2020-09-13', 'garmin', 9000)")
    conn.execute("INSERT INTO wellness (local_day, source, steps) VALUES ('2020-09-14', 'garmin', -5)")
    conn.close()

    store = Store.open(home)
    # 6 readings + 2 intake entries + 1 wellness row, counted by hand above
    assert store.notices == [
        "store upgraded: 9 rows that broke the value limits moved to quarantine (table quarantine in the store)"
    ]
    moved = store.conn.execute("SELECT table_name, row, reason FROM quarantine ORDER BY id").fetchall()
    assert [t for t, _, _ in moved] == ["hr_readings"] * 6 + ["wellness"] + ["intake"] * 2
    assert json.loads(moved[0][1])["utc_offset_s"] == 600_000
    assert moved[0][2].startswith("utc_offset_s is not a whole number from -43200 to 50400")
    assert moved[3][2].startswith("bpm is not a whole number from 25 to 250")
    assert readings_table(store.conn).execute("SELECT count(*) FROM readings").fetchone()[0] == 30

    week = as_json(report_week.week_report(store, SUNDAY, date(2020, 9, 13), as_of=date(2020, 9, 20)))
    assert week["week_start"] == "2020-09-13" and week["unavailable_days"] == []
    sunday = week["days"][0]
    assert (sunday["steps"], sunday["eaten_kcal"]) == (9000, 2100)
    # Garmin's values each cover their 2 minutes (docs/metrics.md, Intensity minutes step 1): 30 values 120 s
    # apart, 60 minutes
    assert sunday["minutes_with_readings"] == 60
    assert len(as_json(report_week.history(store, SUNDAY, 3, date(2020, 9, 20), as_of=date(2020, 9, 20)))) == 3
    store.close()
    # said once: opening it again upgrades nothing
    assert Store.open(home).notices == []


def test_the_schema_refuses_what_a_reader_cannot_handle(store):
    refused = [
        "INSERT INTO intake VALUES ('0001-01-01', 'manual', 2000, 1)",
        "INSERT INTO intake VALUES ('2020-09-13', 'manual', 20001, 1)",
        "INSERT INTO wellness (local_day, source, resting_hr) VALUES ('2020-09-13', 'garmin', 151)",
        "INSERT INTO hr_series (garmin_day, source, first_ts, last_ts, first_local, last_local, n, ts, bpm, offsets) "
        "VALUES ('2020-09-13', 'chest strap', 1600000000, 1600000000, 1600007200, 1600007200, 1, x'00000000', x'46', "
        "x'00000000201c0000')",
        "INSERT INTO hr_series (garmin_day, source, first_ts, last_ts, first_local, last_local, n, ts, bpm, offsets) "
        "VALUES ('2020-09-13', 'garmin', 1600000000, 1600000000, 1600007200, 1600007200, 2, x'00000000', x'46', "
        "x'00000000201c0000')",  # two readings said, one stored
        "INSERT INTO activities (recording_id, start_utc, utc_offset_s, local_day) VALUES (1, 1, 0, '2020-09-13')",
    ]
    for sql in refused:
        with pytest.raises(StoreError, match="a value outside the store's limits was refused"):
            with store.transaction() as conn:
                conn.execute(sql)


def test_an_intake_the_store_refuses_is_one_line_not_a_traceback(store):
    # the command line refuses such a day first; the store refuses it from any other caller too
    from wearsync.errors import StoreError

    with pytest.raises(StoreError, match="a value outside the store's limits was refused") as caught:
        with store.transaction() as conn:
            conn.execute(
                "INSERT INTO intake (local_day, source, kcal, entered_at) VALUES ('0001-01-01', 'manual', 2000, 0)"
            )
    assert "\n" not in str(caught.value)


def test_a_day_that_cannot_be_computed_is_unavailable_and_every_other_day_reports(store):
    require(FILES)
    import_paths(store, [RUN, WALK])
    run_day, walk_day = date(2015, 8, 15), date(2013, 2, 6)
    assert as_json(report_day.day_report(store, Config(), run_day))["minutes_with_readings"] > 0
    with store.transaction() as conn:  # the day's cached minutes damaged on disk: 3 bytes, no whole minute
        conn.execute("UPDATE analytics_minutes SET minutes = x'010203' WHERE local_day = ?", (run_day.isoformat(),))
        conn.execute("DELETE FROM analytics_days")
        conn.execute("DELETE FROM state")
    week = as_json(report_week.week_report(store, Config(), run_day, as_of=run_day))
    [entry] = week["unavailable_days"]
    assert entry["local_day"] == "2015-08-15" and entry["reason"].startswith("ValueError")
    day = next(d for d in week["days"] if d["local_day"] == "2015-08-15")
    assert day["unavailable"] == entry["reason"] and day["hr_moderate_min"] is None
    other = as_json(report_day.day_report(store, Config(), walk_day))
    assert other["unavailable"] is None and other["minutes_with_readings"] > 0


def test_two_processes_opening_a_new_store_at_once_both_succeed(tmp_path):
    code = "import sys; from wearsync.store import Store; Store.open(sys.argv[1])"
    for attempt in range(5):
        home = tmp_path / f"new{attempt}"
        procs = [
            subprocess.Popen([sys.executable, "-c", code, str(home)], stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        results = [(p.communicate()[1], p.returncode) for p in procs]
        assert results == [("", 0), ("", 0)]
        opened = Store.open(home)
        assert opened.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        opened.close()


def test_a_lock_busy_past_every_retry_is_one_line(store, wearsync_home, monkeypatch):
    monkeypatch.setattr(store_module, "BUSY_BACKOFF_S", 0.001)
    holder = sqlite3.connect(wearsync_home / DB_NAME, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    store.conn.execute("PRAGMA busy_timeout = 1")
    with pytest.raises(StoreError, match=r"^the store is busy: another wearsync process is writing \(.*4 waits"):
        with store.transaction() as conn:
            store.set_state(conn, "k", "v")
    holder.execute("ROLLBACK")
    with store.transaction() as conn:  # free again: writes as before
        store.set_state(conn, "k", "v")
    assert store.get_state("k") == "v"


def test_a_full_disk_is_one_line_and_stores_nothing(store):
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # SQLite's own "database or disk is full"
    with pytest.raises(StoreError, match="cannot write the store: the disk is full; nothing of this change"):
        with store.transaction() as conn:
            store.set_state(conn, "small", "kept?")
            store.set_state(conn, "big", "x" * 1_000_000)
    assert store.get_state("small") is None
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_an_original_that_does_not_fit_on_the_disk_is_one_line_and_leaves_nothing(store, wearsync_home):
    data = b"an original"
    sha = hashlib.sha256(data).hexdigest()
    folder = wearsync_home / "originals" / sha[:2]
    folder.mkdir(parents=True)
    tmp = folder / f".{sha}.{os.getpid()}.tmp"
    tmp.symlink_to("/dev/full")  # the kernel answers every write to /dev/full with ENOSPC
    with pytest.raises(StoreError, match=r"cannot keep the original \(the disk is full\)"):
        store.keep_original(data)
    assert list(folder.iterdir()) == []


def test_every_folder_is_private_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        store = Store.open(tmp_path / "a" / "b")
        store.keep_original(b"bytes")
    finally:
        os.umask(old)
    folders = [tmp_path / "a", tmp_path / "a" / "b", *(p for p in (tmp_path / "a").rglob("*") if p.is_dir())]
    assert {stat.S_IMODE(f.stat().st_mode) for f in folders} == {0o700}
