"""What the CLI report and the dashboard both show: plain, JSON-able dicts.

Every number is defined in ../shared/docs/metrics.md. Keys (all values JSON types; `None`
means unknown, never zero):

day_report(store, config, day) ->
    day                 "2020-09-25" (local day)
    unavailable         why the day's heart-rate analytics could not be computed (None: they were);
                        its other numbers still report
    week_id             "2020-W39" (see week ids below)
    wellness_source     "garmin" | "fit" | None (Garmin Connect wins when both exist)
    steps, steps_target, ascent_m, descent_m, floors, floors_target
    active_kcal, rmr_kcal, burned_kcal
    eaten_kcal, intake_source ("manual" | "csv" | "garmin" | None)
    deficit_kcal        burned - eaten, None unless both are known
    intake_floor_kcal, below_intake_floor (bool; False when intake unknown)
    deficit_credit_kcal what the day adds to the deficit score (0 when unknown or below floor)
    minutes_source      "heart_rate" | "device" (config analytics.minutes_source)
    goal_minutes        the chosen source's moderate + 2 x vigorous
    reached_daily_target  goal_minutes >= targets.daily_cardio_minutes
    hr_minutes          {moderate, vigorous, goal, minutes_with_readings,
                         resting_hr, resting_hr_from ("measured" | "config" | None),
                         max_hr, max_hr_from ("config" | "age"),
                         moderate_from_bpm, vigorous_from_bpm}
    device_minutes      {moderate, vigorous, goal}
    strength_sessions   int
    weight              the weigh-in, trend and measured expenditure (wearsync/weight_report.py)
    day_report only (not in week_report's days), the stored values as they are:
    source (= wellness_source), total_kcal (as the source stated it), resting_hr (measured
    that day), device_moderate_min, device_vigorous_min,
    heart_rate          {values, empty, min, max} (raw readings of the day, all sources)
    activities          [{sport, sub_sport, start_utc, elapsed_s, calories, avg_hr, max_hr,
                          ascent_m, steps, strength}]

week_report(store, config, week_start) ->
    week_id, week_start, week_end (inclusive), as_of (the day "today" was taken as)
    minutes_source
    cardio   {goal_minutes, hr_goal_minutes, device_goal_minutes, target_minutes,
              days_reaching_daily, daily_minutes_target, days_target,
              remaining_days, minutes_needed_per_remaining_day (None when met or over),
              met (bool), score (0-100), streak_weeks}
    floors   {total, target, days_reaching_target}
    steps    {total, days_reaching_target, per_day_target}
    strength {days, sessions, target_days, guidance ("2-3")}
    energy   {burned_kcal, eaten_kcal, deficit_kcal, days_deficit_known,
              days_intake_unknown, days_below_floor, credit_kcal, target_kcal,
              score (0-100), projected_fat_change_lb, projection_label ("up to"),
              projection_note}
    weight   the trend's change over the week and the measured expenditure (wearsync/weight_report.py)
    unavailable_days [{day, reason}] the days of the week that could not be computed
    days     [day_report dicts for the seven days, in order]

history(store, config, weeks, end) -> [week_report, ...] oldest first, the last one the
    week holding `end`.

Week ids: ISO 8601 ("2020-W39"). With week_start monday a week id is exactly the ISO week.
With another start day the id names the week that shares at least four days with that ISO
week, i.e. the ISO week of the week's fourth day (ISO's own Thursday rule): with week_start
sunday, 2020-W39 is Sunday 2020-09-20 to Saturday 2020-09-26.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from wearsync import frames, weight_report
from wearsync.analytics_cache import refresh
from wearsync.analytics.daily import daily_summary
from wearsync.analytics.energy import daily_intake, preferred_wellness
from wearsync.analytics.intensity import heart_rate_limits
from wearsync.analytics.params import AnalyticsParams, params_from_config
from wearsync.analytics.strength import daily_strength, strength_flags
from wearsync.analytics.weekly import add_streaks, week_id, week_start_of, weekly_goal_minutes, weekly_summary
from wearsync.config import Config
from wearsync.store import Store

PROJECTION_NOTE = ("up to: 3,500 kcal a pound overestimates loss over months (Thomas et al. 2013); "
                   "fat is lost from the whole body, never from one spot")


def day_report(store: Store, config: Config, day: date) -> dict:
    """One local day's numbers (keys in the module docstring)."""
    params = params_from_config(config)
    refresh(store, params)
    daily = _daily(store, params, day, day).row(0, named=True)
    report = _day_dict(daily, params, frames.read_unavailable(store.conn, day, day))
    measured = preferred_wellness(frames.read_wellness(store.conn, day, day).lazy()).collect()
    stored = measured.row(0, named=True) if measured.height else {}
    # The stored values as the foundation's `report --day` showed them, kept for scripts.
    report.update(
        source=daily["wellness_source"], total_kcal=stored.get("total_kcal"),
        resting_hr=stored.get("resting_hr"), device_moderate_min=daily["device_moderate_min"],
        device_vigorous_min=daily["device_vigorous_min"],
        heart_rate=frames.read_day_reading_stats(store.conn, day), activities=_activities(store, day),
    )
    weight_report.add_day_weight(store, config, report)
    return report


