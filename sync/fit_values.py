"""Raw FIT field values as wearsync reads them: absolute FIT times, stated UTC offsets, unsigned
integers within their size, the first element of an array field, enum numbers named by the profile.

Readers hand fields over raw (see fit_messages): anything of another type than the profile says
comes back as None here, so the extractors (fit_records, fit_monitoring) never trust a field's type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeGuard

from wearsync.sync.gate import FIT_EPOCH, LIMITS, plausible

QUARTER_HOUR_S = 900  # every time zone in use is a whole number of quarter hours from UTC
# A stated offset this close to a quarter hour is that quarter hour (Bryton writes +3:00:03).
OFFSET_SLACK_S = 120
UINT32_MAX = 0xFFFFFFFF
_FIT_TIME_LOW, _FIT_TIME_HIGH = LIMITS["time"].low - FIT_EPOCH, LIMITS["time"].high - FIT_EPOCH


def unix(fit_time: int) -> int:
    return fit_time + FIT_EPOCH


def stated_offset(local: object, utc: object) -> int | None:
    """The UTC offset a file states as local minus UTC time, if it is a real one.

    Both must be absolute FIT times; the difference must be within the world's time
    zones and, within a little slack, a whole number of quarter hours (it is rounded
    to that). An app that writes 0 or a time from another clock states nothing.
    """
    if not (is_fit_time(local) and is_fit_time(utc)):
        return None
    return zone_offset(local - utc)


def zone_offset(seconds: int) -> int | None:
    """`seconds` as a time zone's offset (rounded to its quarter hour), or None if no zone has it."""
    rounded = round(seconds / QUARTER_HOUR_S) * QUARTER_HOUR_S
    if abs(seconds - rounded) > OFFSET_SLACK_S or not plausible(rounded, "utc_offset_s"):
        return None
    return rounded


def is_fit_time(value: object) -> TypeGuard[int]:
    """An absolute FIT time (seconds since the FIT epoch, not since power-on) in the plausible range."""
    return type(value) is int and _FIT_TIME_LOW <= value <= _FIT_TIME_HIGH


def fit_uint(value: object, high: int = UINT32_MAX) -> int | None:
    """An unsigned integer field of at most `high`, else None."""
    return value if type(value) is int and 0 <= value <= high else None


def first(value: object) -> object:
    """An array field's first element (a scalar stays itself)."""
    return value[0] if isinstance(value, tuple) and value else value


def named(names: Mapping[int, str], value: object, high: int = 0xFF) -> str | None:
    """The profile's name for an enum field's number; None when the field is missing, malformed or unnamed."""
    number = fit_uint(value, high)
    return None if number is None else names.get(number)
