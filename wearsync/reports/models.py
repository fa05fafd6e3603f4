"""The typed reports the CLI and the dashboard read: frozen dataclasses whose field names are the
analytics' column names (analytics/daily.py DAILY_SCHEMA, analytics/weekly.py WEEKLY_SCHEMA,
analytics/weight.py, analytics/params.py AnalyticsParams) from end to end: the same name in the
frame, the model, the JSON and the screens. `None` means unknown, never zero.

One JSON shape per report: `as_json(report)` (dataclasses.asdict; dates as ISO strings, a NaN or
infinite number as null), read back by `from_json`. The shapes are documented in docs/reports.md.
"""

from __future__ import annotations

import math
import types
from dataclasses import asdict, dataclass, fields, is_dataclass
from datetime import date
from functools import cache
from typing import Any, get_args, get_origin, get_type_hints


@dataclass(frozen=True)
class Wearer:
    """Who the numbers are computed for (AnalyticsParams' names); each `*_from` says where the
    value came from ("config" | "demo" | "garmin" | "fit" | "assumed")."""

    sex: str | None  # "female" | "male" | None (not known: the higher intake floor applies)
    sex_from: str
    birth_year: int
    birth_year_from: str
    weight_kg: float
    weight_from: str
    week_start: str  # "monday" ... "sunday": the config's, else Garmin Connect's, else Monday
    week_start_from: str
    intake_floor_kcal: int


@dataclass(frozen=True)
class Targets:
    """The guidance the numbers are held against (AnalyticsParams' names)."""

    weekly_cardio_minutes: int
    daily_cardio_minutes: int
    days_with_30: int
    daily_deficit_kcal: int  # the planned daily deficit: the most a day adds to the deficit score
    floors_per_day: int
    steps_per_day: int
    strength_days: int
    minutes_source: str  # the setting: "auto" | "heart_rate" | "device" (a day's own is Day.minutes_source)
    energy_source: str  # the setting: what the deficit counts as burned, "device" | "measured" | "auto"


@dataclass(frozen=True)
class WeightWindow:
    """The trailing window ending on a day: what intake and the weight trend say was burned
    (analytics/weight.py measured_expenditure's columns)."""

    window_days: int
    weigh_ins: int
    intake_days: int
    trend_change_kg: float | None
    measured_kcal: int | None
    measured_range_kcal: int | None
    device_kcal: int | None  # the watch's average burned on the window's days it knows


@dataclass(frozen=True)
class WeighIn:
    """One weigh-in of the wearer; the same one from several sources (a scale file and Garmin) once."""

    time: str | None  # "HH:MM" local; None: typed or from a CSV, no time
    weight_kg: float | None
    weight: float | None  # in the DayWeight's unit
    sources: list[str]


@dataclass(frozen=True)
class DayWeight:
    """A day's weigh-in and trend (kg whatever `unit` says; `unit` is how to show them)."""

    unit: str
    weight_kg: float | None  # the day's weigh-in
    weight_source: str | None  # "fit" | "manual" | "csv" | "garmin"
    trend_kg: float | None
    burned_from: str | None  # what the day's deficit counted as burned: "device" | "measured"
    window: WeightWindow
    weigh_ins: list[WeighIn]  # the day's, earliest first


@dataclass(frozen=True)
class WeekWeight:
    """The trend's change over a week, and the window ending on its last lived day (`as_of_day`)."""

    unit: str
    trend_start_kg: float | None  # at the end of the day before the week
    trend_end_kg: float | None  # at the end of the week's last day (or of "as of", if sooner)
    trend_change_kg: float | None
    trend_change: float | None  # trend_change_kg in `unit`
    projected_change: float | None  # the deficit's projected fat change (projected_fat_change_lb) in `unit`
    weigh_in_days: int
    as_of_day: date
    window: WeightWindow


