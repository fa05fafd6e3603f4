"""Weights entered by a person: typed (`wearsync log weight`) or a CSV file of date,weight[,unit];
timed weigh-ins (a scale file's, Garmin Connect's) are written by `store.weigh_ins.insert_timed_weigh_ins`.

One check for every way in (`check_weight`): a day written YYYY-MM-DD from gate.FIRST_LOCAL_DAY
to tomorrow, a weight written as a plain number (80 or 80.4) in kg or lb (1 lb = 0.45359237 kg,
exactly), within the gate's `weight_kg` limit once in kg. Stored in kg. A file is checked whole
before anything is stored. A person's own entry of a day (typed or from a CSV) replaces their
earlier own entry of that day; weigh-ins from scale files and Garmin Connect stay beside it.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from wearsync.day_csv import read_day_csv
from wearsync.errors import WeightError
from wearsync.intake import PLAIN_NUMBER
from wearsync.store import Store, weigh_ins
from wearsync.sync.gate import DAYS_AHEAD_DONE, LIMITS, check_day, plausible

KG_PER_LB = 0.45359237  # the international avoirdupois pound (1959), exactly
UNITS = ("kg", "lb")


def to_unit(kg: float | None, unit: str) -> float | None:
    """A weight in kg shown in `unit` (None stays unknown)."""
    return None if kg is None else (kg if unit == "kg" else kg / KG_PER_LB)


def check_weight(day: date | str, weight: str | int | float, unit: str = "kg") -> tuple[date, float]:
    """The day and weight in kg of one entry, else WeightError saying what was expected."""
    try:
        day = check_day(day, days_ahead=DAYS_AHEAD_DONE)
    except ValueError as exc:
        raise WeightError(str(exc)) from None
    unit = unit.strip().lower()
    if unit not in UNITS:
        raise WeightError(f"{unit!r} is not a unit of weight: kg or lb")
    shown = weight.strip() if isinstance(weight, str) else weight
    if isinstance(weight, str) and PLAIN_NUMBER.fullmatch(weight.strip()):
        weight = float(weight.strip())
    if isinstance(weight, bool) or not isinstance(weight, int | float):
        raise WeightError(f"{shown!r} is not a weight like 80 or 80.4")
    kg = weight * KG_PER_LB if unit == "lb" else float(weight)
    if not plausible(kg, "weight_kg"):
        limit = LIMITS["weight_kg"]
        low, high = to_unit(limit.low, unit), to_unit(limit.high, unit)
        raise WeightError(f"{shown} {unit} is outside {low:,.0f} to {high:,.0f} {unit} ({limit.why})")
    return day, kg


def read_weight_csv(path: Path, unit: str = "kg") -> dict[date, float]:
    """Rows of `date,weight` or `date,weight,unit` (kg or lb; `unit` where a row names none), an
    optional header line, UTF-8 or UTF-16. Every row is checked first: WeightError lists each bad one."""

    def check(day: str, weight: str, row_unit: str = "") -> tuple[date, float]:
        return check_weight(day, weight, row_unit or unit)

    return read_day_csv(
        path,
        "date,weight[,unit]",
        range(2, 4),
        check,
        WeightError,
        "; write the weight without a thousands separator or decimal comma (80.5, not 80,5)",
    )


def record_weight(store: Store, entries: dict[date, float], source: str) -> dict[date, float | None]:
    """Store weights in kg as the person's own entries of their days (one transaction).

    Returns, per day, the own entry it replaced in kg (None when there was none).
    """
    checked = dict(check_weight(day, kg) for day, kg in entries.items())
    replaced = {}
    now = int(time.time())
    with store.transaction() as conn:
        for day, kg in sorted(checked.items()):
            replaced[day] = weigh_ins.replace_own_weight(conn, day, kg, source, now)
    return replaced


def remove_weight(store: Store, day: date) -> float | None:
    """Remove the person's own weight entry of `day`; returns the kg removed (None: there was none)."""
    with store.transaction() as conn:
        return weigh_ins.remove_own_weight(conn, day)
