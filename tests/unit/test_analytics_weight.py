"""The weight trend and the measured expenditure, against hand calculations."""

import math
from datetime import date, timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from wearsync.analytics.weight import (
    WEIGH_INS_SCHEMA,
    chosen_burned,
    daily_weights,
    measured_expenditure,
    trend_on,
    weight_trend,
)

D0 = date(2026, 1, 5)


def days_of(weights: dict[int, float]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "local_day": [D0 + timedelta(days=n) for n in weights],
            "weight_kg": list(weights.values()),
            "weight_source": ["fit"] * len(weights),
        }
    )


def test_the_trend_moves_a_tenth_a_day_and_a_gap_decays_by_day_without_invented_weigh_ins():
    trend = weight_trend(days_of({0: 80.0, 1: 81.0, 2: 79.0, 4: 80.0}))
    # T0 = 80; T1 = 80 + 0.1 x (81 - 80) = 80.1; T2 = 80.1 + 0.1 x (79 - 80.1) = 79.99;
    # day 3 has no weigh-in: after two days, 1 - 0.9^2 = 0.19 of the way: 79.99 + 0.19 x 0.01 = 79.9919
    assert trend["trend_kg"].to_list() == pytest.approx([80.0, 80.1, 79.99, 79.9919])
    assert trend["residual_kg"].to_list()[0] is None
    assert trend["residual_kg"].to_list()[1:] == pytest.approx([1.0, -1.1, 0.01])
    calendar = pl.DataFrame({"local_day": [D0 + timedelta(days=n) for n in (3, 4, 25, 26)]})
    on = trend_on(trend, calendar)
    # day 3: the trend of day 2 carried, no weigh-in of its own; day 25 is 21 days after the last
    # weigh-in (still shown), day 26 is 22 days after: unknown, not carried on
    assert on["weight_kg"].to_list() == [None, 80.0, None, None]
    assert on["trend_kg"].to_list()[:3] == pytest.approx([79.99, 79.9919, 79.9919])
    assert on["trend_kg"].to_list()[3] is None


def constant_intake(first: int, last: int, kcal: float) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "local_day": [D0 + timedelta(days=n) for n in range(first, last + 1)],
            "eaten_kcal": [kcal] * (last - first + 1),
        }
    )


NO_BURNED = pl.DataFrame(schema={"local_day": pl.Date, "burned_kcal": pl.Float64})


def test_a_steady_half_kilo_a_week_loss_at_2000_kcal_measures_as_hand_calculated():
    rate = 0.5 / 7  # kg a day
    weights = {n: 90.0 - rate * n for n in range(42)}  # days 0-41, every morning
    trend = weight_trend(days_of(weights))
    day = D0 + timedelta(days=41)  # the window is days 21-41; its start trend is day 20's
    result = measured_expenditure(trend, constant_intake(0, 41, 2000.0), NO_BURNED, [day]).row(0, named=True)
    # The trend lags a linear fall: T_n - W_n = 9r(1 - 0.9^n) (e_n = 0.9(e_(n-1) + r), e_0 = 0), so
    # T_41 - T_20 = -21r + 9r(0.9^20 - 0.9^41) = -20.0255 r = -1.4304 kg
    change = -21 * rate + 9 * rate * (0.9**20 - 0.9**41)
    assert result["trend_change_kg"] == pytest.approx(change)
    assert change == pytest.approx(-1.43040, abs=1e-5)
    # 2000 + 1.4304 x 7700 / 21 = 2524.5 kcal (a settled trend would give 2000 + 0.5 x 1100 = 2550)
    assert result["measured_kcal"] == pytest.approx(2000 - change * 7700 / 21)
    assert result["measured_kcal"] == pytest.approx(2524.48, abs=0.01)
    assert result["weigh_ins"] == 21 and result["intake_days"] == 21 and result["intake_kcal"] == 2000.0
    assert result["measured_range_kcal"] < 5  # weights on a straight line barely scatter
    assert result["device_kcal"] is None and result["device_days"] == 0


def test_the_range_is_two_standard_errors_from_the_scatter_about_the_trend():
    # 80 kg +-0.5 on alternate days since long ago (day 0 is 80.5): the trend settles to
    # 80 +- x in step with the weights, x = 0.9(-x) + 0.1 x 0.5, so x = 0.05/1.9. Each weigh-in
    # is then a = 0.5 + x from the trend before it, alternately up and down.
    last = 240
    weights = {n: 80.5 if n % 2 == 0 else 79.5 for n in range(last + 1)}
    day = D0 + timedelta(days=last)
    burned = pl.DataFrame(
        {"local_day": [D0 + timedelta(days=n) for n in range(last - 20, last + 1)], "burned_kcal": [2300.0] * 21}
    )
    result = measured_expenditure(weight_trend(days_of(weights)), constant_intake(0, last, 2000.0), burned, [day]).row(
        0, named=True
    )
    x = 0.05 / 1.9
    a = 0.5 + x
    # 21 residuals of +-a (11 of one sign): mean a/21, sample variance (21a^2 - a^2/21) / 20
    scatter = math.sqrt((21 * a * a - a * a / 21) / 20)
    # Each trend weighs weigh-in j by 0.1 x 0.9^(age); the end and start trends (21 days apart)
    # differ by 0.1 x 0.9^k for the window's 21 weigh-ins and by 0.1 x 0.9^k (1 - 0.9^21) before:
    # sum of squares 0.01 x ((1 - 0.81^21) + (1 - 0.9^21)^2) / 0.19 = 0.09374
    spread = math.sqrt(0.01 * ((1 - 0.81**21) + (1 - 0.9**21) ** 2) / 0.19)
    assert result["measured_range_kcal"] == pytest.approx(2 * scatter * spread * 7700 / 21, rel=1e-6)
    assert result["measured_range_kcal"] == pytest.approx(120.95, abs=0.01)
    # day 240 is even (80.5): the end trend is 80 + x, the start's (day 219, odd) 80 - x
    assert result["trend_change_kg"] == pytest.approx(2 * x)
    assert result["measured_kcal"] == pytest.approx(2000 - 2 * x * 7700 / 21)
    assert result["device_kcal"] == 2300.0 and result["device_days"] == 21


