"""Garmin Connect weigh-ins during `pull`: the real garminconnect library against the fake Garmin."""

from datetime import UTC, date, datetime

import pytest

from tests.conftest import SHARED_FIT, require
from tests.fake_garmin import GARMIN_BODIES, FakeGarmin, weigh_in
from tests.functional.conftest import pull_from as pull
from tests.functional.conftest import query_store as query
from wearsync.reports.models import as_json
from wearsync.reports.weight import day_weigh_ins
from wearsync.store import Store
from wearsync.sync.fit_import import import_paths
from wearsync.undo import forget, resolve

if not GARMIN_BODIES.is_dir():
    pytest.skip(f"needs the shared data in {GARMIN_BODIES.parent}", allow_module_level=True)


@pytest.fixture
def fake():
    server = FakeGarmin().start()
    yield server
    server.stop()


def weight_requests(fake):
    return [r.query for r in fake.requests("/weight-service/weight/dateRange")]


def test_a_pull_stores_the_weigh_ins_in_kg_and_skips_each_malformed_one_with_its_reason(home, fake):
    fake.weigh_ins = [
        weigh_in(datetime(2023, 7, 1, 7, 12), 80250.0, bodyFat=21.4),
        weigh_in(datetime(2023, 7, 2, 6, 55), 79800.0),
        weigh_in(datetime(2023, 7, 3, 7, 0), "80100"),  # a string
        weigh_in(datetime(2023, 7, 3, 7, 5), 0),  # nothing
        weigh_in(datetime(2023, 7, 3, 7, 10), 10**9),  # a tonne, a thousand times
        weigh_in(datetime(2023, 7, 2, 19, 0), 80500.0, calendarDate=None),  # no day
    ]
    summary = pull(home, fake, date(2023, 7, 3), since=date(2023, 7, 1))
    assert summary.outcome == "ok", summary.to_json()
    # One request for the whole pulled range, not one a day.
    assert weight_requests(fake) == ["startDate=2023-07-01&endDate=2023-07-03"]
    # 80,250 g = 80.25 kg; 07:12 at UTC-6 is 13:12 UTC; the offset is -6 h = -21,600 s.
    assert query(
        home, "SELECT local_day, ts, utc_offset_s, weight_kg, fat_percent, source FROM weigh_ins ORDER BY ts"
    ) == [
        ("2023-07-01", int(datetime(2023, 7, 1, 13, 12, tzinfo=UTC).timestamp()), -21600, 80.25, 21.4, "garmin"),
        ("2023-07-02", int(datetime(2023, 7, 2, 12, 55, tzinfo=UTC).timestamp()), -21600, 79.8, None, "garmin"),
    ]
    skipped = [w for w in summary.warnings if "Garmin weigh-in" in w]
    assert len(skipped) == 4, summary.warnings
    assert any("of 2023-07-03 skipped: weight '80100' is not grams" in w for w in skipped)
    assert any("of 2023-07-03 skipped: weight 0 is not grams" in w for w in skipped)
    assert any("of 2023-07-03 skipped: weight 1000000000 is not grams" in w for w in skipped)
    assert any("skipped: its calendarDate None is not a day of 2023-07-01..2023-07-03" in w for w in skipped)
    assert summary.to_json()["weigh_ins"] == {"requests": 1, "new": 2, "failures": []}


def test_a_second_pull_asks_only_the_days_not_settled_and_stores_no_duplicate(home, fake):
    fake.weigh_ins = [weigh_in(datetime(2023, 7, 1, 7, 12), 80250.0), weigh_in(datetime(2023, 7, 3, 7, 0), 80000.0)]
    pull(home, fake, date(2023, 7, 3), since=date(2023, 6, 29))
    fake.weigh_ins.append(weigh_in(datetime(2023, 7, 4, 6, 40), 79900.0))
    fake.clear_log()
    summary = pull(home, fake, date(2023, 7, 4))
    # 2023-07-01 had settled (today - 2) when it was asked; 07-02 and 07-03 had not.
    assert weight_requests(fake) == ["startDate=2023-07-02&endDate=2023-07-04"]
    assert summary.weigh_ins_new == 1
    assert query(home, "SELECT local_day, weight_kg FROM weigh_ins ORDER BY ts") == [
        ("2023-07-01", 80.25),
        ("2023-07-03", 80.0),
        ("2023-07-04", 79.9),
    ]


