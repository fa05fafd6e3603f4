"""From a FIT file's messages to wearsync's records: what the file is, its activities,
heart-rate readings, strength sets and monitoring values.

Only raw field values are read (see fit_messages); the scales applied here are the
FIT profile's, except monitoring `cycles`, which is read raw (trap 2 in fit-format.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from fitparse.profile import FIELD_TYPES

from wearsync.errors import FitError
from wearsync.sync.fit_messages import FIT_EPOCH, TIMESTAMP, FitMessage
from wearsync.sync.gate import FIRST_LOCAL_DAY, LAST_LOCAL_DAY, Gate, plausible

# Global message numbers.
FILE_ID, SESSION, RECORD, ACTIVITY, MONITORING, MONITORING_INFO, MONITORING_HR, SET = 0, 18, 20, 34, 55, 103, 211, 225
ACTIVITY_FILE, MONITORING_FILES = 4, (15, 32)
SPORT_NAMES = FIELD_TYPES["sport"].values
SUB_SPORT_NAMES = FIELD_TYPES["sub_sport"].values
FILE_TYPE_NAMES = FIELD_TYPES["file"].values | {44: "metrics", 49: "sleep"}
STEP_SPORTS = {"running", "walking", "hiking"}
# Monitoring activity types whose `cycles` are steps (FIT activity_type: 1 running, 6 walking).
STEP_ACTIVITY_TYPES = {1, 6}
NO_TYPE = -1  # monitoring values that belong to no activity type (ascent, intensity minutes)


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
        return _local_day(self.start_utc + self.utc_offset_s)


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
    heart_rates: list[tuple[int, int, int]] = field(default_factory=list)  # (ts, bpm, utc_offset_s)
    hr_source: str = "activity"
    monitoring: list[MonitoringValue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    damaged: bool = False  # the reader kept only part of the file

    def skip_reason(self) -> str | None:
        """Why this file holds nothing wearsync imports, or None."""
        if self.file_type not in ("activity", "monitoring_a", "monitoring_b"):
            return f"a {self.file_type} file: wearsync reads activity and monitoring files only"
        if not (self.activities or self.heart_rates or self.monitoring):
            return f"an empty {self.file_type} file: no session, heart rate or monitoring data"
        return None


def unix(fit_time: int) -> int:
    return fit_time + FIT_EPOCH


def _local_day(local_unix: int) -> str:
    return (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=local_unix)).date().isoformat()


def _closing_day(local_unix: int) -> str:
    # A value stamped at the end of its interval: one stamped exactly at local
    # midnight closes the day before (trap 4).
    return _local_day(local_unix - 1)


def _day_of(closing_day: str, opening_day: str, value: int) -> str:
    # At local midnight the device writes the closing totals of one day beside the
    # zeros that open the next; a zero says nothing about the day that closed.
    return opening_day if value == 0 else closing_day


def _first(value):
    return value[0] if isinstance(value, tuple) else value


def extract(messages: list[FitMessage], label: str) -> FitContent:
    """Read what wearsync needs out of a file's messages."""
    file_ids = [m for m in messages if m.num == FILE_ID]
    if file_ids:
        fid = file_ids[0].fields
        type_num = fid.get(0)
        file_type = FILE_TYPE_NAMES.get(type_num, f"type {type_num}") if type_num is not None else "unknown"
        content = FitContent(file_type, fid.get(3), fid.get(4), fid.get(1), fid.get(2))
    else:
        content = FitContent("unknown", None, None, None, None)
    if content.file_type == "unknown" and any(m.num in (SESSION, RECORD) for m in messages):
        content.file_type = "activity"  # some apps write no file_id; sessions and records say enough
    if content.file_type == "activity":
        _extract_activity(messages, content, label)
    elif content.file_type in ("monitoring_a", "monitoring_b"):
        _extract_monitoring(messages, content, label)
    _keep_plausible(content)
    return content


