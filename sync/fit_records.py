"""From a FIT file's messages to wearsync's records: what the file is, its activities,
heart-rate readings, strength sets, monitoring values and weigh-ins.

One pass over the message stream: nothing is kept per message, heart rate goes into
compact arrays. Every value passes the gate (sync/gate.py) on its way in: a field of
another type or size than the profile says, or out of its plausible range, is dropped
and counted, never the file. Only raw field values are read (see fit_messages); the
scales applied here are the FIT profile's, except monitoring `cycles`, which is read
raw (trap 2 in docs/fit-notes.md).

Activity times are kept in UTC with the file's own UTC offset when the file states a
plausible one; otherwise `offset_s` stays None and the importer settles it (see
`fit_content.FitContent.place`). A file whose clock counts from power-on ("system time") is
re-anchored on its own local time when it states one.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

import numpy as np
from fitparse.profile import FIELD_TYPES
from wearsync.sync.fit_content import (
    MONITORING_FILES,
    WEIGHT_FILE,
    Activity,
    FitContent,
    MonitoringValue,
    StrengthSet,
    WearerSettings,
    WeighIn,
    local_day,
)
from wearsync.sync.fit_messages import FIT_EPOCH, TIMESTAMP, FitMessage
from wearsync.sync.gate import DAY_S, FIT_SYSTEM_TIME_BELOW, LIMITS, Gate, plausible

from wearsync.errors import FitError

# Global message numbers.
FILE_ID, DEVICE_SETTINGS, SESSION, RECORD, ACTIVITY = 0, 2, 18, 20, 34
MONITORING, MONITORING_INFO, MONITORING_HR, SET = 55, 103, 211, 225
WEIGHT_SCALE = 30
USER_PROFILE, ZONES_TARGET = 3, 7
SPORT_NAMES = FIELD_TYPES["sport"].values
SUB_SPORT_NAMES = FIELD_TYPES["sub_sport"].values
FILE_TYPE_NAMES = FIELD_TYPES["file"].values | {44: "metrics", 49: "sleep"}
STEP_SPORTS = {"running", "walking", "hiking"}
# Monitoring activity types whose `cycles` are steps (FIT activity_type: 1 running, 6 walking).
STEP_ACTIVITY_TYPES = {1, 6}
NO_TYPE = -1  # monitoring values that belong to no activity type (ascent, intensity minutes)
QUARTER_HOUR_S = 900  # every time zone in use is a whole number of quarter hours from UTC
# A stated offset this close to a quarter hour is that quarter hour (Bryton writes +3:00:03).
OFFSET_SLACK_S = 120
_TIME, _BPM = LIMITS["time"], LIMITS["heart_rate_bpm"]
_FIT_TIME_LOW, _FIT_TIME_HIGH = _TIME.low - FIT_EPOCH, _TIME.high - FIT_EPOCH
_BPM_LOW, _BPM_HIGH = _BPM.low, _BPM.high
UINT32_MAX = 0xFFFFFFFF


def unix(fit_time: int) -> int:
    return fit_time + FIT_EPOCH


def _closing_day(local_unix: int) -> str:
    # A value stamped at the end of its interval: one stamped exactly at local
    # midnight closes the day before (trap 4).
    return local_day(local_unix - 1)


def _day_of(closing_day: str, opening_day: str, value: int) -> str:
    # At local midnight the device writes the closing totals of one day beside the
    # zeros that open the next; a zero says nothing about the day that closed.
    return opening_day if value == 0 else closing_day


def stated_offset(local: object, utc: object) -> int | None:
    """The UTC offset a file states as local minus UTC time, if it is a real one.

    Both must be absolute FIT times; the difference must be within the world's time
    zones and, within a little slack, a whole number of quarter hours (it is rounded
    to that). An app that writes 0 or a time from another clock states nothing.
    """
    if not (_is_fit_time(local) and _is_fit_time(utc)):
        return None
    return _zone_offset(local - utc)


def _zone_offset(seconds: int) -> int | None:
    rounded = round(seconds / QUARTER_HOUR_S) * QUARTER_HOUR_S
    if abs(seconds - rounded) > OFFSET_SLACK_S or not plausible(rounded, "utc_offset_s"):
        return None
    return rounded


def _is_fit_time(value: object) -> bool:
    return type(value) is int and _FIT_TIME_LOW <= value <= _FIT_TIME_HIGH


def _fit_uint(value: object, high: int = UINT32_MAX) -> int | None:
    return value if type(value) is int and 0 <= value <= high else None


def _first(value: object) -> object:
    return value[0] if isinstance(value, tuple) and value else value


def extract(messages: Iterable[FitMessage], label: str, now: float | None = None) -> FitContent:
    """Read what wearsync needs out of a file's messages, in one pass."""
    return _Extractor(label, Gate(now)).run(messages)


