from dataclasses import replace
from datetime import date, timedelta

import polars as pl
import pytest

from wearsync.analytics.daily import DAILY_SCHEMA
from wearsync.analytics.weekly import weekly_summary
from wearsync.analytics.weeks import week_id, week_start_for_id, week_start_of
from wearsync.errors import PeriodError
from wearsync.reports.params import DEFAULT_PARAMS

MONDAY = date(2023, 10, 23)  # the week Europe/Berlin leaves summer time (Sunday 2023-10-29)


def week_of_days(first, goals, eaten=None, burned=2500.0, strength=None, floors=None):
    n = len(goals)
    frame = pl.DataFrame(
        {
            "local_day": [first + timedelta(days=k) for k in range(n)],
            "wellness_source": ["fit"] * n,
            "goal_minutes": goals,
            "hr_goal_min": goals,
            "minutes_with_readings": [1000] * n,
            "worn": [True] * n,
            "reached_daily_target": [g >= 30 for g in goals],
            "burned_kcal": [burned] * n,
            "eaten_kcal": eaten or [None] * n,
            "strength_sessions": strength or [0] * n,
            "floors": floors or [0.0] * n,
        }
    )
    frame = frame.with_columns(
        deficit_kcal=pl.col("burned_kcal") - pl.col("eaten_kcal"),
        below_intake_floor=pl.col("eaten_kcal").is_not_null() & (pl.col("eaten_kcal") < 1200),
    ).with_columns(
        deficit_credit_kcal=pl.when(pl.col("deficit_kcal").is_null())
        .then(None)  # unknown
        .when(pl.col("below_intake_floor"))
        .then(0.0)  # earns nothing
        .otherwise(pl.col("deficit_kcal").clip(upper_bound=500))
    )  # surplus in full
    return frame.lazy().select(
        [pl.col(c).cast(t) if c in frame.columns else pl.lit(None, t).alias(c) for c, t in DAILY_SCHEMA.items()]
    )


def test_week_start_sunday_vs_monday():
    saturday, sunday = date(2020, 9, 26), date(2020, 9, 27)
    assert week_start_of(sunday, 0) == date(2020, 9, 21)  # Monday weeks: Sunday ends the week
    assert week_start_of(sunday, 6) == sunday  # Sunday weeks: Sunday starts the next one
    assert week_start_of(saturday, 6) == date(2020, 9, 20)
    # ids: Monday weeks are ISO weeks; a Sunday week is named after the ISO week it shares 6 days with
    assert week_id(date(2020, 9, 21)) == "2020-W39"
    assert week_id(date(2020, 9, 20)) == "2020-W39"
    assert week_start_for_id("2020-W39", 0) == date(2020, 9, 21)
    assert week_start_for_id("2020-W39", 6) == date(2020, 9, 20)
    assert week_start_for_id("2020-W39", 1) == date(2020, 9, 22)  # Tuesday weeks start after
    with pytest.raises(PeriodError):
        week_start_for_id("2020-39", 0)


def test_the_same_days_summed_by_sunday_and_by_monday_weeks():
    # Sunday 2023-10-22 .. Sunday 2023-10-29: 40 minutes on each Sunday, 10 on other days
    days = week_of_days(date(2023, 10, 22), [40, 10, 10, 10, 10, 10, 10, 40])
    monday = weekly_summary(days.filter(pl.col("local_day") >= MONDAY), DEFAULT_PARAMS, MONDAY + timedelta(days=30))
    sunday = weekly_summary(
        days.filter(pl.col("local_day") < date(2023, 10, 29)),
        replace(DEFAULT_PARAMS, week_start="sunday"),
        MONDAY + timedelta(days=30),
    )
    # Monday week 23-29 Oct: 6 × 10 + 40 = 100. Sunday week 22-28 Oct: 40 + 6 × 10 = 100.
    assert monday.collect().select("week_start", "goal_minutes", "days_reaching_daily").rows() == [(MONDAY, 100, 1)]
    assert sunday.collect().select("week_start", "goal_minutes").rows() == [(date(2023, 10, 22), 100)]


