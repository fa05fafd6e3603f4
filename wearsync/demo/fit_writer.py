"""Synthetic Garmin FIT files, written with Garmin's official encoder (PyPI `garmin-fit-sdk`).

For tests and `wearsync demo`: every file written here is made up, never a recording.
Both writers are deterministic: the same arguments give the same bytes.

What the encoder can and cannot write, and how this module copes:
- `timestamp_16` (55/26) is in the profile, so all-day heart rate goes out the way a vivosmart 4
  sends it: messages carrying only 55/26 and 55/27.
- The encoder silently drops any field that is not in its profile, so the vivosmart 4's
  undocumented running totals 55/35-38 (ascent, descent, moderate and vigorous minutes) cannot be
  written. Ascent, descent and intensity minutes go out only as the documented increments 55/31-34;
  importers must sum those (trap 3 in docs/fit-notes.md). To stop a misspelt field vanishing the
  same way, this module rejects field names the profile does not know.
- `cycles` (55/3) has profile scale 2, so the encoder is handed steps / 2 to make the raw value the
  step count, as the device writes it (trap 2).
"""

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from garmin_fit_sdk import Encoder, Profile
from garmin_fit_sdk.util import FIT_EPOCH_S

PRODUCT = "vivosmart_4"
SOFTWARE_VERSION = 4.80
# Activity types whose `cycles` are steps (FIT profile: the `steps` subfield of 55/3).
STEP_ACTIVITY_TYPES = ("walking", "running")
TOTALS_EVERY_S = 15 * 60
# timestamp_16 wraps every 65,536 s; a full timestamp at least hourly keeps it unambiguous.
FULL_TIMESTAMP_EVERY_S = 3600

_MESG_NUMS = {name: num for num, name in Profile["types"]["mesg_num"].items()}
SCALE_PRODUCT = "index_smart_scale"
SCALE_SOFTWARE_VERSION = 3.10
_PRODUCT_IDS = {v: k for k, v in Profile["types"]["garmin_product"].items()}
_PRODUCT_ID = _PRODUCT_IDS[PRODUCT]


@dataclass(frozen=True)
class SetToWrite:
    """One active set followed by `rest_s` seconds of rest (a rest set is written if rest_s > 0).

    `category` is a FIT exercise_category name, e.g. "squat". Sets are laid out back to back
    from the start of the activity, in list order.
    """

    category: str
    repetitions: int
    weight_kg: float | None
    duration_s: int
    rest_s: int = 60


@dataclass(frozen=True)
class MonitoringMinute:
    """What the device measured in one minute of the wearer's local day.

    `minute` counts from local midnight (0-1439). `heart_rate` is one reading taken inside that
    minute (written at its 30th second). `steps`, `active_kcal`, `ascent_mm`, `descent_mm` are
    what the minute added; they count towards `activity_type` (a FIT activity_type name).
    `intensity` is the device's own verdict on the minute: None, "moderate" or "vigorous".
    """

    minute: int
    heart_rate: int | None = None
    steps: int = 0
    active_kcal: float = 0.0
    activity_type: str = "walking"
    ascent_mm: int = 0
    descent_mm: int = 0
    intensity: str | None = None


class _Fit:
    """The official encoder, refusing field names its profile would silently drop."""

    def __init__(self) -> None:
        self._encoder = Encoder()

    def write(self, mesg: str, **fields: object) -> None:
        num = _MESG_NUMS[mesg]
        _check_fields(mesg, num, frozenset(fields))
        self._encoder.write_mesg({"mesg_num": num, **fields})

    def close(self) -> bytes:
        return self._encoder.close()


@functools.cache
def _check_fields(mesg: str, num: int, names: frozenset[str]) -> None:
    unknown = names - {f["name"] for f in Profile["messages"][num]["fields"].values()}
    if unknown:
        raise ValueError(f"{mesg} has no field(s) {sorted(unknown)} in the FIT profile")


