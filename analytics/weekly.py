"""Weeks: weekly totals against the targets, the two scores, streaks (which week a day is in,
and week ids: `weeks`)."""

from __future__ import annotations

from datetime import date

import polars as pl

from wearsync.analytics.params import AnalyticsParams

WEEKLY_SCHEMA = pl.Schema(
    {
        "week_start": pl.Date,
        "week_id": pl.String,
        "days_so_far": pl.Int64,
        "days_with_data": pl.Int64,
        "enough_data": pl.Boolean,
        "goal_minutes": pl.Int64,
        "moderate_min": pl.Int64,
        "vigorous_min": pl.Int64,
        "active_minutes": pl.Int64,
        "hr_goal_minutes": pl.Int64,
        "device_goal_minutes": pl.Int64,
        "days_device_minutes": pl.Int64,
        "days_reaching_daily": pl.Int64,
        "remaining_days": pl.Int64,
        "minutes_needed_per_remaining_day": pl.Int64,
        "cardio_met": pl.Boolean,
        "cardio_score": pl.Float64,
        "streak_weeks": pl.Int64,
        "floors": pl.Float64,
        "days_reaching_floors": pl.Int64,
        "steps": pl.Int64,
        "days_reaching_steps": pl.Int64,
        "strength_days": pl.Int64,
        "strength_sessions": pl.Int64,
        "strength_met": pl.Boolean,
        "burned_kcal": pl.Float64,
        "eaten_kcal": pl.Int64,
        "deficit_kcal": pl.Float64,
        "days_deficit_known": pl.Int64,
        "days_intake_unknown": pl.Int64,
        "days_below_floor": pl.Int64,
        "days_deficit_scored": pl.Int64,
        "credit_kcal": pl.Float64,
        "deficit_target_kcal": pl.Float64,
        "deficit_score": pl.Float64,
        "deficit_needed_per_remaining_day": pl.Int64,
        "projected_fat_change_lb": pl.Float64,
    }
)


def _week_start_expr(week_start_index: int) -> pl.Expr:
    back = (pl.col("local_day").dt.weekday() - 1 - week_start_index) % 7
    return pl.col("local_day") - pl.duration(days=back)


def _known_sum(column: str, where: pl.Expr | None = None) -> pl.Expr:
    """The sum of the known values (optionally only where `where`); unknown when none is known.

    polars' sum of an all-null column is 0: a week without data would read as a week of zeros.
    """
    values = pl.col(column)
    if where is not None:
        values = values.filter(where)
    return pl.when(values.count() > 0).then(values.sum())


def enough_days(known: pl.Expr, lived: pl.Expr) -> pl.Expr:
    """Whether `known` of the `lived` days of a week are enough to score it (more than half, at least one).

    A week with fewer says "not enough data": no score, and the streak is neither broken nor extended.
    """
    return (known >= 1) & (2 * known > lived)