def test_a_week_crossing_the_dst_change_scores_cardio_and_deficit():
    days = week_of_days(
        MONDAY,
        [30, 40, 0, 35, 0, 30, 20],
        eaten=[2000, None, 1100, 2200, 2000, 2000, 2500],
        strength=[1, 0, 0, 1, 0, 0, 0],
        floors=[12.0, 3.0, 10.0, 0.0, 0.0, 0.0, 0.0],
    )
    week = weekly_summary(days, DEFAULT_PARAMS, date(2023, 11, 30)).collect().row(0, named=True)
    # goal 30 + 40 + 35 + 30 + 20 = 155 >= 150: score 100; days with >= 30: Mon, Tue, Thu, Sat = 4
    assert (week["goal_minutes"], week["cardio_score"], week["days_reaching_daily"], week["cardio_met"]) == (
        155,
        100.0,
        4,
        True,
    )
    # deficits (burned 2,500): Mon 500, Tue unknown, Wed 1,400 but under the floor, Thu 300, Fri 500,
    # Sat 500, Sun 0 -> credit 500 + 0 + 300 + 500 + 500 + 0 = 1,800 over the 6 days with intake
    # known (Tuesday's is missing, not zero): score 100 × 1,800 / (6 × 500) = 60
    assert week["credit_kcal"] == 1800.0
    assert week["deficit_score"] == pytest.approx(60.0)
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
    assert (week["remaining_days"], week["minutes_needed_per_remaining_day"]) == (4, 23)
    # scored on the 3 days so far: 60 against 150 × 3 / 7 = 64.3 -> 93.3 (not 60 / 150 = 40)
    assert week["cardio_score"] == pytest.approx(100 * 60 / (150 * 3 / 7))


def test_the_streak_counts_met_weeks_and_a_week_in_progress_does_not_break_it():
    met, missed, partial = [30] * 5 + [0, 0], [10] * 7, [10, 0, 0, 0, 0, 0, 0]
    start = MONDAY - timedelta(weeks=3)
    days = pl.concat([week_of_days(start + timedelta(weeks=k), g) for k, g in enumerate([missed, met, met, partial])])
    weeks = weekly_summary(days, DEFAULT_PARAMS, MONDAY + timedelta(days=1)).collect()
    # missed -> 0, met -> 1, met -> 2, in progress and not yet met -> still 2
    assert weeks["streak_weeks"].to_list() == [0, 1, 2, 2]
    assert weekly_summary(days, DEFAULT_PARAMS, MONDAY + timedelta(days=1), streak_before=5).collect()[
        "streak_weeks"
    ].to_list() == [0, 1, 2, 2]
    assert weekly_summary(
        days.filter(pl.col("local_day") >= start + timedelta(weeks=1)),
        DEFAULT_PARAMS,
        MONDAY + timedelta(days=1),
        streak_before=5,
    ).collect()["streak_weeks"].to_list() == [6, 7, 7]


def blank_days(first, n):
    """n days without the watch and without intake: every measurement unknown."""
    frame = pl.DataFrame(
        {
            "local_day": [first + timedelta(days=k) for k in range(n)],
            "minutes_with_readings": [0] * n,
            "strength_sessions": [0] * n,
        }
    )
    return frame.lazy().select(
        [pl.col(c).cast(t) if c in frame.columns else pl.lit(None, t).alias(c) for c, t in DAILY_SCHEMA.items()]
    )


def test_issue_11_case_1_a_week_without_any_data_is_unknown_and_keeps_the_streak():
    week = (
        weekly_summary(blank_days(MONDAY, 7), DEFAULT_PARAMS, MONDAY + timedelta(days=30), streak_before=3)
        .collect()
        .row(0, named=True)
    )
    # Nothing was recorded: every sum is unknown (polars' sum of nulls would say 0), no score.
    for key in (
        "burned_kcal",
        "eaten_kcal",
        "deficit_kcal",
        "steps",
        "floors",
        "goal_minutes",
        "projected_fat_change_lb",
        "cardio_score",
        "deficit_score",
    ):
        assert week[key] is None, key
    assert (week["days_with_data"], week["enough_data"]) == (0, False)
    assert week["streak_weeks"] == 3  # a week without the watch neither breaks nor extends it


