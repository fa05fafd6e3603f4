"""From a FIT file's messages to wearsync's records: what the file is, its activities,
heart-rate readings, strength sets and weigh-ins (its monitoring values: fit_monitoring).

One pass over the message stream (the fast reader's blocks, fit_columns): nothing is kept per
message, heart rate goes into compact arrays, taken straight from the records' and the
monitoring messages' columns where the reader decoded them as columns. Every value passes the
gate (sync/gate.py) on its way in: a field of another type or size than the profile says, or out
of its plausible range, is dropped and counted, never the file. Only raw field values are read (see fit_messages); the
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

from wearsync.sync.fit_columns import FitBlock, FitColumns
from wearsync.sync.fit_content import (
    MONITORING_FILES,
    WEIGHT_FILE,
    Activity,
    FitContent,
    StrengthSet,
    WearerSettings,
    WeighIn,
)
from wearsync.sync.fit_messages import TIMESTAMP, Fields, FitMessage
from wearsync.sync.fit_monitoring import MONITORING, MONITORING_HR, MONITORING_INFO, Monitoring
from wearsync.sync.fit_monitoring_columns import MonitoringRows
from wearsync.sync.fit_values import (
    QUARTER_HOUR_S,
    UINT32_MAX,
    first,
    fit_uint,
    is_fit_time,
    named,
    stated_offset,
    unix,
    zone_offset,
)
from wearsync.sync.gate import DAY_S, FIT_EPOCH, FIT_SYSTEM_TIME_BELOW, LIMITS, Gate

# Global message numbers (the monitoring ones are fit_monitoring's).
FILE_ID, DEVICE_SETTINGS, SESSION, RECORD, ACTIVITY, SET = 0, 2, 18, 20, 34, 225
WEIGHT_SCALE = 30
USER_PROFILE, ZONES_TARGET = 3, 7
SPORT_NAMES = FIELD_TYPES["sport"].values
SUB_SPORT_NAMES = FIELD_TYPES["sub_sport"].values
FILE_TYPE_NAMES = FIELD_TYPES["file"].values | {44: "metrics", 49: "sleep"}
SEX_NAMES = {0: "female", 1: "male"}
SET_TYPE_NAMES = {0: "rest", 1: "active"}
STEP_SPORTS = {"running", "walking", "hiking"}
_TIME, _BPM = LIMITS["time"], LIMITS["heart_rate_bpm"]
_BPM_LOW, _BPM_HIGH = _BPM.low, _BPM.high
# The messages `_messages` reads; columns of any other are never made into messages.
_READS = frozenset(
    {RECORD, MONITORING, MONITORING_INFO, MONITORING_HR, FILE_ID, SESSION, ACTIVITY, SET}
    | {DEVICE_SETTINGS, WEIGHT_SCALE, USER_PROFILE, ZONES_TARGET}
)


def extract(blocks: Iterable[FitBlock], label: str, now: float | None = None) -> FitContent:
    """Read what wearsync needs out of a file's messages, in one pass."""
    return _Extractor(label, Gate(now)).run(blocks)


def extract_messages(messages: list[FitMessage], label: str, now: float | None = None) -> FitContent:
    """`extract` of messages read one by one (fitparse's)."""
    return extract([FitBlock([], list(enumerate(messages)))], label, now)


def _plausible_record(ts, bpm):
    """Whether a record's heart rate and time (ints, or numpy columns of them) pass the gate."""
    return (bpm >= _BPM_LOW) & (bpm <= _BPM_HIGH) & (ts >= 0) & (ts <= UINT32_MAX)


