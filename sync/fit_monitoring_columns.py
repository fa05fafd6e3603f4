"""A block's monitoring messages (55) as one table of integer columns, taken at once with numpy:
the same values, heart-rate readings, gate drops and order as `fit_monitoring.Monitoring.take`
gives them one message at a time.

The table holds every monitoring message of a block, from its columns (fit_columns) and the ones
the reader decoded alone, in file order; `MonitoringRows.of` gives None when any field read here
is not an integer (a float, an array, a 64-bit value ...): such a block goes through `take`.
monitoring_info (which sets the offset) and monitoring_hr_data stay messages: the caller takes the
rows before each of them (`take_until`), so the state they share (the last full timestamp for
timestamp_16, the offset) is what the one-by-one path sees at every message.
"""

from __future__ import annotations

import numpy as np

from wearsync.sync.fit_columns import ARRAY, BYTES, SCALAR, FitBlock, FitColumns
from wearsync.sync.fit_content import MonitoringValue, local_day
from wearsync.sync.fit_messages import TIMESTAMP
from wearsync.sync.fit_monitoring import (
    MONITORING,
    MONITORING_TOTALS_BY_TYPE,
    MONITORING_UNTYPED,
    NO_TYPE,
    STEP_ACTIVITY_TYPES,
    Monitoring,
)
from wearsync.sync.fit_values import first
from wearsync.sync.gate import DAY_S, FIT_EPOCH, LIMITS, Gate

TIMESTAMP_16, HEART_RATE, ACTIVITY_TYPE, TYPE_AND_INTENSITY = 26, 27, 5, 24
# Every field `take` reads of a monitoring message (55/24 may be a byte array: its first element).
_READ = (TIMESTAMP, TIMESTAMP_16, HEART_RATE, ACTIVITY_TYPE, TYPE_AND_INTENSITY) + tuple(
    number for number, *_ in MONITORING_TOTALS_BY_TYPE + MONITORING_UNTYPED
)
# The values of one message in the order `take` appends them: (field, metric, kind, limit, typed).
_SLOTS = tuple((number, metric, "total", limit, True) for number, metric, limit in MONITORING_TOTALS_BY_TYPE) + tuple(
    (number, metric, kind, limit, False) for number, metric, kind, limit in MONITORING_UNTYPED
)
_TYPED = np.array([typed for *_, typed in _SLOTS])
_STEP_TYPES = np.array(sorted(STEP_ACTIVITY_TYPES))
_TIME, _BPM = LIMITS["time"], LIMITS["heart_rate_bpm"]


class MonitoringRows:
    """A block's monitoring messages in file order: each read field as int64 values and a mask of
    the messages that hold it (a field no message holds is left out)."""

    def __init__(self, columns: list[FitColumns], pos: np.ndarray, fields: dict[int, tuple[np.ndarray, np.ndarray]]):
        self.columns = columns  # the block's monitoring columns, taken here
        self.pos = pos
        self.fields = fields
        self.done = 0  # rows taken so far

    @classmethod
    def of(cls, block: FitBlock) -> MonitoringRows | None:
        """The block's monitoring messages as rows; None if it holds none as columns, or if a field
        read here is not an integer of at most 32 bits in any of them."""
        columns = [c for c in block.columns if c.num == MONITORING]
        if not columns:
            return None
        parts: list[tuple[np.ndarray, dict[int, tuple[np.ndarray, np.ndarray]]]] = []
        for c in columns:
            part = _from_columns(c)
            if part is None:
                return None
            parts.append((c.pos, part))
        singles = [(p, m.fields) for p, m in block.singles if m.num == MONITORING]
        if singles:
            part = _from_messages([f for _, f in singles])
            if part is None:
                return None
            parts.append((np.array([p for p, _ in singles], np.int64), part))
        pos = np.concatenate([p for p, _ in parts])
        order = np.argsort(pos, kind="stable")
        fields = {}
        for number in _READ:
            if not any(number in part for _, part in parts):
                continue
            values = np.concatenate(
                [part[number][0] if number in part else np.zeros(len(p), np.int64) for p, part in parts]
            )
            held = np.concatenate([part[number][1] if number in part else np.zeros(len(p), bool) for p, part in parts])
            fields[number] = (values[order], held[order])
        return cls(columns, pos[order], fields)

    def take_until(self, monitoring: Monitoring, position: int | None) -> None:
        """Take the rows before byte `position` (None: all that are left) into `monitoring`."""
        stop = len(self.pos) if position is None else int(np.searchsorted(self.pos, position))
        if stop > self.done and self.fields:  # rows without a field read here change nothing
            _take(monitoring, {n: (v[self.done : stop], h[self.done : stop]) for n, (v, h) in self.fields.items()})
            self.done = stop


def _from_columns(c: FitColumns) -> dict[int, tuple[np.ndarray, np.ndarray]] | None:
    fields = {}
    for number in _READ:
        column = c.fields.get(number)
        if column is None:
            continue
        values = column.values
        if values.dtype.kind not in "iu" or values.dtype.itemsize > 4:
            return None
        if column.kind == SCALAR:
            held = np.ones(len(values), bool) if column.invalid is None else ~column.invalid
        elif number == TYPE_AND_INTENSITY and column.kind in (ARRAY, BYTES) and values.shape[1:] and values.shape[1]:
            if column.invalid is None:
                held = np.ones(len(values), bool)
            else:  # bytes: invalid as a whole; an array: element by element
                held = ~(column.invalid if column.kind == BYTES else column.invalid[:, 0])
            values = values[:, 0]
        else:
            return None
        fields[number] = (values.astype(np.int64), held)
    return fields


