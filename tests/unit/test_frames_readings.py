import math
from datetime import UTC, date, datetime

import pytest

from wearsync.errors import StoreError
from wearsync.store import Store, hr_series
from wearsync.store.hr_series import HR_SOURCES, write_series

T0 = int(datetime(2023, 6, 5, 10, 0, tzinfo=UTC).timestamp())


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path)
    yield store
    store.close()


def rows(readings):
    return [
        (ts, bpm, offset, HR_SOURCES[source])
        for ts, bpm, offset, source in zip(*(column.tolist() for column in readings), strict=True)
    ]


def insert(store, values, **owner):
    """Each row (ts, bpm, utc_offset_s, source) as a series of its own, in the order given."""
    with store.transaction() as conn:
        for n, (ts, bpm, offset, source) in enumerate(values):
            write_series(
                conn,
                source=source,
                ts=[ts],
                bpm=[math.nan if bpm is None else bpm],
                utc_offset_s=[offset],
                **(owner or {"garmin_day": f"2023-06-{n + 1:02}"}),
            )


def test_readings_come_back_as_stored_and_a_days_in_time_order_then_stored_order(store):
    insert(
        store,
        [
            (T0 + 5, 25, -43200, "monitoring"),  # UTC-12, the lowest bpm the store keeps
            (T0, 250, 50400, "activity"),  # UTC+14, stored later but earlier in time
            (T0, 61, 19800, "activity"),  # same second: stored order breaks the tie
            (T0 + 60, None, 7200, "garmin"),  # an empty Garmin slot: not a reading
            (T0 + 120, 70, -12600, "garmin"),  # half-hour offsets
        ],
    )
    # the analytics' read: series in the order stored, without the empty ones
    readings = hr_series.read_readings(store.conn, date(2023, 6, 5), date(2023, 6, 5))
    assert rows(readings) == [
        (T0 + 5, 25, -43200, "monitoring"),
        (T0, 250, 50400, "activity"),
        (T0, 61, 19800, "activity"),
        (T0 + 120, 70, -12600, "garmin"),
    ]
    # a local day's readings (the day view): in time order, the empty one as unknown; T0 + 5 at
    # UTC-12 is 22:00 of the day before, T0 at UTC+14 past midnight of the day after
    day = hr_series.read_local_day(store.conn, date(2023, 6, 5))
    assert day.rows() == [
        (T0, 61, 19800, "activity"),
        (T0 + 60, None, 7200, "garmin"),
        (T0 + 120, 70, -12600, "garmin"),
    ]


def test_no_readings_are_empty_arrays(store):
    readings = hr_series.read_readings(store.conn, date(2023, 6, 5), date(2023, 6, 5))
    assert all(column.size == 0 for column in readings) and rows(readings) == []


@pytest.mark.parametrize(
    "row",
    [
        (T0, 70, 7200, "chest strap"),  # a source the store has no code for
        (T0, 2_000_000, 7200, "activity"),  # a bpm beyond the gate's limit
        (T0, 24, 7200, "activity"),  # below it
        (T0, 70, -1_008_235_319, "activity"),  # a real file's offset (issue 9), beyond the gate's limit
        (2**62, 70, 7200, "activity"),  # a time beyond 2100
        (T0 + 0.5, 70, 7200, "activity"),  # a time that is not a whole second
        (T0, "70", 7200, "activity"),  # a bpm that is text
    ],
)
def test_a_reading_outside_the_gates_limits_is_refused_by_the_store(store, row):
    with pytest.raises(StoreError, match="a value outside the store's limits was refused"):
        insert(store, [row], recording_id=None, garmin_day="2023-06-05")
    assert store.conn.execute("SELECT count(*) FROM hr_series").fetchone()[0] == 0


def test_a_garmin_day_written_again_replaces_its_readings(store):
    insert(store, [(T0, 60, 0, "garmin")], garmin_day="2023-06-05")
    insert(store, [(T0 + 120, 80, 0, "garmin")], garmin_day="2023-06-05")
    readings = hr_series.read_readings(store.conn, date(2023, 6, 5), date(2023, 6, 5))
    assert rows(readings) == [(T0 + 120, 80, 0, "garmin")]


def test_a_range_read_decodes_only_the_series_that_overlap_it(store):
    day = 86_400
    insert(
        store, [(T0 - 10 * day, 60, 0, "monitoring"), (T0, 61, 0, "monitoring"), (T0 + 10 * day, 62, 0, "monitoring")]
    )
    plan = " ".join(
        row[3]
        for row in store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM hr_series WHERE last_ts >= ? AND first_ts < ?", (T0, T0 + 1)
        )
    )
    assert "USING INDEX hr_series_span" in plan or "USING COVERING INDEX hr_series_span" in plan
    readings = hr_series.read_readings(store.conn, date(2023, 6, 5), date(2023, 6, 5))
    assert readings.bpm.tolist() == [61]


def test_series_read_together_keep_each_ones_offset_runs(store):
    # All series of a read are decoded at once (hr_series.decode_many): each one's offset runs
    # start at its own first reading, so a run must not spill into the next series.
    with store.transaction() as conn:
        write_series(
            conn,
            source="monitoring",
            ts=[T0, T0 + 60, T0 + 120],
            bpm=[60, 61, 62],
            utc_offset_s=[7200, 7200, 3600],
            garmin_day="2023-06-05",
        )
        write_series(
            conn,
            source="garmin",
            ts=[T0 + 30, T0 + 150],
            bpm=[70, 71],
            utc_offset_s=[-3600, -3600],
            garmin_day="2023-06-06",
        )
    readings = hr_series.read_readings(store.conn, date(2023, 6, 5), date(2023, 6, 5))
    assert rows(readings) == [
        (T0, 60, 7200, "monitoring"),
        (T0 + 60, 61, 7200, "monitoring"),
        (T0 + 120, 62, 3600, "monitoring"),
        (T0 + 30, 70, -3600, "garmin"),
        (T0 + 150, 71, -3600, "garmin"),
    ]
