from dataclasses import replace
from datetime import date

import polars as pl
from polars.testing import assert_frame_equal

from wearsync.analytics.heart_rate import MINUTES_SCHEMA
from wearsync.analytics.intensity import (
    DAILY_INTENSITY_SCHEMA,
    RESTING_SCHEMA,
    classify_minutes,
    daily_intensity,
    heart_rate_limits,
)
from wearsync.analytics.params import DEFAULT_PARAMS

DAY = date(2023, 6, 5)
# rest 60 (configured), max 190 (configured): HRR = 130;
# moderate from 60 + 0.40 × 130 = 112, vigorous from 60 + 0.60 × 130 = 138
FIXED = replace(DEFAULT_PARAMS, configured_resting_hr=60, configured_max_hr=190)
NO_MEASUREMENTS = pl.LazyFrame(schema=RESTING_SCHEMA)


def one_day_minutes(bpms, day=DAY):
    return pl.LazyFrame({"minute_utc": [60 * n for n in range(len(bpms))], "local_day": [day] * len(bpms),
                         "bpm": [float(b) for b in bpms], "source": ["monitoring"] * len(bpms)},
                        schema=MINUTES_SCHEMA)


def intensity(bpms, params=FIXED, measured=NO_MEASUREMENTS):
    minutes = one_day_minutes(bpms)
    limits = heart_rate_limits(minutes.select("local_day").unique(), measured, params)
    return daily_intensity(classify_minutes(minutes, limits, params.min_bout_minutes)).collect()


def expected(moderate, vigorous, known, day=DAY):
    return pl.DataFrame([(day, moderate, vigorous, moderate + 2 * vigorous, known)],
                        schema=DAILY_INTENSITY_SCHEMA, orient="row")


def test_minutes_at_the_exact_zone_boundaries():
    limits = heart_rate_limits(pl.LazyFrame({"local_day": [DAY]}), NO_MEASUREMENTS, FIXED).collect()
    assert (limits["moderate_from_bpm"][0], limits["vigorous_from_bpm"][0]) == (112.0, 138.0)
    # 111.9 below moderate; 112 moderate (40 % exactly); 137.9 still moderate; 138 vigorous (60 % exactly)
    zones = classify_minutes(one_day_minutes([111.9, 112, 137.9, 138]), limits.lazy()).collect()["zone"]
    assert zones.to_list() == [None, "moderate", "moderate", "vigorous"]


def test_a_vigorous_minute_counts_double():
    # one moderate (120) + one vigorous (150) + one light (90): goal = 1 + 2 × 1 = 3
    assert_frame_equal(intensity([120, 150, 90]), expected(1, 1, 3))


def test_resting_heart_rate_is_the_seven_day_average_else_the_configured_one():
    days = pl.LazyFrame({"local_day": [date(2023, 6, d) for d in (1, 7, 8, 9)]})
    measured = pl.LazyFrame({"local_day": [date(2023, 6, 1), date(2023, 6, 3)], "resting_hr": [50, 60]},
                            schema=RESTING_SCHEMA)
    params = replace(DEFAULT_PARAMS, birth_year=1983, configured_resting_hr=55)
    limits = heart_rate_limits(days, measured, params).collect()
    # June 1: only June 1 measured -> 50; June 7 (window June 1-7): (50 + 60) / 2 = 55;
    # June 8 (June 2-8): 60; June 9 (June 3-9): 60; max = 220 - (2023 - 1983) = 180
    assert limits["resting_hr"].to_list() == [50.0, 55.0, 60.0, 60.0]
    assert limits["resting_hr_from"].to_list() == ["measured"] * 4
    assert limits["max_hr"].to_list() == [180] * 4
    # June 7: HRR = 180 - 55 = 125 -> moderate from 55 + 50 = 105, vigorous from 55 + 75 = 130
    assert (limits["moderate_from_bpm"][1], limits["vigorous_from_bpm"][1]) == (105.0, 130.0)
    later = heart_rate_limits(pl.LazyFrame({"local_day": [date(2023, 6, 10)]}), measured, params).collect()
    # June 10's window (June 4-10) holds no measurement: the configured 55
    assert (later["resting_hr"][0], later["resting_hr_from"][0]) == (55.0, "config")


def test_without_any_resting_heart_rate_no_minute_counts():
    result = intensity([150, 150], replace(DEFAULT_PARAMS, configured_max_hr=190))
    assert_frame_equal(result, expected(0, 0, 2))


def test_a_minimum_bout_drops_shorter_runs():
    # run of 2 (120, 120), a light minute, run of 3 (120, 150, 150): with bouts of 3 only the
    # second counts: moderate 1, vigorous 2, goal 1 + 2 × 2 = 5
    bpms = [120, 120, 90, 120, 150, 150]
    assert_frame_equal(intensity(bpms, replace(DEFAULT_PARAMS, configured_resting_hr=60, configured_max_hr=190,
                                                       min_bout_minutes=3)), expected(1, 2, 6))
    assert_frame_equal(intensity(bpms), expected(3, 2, 6))


def test_a_missing_minute_breaks_a_bout():
    minutes = pl.LazyFrame({"minute_utc": [0, 60, 180], "local_day": [DAY] * 3, "bpm": [120.0] * 3,
                            "source": ["monitoring"] * 3}, schema=MINUTES_SCHEMA)
    params = replace(DEFAULT_PARAMS, configured_resting_hr=60, configured_max_hr=190, min_bout_minutes=3)
    limits = heart_rate_limits(pl.LazyFrame({"local_day": [DAY]}), NO_MEASUREMENTS, params)
    # minutes 0, 1 and 3: minute 2 is unknown, so no run reaches 3
    assert_frame_equal(daily_intensity(classify_minutes(minutes, limits, 3)).collect(), expected(0, 0, 3))
