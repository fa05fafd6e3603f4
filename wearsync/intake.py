"""Calories eaten, entered by a person: typed (command line, dashboard) or a CSV file of date,kcal.

One check for every way in (`check_intake`): a day written YYYY-MM-DD from gate.FIRST_LOCAL_DAY to
tomorrow, and kcal written as a plain number (1850 or 1850.5: no thousands separator, exponent,
nan or inf) within the gate's `intake_kcal_day` limit, kept as whole kcal (halves round up).
A file is checked whole before anything is stored. A person's own entry for a day replaces
any earlier own entry for it (a correction, never an addition) and beats Garmin's food log.
"""

from __future__ import annotations

import csv
import io
import math
import re
import time
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from wearsync.day_csv import HEADER_CELLS, read_text
from wearsync.errors import IntakeError
from wearsync.store import Store
from wearsync.store import intake as stored_intake
from wearsync.sync.gate import DAYS_AHEAD_DONE, LIMITS, check_day, plausible

# A plain number as people type it: no thousands separator, exponent, nan or inf.
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
# The calories column of a food diary's export: MyFitnessPal ("Calories"), Cronometer ("Energy (kcal)").
KCAL_HEADERS = ("kcal", "calories", "energy (kcal)")


def check_intake(day: date | str, kcal: str | int | float) -> tuple[date, int]:
    """The day and whole kcal of one entry, else IntakeError saying what was expected."""
    try:
        day = check_day(day, days_ahead=DAYS_AHEAD_DONE)
    except ValueError as exc:
        raise IntakeError(str(exc)) from None
    shown = kcal.strip() if isinstance(kcal, str) else kcal
    if isinstance(kcal, str) and PLAIN_NUMBER.fullmatch(kcal.strip()):
        kcal = float(kcal.strip())
    if isinstance(kcal, bool) or not isinstance(kcal, int | float):
        raise IntakeError(f"{shown!r} is not a number of kcal like 1850 or 1850.5 (no thousands separator)")
    if not plausible(kcal, "intake_kcal_day"):
        limit = LIMITS["intake_kcal_day"]
        raise IntakeError(f"{shown} kcal is outside {limit.low:,g} to {limit.high:,g}")
    return day, math.floor(kcal + 0.5)


def read_intake_csv(path: Path) -> dict[date, int]:
    """Calories eaten per day from a CSV file in UTF-8 (with or without a BOM) or UTF-16 (with a
    BOM), its cells separated by commas or semicolons: rows of `date,kcal` (an optional header
    line), or a food diary's export whose header names a date column and a calories column among
    others (MyFitnessPal's "Nutrition" export, one row per meal, summed per day; Cronometer's
    daily nutrition, "Energy (kcal)"). Every row is checked first: IntakeError lists each bad one
    with its line."""
    text = read_text(path, IntakeError)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    entries: dict[date, float] = {}
    line_of: dict[date, int] = {}
    problems: list[str] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns, summed = None, False  # a diary export's day and kcal columns; whether rows add up per day
    line = 0
    try:
        for row in reader:
            number, line = line + 1, reader.line_num  # a row's first line (a quoted cell may span more)
            cells = [c.strip() for c in row]
            if not any(cells):
                continue
            if number == 1 and cells[0].lower() in HEADER_CELLS:
                columns, summed = _diary_columns(path, cells)
                continue
            if columns is None and len(cells) != 2:
                hint = (
                    "; write kcal without a thousands separator (1500, not 1,500)"
                    if len(cells) > 2 and delimiter == ","
                    else ""
                )
                problems.append(
                    f"{path}:{number}: expected 2 columns (date{delimiter}kcal), got {len(cells)} in "
                    f"{delimiter.join(row)!r}{hint}"
                )
                continue
            day_at, kcal_at = columns or (0, 1)
            if len(cells) <= kcal_at:
                problems.append(f"{path}:{number}: expected {kcal_at + 1} columns, got {len(cells)}")
                continue
            day_cell, kcal_cell = cells[day_at], cells[kcal_at]
            if summed and not kcal_cell:
                continue  # a meal with no calories logged
            try:
                day, kcal = check_day_and_kcal(day_cell, kcal_cell)
            except IntakeError as exc:
                problems.append(f"{path}:{number}: {exc}")
                continue
            if day in line_of and not summed:
                problems.append(f"{path}:{number}: {day} is given twice, on lines {line_of[day]} and {number}")
                continue
            entries[day] = entries.get(day, 0.0) + kcal
            line_of.setdefault(day, number)
    except csv.Error as exc:  # a NUL byte, say: the rest of the file cannot be read as rows
        problems.append(f"{path}:{reader.line_num}: {exc}")
    checked = {}
    for day, kcal in entries.items():  # a day's meals together must still be a day's intake
        try:
            checked[day] = check_intake(day, kcal)[1]
        except IntakeError as exc:
            problems.append(f"{path}:{line_of[day]}: {day}, all meals: {exc}")
    if problems:
        rows = "row" if len(problems) == 1 else "rows"
        raise IntakeError("\n".join([f"{path}: {len(problems)} bad {rows}; nothing was stored", *problems]))
    if not checked:
        raise IntakeError(f"{path}: no rows of date,kcal")
    return checked


def check_day_and_kcal(day: str, kcal: str) -> tuple[date, float]:
    """A row's day and kcal as written (not yet rounded): `check_intake`'s checks."""
    checked_day, _ = check_intake(day, kcal)
    return checked_day, float(kcal)


def _diary_columns(path: Path, header: list[str]) -> tuple[tuple[int, int] | None, bool]:
    """Where the day and the calories are in a header line (None: `date,kcal` itself), and whether
    rows are summed per day (a "Meal" column: one row per meal)."""
    names = [cell.lower() for cell in header]
    if len(names) == 2:
        return None, False
    kcal = next((i for i, name in enumerate(names) if name in KCAL_HEADERS), None)
    if kcal is None:
        raise IntakeError(
            f"{path}:1: a header of {len(names)} columns with no calories column (one of "
            f"{', '.join(KCAL_HEADERS)}); expected date,kcal or a MyFitnessPal or Cronometer export"
        )
    return (0, kcal), "meal" in names


def intake_warnings(entries: dict[date, int], floor_kcal: int, today: date) -> list[str]:
    """What is stored but worth a second look: nothing eaten, less than the intake floor, a day
    not over yet."""
    said = []
    for day, kcal in sorted(entries.items()):
        if kcal == 0:
            said.append(
                f"{day}: 0 kcal stored as a day of nothing eaten; if the day was simply not logged, "
                f"remove it with `wearsync log intake --remove {day}`"
            )
        elif kcal < floor_kcal:
            said.append(f"{day}: {kcal:,} kcal is below the intake floor of {floor_kcal:,} kcal a day (stored)")
        if day > today:
            said.append(f"{day}: a day still to come (stored; a later entry replaces it)")
    return said


def record_intake(store: Store, entries: Mapping[date, int | float | str], source: str) -> dict[date, int | None]:
    """Store calories eaten per day as the person's own entries (all checked, then one transaction).

    Returns, per day, the own entry it replaced (None when there was none).
    """
    checked = dict(check_intake(day, kcal) for day, kcal in entries.items())
    replaced = {}
    now = int(time.time())
    with store.transaction() as conn:
        for day, kcal in sorted(checked.items()):
            replaced[day] = stored_intake.replace_own_intake(conn, day, source, kcal, now)
    return replaced
