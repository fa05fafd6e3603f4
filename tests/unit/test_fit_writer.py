# Every FIT file in these tests is synthesised by wearsync.demo.fit_writer with Garmin's official encoder
# (garmin_fit_sdk); none is a device recording. fitparse, an independent reader, decodes them.
from datetime import UTC, date, datetime, timedelta

import fitparse
import pytest

from wearsync.demo.fit_writer import MonitoringMinute, SetToWrite, activity_fit, monitoring_fit, weight_scale_fit

FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
START = datetime(2026, 2, 10, 6, 45, 12, tzinfo=UTC)
HEART_RATES = [92, 95, None, 101, 108, 117, None, 126, 133, 138, 141, 139, 136]


def _messages(data: bytes, name: str) -> list[dict[int, object]]:
    return [{f.def_num: f.raw_value for f in m.fields} for m in fitparse.FitFile(data).get_messages(name)]


def _fit_seconds(moment: datetime) -> int:
    return int((moment - FIT_EPOCH).total_seconds())


def _run(**overrides: object) -> bytes:
    args = dict(
        start_utc=START,
        utc_offset_s=3600,
        sport="running",
        sub_sport="generic",
        heart_rates=HEART_RATES,
        serial=3981204517,
        calories=412,
        ascent_m=37.4,
        steps=5123,
    )
    args.update(overrides)
    return activity_fit(**args)


def test_activity_file_id_names_the_device():
    (file_id,) = fitparse.FitFile(_run()).get_messages("file_id")
    assert file_id.get_values() == {
        "type": "activity",
        "manufacturer": "garmin",
        "garmin_product": 2927,
        "serial_number": 3981204517,
        "time_created": START.replace(tzinfo=None),
    }


def test_activity_session_carries_what_went_in():
    readings = [hr for hr in HEART_RATES if hr is not None]
    (session,) = fitparse.FitFile(_run()).get_messages("session")
    values = session.get_values()
    assert values["sport"] == "running"
    assert values["sub_sport"] == "generic"
    assert values["start_time"] == START.replace(tzinfo=None)
    assert values["total_elapsed_time"] == values["total_timer_time"] == len(HEART_RATES)
    assert values["total_calories"] == 412
    assert values["avg_heart_rate"] == round(sum(readings) / len(readings))
    assert values["max_heart_rate"] == max(readings) == 141
    assert values["total_ascent"] == 37
    assert session.get_raw_value("total_cycles") == 5123 // 2


def test_activity_records_are_one_per_second_without_invented_readings():
    records = _messages(_run(), "record")
    assert [r[253] for r in records] == [_fit_seconds(START) + i for i in range(len(HEART_RATES))]
    assert [r.get(3) for r in records] == HEART_RATES


def test_activity_local_timestamp_gives_the_utc_offset():
    (activity,) = _messages(_run(utc_offset_s=-5 * 3600), "activity")
    assert activity[5] - activity[253] == -5 * 3600
    assert activity[253] == _fit_seconds(START) + len(HEART_RATES)


def test_activity_timer_events_bracket_the_records():
    events = _messages(_run(), "event")
    assert [(e[0], e[1], e[253]) for e in events] == [
        (0, 0, _fit_seconds(START)),
        (0, 4, _fit_seconds(START) + len(HEART_RATES)),
    ]


def test_strength_sets_come_back_with_reps_weight_and_rests():
    sets = [SetToWrite("squat", 10, 42.5, 40, 90), SetToWrite("bench_press", 8, 27.5, 35, 0)]
    data = _run(
        sport="training", sub_sport="strength_training", heart_rates=[100] * 200, ascent_m=None, steps=None, sets=sets
    )
    decoded = [m.get_values() for m in fitparse.FitFile(data).get_messages("set")]
    start = START.replace(tzinfo=None)
    assert [(s["set_type"], s.get("repetitions"), s.get("weight"), s.get("category")) for s in decoded] == [
        ("active", 10, 42.5, "squat"),
        ("rest", None, None, None),
        ("active", 8, 27.5, "bench_press"),
    ]
    assert [(s["start_time"], s["duration"], s["timestamp"]) for s in decoded] == [
        (start, 40, start + timedelta(seconds=40)),
        (start + timedelta(seconds=40), 90, start + timedelta(seconds=130)),
        (start + timedelta(seconds=130), 35, start + timedelta(seconds=165)),
    ]
    (session,) = fitparse.FitFile(data).get_messages("session")
    assert session.get_raw_value("total_cycles") == 18


def test_sets_longer_than_the_records_are_refused():
    with pytest.raises(ValueError, match="longer"):
        _run(heart_rates=[100] * 60, sets=[SetToWrite("squat", 10, 40.0, 45, 60)])


