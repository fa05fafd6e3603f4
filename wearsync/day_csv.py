"""CSV files of one row per local day (`date,VALUE...`), read whole before anything is stored.

UTF-8 (with or without a BOM) or UTF-16 (with a BOM); an optional header line; blank lines
skipped. Every row is checked first by the caller's check: the error lists each bad row with
its line (and a day given twice), and then nothing is stored.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

from wearsync.errors import WearsyncError

HEADER_CELLS = ("date", "day", "local_day")
T = TypeVar("T")


def read_text(path: Path, error: type[WearsyncError]) -> str:
    """A CSV file's text: UTF-8 (with or without a BOM) or UTF-16 (with a BOM); else `error`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror})") from exc
    encoding = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 or UTF-16 text (byte {exc.start:,} cannot be read)") from None


def read_day_csv[T](
    path: Path,
    columns: str,
    widths: range,
    check: Callable[..., tuple[date, T]],
    error: type[WearsyncError],
    too_wide_hint: str = "",
) -> dict[date, T]:
    """Per day the value `check(*cells)` returns for each row of `widths` cells (named `columns`,
    such as "date,kcal"); `error` (a WearsyncError) lists every bad row. `check` raises `error`."""
    text = read_text(path, error)
    entries: dict[date, T] = {}
    line_of: dict[date, int] = {}
    problems: list[str] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 0
    expected = f"{widths.start}" if len(widths) == 1 else f"{widths.start} to {widths.stop - 1}"
    try:
        for row in reader:
            number, line = line + 1, reader.line_num  # a row's first line (a quoted cell may span more)
            cells = [c.strip() for c in row]
            if not any(cells) or (number == 1 and cells[0].lower() in HEADER_CELLS):
                continue
            if len(cells) not in widths:
                hint = too_wide_hint if len(cells) >= widths.stop else ""
                problems.append(
                    f"{path}:{number}: expected {expected} columns ({columns}), got {len(cells)} in "
                    f"{','.join(row)!r}{hint}"
                )
                continue
            try:
                day, value = check(*cells)
            except error as exc:
                problems.append(f"{path}:{number}: {exc}")
                continue
            if day in line_of:
                problems.append(f"{path}:{number}: {day} is given twice, on lines {line_of[day]} and {number}")
                continue
            entries[day], line_of[day] = value, number
    except csv.Error as exc:  # a NUL byte, say: the rest of the file cannot be read as rows
        problems.append(f"{path}:{reader.line_num}: {exc}")
    if problems:
        rows = "row" if len(problems) == 1 else "rows"
        raise error("\n".join([f"{path}: {len(problems)} bad {rows}; nothing was stored", *problems]))
    if not entries:
        raise error(f"{path}: no rows of {columns}")
    return entries
