"""Unix seconds and calendar days, converted one way everywhere. A local time is kept as the wall
clock read as if it were UTC (Unix seconds + the UTC offset), so the day of a local time is its
local day and a day's start on that timeline is its local midnight."""

from __future__ import annotations

from datetime import date, timedelta

DAY_S = 86_400
EPOCH_DAY = date(1970, 1, 1)


def day_start(day: date) -> int:
    """The Unix second at which `day` starts (its midnight on the timeline it is read on)."""
    return (day - EPOCH_DAY).days * DAY_S


def day_of(unix_s: int) -> date:
    """The day holding the Unix second `unix_s` (a local time gives the local day)."""
    return EPOCH_DAY + timedelta(days=unix_s // DAY_S)
