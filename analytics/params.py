"""The settings analytics needs, taken from the config once (analytics never reads files)."""

from __future__ import annotations

from dataclasses import dataclass

from wearsync.config import WEEKDAYS, Config


@dataclass(frozen=True)
class AnalyticsParams:
    """Every knob of metrics.md; the defaults are the config's (`DEFAULT_PARAMS`)."""

    sex: str
    birth_year: int
    configured_resting_hr: int  # 0: none configured
    configured_max_hr: int  # 0: 220 - age
    moderate_hrr: float
    vigorous_hrr: float
    min_bout_minutes: int
    minutes_source: str  # "heart_rate" or "device"
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
    week_start: str
    energy_source: str = "device"  # what the deficit counts as burned: "device", "measured" or "auto"
    scale_user: int = 0  # the wearer's user on a multi-user scale (0 also: its only user)

    @property
    def intake_floor_kcal(self) -> int:
        """The intake below which a day is flagged, by the wearer's sex."""
        return self.intake_floor_male if self.sex == "male" else self.intake_floor_female

    @property
    def week_start_index(self) -> int:
        """0 for Monday ... 6 for Sunday (Python's weekday())."""
        return WEEKDAYS.index(self.week_start)

    @property
    def settings_key(self) -> str:
        """What per-day intensity results depend on besides the data (cache key)."""
        return (f"{self.birth_year}/{self.configured_resting_hr}/{self.configured_max_hr}/"
                f"{self.moderate_hrr!r}/{self.vigorous_hrr!r}/{self.min_bout_minutes}")


def params_from_config(config: Config) -> AnalyticsParams:
    """The analytics settings of a loaded config."""
    w, t, a = config.wearer, config.targets, config.analytics
    return AnalyticsParams(
        sex=w.sex, birth_year=w.birth_year, configured_resting_hr=w.resting_hr,
        configured_max_hr=w.max_hr, moderate_hrr=a.moderate_hrr, vigorous_hrr=a.vigorous_hrr,
        min_bout_minutes=a.min_bout_minutes, minutes_source=a.minutes_source,
        weekly_cardio_minutes=t.weekly_cardio_minutes, daily_cardio_minutes=t.daily_cardio_minutes,
        days_with_30=t.days_with_30, daily_deficit_kcal=t.daily_deficit_kcal,
        floors_per_day=t.floors_per_day, steps_per_day=t.steps_per_day, strength_days=t.strength_days,
        kcal_per_lb=a.kcal_per_lb, intake_floor_female=a.intake_floor_female,
        intake_floor_male=a.intake_floor_male, week_start=a.week_start,
        energy_source=a.energy_source, scale_user=w.scale_user,
    )


DEFAULT_PARAMS = params_from_config(Config())