class _Extractor:
    """Collects one file's values as its messages stream past."""

    def __init__(self, label: str, gate: Gate):
        self.label = label
        self.gate = gate
        self.file_id: dict | None = None
        self.sessions: list[dict] = []
        self.activity_msgs: list[dict] = []
        self.device_offsets: list[int] = []
        self.set_msgs: list[dict] = []
        self.rec_ts = array("q")
        self.rec_bpm = array("q")
        self.any_session_or_record = False
        self.monitoring = _Monitoring(label, gate)
        self.weigh_ins: list[WeighIn] = []
        self.user_profile: dict = {}
        self.zones_target: dict = {}

    def run(self, messages: Iterable[FitMessage]) -> FitContent:
        for m in messages:
            num, f = m.num, m.fields
            if num == RECORD:
                self.any_session_or_record = True
                ts, bpm = f.get(TIMESTAMP), f.get(3)
                if bpm is None or ts is None or bpm == 0:
                    continue  # 0: some devices' "no reading"
                if type(bpm) is int and _BPM_LOW <= bpm <= _BPM_HIGH and type(ts) is int and 0 <= ts <= UINT32_MAX:
                    self.rec_ts.append(ts)
                    self.rec_bpm.append(bpm)
                else:
                    self.gate.drop("record.heart_rate" if type(ts) is int else "record.timestamp")
            elif num in (MONITORING, MONITORING_INFO, MONITORING_HR):
                self.monitoring.take(num, f)
            elif num == FILE_ID:
                if self.file_id is None:
                    self.file_id = f
            elif num == SESSION:
                self.any_session_or_record = True
                self.sessions.append(f)
            elif num == ACTIVITY:
                self.activity_msgs.append(f)
            elif num == SET:
                self.set_msgs.append(f)
            elif num == DEVICE_SETTINGS:
                self._device_settings(f)
            elif num == WEIGHT_SCALE:
                self._weigh_in(f)
            elif num == USER_PROFILE and not self.user_profile:
                self.user_profile = f  # a multi-user scale's first user: the others are not the wearer
            elif num == ZONES_TARGET and f.get(1) is not None:
                self.zones_target = f  # a triathlon file repeats it per sport; the last stating a maximum
        return self._content()

    def _wearer(self) -> WearerSettings | None:
        """The user_profile / zones_target values, each gated; None when the file states none."""
        g, user = self.gate, self.user_profile
        sex = {0: "female", 1: "male"}.get(user.get(1))
        resting = user.get(8)  # 0: the device keeps none
        wearer = WearerSettings(
            sex=sex, age=g.check(user.get(2), "age_years", "user_profile.age"),
            weight_kg=_scaled(g, user.get(4), 10, "weight_kg", "user_profile.weight"),
            resting_hr=g.check(resting, "resting_hr_bpm", "user_profile.resting_heart_rate") if resting else None,
            max_hr=g.check(self.zones_target.get(1), "max_hr_bpm", "zones_target.max_heart_rate"))
        return wearer if any(value is not None for value in vars(wearer).values()) else None

    def _weigh_in(self, f: dict) -> None:
        # A scale writes its times in UTC (weight files state no local time: the importer
        # places them as it places an activity file that states none).
        g = self.gate
        ts = f.get(TIMESTAMP)
        when = g.time(unix(ts), "weight_scale.timestamp") if type(ts) is int else None
        weight = _scaled(g, f.get(0), 100, "weight_kg", "weight_scale.weight")  # 0xFFFE "calculating" too
        if when is None or weight is None:
            if type(ts) is not int:
                g.drop("weight_scale.timestamp")
            return
        user = _fit_uint(f.get(12), 0xFFFF)
        self.weigh_ins.append(WeighIn(when, weight, _scaled(g, f.get(1), 100, "body_fat_percent",
                                                             "weight_scale.percent_fat"),
                                      None if user is None else user & 0x0FFF))

    def _device_settings(self, f: dict) -> None:
        # time_offset (2) is a signed offset written as uint32 by most Garmin devices, and
        # time_zone_offset (5) counts quarter hours; 0 is what devices that keep no zone write.
        raw = _fit_uint(_first(f.get(2)))
        if raw:
            offset = _zone_offset(raw - (1 << 32) if raw >= 1 << 31 else raw)
            if offset:
                self.device_offsets.append(offset)
        quarters = f.get(5)
        if type(quarters) is int and quarters and -128 <= quarters <= 127:
            offset = _zone_offset(quarters * QUARTER_HOUR_S)
            if offset:
                self.device_offsets.append(offset)

    def _content(self) -> FitContent:
        g = self.gate
        fid = self.file_id or {}
        type_num = _fit_uint(fid.get(0), 0xFF)
        file_type = FILE_TYPE_NAMES.get(type_num, f"type {type_num}") if type_num is not None else "unknown"
        content = FitContent(file_type, _fit_uint(fid.get(3)), _fit_uint(fid.get(4)),
                             _fit_uint(fid.get(1), 0xFFFF), _fit_uint(fid.get(2), 0xFFFF))
        if content.file_type == "unknown" and self.any_session_or_record:
            content.file_type = "activity"  # some apps write no file_id; sessions and records say enough
        if content.file_type == "activity":
            self._activity(content)
        elif content.file_type in MONITORING_FILES:
            self.monitoring.finish(content)
        elif content.file_type == WEIGHT_FILE:
            content.weigh_ins = self.weigh_ins
            if self.device_offsets:
                content.offset_s, content.offset_origin = self.device_offsets[0], "the device's time-zone setting"
        content.wearer = self._wearer()
        content.warnings.extend(g.warnings())
        return content

    def _activity(self, content: FitContent) -> None:
        anchor = self._clock(content)
        if anchor is None:
            return
        shift, times_are_local = anchor
        ts = np.frombuffer(self.rec_ts, np.int64) + shift
        bpm = np.frombuffer(self.rec_bpm, np.int64)
        good = (ts >= _TIME.low) & (ts <= min(_TIME.high, self.gate.now + 86_400))
        if not good.all():
            self.gate.drop("record.timestamp", int((~good).sum()))
        ts, bpm = ts[good], bpm[good]
        content.times_are_local = times_are_local
        offset = content.offset_s if content.offset_s is not None else 0
        for f in self.sessions:
            activity = self._session(f, shift, offset)
            if activity is not None:
                content.activities.append(activity)
        inside = _within_activity(ts)
        if not inside.all():
            self.gate.drop("record.timestamp (outside the activity's time)", int((~inside).sum()))
        content.hr_ts, content.hr_bpm = ts[inside], bpm[inside]
        content.hr_offset = np.full(len(content.hr_ts), offset, np.int64)
        if not content.activities and len(content.hr_ts):
            # A file cut before its session message: summarise the records it kept.
            first, last = int(content.hr_ts.min()), int(content.hr_ts.max())
            span = self.gate.check(float(last - first), "duration_s", "records' time span")
            content.activities.append(Activity(None, None, first, offset, span, span, None,
                                               round(float(content.hr_bpm.mean())), int(content.hr_bpm.max()),
                                               None, None))
            content.warnings.append(f"no session summary; summarised from {len(content.hr_ts)} records")
        for position, f in enumerate(self.set_msgs):
            content.sets.append(self._set(f, position, shift))

    def _clock(self, content: FitContent) -> tuple[int, bool] | None:
        """How the file's times become Unix times: (shift, times are local), or None if they cannot.

        Sets the file's own UTC offset when it states a plausible one.
        """
        times = [f.get(TIMESTAMP) for f in self.sessions + self.activity_msgs] + list(self.rec_ts[:1])
        times = [t for t in times if type(t) is int]
        system = bool(times) and all(0 <= t < FIT_SYSTEM_TIME_BELOW for t in times)
        anchor = None
        for f in self.activity_msgs:
            local, utc = f.get(5), f.get(TIMESTAMP)
            if system and _is_fit_time(local) and type(utc) is int and 0 <= utc < FIT_SYSTEM_TIME_BELOW:
                anchor = local - utc + FIT_EPOCH  # power-on seconds + this = the file's local time
                break
            offset = None if system else stated_offset(local, utc)
            if offset is not None:
                content.offset_s, content.offset_origin = offset, "the file's own local time"
                break
        if content.offset_s is None:
            infos = [] if system else [stated_offset(f.get(0), f.get(TIMESTAMP)) for f in self.monitoring.infos]
            stated = [o for o in infos if o is not None]
            if stated:
                content.offset_s, content.offset_origin = stated[0], "the file's monitoring_info"
            elif self.device_offsets:
                content.offset_s, content.offset_origin = self.device_offsets[0], "the device's time-zone setting"
        if system:
            if anchor is None:
                content.time_problem = ("the device's clock was never set (its times count from power-on) and "
                                        "nothing in the file anchors them")
                return None
            content.warnings.append("the device's clock counted from power-on; times anchored on the file's own "
                                    "local time")
            return anchor, True
        if times and max(times) + FIT_EPOCH > self.gate.now + 86_400:
            content.time_problem = "its times lie in the future: the device's clock is wrong"
            return None
        return FIT_EPOCH, False

    def _session(self, f: dict, shift: int, offset: int) -> Activity | None:
        g = self.gate
        start = f.get(2) if f.get(2) is not None else f.get(TIMESTAMP)
        start = g.time(start + shift, "session.start_time") if type(start) is int else None
        if start is None:
            return None
        sport_num = _fit_uint(f.get(5), 0xFF)
        sport = SPORT_NAMES.get(sport_num) if sport_num is not None else None
        sub_num = _fit_uint(f.get(6), 0xFF)
        cycles = g.check(f.get(10), "steps_activity", "session.total_cycles")
        ascent = g.check(f.get(22), "ascent_m_day", "session.total_ascent")
        return Activity(
            sport=sport,
            sub_sport=SUB_SPORT_NAMES.get(sub_num) if sub_num is not None else None,
            start_utc=start,
            utc_offset_s=offset,
            elapsed_s=_scaled(g, f.get(7), 1000, "duration_s", "session.total_elapsed_time"),
            timer_s=_scaled(g, f.get(8), 1000, "duration_s", "session.total_timer_time"),
            calories=g.check(f.get(11), "kcal_activity", "session.total_calories"),
            avg_hr=g.check(f.get(16), "heart_rate_bpm", "session.avg_heart_rate"),
            max_hr=g.check(f.get(17), "heart_rate_bpm", "session.max_heart_rate"),
            ascent_m=float(ascent) if ascent is not None else None,
            # walk/run sessions count strides in total_cycles: two steps each
            steps=2 * cycles if cycles is not None and sport in STEP_SPORTS else None,
        )

    def _set(self, f: dict, position: int, shift: int) -> StrengthSet:
        g = self.gate
        start = f.get(6)
        weight = _scaled(g, f.get(4), 16, "set_weight_kg", "set.weight")
        return StrengthSet(
            position=position,
            start_utc=g.time(start + shift, "set.start_time") if type(start) is int else None,
            duration_s=_scaled(g, f.get(0), 1000, "duration_s", "set.duration"),
            set_type={0: "rest", 1: "active"}.get(f.get(5)) if type(f.get(5)) is int else None,
            repetitions=g.check(f.get(3), "repetitions", "set.repetitions"),
            weight_kg=weight,
            category=g.check(_first(f.get(7)), "category", "set.category"),
        )


