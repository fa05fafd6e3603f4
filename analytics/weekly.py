"""Weeks: which week a day is in, weekly totals against the targets, the two scores, streaks.

A week id is ISO 8601 ("2020-W39"). With weeks starting Monday it is exactly the ISO week;
with another start day it names the week that shares at least four days with that ISO week,
i.e. the ISO week of the week's fourth day (ISO's own Thursday rule): with weeks starting
Sunday, 2020-W39 runs from Sunday 2020-09-20 to Saturday 2020-09-26.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import polars as pl

from wearsync.analytics.params import AnalyticsParams
from wearsync.errors import WearsyncError

WEEK_ID = re.compile(r"^(\d{4})-W(\d{2})$")
WEEKLY_SCHEMA = pl.Schema({
    "week_start": pl.Date, "week_id": pl.String, "days_with_data": pl.Int64,
    "goal_minutes": pl.Int64, "hr_goal_minutes": pl.Int64, "device_goal_minutes": pl.Int64,
    "days_reaching_daily": pl.Int64, "remaining_days": pl.Int64,
    "minutes_needed_per_remaining_day": pl.Int64, "cardio_met": pl.Boolean, "cardio_score": pl.Float64,
    "streak_weeks": pl.Int64,
    "floors": pl.Float64, "days_reaching_floors": pl.Int64, "steps": pl.Int64, "days_reaching_steps": pl.Int64,
    "strength_days": pl.Int64, "strength_sessions": pl.Int64, "strength_met": pl.Boolean,
    "burned_kcal": pl.Float64, "eaten_kcal": pl.Int64, "deficit_kcal": pl.Float64,
    "days_deficit_known": pl.Int64, "days_intake_unknown": pl.Int64, "days_below_floor": pl.Int64,
    "credit_kcal": pl.Float64, "deficit_score": pl.Float64, "projected_fat_change_lb": pl.Float64,
})


class PeriodError(WearsyncError):
    """A week id or period that cannot be understood."""


def week_start_of(day: date, week_start_index: int) -> date:
    """The first day of the week holding `day` (week_start_index: 0 Monday ... 6 Sunday)."""
    return day - timedelta(days=(day.weekday() - week_start_index) % 7)


def week_id(week_start: date) -> str:
    """The id of the week starting on `week_start` (see the module docstring)."""
    year, week, _ = (week_start + timedelta(days=3)).isocalendar()
    return f"{year}-W{week:02d}"


def week_start_for_id(text: str, week_start_index: int) -> date:
    """The first day of the week named `text` ("2020-W39")."""
    match = WEEK_ID.match(text.strip())
    if not match:
        raise PeriodError(f"{text!r} is not a week id like 2020-W39")
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError as exc:
        raise PeriodError(f"{text!r}: no such ISO week ({exc})") from exc
    # The start day nearest to the ISO Monday: up to three days before or after it.
    return monday + timedelta(days=(week_start_index + 3) % 7 - 3)


def _week_start_expr(week_start_index: int) -> pl.Expr:
    back = (pl.col("local_day").dt.weekday() - 1 - week_start_index) % 7
    return pl.col("local_day") - pl.duration(days=back)


def weekly_summary(daily: pl.LazyFrame, params: AnalyticsParams, as_of: date, streak_before: int = 0) -> pl.LazyFrame:
    """DAILY_SCHEMA rows (whole weeks of consecutive calendar days) -> WEEKLY_SCHEMA.

    `as_of` is "today": it decides how many days of a week remain and whether a week is
    still in progress (see add_streaks; `streak_before` is the streak of the week before
    the first one here).
    """
    weekly_target = params.weekly_cardio_minutes
    deficit_target_week = params.daily_deficit_kcal * 7
    weeks = (
        daily.with_columns(week_start=_week_start_expr(params.week_start_index))
        .group_by("week_start")
        .agg(
            days_with_data=(pl.col("wellness_source").is_not_null() | (pl.col("minutes_with_readings") > 0)).sum(),
            goal_minutes=pl.col("goal_minutes").sum(),
            hr_goal_minutes=pl.col("hr_goal_min").sum(),
            device_goal_minutes=pl.when(pl.col("device_goal_min").count() > 0).then(pl.col("device_goal_min").sum()),
            days_reaching_daily=pl.col("reached_daily_target").sum(),
            floors=pl.col("floors").sum(),
            days_reaching_floors=(pl.col("floors") >= params.floors_per_day).sum(),
            steps=pl.col("steps").sum(),
            days_reaching_steps=(pl.col("steps") >= params.steps_per_day).sum(),
            strength_days=(pl.col("strength_sessions") > 0).sum(),
            strength_sessions=pl.col("strength_sessions").sum(),
            burned_kcal=pl.col("burned_kcal").sum(),
            eaten_kcal=pl.col("eaten_kcal").sum(),
            deficit_kcal=pl.col("deficit_kcal").sum(),
            days_deficit_known=pl.col("deficit_kcal").count(),
            days_intake_unknown=pl.col("eaten_kcal").null_count(),
            days_below_floor=pl.col("below_intake_floor").sum(),
            eligible_days=(pl.col("eaten_kcal").is_not_null() & ~pl.col("below_intake_floor")
                           & pl.col("deficit_kcal").is_not_null()).sum(),
            credit_kcal=pl.col("deficit_credit_kcal").sum(),
        )
        .sort("week_start")
    )
    remaining = ((pl.col("week_start") + pl.duration(days=7) - pl.lit(as_of)).dt.total_days()).clip(0, 7)
    short = (weekly_target - pl.col("goal_minutes")).clip(0)
    met = pl.col("goal_minutes") >= weekly_target
    deficit_share = (pl.col("credit_kcal") / deficit_target_week if deficit_target_week
                     else pl.col("eligible_days") / 7)  # nothing planned: scored on logging well
    weeks = weeks.with_columns(
        week_id=(pl.col("week_start") + pl.duration(days=3)).dt.strftime("%G-W%V"),
        remaining_days=remaining,
        cardio_met=met,
        cardio_score=100.0 * (pl.col("goal_minutes") / weekly_target).clip(0, 1) if weekly_target else pl.lit(100.0),
        deficit_score=100.0 * deficit_share.clip(0, 1),
        strength_met=pl.col("strength_days") >= params.strength_days,
        projected_fat_change_lb=-pl.col("deficit_kcal") / params.kcal_per_lb,
        minutes_needed_per_remaining_day=pl.when((remaining > 0) & (short > 0))
        .then((short + remaining - 1) // remaining),
    )
    weeks = add_streaks(weeks, params, as_of, streak_before)
    return weeks.select([pl.col(name).cast(dtype) for name, dtype in WEEKLY_SCHEMA.items()])


def weekly_goal_minutes(day_goals: pl.LazyFrame, params: AnalyticsParams) -> pl.LazyFrame:
    """(local_day, goal_minutes) of consecutive calendar days -> (week_start, goal_minutes)."""
    return (day_goals.with_columns(week_start=_week_start_expr(params.week_start_index))
            .group_by("week_start").agg(pl.col("goal_minutes").sum()).sort("week_start"))


def add_streaks(weeks: pl.LazyFrame, params: AnalyticsParams, as_of: date, streak_before: int = 0) -> pl.LazyFrame:
    """Add streak_weeks to consecutive weeks (week_start, goal_minutes), in order.

    The streak counts consecutive weeks that met the weekly cardio target up to this one. A
    week still in progress on `as_of` that has not met it yet carries the streak of the week
    before; a week that is over and missed it resets the streak to 0.
    """
    met = pl.col("goal_minutes") >= params.weekly_cardio_minutes
    in_progress = (pl.col("week_start") <= pl.lit(as_of)) & (pl.lit(as_of) < pl.col("week_start") + pl.duration(days=7))
    resets = ~met & ~in_progress
    return (
        weeks.sort("week_start")
        .with_columns(reset_group=resets.cum_sum())
        .with_columns(streak_weeks=pl.when(resets).then(0).otherwise(
            met.cast(pl.Int64).cum_sum().over("reset_group")
            + pl.when(pl.col("reset_group") == 0).then(streak_before).otherwise(0)))
        .drop("reset_group")
    )