def week_report(store: Store, config: Config, week_start: date, *, as_of: date | None = None) -> dict:
    """One week's numbers and scores (keys in the module docstring).

    `week_start` may be any day of the week; `as_of` ("today") defaults to the local date.
    """
    return history(store, config, 1, week_start, as_of=as_of)[0]


def history(store: Store, config: Config, weeks: int, end: date, *, as_of: date | None = None) -> list[dict]:
    """`weeks` week reports, oldest first, ending with the week that holds `end`."""
    params = params_from_config(config)
    as_of = as_of or date.today()
    refresh(store, params)
    last_start = week_start_of(end, params.week_start_index)
    first_start = last_start - timedelta(weeks=weeks - 1)
    daily = _daily(store, params, first_start, last_start + timedelta(days=6))
    weekly = weekly_summary(daily.lazy(), params, as_of, _streak_before(store, params, first_start, as_of)).collect()
    reports = []
    unavailable = frames.read_unavailable(store.conn, first_start, last_start + timedelta(days=6))
    for week in weekly.iter_rows(named=True):
        days = daily.filter(pl.col("local_day").is_between(week["week_start"], week["week_start"] + timedelta(days=6)))
        reports.append(_week_dict(week, [_day_dict(d, params, unavailable) for d in days.iter_rows(named=True)],
                                  params, as_of))
    weight_report.add_week_weights(store, config, reports)
    return reports


def _streak_before(store: Store, params: AnalyticsParams, week_start: date, as_of: date) -> int:
    """The cardio streak at the end of the week before `week_start`, from every earlier week."""
    earliest = _first_data_day(store)
    if earliest is None or earliest >= week_start:
        return 0
    first = week_start_of(earliest, params.week_start_index)
    last = week_start - timedelta(days=1)
    if params.minutes_source == "heart_rate":
        goals = frames.read_day_intensity(store.conn, first, last).lazy().select(
            "local_day", goal_minutes=pl.col("hr_moderate_min") + 2 * pl.col("hr_vigorous_min"))
    else:
        goals = preferred_wellness(frames.read_wellness(store.conn, first, last).lazy()).select(
            "local_day", goal_minutes=pl.col("moderate_min") + 2 * pl.col("vigorous_min"))
    calendar = pl.LazyFrame({"local_day": pl.date_range(first, last, eager=True)})
    day_goals = calendar.join(goals, on="local_day", how="left").with_columns(pl.col("goal_minutes").fill_null(0))
    streaks = add_streaks(weekly_goal_minutes(day_goals, params), params, as_of).collect()
    return streaks["streak_weeks"][-1]


def _first_data_day(store: Store) -> date | None:
    row = store.conn.execute(
        "SELECT min(d) FROM (SELECT min(local_day) AS d FROM wellness UNION ALL SELECT min(local_day) FROM intake "
        "UNION ALL SELECT min(local_day) FROM activities UNION ALL SELECT min(local_day) FROM analytics_minutes)"
    ).fetchone()
    return date.fromisoformat(row[0]) if row[0] else None


def _daily(store: Store, params: AnalyticsParams, first: date, last: date) -> pl.DataFrame:
    """DAILY_SCHEMA for every calendar day first..last from the store and the caches."""
    conn = store.conn
    calendar = pl.LazyFrame({"local_day": pl.date_range(first, last, eager=True)})
    look_back = first - timedelta(days=6)  # the resting heart rate's 7-day window
    wellness = preferred_wellness(frames.read_wellness(conn, look_back, last).lazy())
    limits = heart_rate_limits(calendar, wellness.select("local_day", "resting_hr"), params)
    intensity = (frames.read_day_intensity(conn, first, last).lazy()
                 .select("local_day", "hr_moderate_min", "hr_vigorous_min",
                         hr_goal_min=pl.col("hr_moderate_min") + 2 * pl.col("hr_vigorous_min"),
                         minutes_with_readings="minutes_with_readings"))
    activities = frames.read_activities(conn, first, last)
    strength = daily_strength(strength_flags(activities.lazy(), frames.read_strength_activity_ids(conn).lazy()))
    intake = daily_intake(frames.read_intake(conn, first, last).lazy())
    wellness = weight_report.burned_for_deficit(conn, params, wellness.drop("resting_hr"), first, last)
    return daily_summary(calendar, wellness, intensity, limits, intake, strength, params).collect()


