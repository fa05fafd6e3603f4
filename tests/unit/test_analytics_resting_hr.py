"""analytics/resting_hr.py: the lowest fixed half-hour average of a day's all-day readings."""

from datetime import date

import numpy as np

from wearsync.analytics.resting_hr import resting_estimates
from wearsync.unix_days import day_start

OFFSET = 7200  # UTC+2: local midnight is 22:00 UTC of the day before


def at(day: date, hh: int, mm: int, ss: int = 0) -> int:
    """The UTC second of local time hh:mm:ss on `day` at UTC+2."""
    return day_start(day) + hh * 3600 + mm * 60 + ss - OFFSET


def test_the_lowest_full_half_hour_of_each_local_day_rounded_half_to_even():
    first, second, third = date(2024, 3, 5), date(2024, 3, 6), date(2024, 3, 7)
    readings: list[tuple[int, int]] = []
    # 5 March 00:00-00:29 local (21:00-21:29 UTC on 4 March): 10 readings, 50 and 51 alternately:
    # mean 50.5, rounded half to even: 50
    readings += [(at(first, 0, 2 * n), 50 + n % 2) for n in range(10)]
    # 02:00-02:29: only 9 readings at 40: too few for a half hour, left out
    readings += [(at(first, 2, 2 * n), 40) for n in range(9)]
    # 06:25-06:34: 10 readings at 45, but 5 in each fixed half hour (06:00-06:29, 06:30-06:59): left out
    readings += [(at(first, 6, 25 + n), 45) for n in range(10)]
    # 10:00-10:29: 12 readings at 70
    readings += [(at(first, 10, 2 * n), 70) for n in range(12)]
    # 6 March 23:30-23:59 local: 10 readings at 55, 57, 55, 57, ...: mean 56; 12:00-12:29: 10 at 80
    readings += [(at(second, 23, 30 + 2 * n), 55 + 2 * (n % 2)) for n in range(10)]
    readings += [(at(second, 12, 2 * n), 80) for n in range(10)]
    # 7 March: 9 readings at 30 only: no estimate (unknown, not 0)
    readings += [(at(third, 3, n), 30) for n in range(9)]
    ts = np.array([t for t, _ in readings], np.int64)
    bpm = np.array([b for _, b in readings], np.int64)
    order = np.argsort(ts, kind="stable")
    estimates = resting_estimates(ts[order], bpm[order], np.full(ts.size, OFFSET))
    assert estimates.rows() == [(first, 50), (second, 56)]


def test_no_readings_no_estimates():
    empty = np.empty(0, np.int64)
    assert resting_estimates(empty, empty, empty).height == 0
