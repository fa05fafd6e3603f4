"""What the CLI report and the dashboard both show: plain, JSON-able dicts.

Every number is defined in docs/metrics.md. Keys (all values JSON types; `None`
means unknown, never zero):

day_report(store, config, day, as_of=None) ->
    day                 "2020-09-25" (local day)
    unavailable         why the day's heart-rate analytics could not be computed (None: they were);
                        its other numbers still report
    week_id             "2020-W39" (see week ids below)
    wellness_source     "garmin" | "fit" | None (Garmin Connect wins when both exist)
    worn                at least an hour of the day recorded
    steps, steps_target, ascent_m, descent_m, floors, floors_target
    active_kcal, rmr_kcal, burned_kcal (a finished day: a whole day's rmr; today: prorated)
    eaten_kcal, intake_source ("manual" | "csv" | "garmin" | None)
    deficit_kcal        burned - eaten, None unless both are known
    intake_floor_kcal, below_intake_floor (bool; False when intake unknown)
    deficit_credit_kcal what the day adds to the deficit score: min(deficit, deficit_cap_kcal),
                        a surplus in full, 0 below the floor, None when the deficit is unknown
    deficit_cap_kcal    the planned daily deficit, the most a day can add
    minutes_source      "device" | "heart_rate" | None: where the headline minutes came from
    minutes_setting     config analytics.minutes_source ("auto" | "heart_rate" | "device")
    moderate_minutes, vigorous_minutes  the headline's
    active_minutes      moderate + vigorous (minutes spent)
    goal_minutes        moderate + 2 x vigorous (goal-equivalent minutes)
    reached_daily_target  goal_minutes >= targets.daily_cardio_minutes (None when unknown)
    hr_minutes          {moderate, vigorous, goal (None without any reading), minutes_with_readings,
                         minutes_without_reading, resting_hr, resting_hr_from ("config" | "demo" |
                         "garmin" | "device" | "estimate" | "fit" | None), max_hr, max_hr_from ("config" |
                         "demo" | "garmin" | "fit" | "observed" | "tanaka" | "220-age"), zones_by ("heart_rate_reserve"
                         | "percent_of_max"), moderate_from_bpm, vigorous_from_bpm}
    device_minutes      {moderate, vigorous, goal}
    strength_sessions   int
    weight              the weigh-in, trend and measured expenditure (wearsync/weight_report.py)
    day_report only (not in week_report's days):
    wearer              {sex ("female" | "male" | None), sex_from, birth_year, birth_year_from,
                         weight_kg, weight_from, week_start ("monday" ... "sunday"), week_start_from
                         (each "config" | "demo" | "garmin" | "fit" | "assumed"), intake_floor_kcal}
    the stored values as they are: source (= wellness_source), total_kcal (as the source stated
    it), resting_hr (stored that day), device_moderate_min, device_vigorous_min,
    heart_rate          {values, empty, min, max} (raw readings of the day, all sources)
    activities          [{sport, sub_sport, start_utc, start_local ("HH:MM"), elapsed_s, minutes,
                          calories, avg_hr, max_hr, ascent_m, steps, strength}]
    device_increments   [{at ("HH:MM" local, the end of the interval), moderate, vigorous}]: where
                        the device's own minutes fell (FIT 55/33-34; empty for Garmin Connect days)

week_report(store, config, week_start, as_of=None) ->
    week_id, week_start, week_end (inclusive), as_of (the day "today" was taken as)
    minutes_setting, wearer (as in day_report)
    days_so_far         days before as_of (7 for a finished week): what the scores are on
    days_with_data      days worn; enough_data: more than half the days so far worn
    cardio   {goal_minutes, moderate_minutes, vigorous_minutes, active_minutes (the headline's),
              hr_goal_minutes, device_goal_minutes, days_device_minutes, target_minutes,
              days_reaching_daily, daily_minutes_target, days_target,
              remaining_days, goal_minutes_left (target − goal, ≥ 0),
              minutes_needed_per_remaining_day (None when met or over),
              met (bool), score (0-100; None: not enough data), streak_weeks}
    floors   {total, target, per_day_target, days_reaching_target}
    steps    {total, days_reaching_target, per_day_target}
    strength {days, sessions, target_days, met, guidance ("2-3")}
    energy   {burned_kcal, eaten_kcal, deficit_kcal (all three over the same days_deficit_known),
              days_intake_unknown, days_below_floor, days_scored, credit_kcal, daily_cap_kcal,
              target_kcal, target_so_far_kcal, needed_per_remaining_day_kcal,
              score (0-100; None: not enough data), projected_fat_change_lb,
              projection_label ("up to"), projection_note}
    weight   the trend's change over the week and the measured expenditure (wearsync/weight_report.py)
    unavailable_days [{day, reason}] the days of the week that could not be computed
    days     [day_report dicts for the seven days, in order; days after as_of hold no data]

history(store, config, weeks, end) -> [week_report, ...] oldest first, the last one the
    week holding `end`. history_totals(weeks) -> what the history view states about them.
day_curve(store, config, day) -> the day's per-minute heart rate as the analytics counted it.

Weeks start on the wearer's week_start (the config's, else Garmin Connect's, else Monday).
Week ids: ISO 8601 ("2020-W39"). With week_start monday a week id is exactly the ISO week.
With another start day the id names the week that shares at least four days with that ISO
week, i.e. the ISO week of the week's fourth day (ISO's own Thursday rule): with week_start
sunday, 2020-W39 is Sunday 2020-09-20 to Saturday 2020-09-26.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import polars as pl

from wearsync import frames, weight_report
from wearsync.analytics.daily import WORN_MINUTES, daily_summary
from wearsync.analytics.energy import WELLNESS_RANK, daily_intake, preferred_wellness
from wearsync.analytics.intensity import goal_minutes, heart_rate_limits
from wearsync.analytics_cache import classified_minutes, refresh
from wearsync.analytics.params import AnalyticsParams, params_from_config
from wearsync.analytics.strength import daily_strength, strength_flags
from wearsync.analytics.weekly import add_streaks, weekly_goal_minutes, weekly_summary
from wearsync.analytics.weeks import week_id, week_start_of
from wearsync.config import Config
from wearsync.store import Store
from wearsync.sync import wearer_sources
from wearsync.unix_days import day_start

PROJECTION_NOTE = ("up to: 3,500 kcal a pound overestimates loss over months (Thomas et al. 2013); "
                   "fat is lost from the whole body, never from one spot")
# The state key holding the store's own wearer (JSON; the demo's made-up person): see analytics_params().
WEARER_KEY = "wearer.profile"
# The observed maximum heart rate looks this far back (analytics/intensity.py OBSERVED_MAX_WINDOW).
OBSERVED_MAX_DAYS = 365


def analytics_params(store: Store, config: Config) -> AnalyticsParams:
    """The analytics settings for this store: the config's, with the wearer the store keeps
    (the demo's) and the wearer its sources state (Garmin Connect, FIT: sync/wearer_sources.py)."""
    stored = store.get_state(WEARER_KEY)
    return params_from_config(config, ([json.loads(stored)] if stored else []) + wearer_sources.read_all(store))


def _today_share(as_of: date) -> float:
    """How much of `as_of` the clock says is gone, if it is today (a past day is whole)."""
    now = datetime.now()
    if as_of != now.date():
        return 1.0
    return (now.hour * 3600 + now.minute * 60 + now.second) / 86_400


def day_report(store: Store, config: Config, day: date, *, as_of: date | None = None) -> dict:
    """One local day's numbers (keys in the module docstring); `as_of` ("today") defaults to the local date."""
    params = analytics_params(store, config)
    as_of = as_of or date.today()
    refresh(store, params)
    daily = _daily(store, params, day, day, as_of).row(0, named=True)
    report = _day_dict(daily, params, frames.read_unavailable(store.conn, day, day))
    report["wearer"] = _wearer_dict(params)
    measured = preferred_wellness(frames.read_wellness(store.conn, day, day).lazy()).collect()
    stored = measured.row(0, named=True) if measured.height else {}
    # The stored values as the foundation's `report --day` showed them, kept for scripts.
    report.update(
        source=daily["wellness_source"], total_kcal=stored.get("total_kcal"),
        resting_hr=stored.get("resting_hr"), device_moderate_min=daily["device_moderate_min"],
        device_vigorous_min=daily["device_vigorous_min"],
        heart_rate=frames.read_day_reading_stats(store.conn, day), activities=_activities(store, day),
        device_increments=_device_increments(store, day),
    )
    weight_report.add_day_weight(store, config, report)
    return report


def _device_increments(store: Store, day: date) -> list[dict]:
    """Where the device's minutes fell: [{at (local "HH:MM", the end of the interval), moderate, vigorous}]."""
    offset = frames.read_day_offset(store.conn, day) or 0
    by_stamp: dict[int, dict] = {}
    for ts, metric, minutes in frames.read_device_increments(store.conn, day):
        at = (datetime(1970, 1, 1) + timedelta(seconds=ts + offset)).strftime("%H:%M")
        entry = by_stamp.setdefault(ts, {"at": at, "moderate": 0, "vigorous": 0})
        entry[metric.removesuffix("_min")] += minutes
    return [entry for entry in by_stamp.values() if entry["moderate"] or entry["vigorous"]]


def week_report(store: Store, config: Config, week_start: date, *, as_of: date | None = None) -> dict:
    """One week's numbers and scores (keys in the module docstring).

    `week_start` may be any day of the week; `as_of` ("today") defaults to the local date.
    """
    return history(store, config, 1, week_start, as_of=as_of)[0]


def history(store: Store, config: Config, weeks: int, end: date, *, as_of: date | None = None) -> list[dict]:
    """`weeks` week reports, oldest first, ending with the week that holds `end`."""
    params = analytics_params(store, config)
    as_of = as_of or date.today()
    refresh(store, params)
    last_start = week_start_of(end, params.week_start_index)
    first_start = last_start - timedelta(weeks=weeks - 1)
    daily = _daily(store, params, first_start, last_start + timedelta(days=6), as_of)
    weekly = weekly_summary(daily.lazy(), params, as_of, _streak_before(store, params, first_start, as_of)).collect()
    reports = []
    unavailable = frames.read_unavailable(store.conn, first_start, last_start + timedelta(days=6))
    for week in weekly.iter_rows(named=True):
        days = daily.filter(pl.col("local_day").is_between(week["week_start"], week["week_start"] + timedelta(days=6)))
        reports.append(_week_dict(week, [_day_dict(d, params, unavailable) for d in days.iter_rows(named=True)],
                                  params, as_of))
    weight_report.add_week_weights(store, config, reports)
    return reports


def history_totals(weeks: list[dict]) -> dict:
    """What the history view states about `history`'s weeks: weeks that met the cardio target,
    weeks scored, and the net deficit over the weeks where it is known (None when none is)."""
    deficits = [w["energy"]["deficit_kcal"] for w in weeks if w["energy"]["deficit_kcal"] is not None]
    return {"weeks": len(weeks), "cardio_met_weeks": sum(1 for w in weeks if w["cardio"]["met"]),
            "weeks_with_enough_data": sum(1 for w in weeks if w["enough_data"]),
            "deficit_kcal": sum(deficits) if deficits else None, "weeks_deficit_known": len(deficits)}


def _streak_before(store: Store, params: AnalyticsParams, week_start: date, as_of: date) -> int:
    """The cardio streak at the end of the week before `week_start`, from every earlier week."""
    earliest = _first_data_day(store)
    if earliest is None or earliest >= week_start:
        return 0
    first = week_start_of(earliest, params.week_start_index)
    return _streaks(store, params, first, week_start - timedelta(days=1), as_of)["streak_weeks"][-1]


def _streaks(store: Store, params: AnalyticsParams, first: date, last: date, as_of: date) -> pl.DataFrame:
    """add_streaks over the whole weeks first..last from the caches' day rows alone: per day the
    headline's goal minutes (chosen as daily_summary chooses them) and whether it was worn.

    A row a day, so plain Python picks them and polars runs eagerly: a lazy plan's set-up cost
    more than the work (the week report's streak read every earlier week twice as slowly).
    """
    hr: dict[str, tuple] = {}
    wellness: dict[str, tuple] = {}
    for day, source, moderate, vigorous, worn in frames.read_day_goal_rows(store.conn, first, last, WORN_MINUTES):
        if source == "heart_rate":
            hr[day] = (moderate, vigorous, worn)
        elif day not in wellness or _wellness_rank(source) < _wellness_rank(wellness[day][0]):
            wellness[day] = (source, moderate, vigorous, worn)   # the preferred source's row whole
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    rows = []
    for day in days:
        key = day.isoformat()
        hr_moderate, hr_vigorous, hr_worn = hr.get(key, (None, None, False))
        _, moderate, vigorous, wellness_worn = wellness.get(key, (None, None, None, False))
        device_known = moderate is not None and vigorous is not None
        chosen = {"auto": (moderate, vigorous) if device_known else (hr_moderate, hr_vigorous),
                  "device": (moderate, vigorous), "heart_rate": (hr_moderate, hr_vigorous)}[params.minutes_source]
        rows.append((day, *chosen, bool(hr_worn or wellness_worn)))
    day_goals = pl.DataFrame(rows, orient="row", schema={
        "local_day": pl.Date, "moderate": pl.Int64, "vigorous": pl.Int64, "worn": pl.Boolean,
    }).select("local_day", "worn", goal_minutes=goal_minutes("moderate", "vigorous"))
    return add_streaks(weekly_goal_minutes(day_goals, params, as_of), params, as_of)


def _wellness_rank(source: str) -> int:
    return WELLNESS_RANK.get(source, len(WELLNESS_RANK))


def _first_data_day(store: Store) -> date | None:
    row = store.conn.execute(
        "SELECT min(d) FROM (SELECT min(local_day) AS d FROM wellness UNION ALL SELECT min(local_day) FROM intake "
        "UNION ALL SELECT min(local_day) FROM activities UNION ALL SELECT min(local_day) FROM analytics_minutes)"
    ).fetchone()
    return date.fromisoformat(row[0]) if row[0] else None


def _daily(store: Store, params: AnalyticsParams, first: date, last: date, as_of: date) -> pl.DataFrame:
    """DAILY_SCHEMA for every calendar day first..last from the store and the caches."""
    conn = store.conn
    calendar = pl.LazyFrame({"local_day": pl.date_range(first, last, eager=True)})
    wellness = preferred_wellness(frames.read_wellness(conn, first, last, resting_origin=True).lazy(), as_of,
                                  _today_share(as_of))
    # the observed maximum heart rate looks back a year
    maxima = frames.read_activity_maxima(conn, first - timedelta(days=OBSERVED_MAX_DAYS), last)
    limits = heart_rate_limits(calendar, wellness.select("local_day", "resting_hr", "resting_hr_from"), params,
                               maxima.lazy())
    activities = frames.read_activities(conn, first, last)
    intensity = (frames.read_day_intensity(conn, first, last).lazy()
                 .select("local_day", "hr_moderate_min", "hr_vigorous_min",
                         hr_goal_min=goal_minutes("hr_moderate_min", "hr_vigorous_min"),
                         minutes_with_readings="minutes_with_readings"))
    strength = daily_strength(strength_flags(activities.lazy(), frames.read_strength_activity_ids(conn).lazy()))
    intake = daily_intake(frames.read_intake(conn, first, last).lazy())
    wellness = weight_report.burned_for_deficit(conn, params, wellness.drop("resting_hr", "resting_hr_from"), first, last)
    return daily_summary(calendar, wellness, intensity, limits, intake, strength, params, as_of).collect()


def _activities(store: Store, day: date) -> list[dict]:
    activities = frames.read_activities(store.conn, day, day)
    flagged = strength_flags(activities.lazy(), frames.read_strength_activity_ids(store.conn).lazy()).collect()
    return [{**{key: row[key] for key in ("sport", "sub_sport", "start_utc", "elapsed_s", "calories", "avg_hr",
                                          "max_hr", "ascent_m", "steps", "strength")},
             "start_local": (datetime(1970, 1, 1) + timedelta(seconds=row["start_utc"] + row["utc_offset_s"]))
             .strftime("%H:%M"),
             "minutes": _round(row["elapsed_s"] / 60) if row["elapsed_s"] is not None else None}
            for row in flagged.iter_rows(named=True)]


def day_curve(store: Store, config: Config, day: date) -> dict:
    """The day's heart rate minute by minute as the analytics counted it: {hours, bpm, zones, sources}.

    hours: time since local midnight (the day's UTC offset, as its daily data or first activity
    states it); zones: 'moderate', 'vigorous' or None, exactly as in hr_minutes.
    """
    params = analytics_params(store, config)
    refresh(store, params)
    conn = store.conn
    classified = classified_minutes(store, params, day, day).filter(pl.col("local_day") == day).sort(
        "minute_utc").collect()
    offset = frames.read_day_offset(conn, day) or 0
    midnight = day_start(day) - offset
    return {"hours": ((classified["minute_utc"] - midnight) / 3600).to_list(),
            "bpm": classified["bpm"].round(0).cast(pl.Int64).to_list(),
            "zones": classified["zone"].to_list(), "sources": classified["source"].to_list()}


def _round(value: float | None, digits: int = 0) -> float | int | None:
    if value is None:
        return None
    # + 0.0: a zero that rounds from a tiny negative is 0.0, never -0.0
    return int(round(value)) if digits == 0 else round(value, digits) + 0.0


# How each origin is said (JSON keeps the short code; the CLI and the dashboard show this).
ORIGINS = {
    "config": "configured", "assumed": "assumed (not configured)", "demo": "the demo's wearer",
    "garmin": "Garmin Connect", "fit": "the watch's user profile (FIT)", "device": "the device's (FIT 211: the day's own, else its 7-day average)",
    "estimate": "estimated: lowest half hour of the day's readings", "observed": "observed: 3rd-highest activity "
    "maximum of the last year", "tanaka": "predicted: Tanaka 208 - 0.7 x age", "220-age": "predicted: 220 - age",
    "heart_rate_reserve": "by heart-rate reserve, ACSM 40 % / 60 %",
    "percent_of_max": "by percent of maximum heart rate, ACSM 64 % / 77 %: no resting heart rate known",
}


def _wearer_dict(params: AnalyticsParams) -> dict:
    return {"sex": params.sex or None, "sex_from": params.sex_from,
            "birth_year": params.birth_year, "birth_year_from": params.birth_year_from,
            "weight_kg": params.weight_kg, "weight_from": params.weight_from,
            "week_start": params.week_start, "week_start_from": params.week_start_from,
            "intake_floor_kcal": params.intake_floor_kcal}


def _day_dict(row: dict, params: AnalyticsParams, unavailable: dict[date, str]) -> dict:
    day = row["local_day"]
    known = row["minutes_with_readings"]
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
        "deficit_cap_kcal": params.daily_deficit_kcal,
        "minutes_source": row["minutes_source"], "minutes_setting": params.minutes_source,
        "moderate_minutes": row["moderate_min"], "vigorous_minutes": row["vigorous_min"],
        "active_minutes": None if row["moderate_min"] is None else row["moderate_min"] + row["vigorous_min"],
        "goal_minutes": row["goal_minutes"], "reached_daily_target": row["reached_daily_target"],
        "hr_minutes": {
            # a day that could not be computed has unknown minutes, not 0
            **{key: None if day in unavailable else row[column] for key, column in (
                ("moderate", "hr_moderate_min"), ("vigorous", "hr_vigorous_min"), ("goal", "hr_goal_min"))},
            "minutes_with_readings": None if day in unavailable else known,
            "minutes_without_reading": 24 * 60 - known if known and day not in unavailable else None,
            "resting_hr": _round(row["resting_hr"], 1), "resting_hr_from": row["resting_hr_from"],
            "max_hr": _round(row["max_hr"], 1), "max_hr_from": row["max_hr_from"],
            "zones_by": row["zones_by"],
            "moderate_from_bpm": _round(row["moderate_from_bpm"], 1),
            "vigorous_from_bpm": _round(row["vigorous_from_bpm"], 1),
        },
        "device_minutes": {"moderate": row["device_moderate_min"], "vigorous": row["device_vigorous_min"],
                           "goal": row["device_goal_min"]},
        "strength_sessions": row["strength_sessions"], "worn": row["worn"],
    }


