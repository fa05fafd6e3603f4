"""Issue 24, cases 3 and 6 (activities): an older activity uploaded late is found by the weekly
re-list of the whole synced range, a list range is never inverted, `--force` with a span lists
exactly that span, and a list page holding fewer than a page's worth ends the list. Against the
fake Garmin Connect and the real garminconnect library; each asserts what is stored and the
requests the fake saw."""

import sqlite3
import time
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs

import pytest

from tests.fake_garmin import FakeActivity, fit_file, run_cli, serving, skip_module_without_shared_data
from tests.functional.conftest import pull_from as pull
from tests.functional.conftest import query_store as query
from tests.garmin_pull_setup import with_a_run_and_a_walk
from wearsync.store import Store
from wearsync.sync import garmin_state
from wearsync.sync.garmin_activities import pull_activities
from wearsync.sync.garmin_client import login_from_tokens
from wearsync.sync.garmin_summary import GarminPullSummary

skip_module_without_shared_data()

LATE = 9005  # recorded on 2023-07-01, visible at Garmin only after the first pulls


@pytest.fixture
def fake():
    yield from serving(with_a_run_and_a_walk())


def lists(fake) -> list[tuple[str, str, str]]:
    """(startDate, endDate, start) of every activity-list request; none is ever inverted."""
    asked = []
    for r in fake.requests("/activitylist-service/"):
        q = {k: v[0] for k, v in parse_qs(r.query).items()}
        assert q["startDate"] <= q["endDate"], f"an inverted list range: {r.query}"
        asked.append((q["startDate"], q["endDate"], q["start"]))
    return asked


def upload_late(fake) -> None:
    fake.activities.append(
        FakeActivity(LATE, datetime(2023, 7, 1, 9, 0), fit_file("garmin-fenix-5-bike.fit"), "Ride", "cycling")
    )


def set_state(home, key, value) -> None:
    conn = sqlite3.connect(home / "wearsync.db")
    conn.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", (key, value))
    conn.commit()
    conn.close()


def late_one(home):
    return query(home, "SELECT state, recording_id IS NOT NULL FROM garmin_activities WHERE activity_id = ?", LATE)


def test_3_an_older_activity_uploaded_late_is_found_by_the_weekly_re_list(home, fake):
    first = pull(home, fake, date(2023, 8, 1), since=date(2023, 6, 28))
    assert first.error is None and first.activities_imported == 2
    assert lists(fake) == [("2023-06-28", "2023-08-01", "0")]
    upload_late(fake)
    fake.clear_log()
    # Within the week: the first day never listed, or the last two weeks; 2023-07-01 is older.
    pull(home, fake, date(2023, 8, 2))
    assert lists(fake) == [("2023-07-20", "2023-08-02", "0")]
    assert late_one(home) == []
    # A week after the last whole listing, a plain pull lists the whole synced range again.
    set_state(home, garmin_state.RELISTED_KEY, repr(time.time() - garmin_state.RELIST_S - 60))
    fake.clear_log()
    summary = pull(home, fake, date(2023, 8, 3))
    assert summary.error is None and summary.activities_imported == 1 and summary.activities_new == 1
    assert lists(fake) == [("2023-06-28", "2023-08-03", "0")]
    assert [r.path for r in fake.requests("/download-service/")] == [f"/download-service/files/activity/{LATE}"]
    assert late_one(home) == [("imported", 1)]
    assert query(home, "SELECT count(*) FROM activities") == [(3,)]
    # And not again before another week.
    fake.clear_log()
    pull(home, fake, date(2023, 8, 4))
    assert lists(fake) == [("2023-07-22", "2023-08-04", "0")] and not fake.requests("/download-service/")


def test_3_force_with_since_and_until_lists_exactly_that_span(home, fake, monkeypatch, capsys):
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--since", "2023-06-28", "--until", "2023-07-04")
    assert code == 0, err
    assert lists(fake) == [("2023-06-28", "2023-07-04", "0")]
    # As a later plain pull leaves it (its days would take minutes here): listed through today.
    today = date.today().isoformat()
    set_state(home, garmin_state.LISTED_KEY, f'{{"from": "2023-06-28", "to": "{today}"}}')
    upload_late(fake)
    fake.clear_log()
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--since", "2023-06-28", "--until", "2023-07-04", "--force")
    assert code == 0, err
    assert lists(fake) == [("2023-06-28", "2023-07-04", "0")]
    assert late_one(home) == [("imported", 1)]
    # Without --force the span is already listed: no list request, and never an inverted one.
    fake.clear_log()
    code, out, err = run_cli(monkeypatch, capsys, "pull", "--since", "2023-06-28", "--until", "2023-07-04")
    assert code == 0, err
    assert lists(fake) == []


def test_6_a_list_page_that_is_not_full_is_the_last(home, fake):
    pull(home, fake, date(2023, 7, 3), since=date(2023, 6, 29))
    assert lists(fake) == [("2023-06-29", "2023-07-03", "0")]  # two activities: one request


def test_3_the_weekly_re_list_of_400_days_takes_a_request_per_100_activities(home, fake):
    # A year and five weeks with 250 activities (one every day or two): the whole re-list.
    today = date(2024, 8, 3)
    first = today - timedelta(days=399)
    fake.activities = [
        FakeActivity(20_000 + n, datetime.combine(first + timedelta(days=n * 399 // 249), datetime.min.time()), b"")
        # (no FIT file: what is measured is the listing; each download fails on its own)
        for n in range(250)
    ]
    with Store.open(home) as store:
        with store.transaction() as conn:
            store.set_state(conn, garmin_state.RANGE_KEY, first.isoformat())
            store.set_state(conn, garmin_state.LISTED_KEY, f'{{"from": "{first}", "to": "{today}"}}')
            store.set_state(conn, garmin_state.RELISTED_KEY, repr(time.time() - garmin_state.RELIST_S))
        listing = garmin_state.plan_listing(store, first, today, today)
        assert (listing.start, listing.end, listing.whole) == (first, today, True)
        session = login_from_tokens(home, fake.url, min_interval_s=0)
        fake.clear_log()
        summary = GarminPullSummary()
        pull_activities(store, session, listing, summary)
    assert summary.activities_listed == 250
    assert lists(fake) == [(first.isoformat(), today.isoformat(), str(n)) for n in (0, 100, 200)]
    assert query(home, "SELECT count(*) FROM garmin_activities") == [(250,)]
