"""What wearsync keeps from one FIT file: its activities, heart-rate readings (as arrays),
strength sets, monitoring values and weigh-ins, and how its local time is settled.

`sync/fit_records.py` fills it from a file's messages; `sync/fit_import.py` stores it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from wearsync.unix_days import day_of

WEIGHT_FILE = "weight"
MONITORING_FILES = ("monitoring_a", "monitoring_b")


@dataclass
class Activity:
    sport: str | None
    sub_sport: str | None
    start_utc: int
    utc_offset_s: int
    elapsed_s: float | None
    timer_s: float | None
    calories: int | None
    avg_hr: int | None
    max_hr: int | None
    ascent_m: float | None
    steps: int | None

    @property
    def local_day(self) -> str:
        return local_day(self.start_utc + self.utc_offset_s)


@dataclass
class StrengthSet:
    position: int
    start_utc: int | None
    duration_s: float | None
    set_type: str | None
    repetitions: int | None
    weight_kg: float | None
    category: int | None


@dataclass
class WeighIn:
    ts: int  # UTC
    weight_kg: float
    fat_percent: float | None
    user_index: int | None  # the scale's user (weight_scale.user_profile_index); None: not named


@dataclass
class WearerSettings:
    """The wearer as the device knew them: FIT user_profile (3) and zones_target (7), gated."""

    sex: str | None  # "female" or "male"
    age: int | None
    weight_kg: float | None
    resting_hr: int | None  # the user profile's resting heart rate
    max_hr: int | None  # zones_target's maximum heart rate (the wearer's zones)


@dataclass
class MonitoringValue:
    local_day: str
    ts: int
    activity_type: int
    metric: str
    kind: str  # 'total', 'increment' or 'info'
    value: int


@dataclass
class FitContent:
    """Everything wearsync keeps from one FIT file."""

    file_type: str
    serial: int | None
    time_created: int | None
    manufacturer: int | None
    product: int | None
    activities: list[Activity] = field(default_factory=list)
    sets: list[StrengthSet] = field(default_factory=list)
    # Heart-rate readings as columns: UTC seconds, bpm, the UTC offset of each.
    hr_ts: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    hr_bpm: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    hr_offset: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    hr_source: str = "activity"
    monitoring: list[MonitoringValue] = field(default_factory=list)
    weigh_ins: list[WeighIn] = field(default_factory=list)
    wearer: WearerSettings | None = None
    warnings: list[str] = field(default_factory=list)
    damaged: bool = False  # the reader kept only part of the file
    # An activity file's UTC offset and where it came from; None: the importer settles it.
    offset_s: int | None = None
    offset_origin: str = ""
    # The file's clock counted from power-on and was anchored on its own local time:
    # its times are local until `place` subtracts the offset.
    times_are_local: bool = False
    # Why the file cannot be placed in time at all (clock never set, in the future).
    time_problem: str | None = None

    def skip_reason(self) -> str | None:
        """Why this file holds nothing wearsync imports, or None."""
        if self.file_type not in ("activity", WEIGHT_FILE, *MONITORING_FILES):
            return f"a {self.file_type} file: wearsync reads activity, monitoring and weight files only"
        if self.time_problem:
            return self.time_problem
        if self.file_type == WEIGHT_FILE:
            return None if self.weigh_ins else "an empty weight file: no plausible weigh-in"
        if not (self.activities or len(self.hr_ts) or self.monitoring):
            return f"an empty {self.file_type} file: no session, heart rate or monitoring data"
        return None

    @property
    def start(self) -> int | None:
        """The first time in the file (UTC, or local while `times_are_local`)."""
        times = (
            [a.start_utc for a in self.activities]
            + ([int(self.hr_ts[0])] if len(self.hr_ts) else [])
            + [w.ts for w in self.weigh_ins]
        )
        return min(times) if times else None

    def place(self, offset_s: int, origin: str) -> None:
        """Settle an activity file's UTC offset (from the importer's fallbacks)."""
        shift = offset_s if self.times_are_local else 0
        for activity in self.activities:
            activity.start_utc -= shift
            activity.utc_offset_s = offset_s
        for strength_set in self.sets:
            if strength_set.start_utc is not None:
                strength_set.start_utc -= shift
        self.hr_ts = self.hr_ts - shift
        self.hr_offset = np.full(len(self.hr_ts), offset_s, np.int64)
        self.offset_s, self.offset_origin, self.times_are_local = offset_s, origin, False


def local_day(local_unix: int) -> str:
    return day_of(local_unix).isoformat()