@dataclass(frozen=True)
class Day:
    """One local day (DAILY_SCHEMA's columns, rounded for showing)."""

    local_day: date
    week_id: str
    unavailable: str | None  # why the day's heart-rate analytics could not be computed
    worn: bool
    wellness_source: str | None  # "garmin" | "fit"
    steps: int | None
    ascent_m: float | None
    descent_m: float | None
    floors: float | None
    active_kcal: int | None
    rmr_kcal: int | None
    burned_kcal: int | None
    eaten_kcal: int | None
    intake_source: str | None  # "manual" | "csv" | "garmin"
    deficit_kcal: int | None
    below_intake_floor: bool | None
    deficit_credit_kcal: int | None
    minutes_source: str | None  # "device" | "heart_rate": where the headline minutes came from
    moderate_min: int | None
    vigorous_min: int | None
    active_minutes: int | None  # moderate + vigorous
    goal_minutes: int | None  # moderate + 2 x vigorous
    reached_daily_target: bool | None
    hr_moderate_min: int | None
    hr_vigorous_min: int | None
    hr_goal_min: int | None
    minutes_with_readings: int | None
    minutes_without_reading: int | None
    device_moderate_min: int | None
    device_vigorous_min: int | None
    device_goal_min: int | None
    resting_hr: float | None
    resting_hr_from: str | None
    max_hr: float | None
    max_hr_from: str | None
    zones_by: str | None  # "heart_rate_reserve" | "percent_of_max"
    moderate_from_bpm: float | None
    vigorous_from_bpm: float | None
    strength_sessions: int
    weight: DayWeight


@dataclass(frozen=True)
class Activity:
    sport: str | None
    sub_sport: str | None
    start_utc: int
    start_local: str  # "HH:MM"
    elapsed_s: float | None
    minutes: int | None
    calories: int | None
    avg_hr: int | None
    max_hr: int | None
    ascent_m: float | None
    steps: int | None
    strength: bool


@dataclass(frozen=True)
class DeviceIncrement:
    """Where the device's own minutes fell (FIT 55/33-34): `at` is the end of the interval, local."""

    at: str  # "HH:MM"
    moderate_min: int
    vigorous_min: int


@dataclass(frozen=True)
class Readings:
    """The raw heart-rate readings of the day, all sources."""

    values: int
    empty: int
    min: int | None
    max: int | None


@dataclass(frozen=True)
class DayReport(Day):
    """`report --day` and the day view: the day, and what only a single day shows."""

    wearer: Wearer
    targets: Targets
    total_kcal: int | None  # the day's total as its source stated it (burned_kcal: prorated today)
    readings: Readings
    activities: list[Activity]
    device_increments: list[DeviceIncrement]  # empty for Garmin Connect days


@dataclass(frozen=True)
class UnavailableDay:
    local_day: date
    reason: str


@dataclass(frozen=True)
class WeekReport:
    """One week (WEEKLY_SCHEMA's columns), its targets and its seven days."""

    week_id: str
    week_start: date
    week_end: date  # inclusive
    as_of: date  # the day "today" was taken as
    days_so_far: int  # days before as_of: what the scores are on
    days_with_data: int
    enough_data: bool
    goal_minutes: int | None
    moderate_min: int | None
    vigorous_min: int | None
    active_minutes: int | None
    hr_goal_minutes: int | None
    device_goal_minutes: int | None
    days_device_minutes: int
    days_reaching_daily: int
    remaining_days: int
    goal_minutes_left: int  # weekly_cardio_minutes - goal_minutes, at least 0
    minutes_needed_per_remaining_day: int | None
    cardio_met: bool
    cardio_score: float | None  # 0-100; None: not enough data
    streak_weeks: int | None  # None: earlier weeks still being computed (a view's report, reports/week.py)
    floors: float | None
    days_reaching_floors: int
    steps: int | None
    days_reaching_steps: int
    strength_days: int
    strength_sessions: int
    strength_met: bool
    burned_kcal: int | None  # burned, eaten and deficit over the same days_deficit_known
    eaten_kcal: int | None
    deficit_kcal: int | None
    days_deficit_known: int
    days_intake_unknown: int
    days_below_floor: int
    days_deficit_scored: int
    credit_kcal: int | None
    deficit_target_kcal: int | None
    deficit_needed_per_remaining_day: int | None
    deficit_score: float | None  # 0-100; None: not enough data
    projected_fat_change_lb: float | None  # "up to" (PROJECTION_NOTE)
    wearer: Wearer
    targets: Targets
    weight: WeekWeight
    unavailable_days: list[UnavailableDay]
    days: list[Day]


