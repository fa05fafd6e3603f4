from datetime import UTC, date, datetime

import polars as pl
from polars.testing import assert_frame_equal

from wearsync.analytics.heart_rate import MINUTES_SCHEMA, READINGS_SCHEMA, minute_heart_rate

T0 = int(datetime(2023, 6, 5, 10, 0, tzinfo=UTC).timestamp())  # a Monday, 12:00 at UTC+2
CEST = 7200


def readings_frame(rows):
    return pl.LazyFrame(rows, schema=READINGS_SCHEMA, orient="row")


def minutes(rows):
    return pl.DataFrame(rows, schema=MINUTES_SCHEMA, orient="row")


def test_overlapping_activity_and_monitoring_heart_rate_is_counted_once():
    merged = minute_heart_rate(
        readings_frame(
            [
                (T0 + 10, 100, CEST, "monitoring"),  # the watch's all-day reading in minute 0
                (T0 + 0, 140, CEST, "activity"),  # the workout's 1 s records in the same minute
                (T0 + 1, 150, CEST, "activity"),
                (T0 + 70, 90, CEST, "monitoring"),  # minute 1: only monitoring
            ]
        )
    ).collect()
    # minute 0: activity wins, mean (140 + 150) / 2 = 145; the monitoring 100 is not added
    assert_frame_equal(
        merged,
        minutes(
            [
                (T0, date(2023, 6, 5), 145.0, "activity"),
                (T0 + 60, date(2023, 6, 5), 90.0, "monitoring"),
            ]
        ),
    )


def test_a_garmin_value_covers_its_two_minutes_and_finer_sources_win_where_they_overlap():
    merged = minute_heart_rate(
        readings_frame(
            [
                (T0, 80, CEST, "garmin"),  # slot T0..T0+120
                (T0 + 120, None, CEST, "garmin"),  # an empty slot: unknown, not zero
                (T0 + 240, 70, CEST, "garmin"),  # slot T0+240..T0+360
                (T0 + 245, 75, CEST, "monitoring"),  # minute 4 from the watch itself
            ]
        )
    ).collect()
    assert_frame_equal(
        merged,
        minutes(
            [
                (T0, date(2023, 6, 5), 80.0, "garmin"),
                (T0 + 60, date(2023, 6, 5), 80.0, "garmin"),
                (T0 + 240, date(2023, 6, 5), 75.0, "monitoring"),
                (T0 + 300, date(2023, 6, 5), 70.0, "garmin"),
            ]
        ),
    )


def test_the_repeated_hour_when_clocks_go_back_counts_both_times():
    # Europe/Berlin, 2023-10-29: 02:30 local happens at 00:30 UTC (+2 h) and again at 01:30 UTC (+1 h)
    first = int(datetime(2023, 10, 29, 0, 30, tzinfo=UTC).timestamp())
    second = int(datetime(2023, 10, 29, 1, 30, tzinfo=UTC).timestamp())
    merged = minute_heart_rate(readings_frame([(first, 120, 7200, "monitoring"), (second, 121, 3600, "monitoring")]))
    assert_frame_equal(
        merged.collect(),
        minutes(
            [
                (first, date(2023, 10, 29), 120.0, "monitoring"),
                (second, date(2023, 10, 29), 121.0, "monitoring"),
            ]
        ),
    )


def test_the_local_day_follows_the_wearers_offset():
    late = int(datetime(2020, 9, 25, 21, 30, tzinfo=UTC).timestamp())  # 00:30 on the 26th at UTC+3
    merged = minute_heart_rate(readings_frame([(late, 60, 10800, "monitoring")])).collect()
    assert merged["local_day"].to_list() == [date(2020, 9, 26)]


def test_readings_in_stored_order_a_minutes_day_follows_its_latest_reading():
    # The store hands readings over series by series, not in time order (hr_series.read_readings).
    readings = [
        # minute T0: two activity series; the one stored first holds the minute's latest reading,
        # at UTC+14: 10:00:50 UTC is 00:00:50 on June 6th
        (T0 + 50, 100, 50400, "activity"),
        (T0 + 10, 120, CEST, "activity"),
        # minute T0 + 60: the same second twice: the one given last says UTC-12 (22:01 on June 4th)
        (T0 + 70, 90, CEST, "monitoring"),
        (T0 + 70, 100, -43200, "monitoring"),
        # minute T0 + 120: a series going back in time: its latest reading is the first given (UTC+2)
        (T0 + 130, 80, CEST, "monitoring"),
        (T0 + 125, 70, 50400, "monitoring"),
    ]
    merged = minute_heart_rate(readings_frame(readings)).collect()
    assert_frame_equal(
        merged,
        minutes(
            [
                (T0, date(2023, 6, 6), 110.0, "activity"),  # (100 + 120) / 2
                (T0 + 60, date(2023, 6, 4), 95.0, "monitoring"),
                (T0 + 120, date(2023, 6, 5), 75.0, "monitoring"),
            ]
        ),
    )
