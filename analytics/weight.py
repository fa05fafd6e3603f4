"""Weight: the wearer's weight of each day, its trend, and the expenditure measured from intake
and the trend (docs/metrics.md, section Weight, has the rules, their reasons and sources).

Pure functions from frames to frames; parameters are arguments. The trend is the exponentially
weighted moving average of The Hacker's Diet (Walker), smoothing 0.1 a day. A day without a
weigh-in adds nothing (no weigh-in is invented): the next weigh-in, g days after the last,
moves the trend by 1 - 0.9**g of its distance, as g days of the average's decay would.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import polars as pl

from wearsync.analytics.sources import OWN_SOURCES

SMOOTHING = 0.1  # The Hacker's Diet: the trend moves a tenth of the way to each day's weight
KCAL_PER_KG = 7_700  # energy of a kilogram of fat-dominated weight change (an assumption: ~3,500 kcal/lb)
WINDOW_DAYS = 21  # the trailing window of the measured expenditure
MIN_WEIGH_INS = 10  # weigh-ins in the window: about every other day, enough to see the scatter
MIN_INTAKE_DAYS = 14  # days of logged intake in the window: two in three
# The trend at the window's start must rest on this many days of weigh-ins: a newly started
# average lags a falling weight and would show ~40 % less change (docs/metrics.md, Weight).
WARM_UP_DAYS = 14
STALE_DAYS = WINDOW_DAYS  # a trend with no weigh-in in this many days is unknown, not carried on
RANGE_SE = 2  # the range is the estimate ± two standard errors (~95 %)

WEIGH_INS_SCHEMA = pl.Schema(
    {
        "local_day": pl.Date,
        "ts": pl.Int64,
        "weight_kg": pl.Float64,
        "source": pl.String,
        "user_index": pl.Int64,
        "entered_at": pl.Int64,
    }
)
TREND_SCHEMA = pl.Schema(
    {
        "local_day": pl.Date,
        "weight_kg": pl.Float64,
        "weight_source": pl.String,
        "trend_kg": pl.Float64,
        "residual_kg": pl.Float64,
    }
)
EXPENDITURE_SCHEMA = pl.Schema(
    {
        "local_day": pl.Date,
        "trend_change_kg": pl.Float64,
        "weigh_ins": pl.Int64,
        "intake_days": pl.Int64,
        "intake_kcal": pl.Float64,
        "measured_kcal": pl.Float64,
        "measured_range_kcal": pl.Float64,
        "device_kcal": pl.Float64,
        "device_days": pl.Int64,
    }
)


def wearer_user(weigh_ins: pl.DataFrame, scale_user: int) -> int:
    """The scale user whose weigh-ins are the wearer's: `scale_user`; with 0 (the default), the
    only user the weigh-ins name when they name just one."""
    named = weigh_ins["user_index"].drop_nulls().unique()
    return int(named[0]) if scale_user == 0 and len(named) == 1 else scale_user


def daily_weights(weigh_ins: pl.DataFrame, scale_user: int) -> pl.DataFrame:
    """WEIGH_INS_SCHEMA rows -> one weight per day (local_day, weight_kg, weight_source), the wearer's.

    A weigh-in that names no scale user is the wearer's. The day's weight is the person's own
    entry (typed or from a CSV: what they say they weighed) when there is one, else the day's
    first weigh-in: morning weigh-ins are the most alike from day to day (Walker), and the same
    weigh-in arriving from two files or sources is read once.
    """
    user = wearer_user(weigh_ins, scale_user)
    return (
        weigh_ins.filter(pl.col("user_index").is_null() | (pl.col("user_index") == user))
        .with_columns(own=pl.col("source").is_in(OWN_SOURCES))
        .sort("local_day", "own", "entered_at", "ts", descending=[False, True, True, False], nulls_last=True)
        .group_by("local_day", maintain_order=True)
        .first()
        .select("local_day", "weight_kg", weight_source="source")
    )


def weight_trend(days: pl.DataFrame) -> pl.DataFrame:
    """(local_day, weight_kg, weight_source), one row a day in order -> TREND_SCHEMA.

    trend_kg: the trend after the day's weigh-in; it starts at the first weigh-in. residual_kg:
    the weigh-in minus the trend before it (the scatter the range is measured from; None first).
    """
    days = days.sort("local_day")
    weights = days["weight_kg"].to_numpy()
    gaps = days["local_day"].diff().dt.total_days().fill_null(0).to_numpy()
    trend = np.empty(len(weights))
    residual = np.full(len(weights), np.nan)
    for i, weight in enumerate(weights):
        if i == 0:
            trend[i] = weight
            continue
        residual[i] = weight - trend[i - 1]
        trend[i] = trend[i - 1] + (1 - (1 - SMOOTHING) ** gaps[i]) * residual[i]
    return (
        days.select("local_day", "weight_kg", "weight_source")
        .with_columns(trend_kg=pl.Series(trend), residual_kg=pl.Series(residual).fill_nan(None))
        .cast(TREND_SCHEMA)
    )


def trend_on(trend: pl.DataFrame, calendar: pl.DataFrame) -> pl.DataFrame:
    """The trend as of each calendar day (local_day): the last one within STALE_DAYS, else None;
    with that day's own weigh-in (None on a day without one)."""
    known = trend.select("local_day", "trend_kg", weighed_on="local_day")
    carried = calendar.select("local_day").sort("local_day").join_asof(known, on="local_day", strategy="backward")
    stale = (pl.col("local_day") - pl.col("weighed_on")).dt.total_days() > STALE_DAYS
    return carried.join(trend.select("local_day", "weight_kg", "weight_source"), on="local_day", how="left").select(
        "local_day",
        "weight_kg",
        "weight_source",
        trend_kg=pl.when(stale).then(None).otherwise(pl.col("trend_kg")),
    )


