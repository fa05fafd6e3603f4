"""The day view's curve: a day's heart rate minute by minute as the analytics counted it (models.DayCurve)."""

from __future__ import annotations

from datetime import date

import polars as pl

from wearsync.config import Config
from wearsync.reports.cache import classified_minutes, refresh
from wearsync.reports.models import DayCurve
from wearsync.reports.params import analytics_params
from wearsync.store import Store
from wearsync.store import wellness as stored_wellness
from wearsync.unix_days import day_start


def day_curve(store: Store, config: Config, day: date) -> DayCurve:
    """hours: time since local midnight (the day's UTC offset, as its daily data or first activity
    states it); zone: "moderate", "vigorous" or None, exactly as the day's heart-rate minutes count them.
    """
    params = analytics_params(store, config)
    refresh(store, params, day, day)
    classified = (
        classified_minutes(store, params, day, day).filter(pl.col("local_day") == day).sort("minute_utc").collect()
    )
    midnight = day_start(day) - (stored_wellness.read_day_offset(store.conn, day) or 0)
    return DayCurve(
        hours=((classified["minute_utc"] - midnight) / 3600).to_list(),
        bpm=classified["bpm"].round(0).cast(pl.Int64).to_list(),
        zone=classified["zone"].to_list(),
        source=classified["source"].to_list(),
    )
