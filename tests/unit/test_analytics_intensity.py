from dataclasses import replace
from datetime import date

import polars as pl
from polars.testing import assert_frame_equal

from wearsync.analytics.heart_rate import MINUTES_SCHEMA
from wearsync.analytics.intensity import (
    ACTIVITY_MAX_SCHEMA,
    DAILY_INTENSITY_SCHEMA,
    MONITORING_TOTALS_SCHEMA,
    MOVEMENT_SCHEMA,
    RESTING_SCHEMA,
    classify_minutes,
    daily_intensity,
    heart_rate_limits,
    movement_minutes,
)
from wearsync.reports.params import DEFAULT_PARAMS

DAY = date(2023, 6, 5)
# rest 60 (configured), max 190 (configured): HRR = 130;
# moderate from 60 + 0.40 × 130 = 112, vigorous from 60 + 0.60 × 130 = 138
FIXED = replace(DEFAULT_PARAMS, configured_resting_hr=60, configured_max_hr=190)
NO_MEASUREMENTS = pl.LazyFrame(schema=RESTING_SCHEMA)


def one_day_minutes(bpms, day=DAY):
    return pl.LazyFrame(
        {
            "minute_utc": [60 * n for n in range(len(bpms))],
            "local_day": [day] * len(bpms),
            "bpm": [float(b) for b in bpms],
            "source": ["monitoring"] * len(bpms),
        },
        schema=MINUTES_SCHEMA,
    )


def intensity(bpms, params=FIXED, measured=NO_MEASUREMENTS):
    minutes = one_day_minutes(bpms)
    limits = heart_rate_limits(minutes.select("local_day").unique(), measured, params)
    return daily_intensity(classify_minutes(minutes, limits, min_bout_minutes=params.min_bout_minutes)).collect()


def expected(moderate, vigorous, known, day=DAY):
    return pl.DataFrame(
        [(day, moderate, vigorous, moderate + 2 * vigorous, known)], schema=DAILY_INTENSITY_SCHEMA, orient="row"
    )


def test_minutes_at_the_exact_zone_boundaries():
    limits = heart_rate_limits(pl.LazyFrame({"local_day": [DAY]}), NO_MEASUREMENTS, FIXED).collect()
    assert (limits["moderate_from_bpm"][0], limits["vigorous_from_bpm"][0]) == (112.0, 138.0)
    # 111.9 below moderate; 112 moderate (40 % exactly); 137.9 still moderate; 138 vigorous (60 % exactly)
    zones = classify_minutes(one_day_minutes([111.9, 112, 137.9, 138]), limits.lazy()).collect()["zone"]
    assert zones.to_list() == [None, "moderate", "moderate", "vigorous"]


def test_a_vigorous_minute_counts_double():
    # one moderate (120) + one vigorous (150) + one light (90): goal = 1 + 2 × 1 = 3
    assert_frame_equal(intensity([120, 150, 90]), expected(1, 1, 3))


def test_issue_11_case_7_a_configured_resting_rate_wins_else_the_days_own_else_percent_of_max():
    days = pl.LazyFrame({"local_day": [date(2023, 6, d) for d in (1, 2, 3)]})
    measured = pl.LazyFrame(
        {
            "local_day": [date(2023, 6, 1), date(2023, 6, 3)],
            "resting_hr": [50, 60],
            "resting_hr_from": ["device", "garmin"],
        },
        schema=RESTING_SCHEMA,
    )
    params = replace(DEFAULT_PARAMS, birth_year=1983)
    limits = heart_rate_limits(days, measured, params).collect()
    # the day's own value, never averaged again (a device's is already its 7-day average);
    # max: Tanaka 208 - 0.7 × (2023 - 1983) = 180
    assert limits["resting_hr"].to_list() == [50.0, None, 60.0]
    assert limits["resting_hr_from"].to_list() == ["device", None, "garmin"]
    assert (limits["max_hr"].to_list(), limits["max_hr_from"][0]) == ([180.0] * 3, "tanaka")
    # June 1: HRR 130 -> 50 + 52 = 102, 50 + 78 = 128; June 2, no resting: 0.64 × 180 = 115.2,
    # 0.77 × 180 = 138.6 (ACSM percent of max)
    assert limits["zones_by"].to_list() == ["heart_rate_reserve", "percent_of_max", "heart_rate_reserve"]
    assert (limits["moderate_from_bpm"][0], limits["vigorous_from_bpm"][0]) == (102.0, 128.0)
    assert (limits["moderate_from_bpm"][1], limits["vigorous_from_bpm"][1]) == (115.2, 138.6)
    configured = heart_rate_limits(
        days, measured, replace(params, configured_resting_hr=55, resting_hr_from="config")
    ).collect()
    assert configured["resting_hr"].to_list() == [55.0] * 3 and configured["resting_hr_from"][2] == "config"