def test_issue_11_case_1_two_days_of_wear_is_not_enough_data_and_does_not_break_the_streak():
    days = pl.concat([week_of_days(MONDAY, [20, 20]), blank_days(MONDAY + timedelta(days=2), 5)])
    week = (
        weekly_summary(days, DEFAULT_PARAMS, MONDAY + timedelta(days=30), streak_before=2).collect().row(0, named=True)
    )
    # 2 of 7 days worn (fewer than half): 40 goal minutes are known, but no score and no reset
    assert (week["goal_minutes"], week["days_with_data"], week["enough_data"]) == (40, 2, False)
    assert (week["cardio_score"], week["streak_weeks"]) == (None, 2)


def test_issue_11_case_2_burned_eaten_and_deficit_are_over_the_same_days():
    # burned 2,500 on all 7 days, eaten 2,000 on 5 of them
    days = week_of_days(MONDAY, [0] * 7, eaten=[2000] * 5 + [None, None])
    week = weekly_summary(days, DEFAULT_PARAMS, MONDAY + timedelta(days=30)).collect().row(0, named=True)
    # over the 5 days with both known: burned 5 × 2,500 = 12,500, eaten 10,000, deficit 2,500
    assert (week["burned_kcal"], week["eaten_kcal"], week["deficit_kcal"], week["days_deficit_known"]) == (
        12500.0,
        10000,
        2500.0,
        5,
    )
    assert week["burned_kcal"] - week["eaten_kcal"] == week["deficit_kcal"]


def test_issue_11_case_3_a_surplus_day_counts_in_the_net_deficit_score_and_projection():
    # six days at a 500 kcal deficit (eaten 2,000 of 2,500), one 3,000 kcal surplus (eaten 5,500)
    days = week_of_days(MONDAY, [0] * 7, eaten=[2000] * 6 + [5500])
    week = weekly_summary(days, DEFAULT_PARAMS, MONDAY + timedelta(days=30)).collect().row(0, named=True)
    # net 6 × 500 - 3,000 = 0: no progress, score 0 (not 6 × 500 / 3,500 = 85.7), projection 0 lb
    assert (week["deficit_kcal"], week["credit_kcal"], week["deficit_score"]) == (0.0, 0.0, 0.0)
    assert week["projected_fat_change_lb"] == 0.0 and str(week["projected_fat_change_lb"]) == "0.0"


def test_issue_11_case_4_a_week_in_progress_is_scored_on_its_days_so_far():
    # as of Tuesday: Monday perfect (45 goal minutes, 2,000 eaten of 2,500 burned), the rest not yet lived
    days = pl.concat([week_of_days(MONDAY, [45], eaten=[2000]), blank_days(MONDAY + timedelta(days=1), 6)])
    week = weekly_summary(days, DEFAULT_PARAMS, MONDAY + timedelta(days=1)).collect().row(0, named=True)
    # one day so far: deficit 500 of 500 -> 100 (not 500 / 3,500 = 14.3); cardio 45 against
    # 150 × 1/7 = 21.4 -> 100; still needed (150 - 45) / 6 days left (Tue-Sun) = 17.5 -> 18 a day
    assert (week["days_so_far"], week["deficit_score"], week["cardio_score"]) == (1, 100.0, 100.0)
    assert (week["remaining_days"], week["minutes_needed_per_remaining_day"]) == (6, 18)
    # the days not yet lived are not "intake unknown"; Tuesday (today) is
    assert week["days_intake_unknown"] == 1
    # the deficit still to reach 3,500: (3,500 - 500) / 6 = 500 a day
    assert week["deficit_needed_per_remaining_day"] == 500