def weekly_summary(daily: pl.LazyFrame, params: AnalyticsParams, as_of: date, streak_before: int = 0) -> pl.LazyFrame:
    """DAILY_SCHEMA rows (whole weeks of consecutive calendar days) -> WEEKLY_SCHEMA.

    `as_of` is "today": the days before it are the week's days so far (a finished week has 7),
    what a week in progress is scored on; today and the days after it remain (see add_streaks;
    `streak_before` is the streak of the week before the first one here). Definitions:
    docs/metrics.md, Weeks and scores; docs/metrics.md, Energy.
    """
    weekly_target = params.weekly_cardio_minutes
    lived = pl.col("local_day") < pl.lit(as_of)
    worn = pl.col("worn").fill_null(False)
    both_known = pl.col("deficit_kcal").is_not_null()
    scored = both_known & lived
    weeks = (
        daily.with_columns(week_start=_week_start_expr(params.week_start_index))
        .group_by("week_start")
        .agg(
            days_so_far=lived.sum(),
            days_with_data=worn.sum(),
            days_worn_so_far=(worn & lived).sum(),
            goal_minutes=_known_sum("goal_minutes"),
            moderate_min=_known_sum("moderate_min"),
            vigorous_min=_known_sum("vigorous_min"),
            hr_goal_minutes=_known_sum("hr_goal_min"),
            device_goal_minutes=_known_sum("device_goal_min"),
            days_device_minutes=pl.col("device_goal_min").count(),
            days_reaching_daily=pl.col("reached_daily_target").sum(),
            floors=_known_sum("floors"),
            days_reaching_floors=(pl.col("floors") >= params.floors_per_day).sum(),
            steps=_known_sum("steps"),
            days_reaching_steps=(pl.col("steps") >= params.steps_per_day).sum(),
            strength_days=(pl.col("strength_sessions") > 0).sum(),
            strength_sessions=pl.col("strength_sessions").sum(),
            # burned, eaten and deficit over the same days: those with both known
            burned_kcal=_known_sum("burned_kcal", both_known),
            eaten_kcal=_known_sum("eaten_kcal", both_known),
            deficit_kcal=_known_sum("deficit_kcal"),
            days_deficit_known=both_known.sum(),
            days_intake_unknown=(pl.col("eaten_kcal").is_null() & (pl.col("local_day") <= pl.lit(as_of))).sum(),
            days_below_floor=pl.col("below_intake_floor").sum(),
            days_deficit_scored=scored.sum(),
            days_fed_above_floor=(scored & ~pl.col("below_intake_floor")).sum(),
            credit_kcal=_known_sum("deficit_credit_kcal", scored),
        )
        .sort("week_start")
    )
    remaining = ((pl.col("week_start") + pl.duration(days=7) - pl.lit(as_of)).dt.total_days()).clip(0, 7)
    short = (weekly_target - pl.col("goal_minutes").fill_null(0)).clip(0)
    met = (pl.col("goal_minutes") >= weekly_target).fill_null(False)
    enough = enough_days(pl.col("days_worn_so_far"), pl.col("days_so_far"))
    # The target so far: the week's target prorated to the days lived (a finished week: all of it).
    cardio_so_far = weekly_target * pl.col("days_so_far") / 7
    deficit_target = params.daily_deficit_kcal * pl.col("days_deficit_scored")
    deficit_share = (
        pl.col("credit_kcal") / deficit_target
        if params.daily_deficit_kcal
        else pl.col("days_fed_above_floor") / pl.col("days_deficit_scored")
    )  # nothing planned
    deficit_short = (params.daily_deficit_kcal * 7 - pl.col("credit_kcal").fill_null(0.0)).clip(0)
    weeks = weeks.with_columns(
        week_id=(pl.col("week_start") + pl.duration(days=3)).dt.strftime("%G-W%V"),
        remaining_days=remaining,
        enough_data=enough,
        cardio_met=met,
        cardio_score=pl.when(met | (weekly_target == 0))
        .then(100.0)
        .when(enough)
        .then(100.0 * (pl.col("goal_minutes").fill_null(0) / cardio_so_far).clip(0, 1)),
        deficit_target_kcal=deficit_target.cast(pl.Float64),
        deficit_score=pl.when(enough_days(pl.col("days_deficit_scored"), pl.col("days_so_far"))).then(
            100.0 * deficit_share.clip(0, 1)
        ),
        strength_met=pl.col("strength_days") >= params.strength_days,
        active_minutes=pl.col("moderate_min") + pl.col("vigorous_min"),
        # + 0.0 turns the -0.0 of a zero net deficit into 0.0
        projected_fat_change_lb=-pl.col("deficit_kcal") / params.kcal_per_lb + 0.0,
        minutes_needed_per_remaining_day=pl.when((remaining > 0) & (short > 0)).then(
            (short + remaining - 1) // remaining
        ),
        deficit_needed_per_remaining_day=pl.when((remaining > 0) & (deficit_short > 0)).then(
            (deficit_short / remaining).ceil()
        ),
    )
    weeks = add_streaks(weeks, params, as_of, streak_before)
    return weeks.select([pl.col(name).cast(dtype) for name, dtype in WEEKLY_SCHEMA.items()])


def weekly_goal_minutes[F: (pl.LazyFrame, pl.DataFrame)](day_goals: F, params: AnalyticsParams, as_of: date) -> F:
    """(local_day, goal_minutes, worn) of consecutive calendar days -> (week_start, goal_minutes, enough_data);
    lazy or eager, as given."""
    lived = pl.col("local_day") < pl.lit(as_of)
    return (
        day_goals.with_columns(week_start=_week_start_expr(params.week_start_index))
        .group_by("week_start")
        .agg(
            goal_minutes=_known_sum("goal_minutes"),
            enough_data=enough_days((pl.col("worn") & lived).sum(), lived.sum()),
        )
        .sort("week_start")
    )


def add_streaks[F: (pl.LazyFrame, pl.DataFrame)](
    weeks: F, params: AnalyticsParams, as_of: date, streak_before: int = 0
) -> F:
    """Add streak_weeks to consecutive weeks (week_start, goal_minutes, enough_data), in order
    (lazy or eager, as given).

    The streak counts consecutive weeks that met the weekly cardio target up to this one. A
    week still in progress on `as_of` that has not met it yet, or a week with too few days of
    wear to say (enough_data false), carries the streak of the week before; a week that is
    over, was worn enough and missed the target resets the streak to 0.
    """
    met = (pl.col("goal_minutes") >= params.weekly_cardio_minutes).fill_null(False)
    in_progress = (pl.col("week_start") <= pl.lit(as_of)) & (pl.lit(as_of) < pl.col("week_start") + pl.duration(days=7))
    resets = ~met & ~in_progress & pl.col("enough_data")
    return (
        weeks.sort("week_start")
        .with_columns(reset_group=resets.cum_sum())
        .with_columns(
            streak_weeks=pl.when(resets)
            .then(0)
            .otherwise(
                met.cast(pl.Int64).cum_sum().over("reset_group")
                + pl.when(pl.col("reset_group") == 0).then(streak_before).otherwise(0)
            )
        )
        .drop("reset_group")
    )
