"""The analytics settings of a store: the config's, with the wearer the store keeps (the demo's made-up
person) and the wearer its sources state (Garmin Connect, FIT: sync/wearer_sources.py).

The wearer's values come from the config when set there, else from the store's wearer profiles
(the demo's made-up person; Garmin Connect's user settings; the newest FIT user profile), else
are assumed; each carries where it came from ("config", "demo", "garmin", "fit", "assumed":
docs/metrics.md, The wearer).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TypeVar

from wearsync.analytics.params import AnalyticsParams
from wearsync.config import Config, Wearer
from wearsync.store import Store
from wearsync.sync import wearer_sources

# Without a configured birth year: a person in their thirties is assumed, and labelled so.
ASSUMED_BIRTH_YEAR = 1990
# Without a configured or stated first day of the week: ISO's Monday.
ASSUMED_WEEK_START = "monday"
# The state key holding the store's own wearer (JSON; the demo's made-up person): see analytics_params().
WEARER_KEY = "wearer.profile"

T = TypeVar("T")


def analytics_params(store: Store, config: Config) -> AnalyticsParams:
    """The analytics settings for this store: the config's, with the wearer the store keeps
    (the demo's) and the wearer its sources state (Garmin Connect, FIT: sync/wearer_sources.py)."""
    stored = store.get_state(WEARER_KEY)
    return params_from_config(config, ([json.loads(stored)] if stored else []) + wearer_sources.read_all(store))


def params_from_config(config: Config, profiles: Iterable[dict[str, Any]] = ()) -> AnalyticsParams:
    """The analytics settings of a loaded config, with the wearer `profiles` the store keeps.

    `profiles` in the order they win: a demo profile ({"source": "demo", ...}, a made-up
    person) replaces the config's wearer, who is someone else; the sources' profiles
    ({"source": "garmin" | "fit", ...}: sync/wearer_sources.py) fill what the config leaves
    unset, the first one stating a value giving it. A source's resting heart rate is only a
    fallback after the day's measured one (`profile_resting_hr`); the demo's is her setting.
    """
    w, t, a = config.wearer, config.targets, config.analytics
    wearers = list(profiles)

    def pick(key: str, configured: T, unset: T, assumed: T) -> tuple[T, str]:
        for profile in wearers:
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
        sex=sex,
        birth_year=birth_year,
        configured_resting_hr=resting,
        configured_max_hr=max_hr,
        moderate_hrr=a.moderate_hrr,
        vigorous_hrr=a.vigorous_hrr,
        min_bout_minutes=a.min_bout_minutes,
        minutes_source=a.minutes_source,
        weekly_cardio_minutes=t.weekly_cardio_minutes,
        daily_cardio_minutes=t.daily_cardio_minutes,
        days_with_30=t.days_with_30,
        daily_deficit_kcal=t.daily_deficit_kcal,
        floors_per_day=t.floors_per_day,
        steps_per_day=t.steps_per_day,
        strength_days=t.strength_days,
        kcal_per_lb=a.kcal_per_lb,
        intake_floor_female=a.intake_floor_female,
        intake_floor_male=a.intake_floor_male,
        week_start=week_start,
        max_hr_formula=a.max_hr_formula,
        sex_from=sex_from,
        birth_year_from=birth_year_from,
        resting_hr_from=resting_from,
        max_hr_from=max_hr_from,
        energy_source=a.energy_source,
        scale_user=w.scale_user,
        weight_kg=weight_kg,
        weight_from=weight_from,
        profile_resting_hr=profile_resting,
        profile_resting_hr_from=profile_resting_from,
        week_start_from=week_start_from,
    )


DEFAULT_PARAMS = params_from_config(Config())
