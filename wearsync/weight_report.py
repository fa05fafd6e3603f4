"""Weight in the reports: the day's weigh-in, the trend, the measured expenditure beside the
watch's, and what the deficit counts as burned (analytics.energy_source). docs/metrics.md, Weight.

Keys `reporting` adds (weights in kg whatever wearer.weight_unit says, which is given as `unit`
for display; None means unknown):

day["weight"] ->
    unit                 "kg" | "lb" (wearer.weight_unit: how to show the weights)
    weigh_in_kg, weigh_in_source ("fit" | "manual" | "csv" | "garmin")   the day's weight
    trend_kg             the trend as of the day (None 22 days after the last weigh-in)
    window_days          21: the trailing window ending with the day
    window_weigh_ins, window_intake_days
    window_trend_change_kg
    measured_kcal, measured_range_kcal   intake and weight say: measured ± range a day
    device_kcal          the watch's average burned on the window's days it knows
    burned_from          what the day's deficit counted as burned: "device" | "measured" | None
    weigh_ins            the day's weigh-ins of the wearer, earliest first: {"time": "HH:MM" local
                         (None: typed or from a CSV, no time), "weight_kg", "weight" (in `unit`),
                         "sources": [...]}; the same weigh-in from several sources (a scale file
                         and Garmin) is listed once
week["weight"] ->
    unit, energy_source (the setting)
    trend_start_kg       the trend at the end of the day before the week
    trend_end_kg         the trend at the end of the week's last day (or of "as of", if sooner)
    trend_change_kg      end - start
    weigh_in_days        days of the week with a weigh-in
    as_of_day            the day the window below ends on
    window_days, window_weigh_ins, window_intake_days, window_trend_change_kg,
    measured_kcal, measured_range_kcal, device_kcal   as in the day's, for the window ending on as_of_day
    trend_change         trend_change_kg in `unit` (for display)
    projected_change     the deficit's projected fat change (energy.projected_fat_change_lb) in `unit`

`history_weight(weeks)` gives the history view's weight chart (in `unit`): per week the trend at
its end and the projection from the deficit (from the trend before the first week that has one,
moved by each week's projected fat change in turn; a week without one moves it by nothing; the
week before that first week holds the starting trend), and every weigh-in of the weeks.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta

import polars as pl

from wearsync import frames
from wearsync.analytics.energy import daily_intake, preferred_wellness
from wearsync.analytics.params import AnalyticsParams, params_from_config
from wearsync.analytics.weight import (
    WEIGH_INS_SCHEMA, WINDOW_DAYS, chosen_burned, daily_weights, measured_expenditure, trend_on, wearer_user,
    weight_trend,
)
from wearsync.config import Config
from wearsync.store import Store
from wearsync.weight import KG_PER_LB, to_unit


def read_weigh_ins(conn: sqlite3.Connection, last: date) -> pl.DataFrame:
    """Every weigh-in (WEIGH_INS_SCHEMA) up to local day `last`: the trend starts at the first."""
    return frames.query_frame(conn, "SELECT local_day, ts, weight_kg, source, user_index, entered_at FROM weigh_ins "
                              "WHERE local_day <= ? ORDER BY local_day", (last.isoformat(),), WEIGH_INS_SCHEMA)


def day_weigh_ins(conn: sqlite3.Connection, scale_user: int, first: date, last: date,
                  unit: str = "kg") -> dict[date, list[dict]]:
    """The wearer's weigh-ins of each day first..last that has any (the `weigh_ins` key above)."""
    user = wearer_user(read_weigh_ins(conn, last), scale_user)
    listed: dict[date, dict[tuple, dict]] = {}
    for day, ts, offset, kg, source in conn.execute(
            "SELECT local_day, ts, utc_offset_s, weight_kg, source FROM weigh_ins WHERE local_day BETWEEN ? AND ? "
            "AND (user_index IS NULL OR user_index = ?) ORDER BY local_day, ts IS NOT NULL, ts, source",
            (first.isoformat(), last.isoformat(), user)):
        shown = None if ts is None else datetime.fromtimestamp(ts + (offset or 0), UTC).strftime("%H:%M")
        key = (source, day) if ts is None else (ts,)
        entry = listed.setdefault(date.fromisoformat(day), {}).setdefault(
            key, {"time": shown, "weight_kg": _kg(kg), "weight": _kg(to_unit(kg, unit)), "sources": []})
        entry["sources"].append(source)
    return {day: list(entries.values()) for day, entries in listed.items()}


def weight_days(conn: sqlite3.Connection, params: AnalyticsParams, first: date, last: date) -> pl.DataFrame:
    """Per calendar day first..last: the weigh-in, the trend and the measured expenditure
    (trend_on's and EXPENDITURE_SCHEMA's columns)."""
    days = pl.date_range(first, last, eager=True)
    trend = weight_trend(daily_weights(read_weigh_ins(conn, last), params.scale_user))
    look_back = first - timedelta(days=WINDOW_DAYS - 1)
    intake = daily_intake(frames.read_intake(conn, look_back, last).lazy()).select("local_day", "eaten_kcal")
    burned = (preferred_wellness(frames.read_wellness(conn, look_back, last).lazy())
              .select("local_day", "burned_kcal").drop_nulls())
    spent = measured_expenditure(trend, intake.collect(), burned.collect(), days.to_list())
    return trend_on(trend, pl.DataFrame({"local_day": days})).join(spent, on="local_day", how="left")