class _Extractor:
    """Collects one file's values as its messages stream past."""

    def __init__(self, label: str, gate: Gate):
        self.label = label
        self.gate = gate
        self.file_id: Fields | None = None
        self.sessions: list[Fields] = []
        self.activity_msgs: list[Fields] = []
        self.device_offsets: list[int] = []
        self.set_msgs: list[Fields] = []
        # heart-rate records: from messages one at a time, and chunks from the records' columns;
        # each with its position in the file, which orders them
        self.rec_ts = array("q")
        self.rec_bpm = array("q")
        self.rec_pos = array("q")
        self.rec_chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.any_session_or_record = False
        self.monitoring = Monitoring(label, gate)
        self.weigh_ins: list[WeighIn] = []
        self.user_profile: Fields = {}
        self.zones_target: Fields = {}

    def run(self, blocks: Iterable[FitBlock]) -> FitContent:
        for block in blocks:
            taken = [c for c in block.columns if c.num not in _READS or (c.num == RECORD and self._record_columns(c))]
            rows = MonitoringRows.of(block)
            if rows is None:
                self._messages(block.pairs(taken))
            else:
                self._messages_beside(rows, block.pairs(taken + rows.columns))
        return self._content()

    def _messages_beside(self, rows: MonitoringRows, pairs: list[tuple[int, FitMessage]]) -> None:
        """`_messages` of a block whose monitoring messages (55), columns and singles, are `rows`:
        each monitoring_info or monitoring_hr_data message is taken after the rows before it, as
        the stream orders them (the block's other messages share nothing with them)."""
        others = []
        for pos, m in pairs:
            if m.num == MONITORING:
                continue  # one of the rows
            if m.num in (MONITORING_INFO, MONITORING_HR):
                rows.take_until(self.monitoring, pos)
                self.monitoring.take(m.num, m.fields)
            else:
                others.append((pos, m))
        rows.take_until(self.monitoring, None)
        self._messages(others)

    def _record_columns(self, c: FitColumns) -> bool:
        """Take the heart rate of records decoded as columns, as `_messages` would one by one.
        False if their time or heart rate is not an integer column: `_messages` reads those."""
        self.any_session_or_record = True
        ts, bpm = c.fields.get(TIMESTAMP), c.fields.get(3)
        if ts is None or bpm is None:
            return True  # no record here holds both
        if not (ts.is_integer() and bpm.is_integer()):
            return False
        present = bpm.values != 0  # 0: some devices' "no reading"
        for column in (ts, bpm):
            if column.invalid is not None:
                present &= ~column.invalid
        t, b = ts.values, bpm.values
        good = present & _plausible_record(t, b)
        dropped = int(present.sum()) - int(good.sum())
        if dropped:
            self.gate.drop("record.heart_rate", dropped)
        self.rec_chunks.append((c.pos[good], t[good].astype(np.int64), b[good].astype(np.int64)))
        return True

    def _messages(self, pairs: list[tuple[int, FitMessage]]) -> None:
        for pos, m in pairs:
            num, f = m.num, m.fields
            if num == RECORD:
                self.any_session_or_record = True
                ts, bpm = f.get(TIMESTAMP), f.get(3)
                if bpm is None or ts is None or bpm == 0:
                    continue  # 0: some devices' "no reading"
                if type(bpm) is int and type(ts) is int and _plausible_record(ts, bpm):
                    self.rec_ts.append(ts)
                    self.rec_bpm.append(bpm)
                    self.rec_pos.append(pos)
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

    def _records(self) -> tuple[np.ndarray, np.ndarray]:
        """The heart-rate records' times and bpm, in file order."""
        one_by_one = (self.rec_pos, self.rec_ts, self.rec_bpm)
        chunks = [*self.rec_chunks, tuple(np.frombuffer(a, np.int64) for a in one_by_one)]
        pos, ts, bpm = (np.concatenate(parts) for parts in zip(*chunks, strict=True))
        if len(pos) > 1 and not (np.diff(pos) > 0).all():
            order = np.argsort(pos, kind="stable")
            ts, bpm = ts[order], bpm[order]
        return ts, bpm

    def _wearer(self) -> WearerSettings | None:
        """The user_profile / zones_target values, each gated; None when the file states none."""
        g, user = self.gate, self.user_profile
        sex = named(SEX_NAMES, user.get(1))
        resting = user.get(8)  # 0: the device keeps none
        wearer = WearerSettings(
            sex=sex,
            age=g.check(user.get(2), "age_years", "user_profile.age"),
            weight_kg=_scaled(g, user.get(4), 10, "weight_kg", "user_profile.weight"),
            resting_hr=g.check(resting, "resting_hr_bpm", "user_profile.resting_heart_rate") if resting else None,
            max_hr=g.check(self.zones_target.get(1), "max_hr_bpm", "zones_target.max_heart_rate"),
        )
        return wearer if any(value is not None for value in vars(wearer).values()) else None

    def _weigh_in(self, f: Fields) -> None:
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
        user = fit_uint(f.get(12), 0xFFFF)
        self.weigh_ins.append(
            WeighIn(
                when,
                weight,
                _scaled(g, f.get(1), 100, "body_fat_percent", "weight_scale.percent_fat"),
                None if user is None else user & 0x0FFF,
            )
        )

    def _device_settings(self, f: Fields) -> None:
        # time_offset (2) is a signed offset written as uint32 by most Garmin devices, and
        # time_zone_offset (5) counts quarter hours; 0 is what devices that keep no zone write.
        raw = fit_uint(first(f.get(2)))
        if raw:
            offset = zone_offset(raw - (1 << 32) if raw >= 1 << 31 else raw)
            if offset:
                self.device_offsets.append(offset)
        quarters = f.get(5)
        if type(quarters) is int and quarters and -128 <= quarters <= 127:
            offset = zone_offset(quarters * QUARTER_HOUR_S)
            if offset:
                self.device_offsets.append(offset)

    def _content(self) -> FitContent:
        g = self.gate
        fid = self.file_id or {}
        type_num = fit_uint(fid.get(0), 0xFF)
        file_type = FILE_TYPE_NAMES.get(type_num, f"type {type_num}") if type_num is not None else "unknown"
        content = FitContent(
            file_type,
            fit_uint(fid.get(3)),
            fit_uint(fid.get(4)),
            fit_uint(fid.get(1), 0xFFFF),
            fit_uint(fid.get(2), 0xFFFF),
        )
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
        ts, bpm = self._records()
        anchor = self._clock(content, ts[:1].tolist())
        if anchor is None:
            return
        shift, times_are_local = anchor
        ts = ts + shift
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
            span = self.gate.check_float(float(last - first), "duration_s", "records' time span")
            content.activities.append(
                Activity(
                    None,
                    None,
                    first,
                    offset,
                    span,
                    span,
                    None,
                    round(float(content.hr_bpm.mean())),
                    int(content.hr_bpm.max()),
                    None,
                    None,
                )
            )
            content.warnings.append(f"no session summary; summarised from {len(content.hr_ts)} records")
        for position, f in enumerate(self.set_msgs):
            content.sets.append(self._set(f, position, shift))

    def _clock(self, content: FitContent, first_record: list[int]) -> tuple[int, bool] | None:
        """How the file's times become Unix times: (shift, times are local), or None if they cannot.

        Sets the file's own UTC offset when it states a plausible one.
        """
        stamps = [f.get(TIMESTAMP) for f in self.sessions + self.activity_msgs] + first_record
        times = [t for t in stamps if type(t) is int]
        system = bool(times) and all(0 <= t < FIT_SYSTEM_TIME_BELOW for t in times)
        anchor = None
        for f in self.activity_msgs:
            local, utc = f.get(5), f.get(TIMESTAMP)
            if system and is_fit_time(local) and type(utc) is int and 0 <= utc < FIT_SYSTEM_TIME_BELOW:
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
                content.time_problem = (
                    "the device's clock was never set (its times count from power-on) and "
                    "nothing in the file anchors them"
                )
                return None
            content.warnings.append(
                "the device's clock counted from power-on; times anchored on the file's own local time"
            )
            return anchor, True
        if times and max(times) + FIT_EPOCH > self.gate.now + 86_400:
            content.time_problem = "its times lie in the future: the device's clock is wrong"
            return None
        return FIT_EPOCH, False

    def _session(self, f: Fields, shift: int, offset: int) -> Activity | None:
        g = self.gate
        start = f.get(2) if f.get(2) is not None else f.get(TIMESTAMP)
        start = g.time(start + shift, "session.start_time") if type(start) is int else None
        if start is None:
            return None
        sport = named(SPORT_NAMES, f.get(5))
        cycles = g.check(f.get(10), "steps_activity", "session.total_cycles")
        ascent = g.check_float(f.get(22), "ascent_m_day", "session.total_ascent")
        return Activity(
            sport=sport,
            sub_sport=named(SUB_SPORT_NAMES, f.get(6)),
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

    def _set(self, f: Fields, position: int, shift: int) -> StrengthSet:
        g = self.gate
        start = f.get(6)
        weight = _scaled(g, f.get(4), 16, "set_weight_kg", "set.weight")
        return StrengthSet(
            position=position,
            start_utc=g.time(start + shift, "set.start_time") if type(start) is int else None,
            duration_s=_scaled(g, f.get(0), 1000, "duration_s", "set.duration"),
            set_type=named(SET_TYPE_NAMES, f.get(5)),
            repetitions=g.check(f.get(3), "repetitions", "set.repetitions"),
            weight_kg=weight,
            category=g.check(first(f.get(7)), "category", "set.category"),
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
    return gate.check_float(raw / scale, limit, name)