@dataclass(frozen=True)
class HistoryTotals:
    """What the history view states about its weeks."""

    weeks: int
    cardio_met_weeks: int
    weeks_with_enough_data: int
    deficit_kcal: int | None  # the net deficit over the weeks where it is known
    weeks_deficit_known: int


@dataclass(frozen=True)
class HistoryWeight:
    """The history view's weight chart (in `unit`): per week the trend at its end and the projection
    from the deficit, and every weigh-in at its week's position (1, 2, ...; a day at 1 - 3/7 ... 1 + 3/7)."""

    unit: str
    trend: list[float | None]
    projection: list[float | None]
    weigh_ins: list[tuple[float, float | None]]


@dataclass(frozen=True)
class DayCurve:
    """The day's heart rate minute by minute as the analytics counted it (classify_minutes' columns)."""

    hours: list[float]  # time since local midnight
    bpm: list[int]
    zone: list[str | None]  # "moderate" | "vigorous" | None
    source: list[str]


def as_json(report: Any) -> Any:
    """A report (or a list of them) as JSON values: dates as ISO strings, a NaN or infinity as null."""
    if isinstance(report, list):
        return [as_json(item) for item in report]
    return _plain(asdict(report))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def from_json[T](model: type[T], value: Any) -> T:
    """A report of type `model` from its `as_json` form, None kept None (a NaN written as null
    reads back as unknown). Anything not of the model's shape (a field missing or extra, a value
    of another kind) raises TypeError or ValueError."""
    report: T = _typed(model, value)
    return report


@cache
def shape(model: type) -> str:
    """The model's fields and their types, its nested models' too: changes when any of them does
    (worked out once a process: the kept week's fingerprint asks for it on the first frame's path)."""
    return repr({m.__name__: [(f.name, f.type) for f in fields(m)] for m in _models_in(model)})


def _models_in(kind: Any) -> list[Any]:
    if isinstance(kind, type) and is_dataclass(kind):
        return [kind, *(m for hint in _hints(kind).values() for m in _models_in(hint))]
    return [m for arg in get_args(kind) for m in _models_in(arg)]


@cache
def _hints(model: type) -> dict[str, Any]:
    return get_type_hints(model)


def _typed(kind: Any, value: Any) -> Any:
    if get_origin(kind) is types.UnionType:  # X | None
        (inner,) = [arg for arg in get_args(kind) if arg is not type(None)]
        return None if value is None else _typed(inner, value)
    if get_origin(kind) is list and isinstance(value, list):
        (item,) = get_args(kind)
        return [_typed(item, v) for v in value]
    if isinstance(kind, type) and is_dataclass(kind) and isinstance(value, dict):
        hints = _hints(kind)
        if value.keys() != hints.keys():
            raise TypeError(f"{kind.__name__}: fields {sorted(value.keys() ^ hints.keys())} differ")
        return kind(**{name: _typed(hint, value[name]) for name, hint in hints.items()})
    if kind is date and isinstance(value, str):
        return date.fromisoformat(value)
    if kind is bool and isinstance(value, bool):
        return value
    # A number keeps the kind JSON gave it: the report showed an int and a float alike.
    if kind in (int, float) and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if kind is str and isinstance(value, str):
        return value
    raise TypeError(f"{value!r} is not a {kind}")
