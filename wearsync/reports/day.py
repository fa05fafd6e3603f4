"""`report --day` and the day view: one local day with its activities, readings and wearer (models.DayReport)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, timedelta

from wearsync.analytics.energy import preferred_wellness
from wearsync.analytics.engine import collect_day_rows
from wearsync.analytics.strength import strength_flags
from wearsync.config import Config
from wearsync.reports import days as day_frames
from wearsync.reports import weight
from wearsync.reports.cache import refresh
from wearsync.reports.models import Activity, DayReport, DeviceIncrement, Readings
from wearsync.reports.params import analytics_params
from wearsync.store import Store, analytics_caches, hr_series, monitoring_series, recordings
from wearsync.store import wellness as stored_wellness


def day_report(store: Store, config: Config, day: date, *, as_of: date | None = None) -> DayReport:
    """One local day's numbers; `as_of` ("today") defaults to the local date."""
    params = analytics_params(store, config)
    as_of = as_of or date.today()
    refresh(store, params, day, day)
    row = day_frames.daily_frame(store, params, day, day, as_of).row(0, named=True)
    weight_row = weight.weight_days(store.conn, params, day, day).row(0, named=True)
    numbers = day_frames.day_model(
        row,
        params,
        analytics_caches.read_unavailable(store.conn, day, day),
        weight.day_weight(
            weight_row,
            config.wearer.weight_unit,
            params.energy_source,
            row["burned_kcal"],
            weight.day_weigh_ins(store.conn, params.scale_user, day, day, config.wearer.weight_unit).get(day, []),
        ),
    )
    measured = collect_day_rows(preferred_wellness(stored_wellness.read_wellness(store.conn, day, day).lazy()))
    stated = measured.row(0, named=True)["total_kcal"] if measured.height else None
    return DayReport(
        **{key: value for key, value in asdict(numbers).items() if key != "weight"},
        weight=numbers.weight,
        wearer=day_frames.wearer_model(params),
        targets=day_frames.targets_model(params),
        total_kcal=stated,
        readings=Readings(**hr_series.read_day_reading_stats(store.conn, day)),
        activities=_activities(store, day),
        device_increments=_device_increments(store, day),
    )


def _device_increments(store: Store, day: date) -> list[DeviceIncrement]:
    """Where the device's minutes fell, by the end of each interval (local "HH:MM")."""
    offset = stored_wellness.read_day_offset(store.conn, day) or 0
    by_stamp: dict[int, dict[str, int]] = {}
    for ts, metric, minutes in monitoring_series.read_device_increments(store.conn, day):
        entry = by_stamp.setdefault(ts, {"moderate_min": 0, "vigorous_min": 0})
        entry[metric] += minutes
    return [
        DeviceIncrement(at=_local_clock(ts, offset), **entry)
        for ts, entry in by_stamp.items()
        if entry["moderate_min"] or entry["vigorous_min"]
    ]


def _activities(store: Store, day: date) -> list[Activity]:
    activities = recordings.read_activities(store.conn, day, day)
    flagged = collect_day_rows(
        strength_flags(activities.lazy(), recordings.read_strength_activity_ids(store.conn, day, day).lazy())
    )
    return [
        Activity(
            sport=row["sport"],
            sub_sport=row["sub_sport"],
            start_utc=row["start_utc"],
            start_local=_local_clock(row["start_utc"], row["utc_offset_s"]),
            elapsed_s=row["elapsed_s"],
            minutes=day_frames.whole(row["elapsed_s"] / 60) if row["elapsed_s"] is not None else None,
            calories=row["calories"],
            avg_hr=row["avg_hr"],
            max_hr=row["max_hr"],
            ascent_m=row["ascent_m"],
            steps=row["steps"],
            strength=row["strength"],
        )
        for row in flagged.iter_rows(named=True)
    ]


def _local_clock(ts: int, offset: int) -> str:
    """A UTC timestamp at a UTC offset as the local "HH:MM"."""
    return (datetime(1970, 1, 1) + timedelta(seconds=ts + offset)).strftime("%H:%M")