def test_naive_start_time_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        _run(start_utc=START.replace(tzinfo=None))


# A local day at UTC+3, like the real vivosmart 4 pieces in ../shared/fit.
DAY = date(2020, 9, 25)
OFFSET = 3 * 3600
MIDNIGHT = _fit_seconds(datetime(2020, 9, 24, 21, tzinfo=UTC))
NEXT_MIDNIGHT = MIDNIGHT + 86400


def _day(minutes: list[MonitoringMinute], start_minute: int = 0, end_minute: int = 1440, **options: int) -> bytes:
    return monitoring_fit(
        day=DAY,
        utc_offset_s=OFFSET,
        serial=3982961693,
        resting_metabolic_rate=1860,
        minutes=minutes,
        start_minute=start_minute,
        end_minute=end_minute,
        **options,
    )


def _walking_day() -> list[MonitoringMinute]:
    minutes = [MonitoringMinute(m, heart_rate=55 + m % 40) for m in range(1440)]
    # 1,483 steps in the morning (an odd count: a halved `cycles` could not hold it).
    minutes[480] = MonitoringMinute(
        480, heart_rate=98, steps=1000, active_kcal=40.4, ascent_mm=3048, intensity="moderate"
    )
    minutes[481] = MonitoringMinute(
        481, heart_rate=99, steps=483, active_kcal=20.3, descent_mm=1500, intensity="vigorous"
    )
    minutes[1000] = MonitoringMinute(1000, heart_rate=120, steps=200, active_kcal=15.0, activity_type="running")
    minutes[1001] = MonitoringMinute(1001, heart_rate=121, active_kcal=7.0, activity_type="generic")
    return minutes


def test_monitoring_file_id_and_info():
    data = _day(_walking_day())
    (file_id,) = _messages(data, "file_id")
    assert (file_id[0], file_id[1], file_id[2], file_id[3]) == (32, 1, 2927, 3982961693)
    (info,) = _messages(data, "monitoring_info")
    assert info[253] == MIDNIGHT
    assert info[0] - info[253] == OFFSET
    assert info[5] == 1860
    assert info[1] == (6, 1, 0)


def test_steps_are_raw_cycles_and_totals_close_at_next_local_midnight():
    totals = [m for m in _messages(_day(_walking_day()), "monitoring") if 5 in m]
    walking = [m for m in totals if m[5] == 6]
    assert walking[0][253] == MIDNIGHT + 8 * 3600 + 900  # 08:00-08:15 local, stamped at its end
    assert walking[0][3] == 1483
    assert walking[0][19] == 61
    closing = {m[5]: m for m in totals if m[253] == NEXT_MIDNIGHT}
    assert max(m[253] for m in totals) == NEXT_MIDNIGHT
    assert closing[6][3] == 1483
    assert closing[1][3] == 200
    assert 3 not in closing[0]
    assert (closing[6][19], closing[1][19], closing[0][19]) == (61, 15, 7)


def test_increments_are_written_per_quarter_hour():
    (increment,) = [m for m in _messages(_day(_walking_day()), "monitoring") if 31 in m]
    assert increment == {253: MIDNIGHT + 8 * 3600 + 900, 31: 3048, 32: 1500, 33: 1, 34: 1}


def test_heart_rate_goes_out_in_timestamp_16_messages():
    data = _day(_walking_day())
    last_full, readings = None, []
    for m in _messages(data, "monitoring_info") + _messages(data, "monitoring"):
        if 253 in m:
            last_full = m[253]
        if 27 in m:
            if 26 in m:
                assert set(m) == {26, 27}
                stamp = last_full + ((m[26] - last_full) & 0xFFFF)
            else:
                stamp = m[253]
            readings.append((stamp, m[27]))
    assert sum(26 in m for m in _messages(data, "monitoring")) > 1400
    assert readings == [(MIDNIGHT + 60 * m.minute + 30, m.heart_rate) for m in _walking_day()]


def test_a_day_of_heart_rate_only_keeps_timestamp_16_unambiguous():
    minutes = [MonitoringMinute(m, heart_rate=60) for m in range(1440)]
    full = [m[253] for m in _messages(_day(minutes), "monitoring") if 253 in m]
    gaps = [b - a for a, b in zip([MIDNIGHT] + full, full + [NEXT_MIDNIGHT], strict=False)]
    assert max(gaps) < 3600 + 60
    assert not [m for m in _messages(_day(minutes), "monitoring") if 5 in m]


def test_minutes_outside_the_day_or_twice_are_refused():
    with pytest.raises(ValueError, match="outside"):
        _day([MonitoringMinute(1440, heart_rate=60)])
    with pytest.raises(ValueError, match="twice"):
        _day([MonitoringMinute(5, heart_rate=60), MonitoringMinute(5, heart_rate=61)])


