"""`report`, `report --week`, `report --weeks` and the week and history views: weeks against the
guidance (models.WeekReport), and what the history view states about them (models.HistoryTotals).

Week ids: ISO 8601 ("2020-W39"); with a week_start other than monday, the week sharing at least
four days with that ISO week (analytics/weeks.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl

from wearsync.analytics.daily import WORN_MINUTES
from wearsync.analytics.energy import WELLNESS_RANK
from wearsync.analytics.engine import collect_day_rows
from wearsync.analytics.intensity import goal_minutes
from wearsync.analytics.params import AnalyticsParams
from wearsync.analytics.weekly import add_streaks, weekly_goal_minutes, weekly_summary
from wearsync.analytics.weeks import week_start_of
from wearsync.config import Config
from wearsync.reports import days as day_frames
from wearsync.reports import weight
from wearsync.reports.cache import is_complete, refresh
from wearsync.reports.models import Day, HistoryTotals, UnavailableDay, WeekReport, WeekWeight
from wearsync.reports.params import analytics_params
from wearsync.store import Store, analytics_caches, listings

PROJECTION_NOTE = (
    "up to: 3,500 kcal a pound overestimates loss over months (Thomas et al. 2013); "
    "fat is lost from the whole body, never from one spot"
)


def week_report(
    store: Store, config: Config, week_start: date, *, as_of: date | None = None, whole_history: bool = True
) -> WeekReport:
    """One week's numbers and scores.

    `week_start` may be any day of the week; `as_of` ("today") defaults to the local date;
    `whole_history` as in `history`.
    """
    return history(store, config, 1, week_start, as_of=as_of, whole_history=whole_history)[0]


def history(
    store: Store, config: Config, weeks: int, end: date, *, as_of: date | None = None, whole_history: bool = True
) -> list[WeekReport]:
    """`weeks` week reports, oldest first, ending with the week that holds `end`.

    Without `whole_history` only these weeks' days are brought up to date first (the dashboard's
    views: the rest of the analytics cache fills in later, in the background), and while any
    other day waits the streak, which counts every earlier week, is None.
    """
    params = analytics_params(store, config)
    as_of = as_of or date.today()
    first_start = week_start_of(end, params.week_start_index) - timedelta(weeks=weeks - 1)
    last = first_start + timedelta(weeks=weeks, days=-1)
    if whole_history:
        refresh(store, params)
    else:
        refresh(store, params, first_start, last)
    streak_known = whole_history or is_complete(store, params)
    daily = day_frames.daily_frame(store, params, first_start, last, as_of)
    streak_before = _streak_before(store, params, first_start, as_of) if streak_known else 0
    weekly = collect_day_rows(weekly_summary(daily.lazy(), params, as_of, streak_before))
    if not streak_known:
        weekly = weekly.with_columns(streak_weeks=None)
    unavailable = analytics_caches.read_unavailable(store.conn, first_start, last)
    weights = {
        row["local_day"]: row
        for row in weight.weight_days(store.conn, params, first_start - timedelta(days=1), last).iter_rows(named=True)
    }
    unit = config.wearer.weight_unit
    weigh_ins = weight.day_weigh_ins(store.conn, params.scale_user, first_start, last, unit)
    days = [
        day_frames.day_model(
            row,
            params,
            unavailable,
            weight.day_weight(
                weights[row["local_day"]],
                unit,
                params.energy_source,
                row["burned_kcal"],
                weigh_ins.get(row["local_day"], []),
            ),
        )
        for row in daily.iter_rows(named=True)
    ]
    return [
        _week_model(
            week,
            days[7 * n : 7 * n + 7],
            params,
            as_of,
            weight.week_weight(
                weights,
                unit,
                week["week_start"],
                max(week["week_start"], min(week["week_start"] + timedelta(days=6), as_of)),
                day_frames.rounded(week["projected_fat_change_lb"], 2),
            ),
        )
        for n, week in enumerate(weekly.sort("week_start").iter_rows(named=True))
    ]


def history_totals(weeks: list[WeekReport]) -> HistoryTotals:
    """What the history view states about `history`'s weeks: weeks that met the cardio target,
    weeks scored, and the net deficit over the weeks where it is known (None when none is)."""
    deficits = [w.deficit_kcal for w in weeks if w.deficit_kcal is not None]
    return HistoryTotals(
        weeks=len(weeks),
        cardio_met_weeks=sum(1 for w in weeks if w.cardio_met),
        weeks_with_enough_data=sum(1 for w in weeks if w.enough_data),
        deficit_kcal=sum(deficits) if deficits else None,
        weeks_deficit_known=len(deficits),
    )


def _streak_before(store: Store, params: AnalyticsParams, week_start: date, as_of: date) -> int:
    """The cardio streak at the end of the week before `week_start`, from every earlier week."""
    earliest = listings.first_data_day(store.conn)
    if earliest is None or earliest >= week_start:
        return 0
    first = week_start_of(earliest, params.week_start_index)
    streaks: list[int] = _streaks(store, params, first, week_start - timedelta(days=1), as_of)["streak_weeks"].to_list()
    return streaks[-1]


def _streaks(store: Store, params: AnalyticsParams, first: date, last: date, as_of: date) -> pl.DataFrame:
    """add_streaks over the whole weeks first..last from the caches' day rows alone: per day the
    headline's goal minutes (chosen as daily_summary chooses them) and whether it was worn.

    A row a day, so plain Python picks them and polars runs eagerly: a lazy plan's set-up cost
    more than the work (the week report's streak read every earlier week twice as slowly).
    """
    hr: dict[str, tuple[int | None, int | None, bool]] = {}
    wellness: dict[str, tuple[str, int | None, int | None, bool]] = {}
    for iso_day, source, moderate, vigorous, worn in analytics_caches.read_day_goal_rows(
        store.conn, first, last, WORN_MINUTES
    ):
        if source == "heart_rate":
            hr[iso_day] = (moderate, vigorous, bool(worn))
        elif iso_day not in wellness or _wellness_rank(source) < _wellness_rank(wellness[iso_day][0]):
            wellness[iso_day] = (source, moderate, vigorous, bool(worn))  # the preferred source's row whole
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    rows = []
    for day in days:
        key = day.isoformat()
        hr_moderate, hr_vigorous, hr_worn = hr.get(key, (None, None, False))
        _, moderate, vigorous, wellness_worn = wellness.get(key, ("", None, None, False))
        device_known = moderate is not None and vigorous is not None
        chosen = {
            "auto": (moderate, vigorous) if device_known else (hr_moderate, hr_vigorous),
            "device": (moderate, vigorous),
            "heart_rate": (hr_moderate, hr_vigorous),
        }[params.minutes_source]
        rows.append((day, *chosen, bool(hr_worn or wellness_worn)))
    day_goals = pl.DataFrame(
        rows,
        orient="row",
        schema={
            "local_day": pl.Date,
            "moderate": pl.Int64,
            "vigorous": pl.Int64,
            "worn": pl.Boolean,
        },
    ).select("local_day", "worn", goal_minutes=goal_minutes("moderate", "vigorous"))
    return add_streaks(weekly_goal_minutes(day_goals, params, as_of), params, as_of)


def _wellness_rank(source: str) -> int:
    return WELLNESS_RANK.get(source, len(WELLNESS_RANK))


def _week_model(
    week: dict[str, Any], days: list[Day], params: AnalyticsParams, as_of: date, week_weight: WeekWeight
) -> WeekReport:
    start = week["week_start"]
    whole, rounded = day_frames.whole, day_frames.rounded
    return WeekReport(
        week_id=week["week_id"],
        week_start=start,
        week_end=start + timedelta(days=6),
        as_of=as_of,
        days_so_far=week["days_so_far"],
        days_with_data=week["days_with_data"],
        enough_data=week["enough_data"],
        goal_minutes=week["goal_minutes"],
        moderate_min=week["moderate_min"],
        vigorous_min=week["vigorous_min"],
        active_minutes=week["active_minutes"],
        hr_goal_minutes=week["hr_goal_minutes"],
        device_goal_minutes=week["device_goal_minutes"],
        days_device_minutes=week["days_device_minutes"],
        days_reaching_daily=week["days_reaching_daily"],
        remaining_days=week["remaining_days"],
        goal_minutes_left=max(0, params.weekly_cardio_minutes - (week["goal_minutes"] or 0)),
        minutes_needed_per_remaining_day=week["minutes_needed_per_remaining_day"],
        cardio_met=week["cardio_met"],
        cardio_score=rounded(week["cardio_score"], 1),
        streak_weeks=week["streak_weeks"],
        floors=rounded(week["floors"], 1),
        days_reaching_floors=week["days_reaching_floors"],
        steps=week["steps"],
        days_reaching_steps=week["days_reaching_steps"],
        strength_days=week["strength_days"],
        strength_sessions=week["strength_sessions"],
        strength_met=week["strength_met"],
        burned_kcal=whole(week["burned_kcal"]),
        eaten_kcal=week["eaten_kcal"],
        deficit_kcal=whole(week["deficit_kcal"]),
        days_deficit_known=week["days_deficit_known"],
        days_intake_unknown=week["days_intake_unknown"],
        days_below_floor=week["days_below_floor"],
        days_deficit_scored=week["days_deficit_scored"],
        credit_kcal=whole(week["credit_kcal"]),
        deficit_target_kcal=whole(week["deficit_target_kcal"]),
        deficit_needed_per_remaining_day=week["deficit_needed_per_remaining_day"],
        deficit_score=rounded(week["deficit_score"], 1),
        projected_fat_change_lb=rounded(week["projected_fat_change_lb"], 2),
        wearer=day_frames.wearer_model(params),
        targets=day_frames.targets_model(params),
        weight=week_weight,
        unavailable_days=[UnavailableDay(local_day=d.local_day, reason=d.unavailable) for d in days if d.unavailable],
        days=days,
    )
