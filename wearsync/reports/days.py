"""Every calendar day of a span from the store and the caches (DAILY_SCHEMA), and a day as the `Day` model."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import polars as pl

from wearsync.analytics.daily import daily_summary
from wearsync.analytics.energy import daily_intake, preferred_wellness
from wearsync.analytics.engine import collect_day_rows
from wearsync.analytics.intensity import day_intensity_columns, heart_rate_limits
from wearsync.analytics.params import AnalyticsParams
from wearsync.analytics.strength import daily_strength, strength_flags
from wearsync.analytics.weeks import week_id, week_start_of
from wearsync.reports import weight
from wearsync.reports.cache import day_resting_hr
from wearsync.reports.models import Day, DayWeight, Targets, Wearer
from wearsync.store import Store, analytics_caches, recordings
from wearsync.store import intake as stored_intake
from wearsync.store import wellness as stored_wellness

# The observed maximum heart rate looks this far back (analytics/intensity.py OBSERVED_MAX_WINDOW).
OBSERVED_MAX_DAYS = 365


def daily_frame(store: Store, params: AnalyticsParams, first: date, last: date, as_of: date) -> pl.DataFrame:
    """DAILY_SCHEMA for every calendar day first..last from the store and the caches."""
    conn = store.conn
    calendar = pl.LazyFrame({"local_day": pl.date_range(first, last, eager=True)})
    wellness = preferred_wellness(stored_wellness.read_wellness(conn, first, last).lazy(), as_of, _today_share(as_of))
    # the observed maximum heart rate looks back a year
    maxima = recordings.read_activity_maxima(conn, first - timedelta(days=OBSERVED_MAX_DAYS), last)
    limits = heart_rate_limits(calendar, day_resting_hr(conn, wellness, first, last), params, maxima.lazy())
    activities = recordings.read_activities(conn, first, last)
    intensity = day_intensity_columns(analytics_caches.read_day_intensity(conn, first, last).lazy())
    strength = daily_strength(
        strength_flags(activities.lazy(), recordings.read_strength_activity_ids(conn, first, last).lazy())
    )
    intake = daily_intake(stored_intake.read_intake(conn, first, last).lazy())
    wellness = weight.burned_for_deficit(conn, params, wellness.drop("resting_hr", "resting_hr_from"), first, last)
    return collect_day_rows(daily_summary(calendar, wellness, intensity, limits, intake, strength, params, as_of))


def _today_share(as_of: date) -> float:
    """How much of `as_of` the clock says is gone, if it is today (a past day is whole)."""
    now = datetime.now()
    if as_of != now.date():
        return 1.0
    return (now.hour * 3600 + now.minute * 60 + now.second) / 86_400


def day_model(row: dict[str, Any], params: AnalyticsParams, unavailable: dict[date, str], day_weight: DayWeight) -> Day:
    """A DAILY_SCHEMA row as the Day model; a day that could not be computed has unknown heart-rate
    minutes, not 0."""
    day = row["local_day"]
    failed = day in unavailable
    known = row["minutes_with_readings"]
    return Day(
        local_day=day,
        week_id=week_id(week_start_of(day, params.week_start_index)),
        unavailable=unavailable.get(day),
        worn=row["worn"],
        wellness_source=row["wellness_source"],
        steps=row["steps"],
        ascent_m=row["ascent_m"],
        descent_m=row["descent_m"],
        floors=rounded(row["floors"], 1),
        active_kcal=row["active_kcal"],
        rmr_kcal=row["rmr_kcal"],
        burned_kcal=whole(row["burned_kcal"]),
        eaten_kcal=row["eaten_kcal"],
        intake_source=row["intake_source"],
        deficit_kcal=whole(row["deficit_kcal"]),
        below_intake_floor=row["below_intake_floor"],
        deficit_credit_kcal=whole(row["deficit_credit_kcal"]),
        minutes_source=row["minutes_source"],
        moderate_min=row["moderate_min"],
        vigorous_min=row["vigorous_min"],
        active_minutes=None if row["moderate_min"] is None else row["moderate_min"] + row["vigorous_min"],
        goal_minutes=row["goal_minutes"],
        reached_daily_target=row["reached_daily_target"],
        hr_moderate_min=None if failed else row["hr_moderate_min"],
        hr_vigorous_min=None if failed else row["hr_vigorous_min"],
        hr_goal_min=None if failed else row["hr_goal_min"],
        minutes_with_readings=None if failed else known,
        minutes_without_reading=24 * 60 - known if known and not failed else None,
        device_moderate_min=row["device_moderate_min"],
        device_vigorous_min=row["device_vigorous_min"],
        device_goal_min=row["device_goal_min"],
        resting_hr=rounded(row["resting_hr"], 1),
        resting_hr_from=row["resting_hr_from"],
        max_hr=rounded(row["max_hr"], 1),
        max_hr_from=row["max_hr_from"],
        zones_by=row["zones_by"],
        moderate_from_bpm=rounded(row["moderate_from_bpm"], 1),
        vigorous_from_bpm=rounded(row["vigorous_from_bpm"], 1),
        strength_sessions=row["strength_sessions"],
        weight=day_weight,
    )


def wearer_model(params: AnalyticsParams) -> Wearer:
    return Wearer(
        sex=params.sex or None,
        sex_from=params.sex_from,
        birth_year=params.birth_year,
        birth_year_from=params.birth_year_from,
        weight_kg=params.weight_kg,
        weight_from=params.weight_from,
        week_start=params.week_start,
        week_start_from=params.week_start_from,
        intake_floor_kcal=params.intake_floor_kcal,
    )


def targets_model(params: AnalyticsParams) -> Targets:
    return Targets(
        weekly_cardio_minutes=params.weekly_cardio_minutes,
        daily_cardio_minutes=params.daily_cardio_minutes,
        days_with_30=params.days_with_30,
        daily_deficit_kcal=params.daily_deficit_kcal,
        floors_per_day=params.floors_per_day,
        steps_per_day=params.steps_per_day,
        strength_days=params.strength_days,
        minutes_source=params.minutes_source,
        energy_source=params.energy_source,
    )


def whole(value: float | None) -> int | None:
    """`value` rounded to a whole number (None stays unknown)."""
    return None if value is None else int(round(value))


def rounded(value: float | None, digits: int) -> float | None:
    """`value` rounded to `digits` decimals; + 0.0: a zero that rounds from a tiny negative is 0.0, never -0.0."""
    return None if value is None else round(value, digits) + 0.0
