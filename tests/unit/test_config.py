from pathlib import Path

import pytest

from wearsync.config import Config, config_path, load_config
from wearsync.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def test_without_a_file_the_defaults_apply():
    config = load_config()
    assert config.targets.weekly_cardio_minutes == 150
    assert config.targets.days_with_30 == 5
    assert config.targets.daily_deficit_kcal == 500
    assert config.analytics.week_start == "monday"


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
        ("[targets]\nstrength_days = -1\n", "targets.strength_days must not be negative"),
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
