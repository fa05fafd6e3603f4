"""Settings: `config.toml` read into a strict model; unknown keys and wrong types are errors.

Looked up at `--config`, then `$WEARSYNC_CONFIG`, then the platformdirs config path;
without a file the defaults apply. The data directory is `$WEARSYNC_HOME`, else
`storage.data_dir`, else the platformdirs user data dir.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

import platformdirs

from wearsync.errors import ConfigError

APP = "wearsync"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Wearer:
    sex: str = ""  # "": not set; analytics then assumes, and says so (analytics/params.py)
    birth_year: int = 0  # 0: not set, as above
    weight_kg: float = 70.0
    resting_hr: int = 0
    max_hr: int = 0


@dataclass(frozen=True)
class Targets:
    weekly_cardio_minutes: int = 150
    daily_cardio_minutes: int = 30
    days_with_30: int = 5
    daily_deficit_kcal: int = 500
    floors_per_day: int = 10
    steps_per_day: int = 7500
    strength_days: int = 2


@dataclass(frozen=True)
class Analytics:
    minutes_source: str = "auto"
    max_hr_formula: str = "tanaka"
    moderate_hrr: float = 0.40
    vigorous_hrr: float = 0.60
    min_bout_minutes: int = 0
    kcal_per_lb: int = 3500
    intake_floor_female: int = 1200
    intake_floor_male: int = 1500
    week_start: str = "monday"


@dataclass(frozen=True)
class Storage:
    data_dir: str = ""


@dataclass(frozen=True)
class Sources:
    fit_folders: tuple[str, ...] = ()
    garmin: bool = False


@dataclass(frozen=True)
class Garmin:
    base_url: str = ""
    min_interval_s: float = 1.0
    first_pull_days: int = 30


@dataclass(frozen=True)
class Config:
    wearer: Wearer = field(default_factory=Wearer)
    targets: Targets = field(default_factory=Targets)
    analytics: Analytics = field(default_factory=Analytics)
    storage: Storage = field(default_factory=Storage)
    sources: Sources = field(default_factory=Sources)
    garmin: Garmin = field(default_factory=Garmin)
    path: Path | None = None

    @property
    def data_dir(self) -> Path:
        """Where the store and the kept originals live."""
        env = os.environ.get("WEARSYNC_HOME")
        if env:
            return Path(env).expanduser()
        if self.storage.data_dir:
            return Path(self.storage.data_dir).expanduser()
        return Path(platformdirs.user_data_dir(APP))

    @property
    def garmin_base_url(self) -> str:
        """The origin every Garmin call goes to; empty means Garmin's own."""
        return os.environ.get("WEARSYNC_GARMIN_URL") or self.garmin.base_url


_CHOICES = {
    ("wearer", "sex"): ("female", "male"),
    ("analytics", "minutes_source"): ("auto", "heart_rate", "device"),
    ("analytics", "max_hr_formula"): ("tanaka", "220-age"),
    ("analytics", "week_start"): WEEKDAYS,
}


def config_path(explicit: str | os.PathLike | None = None) -> Path:
    """The config file wearsync reads (which need not exist)."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get("WEARSYNC_CONFIG"):
        return Path(os.environ["WEARSYNC_CONFIG"]).expanduser()
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def load_config(explicit: str | os.PathLike | None = None) -> Config:
    """Read the config file; defaults when there is none (an explicit path must exist)."""
    path = config_path(explicit)
    if not path.exists():
        if explicit or os.environ.get("WEARSYNC_CONFIG"):
            raise ConfigError(f"{path}: config file not found")
        return Config()
    text = path.read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    return parse_config(raw, path, text)


def parse_config(raw: dict[str, Any], path: Path | None = None, text: str = "") -> Config:
    """Build a Config from parsed TOML, naming any bad key and what was expected."""
    where = str(path) if path else "config"
    sections = {}
    top_hints = get_type_hints(Config)
    for name, value in raw.items():
        if name not in top_hints or name == "path":
            raise ConfigError(f"{where}{_line(text, name)}: unknown section [{name}]")
        if not isinstance(value, dict):
            raise ConfigError(f"{where}{_line(text, name)}: [{name}] must be a table")
        cls = top_hints[name]
        hints = get_type_hints(cls)
        values = {}
        for key, item in value.items():
            if key not in hints:
                raise ConfigError(f"{where}{_line(text, key)}: unknown key {name}.{key}")
            values[key] = _check(f"{name}.{key}", item, hints[key], where + _line(text, key))
            choices = _CHOICES.get((name, key))
            # the default ("" for not set) is always accepted
            if choices and values[key] not in choices and values[key] != getattr(cls(), key):
                raise ConfigError(
                    f"{where}{_line(text, key)}: {name}.{key} must be one of {', '.join(choices)}, "
                    f"not {item!r}"
                )
        sections[name] = cls(**values)
    return Config(**sections, path=path)


def _check(key: str, value: Any, expected: Any, where: str) -> Any:
    if expected is bool:
        ok = isinstance(value, bool)
    elif expected is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif expected is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif expected is str:
        ok = isinstance(value, str)
    else:  # tuple[str, ...]
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        value = tuple(value) if ok else value
    if not ok:
        name = {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}.get(
            expected, "a list of strings"
        )
        raise ConfigError(f"{where}: {key} must be {name}, not {value!r}")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
        raise ConfigError(f"{where}: {key} must not be negative, not {value!r}")
    return value


def _line(text: str, key: str) -> str:
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith(f"{key} ") or stripped.startswith(f"{key}=") or stripped == f"[{key}]":
            return f":{number}"
    return ""


def as_dict(config: Config) -> dict[str, Any]:
    """The settings as plain data (for `wearsync config --json`)."""
    data = dataclasses.asdict(config)
    data.pop("path")
    return data
