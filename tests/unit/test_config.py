import dataclasses
from datetime import date
from pathlib import Path

import pytest

from wearsync.config import Config, config_path, load_config
from wearsync.errors import ConfigError
from wearsync.sync.gate import LIMITS

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def test_without_a_file_the_defaults_apply():
    config = load_config()
    assert config.targets.weekly_cardio_minutes == 150
    assert config.targets.days_with_30 == 5
    assert config.targets.daily_deficit_kcal == 500
    assert config.analytics.week_start == ""  # not set: Garmin Connect's, else Monday


def test_the_example_file_states_every_default():
    loaded = load_config(EXAMPLE)
    assert loaded.wearer == Config().wearer
    assert loaded.targets == Config().targets
    assert loaded.analytics == Config().analytics
    assert loaded.sources == Config().sources
    assert loaded.garmin == Config().garmin
    assert loaded.storage == Config().storage


def test_an_unknown_key_is_named_with_its_line(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[targets]\nweekly_cardio_minutes = 150\nfloors_a_day = 10\n")
    with pytest.raises(ConfigError, match=r"c\.toml:3: unknown key targets\.floors_a_day"):
        load_config(path)


def test_an_unknown_section_is_named(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[wearers]\nsex = 'male'\n")
    with pytest.raises(ConfigError, match=r"unknown section \[wearers\]"):
        load_config(path)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[targets]\nweekly_cardio_minutes = '150'\n", "targets.weekly_cardio_minutes must be a whole number"),
        ("[wearer]\nweight_kg = true\n", "wearer.weight_kg must be a number"),
        ("[sources]\ngarmin = 1\n", "sources.garmin must be true or false"),
        ("[sources]\nfit_folders = 'x'\n", "sources.fit_folders must be a list of strings"),
        ("[wearer]\nsex = 'other'\n", "wearer.sex must be one of female, male"),
        ("[analytics]\nweek_start = 'mon'\n", "analytics.week_start must be one of monday"),
        ("[targets]\nstrength_days = -1\n", "targets.strength_days must be from 0 to 7, not -1"),
    ],
)
def test_wrong_types_and_values_say_what_was_expected(tmp_path, body, message):
    path = tmp_path / "c.toml"
    path.write_text(body)
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_broken_toml_names_the_file(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[targets\n")
    with pytest.raises(ConfigError, match="c.toml: not valid TOML"):
        load_config(path)


def test_lookup_order_flag_then_environment_then_platform_dir(tmp_path, monkeypatch):
    flag, env = tmp_path / "flag.toml", tmp_path / "env.toml"
    monkeypatch.setenv("WEARSYNC_CONFIG", str(env))
    assert config_path(flag) == flag
    assert config_path() == env
    monkeypatch.delenv("WEARSYNC_CONFIG")
    assert config_path() == tmp_path / "xdg-config" / "wearsync" / "config.toml"


def test_a_named_config_file_must_exist(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "missing.toml")


def test_data_dir_comes_from_environment_then_config(tmp_path, monkeypatch):
    path = tmp_path / "c.toml"
    path.write_text(f"[storage]\ndata_dir = '{tmp_path / 'from-config'}'\n")
    config = load_config(path)
    monkeypatch.setenv("WEARSYNC_HOME", str(tmp_path / "from-env"))
    assert config.data_dir == tmp_path / "from-env"
    monkeypatch.delenv("WEARSYNC_HOME")
    assert config.data_dir == tmp_path / "from-config"
    assert Config().data_dir == tmp_path / "xdg-data" / "wearsync"


THIS_YEAR = date.today().year


def refused(tmp_path, body: str) -> str:
    path = tmp_path / "c.toml"
    path.write_text(body)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return str(caught.value)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        # TOML has nan and inf; none of them is a setting
        ("[analytics]\nmoderate_hrr = nan\n", "c.toml:2: analytics.moderate_hrr must be a finite number, not nan"),
        ("[wearer]\nweight_kg = inf\n", "c.toml:2: wearer.weight_kg must be a finite number, not inf"),
        ("[garmin]\nmin_interval_s = -inf\n", "c.toml:2: garmin.min_interval_s must be a finite number, not -inf"),
        ("[analytics]\nkcal_per_lb = nan\n", "c.toml:2: analytics.kcal_per_lb must be a whole number, not nan"),
        # born in year 0: a maximum heart rate of 220 - 2026 = -1,806
        (
            "[wearer]\nbirth_year = 1899\n",
            f"c.toml:2: wearer.birth_year must be from 1900 to {THIS_YEAR - 10} (or 0: unset), not 1899",
        ),
        (
            "[wearer]\nbirth_year = 2030\n",
            f"wearer.birth_year must be from 1900 to {THIS_YEAR - 10} (or 0: unset), not 2030",
        ),
        ("[analytics]\nkcal_per_lb = 0\n", "c.toml:2: analytics.kcal_per_lb must be from "),
        ("[analytics]\nvigorous_hrr = 1.0\n", "analytics.vigorous_hrr must be above 0 and below 1, not 1.0"),
        ("[analytics]\nmoderate_hrr = 0.0\n", "analytics.moderate_hrr must be above 0 and below 1, not 0.0"),
        (
            "[analytics]\nmoderate_hrr = 0.7\nvigorous_hrr = 0.6\n",
            "c.toml:2: analytics.moderate_hrr (0.7) must be below analytics.vigorous_hrr (0.6)",
        ),
        (
            "[analytics]\nmoderate_hrr = 0.6\n",  # equal to the default vigorous
            "analytics.moderate_hrr (0.6) must be below analytics.vigorous_hrr (0.6)",
        ),
        ("[wearer]\nresting_hr = 70\nmax_hr = 170\n[analytics]\n", None),
        (
            "[wearer]\nmax_hr = 120\nresting_hr = 130\n",
            "c.toml:3: wearer.resting_hr (130) must be below wearer.max_hr (120)",
        ),
        # no max_hr: the predicted maximum (Tanaka, 208 - 0.7 x age), lowest this year; born 1930
        (
            "[wearer]\nbirth_year = 1930\nresting_hr = 149\n",
            f"c.toml:3: wearer.resting_hr (149) must be below the predicted maximum "
            f"({round(208 - 0.7 * (THIS_YEAR - 1930))}, tanaka, wearer.birth_year 1930)",
        ),
        (
            "[garmin]\nfirst_pull_days = 9223372036854775807\n",
            "c.toml:2: garmin.first_pull_days must be from 1 to 3650, not 9223372036854775807",
        ),
        ("[garmin]\nfirst_pull_days = 0\n", "garmin.first_pull_days must be from 1 to 3650, not 0"),
        ("[garmin]\nbase_url = 'localhost:8080'\n", "garmin.base_url must be empty or an http:// or https:// "),
        ("[garmin]\nbase_url = 'http://[::1'\n", "garmin.base_url must be empty or an http:// or https:// "),
        ("[garmin]\nbase_url = 'http://127.0.0.1:8080'\n", None),
        # a path with a NUL cannot be opened: found here, not as a traceback when the store opens
        ('[storage]\ndata_dir = "/tmp/a\\u0000b"\n', "c.toml:2: storage.data_dir must not contain a NUL character"),
        ('[sources]\nfit_folders = ["/media/\\u0000"]\n', "sources.fit_folders must not contain a NUL character"),
    ],
)
def test_settings_are_checked_against_their_range_and_each_other(tmp_path, body, message):
    path = tmp_path / "c.toml"
    path.write_text(body)
    if message is None:
        load_config(path)
    else:
        assert message in refused(tmp_path, body)


