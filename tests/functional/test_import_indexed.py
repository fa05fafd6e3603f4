"""Issue 23: an import's work is the size of its files, not of the store. Every statement the
importer runs on a store that already holds data reads through an index: none is a full SCAN of
a data table (EXPLAIN QUERY PLAN of each statement, recorded as it ran)."""

import re
import sqlite3
from datetime import date

from tests.conftest import DAY_PIECES, MONITOR, SHARED_FIT, require
from tests.fit_raw import activity_file
from wearsync.demo.fit_writer import MonitoringMinute, monitoring_fit
from wearsync.sync.fit_import import import_data, import_paths

# Tables that grow with the years a store holds.
DATA_TABLES = (
    "recordings",
    "activities",
    "strength_sets",
    "hr_series",
    "monitoring_series",
    "wellness",
    "weigh_ins",
    "intake",
    "import_events",
    "garmin_days",
    "garmin_activities",
    "garmin_responses",
    "analytics_minutes",
    "analytics_days",
    "analytics_units",
)
FILES = SHARED_FIT / "python-fitparse" / "tests" / "files"
SCAN = re.compile(r"\bSCAN (\w+)")
START = 1_600_000_000  # 2020-09-13 12:26:40 UTC


def plan_scans(conn: sqlite3.Connection, statement: str) -> list[str]:
    """The data tables (or their indexes) `statement` would read whole."""
    details = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}")]
    return [d for d in details if (m := SCAN.search(d)) and m.group(1) in DATA_TABLES]


def test_no_statement_of_an_import_reads_a_whole_table(store):
    require(MONITOR)
    # a store that holds some of everything first: a watch's day cut in three, a vívofit day, a run,
    # and an activity of device 555 that states its offset
    assert import_paths(store, [*(MONITOR / p for p in DAY_PIECES), FILES / "MonitoringFile.fit"]).failed == 0
    assert import_paths(store, [FILES / "garmin-fenix-5-run.fit"]).failed == 0
    assert import_data(store, activity_file(START, [120] * 60, offset_s=3600, serial=555), "first.fit")[0].outcome == (
        "imported"
    )
    minutes = [MonitoringMinute(m, heart_rate=70, steps=20) for m in range(0, 1440, 7)]
    monitoring = monitoring_fit(
        day=date(2020, 9, 26), utc_offset_s=10800, serial=3982961693, resting_metabolic_rate=1800, minutes=minutes
    )
    later = monitoring_fit(
        day=date(2020, 9, 27), utc_offset_s=10800, serial=3982961693, resting_metabolic_rate=1800, minutes=minutes
    )
    assert "kept the" in import_data(store, later[: len(later) // 2], "cut.fit")[0].message
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        outcomes = [
            *import_data(store, monitoring, "next-day.fit"),
            # no offset of its own: the same device's recording an hour before gives it
            *import_data(store, activity_file(START + 3600, [120] * 60, local_timestamp=0, serial=555), "second.fit"),
            # a duplicate and a file already stored under another name
            *import_data(store, monitoring, "again.fit"),
            # a whole copy of a damaged file takes its place: the damaged one forgotten
            *import_data(store, later, "whole.fit"),
        ]
    finally:
        store.conn.set_trace_callback(None)
    assert [o.outcome for o in outcomes] == ["imported", "imported", "duplicate", "imported"]
    assert "another recording of the same device" in outcomes[1].message
    assert "replaces the damaged copy" in outcomes[3].message
    queries = [
        s for s in statements if s.lstrip().split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE")
    ]
    # the reads the issue was about ran: a day's monitoring values, the device's offset near a time
    assert any("FROM monitoring_series WHERE local_day" in q for q in queries)
    assert any("serial = " in q and "monitoring_series" in q for q in queries)
    assert any("activities_by_start" in q for q in queries)
    scans = {q: found for q in queries if (found := plan_scans(store.conn, q))}
    assert scans == {}


def test_the_check_finds_a_scan(store):
    # the test above could fail: a read of a day's values without the index is a SCAN
    assert plan_scans(store.conn, "SELECT * FROM monitoring_series NOT INDEXED WHERE local_day = '2020-09-25'")
    assert plan_scans(store.conn, "SELECT * FROM activities WHERE start_utc + 0 = 5")