def test_issue_11_case_7_an_observed_maximum_above_the_prediction_is_used():
    days = pl.LazyFrame({"local_day": [date(2023, 6, 1)]})
    params = replace(DEFAULT_PARAMS, birth_year=1983)  # predicted 180
    # a year of activity maxima: one optical spike of 230, then 200, 198, 196; one from 2021 is too old
    maxima = pl.LazyFrame(
        {
            "local_day": [date(2022, 7, 1), date(2022, 9, 1), date(2023, 1, 5), date(2023, 5, 30), date(2021, 1, 1)],
            "max_hr": [230, 200, 198, 196, 240],
        },
        schema=ACTIVITY_MAX_SCHEMA,
    )
    limits = heart_rate_limits(days, NO_MEASUREMENTS, params, maxima).collect()
    # third-highest of 230, 200, 198, 196 = 198 > 180
    assert (limits["max_hr"][0], limits["max_hr_from"][0]) == (198.0, "observed")
    two = heart_rate_limits(days, NO_MEASUREMENTS, params, maxima.filter(pl.col("max_hr") >= 200)).collect()
    assert (two["max_hr"][0], two["max_hr_from"][0]) == (180.0, "tanaka")  # 230, 200 only: too few to say


def test_issue_11_case_7_an_activity_file_alone_counts_by_percent_of_max():
    # a 40-minute run at 160 bpm, no monitoring, nothing configured: birth year 1990 assumed,
    # 2023: age 33, max 208 - 23.1 = 184.9, vigorous from 0.77 × 184.9 = 142.4: 40 vigorous minutes
    minutes = one_day_minutes([160] * 40).with_columns(source=pl.lit("activity"))
    limits = heart_rate_limits(minutes.select("local_day").unique(), NO_MEASUREMENTS, DEFAULT_PARAMS)
    assert limits.collect()["zones_by"][0] == "percent_of_max"
    result = daily_intensity(classify_minutes(minutes, limits, pl.LazyFrame(schema=MOVEMENT_SCHEMA))).collect()
    assert_frame_equal(result, expected(0, 40, 40))


def test_issue_11_case_6_heart_rate_without_movement_is_not_exercise():
    # three hours at 112 bpm asleep (rest 60, max 190: moderate from 112), no movement at all
    minutes = one_day_minutes([112] * 180)
    limits = heart_rate_limits(minutes.select("local_day").unique(), NO_MEASUREMENTS, FIXED)
    still = pl.LazyFrame(schema=MOVEMENT_SCHEMA)
    assert_frame_equal(daily_intensity(classify_minutes(minutes, limits, still)).collect(), expected(0, 0, 180))


def test_issue_11_case_6_an_isolated_one_minute_spike_is_not_a_minute_of_exercise():
    # rest 60, max 190: 150 is vigorous; the wearer moves all the time
    def count(bpms):
        minutes = one_day_minutes(bpms)
        limits = heart_rate_limits(minutes.select("local_day").unique(), NO_MEASUREMENTS, FIXED)
        moving = pl.LazyFrame({"minute_utc": [60 * n for n in range(len(bpms))]}, schema=MOVEMENT_SCHEMA)
        return daily_intensity(classify_minutes(minutes, limits, moving)).collect()

    assert_frame_equal(count([70, 150, 70]), expected(0, 0, 3))  # one minute alone: a spike
    assert_frame_equal(count([70, 150, 150, 70]), expected(0, 2, 4))  # two together: 2 vigorous