def test_a_day_cut_into_pieces_carries_its_totals_across_them():
    # cut at 08:01 local, between the two walking minutes 08:00 (1,000 steps, 40.4 kcal, 3,048 mm
    # up, moderate) and 08:01 (483 steps, 20.3 kcal, 1,500 mm down, vigorous)
    morning, rest = _day(_walking_day(), 0, 481), _day(_walking_day(), 481, 1440)
    cut = MIDNIGHT + 481 * 60
    assert [m[4] for m in _messages(morning, "file_id")] == [MIDNIGHT]
    assert [m[4] for m in _messages(rest, "file_id")] == [cut]
    (info,) = _messages(rest, "monitoring_info")
    assert (info[253], info[0] - info[253], info[5], info[1]) == (cut, OFFSET, 1860, (6, 1, 0))

    morning_totals = [m for m in _messages(morning, "monitoring") if 5 in m or 31 in m]
    assert morning_totals == [
        {253: cut, 31: 3048, 32: 0, 33: 1, 34: 0},
        {253: cut, 5: 6, 3: 1000, 19: 40},
    ]
    rest_totals = [m for m in _messages(rest, "monitoring") if 5 in m or 31 in m]
    assert rest_totals[:3] == [
        {253: cut, 5: 6, 3: 1000, 19: 40},  # the totals so far, repeated at the piece's start
        {253: MIDNIGHT + 495 * 60, 31: 0, 32: 1500, 33: 0, 34: 1},  # the rest of 08:00-08:15
        {253: MIDNIGHT + 495 * 60, 5: 6, 3: 1483, 19: 61},
    ]
    closing = {m[5]: (m.get(3), m[19]) for m in rest_totals if m[253] == NEXT_MIDNIGHT}
    assert closing == {6: (1483, 61), 1: (200, 15), 0: (None, 7)}
    readings = [m[27] for m in _messages(morning, "monitoring") + _messages(rest, "monitoring") if 27 in m]
    assert readings == [m.heart_rate for m in _walking_day()]


def test_totals_can_be_written_every_minute():
    written = [m for m in _messages(_day(_walking_day(), totals_every_s=60), "monitoring") if 5 in m or 31 in m]
    assert written[:4] == [
        {253: MIDNIGHT + 481 * 60, 31: 3048, 32: 0, 33: 1, 34: 0},  # 08:00-08:01 local, stamped at its end
        {253: MIDNIGHT + 481 * 60, 5: 6, 3: 1000, 19: 40},
        {253: MIDNIGHT + 482 * 60, 31: 0, 32: 1500, 33: 0, 34: 1},
        {253: MIDNIGHT + 482 * 60, 5: 6, 3: 1483, 19: 61},
    ]
    with pytest.raises(ValueError, match="whole minutes"):
        _day(_walking_day(), totals_every_s=90)


def test_a_piece_must_lie_within_the_day():
    with pytest.raises(ValueError, match="within"):
        _day(_walking_day(), 600, 600)
    with pytest.raises(ValueError, match="within"):
        _day(_walking_day(), 0, 1441)


def test_weight_scale_file_holds_one_weigh_in():
    data = weight_scale_fit(
        when_utc=datetime(2024, 3, 4, 6, 12, 5, tzinfo=UTC),
        weight_kg=71.35,
        serial=3914207118,
        percent_fat=23.4,
        user=0,
    )
    # 2024-03-04 06:12:05 UTC is 1,078,467,125 s after the FIT epoch (1989-12-31 00:00 UTC)
    (file_id,) = _messages(data, "file_id")
    assert file_id == {0: 9, 1: 1, 2: 2429, 3: 3914207118, 4: 1078467125}  # weight, garmin, index_smart_scale
    (weigh_in,) = _messages(data, "weight_scale")
    assert weigh_in == {253: 1078467125, 0: 7135, 1: 2340, 12: 0}  # kg and % at scale 100


def test_weight_scale_file_leaves_out_what_was_not_measured():
    data = weight_scale_fit(when_utc=datetime(2024, 3, 4, 6, 12, 5, tzinfo=UTC), weight_kg=80.0, serial=1)
    assert _messages(data, "weight_scale") == [{253: 1078467125, 0: 8000}]
    with pytest.raises(ValueError, match="cannot write"):
        weight_scale_fit(when_utc=datetime(2024, 3, 4, tzinfo=UTC), weight_kg=0.0, serial=1)


def test_writers_are_deterministic():
    assert _run() == _run()
    assert _day(_walking_day()) == _day(_walking_day())
