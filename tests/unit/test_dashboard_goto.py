"""What the dashboard's go-to field reads, and how a week's dates are written."""

from datetime import date

import pytest

from wearsync.dashboard import format as fmt
from wearsync.dashboard.goto import parse_goto

TODAY = date(2026, 3, 12)  # a Thursday


@pytest.mark.parametrize(
    "text, day",
    [
        ("2024-03-05", date(2024, 3, 5)),
        (" 2024-03-05 ", date(2024, 3, 5)),
        # ISO week 10 of 2024 runs Monday 4 to Sunday 10 March (a calendar of 2024)
        ("2024-W10", date(2024, 3, 4)),
        ("2024-w10", date(2024, 3, 4)),
        ("2024W10", date(2024, 3, 4)),
        # 2015-W01 starts on Monday 29 December 2014 (1 January 2015 was a Thursday)
        ("2015-W01", date(2014, 12, 29)),
        ("today", TODAY),
        ("Today", TODAY),
        ("-3w", date(2026, 2, 19)),  # 12 March less 21 days
        ("+2d", date(2026, 3, 14)),
        ("-10d", date(2026, 3, 2)),
    ],
)
def test_a_day_a_week_today_or_a_step_from_today(text, day):
    assert parse_goto(text, TODAY) == day


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "type a day or week, e.g. 2024-03-05, 2024-W10, today, -3w or +2d"),
        ("2024-W54", "2024 has no week 54"),
        ("2023-W53", "2023 has no week 53"),
        ("5 March", "cannot read '5 March': write a day or week like 2024-03-05, 2024-W10, today, -3w or +2d"),
        ("-3 weeks", "cannot read '-3 weeks': write a day or week like 2024-03-05, 2024-W10, today, -3w or +2d"),
        ("2024-02-30", "expected a date written YYYY-MM-DD such as 2026-03-14, not '2024-02-30'"),
    ],
)
def test_what_it_cannot_read_says_why_in_one_line(text, reason):
    with pytest.raises(ValueError) as error:
        parse_goto(text, TODAY)
    assert str(error.value) == reason
    assert "\n" not in str(error.value)


def test_a_day_before_any_device_is_refused_with_the_range():
    with pytest.raises(ValueError, match=r"^1850-01-01 is outside \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d$"):
        parse_goto("1850-01-01", TODAY)
    with pytest.raises(ValueError, match="is outside"):
        parse_goto("-9999w", TODAY)  # about 190 years back


@pytest.mark.parametrize(
    "start, end, shown",
    [
        (date(2020, 9, 21), date(2020, 9, 27), "21 Sep – 27 Sep 2020"),
        (date(2014, 12, 29), date(2015, 1, 4), "29 Dec 2014 – 4 Jan 2015"),
    ],
)
def test_a_week_across_new_year_gives_its_first_date_a_year(start, end, shown):
    assert fmt.week_range(start, end) == shown
