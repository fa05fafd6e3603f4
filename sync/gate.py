"""The door every outside value passes: type and plausible range, checked before anything is stored.

Every source (FIT files, Garmin Connect bodies, typed-in values) hands each value it wants to
keep to a `Gate` with the name of its limit. A value of the wrong type (a string, a tuple where
a number belongs, a bool, a float where a count belongs), a non-finite float or one outside its
limit is dropped: the gate returns None, counts it under the field's name and, at the end,
says once per field what it dropped. One bad value never costs more than itself.

The limits are named here once, each with why it is where it is; the store's CHECK
constraints and the analytics rely on them.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypeGuard

from wearsync.unix_days import DAY_S

FIT_EPOCH = 631065600  # 1989-12-31T00:00:00Z as a Unix timestamp
# FIT "system time": a timestamp below this counts seconds since the device powered on,
# not since the FIT epoch (FIT profile, date_time: "if < 0x10000000 ... system time").
FIT_SYSTEM_TIME_BELOW = 0x10000000


@dataclass(frozen=True, slots=True)
class Limit:
    low: float
    high: float
    integer: bool  # a count: floats are refused unless whole
    why: str


LIMITS: dict[str, Limit] = {
    # Unix seconds. From the first absolute FIT time (1998-07-05: FIT epoch + 0x10000000; no FIT
    # device recorded before) to 2100; "not in the future" is checked with the clock, below.
    "time": Limit(FIT_EPOCH + FIT_SYSTEM_TIME_BELOW, 4_102_444_800, True, "absolute FIT time to 2100"),
    # Local time offsets on Earth run from UTC-12 (Baker Island) to UTC+14 (Kiribati).
    "utc_offset_s": Limit(-12 * 3600, 14 * 3600, True, "time zones run from UTC-12 to UTC+14"),
    # Heart rate: the lowest recorded resting rates are ~25-30 bpm, the highest maxima ~220-230;
    # optical and chest sensors report 30-240. Outside this a reading is a sensor fault.
    "heart_rate_bpm": Limit(25, 250, True, "human heart rates, rest to maximum"),
    "resting_hr_bpm": Limit(25, 150, True, "a resting heart rate above 150 is a fault, not rest"),
    # A maximum heart rate: 220 - age is 100 at 120 years; no measured maximum is above 250.
    "max_hr_bpm": Limit(100, 250, True, "220 - age at 120 years, to the highest maxima"),
    # A day: ultra-marathoners reach ~100,000 steps; 200,000 leaves room and no more.
    "steps_day": Limit(0, 200_000, True, "twice an ultra-marathon day"),
    "steps_activity": Limit(0, 200_000, True, "twice an ultra-marathon day"),
    # Climbing: a day in the mountains is a few km; 20 km of ascent is no human's day.
    "ascent_m_day": Limit(0, 20_000, False, "no person climbs 20 km in a day"),
    "ascent_mm_day": Limit(0, 20_000_000, True, "no person climbs 20 km in a day"),
    # Energy: Tour de France stages burn ~8,000 kcal; 20,000 is beyond any person's day.
    "kcal_day": Limit(0, 20_000, True, "beyond any person's day (a Tour stage is ~8,000)"),
    "kcal_activity": Limit(0, 20_000, True, "beyond any person's day (a Tour stage is ~8,000)"),
    # Resting metabolic rate: from a small adult (~800) to a very large athlete (~4,000).
    "rmr_kcal_day": Limit(500, 6_000, True, "resting energy of any adult"),
    "minutes_day": Limit(0, 1_440, True, "a day has 1,440 minutes"),
    # Seconds of one local day a source covers: 25 hours on the day clocks go back.
    "seconds_day": Limit(0, 25 * 3600, True, "a local day lasts at most 25 hours"),
    # An activity lasts at most a few days (multi-day ultras); a week is beyond it.
    "duration_s": Limit(0, 7 * DAY_S, False, "no recorded activity lasts a week"),
    "repetitions": Limit(0, 10_000, True, "ten thousand repetitions in one set is a fault"),
    # The heaviest lifts ever made are ~500 kg; 1,000 kg is a fault.
    "set_weight_kg": Limit(0, 1_000, False, "twice the heaviest lift ever made"),
    "category": Limit(0, 65_534, True, "a FIT exercise category (uint16)"),
    # Intake logged for a day: below 0 is impossible, above 20,000 is a typing error.
    "intake_kcal_day": Limit(0, 20_000, False, "beyond any person's day of eating"),
    # Body weight: from a small adult (~20 kg) to beyond the heaviest person recorded (635 kg).
    "weight_kg": Limit(20, 650, False, "a person weighs 20 kg to 635 kg, the heaviest recorded"),
    # Body fat: essential fat alone is 2-5 % (men); no living body is 75 % fat.
    "body_fat_percent": Limit(2, 75, False, "essential fat (2 %) to beyond any measured body"),
    # A scale's user: a FIT message_index (its low 12 bits; the top bits are flags).
    "scale_user": Limit(0, 0x0FFF, True, "a FIT message index (12 bits)"),
    # a wearer's age as a device or Garmin Connect states it (config: wearer.birth_year alike)
    "age_years": Limit(10, 120, True, "a wearer of 10 to 120 years"),
}


# The local days a plausible time can fall on: the first and last time at the extreme offsets.
FIRST_LOCAL_DAY = datetime.fromtimestamp(LIMITS["time"].low + LIMITS["utc_offset_s"].low, UTC).date()
LAST_LOCAL_DAY = datetime.fromtimestamp(LIMITS["time"].high + LIMITS["utc_offset_s"].high, UTC).date()
# Local days a person names (a report's day or week, a day's intake) run from FIRST_LOCAL_DAY to
# a year past the clock; a day that records what happened is at most a day past it.
DAYS_AHEAD = 366
DAYS_AHEAD_DONE = 1  # as `not_in_future`: the clock may be a day behind the person's
DAY_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_number(value: object) -> TypeGuard[int | float]:
    """An int or float (a bool is neither, though Python counts it an int)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def plausible(value: object, limit: str) -> bool:
    """Whether `value` is a finite number of the right kind within `limit`."""
    rule = LIMITS[limit]
    if not is_number(value):
        return False
    if isinstance(value, float):
        if not math.isfinite(value) or (rule.integer and not value.is_integer()):
            return False
    return rule.low <= value <= rule.high


