"""Weights entered by a person: typed (`wearsync log weight`) or a CSV file of date,weight[,unit];
and the one writer of timed weigh-ins (a scale file's, Garmin Connect's: `insert_timed_weigh_ins`).

One check for every way in (`check_weight`): a day written YYYY-MM-DD from gate.FIRST_LOCAL_DAY
to tomorrow, a weight written as a plain number (80 or 80.4) in kg or lb (1 lb = 0.45359237 kg,
exactly), within the gate's `weight_kg` limit once in kg. Stored in kg. A file is checked whole
before anything is stored. A person's own entry of a day (typed or from a CSV) replaces their
earlier own entry of that day; weigh-ins from scale files and Garmin Connect stay beside it.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from wearsync.day_csv import read_day_csv
from wearsync.errors import WeightError
from wearsync.intake import PLAIN_NUMBER
from wearsync.store import Store
from wearsync.sync.gate import DAYS_AHEAD_DONE, LIMITS, check_day, plausible

KG_PER_LB = 0.45359237  # the international avoirdupois pound (1959), exactly
UNITS = ("kg", "lb")
OWN_SOURCES = ("manual", "csv")


@dataclass(frozen=True, slots=True)
class TimedWeighIn:
    """A weigh-in a scale or Garmin Connect timed, its values already through the gate."""

    local_day: str
    ts: int                      # UTC
    utc_offset_s: int | None
    weight_kg: float
    fat_percent: float | None
    user_index: int | None       # the scale's user; None: the source names none


def insert_timed_weigh_ins(conn: sqlite3.Connection, weigh_ins: Iterable[TimedWeighIn], source: str,
                           recording_id: int | None = None) -> int:
    """Store timed weigh-ins inside the caller's transaction; one this source (and file) already
    stored at the same time for the same scale user adds nothing. Returns how many were new."""
    before = conn.total_changes
    now = int(time.time())
    conn.executemany(
        "INSERT INTO weigh_ins (local_day, ts, utc_offset_s, weight_kg, fat_percent, source, user_index, "
        "recording_id, entered_at) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
        [(w.local_day, w.ts, w.utc_offset_s, w.weight_kg, w.fat_percent, source, w.user_index, recording_id, now)
         for w in weigh_ins])
    return conn.total_changes - before


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

    return read_day_csv(path, "date,weight[,unit]", range(2, 4), check, WeightError,
                        "; write the weight without a thousands separator or decimal comma (80.5, not 80,5)")


def record_weight(store: Store, entries: dict[date, float], source: str) -> dict[date, float | None]:
    """Store weights in kg as the person's own entries of their days (one transaction).

    Returns, per day, the own entry it replaced in kg (None when there was none).
    """
    checked = dict(check_weight(day, kg) for day, kg in entries.items())
    replaced = {}
    now = int(time.time())
    with store.transaction() as conn:
        for day, kg in sorted(checked.items()):
            replaced[day] = _remove_own(conn, day)
            conn.execute("INSERT INTO weigh_ins (local_day, weight_kg, source, entered_at) VALUES (?, ?, ?, ?)",
                         (day.isoformat(), kg, source, now))
    return replaced


def remove_weight(store: Store, day: date) -> float | None:
    """Remove the person's own weight entry of `day`; returns the kg removed (None: there was none)."""
    with store.transaction() as conn:
        return _remove_own(conn, day)


def _remove_own(conn, day: date) -> float | None:
    own = f"local_day = ? AND source IN ({', '.join('?' * len(OWN_SOURCES))})"
    row = conn.execute(f"SELECT weight_kg FROM weigh_ins WHERE {own}", (day.isoformat(), *OWN_SOURCES)).fetchone()
    conn.execute(f"DELETE FROM weigh_ins WHERE {own}", (day.isoformat(), *OWN_SOURCES))
    return row[0] if row else None
