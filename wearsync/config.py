"""Settings: `config.toml` read into a strict model; unknown keys, wrong types, values out of
their range (`_ranges`) and settings that contradict each other are errors naming the key.

Looked up at `--config`, then `$WEARSYNC_CONFIG`, then the platformdirs config path;
without a file the defaults apply. The data directory is `$WEARSYNC_HOME`, else
`storage.data_dir`, else the platformdirs user data dir.
"""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, get_type_hints
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from wearsync.analytics.weeks import WEEKDAYS
from wearsync.errors import ConfigError
from wearsync.private_files import write_private
from wearsync.sync.gate import LIMITS

APP = "wearsync"


@dataclass(frozen=True)
class Wearer:
    sex: str = ""  # "": not set; analytics then assumes, and says so (analytics/params.py)
    birth_year: int = 0  # 0: not set, as above
    weight_kg: float = 70.0
    resting_hr: int = 0
    max_hr: int = 0
    time_zone: str = ""  # for files that state no UTC offset; "" = this computer's zone
    weight_unit: str = "kg"  # how weights are shown; always stored in kg
    scale_user: int = 0  # the wearer's user on a multi-user scale (0 also: its only user)


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
    week_start: str = ""  # "": not set; then Garmin Connect's first day of the week, else Monday (analytics/params.py)
    energy_source: str = "device"  # burned for the deficit: "device", "measured" (weight and intake) or "auto"


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
    home: Path | None = None  # --home: beats $WEARSYNC_HOME and storage.data_dir

    @property
    def data_dir(self) -> Path:
        """Where the store and the kept originals live."""
        if self.home:
            return Path(self.home).expanduser()
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
    ("analytics", "energy_source"): ("device", "measured", "auto"),
    ("wearer", "weight_unit"): ("kg", "lb"),
}
# The most a first pull (and `pull --days`) fetches: ten years of days.
MAX_PULL_DAYS = 3650


@dataclass(frozen=True)
class Range:
    """Where a number setting may lie: low to high, ends included unless `open`."""

    low: float
    high: float
    unset: bool = False  # 0 is allowed too: "not set"
    open: bool = False

    def holds(self, value: float) -> bool:
        if self.unset and value == 0:
            return True
        return self.low < value < self.high if self.open else self.low <= value <= self.high

    def says(self) -> str:
        if self.open:
            return f"above {self.low:g} and below {self.high:g}"
        return f"from {self.low:g} to {self.high:g}" + (" (or 0: unset)" if self.unset else "")


def _gate(limit: str, *, unset: bool = False) -> Range:
    """The import gate's plausible range of an outside value, for the setting that states one."""
    return Range(LIMITS[limit].low, LIMITS[limit].high, unset=unset)


def _ranges(today: date) -> dict[str, Range]:
    """Every number setting's range; bounds of measured values come from the import gate."""
    minutes_day = LIMITS["minutes_day"].high
    return {
        "wearer.birth_year": Range(1900, today.year - 10, unset=True),  # a wearer of 10 to 126 years
        "wearer.weight_kg": _gate("weight_kg"),
        "wearer.scale_user": _gate("scale_user"),
        "wearer.resting_hr": _gate("resting_hr_bpm", unset=True),
        "wearer.max_hr": _gate("max_hr_bpm", unset=True),
        "targets.weekly_cardio_minutes": Range(0, 7 * minutes_day),
        "targets.daily_cardio_minutes": Range(0, minutes_day),
        "targets.days_with_30": Range(0, 7),
        "targets.daily_deficit_kcal": _gate("kcal_day"),
        "targets.floors_per_day": Range(0, 1_000),  # 3 km of climbing a day is no goal
        "targets.steps_per_day": _gate("steps_day"),
        "targets.strength_days": Range(0, 7),
        "analytics.moderate_hrr": Range(0, 1, open=True),  # a share of the heart-rate reserve
        "analytics.vigorous_hrr": Range(0, 1, open=True),
        "analytics.min_bout_minutes": Range(0, minutes_day),
        # Fat tissue holds ~3,500 kcal a pound, pure fat ~4,100 (9 kcal/g x 453.6 g): a value
        # outside is not fat (7,700 is kcal per kilogram).
        "analytics.kcal_per_lb": Range(2_000, 4_100),
        "analytics.intake_floor_female": _gate("intake_kcal_day"),
        "analytics.intake_floor_male": _gate("intake_kcal_day"),
        "garmin.min_interval_s": Range(0, 60),  # more and a pull takes hours
        "garmin.first_pull_days": Range(1, MAX_PULL_DAYS),
    }