def _fit_time(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware (UTC), not naive")
    return int(moment.timestamp()) - FIT_EPOCH_S


def _header(
    fit: _Fit, file_type: str, serial: int, created: int, product: int = _PRODUCT_ID, software: float = SOFTWARE_VERSION
) -> None:
    fit.write(
        "file_id",
        type=file_type,
        manufacturer="garmin",
        product=product,
        serial_number=serial,
        time_created=created,
    )
    fit.write(
        "device_info",
        timestamp=created,
        device_index=0,
        manufacturer="garmin",
        product=product,
        serial_number=serial,
        software_version=software,
    )


def activity_fit(
    *,
    start_utc: datetime,
    utc_offset_s: int,
    sport: str,
    sub_sport: str,
    heart_rates: list[int | None],
    serial: int,
    calories: int,
    ascent_m: float | None = None,
    steps: int | None = None,
    sets: list[SetToWrite] | None = None,
) -> bytes:
    """An activity file: one 1 s record per entry of `heart_rates` (None: no reading), one lap,
    one session, set messages for `sets`, and an activity message whose local_timestamp carries
    `utc_offset_s`. `steps` becomes the session's total_cycles as strides (steps // 2)."""
    if not heart_rates:
        raise ValueError("an activity needs at least one record")
    start = _fit_time(start_utc)
    seconds = len(heart_rates)
    end = start + seconds
    sets = sets or []
    if sum(s.duration_s + s.rest_s for s in sets) > seconds:
        raise ValueError("the sets last longer than the activity's records")

    fit = _Fit()
    _header(fit, "activity", serial, start)
    fit.write("event", timestamp=start, event="timer", event_type="start", event_group=0)
    for i, hr in enumerate(heart_rates):
        fit.write("record", timestamp=start + i, heart_rate=hr)

    at = start
    index = 0
    for s in sets:
        fit.write(
            "set",
            timestamp=at + s.duration_s,
            start_time=at,
            duration=s.duration_s,
            set_type="active",
            repetitions=s.repetitions,
            weight=s.weight_kg,
            category=[s.category],
            message_index=index,
        )
        at += s.duration_s
        index += 1
        if s.rest_s:
            fit.write(
                "set", timestamp=at + s.rest_s, start_time=at, duration=s.rest_s, set_type="rest", message_index=index
            )
            at += s.rest_s
            index += 1

    fit.write("event", timestamp=end, event="timer", event_type="stop_all", event_group=0)
    readings = [hr for hr in heart_rates if hr is not None]
    summary = {
        "timestamp": end,
        "start_time": start,
        "sport": sport,
        "sub_sport": sub_sport,
        "total_elapsed_time": seconds,
        "total_timer_time": seconds,
        "total_calories": calories,
        "avg_heart_rate": int(sum(readings) / len(readings) + 0.5) if readings else None,
        "max_heart_rate": max(readings) if readings else None,
        "total_ascent": round(ascent_m) if ascent_m is not None else None,
        "total_cycles": (sum(s.repetitions for s in sets) if sets else steps // 2 if steps is not None else None),
    }
    fit.write("lap", message_index=0, event="lap", event_type="stop", lap_trigger="session_end", **summary)
    fit.write(
        "session",
        message_index=0,
        event="session",
        event_type="stop",
        trigger="activity_end",
        first_lap_index=0,
        num_laps=1,
        **summary,
    )
    fit.write(
        "activity",
        timestamp=end,
        local_timestamp=end + utc_offset_s,
        total_timer_time=seconds,
        num_sessions=1,
        type="manual",
        event="activity",
        event_type="stop",
    )
    return fit.close()


def monitoring_fit(
    *,
    day: date,
    utc_offset_s: int,
    serial: int,
    resting_metabolic_rate: int,
    minutes: list[MonitoringMinute],
    start_minute: int = 0,
    end_minute: int = 1440,
    totals_every_s: int = TOTALS_EVERY_S,
) -> bytes:
    """A `monitoring_b` file for one local day, laid out like a vivosmart 4's.

    Heart rate: one timestamp_16 message per reading (a full timestamp instead when the last one
    is an hour old). Every 15 min, stamped at the end of the interval: the ascent, descent and
    intensity-minute increments (if any), and, per activity type whose totals moved, the running
    totals since local midnight (cycles = raw steps, active calories). The closing totals of every
    activity type are stamped at the next local midnight.

    `start_minute` and `end_minute` cut out one piece of the day, as a real device cuts a day into
    files at each sync (the vivosmart 4 day in ../shared/fit: 00:00-08:22, 08:22-21:26,
    21:26-24:00): only the minutes in [start, end) are written, the file is created and its
    monitoring_info stamped at the piece's start, where the running totals so far are repeated,
    and the totals (and the increments of a quarter hour the cut splits) are stamped at its end.
    The totals still run since local midnight, across the pieces.

    `totals_every_s` (a whole number of minutes dividing the day) writes the increments and the
    totals that moved that often instead of every 15 min: a real vivosmart 4 writes its totals
    about every few minutes of activity (376 monitoring values on its day in ../shared/fit).
    """
    if totals_every_s % 60 or 86400 % totals_every_s:
        raise ValueError(f"totals every {totals_every_s} s: not whole minutes dividing the day")
    if not 0 <= start_minute < end_minute <= 1440:
        raise ValueError(f"a piece of a day must lie within 0-1440 minutes, not {start_minute}-{end_minute}")
    by_minute: dict[int, MonitoringMinute] = {}
    for m in minutes:
        if not 0 <= m.minute < 1440:
            raise ValueError(f"minute {m.minute} is outside a day (0-1439)")
        if m.minute in by_minute:
            raise ValueError(f"minute {m.minute} is given twice")
        if m.intensity not in (None, "moderate", "vigorous"):
            raise ValueError(f"unknown intensity {m.intensity!r}")
        by_minute[m.minute] = m

    midnight = _fit_time(datetime.combine(day, time(), tzinfo=UTC)) - utc_offset_s
    types: list[str] = []
    for minute in sorted(by_minute):
        m = by_minute[minute]
        if (m.steps or m.active_kcal) and m.activity_type not in types:
            types.append(m.activity_type)

    piece_start = midnight + start_minute * 60
    fit = _Fit()
    _header(fit, "monitoring_b", serial, piece_start)
    fit.write(
        "monitoring_info",
        timestamp=piece_start,
        local_timestamp=piece_start + utc_offset_s,
        activity_type=types or None,
        resting_metabolic_rate=resting_metabolic_rate,
    )
    last_full = piece_start
    steps = dict.fromkeys(types, 0)
    kcal = dict.fromkeys(types, 0.0)
    for minute in range(start_minute):  # the totals run since midnight: those before the piece
        if minute in by_minute and (by_minute[minute].steps or by_minute[minute].active_kcal):
            steps[by_minute[minute].activity_type] += by_minute[minute].steps
            kcal[by_minute[minute].activity_type] += by_minute[minute].active_kcal
    if start_minute:
        _totals(fit, piece_start, [t for t in types if steps[t] or kcal[t]], steps, kcal)
    block = totals_every_s // 60
    for block_start in range(start_minute - start_minute % block, end_minute, block):
        moved: set[str] = set()
        ascent = descent = moderate = vigorous = 0
        stop = min(block_start + block, end_minute)
        for minute in range(max(block_start, start_minute), stop):
            if minute not in by_minute:
                continue
            m = by_minute[minute]
            if m.heart_rate is not None:
                stamp = midnight + minute * 60 + 30
                if stamp - last_full >= FULL_TIMESTAMP_EVERY_S:
                    fit.write("monitoring", timestamp=stamp, heart_rate=m.heart_rate)
                    last_full = stamp
                else:
                    fit.write("monitoring", timestamp_16=stamp & 0xFFFF, heart_rate=m.heart_rate)
            if m.steps or m.active_kcal:
                steps[m.activity_type] += m.steps
                kcal[m.activity_type] += m.active_kcal
                moved.add(m.activity_type)
            ascent += m.ascent_mm
            descent += m.descent_mm
            moderate += m.intensity == "moderate"
            vigorous += m.intensity == "vigorous"

        block_end = midnight + stop * 60
        closing = stop == 1440
        if ascent or descent or moderate or vigorous:
            # ascent/descent have profile scale 1000 (m -> mm): hand the encoder metres.
            fit.write(
                "monitoring",
                timestamp=block_end,
                ascent=ascent / 1000,
                descent=descent / 1000,
                moderate_activity_minutes=moderate,
                vigorous_activity_minutes=vigorous,
            )
            last_full = block_end
        piece_end = stop == end_minute  # a piece's last totals: every type that has any
        written = [t for t in types if t in moved or closing or (piece_end and (steps[t] or kcal[t]))]
        if written:
            _totals(fit, block_end, written, steps, kcal)
            last_full = block_end
    return fit.close()


def _totals(fit: _Fit, stamp: int, types: list[str], steps: dict[str, int], kcal: dict[str, float]) -> None:
    """The running totals since local midnight of each of `types`, stamped `stamp`."""
    for activity_type in types:
        counts_steps = activity_type in STEP_ACTIVITY_TYPES or steps[activity_type]
        fit.write(
            "monitoring",
            timestamp=stamp,
            activity_type=activity_type,
            cycles=steps[activity_type] / 2 if counts_steps else None,
            active_calories=round(kcal[activity_type]),
        )


def weight_scale_fit(
    *, when_utc: datetime, weight_kg: float, serial: int, percent_fat: float | None = None, user: int | None = None
) -> bytes:
    """A `weight` file from a Garmin Index smart scale: one weigh-in, a weight_scale message
    stamped `when_utc` (a scale states no local time) with the weight in kg (to 0.01 kg), the body
    fat percentage if measured and the scale's user (`user_profile_index`) if known."""
    if not 0 < weight_kg < 655.34:  # uint16 at scale 100; 0xFFFE and 0xFFFF are not weights
        raise ValueError(f"a scale cannot write {weight_kg} kg")
    stamp = _fit_time(when_utc)
    fit = _Fit()
    _header(fit, "weight", serial, stamp, _PRODUCT_IDS[SCALE_PRODUCT], SCALE_SOFTWARE_VERSION)
    fields: dict[str, object] = {"timestamp": stamp, "weight": weight_kg}
    if percent_fat is not None:
        fields["percent_fat"] = percent_fat
    if user is not None:
        fields["user_profile_index"] = user
    fit.write("weight_scale", **fields)
    return fit.close()
