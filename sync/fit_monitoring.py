"""All-day monitoring messages (monitoring, monitoring_info, monitoring_hr_data) to wearsync's
monitoring values and heart-rate readings, each placed on its local day by the file's
monitoring_info offsets. fit_records hands each monitoring message here as the stream passes;
a block's monitoring messages that the reader decoded as columns are taken at once, with the same
result, by fit_monitoring_columns (monitoring_info and monitoring_hr_data always come here).

Totals run since local midnight and are stamped at the end of their interval; `cycles` are read
raw (trap 2 in docs/fit-notes.md).
"""

from __future__ import annotations

from array import array

import numpy as np

from wearsync.errors import FitError
from wearsync.sync.fit_content import FitContent, MonitoringValue, local_day
from wearsync.sync.fit_messages import TIMESTAMP, Fields
from wearsync.sync.fit_values import first, fit_uint, stated_offset, unix
from wearsync.sync.gate import Gate

# Global message numbers.
MONITORING, MONITORING_INFO, MONITORING_HR = 55, 103, 211
# Monitoring activity types whose `cycles` are steps (FIT activity_type: 1 running, 6 walking).
STEP_ACTIVITY_TYPES = {1, 6}
NO_TYPE = -1  # monitoring values that belong to no activity type (ascent, intensity minutes)


def _closing_day(local_unix: int) -> str:
    # A value stamped at the end of its interval: one stamped exactly at local
    # midnight closes the day before (trap 4).
    return local_day(local_unix - 1)


def _day_of(closing_day: str, opening_day: str, value: int) -> str:
    # At local midnight the device writes the closing totals of one day beside the
    # zeros that open the next; a zero says nothing about the day that closed.
    return opening_day if value == 0 else closing_day


# Monitoring fields: (field number, metric, kind, limit). Totals run since local midnight.
MONITORING_TOTALS_BY_TYPE = ((3, "steps", "steps_day"), (19, "active_kcal", "kcal_day"))
MONITORING_UNTYPED = (
    (35, "ascent_mm", "total", "ascent_mm_day"),
    (36, "descent_mm", "total", "ascent_mm_day"),
    (37, "moderate_min", "total", "minutes_day"),
    (38, "vigorous_min", "total", "minutes_day"),
    (31, "ascent_mm", "increment", "ascent_mm_day"),
    (32, "descent_mm", "increment", "ascent_mm_day"),
    (33, "moderate_min", "increment", "minutes_day"),
    (34, "vigorous_min", "increment", "minutes_day"),
)


class Monitoring:
    """All-day monitoring values, placed on local days by the file's monitoring_info offsets."""

    def __init__(self, label: str, gate: Gate):
        self.label = label
        self.gate = gate
        self.infos: list[Fields] = []
        self.values: list[MonitoringValue] = []
        self.ts = array("q")
        self.bpm = array("q")
        self.offsets = array("q")
        self.offset: int | None = None
        self.last_full: int | None = None
        self.data_before_info = False

    def take(self, num: int, f: Fields) -> None:
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
            resting = g.check(
                f.get(1) or None, "resting_hr_bpm", "monitoring_hr_data.current_day_resting_heart_rate"
            ) or g.check(f.get(0) or None, "resting_hr_bpm", "monitoring_hr_data.resting_heart_rate")
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
        activity_type = fit_uint(f.get(5), 0xFF)
        type_and_intensity = fit_uint(first(f.get(24)), 0xFF)
        if activity_type is None and type_and_intensity is not None:
            activity_type = type_and_intensity & 0x1F  # trap 2: bits 0-4 of 55/24
        if activity_type is not None:
            for number, metric, limit in MONITORING_TOTALS_BY_TYPE:
                value = f.get(number)
                if value is None or (metric == "steps" and activity_type not in STEP_ACTIVITY_TYPES):
                    continue
                value = g.check(value, limit, f"monitoring.{metric}")
                if value is not None:
                    self.values.append(
                        MonitoringValue(_day_of(day, opening_day, value), when, activity_type, metric, "total", value)
                    )
        for number, metric, kind, limit in MONITORING_UNTYPED:
            value = f.get(number)
            if value is not None:
                value = g.check(value, limit, f"monitoring.{metric}")
                if value is not None:
                    self.values.append(
                        MonitoringValue(_day_of(day, opening_day, value), when, NO_TYPE, metric, kind, value)
                    )

    def _info(self, f: Fields, ts: int | None) -> None:
        offset = stated_offset(f.get(0), ts)
        if offset is None or ts is None:  # a stated offset needs ts
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