def test_a_failed_weigh_in_request_costs_only_its_range_and_is_asked_again(home, fake):
    fake.weigh_ins = [weigh_in(datetime(2023, 7, 1, 7, 12), 80250.0)]
    fake.inject("status", "/weight-service/", status=400)
    summary = pull(home, fake, date(2023, 7, 3), since=date(2023, 7, 1))
    assert summary.days_stored == ["2023-07-01", "2023-07-02", "2023-07-03"]
    assert list(summary.weigh_in_failures) == ["2023-07-01..2023-07-03"]
    assert "\n" not in summary.weigh_in_failures["2023-07-01..2023-07-03"]
    assert query(home, "SELECT count(*) FROM weigh_ins") == [(0,)]
    assert query(home, "SELECT count(*) FROM garmin_days WHERE weigh_ins_reason IS NOT NULL") == [(3,)]
    fake.clear_log()
    pull(home, fake, date(2023, 7, 3))
    assert weight_requests(fake) == ["startDate=2023-07-01&endDate=2023-07-03"]
    assert query(home, "SELECT local_day, weight_kg FROM weigh_ins") == [("2023-07-01", 80.25)]


def test_a_weigh_in_from_a_scale_file_and_from_garmin_is_one_weigh_in_and_each_can_be_forgotten(home, fake, capsys):
    single = require(SHARED_FIT / "python-fitparse" / "tests" / "files" / "WeightScaleSingleUser.fit")
    store = Store.open(home)
    import_paths(store, [single], zone="Etc/GMT+6")  # UTC-6, as the fake Garmin's wearer
    ts, kg = store.conn.execute("SELECT ts, weight_kg FROM weigh_ins ORDER BY ts").fetchone()
    store.close()
    # fitparse reads the file's first weigh-in as 75.8 kg at 2009-09-09 21:38 UTC; Garmin has it too.
    assert (kg, ts) == (75.8, int(datetime(2009, 9, 9, 21, 38, tzinfo=UTC).timestamp()))
    local = datetime(2009, 9, 9, 15, 38)  # 21:38 UTC at UTC-6
    fake.weigh_ins = [weigh_in(local, 75800.0)]
    assert fake.weigh_ins[0]["timestampGMT"] == ts * 1000
    pull(home, fake, date(2009, 9, 11), since=date(2009, 9, 9))
    store = Store.open(home)
    listed = {
        day: as_json(entries)
        for day, entries in day_weigh_ins(store.conn, 0, date(2009, 9, 9), date(2009, 9, 9), "kg").items()
    }
    # The file's second weigh-in (76.09 kg, an hour later: fitparse) is the file's alone.
    assert listed[date(2009, 9, 9)] == [
        {"time": "15:38", "weight_kg": 75.8, "weight": 75.8, "sources": ["fit", "garmin"]},
        {"time": "16:38", "weight_kg": 76.09, "weight": 76.09, "sources": ["fit"]},
    ]
    forget(store, resolve(store, ["garmin:2009-09-09"]))
    assert store.conn.execute("SELECT source FROM weigh_ins WHERE ts = ?", (ts,)).fetchall() == [("fit",)]
    store.close()


@pytest.mark.parametrize("status", [403, 404])
def test_refused_weigh_ins_are_asked_again_after_a_back_off_or_when_forced(home, fake, status):
    """Weigh-ins refused over a range back off like a day's other kinds (a day, then 2, 4 ...
    days; issue 24), rather than being asked on every pull; `--force` asks at once."""
    import sqlite3
    import time

    fake.weigh_ins = [weigh_in(datetime(2023, 7, 1, 7, 12), 80250.0)]
    fake.inject("status", "/weight-service/", status=status, times=2)
    summary = pull(home, fake, date(2023, 7, 3), since=date(2023, 7, 1))
    assert "asked again after " in next(w for w in summary.warnings if w.startswith("weigh-ins 2023-07-01..2023-07-03"))
    ((retry_at, attempts),) = set(query(home, "SELECT weigh_ins_retry_at, weigh_ins_attempts FROM garmin_days"))
    assert attempts == 1 and retry_at - time.time() == pytest.approx(86_400, abs=120)
    fake.clear_log()
    pull(home, fake, date(2023, 7, 3))
    assert weight_requests(fake) == []  # backing off
    pull(home, fake, date(2023, 7, 3), force=True)  # refused again: two in a row
    assert weight_requests(fake) == ["startDate=2023-07-01&endDate=2023-07-03"]
    ((retry_at, attempts),) = set(query(home, "SELECT weigh_ins_retry_at, weigh_ins_attempts FROM garmin_days"))
    assert attempts == 2 and retry_at - time.time() == pytest.approx(2 * 86_400, abs=120)
    conn = sqlite3.connect(home / "wearsync.db")
    conn.execute("UPDATE garmin_days SET weigh_ins_retry_at = ?", (int(time.time()) - 1,))
    conn.commit()
    conn.close()
    fake.clear_log()
    pull(home, fake, date(2023, 7, 3))
    assert weight_requests(fake) == ["startDate=2023-07-01&endDate=2023-07-03"]
    assert query(home, "SELECT local_day, weight_kg FROM weigh_ins") == [("2023-07-01", 80.25)]
    assert set(query(home, "SELECT weigh_ins_retry_at, weigh_ins_attempts, weigh_ins_reason FROM garmin_days")) == {
        (None, 0, None)
    }