@pytest.mark.parametrize(("key", "limit"), [("resting_hr", "resting_hr_bpm"), ("max_hr", "max_hr_bpm")])
def test_heart_rates_take_the_import_gates_bounds_and_0_means_unset(tmp_path, key, limit):
    low, high = int(LIMITS[limit].low), int(LIMITS[limit].high)
    for bpm in (0, low, high):  # max_hr = 250 with resting 25: still below
        load_config_text(tmp_path, f"[wearer]\n{key} = {bpm}\n")
    for bpm in (low - 1, high + 1):
        assert f"wearer.{key} must be from {low} to {high} (or 0: unset), not {bpm}" in refused(
            tmp_path, f"[wearer]\n{key} = {bpm}\n"
        )


def test_intake_floors_take_the_gates_bound_for_a_days_intake(tmp_path):
    high = int(LIMITS["intake_kcal_day"].high)
    assert f"analytics.intake_floor_male must be from 0 to {high}, not {high + 1}" in refused(
        tmp_path, f"[analytics]\nintake_floor_male = {high + 1}\n"
    )


def load_config_text(tmp_path, body: str) -> Config:
    path = tmp_path / "c.toml"
    path.write_text(body)
    return load_config(path)


def numeric_settings():
    for section in dataclasses.fields(Config):
        if section.name in ("path", "home"):  # not settings: where the file and the store are
            continue
        for item in dataclasses.fields(section.default_factory()):
            if item.type in ("int", "float", int, float):
                yield section.name, item.name, item.type in ("int", int)


@pytest.mark.parametrize(
    ("section", "key", "whole"), list(numeric_settings()), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_number_setting_has_a_range(tmp_path, section, key, whole):
    for value in (10**15, -1):
        text = str(value) if whole else f"{value}.0"
        message = refused(tmp_path, f"[{section}]\n{key} = {text}\n")
        assert message.startswith(f"{tmp_path / 'c.toml'}:2: {section}.{key} must be ")
