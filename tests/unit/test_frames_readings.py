from datetime import date, datetime, timezone

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from wearsync import frames
from wearsync.analytics.heart_rate import READINGS_SCHEMA
from wearsync.store import Store

T0 = int(datetime(2023, 6, 5, 10, 0, tzinfo=timezone.utc).timestamp())


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path)
    yield store
    store.close()


def insert(store, rows):
    with store.transaction() as conn:
        conn.executemany("INSERT INTO hr_readings (ts, bpm, utc_offset_s, source) VALUES (?, ?, ?, ?)", rows)


def test_packed_readings_come_back_exactly_in_stored_order_without_empty_ones(store):
    insert(store, [
        (T0 + 5, 0, -43200, "monitoring"),       # UTC-12, the lowest bpm
        (T0, 255, 50400, "activity"),            # UTC+14, stored later but earlier in time
        (T0, 61, 19800, "activity"),             # same second: stored order breaks the tie
        (T0 + 60, None, 7200, "garmin"),         # an empty Garmin slot: not a reading
        (T0 + 120, 70, -12600, "garmin"),        # half-hour offsets
    ])
    readings = frames.read_readings(store.conn, date(2023, 6, 5), date(2023, 6, 5))
    assert_frame_equal(readings, pl.DataFrame([
        (T0, 255, 50400, "activity"), (T0, 61, 19800, "activity"), (T0 + 5, 0, -43200, "monitoring"),
        (T0 + 120, 70, -12600, "garmin"),
    ], schema=READINGS_SCHEMA, orient="row"))


def test_no_readings_is_an_empty_frame_of_the_declared_types(store):
    readings = frames.read_readings(store.conn, date(2023, 6, 5), date(2023, 6, 5))
    assert readings.schema == READINGS_SCHEMA and readings.is_empty()


@pytest.mark.parametrize("row, message", [
    ((T0, 70, 7200, "chest strap"), "unknown source"),
    ((T0, 2_000_000, 7200, "activity"), "outside what a reading can be"),
])
def test_a_reading_that_cannot_be_packed_is_an_error_not_a_wrong_number(store, row, message):
    insert(store, [row])
    with pytest.raises(ValueError, match=message):
        frames.read_readings(store.conn, date(2023, 6, 5), date(2023, 6, 5))
