from datetime import date, datetime, timezone

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from wearsync import frames
from wearsync.analytics.heart_rate import READINGS_SCHEMA
from wearsync.errors import StoreError
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
        (T0 + 5, 25, -43200, "monitoring"),      # UTC-12, the lowest bpm the store keeps
        (T0, 250, 50400, "activity"),            # UTC+14, stored later but earlier in time
        (T0, 61, 19800, "activity"),             # same second: stored order breaks the tie
        (T0 + 60, None, 7200, "garmin"),         # an empty Garmin slot: not a reading
        (T0 + 120, 70, -12600, "garmin"),        # half-hour offsets
    ])
    readings = frames.read_readings(store.conn, date(2023, 6, 5), date(2023, 6, 5))
    assert_frame_equal(readings, pl.DataFrame([
        (T0, 250, 50400, "activity"), (T0, 61, 19800, "activity"), (T0 + 5, 25, -43200, "monitoring"),
        (T0 + 120, 70, -12600, "garmin"),
    ], schema=READINGS_SCHEMA, orient="row"))


def test_no_readings_is_an_empty_frame_of_the_declared_types(store):
    readings = frames.read_readings(store.conn, date(2023, 6, 5), date(2023, 6, 5))
    assert readings.schema == READINGS_SCHEMA and readings.is_empty()


@pytest.mark.parametrize("row", [
    (T0, 70, 7200, "chest strap"),            # a source the packing has no code for
    (T0, 2_000_000, 7200, "activity"),        # a bpm beyond its 20-bit field
    (T0, 70, -1_008_235_319, "activity"),     # a real file's offset (issue 9), beyond its field
    (2**62, 70, 7200, "activity"),            # a time beyond its 40 bits
    (T0 + 0.5, 70, 7200, "activity"),         # a time that is not a whole second
])
def test_a_reading_that_cannot_be_packed_is_refused_by_the_store(store, row):
    with pytest.raises(StoreError, match="a value outside the store's limits was refused"):
        insert(store, [row])
    assert store.conn.execute("SELECT count(*) FROM hr_readings").fetchone()[0] == 0