def measured_expenditure(
    trend: pl.DataFrame, intake: pl.DataFrame, burned: pl.DataFrame, days: list[date]
) -> pl.DataFrame:
    """Per day in `days`, the expenditure measured over the WINDOW_DAYS ending with it -> EXPENDITURE_SCHEMA.

    `trend` is weight_trend(); `intake` (local_day, eaten_kcal) and `burned` (local_day,
    burned_kcal) hold known days only. measured = mean intake - trend change x KCAL_PER_KG /
    WINDOW_DAYS, where the change runs from the trend at the end of the day before the window to
    the trend at the end of its last day. Unknown (None) unless the window holds MIN_WEIGH_INS
    weigh-ins and MIN_INTAKE_DAYS days of intake and the trend started WARM_UP_DAYS before it.
    The range: RANGE_SE standard errors of the change, from the scatter of the window's
    weigh-ins about the trend (docs/metrics.md, Weight).
    """
    day_no = _day_numbers(trend["local_day"])
    weights, trends, residuals = (trend[c].to_numpy() for c in ("weight_kg", "trend_kg", "residual_kg"))
    gaps = np.diff(day_no, prepend=day_no[:1]) if len(day_no) else day_no
    alphas = np.where(np.arange(len(day_no)) == 0, 1.0, 1 - (1 - SMOOTHING) ** gaps)
    intake_by_day = dict(zip(intake["local_day"].to_list(), intake["eaten_kcal"].to_list(), strict=True))
    burned_by_day = dict(zip(burned["local_day"].to_list(), burned["burned_kcal"].to_list(), strict=True))
    rows = []
    for day in days:
        window = [day - timedelta(days=n) for n in range(WINDOW_DAYS)]
        eaten = [intake_by_day[d] for d in window if intake_by_day.get(d) is not None]
        device = [burned_by_day[d] for d in window if burned_by_day.get(d) is not None]
        end, start = _day_number(day), _day_number(day) - WINDOW_DAYS
        upto_end, upto_start = np.searchsorted(day_no, end, "right"), np.searchsorted(day_no, start, "right")
        weigh_ins = int(upto_end - upto_start)
        row = {
            "local_day": day,
            "weigh_ins": weigh_ins,
            "intake_days": len(eaten),
            "intake_kcal": float(np.mean(eaten)) if eaten else None,
            "device_kcal": float(np.mean(device)) if device else None,
            "device_days": len(device),
            "trend_change_kg": None,
            "measured_kcal": None,
            "measured_range_kcal": None,
        }
        warm = upto_start > 0 and start - day_no[0] >= WARM_UP_DAYS
        if warm and weigh_ins >= MIN_WEIGH_INS and len(eaten) >= MIN_INTAKE_DAYS:
            change = trends[upto_end - 1] - trends[upto_start - 1]
            scatter = np.std(residuals[upto_start:upto_end], ddof=1)
            # Each trend is a weighted sum of weigh-ins: weigh-in j counts alpha_j x 0.9^(days from
            # it to the trend's last weigh-in). Independent scatter of SD `scatter` in each weigh-in
            # gives the change a variance of scatter^2 x the sum of the squared weight differences.
            at_end = _coefficients(day_no[:upto_end], alphas[:upto_end], day_no[upto_end - 1])
            at_start = _coefficients(day_no[:upto_end], alphas[:upto_end], day_no[upto_start - 1])
            se_kg = scatter * math.sqrt(float(np.sum((at_end - at_start) ** 2)))
            row.update(
                trend_change_kg=float(change),
                measured_kcal=row["intake_kcal"] - change * KCAL_PER_KG / WINDOW_DAYS,
                measured_range_kcal=RANGE_SE * se_kg * KCAL_PER_KG / WINDOW_DAYS,
            )
        rows.append(row)
    return pl.DataFrame(rows, schema=EXPENDITURE_SCHEMA, orient="row")


def chosen_burned(burned: pl.Expr, measured: pl.Expr, energy_source: str) -> pl.Expr:
    """What a day's deficit counts as burned: the device's figure, the measured one, or ("auto")
    the measured one where it is known and the device's elsewhere."""
    if energy_source == "device":
        return burned
    if energy_source == "measured":
        return measured
    return pl.coalesce(measured, burned)


def _coefficients(day_no: np.ndarray, alphas: np.ndarray, last: int) -> np.ndarray:
    """How much each weigh-in counts in the trend after the weigh-in on day `last`."""
    weights: np.ndarray = alphas * (1 - SMOOTHING) ** np.clip(last - day_no, 0, None).astype(np.float64)
    weights[day_no > last] = 0.0
    return weights


def _day_numbers(days: pl.Series) -> np.ndarray:
    return days.cast(pl.Int64).to_numpy() if len(days) else np.empty(0, np.int64)


def _day_number(day: date) -> int:
    return (day - date(1970, 1, 1)).days