def _within_activity(ts: np.ndarray) -> np.ndarray:
    """Which record times (in file order) can belong to one activity: within half the longest
    activity of the records' median time, and not a lone record a day or more away from both
    its neighbours. A record stamped days away is a corrupt time, not a reading of that day."""
    if len(ts) < 3:
        return np.ones(len(ts), bool)
    half = LIMITS["duration_s"].high / 2
    middle = float(np.median(ts))
    inside = (ts >= middle - half) & (ts <= middle + half)
    jump = np.abs(np.diff(ts)) >= DAY_S
    alone = np.concatenate(([jump[0]], jump[:-1] & jump[1:], [jump[-1]]))
    return inside & ~alone


def _scaled(gate: Gate, raw: object, scale: int, limit: str, name: str) -> float | None:
    """A raw integer field in the profile's unit, if plausible."""
    if raw is None:
        return None
    if type(raw) is not int:
        gate.drop(name)
        return None
    value = gate.check(raw / scale, limit, name)
    return None if value is None else float(value)


# Monitoring fields: (field number, metric, kind, limit). Totals run since local midnight.
_MONITORING_TOTALS_BY_TYPE = ((3, "steps", "steps_day"), (19, "active_kcal", "kcal_day"))
_MONITORING_UNTYPED = (
    (35, "ascent_mm", "total", "ascent_mm_day"), (36, "descent_mm", "total", "ascent_mm_day"),
    (37, "moderate_min", "total", "minutes_day"), (38, "vigorous_min", "total", "minutes_day"),
    (31, "ascent_mm", "increment", "ascent_mm_day"), (32, "descent_mm", "increment", "ascent_mm_day"),
    (33, "moderate_min", "increment", "minutes_day"), (34, "vigorous_min", "increment", "minutes_day"),
)


