"""What the go-to field accepts: a day, an ISO week, "today", or a step back or forward from today."""

from __future__ import annotations

import re
from datetime import date, timedelta

from wearsync.sync.gate import DAY_FORM, check_day

WEEK = re.compile(r"(\d{4})-?W(\d{1,2})", re.IGNORECASE)
STEP = re.compile(r"([+-])\s*(\d{1,4})\s*([dw])", re.IGNORECASE)
FORMS = "2024-03-05, 2024-W10, today, -3w or +2d"


def parse_goto(text: str, today: date) -> date:
    """The day `text` names (a week names its Monday); else ValueError with a one-line reason."""
    text = text.strip()
    if not text:
        raise ValueError(f"type a day or week, e.g. {FORMS}")
    if text.lower() == "today":
        return today
    if week := WEEK.fullmatch(text):
        year, number = int(week[1]), int(week[2])
        try:
            day = date.fromisocalendar(year, number, 1)
        except ValueError:
            raise ValueError(f"{year} has no week {number}") from None
    elif step := STEP.fullmatch(text):
        days = int(step[2]) * (7 if step[3].lower() == "w" else 1)
        try:
            day = today + timedelta(days=days if step[1] == "+" else -days)
        except OverflowError:
            raise ValueError(f"{text!r} goes past any calendar") from None
    elif DAY_FORM.fullmatch(text):
        return check_day(text)
    else:
        raise ValueError(f"cannot read {text!r}: write a day or week like {FORMS}")
    return check_day(day)