def _keep_plausible(content: FitContent) -> None:
    """Drop what the store's limits refuse (its CHECK constraints hold the gate's limits).

    A bridge until issue 9 gates every value where it is extracted: the offset of a file
    whose local time is implausible is taken as UTC (as for a file without one); an activity,
    reading or monitoring value at an implausible time is dropped; other values become unknown.
    """
    gate = Gate()
    if any(not plausible(a.utc_offset_s, "utc_offset_s") for a in content.activities) or any(
            not plausible(offset, "utc_offset_s") for _ts, _bpm, offset in content.heart_rates):
        content.warnings.append("an implausible local time in the file; its day is taken in UTC")
        for activity in content.activities:
            activity.utc_offset_s = activity.utc_offset_s if plausible(activity.utc_offset_s, "utc_offset_s") else 0
        content.heart_rates = [(ts, bpm, offset if plausible(offset, "utc_offset_s") else 0)
                               for ts, bpm, offset in content.heart_rates]
    content.activities = [a for a in content.activities if gate.check(a.start_utc, "time", "start_time") is not None]
    for a in content.activities:
        a.elapsed_s, a.timer_s = gate.check(a.elapsed_s, "duration_s", "elapsed_time"), gate.check(
            a.timer_s, "duration_s", "timer_time")
        a.calories = gate.check(a.calories, "kcal_activity", "calories")
        a.avg_hr = gate.check(a.avg_hr, "heart_rate_bpm", "avg_heart_rate")
        a.max_hr = gate.check(a.max_hr, "heart_rate_bpm", "max_heart_rate")
        a.ascent_m = gate.check(a.ascent_m, "ascent_m_day", "total_ascent")
        a.steps = gate.check(a.steps, "steps_activity", "steps")
    content.heart_rates = [(ts, bpm, offset) for ts, bpm, offset in content.heart_rates
                           if gate.check(ts, "time", "record time") is not None
                           and gate.check(bpm, "heart_rate_bpm", "heart_rate") is not None]
    for s in content.sets:
        s.start_utc = gate.check(s.start_utc, "time", "set start_time")
        s.duration_s = gate.check(s.duration_s, "duration_s", "set duration")
        s.repetitions = gate.check(s.repetitions, "repetitions", "repetitions")
        s.weight_kg = gate.check(s.weight_kg, "set_weight_kg", "weight")
        s.category = gate.check(s.category, "category", "category")
    content.monitoring = [v for v in content.monitoring if gate.check(v.ts, "time", "monitoring time") is not None
                          and FIRST_LOCAL_DAY.isoformat() <= v.local_day <= LAST_LOCAL_DAY.isoformat()]
    content.warnings += gate.warnings()


def _activity_offset(messages: list[FitMessage], content: FitContent, label: str) -> int:
    for m in messages:
        if m.num == ACTIVITY and m.fields.get(5) is not None and m.fields.get(TIMESTAMP) is not None:
            return m.fields[5] - m.fields[TIMESTAMP]
    content.warnings.append("no local time in the file; its day is taken in UTC")
    return 0


def _extract_activity(messages: list[FitMessage], content: FitContent, label: str) -> None:
    offset = _activity_offset(messages, content, label)
    readings = []
    for m in messages:
        if m.num == RECORD:
            ts, bpm = m.fields.get(TIMESTAMP), m.fields.get(3)
            if ts is not None and bpm:
                readings.append((unix(ts), bpm, offset))
    content.heart_rates = readings
    for m in messages:
        if m.num == SESSION:
            f = m.fields
            start = f.get(2) if f.get(2) is not None else f.get(TIMESTAMP)
            if start is None:
                continue
            sport = SPORT_NAMES.get(f.get(5)) if f.get(5) is not None else None
            cycles = f.get(10)
            content.activities.append(Activity(
                sport=sport,
                sub_sport=SUB_SPORT_NAMES.get(f.get(6)) if f.get(6) is not None else None,
                start_utc=unix(start),
                utc_offset_s=offset,
                elapsed_s=_scaled(f.get(7), 1000),
                timer_s=_scaled(f.get(8), 1000),
                calories=f.get(11),
                avg_hr=f.get(16),
                max_hr=f.get(17),
                ascent_m=float(f[22]) if f.get(22) is not None else None,
                # walk/run sessions count strides in total_cycles: two steps each
                steps=2 * cycles if cycles is not None and sport in STEP_SPORTS else None,
            ))
    if not content.activities and readings:
        # A file cut before its session message: summarise the records it kept.
        bpms = [r[1] for r in readings]
        span = readings[-1][0] - readings[0][0]
        content.activities.append(Activity(None, None, readings[0][0], offset, span, span, None,
                                           round(sum(bpms) / len(bpms)), max(bpms), None, None))
        content.warnings.append(f"no session summary; summarised from {len(readings)} records")
    position = 0
    for m in messages:
        if m.num == SET:
            f = m.fields
            set_type = {0: "rest", 1: "active"}.get(f.get(5))
            content.sets.append(StrengthSet(
                position=position,
                start_utc=unix(f[6]) if f.get(6) is not None else None,
                duration_s=_scaled(f.get(0), 1000),
                set_type=set_type,
                repetitions=f.get(3),
                weight_kg=_scaled(f.get(4), 16),
                category=_first(f.get(7)),
            ))
            position += 1


