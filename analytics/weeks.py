"""Which week a day is in, and week ids; plain dates (no polars), so the dashboard and the command
line use them without loading the analytics.

A week id is ISO 8601 ("2020-W39"). With weeks starting Monday it is exactly the ISO week;
with another start day it names the week that shares at least four days with that ISO week,
i.e. the ISO week of the week's fourth day (ISO's own Thursday rule): with weeks starting
Sunday, 2020-W39 runs from Sunday 2020-09-20 to Saturday 2020-09-26.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from wearsync.errors import PeriodError

# The days a week may start on, in Python's weekday() order (config analytics.week_start).
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

WEEK_ID = re.compile(r"^(\d{4})-W(\d{2})$")


def week_start_of(day: date, week_start_index: int) -> date:
    """The first day of the week holding `day` (week_start_index: 0 Monday ... 6 Sunday)."""
    return day - timedelta(days=(day.weekday() - week_start_index) % 7)


def week_id(week_start: date) -> str:
    """The id of the week starting on `week_start` (see the module docstring)."""
    year, week, _ = (week_start + timedelta(days=3)).isocalendar()
    return f"{year}-W{week:02d}"


def week_start_for_id(text: str, week_start_index: int) -> date:
    """The first day of the week named `text` ("2020-W39")."""
    match = WEEK_ID.match(text.strip())
    if not match:
        raise PeriodError(f"{text!r} is not a week id like 2020-W39")
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError as exc:
        raise PeriodError(f"{text!r}: no such ISO week ({exc})") from exc
    # The start day nearest to the ISO Monday: up to three days before or after it.
    return monday + timedelta(days=(week_start_index + 3) % 7 - 3)