def burned_for_deficit(conn: sqlite3.Connection, params: AnalyticsParams, wellness: pl.LazyFrame,
                       first: date, last: date) -> pl.LazyFrame:
    """preferred_wellness() rows whose burned_kcal is what the deficit counts (analytics.energy_source);
    a day with only a measured figure gets a row of its own."""
    if params.energy_source == "device":
        return wellness
    measured = weight_days(conn, params, first, last).lazy().select("local_day", "measured_kcal")
    return (wellness.join(measured, on="local_day", how="full", coalesce=True)
            .with_columns(burned_kcal=chosen_burned(pl.col("burned_kcal"), pl.col("measured_kcal"),
                                                    params.energy_source))
            .drop("measured_kcal"))


def add_day_weight(store: Store, config: Config, day: dict) -> None:
    """Add day["weight"] to a day report (keys in the module docstring)."""
    params = params_from_config(config)
    local_day = date.fromisoformat(day["day"])
    day["weight"] = _day(weight_days(store.conn, params, local_day, local_day).row(0, named=True), params,
                         config, day["burned_kcal"])
    day["weight"]["weigh_ins"] = day_weigh_ins(store.conn, params.scale_user, local_day, local_day,
                                               config.wearer.weight_unit).get(local_day, [])


def add_week_weights(store: Store, config: Config, weeks: list[dict]) -> None:
    """Add week["weight"] to week reports (consecutive, oldest first) and day["weight"] to their days."""
    if not weeks:
        return
    params = params_from_config(config)
    first, last = date.fromisoformat(weeks[0]["week_start"]), date.fromisoformat(weeks[-1]["week_end"])
    by_day = {row["local_day"]: row for row in weight_days(store.conn, params, first - timedelta(days=1),
                                                            last).iter_rows(named=True)}
    unit = config.wearer.weight_unit
    listed = day_weigh_ins(store.conn, params.scale_user, first, last, unit)
    for week in weeks:
        start, as_of = date.fromisoformat(week["week_start"]), date.fromisoformat(week["as_of"])
        end = max(start, min(date.fromisoformat(week["week_end"]), as_of))
        for day in week["days"]:
            local_day = date.fromisoformat(day["day"])
            day["weight"] = _day(by_day[local_day], params, config, day["burned_kcal"])
            day["weight"]["weigh_ins"] = listed.get(local_day, [])
        before, closing = by_day[start - timedelta(days=1)]["trend_kg"], by_day[end]["trend_kg"]
        week["weight"] = {
            "unit": config.wearer.weight_unit, "energy_source": params.energy_source,
            "trend_start_kg": _kg(before), "trend_end_kg": _kg(closing),
            "trend_change_kg": _kg(closing - before) if closing is not None and before is not None else None,
            "weigh_in_days": sum(d["weight"]["weigh_in_kg"] is not None for d in week["days"]),
            "as_of_day": end.isoformat(), **_window(by_day[end]),
        }
        change, projected = week["weight"]["trend_change_kg"], week["energy"]["projected_fat_change_lb"]
        week["weight"]["trend_change"] = _kg(to_unit(change, unit))
        week["weight"]["projected_change"] = _kg(to_unit(None if projected is None else projected * KG_PER_LB, unit))


def history_weight(weeks: list[dict]) -> dict:
    """The history view's weight chart (in the module docstring): {"unit", "trend": [per week],
    "projection": [per week], "weigh_ins": [(week position, weight)]}; a week's position is
    1, 2, ... (the weigh-ins of its days at 1 - 3/7 ... 1 + 3/7, Monday to Sunday); None: unknown."""
    unit = weeks[0]["weight"]["unit"] if weeks else "kg"
    trend, projection, weigh_ins = [], [], []
    level = None
    for position, week in enumerate(weeks, 1):
        trend.append(_kg(to_unit(week["weight"]["trend_end_kg"], unit)))
        if level is None and week["weight"]["trend_start_kg"] is not None:
            level = week["weight"]["trend_start_kg"]
            if projection:  # the line starts from the week before's end, where the trend was
                projection[-1] = _kg(to_unit(level, unit))
        projected = week["energy"]["projected_fat_change_lb"]
        level = None if level is None else level + (projected or 0.0) * KG_PER_LB
        projection.append(_kg(to_unit(level, unit)))
        for offset, day in enumerate(week["days"]):
            weigh_ins += [(position + (offset - 3) / 7, w["weight"]) for w in day["weight"]["weigh_ins"]]
    return {"unit": unit, "trend": trend, "projection": projection, "weigh_ins": weigh_ins}


def _day(row: dict, params: AnalyticsParams, config: Config, burned_kcal: float | None) -> dict:
    measured = params.energy_source != "device" and row["measured_kcal"] is not None
    return {"unit": config.wearer.weight_unit, "weigh_in_kg": _kg(row["weight_kg"]),
            "weigh_in_source": row["weight_source"], "trend_kg": _kg(row["trend_kg"]), **_window(row),
            "burned_from": None if burned_kcal is None else "measured" if measured else "device"}


def _window(row: dict) -> dict:
    return {"window_days": WINDOW_DAYS, "window_weigh_ins": row["weigh_ins"], "window_intake_days": row["intake_days"],
            "window_trend_change_kg": _kg(row["trend_change_kg"]), "measured_kcal": _kcal(row["measured_kcal"]),
            "measured_range_kcal": _kcal(row["measured_range_kcal"]), "device_kcal": _kcal(row["device_kcal"])}


def _kg(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _kcal(value: float | None) -> int | None:
    return None if value is None else int(round(value))