def test_movement_is_a_rising_running_total_of_a_moving_activity_type():
    totals = pl.LazyFrame(
        [
            (1, DAY, 600, 6, "steps", 100),
            (1, DAY, 660, 6, "steps", 180),  # walking: rose 600 -> 660
            (1, DAY, 6000, 8, "active_kcal", 5),
            (1, DAY, 6060, 8, "active_kcal", 9),  # sedentary: no movement
            (1, DAY, 9000, 0, "active_kcal", 5),
            (1, DAY, 9060, 0, "active_kcal", 9),  # generic: not movement
            (1, DAY, 20000, 6, "steps", 180),
            (1, DAY, 23000, 6, "steps", 420),  # still, then rose over 50 min: the last 15
        ],
        schema=MONITORING_TOTALS_SCHEMA,
        orient="row",
    )
    moving = sorted(movement_minutes(totals).collect()["minute_utc"].to_list())
    # Each running total's stamps follow each other after 60 and 19,340 and 3,000 s (steps), 60
    # (sedentary kcal) and 60 s (generic kcal): the device's logging interval is the median, 60 s.
    # The first stamp of the day (600, steps 100) rose within that interval before it: from 540;
    # then 600..660; a minute either side: 480, 540, 600, 660, 720. 23,000 - 900 = 22,100 ->
    # minute 22,080, less one minute 22,020, up to the stamp's minute 22,980 and one more, 23,040
    assert moving[:5] == [480, 540, 600, 660, 720]
    assert moving[5:] == list(range(22_020, 23_040 + 1, 60))


def test_short_gaps_in_movement_are_filled_up_to_the_devices_logging_interval_and_no_further():
    # A device stamping every 5 minutes (300 s) while walking: totals at 3,000, 3,300 and 3,600;
    # another day's first stamp of the same device at 90,000 after a night: its rise is put in
    # the 5 minutes before it (89,700..90,000), not the 15 of MOVEMENT_SPAN_S.
    totals = pl.LazyFrame(
        [
            (1, DAY, 3000, 6, "steps", 50),
            (1, DAY, 3300, 6, "steps", 120),
            (1, DAY, 3600, 6, "steps", 200),
            (1, date(2023, 6, 6), 90_000, 6, "steps", 30),
        ],
        schema=MONITORING_TOTALS_SCHEMA,
        orient="row",
    )
    moving = sorted(movement_minutes(totals).collect()["minute_utc"].to_list())
    # day 1: first stamp 3,000 - 300 = 2,700 less a minute 2,640, through 3,600 and one more, 3,660
    # day 2: 90,000 - 300 = 89,700 less a minute 89,640, through 90,000 and one more, 90,060
    assert moving == list(range(2_640, 3_660 + 1, 60)) + list(range(89_640, 90_060 + 1, 60))


def test_a_minimum_bout_drops_shorter_runs():
    # run of 2 (120, 120), a light minute, run of 3 (120, 150, 150): with bouts of 3 only the
    # second counts: moderate 1, vigorous 2, goal 1 + 2 × 2 = 5
    bpms = [120, 120, 90, 120, 150, 150]
    assert_frame_equal(
        intensity(bpms, replace(DEFAULT_PARAMS, configured_resting_hr=60, configured_max_hr=190, min_bout_minutes=3)),
        expected(1, 2, 6),
    )
    assert_frame_equal(intensity(bpms), expected(3, 2, 6))


def test_a_missing_minute_breaks_a_bout():
    minutes = pl.LazyFrame(
        {"minute_utc": [0, 60, 180], "local_day": [DAY] * 3, "bpm": [120.0] * 3, "source": ["monitoring"] * 3},
        schema=MINUTES_SCHEMA,
    )
    params = replace(DEFAULT_PARAMS, configured_resting_hr=60, configured_max_hr=190, min_bout_minutes=3)
    limits = heart_rate_limits(pl.LazyFrame({"local_day": [DAY]}), NO_MEASUREMENTS, params)
    # minutes 0, 1 and 3: minute 2 is unknown, so no run reaches 3
    assert_frame_equal(
        daily_intensity(classify_minutes(minutes, limits, min_bout_minutes=3)).collect(), expected(0, 0, 3)
    )