def not_in_future(unix_s: int, now: float | None = None) -> bool:
    """A time at most a day past the clock (a watch's clock may run a little ahead)."""
    return unix_s <= (time.time() if now is None else now) + DAY_S


def check_day(value: str | date, *, days_ahead: int = DAYS_AHEAD) -> date:
    """`value` (a date, or text written YYYY-MM-DD) if it lies from FIRST_LOCAL_DAY to `days_ahead`
    days past today; else ValueError saying what was expected."""
    if isinstance(value, str):
        text = value.strip()
        try:
            if not DAY_FORM.fullmatch(text):
                raise ValueError(text)
            value = date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"expected a date written YYYY-MM-DD such as 2026-03-14, not {text!r}") from None
    last = date.today() + timedelta(days=days_ahead)
    if not FIRST_LOCAL_DAY <= value <= last:
        raise ValueError(f"{value} is outside {FIRST_LOCAL_DAY} to {last}")
    return value


class Gate:
    """Checks one source unit's values (a file, a Garmin day) and remembers what it dropped."""

    __slots__ = ("dropped", "now")

    def __init__(self, now: float | None = None):
        self.dropped: Counter[str] = Counter()
        self.now = time.time() if now is None else now

    def check(self, value: object, limit: str, field: str) -> int | None:
        """`value` as an int if plausible for `limit` (a count), else None, counted under `field`."""
        if not LIMITS[limit].integer:
            raise ValueError(f"{limit} is not a count: check it with check_float")
        checked = self._plausible(value, limit, field)
        return None if checked is None else int(checked)

    def check_float(self, value: object, limit: str, field: str) -> float | None:
        """`value` as a float if plausible for `limit` (a measure), else None, counted under `field`."""
        if LIMITS[limit].integer:
            raise ValueError(f"{limit} is a count: check it with check")
        checked = self._plausible(value, limit, field)
        return None if checked is None else float(checked)

    def _plausible(self, value: object, limit: str, field: str) -> int | float | None:
        if value is None:
            return None
        if not plausible(value, limit):
            self.dropped[field] += 1
            return None
        assert isinstance(value, int | float)  # plausible() admits numbers only
        return value

    def time(self, value: object, field: str) -> int | None:
        """An absolute Unix time that is plausible and not in the future, else None."""
        checked = self.check(value, "time", field)
        if checked is not None and not not_in_future(checked, self.now):
            self.dropped[field] += 1
            return None
        return checked

    def drop(self, field: str, count: int = 1) -> None:
        """Count values the caller refused for its own reason."""
        self.dropped[field] += count

    def warnings(self) -> list[str]:
        """One line per field with dropped values."""
        return [
            f"{count} implausible or malformed {field} value{'s' if count != 1 else ''} dropped"
            for field, count in sorted(self.dropped.items())
        ]