def _activities(store: Store, day: date) -> list[dict]:
    activities = frames.read_activities(store.conn, day, day)
    flagged = strength_flags(activities.lazy(), frames.read_strength_activity_ids(store.conn).lazy()).collect()
    return [{key: row[key] for key in ("sport", "sub_sport", "start_utc", "elapsed_s", "calories", "avg_hr",
                                       "max_hr", "ascent_m", "steps", "strength")}
            for row in flagged.iter_rows(named=True)]


def _round(value: float | None, digits: int = 0) -> float | int | None:
    if value is None:
        return None
    return int(round(value)) if digits == 0 else round(value, digits)


def _day_dict(row: dict, params: AnalyticsParams, unavailable: dict[date, str]) -> dict:
    day = row["local_day"]
    return {
        "day": day.isoformat(),
        "unavailable": unavailable.get(day),
        "week_id": week_id(week_start_of(day, params.week_start_index)),
        "wellness_source": row["wellness_source"],
        "steps": row["steps"], "steps_target": params.steps_per_day,
        "ascent_m": row["ascent_m"], "descent_m": row["descent_m"],
        "floors": _round(row["floors"], 1), "floors_target": params.floors_per_day,
        "active_kcal": row["active_kcal"], "rmr_kcal": row["rmr_kcal"], "burned_kcal": _round(row["burned_kcal"]),
        "eaten_kcal": row["eaten_kcal"], "intake_source": row["intake_source"],
        "deficit_kcal": _round(row["deficit_kcal"]),
        "intake_floor_kcal": params.intake_floor_kcal, "below_intake_floor": row["below_intake_floor"],
        "deficit_credit_kcal": _round(row["deficit_credit_kcal"]),
        "minutes_source": params.minutes_source,
        "goal_minutes": row["goal_minutes"], "reached_daily_target": row["reached_daily_target"],
        "hr_minutes": {
            # a day that could not be computed has unknown minutes, not 0
            **{key: None if day in unavailable else row[column] for key, column in (
                ("moderate", "hr_moderate_min"), ("vigorous", "hr_vigorous_min"), ("goal", "hr_goal_min"),
                ("minutes_with_readings", "minutes_with_readings"))},
            "resting_hr": _round(row["resting_hr"], 1), "resting_hr_from": row["resting_hr_from"],
            "max_hr": row["max_hr"], "max_hr_from": row["max_hr_from"],
            "moderate_from_bpm": _round(row["moderate_from_bpm"], 1),
            "vigorous_from_bpm": _round(row["vigorous_from_bpm"], 1),
        },
        "device_minutes": {"moderate": row["device_moderate_min"], "vigorous": row["device_vigorous_min"],
                           "goal": row["device_goal_min"]},
        "strength_sessions": row["strength_sessions"],
    }


def _week_dict(week: dict, days: list[dict], params: AnalyticsParams, as_of: date) -> dict:
    start = week["week_start"]
    return {
        "week_id": week["week_id"], "week_start": start.isoformat(),
        "week_end": (start + timedelta(days=6)).isoformat(), "as_of": as_of.isoformat(),
        "minutes_source": params.minutes_source,
        "cardio": {
            "goal_minutes": week["goal_minutes"], "hr_goal_minutes": week["hr_goal_minutes"],
            "device_goal_minutes": week["device_goal_minutes"], "target_minutes": params.weekly_cardio_minutes,
            "days_reaching_daily": week["days_reaching_daily"], "daily_minutes_target": params.daily_cardio_minutes,
            "days_target": params.days_with_30, "remaining_days": week["remaining_days"],
            "minutes_needed_per_remaining_day": week["minutes_needed_per_remaining_day"],
            "met": week["cardio_met"], "score": _round(week["cardio_score"], 1), "streak_weeks": week["streak_weeks"],
        },
        "floors": {"total": _round(week["floors"], 1), "target": params.floors_per_day * 7,
                   "days_reaching_target": week["days_reaching_floors"]},
        "steps": {"total": week["steps"], "days_reaching_target": week["days_reaching_steps"],
                  "per_day_target": params.steps_per_day},
        "strength": {"days": week["strength_days"], "sessions": week["strength_sessions"],
                     "target_days": params.strength_days, "met": week["strength_met"], "guidance": "2-3"},
        "energy": {
            "burned_kcal": _round(week["burned_kcal"]), "eaten_kcal": week["eaten_kcal"],
            "deficit_kcal": _round(week["deficit_kcal"]), "days_deficit_known": week["days_deficit_known"],
            "days_intake_unknown": week["days_intake_unknown"], "days_below_floor": week["days_below_floor"],
            "credit_kcal": _round(week["credit_kcal"]), "target_kcal": params.daily_deficit_kcal * 7,
            "score": _round(week["deficit_score"], 1),
            "projected_fat_change_lb": _round(week["projected_fat_change_lb"], 2),
            "projection_label": "up to", "projection_note": PROJECTION_NOTE,
        },
        "unavailable_days": [{"day": d["day"], "reason": d["unavailable"]} for d in days if d["unavailable"]],
        "days": days,
    }
