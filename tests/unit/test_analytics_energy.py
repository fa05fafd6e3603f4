from datetime import date

import polars as pl
from polars.testing import assert_frame_equal

from wearsync.analytics.energy import (
    INTAKE_SCHEMA,
    WELLNESS_SCHEMA,
    daily_intake,
    energy_balance,
    preferred_wellness,
)

D1, D2, D3, D4 = (date(2023, 6, d) for d in (5, 6, 7, 8))


def wellness(rows):
    columns = ("local_day", "source", "active_kcal", "bmr_kcal", "total_kcal", "covered_s")
    frame = pl.DataFrame([dict(zip(columns, r, strict=False)) for r in rows])
    return frame.lazy().select(
        [pl.col(c).cast(t) if c in columns else pl.lit(None, t).alias(c) for c, t in WELLNESS_SCHEMA.items()]
    )


def test_garmin_connect_wins_and_fit_burned_is_a_whole_days_rmr_plus_active():
    days = preferred_wellness(
        wellness(
            [
                (D1, "fit", 400, 1860, None, 86_400),
                (D1, "garmin", 370, 2128, 2498, None),  # Garmin states the total: 2,498
                (D2, "fit", 1072, 1860, None, 43_200),  # a finished day, half covered: 1,860 + 1,072 = 2,932
                (D3, "fit", 500, None, None, 86_400),  # no resting metabolic rate: burned unknown
            ]
        )
    ).collect()
    assert days.select("local_day", "wellness_source", "burned_kcal").rows() == [
        (D1, "garmin", 2498.0),
        (D2, "fit", 2932.0),
        (D3, "fit", None),
    ]


def test_own_entries_beat_garmins_and_the_latest_own_entry_wins():
    intake = pl.LazyFrame(
        [
            (D1, "garmin", 2100, 10),
            (D1, "manual", 1800, 5),  # own entry beats Garmin's, even if older
            (D2, "manual", 1700, 5),
            (D2, "csv", 1900, 9),  # the later of two own entries
            (D3, "garmin", 2000, 1),
        ],
        schema=INTAKE_SCHEMA,
        orient="row",
    )
    assert daily_intake(intake).sort("local_day").collect().rows() == [
        (D1, 1800, "manual"),
        (D2, 1900, "csv"),
        (D3, 2000, "garmin"),
    ]


def test_unknown_intake_leaves_the_deficit_unknown_and_a_day_under_the_floor_earns_nothing():
    days = pl.LazyFrame(
        {
            "local_day": [D1, D2, D3, D4],
            "burned_kcal": [2500.0, 2500.0, 2500.0, 2500.0],
            "eaten_kcal": [None, 1100, 2200, 1300],
        },
        schema={"local_day": pl.Date, "burned_kcal": pl.Float64, "eaten_kcal": pl.Int64},
    )
    result = energy_balance(days, intake_floor_kcal=1200, daily_deficit_kcal=500).collect()
    assert_frame_equal(
        result,
        pl.DataFrame(
            {
                "local_day": [D1, D2, D3, D4],
                "burned_kcal": [2500.0] * 4,
                "eaten_kcal": [None, 1100, 2200, 1300],
                # D1 nothing logged: unknown. D2 2,500 - 1,100 = 1,400. D3 300. D4 1,200.
                "deficit_kcal": [None, 1400.0, 300.0, 1200.0],
                "below_intake_floor": [False, True, False, False],  # 1,100 < 1,200
                # D1 unknown. D2 under the floor: 0. D3 min(300, 500) = 300. D4 min(1,200, 500) = 500.
                "deficit_credit_kcal": [None, 0.0, 300.0, 500.0],
            },
            schema_overrides={"eaten_kcal": pl.Int64},
        ),
    )


def test_issue_11_case_4_a_finished_day_keeps_a_whole_days_resting_energy_only_today_is_prorated():
    # 2020-09-25 imported from its 08:22-24:00 pieces only: covered 56,280 s of the day
    rows = [(D1, "fit", 1072, 1860, None, 56_280), (D2, "fit", 300, 1860, None, 36_000)]
    days = preferred_wellness(wellness(rows), today=D2, today_share=0.5).collect()
    # D1 is over: 1,860 + 1,072 = 2,932 (not 1,860 × 56,280 / 86,400 + 1,072 = 2,284);
    # D2 is today, half gone at noon: 1,860 × 0.5 + 300 = 1,230
    assert days.select("local_day", "burned_kcal").rows() == [(D1, 2932.0), (D2, 1230.0)]


def test_issue_11_case_1_garmins_consumed_kilocalories_of_0_is_unknown_intake():
    from wearsync.sync.garmin_days import _intake
    from wearsync.sync.gate import Gate

    assert _intake({"consumedKilocalories": 0}, None, Gate()) is None
    assert _intake({"consumedKilocalories": 1850}, None, Gate()) == 1850
