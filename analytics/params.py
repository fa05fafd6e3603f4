"""The settings analytics needs, taken from the config once (analytics never reads files).

The wearer's values come from the config when set there, else from the store's wearer profiles
(the demo's made-up person; Garmin Connect's user settings; the newest FIT user profile), else
are assumed; each carries where it came from ("config", "demo", "garmin", "fit", "assumed":
docs/metrics.md, The wearer).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from wearsync.config import WEEKDAYS, Config, Wearer

# Without a configured birth year: a person in their thirties is assumed, and labelled so.
ASSUMED_BIRTH_YEAR = 1990
# Without a configured or stated first day of the week: ISO's Monday.
ASSUMED_WEEK_START = "monday"
# Part of the cache key: bump when the per-minute rules change (docs/metrics.md, Intensity minutes).
RULES_VERSION = 3


@dataclass(frozen=True)
class AnalyticsParams:
    """Every knob of docs/metrics.md; the defaults are the config's (`DEFAULT_PARAMS`)."""

    sex: str  # "female", "male" or "" (unknown: the higher intake floor applies)
    birth_year: int
    configured_resting_hr: int  # 0: none configured
    configured_max_hr: int  # 0: observed or predicted
    moderate_hrr: float
    vigorous_hrr: float
    min_bout_minutes: int
    minutes_source: str  # "auto", "heart_rate" or "device"
    weekly_cardio_minutes: int
    daily_cardio_minutes: int
    days_with_30: int
    daily_deficit_kcal: int
    floors_per_day: int
    steps_per_day: int
    strength_days: int
    kcal_per_lb: int
    intake_floor_female: int
    intake_floor_male: int
    week_start: str  # "monday" ... "sunday"
    energy_source: str = "device"  # what the deficit counts as burned: "device", "measured" or "auto"
    scale_user: int = 0  # the wearer's user on a multi-user scale (0 also: its only user)
    max_hr_formula: str = "tanaka"
    sex_from: str = "config"
    birth_year_from: str = "config"
    resting_hr_from: str = "config"
    max_hr_from: str = "config"
    weight_kg: float = 70.0
    weight_from: str = "assumed"
    profile_resting_hr: int = 0  # a source profile's resting heart rate: used on days none was measured
    profile_resting_hr_from: str = ""
    week_start_from: str = "config"

    @property
    def intake_floor_kcal(self) -> int:
        """The intake below which a day is flagged, by the wearer's sex."""
        if self.sex == "female":
            return self.intake_floor_female
        return self.intake_floor_male  # men, and anyone whose sex is not known: the higher floor

    @property
    def week_start_index(self) -> int:
        """0 for Monday ... 6 for Sunday (Python's weekday())."""
        return WEEKDAYS.index(self.week_start)

    @property
    def settings_key(self) -> str:
        """What per-day intensity results depend on besides the data (cache key)."""
        return (f"{RULES_VERSION}/{self.birth_year}/{self.configured_resting_hr}/{self.configured_max_hr}/"
                f"{self.max_hr_formula}/{self.moderate_hrr!r}/{self.vigorous_hrr!r}/{self.min_bout_minutes}/"
                f"{self.profile_resting_hr}")


def params_from_config(config: Config, profiles: Iterable[dict] = ()) -> AnalyticsParams:
    """The analytics settings of a loaded config, with the wearer `profiles` the store keeps.

    `profiles` in the order they win: a demo profile ({"source": "demo", ...}, a made-up
    person) replaces the config's wearer, who is someone else; the sources' profiles
    ({"source": "garmin" | "fit", ...}: sync/wearer_sources.py) fill what the config leaves
    unset, the first one stating a value giving it. A source's resting heart rate is only a
    fallback after the day's measured one (`profile_resting_hr`); the demo's is her setting.
    """
    w, t, a = config.wearer, config.targets, config.analytics
    profiles = list(profiles)

    def pick(key: str, configured, unset, assumed):
        for profile in profiles:
            replaces = profile.get("source") == "demo"
            if profile.get(key) not in (None, unset) and (replaces or configured == unset):
                return profile[key], profile.get("source", "profile")
        if configured != unset:
            return configured, "config"
        return assumed, "assumed"

    sex, sex_from = pick("sex", w.sex, "", "")
    birth_year, birth_year_from = pick("birth_year", w.birth_year, 0, ASSUMED_BIRTH_YEAR)
    resting, resting_from = pick("resting_hr", w.resting_hr, 0, 0)
    profile_resting, profile_resting_from = 0, ""
    if resting_from not in ("config", "demo", "assumed"):  # a source's: after the measured one
        resting, resting_from, profile_resting, profile_resting_from = 0, "assumed", resting, resting_from
    max_hr, max_hr_from = pick("max_hr", w.max_hr, 0, 0)
    weight_kg, weight_from = pick("weight_kg", w.weight_kg, Wearer.weight_kg, Wearer.weight_kg)
    week_start, week_start_from = pick("week_start", a.week_start, "", ASSUMED_WEEK_START)
    return AnalyticsParams(
        sex=sex, birth_year=birth_year, configured_resting_hr=resting,
        configured_max_hr=max_hr, moderate_hrr=a.moderate_hrr, vigorous_hrr=a.vigorous_hrr,
        min_bout_minutes=a.min_bout_minutes, minutes_source=a.minutes_source,
        weekly_cardio_minutes=t.weekly_cardio_minutes, daily_cardio_minutes=t.daily_cardio_minutes,
        days_with_30=t.days_with_30, daily_deficit_kcal=t.daily_deficit_kcal,
        floors_per_day=t.floors_per_day, steps_per_day=t.steps_per_day, strength_days=t.strength_days,
        kcal_per_lb=a.kcal_per_lb, intake_floor_female=a.intake_floor_female,
        intake_floor_male=a.intake_floor_male, week_start=week_start, max_hr_formula=a.max_hr_formula,
        sex_from=sex_from, birth_year_from=birth_year_from, resting_hr_from=resting_from, max_hr_from=max_hr_from,
        energy_source=a.energy_source, scale_user=w.scale_user, weight_kg=weight_kg, weight_from=weight_from,
        profile_resting_hr=profile_resting, profile_resting_hr_from=profile_resting_from,
        week_start_from=week_start_from,
    )


DEFAULT_PARAMS = params_from_config(Config())