@pytest.mark.parametrize(
    ("weigh_days", "intake_days", "why"),
    [
        (range(0, 42), range(0, 42), None),  # enough of everything
        ([n for n in range(0, 42) if n < 21 or (n >= 25 and n % 2)], range(0, 42), "9 weigh-ins in the window"),
        (range(0, 42), range(29, 42), "13 days of intake"),
        (range(7, 42), range(0, 42), "the trend started 13 days before the window"),
    ],
)
def test_too_little_data_leaves_the_measured_expenditure_unknown(weigh_days, intake_days, why):
    trend = weight_trend(days_of({n: 80.0 for n in weigh_days}))
    intake = constant_intake(intake_days[0], intake_days[-1], 2000.0)
    result = measured_expenditure(trend, intake, NO_BURNED, [D0 + timedelta(days=41)]).row(0, named=True)
    if why is None:
        assert result["measured_kcal"] == pytest.approx(2000.0)  # a steady weight: expenditure = intake
        assert result["measured_range_kcal"] == 0.0
    else:
        assert result["measured_kcal"] is None and result["measured_range_kcal"] is None, why
        assert result["trend_change_kg"] is None


def weigh_ins(*rows) -> pl.DataFrame:
    return pl.DataFrame([dict(zip(WEIGH_INS_SCHEMA.names(), r, strict=True)) for r in rows], schema=WEIGH_INS_SCHEMA)


def test_the_days_weight_is_the_own_entry_else_the_first_weigh_in_of_the_wearers_user():
    day = date(2026, 3, 2)
    rows = weigh_ins(
        (day, 1_772_430_000, 81.0, "fit", 0, 1),
        (day, 1_772_420_000, 80.0, "fit", 0, 1),  # user 0: first is 80
        (day, 1_772_410_000, 60.0, "fit", 1, 1),  # user 1
        (day + timedelta(days=1), 1_772_510_000, 79.0, "garmin", None, 1),  # names no user
        (day + timedelta(days=1), None, 78.5, "manual", None, 5),  # typed: wins its day
    )
    assert_frame_equal(
        daily_weights(rows, 0),
        pl.DataFrame(
            {"local_day": [day, day + timedelta(days=1)], "weight_kg": [80.0, 78.5], "weight_source": ["fit", "manual"]}
        ),
    )
    assert daily_weights(rows, 1)["weight_kg"].to_list() == [60.0, 78.5]
    only_user_3 = weigh_ins((day, 1_772_420_000, 70.0, "fit", 3, 1))
    assert daily_weights(only_user_3, 0)["weight_kg"].to_list() == [70.0]  # a scale's only user is the wearer
    assert daily_weights(only_user_3, 2).height == 0


def test_the_energy_source_picks_what_the_deficit_counts_as_burned():
    frame = pl.DataFrame({"burned": [2600.0, 2600.0, None], "measured": [2350.0, None, 2400.0]})
    pick = {
        source: frame.select(chosen_burned(pl.col("burned"), pl.col("measured"), source)).to_series().to_list()
        for source in ("device", "measured", "auto")
    }
    assert pick == {
        "device": [2600.0, 2600.0, None],
        "measured": [2350.0, None, 2400.0],
        "auto": [2350.0, 2600.0, 2400.0],
    }


def test_the_history_chart_projects_from_the_trend_before_the_first_week_with_one():
    from types import SimpleNamespace as Model  # the attributes of the report models history_weight reads

    from wearsync.reports.weight import history_weight

    def week(start, end, projected_lb, weigh_ins=()):
        days = [Model(weight=Model(weigh_ins=[Model(weight=w) for w in weigh_ins] if n == 0 else [])) for n in range(7)]
        return Model(
            weight=Model(unit="kg", trend_start_kg=start, trend_end_kg=end),
            projected_fat_change_lb=projected_lb,
            days=days,
        )

    chart = history_weight(
        [
            week(None, 80.0, -1.0, (80.0,)),
            week(80.0, 79.6, -1.0, (79.5,)),
            week(79.6, 79.3, None),
            week(79.3, 79.1, -2.0),
        ]
    )
    assert chart.trend == [80.0, 79.6, 79.3, 79.1]
    # From 80.0 (the trend before week 2, drawn at week 1): -1 lb = -0.45359237 kg -> 79.546;
    # a week without a projection keeps it; -2 lb = -0.90718474 kg -> 78.639.
    assert chart.projection == [80.0, 79.55, 79.55, 78.64]
    # Monday's weigh-in sits 3/7 before its week's position.
    assert chart.weigh_ins == [(1 - 3 / 7, 80.0), (2 - 3 / 7, 79.5)]
