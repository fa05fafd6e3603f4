"""Weight in the reports: the weigh-in, the trend and the measured expenditure, null when unknown;
the energy source the deficit uses; a multi-user scale's wearer chosen in the config."""

import json
from datetime import date, timedelta

from tests.conftest import SHARED_FIT, require
from wearsync.cli import main
from wearsync.intake import record_intake
from wearsync.sync.fit_import import import_paths
from wearsync.weight import record_weight

D0 = date(2026, 1, 5)  # a Monday; day 41 is Sunday 2026-02-15, the end of 2026-W07
RATE = 0.5 / 7  # kg a day: half a kilo a week
MULTI = SHARED_FIT / "python-fitparse" / "tests" / "files" / "WeightScaleMultiUser.fit"


def run_json(capsys, *argv):
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def losing_half_a_kilo_a_week(store):
    # Synthetic: 42 mornings falling on a straight line, 2,000 kcal eaten a day, and a watch that
    # says 2,600 burned (a Garmin daily-summary row).
    days = [D0 + timedelta(days=n) for n in range(42)]
    record_weight(store, {day: 90.0 - RATE * n for n, day in enumerate(days)}, "manual")
    record_intake(store, dict.fromkeys(days, 2000), "csv")
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO wellness (local_day, source, total_kcal) VALUES (?, 'garmin', 2600)",
            [(day.isoformat(),) for day in days],
        )


def test_the_day_and_week_reports_carry_weigh_in_trend_and_measured_expenditure(capsys, store, tmp_path):
    losing_half_a_kilo_a_week(store)
    day = run_json(capsys, "report", "--day", "2026-02-15")
    weight = day["weight"]
    # day 41: 90 - 41r = 87.07 kg; the trend lags by 9r(1 - 0.9^41) = 0.634 kg: 87.71
    assert weight["weight_kg"] == round(90 - 41 * RATE, 2) == 87.07
    assert weight["trend_kg"] == round(90 - 41 * RATE + 9 * RATE * (1 - 0.9**41), 2) == 87.71
    # the window's change T41 - T20 = -21r + 9r(0.9^20 - 0.9^41) = -1.4304 kg, so the
    # expenditure is 2000 + 1.4304 x 7700 / 21 = 2524.5 kcal a day; the watch said 2,600
    change = -21 * RATE + 9 * RATE * (0.9**20 - 0.9**41)
    assert weight["window"]["trend_change_kg"] == round(change, 2) == -1.43
    assert weight["window"]["measured_kcal"] == round(2000 - change * 7700 / 21) == 2524
    window = weight["window"]
    assert window["device_kcal"] == 2600 and window["weigh_ins"] == 21 and window["intake_days"] == 21
    assert weight["unit"] == "kg" and weight["weight_source"] == "manual"
    assert day["deficit_kcal"] == 600 and weight["burned_from"] == "device"  # the default energy_source
    week = run_json(capsys, "report", "--week", "2026-W07")["weight"]
    # Sunday 2026-02-08 (day 34) to day 41: -7r + 9r(0.9^34 - 0.9^41) = -0.5 + 0.0093 kg
    assert week["trend_change_kg"] == round(-7 * RATE + 9 * RATE * (0.9**34 - 0.9**41), 2) == -0.49
    assert week["weigh_in_days"] == 7 and week["as_of_day"] == "2026-02-15" and week["window"]["measured_kcal"] == 2524
    history = run_json(capsys, "report", "--weeks", "2")
    assert all(w["weight"]["trend_end_kg"] is None for w in history)  # this year's last weeks: nothing weighed
    main(["report", "--day", "2026-02-15"])
    out = capsys.readouterr().out
    assert "weight 87.1 kg, trend 87.7; burned 2,524 ± " in out and " a day by intake+trend, watch 2,600\n" in out
    main(["report", "--week", "2026-W07"])
    assert "weight trend change -0.5 kg, trend 87.7; burned 2,524 ± " in capsys.readouterr().out


def test_measured_energy_makes_the_deficit_intake_against_the_trend(capsys, store, tmp_path):
    losing_half_a_kilo_a_week(store)
    config = tmp_path / "c.toml"
    for source, deficit, burned_from in (
        ("measured", 524, "measured"),
        ("auto", 524, "measured"),
        ("device", 600, "device"),
    ):
        config.write_text(f'[analytics]\nenergy_source = "{source}"\n')
        day = run_json(capsys, "--config", str(config), "report", "--day", "2026-02-15")
        # measured: 2524.48 - 2000 = 524; the watch: 2600 - 2000 = 600
        assert (day["deficit_kcal"], day["weight"]["burned_from"]) == (deficit, burned_from), source
    # day 30 has only 10 weigh-ins in its window (days 10-30: 21) but a trend started 9 days before
    # it: measured is unknown, so "measured" knows no burn and "auto" falls back to the watch
    for source, deficit in (("measured", None), ("auto", 600)):
        config.write_text(f'[analytics]\nenergy_source = "{source}"\n')
        day = run_json(capsys, "--config", str(config), "report", "--day", "2026-01-28")
        assert day["weight"]["window"]["measured_kcal"] is None and day["deficit_kcal"] == deficit, source


def test_without_weigh_ins_every_weight_number_is_null(capsys, store):
    day = run_json(capsys, "report", "--day", "2026-02-15")
    assert {k: v for k, v in day["weight"].items() if k not in ("unit", "window")} == {
        "weight_kg": None,
        "weight_source": None,
        "trend_kg": None,
        "burned_from": None,
        "weigh_ins": [],
    }
    assert {k: v for k, v in day["weight"]["window"].items() if k != "window_days"} == {
        "weigh_ins": 0,
        "intake_days": 0,
        "trend_change_kg": None,
        "measured_kcal": None,
        "measured_range_kcal": None,
        "device_kcal": None,
    }
    week = run_json(capsys, "report", "--week", "2026-W07")["weight"]
    assert (
        week["trend_start_kg"],
        week["trend_end_kg"],
        week["trend_change_kg"],
        week["window"]["measured_kcal"],
        week["weigh_in_days"],
    ) == (None, None, None, None, 0)


def test_a_multi_user_scales_wearer_is_chosen_in_the_config(capsys, store, tmp_path):
    import_paths(store, [require(MULTI)], zone="UTC")
    day = run_json(capsys, "report", "--day", "2009-09-09")
    assert day["weight"]["weight_kg"] == 75.8  # user 0, as fitparse reads it
    config = tmp_path / "c.toml"
    config.write_text('[wearer]\nscale_user = 1\nweight_unit = "lb"\n')
    day = run_json(capsys, "--config", str(config), "report", "--day", "2009-09-09")
    assert day["weight"]["weight_kg"] == 58.2 and day["weight"]["unit"] == "lb"  # user 1; JSON stays in kg
    main(["--config", str(config), "report", "--day", "2009-09-09"])
    assert "128.3 lb" in capsys.readouterr().out  # 58.2 / 0.45359237 = 128.31