def _week_dict(week: dict, days: list[dict], params: AnalyticsParams, as_of: date) -> dict:
    start = week["week_start"]
    return {
        "week_id": week["week_id"], "week_start": start.isoformat(),
        "week_end": (start + timedelta(days=6)).isoformat(), "as_of": as_of.isoformat(),
        "minutes_setting": params.minutes_source,
        "days_so_far": week["days_so_far"], "days_with_data": week["days_with_data"],
        "enough_data": week["enough_data"],
        "wearer": _wearer_dict(params),
        "cardio": {
            "goal_minutes": week["goal_minutes"], "moderate_minutes": week["moderate_min"],
            "vigorous_minutes": week["vigorous_min"], "active_minutes": week["active_minutes"],
            "hr_goal_minutes": week["hr_goal_minutes"], "device_goal_minutes": week["device_goal_minutes"],
            "days_device_minutes": week["days_device_minutes"], "target_minutes": params.weekly_cardio_minutes,
            "days_reaching_daily": week["days_reaching_daily"], "daily_minutes_target": params.daily_cardio_minutes,
            "days_target": params.days_with_30, "remaining_days": week["remaining_days"],
            "goal_minutes_left": max(0, params.weekly_cardio_minutes - (week["goal_minutes"] or 0)),
            "minutes_needed_per_remaining_day": week["minutes_needed_per_remaining_day"],
            "met": week["cardio_met"], "score": _round(week["cardio_score"], 1), "streak_weeks": week["streak_weeks"],
        },
        "floors": {"total": _round(week["floors"], 1), "target": params.floors_per_day * 7,
                   "per_day_target": params.floors_per_day, "days_reaching_target": week["days_reaching_floors"]},
        "steps": {"total": week["steps"], "days_reaching_target": week["days_reaching_steps"],
                  "per_day_target": params.steps_per_day},
        "strength": {"days": week["strength_days"], "sessions": week["strength_sessions"],
                     "target_days": params.strength_days, "met": week["strength_met"], "guidance": "2-3"},
        "energy": {
            "burned_kcal": _round(week["burned_kcal"]), "eaten_kcal": week["eaten_kcal"],
            "deficit_kcal": _round(week["deficit_kcal"]), "days_deficit_known": week["days_deficit_known"],
            "days_intake_unknown": week["days_intake_unknown"], "days_below_floor": week["days_below_floor"],
            "days_scored": week["days_deficit_scored"], "credit_kcal": _round(week["credit_kcal"]),
            "daily_cap_kcal": params.daily_deficit_kcal, "target_kcal": params.daily_deficit_kcal * 7,
            "target_so_far_kcal": _round(week["deficit_target_kcal"]),
            "needed_per_remaining_day_kcal": week["deficit_needed_per_remaining_day"],
            "score": _round(week["deficit_score"], 1),
            "projected_fat_change_lb": _round(week["projected_fat_change_lb"], 2),
            "projection_label": "up to", "projection_note": PROJECTION_NOTE,
        },
        "unavailable_days": [{"day": d["day"], "reason": d["unavailable"]} for d in days if d["unavailable"]],
        "days": days,
    }
