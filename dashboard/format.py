"""How numbers look on screen: one place, so every view (and the tests) agree."""

from __future__ import annotations

from datetime import date

UNKNOWN = "—"


def number(value: float | int | None, decimals: int = 0) -> str:
    """A count with thousands separators; unknown values as a dash, never zero."""
    if value is None:
        return UNKNOWN
    return f"{value:,.{decimals}f}"


def score(value: float | None) -> str:
    """A 0-100 score; a week that could not be scored says so."""
    return "not enough data" if value is None else f"{value:,.0f}"


def signed(value: float | int | None, decimals: int = 0) -> str:
    """Like `number`, with a sign (for deficits and changes)."""
    if value is None:
        return UNKNOWN
    return f"{round(value, decimals) + 0.0:+,.{decimals}f}"  # + 0.0: never "-0.0"


def day_label(day: date) -> str:
    """'Mon 21' — short enough for a table column."""
    return f"{day:%a} {day.day}"


def long_day(day: date) -> str:
    """'Monday 21 September 2020'."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def week_range(start: date, end: date) -> str:
    """'21 Sep – 27 Sep 2020'; '29 Dec 2014 – 4 Jan 2015' when the years differ."""
    first = f"{start.day} {start:%b}" + (f" {start.year}" if start.year != end.year else "")
    return f"{first} – {end.day} {end:%b %Y}"