def _scaled(value, scale: int) -> float | None:
    return None if value is None else value / scale


# Monitoring fields: (field number, metric, kind). Totals run since local midnight.
_MONITORING_TOTALS_BY_TYPE = ((3, "steps"), (19, "active_kcal"))
_MONITORING_UNTYPED = (
    (35, "ascent_mm", "total"), (36, "descent_mm", "total"),
    (37, "moderate_min", "total"), (38, "vigorous_min", "total"),
    (31, "ascent_mm", "increment"), (32, "descent_mm", "increment"),
    (33, "moderate_min", "increment"), (34, "vigorous_min", "increment"),
)


def _extract_monitoring(messages: list[FitMessage], content: FitContent, label: str) -> None:
    content.hr_source = "monitoring"
    offset = None
    last_full = None
    values = content.monitoring
    readings = content.heart_rates
    for m in messages:
        f = m.fields
        ts = f.get(TIMESTAMP)
        if ts is not None and m.num in (MONITORING, MONITORING_INFO):
            # Only monitoring times anchor timestamp_16: other messages (events) may be
            # stamped a little after the monitoring sample that follows them.
            last_full = ts
        if m.num == MONITORING_INFO:
            if f.get(0) is not None and ts is not None:
                offset = f[0] - ts
                day = _local_day(unix(f[0]))
                values.append(MonitoringValue(day, unix(ts), NO_TYPE, "utc_offset_s", "info", offset))
                if f.get(5) is not None:
                    values.append(MonitoringValue(day, unix(ts), NO_TYPE, "rmr_kcal", "info", f[5]))
            continue
        if m.num not in (MONITORING, MONITORING_HR):
            continue
        if ts is None and f.get(26) is not None and last_full is not None:
            # trap 1: rebuild the full time from the last full timestamp
            ts = last_full + ((f[26] - last_full) & 0xFFFF)
        if ts is None:
            continue
        if offset is None:
            raise FitError(f"{label}: monitoring data before any monitoring_info; the local day is unknown")
        when = unix(ts)
        day = _closing_day(when + offset)
        if m.num == MONITORING_HR:  # the resting HR of the day that closes at its stamp
            if f.get(0):
                values.append(MonitoringValue(day, when, NO_TYPE, "resting_hr", "info", f[0]))
            continue
        opening_day = _local_day(when + offset)
        if f.get(27):
            readings.append((when, f[27], offset))
        activity_type = f.get(5)
        if activity_type is None and f.get(24) is not None:
            activity_type = _first(f[24]) & 0x1F  # trap 2: bits 0-4 of 55/24
        if activity_type is not None:
            for number, metric in _MONITORING_TOTALS_BY_TYPE:
                value = f.get(number)
                if value is None or (metric == "steps" and activity_type not in STEP_ACTIVITY_TYPES):
                    continue
                values.append(MonitoringValue(_day_of(day, opening_day, value), when, activity_type, metric,
                                              "total", value))
        for number, metric, kind in _MONITORING_UNTYPED:
            if f.get(number) is not None:
                values.append(MonitoringValue(_day_of(day, opening_day, f[number]), when, NO_TYPE, metric, kind,
                                              f[number]))
    if offset is None:
        raise FitError(f"{label}: monitoring file without monitoring_info; the local day is unknown")
