"""What the CLI report and the dashboard both show: plain, JSON-able dicts.

Every number is defined in ../shared/docs/metrics.md. Keys (all values JSON types; `None`
means unknown, never zero):

day_report(store, config, day) ->
    day                 "2020-09-25" (local day)
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
    heart_rate          {readings, min_bpm, max_bpm} (raw readings of the day, all sources)
    activities          [{sport, sub_sport, start_utc, elapsed_s, calories, avg_hr, max_hr, strength}]

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
    days     [day_report dicts for the seven days, in order]

history(store, config, weeks, end) -> [week_report, ...] oldest first, the last one the
    week holding `end`.

Week ids: ISO 8601 ("2020-W39"). With week_start monday a week id is exactly the ISO week.
With another start day the id names the week that shares at least four days with that ISO
week, i.e. the ISO week of the week's fourth day (ISO's own Thursday rule): with week_start
sunday, 2020-W39 is Sunday 2020-09-20 to Saturday 2020-09-26.
"""

from __future__ import annotations

from datetime import date

from wearsync.config import Config
from wearsync.store import Store


def day_report(store: Store, config: Config, day: date) -> dict:
    """One local day's numbers (keys in the module docstring)."""
    raise NotImplementedError


def week_report(store: Store, config: Config, week_start: date) -> dict:
    """One week's numbers and scores (keys in the module docstring)."""
    raise NotImplementedError


def history(store: Store, config: Config, weeks: int, end: date) -> list[dict]:
    """`weeks` week reports, oldest first, ending with the week that holds `end`."""
    raise NotImplementedError
