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
_PRODUCT_ID = next(k for k, v in Profile["types"]["garmin_product"].items() if v == PRODUCT)


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


def _header(fit: _Fit, file_type: str, serial: int, created: int) -> None:
    fit.write(
        "file_id",
        type=file_type,
        manufacturer="garmin",
        product=_PRODUCT_ID,
        serial_number=serial,
        time_created=created,
    )
    fit.write(
        "device_info",
        timestamp=created,
        device_index=0,
        manufacturer="garmin",
        product=_PRODUCT_ID,
        serial_number=serial,
        software_version=SOFTWARE_VERSION,
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
    *, day: date, utc_offset_s: int, serial: int, resting_metabolic_rate: int, minutes: list[MonitoringMinute]
) -> bytes:
    """A `monitoring_b` file for one local day, laid out like a vivosmart 4's.

    Heart rate: one timestamp_16 message per reading (a full timestamp instead when the last one
    is an hour old). Every 15 min, stamped at the end of the interval: the ascent, descent and
    intensity-minute increments (if any), and, per activity type whose totals moved, the running
    totals since local midnight (cycles = raw steps, active calories). The closing totals of every
    activity type are stamped at the next local midnight.
    """
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

    fit = _Fit()
    _header(fit, "monitoring_b", serial, midnight)
    fit.write(
        "monitoring_info",
        timestamp=midnight,
        local_timestamp=midnight + utc_offset_s,
        activity_type=types or None,
        resting_metabolic_rate=resting_metabolic_rate,
    )
    last_full = midnight
    steps = dict.fromkeys(types, 0)
    kcal = dict.fromkeys(types, 0.0)
    for block_start in range(0, 1440, TOTALS_EVERY_S // 60):
        moved: set[str] = set()
        ascent = descent = moderate = vigorous = 0
        for minute in range(block_start, block_start + TOTALS_EVERY_S // 60):
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

        block_end = midnight + (block_start + TOTALS_EVERY_S // 60) * 60
        closing = block_end == midnight + 86400
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
        for activity_type in types:
            if activity_type in moved or closing:
                counts_steps = activity_type in STEP_ACTIVITY_TYPES or steps[activity_type]
                fit.write(
                    "monitoring",
                    timestamp=block_end,
                    activity_type=activity_type,
                    cycles=steps[activity_type] / 2 if counts_steps else None,
                    active_calories=round(kcal[activity_type]),
                )
                last_full = block_end
    return fit.close()