def _from_messages(messages: list[dict]) -> dict[int, tuple[np.ndarray, np.ndarray]] | None:
    fields = {}
    for number in _READ:
        raw = [f.get(number) for f in messages]
        if number == TYPE_AND_INTENSITY:
            raw = [first(v) for v in raw]
        if all(v is None for v in raw):
            continue
        if not all(v is None or (type(v) is int and -(1 << 31) <= v < 1 << 32) for v in raw):
            return None
        fields[number] = (
            np.array([0 if v is None else v for v in raw], np.int64),
            np.array([v is not None for v in raw]),
        )
    return fields


def _take(m: Monitoring, fields: dict[int, tuple[np.ndarray, np.ndarray]]) -> None:
    """`Monitoring.take` of consecutive monitoring messages, as columns."""
    g = m.gate
    n = len(next(iter(fields.values()))[0])
    absent = np.zeros(n, np.int64), np.zeros(n, bool)

    def field(number: int) -> tuple[np.ndarray, np.ndarray]:
        return fields.get(number, absent)

    ts, has_ts = field(TIMESTAMP)
    ts16, has_ts16 = field(TIMESTAMP_16)
    # trap 1: a timestamp_16 builds on the last full timestamp before it (carried in from before these rows)
    latest = np.maximum.accumulate(np.where(has_ts, np.arange(n), -1))
    before = np.concatenate(([-1], latest[:-1]))
    carried = m.last_full
    base = np.where(before >= 0, ts[np.maximum(before, 0)], 0 if carried is None else carried)
    has_base = (before >= 0) | (carried is not None)
    if latest[-1] >= 0:
        m.last_full = int(ts[latest[-1]])
    resolved = has_ts | (has_ts16 & has_base)
    when = np.where(has_ts, ts, base + ((ts16 - base) & 0xFFFF)) + FIT_EPOCH
    ok = resolved & (when >= _TIME.low) & (when <= _TIME.high) & (when <= g.now + DAY_S)
    _drop(g, "monitoring.timestamp", resolved & ~ok)
    if m.offset is None:
        if ok.any():
            m.data_before_info = True
        return
    offset = m.offset
    local = when + offset
    closing, opening = (local - 1) // DAY_S, local // DAY_S

    bpm, has_bpm = field(HEART_RATE)
    reading = ok & has_bpm & (bpm != 0)  # 0: no reading
    good = reading & (bpm >= _BPM.low) & (bpm <= _BPM.high)
    _drop(g, "monitoring.heart_rate", reading & ~good)
    if good.any():
        m.ts.frombytes(when[good].tobytes())
        m.bpm.frombytes(bpm[good].tobytes())
        m.offsets.frombytes(np.full(int(good.sum()), offset, np.int64).tobytes())

    activity_type, has_type = field(ACTIVITY_TYPE)
    has_type = has_type & (activity_type >= 0) & (activity_type <= 0xFF)
    both, has_both = field(TYPE_AND_INTENSITY)
    from_both = ~has_type & has_both & (both >= 0) & (both <= 0xFF)  # trap 2: bits 0-4 of 55/24
    activity_type = np.where(has_type, activity_type, both & 0x1F)
    has_type |= from_both

    rows, slots, kept = [], [], []
    for k, (number, metric, _kind, limit, typed) in enumerate(_SLOTS):
        values, held = field(number)
        asked = ok & held
        if typed:
            asked &= has_type
            if metric == "steps":
                asked &= np.isin(activity_type, _STEP_TYPES)
        rule = LIMITS[limit]
        passed = asked & (values >= rule.low) & (values <= rule.high)
        _drop(g, f"monitoring.{metric}", asked & ~passed)
        index = np.flatnonzero(passed)
        rows.append(index)
        slots.append(np.full(len(index), k))
        kept.append(values[index])
    row = np.concatenate(rows)
    if not len(row):
        return
    slot = np.concatenate(slots)
    value = np.concatenate(kept)
    order = np.lexsort((slot, row))  # per message, in `take`'s order of its fields
    row, slot, value = row[order], slot[order], value[order]
    day = np.where(value == 0, opening[row], closing[row])  # trap 4: a zero opens the next day
    names = {d: local_day(d * DAY_S) for d in np.unique(day).tolist()}
    at = np.where(_TYPED[slot], activity_type[row], NO_TYPE)
    m.values += [
        MonitoringValue(names[d], t, a, _SLOTS[s][1], _SLOTS[s][2], v)
        for d, t, a, s, v in zip(
            day.tolist(), when[row].tolist(), at.tolist(), slot.tolist(), value.tolist(), strict=True
        )
    ]


def _drop(gate: Gate, field: str, dropped: np.ndarray) -> None:
    count = int(dropped.sum())
    if count:
        gate.drop(field, count)
