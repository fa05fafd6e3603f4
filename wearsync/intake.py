"""Calories eaten, entered by a person: typed (command line, dashboard) or a CSV file of date,kcal.

One check for every way in (`check_intake`): a day written YYYY-MM-DD from gate.FIRST_LOCAL_DAY to
tomorrow, and kcal written as a plain number (1850 or 1850.5: no thousands separator, exponent,
nan or inf) within the gate's `intake_kcal_day` limit, kept as whole kcal (halves round up).
A file is checked whole before anything is stored. A person's own entry for a day replaces
any earlier own entry for it (a correction, never an addition) and beats Garmin's food log.
"""

from __future__ import annotations

import math
import re
import time
from datetime import date
from pathlib import Path

from wearsync.day_csv import read_day_csv
from wearsync.errors import WearsyncError
from wearsync.store import Store
from wearsync.sync.gate import DAYS_AHEAD_DONE, LIMITS, check_day, plausible

OWN_SOURCES = ("manual", "csv")
# A plain number as people type it: no thousands separator, exponent, nan or inf.
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


class IntakeError(WearsyncError):
    """An intake value or file that cannot be stored."""


def check_intake(day: date | str, kcal: str | int | float) -> tuple[date, int]:
    """The day and whole kcal of one entry, else IntakeError saying what was expected."""
    try:
        day = check_day(day, days_ahead=DAYS_AHEAD_DONE)
    except ValueError as exc:
        raise IntakeError(str(exc)) from None
    shown = kcal.strip() if isinstance(kcal, str) else kcal
    if isinstance(kcal, str) and PLAIN_NUMBER.fullmatch(shown):
        kcal = float(shown)
    if isinstance(kcal, bool) or not isinstance(kcal, int | float):
        raise IntakeError(f"{shown!r} is not a number of kcal like 1850 or 1850.5 (no thousands separator)")
    if not plausible(kcal, "intake_kcal_day"):
        limit = LIMITS["intake_kcal_day"]
        raise IntakeError(f"{shown} kcal is outside {limit.low:,g} to {limit.high:,g}")
    return day, math.floor(kcal + 0.5)


def read_intake_csv(path: Path) -> dict[date, int]:
    """Rows of `date,kcal` (an optional header line) in UTF-8 (with or without a BOM) or UTF-16
    (with a BOM). Every row is checked first: IntakeError lists each bad one with its line."""
    return read_day_csv(path, "date,kcal", range(2, 3), check_intake, IntakeError,
                        "; write kcal without a thousands separator (1500, not 1,500)")


def record_intake(store: Store, entries: dict[date, int | float | str], source: str) -> dict[date, int | None]:
    """Store calories eaten per day as the person's own entries (all checked, then one transaction).

    Returns, per day, the own entry it replaced (None when there was none).
    """
    checked = dict(check_intake(day, kcal) for day, kcal in entries.items())
    replaced = {}
    now = int(time.time())
    with store.transaction() as conn:
        for day, kcal in sorted(checked.items()):
            row = conn.execute("SELECT kcal FROM intake WHERE local_day = ? AND source IN (?, ?) "
                               "ORDER BY entered_at DESC LIMIT 1", (day.isoformat(), *OWN_SOURCES)).fetchone()
            replaced[day] = row[0] if row else None
            conn.execute("DELETE FROM intake WHERE local_day = ? AND source IN (?, ?)", (day.isoformat(), *OWN_SOURCES))
            conn.execute("INSERT INTO intake (local_day, source, kcal, entered_at) VALUES (?, ?, ?, ?)",
                         (day.isoformat(), source, kcal, now))
    return replaced
