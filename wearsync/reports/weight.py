"""Weight in the reports: the day's weigh-in, the trend, the measured expenditure beside the
watch's, and what the deficit counts as burned (analytics.energy_source). docs/metrics.md, Weight.

Weights are in kg whatever wearer.weight_unit says, which the models carry as `unit` for display
(models.py DayWeight, WeekWeight, WeightWindow).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from typing import Any

import polars as pl

from wearsync.analytics.energy import daily_intake, preferred_wellness
from wearsync.analytics.engine import collect_day_rows
from wearsync.analytics.params import AnalyticsParams
from wearsync.analytics.weight import (
    WINDOW_DAYS,
    chosen_burned,
    daily_weights,
    measured_expenditure,
    trend_on,
    wearer_user,
    weight_trend,
)
from wearsync.reports.models import DayWeight, HistoryWeight, WeekReport, WeekWeight, WeighIn, WeightWindow
from wearsync.store import intake as stored_intake
from wearsync.store import wellness as stored_wellness
from wearsync.store.weigh_ins import day_weigh_in_rows, read_weigh_ins
from wearsync.weight import KG_PER_LB, to_unit


def day_weigh_ins(
    conn: sqlite3.Connection, scale_user: int, first: date, last: date, unit: str
) -> dict[date, list[WeighIn]]:
    """The wearer's weigh-ins of each day first..last that has any, earliest first."""
    user = wearer_user(read_weigh_ins(conn, last), scale_user)
    listed: dict[date, dict[tuple[Any, ...], tuple[str | None, float, list[str]]]] = {}
    for day, ts, offset, kg, source in day_weigh_in_rows(conn, first, last, user):
        shown = None if ts is None else datetime.fromtimestamp(ts + (offset or 0), UTC).strftime("%H:%M")
        key = (source, day) if ts is None else (ts,)
        listed.setdefault(date.fromisoformat(day), {}).setdefault(key, (shown, kg, []))[2].append(source)
    return {
        day: [
            WeighIn(time=shown, weight_kg=_kg(kg), weight=_kg(to_unit(kg, unit)), sources=sources)
            for shown, kg, sources in entries.values()
        ]
        for day, entries in listed.items()
    }


def weight_days(conn: sqlite3.Connection, params: AnalyticsParams, first: date, last: date) -> pl.DataFrame:
    """Per calendar day first..last: the weigh-in, the trend and the measured expenditure
    (trend_on's and EXPENDITURE_SCHEMA's columns)."""
    days = pl.date_range(first, last, eager=True)
    trend = weight_trend(daily_weights(read_weigh_ins(conn, last), params.scale_user))
    look_back = first - timedelta(days=WINDOW_DAYS - 1)
    intake = daily_intake(stored_intake.read_intake(conn, look_back, last).lazy()).select("local_day", "eaten_kcal")
    burned = (
        preferred_wellness(stored_wellness.read_wellness(conn, look_back, last).lazy())
        .select("local_day", "burned_kcal")
        .drop_nulls()
    )
    spent = measured_expenditure(trend, collect_day_rows(intake), collect_day_rows(burned), days.to_list())
    return trend_on(trend, pl.DataFrame({"local_day": days})).join(spent, on="local_day", how="left")


def burned_for_deficit(
    conn: sqlite3.Connection, params: AnalyticsParams, wellness: pl.LazyFrame, first: date, last: date
) -> pl.LazyFrame:
    """preferred_wellness() rows whose burned_kcal is what the deficit counts (analytics.energy_source);
    a day with only a measured figure gets a row of its own."""
    if params.energy_source == "device":
        return wellness
    measured = weight_days(conn, params, first, last).lazy().select("local_day", "measured_kcal")
    return (
        wellness.join(measured, on="local_day", how="full", coalesce=True)
        .with_columns(burned_kcal=chosen_burned(pl.col("burned_kcal"), pl.col("measured_kcal"), params.energy_source))
        .drop("measured_kcal")
    )


def day_weight(
    row: dict[str, Any], unit: str, energy_source: str, burned_kcal: float | None, weigh_ins: list[WeighIn]
) -> DayWeight:
    """A `weight_days` row as the day's DayWeight; `burned_kcal` is the day's (None: burned_from unknown)."""
    measured = energy_source != "device" and row["measured_kcal"] is not None
    return DayWeight(
        unit=unit,
        weight_kg=_kg(row["weight_kg"]),
        weight_source=row["weight_source"],
        trend_kg=_kg(row["trend_kg"]),
        burned_from=None if burned_kcal is None else "measured" if measured else "device",
        window=_window(row),
        weigh_ins=weigh_ins,
    )


def week_weight(
    by_day: dict[date, dict[str, Any]], unit: str, start: date, end: date, projected_lb: float | None
) -> WeekWeight:
    """The trend's change from the day before `start` to `end` (the week's last lived day) and the
    weigh-ins of the week starting on `start`, from `weight_days` rows by day."""
    before, closing = by_day[start - timedelta(days=1)]["trend_kg"], by_day[end]["trend_kg"]
    return WeekWeight(
        unit=unit,
        trend_start_kg=_kg(before),
        trend_end_kg=_kg(closing),
        trend_change_kg=_kg(closing - before) if closing is not None and before is not None else None,
        trend_change=_kg(to_unit(_kg(closing - before), unit)) if closing is not None and before is not None else None,
        projected_change=_kg(to_unit(None if projected_lb is None else projected_lb * KG_PER_LB, unit)),
        weigh_in_days=sum(by_day[start + timedelta(days=n)]["weight_kg"] is not None for n in range(7)),
        as_of_day=end,
        window=_window(by_day[end]),
    )


def history_weight(weeks: list[WeekReport]) -> HistoryWeight:
    """The history view's weight chart: the projection starts from the trend before the first week
    that has one and moves by each week's projected fat change in turn (a week without one moves it
    by nothing); the week before that first week holds the starting trend."""
    unit = weeks[0].weight.unit if weeks else "kg"
    trend: list[float | None] = []
    projection: list[float | None] = []
    weigh_ins: list[tuple[float, float | None]] = []
    level: float | None = None
    for position, week in enumerate(weeks, 1):
        trend.append(_kg(to_unit(week.weight.trend_end_kg, unit)))
        if level is None and week.weight.trend_start_kg is not None:
            level = week.weight.trend_start_kg
            if projection:  # the line starts from the week before's end, where the trend was
                projection[-1] = _kg(to_unit(level, unit))
        level = None if level is None else level + (week.projected_fat_change_lb or 0.0) * KG_PER_LB
        projection.append(_kg(to_unit(level, unit)))
        for offset, day in enumerate(week.days):
            weigh_ins += [(position + (offset - 3) / 7, w.weight) for w in day.weight.weigh_ins]
    return HistoryWeight(unit=unit, trend=trend, projection=projection, weigh_ins=weigh_ins)


def _window(row: dict[str, Any]) -> WeightWindow:
    return WeightWindow(
        window_days=WINDOW_DAYS,
        weigh_ins=row["weigh_ins"],
        intake_days=row["intake_days"],
        trend_change_kg=_kg(row["trend_change_kg"]),
        measured_kcal=_kcal(row["measured_kcal"]),
        measured_range_kcal=_kcal(row["measured_range_kcal"]),
        device_kcal=_kcal(row["device_kcal"]),
    )


def _kg(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _kcal(value: float | None) -> int | None:
    return None if value is None else int(round(value))