def config_path(explicit: str | os.PathLike | None = None) -> Path:
    """The config file wearsync reads (which need not exist)."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get("WEARSYNC_CONFIG"):
        return Path(os.environ["WEARSYNC_CONFIG"]).expanduser()
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def load_config(explicit: str | os.PathLike | None = None, home: str | os.PathLike | None = None) -> Config:
    """Read the config file; defaults when there is none (an explicit path must exist).
    `home` (--home) is the data folder, whatever the file or $WEARSYNC_HOME say."""
    path = config_path(explicit)
    if not path.exists():
        if explicit or os.environ.get("WEARSYNC_CONFIG"):
            raise ConfigError(f"{path}: config file not found")
        return Config(home=Path(home) if home else None)
    text = path.read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    return dataclasses.replace(parse_config(raw, path, text), home=Path(home) if home else None)


def parse_config(raw: dict[str, Any], path: Path | None = None, text: str = "") -> Config:
    """Build a Config from parsed TOML, naming any bad key and what was expected."""
    where = str(path) if path else "config"
    today = date.today()
    ranges = _ranges(today)
    sections = {}
    top_hints = get_type_hints(Config)
    for name, value in raw.items():
        if name not in top_hints or name in ("path", "home"):
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
                    f"{where}{_line(text, key)}: {name}.{key} must be one of {', '.join(choices)}, not {item!r}"
                )
            bounds = ranges.get(f"{name}.{key}")
            if bounds and not bounds.holds(values[key]):
                raise ConfigError(f"{where}{_line(text, key)}: {name}.{key} must be {bounds.says()}, not {item!r}")
        sections[name] = cls(**values)
    config = Config(**sections, path=path)
    _check_config(config, today, lambda key: where + _line(text, key))
    return config


def _check_config(config: Config, today: date, where) -> None:
    """What a value's type and range do not say: settings that contradict each other, and
    the one setting that is an address."""
    w, a = config.wearer, config.analytics
    if not a.moderate_hrr < a.vigorous_hrr:
        raise ConfigError(
            f"{where('moderate_hrr')}: analytics.moderate_hrr ({a.moderate_hrr}) must be below "
            f"analytics.vigorous_hrr ({a.vigorous_hrr})"
        )
    if w.resting_hr and w.max_hr and not w.resting_hr < w.max_hr:
        raise ConfigError(
            f"{where('resting_hr')}: wearer.resting_hr ({w.resting_hr}) must be below wearer.max_hr ({w.max_hr})"
        )
    age = today.year - w.birth_year  # oldest this year: older data gives a higher predicted maximum
    predicted = round(208 - 0.7 * age) if a.max_hr_formula == "tanaka" else 220 - age
    if w.resting_hr and not w.max_hr and w.birth_year and not w.resting_hr < predicted:
        raise ConfigError(
            f"{where('resting_hr')}: wearer.resting_hr ({w.resting_hr}) must be below the predicted "
            f"maximum ({predicted}, {a.max_hr_formula}, wearer.birth_year {w.birth_year}); "
            "or set wearer.max_hr"
        )
    if w.time_zone:
        try:
            ZoneInfo(w.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(
                f"{where('time_zone')}: wearer.time_zone must name a time zone such as "
                f'"Europe/Berlin", not {w.time_zone!r}'
            ) from exc
    url = config.garmin.base_url
    if url and not _is_web_address(url):
        raise ConfigError(
            f"{where('base_url')}: garmin.base_url must be empty or an http:// or https:// address, not {url!r}"
        )


def _is_web_address(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1", say
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _check(key: str, value: Any, expected: Any, where: str) -> Any:
    if expected is bool:
        ok = isinstance(value, bool)
    elif expected is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif expected is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
        if ok and not math.isfinite(value):
            raise ConfigError(f"{where}: {key} must be a finite number, not {value!r}")
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
    texts = (value,) if isinstance(value, str) else value if isinstance(value, tuple) else ()
    if any("\0" in text for text in texts):  # no path or address can hold one
        raise ConfigError(f"{where}: {key} must not contain a NUL character")
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
    data.pop("home")
    return data


def initial_text(*, birth_year: int, sex: str, weight_kg: float | None = None) -> str:
    """A commented settings file holding the wearer's body (`wearsync config init`, the
    dashboard's first run; no weight: its line stays a comment); checked like any file, so a
    value out of its range is a ConfigError naming it."""
    if sex not in _CHOICES[("wearer", "sex")]:  # checked first: it is written inside quotes
        raise ConfigError(f"wearer.sex must be one of {', '.join(_CHOICES[('wearer', 'sex')])}, not {sex!r}")
    text = f"""# wearsync settings, written by `wearsync config init`. Every other setting keeps its
# default; config.example.toml in wearsync's source lists them all, `wearsync config show`
# prints the ones in force. Unknown keys, wrong types and values outside their range are errors.

[wearer]
birth_year = {birth_year}       # your predicted maximum heart rate (208 - 0.7 x age) unless max_hr is set
sex = "{sex}"{" " * (11 - len(sex))}# "female" or "male": the intake floor (1,200 / 1,500 kcal a day)
{_weight_line(weight_kg)}
# resting_hr = 0        # bpm, used when the watch measured none in the last 7 days; 0 = none
# max_hr = 0            # bpm; 0 = 220 - age
# time_zone = ""        # e.g. "Europe/Berlin", for files that state no local time

# [targets]
# weekly_cardio_minutes = 150
# floors_per_day = 10
# steps_per_day = 7500
"""
    parse_config(tomllib.loads(text), None, text)
    return text


def _weight_line(weight_kg: float | None) -> str:
    value = f"{weight_kg:g}" if weight_kg is not None else "70"
    line = f"weight_kg = {value}{' ' * max(1, 11 - len(value))}# kg, for the heart-rate calorie cross-checks"
    return line if weight_kg is not None else f"# {line}"


def write_initial(path: Path, text: str) -> None:
    """Write a first settings file (`initial_text`) at `path`, readable by the user only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_private(path, text.encode("utf-8"), path.with_name(f".{path.name}.tmp"))
