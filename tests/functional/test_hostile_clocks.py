"""Hostile clocks and local time: no local time, offsets of weeks or beyond the world's zones,
a clock never set, times counted from power-on, a file in the future, a record stamped days away,
and the real files whose clocks fooled the importer before. Each file is imported in a batch with
a good file; expected days and offsets are worked out by hand (or with fitparse) beside each case.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.fit_raw import activity_file, field, fit_file, fit_time, message
from tests.hostile_imports import (
    GOOD_START,
    activity_with_record,
    assert_reports_work,
    import_batch,
    outcome_of,
    run,
    stored_days,
    zone_config,
)
from tests.readings import readings_table

NOW = datetime.now(UTC).timestamp()


def test_local_timestamp_0_falls_back_to_the_configured_zone_and_says_so(capsys, tmp_path, wearsync_home):
    # 2023-11-15 03:00 UTC is 2023-11-14 22:00 in New York (EST, UTC-5): the day the wearer lived
    start = int(datetime(2023, 11, 15, 3, 0, tzinfo=UTC).timestamp())
    path = tmp_path / "zwift.fit"
    path.write_bytes(activity_file(start, [130] * 120, local_timestamp=0, serial=2))
    config = zone_config(tmp_path, "America/New_York")
    code, summary, _err = import_batch(capsys, tmp_path, path, config=config)
    assert code == 0
    message_ = outcome_of(summary, "zwift")["message"]
    assert "America/New_York" in message_ and "UTC-05:00" in message_
    import sqlite3

    conn = sqlite3.connect(wearsync_home / "wearsync.db")
    offsets = {r[0] for r in readings_table(conn).execute("SELECT utc_offset_s FROM readings WHERE ts >= ?", (start,))}
    day = conn.execute("SELECT local_day FROM activities WHERE start_utc = ?", (start,)).fetchone()[0]
    conn.close()
    assert offsets == {-5 * 3600} and day == "2023-11-14"
    assert_reports_work(capsys, wearsync_home, config)


@pytest.mark.parametrize("stated", [21 * 86_400, -90 * 86_400, 15 * 3600, 3 * 3600 + 450])
def test_an_offset_of_weeks_or_beyond_the_worlds_zones_is_not_trusted(capsys, tmp_path, wearsync_home, stated):
    start = GOOD_START + 7 * 86_400
    path = tmp_path / "far.fit"
    path.write_bytes(activity_file(start, [125] * 60, offset_s=stated, serial=3))
    code, summary, _err = import_batch(capsys, tmp_path, path, config=zone_config(tmp_path, "UTC"))
    assert code == 0
    assert "local time from the configured time zone UTC (UTC+00:00)" in outcome_of(summary, "far")["message"]
    assert_reports_work(capsys, wearsync_home)


def test_the_same_devices_other_recording_gives_the_offset(capsys, tmp_path, wearsync_home):
    # the same serial stated UTC+1 an hour earlier; this file states 0 in local_timestamp
    first = tmp_path / "first.fit"
    first.write_bytes(activity_file(GOOD_START + 86_400, [120] * 60, offset_s=3600, serial=555))
    second = tmp_path / "second.fit"
    second.write_bytes(activity_file(GOOD_START + 86_400 + 3600, [120] * 60, local_timestamp=0, serial=555))
    code, summary, _err = import_batch(capsys, tmp_path, first, second, config=zone_config(tmp_path, "Asia/Tokyo"))
    assert code == 0
    assert "another recording of the same device (UTC+01:00)" in outcome_of(summary, "second")["message"]


def test_a_clock_never_set_is_skipped_with_its_reason(capsys, tmp_path, wearsync_home):
    # every time a few hours after the FIT epoch: the device counted from power-on, and the
    # activity message's local time is no absolute time either
    path = tmp_path / "unset.fit"
    path.write_bytes(
        fit_file(
            message(0, field(0, "enum", 4), field(3, "uint32z", 8)),
            *[message(20, field(253, "uint32", 3600 + i), field(3, "uint8", 120)) for i in range(20)],
            message(18, field(253, "uint32", 3620), field(2, "uint32", 3600), field(7, "uint32", 20_000)),
            message(34, field(253, "uint32", 3620), field(5, "uint32", 3620)),
        )
    )
    code, summary, _err = import_batch(capsys, tmp_path, path)
    assert code == 0
    unset = outcome_of(summary, "unset")
    assert unset["outcome"] == "skipped" and "clock was never set" in unset["message"]
    assert_reports_work(capsys, wearsync_home)


def test_system_time_is_anchored_on_the_files_own_local_time(capsys, tmp_path, wearsync_home):
    # FR70 style: times count from power-on (10,000 s); the activity message states local time
    # 2012-02-13 09:00:00 for power-on + 10,060 s. The first record (power-on + 10,000 s) is then
    # 08:59:00 local; in Berlin (UTC+1 in February) that is 07:59:00 UTC.
    local_at_end = fit_time(int(datetime(2012, 2, 13, 9, 0, tzinfo=UTC).timestamp()))
    path = tmp_path / "fr70.fit"
    path.write_bytes(
        fit_file(
            message(0, field(0, "enum", 4), field(3, "uint32z", 9)),
            *[message(20, field(253, "uint32", 10_000 + i), field(3, "uint8", 140)) for i in range(60)],
            message(18, field(253, "uint32", 10_060), field(2, "uint32", 10_000), field(7, "uint32", 60_000)),
            message(34, field(253, "uint32", 10_060), field(5, "uint32", local_at_end)),
        )
    )
    config = zone_config(tmp_path, "Europe/Berlin")
    code, summary, _err = import_batch(capsys, tmp_path, path, config=config)
    assert code == 0
    import sqlite3

    conn = sqlite3.connect(wearsync_home / "wearsync.db")
    first = (
        readings_table(conn)
        .execute("SELECT MIN(ts), MIN(utc_offset_s), MAX(utc_offset_s) FROM readings WHERE bpm = 140")
        .fetchone()
    )
    conn.close()
    assert first == (int(datetime(2012, 2, 13, 7, 59, tzinfo=UTC).timestamp()), 3600, 3600)
    assert "counted from power-on" in outcome_of(summary, "fr70")["message"]
    assert_reports_work(capsys, wearsync_home, config)


def test_a_file_in_the_future_is_skipped(capsys, tmp_path, wearsync_home):
    path = tmp_path / "future.fit"
    path.write_bytes(activity_file(int(NOW) + 30 * 86_400, [120] * 60, offset_s=0, serial=4))
    code, summary, _err = import_batch(capsys, tmp_path, path)
    assert code == 0
    future = outcome_of(summary, "future")
    assert future["outcome"] == "skipped" and "future" in future["message"]
    assert_reports_work(capsys, wearsync_home)


def test_a_week_of_day_offsets_is_not_a_wrong_day_in_silence(capsys, tmp_path, wearsync_home):
    # local_timestamp 6 days ahead of UTC: the file's day would be a week off; it is refused and
    # the configured zone (UTC) places the activity on its UTC day, 2023-11-16
    start = int(datetime(2023, 11, 16, 12, 0, tzinfo=UTC).timestamp())
    path = tmp_path / "week.fit"
    path.write_bytes(activity_file(start, [120] * 60, offset_s=6 * 86_400, serial=10))
    code, summary, _err = import_batch(capsys, tmp_path, path, config=zone_config(tmp_path, "UTC"))
    assert code == 0
    import sqlite3

    conn = sqlite3.connect(wearsync_home / "wearsync.db")
    assert conn.execute("SELECT local_day FROM activities WHERE start_utc = ?", (start,)).fetchone() == ("2023-11-16",)
    conn.close()


SHARED_FILES = Path(__file__).resolve().parents[2].parent / "shared" / "fit"
# Files whose clocks fooled the importer before (issue 9): no local time (Zwift writes 0) and two FR70
# files whose times count from power-on, anchored only by the activity message's local time.
POWER = "php-fit-file-analysis/demo/fit_files/power-analysis.fit"
ANTFS = "python-fitparse/tests/files/antfs-dump.63.fit"
COMPRESSED = "python-fitparse/tests/files/compressed-speed-distance.fit"
ZONE = "Pacific/Kiritimati"  # UTC+14 all year: a UTC day and the local day differ for most hours


def expected_local_days(path: Path) -> list[str]:
    """Each heart-rate reading's local day, worked out with fitparse from the file's raw times."""
    import fitparse

    fit = fitparse.FitFile(str(path))
    records = [(m.get_raw_value("timestamp"), m.get_value("heart_rate")) for m in fit.get_messages("record")]
    activity = next(fit.get_messages("activity"))
    stamp, local = activity.get_raw_value("timestamp"), activity.get_raw_value("local_timestamp")
    days = []
    for ts, bpm in records:
        if not bpm or not 25 <= bpm <= 250:
            continue
        if ts < 0x10000000:  # power-on seconds: local time = the activity's local time minus the distance
            unix_local = FIT_EPOCH_UNIX + local - (stamp - ts)
        else:  # no local time in the file: the configured zone, +14 h
            unix_local = FIT_EPOCH_UNIX + ts + 14 * 3600
        days.append(datetime.fromtimestamp(unix_local, UTC).date().isoformat())
    return sorted(days)


FIT_EPOCH_UNIX = 631065600


def partner_for(day: str, tmp_path: Path) -> Path:
    """A plain activity stating UTC+14, at local noon of `day`."""
    noon_utc = int(datetime.fromisoformat(f"{day}T12:00:00+14:00").timestamp())
    path = tmp_path / f"partner-{day}.fit"
    path.write_bytes(activity_file(noon_utc, [118] * 120, offset_s=14 * 3600, serial=31337))
    return path


@pytest.mark.parametrize("name", [POWER, ANTFS, COMPRESSED])
@pytest.mark.parametrize("partner_first", [True, False])
def test_the_files_with_untrusted_clocks_land_on_their_true_local_days_in_any_order(
    capsys, tmp_path, wearsync_home, name, partner_first
):
    path = SHARED_FILES / name
    if not path.exists():
        pytest.skip(f"{path} is missing: the shared test data must sit beside the project as ../shared")
    expected = expected_local_days(path)
    assert expected
    partner = partner_for(expected[0], tmp_path)
    order = [partner, path] if partner_first else [path, partner]
    config = zone_config(tmp_path, ZONE)
    code, out, err = run(capsys, "--config", str(config), "import", "--json", *map(str, order))
    assert code == 0, err
    summary = json.loads(out)
    assert outcome_of(summary, Path(name).name)["outcome"] == "imported"
    import sqlite3

    conn = sqlite3.connect(wearsync_home / "wearsync.db")
    stored = sorted(
        r[0]
        for r in readings_table(conn).execute(
            "SELECT date(h.ts + h.utc_offset_s, 'unixepoch') FROM readings h JOIN recordings r "
            "ON r.id = h.recording_id WHERE r.path LIKE ?",
            (f"%{Path(name).name}",),
        )
    )
    conn.close()
    assert stored == expected
    assert_reports_work(capsys, wearsync_home, config)


def test_all_three_together_with_a_partner_in_every_order(capsys, tmp_path, wearsync_home, monkeypatch):
    import itertools

    paths = [SHARED_FILES / name for name in (POWER, ANTFS, COMPRESSED)]
    if not all(p.exists() for p in paths):
        pytest.skip("the shared test data must sit beside the project as ../shared")
    config = zone_config(tmp_path, ZONE)
    partner = partner_for(expected_local_days(paths[1])[0], tmp_path)
    for number, order in enumerate(itertools.permutations([*paths, partner])):
        home = tmp_path / f"home{number}"
        monkeypatch.setenv("WEARSYNC_HOME", str(home))
        code, _out, err = run(capsys, "--config", str(config), "import", "--json", *map(str, order))
        assert code == 0, err
        assert_reports_work(capsys, home, config)


def test_a_lone_record_stamped_days_away_is_dropped_not_put_on_that_day(capsys, tmp_path, wearsync_home):
    # 30 records a second apart on 2023-11-15 (UTC+1) and one stamped 200 days later between them
    start = GOOD_START + 86_400
    odd = activity_with_record(field(253, "uint32", fit_time(start + 200 * 86_400)), field(3, "uint8", 99), start=start)
    path = tmp_path / "stray.fit"
    path.write_bytes(odd)
    code, summary, _err = import_batch(capsys, tmp_path, path)
    assert code == 0
    assert "outside the activity's time" in outcome_of(summary, "stray")["message"]
    assert stored_days(wearsync_home) == {"2023-11-14", "2023-11-15"}  # the good file's day and this one's
