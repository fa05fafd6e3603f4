"""The dashboard's day curve (frames.day_curve) from the stored series."""

import math
from datetime import date, datetime, timezone

from wearsync import frames
from wearsync.hr_series import write_series
from wearsync.store import Store

DAY = date(2023, 6, 5)
OFFSET = 7200  # UTC+2
MIDNIGHT = int(datetime(2023, 6, 5, tzinfo=timezone.utc).timestamp()) - OFFSET  # local 00:00 in UTC


def at(minute: int, second: int = 0) -> int:
    return MIDNIGHT + minute * 60 + second


def test_a_minute_shows_its_finest_source_averaged_and_only_the_local_days_minutes(tmp_path):
    store = Store.open(tmp_path)
    with store.transaction() as conn:
        conn.execute("INSERT INTO recordings (id, sha256, source, path, status, imported_at) "
                     "VALUES (1, 'a', 'file', 'a.fit', 'imported', 0), (2, 'm', 'file', 'm.fit', 'imported', 0)")
        write_series(conn, source="activity", ts=[at(600, 5), at(600, 30)], bpm=[140, 151],
                     utc_offset_s=[OFFSET] * 2, recording_id=1)
        write_series(conn, source="monitoring",
                     ts=[at(-1, 59), at(600, 10), at(601, 0), at(602, 0), at(602, 30), at(1440)],
                     bpm=[99, 100, 90, 71, 72, 98], utc_offset_s=[OFFSET] * 6, recording_id=2)
        write_series(conn, source="garmin", ts=[at(601), at(603)], bpm=[80, math.nan],
                     utc_offset_s=[OFFSET] * 2, garmin_day=DAY.isoformat())
    curve = frames.day_curve(store.conn, DAY)
    # 10:00 the activity's (140 + 151) / 2 = 145.5, shown 146 (the monitoring 100 is not mixed in);
    # 10:01 Garmin's 80 before the watch's 90; 10:02 (71 + 72) / 2 = 71.5, shown 72; the empty
    # Garmin slot at 10:03 and the readings of the days before and after are not drawn
    assert curve == [(600 / 60, 146), (601 / 60, 80), (602 / 60, 72)]
    assert frames.read_day_reading_stats(store.conn, DAY) == {"values": 8, "empty": 1, "min": 71, "max": 151}
    store.close()
