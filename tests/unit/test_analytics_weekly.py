from dataclasses import replace
from datetime import date, timedelta

import polars as pl
import pytest

from wearsync.analytics.daily import DAILY_SCHEMA
from wearsync.analytics.params import DEFAULT_PARAMS
from wearsync.analytics.weekly import PeriodError, week_id, week_start_for_id, week_start_of, weekly_summary

MONDAY = date(2023, 10, 23)  # the week Europe/Berlin leaves summer time (Sunday 2023-10-29)


def week_of_days(first, goals, eaten=None, burned=2500.0, strength=None, floors=None):
    n = len(goals)
    frame = pl.DataFrame({
        "local_day": [first + timedelta(days=k) for k in range(n)],
        "wellness_source": ["fit"] * n,
        "goal_minutes": goals, "hr_goal_min": goals, "minutes_with_readings": [1000] * n,
        "reached_daily_target": [g >= 30 for g in goals],
        "burned_kcal": [burned] * n, "eaten_kcal": eaten or [None] * n,
        "strength_sessions": strength or [0] * n, "floors": floors or [0.0] * n,
    })
    frame = frame.with_columns(
        deficit_kcal=pl.col("burned_kcal") - pl.col("eaten_kcal"),
        below_intake_floor=pl.col("eaten_kcal").is_not_null() & (pl.col("eaten_kcal") < 1200),
    ).with_columns(deficit_credit_kcal=pl.when(pl.col("below_intake_floor") | pl.col("deficit_kcal").is_null())
                   .then(0.0).otherwise(pl.col("deficit_kcal").clip(0, 500)))
    return frame.lazy().select([pl.col(c).cast(t) if c in frame.columns else pl.lit(None, t).alias(c)
                                for c, t in DAILY_SCHEMA.items()])


def test_week_start_sunday_vs_monday():
    saturday, sunday = date(2020, 9, 26), date(2020, 9, 27)
    assert week_start_of(sunday, 0) == date(2020, 9, 21)     # Monday weeks: Sunday ends the week
    assert week_start_of(sunday, 6) == sunday                # Sunday weeks: Sunday starts the next one
    assert week_start_of(saturday, 6) == date(2020, 9, 20)
    # ids: Monday weeks are ISO weeks; a Sunday week is named after the ISO week it shares 6 days with
    assert week_id(date(2020, 9, 21)) == "2020-W39"
    assert week_id(date(2020, 9, 20)) == "2020-W39"
    assert week_start_for_id("2020-W39", 0) == date(2020, 9, 21)
    assert week_start_for_id("2020-W39", 6) == date(2020, 9, 20)
    assert week_start_for_id("2020-W39", 1) == date(2020, 9, 22)   # Tuesday weeks start after
    with pytest.raises(PeriodError):
        week_start_for_id("2020-39", 0)


def test_the_same_days_summed_by_sunday_and_by_monday_weeks():
    # Sunday 2023-10-22 .. Sunday 2023-10-29: 40 minutes on each Sunday, 10 on other days
    days = week_of_days(date(2023, 10, 22), [40, 10, 10, 10, 10, 10, 10, 40])
    monday = weekly_summary(days.filter(pl.col("local_day") >= MONDAY), DEFAULT_PARAMS, MONDAY + timedelta(days=30))
    sunday = weekly_summary(days.filter(pl.col("local_day") < date(2023, 10, 29)),
                            replace(DEFAULT_PARAMS, week_start="sunday"), MONDAY + timedelta(days=30))
    # Monday week 23-29 Oct: 6 × 10 + 40 = 100. Sunday week 22-28 Oct: 40 + 6 × 10 = 100.
    assert monday.collect().select("week_start", "goal_minutes", "days_reaching_daily").rows() == [(MONDAY, 100, 1)]
    assert sunday.collect().select("week_start", "goal_minutes").rows() == [(date(2023, 10, 22), 100)]


def test_a_week_crossing_the_dst_change_scores_cardio_and_deficit():
    days = week_of_days(MONDAY, [30, 40, 0, 35, 0, 30, 20],
                        eaten=[2000, None, 1100, 2200, 2000, 2000, 2500], strength=[1, 0, 0, 1, 0, 0, 0],
                        floors=[12.0, 3.0, 10.0, 0.0, 0.0, 0.0, 0.0])
    week = weekly_summary(days, DEFAULT_PARAMS, date(2023, 11, 30)).collect().row(0, named=True)
    # goal 30 + 40 + 35 + 30 + 20 = 155 >= 150: score 100; days with >= 30: Mon, Tue, Thu, Sat = 4
    assert (week["goal_minutes"], week["cardio_score"], week["days_reaching_daily"], week["cardio_met"]) == (
        155, 100.0, 4, True)
    # deficits (burned 2,500): Mon 500, Tue unknown, Wed 1,400 but under the floor, Thu 300, Fri 500,
    # Sat 500, Sun 0 -> credit 500 + 0 + 0 + 300 + 500 + 500 + 0 = 1,800; score 100 × 1,800 / 3,500
    assert week["credit_kcal"] == 1800.0
    assert week["deficit_score"] == pytest.approx(100 * 1800 / 3500)   # 51.43
    assert (week["days_intake_unknown"], week["days_below_floor"], week["days_deficit_known"]) == (1, 1, 6)
    # deficit sum 500 + 1,400 + 300 + 500 + 500 + 0 = 3,200 -> up to 3,200 / 3,500 = 0.914 lb lost
    assert week["deficit_kcal"] == 3200.0
    assert week["projected_fat_change_lb"] == pytest.approx(-3200 / 3500)
    assert (week["strength_days"], week["strength_met"]) == (2, True)
    assert (week["floors"], week["days_reaching_floors"]) == (25.0, 2)


def test_minutes_still_needed_per_remaining_day():
    days = week_of_days(MONDAY, [30, 20, 10, 0, 0, 0, 0])
    # as of Thursday: 60 done, 90 to go over Thu-Sun (4 days): ceil(90 / 4) = 23
    week = weekly_summary(days, DEFAULT_PARAMS, MONDAY + timedelta(days=3)).collect().row(0, named=True)
    assert (week["remaining_days"], week["minutes_needed_per_remaining_day"], week["cardio_score"]) == (4, 23, 40.0)


def test_the_streak_counts_met_weeks_and_a_week_in_progress_does_not_break_it():
    met, missed, partial = [30] * 5 + [0, 0], [10] * 7, [10, 0, 0, 0, 0, 0, 0]
    start = MONDAY - timedelta(weeks=3)
    days = pl.concat([week_of_days(start + timedelta(weeks=k), g) for k, g in enumerate([missed, met, met, partial])])
    weeks = weekly_summary(days, DEFAULT_PARAMS, MONDAY + timedelta(days=1)).collect()
    # missed -> 0, met -> 1, met -> 2, in progress and not yet met -> still 2
    assert weeks["streak_weeks"].to_list() == [0, 1, 2, 2]
    assert weekly_summary(days, DEFAULT_PARAMS, MONDAY + timedelta(days=1), streak_before=5).collect()[
        "streak_weeks"].to_list() == [0, 1, 2, 2]
    assert weekly_summary(days.filter(pl.col("local_day") >= start + timedelta(weeks=1)), DEFAULT_PARAMS,
                          MONDAY + timedelta(days=1), streak_before=5).collect()["streak_weeks"].to_list() == [6, 7, 7]
