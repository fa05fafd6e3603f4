from dataclasses import replace
from datetime import date, timedelta
from functools import partial

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.test_analytics_weekly import week_of_days
from wearsync.analytics.heart_rate import READINGS_SCHEMA, minute_heart_rate
from wearsync.analytics.intensity import RESTING_SCHEMA, classify_minutes, daily_intensity, heart_rate_limits
from wearsync.analytics.weekly import weekly_summary
from wearsync.reports.params import DEFAULT_PARAMS

T0 = 1_685_952_000  # 2023-06-05 08:00 UTC
SOURCES = ("activity", "monitoring", "garmin")
reading = st.tuples(st.integers(0, 6 * 3600), st.integers(40, 200), st.sampled_from(SOURCES))
params = st.builds(
    partial(replace, DEFAULT_PARAMS),
    configured_resting_hr=st.integers(40, 80),
    configured_max_hr=st.integers(150, 210),
    min_bout_minutes=st.sampled_from([0, 3, 10]),
)


def day_minutes(rows, p):
    frame = pl.LazyFrame([(T0 + s, b, 7200, src) for s, b, src in rows], schema=READINGS_SCHEMA, orient="row")
    minutes = minute_heart_rate(frame)
    limits = heart_rate_limits(minutes.select("local_day").unique(), pl.LazyFrame(schema=RESTING_SCHEMA), p)
    result = daily_intensity(classify_minutes(minutes, limits, min_bout_minutes=p.min_bout_minutes)).collect()
    return {"goal": int(result["hr_goal_min"].sum()), "known": int(result["minutes_with_readings"].sum())}


def covered(rows):
    """The minutes the readings cover (a Garmin value covers two)."""
    out = set()
    for s, _, src in rows:
        out |= {(T0 + s) // 60 + k for k in range(2 if src == "garmin" else 1)}
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(reading, max_size=60), st.lists(reading, max_size=60), params)
def test_adding_readings_in_unknown_minutes_never_lowers_a_days_minutes(base, extra, p):
    # Readings added to minutes that had none: a minute that already has a reading keeps the
    # finer source's value (docs/metrics.md, Intensity minutes step 1), which may be lower, so only new
    # minutes are added.
    taken = covered(base)
    added = [r for r in extra if not covered([r]) & taken]
    assert day_minutes(base + added, p)["goal"] >= day_minutes(base, p)["goal"]


@settings(max_examples=60, deadline=None)
@given(st.lists(reading, max_size=80), params)
def test_goal_minutes_are_at_most_twice_the_minutes_with_readings(rows, p):
    result = day_minutes(rows, p)
    assert 0 <= result["goal"] <= 2 * result["known"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 400), min_size=7, max_size=7),
    st.lists(st.one_of(st.none(), st.integers(0, 6000)), min_size=7, max_size=7),
    st.integers(0, 2000),
    st.integers(0, 600),
    st.integers(0, 1500),
)
def test_scores_stay_within_0_and_100(goals, eaten, deficit_target, weekly_target, burned):
    p = replace(DEFAULT_PARAMS, daily_deficit_kcal=deficit_target, weekly_cardio_minutes=weekly_target)
    monday = date(2023, 6, 5)
    week = (
        weekly_summary(week_of_days(monday, goals, eaten=eaten, burned=float(burned)), p, monday + timedelta(days=3))
        .collect()
        .row(0, named=True)
    )
    # a score is unknown ("not enough data"), or within 0..100
    assert week["cardio_score"] is None or 0 <= week["cardio_score"] <= 100
    assert week["deficit_score"] is None or 0 <= week["deficit_score"] <= 100