class _Monitoring:
    """All-day monitoring values, placed on local days by the file's monitoring_info offsets."""

    def __init__(self, label: str, gate: Gate):
        self.label = label
        self.gate = gate
        self.infos: list[dict] = []
        self.values: list[MonitoringValue] = []
        self.ts = array("q")
        self.bpm = array("q")
        self.offsets = array("q")
        self.offset: int | None = None
        self.last_full: int | None = None
        self.data_before_info = False

    def take(self, num: int, f: dict) -> None:
        g = self.gate
        ts = f.get(TIMESTAMP)
        if ts is not None and type(ts) is not int:
            g.drop("monitoring.timestamp")
            return
        if ts is not None and num in (MONITORING, MONITORING_INFO):
            # Only monitoring times anchor timestamp_16: other messages (events) may be
            # stamped a little after the monitoring sample that follows them.
            self.last_full = ts
        if num == MONITORING_INFO:
            self.infos.append(f)
            self._info(f, ts)
            return
        ts16 = f.get(26)
        if ts is None and type(ts16) is int and self.last_full is not None:
            # trap 1: rebuild the full time from the last full timestamp
            ts = self.last_full + ((ts16 - self.last_full) & 0xFFFF)
        if ts is None:
            return
        when = g.time(unix(ts), "monitoring.timestamp")
        if when is None:
            return
        if self.offset is None:
            self.data_before_info = True
            return
        offset = self.offset
        day = _closing_day(when + offset)
        if num == MONITORING_HR:  # the resting HR of the day that closes at its stamp
            # field 1 is that day's own resting heart rate, field 0 the device's 7-day average of
            # them: the day's own first, the average only when a device states no other
            # (0: none stated)
            resting = (g.check(f.get(1) or None, "resting_hr_bpm", "monitoring_hr_data.current_day_resting_heart_rate")
                       or g.check(f.get(0) or None, "resting_hr_bpm", "monitoring_hr_data.resting_heart_rate"))
            if resting:
                self.values.append(MonitoringValue(day, when, NO_TYPE, "resting_hr", "info", resting))
            return
        opening_day = local_day(when + offset)
        bpm = f.get(27)
        if bpm:  # 0: no reading
            bpm = g.check(bpm, "heart_rate_bpm", "monitoring.heart_rate")
            if bpm:
                self.ts.append(when)
                self.bpm.append(bpm)
                self.offsets.append(offset)
        activity_type = _fit_uint(f.get(5), 0xFF)
        if activity_type is None and type(_first(f.get(24))) is int:
            activity_type = _first(f.get(24)) & 0x1F  # trap 2: bits 0-4 of 55/24
        if activity_type is not None:
            for number, metric, limit in _MONITORING_TOTALS_BY_TYPE:
                value = f.get(number)
                if value is None or (metric == "steps" and activity_type not in STEP_ACTIVITY_TYPES):
                    continue
                value = g.check(value, limit, f"monitoring.{metric}")
                if value is not None:
                    self.values.append(MonitoringValue(_day_of(day, opening_day, value), when, activity_type,
                                                       metric, "total", value))
        for number, metric, kind, limit in _MONITORING_UNTYPED:
            value = f.get(number)
            if value is not None:
                value = g.check(value, limit, f"monitoring.{metric}")
                if value is not None:
                    self.values.append(MonitoringValue(_day_of(day, opening_day, value), when, NO_TYPE, metric,
                                                       kind, value))

    def _info(self, f: dict, ts: int | None) -> None:
        offset = stated_offset(f.get(0), ts)
        if offset is None:
            if f.get(0) is not None:
                self.gate.drop("monitoring_info.local_timestamp")
            return
        self.offset = offset
        when = unix(ts)
        day = local_day(when + offset)
        self.values.append(MonitoringValue(day, when, NO_TYPE, "utc_offset_s", "info", offset))
        rmr = self.gate.check(f.get(5), "rmr_kcal_day", "monitoring_info.resting_metabolic_rate")
        if rmr is not None:
            self.values.append(MonitoringValue(day, when, NO_TYPE, "rmr_kcal", "info", rmr))

    def finish(self, content: FitContent) -> None:
        if self.offset is None:
            raise FitError(f"{self.label}: monitoring file without a usable monitoring_info; the local day is unknown")
        if self.data_before_info:
            content.warnings.append("monitoring data before the first monitoring_info dropped: its day is unknown")
        content.hr_source = "monitoring"
        content.monitoring = self.values
        content.hr_ts = np.frombuffer(self.ts, np.int64).copy()
        content.hr_bpm = np.frombuffer(self.bpm, np.int64).copy()
        content.hr_offset = np.frombuffer(self.offsets, np.int64).copy()
        content.offset_s, content.offset_origin = self.offset, "the file's monitoring_info"
