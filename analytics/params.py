"""The settings analytics needs, given as arguments (analytics never reads the config or files):
the read side builds them (wearsync/reports/params.py `params_from_config`).

Each wearer value carries where it came from ("config", "demo", "garmin", "fit", "assumed":
docs/metrics.md, The wearer).
"""

from __future__ import annotations

from dataclasses import dataclass

from wearsync.analytics.weeks import WEEKDAYS

# Part of the cache key: bump when the per-minute rules change (docs/metrics.md, Intensity minutes).
RULES_VERSION = 3


@dataclass(frozen=True)
class AnalyticsParams:
    """Every knob of docs/metrics.md; the read side's DEFAULT_PARAMS are the config's defaults."""

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
        return (
            f"{RULES_VERSION}/{self.birth_year}/{self.configured_resting_hr}/{self.configured_max_hr}/"
            f"{self.max_hr_formula}/{self.moderate_hrr!r}/{self.vigorous_hrr!r}/{self.min_bout_minutes}/"
            f"{self.profile_resting_hr}"
        )
