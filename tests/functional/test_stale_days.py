"""A monitoring file with steps but no heart rate still makes its days' heart-rate minutes
be counted again (issue 11): its movement lets minutes of another file's readings count."""

from datetime import date

from wearsync.config import Config
from wearsync.demo.fit_writer import MonitoringMinute, monitoring_fit
from wearsync.reports import day as report_day
from wearsync.reports.cache import refresh
from wearsync.reports.models import as_json
from wearsync.reports.params import analytics_params
from wearsync.sync.fit_import import import_paths

DAY = date(2024, 3, 5)
WALK = range(600, 609)  # 10:00-10:08 local (UTC+0): nine minutes


def write(path, serial, minutes):
    path.write_bytes(
        monitoring_fit(day=DAY, utc_offset_s=0, serial=serial, resting_metabolic_rate=1500, minutes=minutes)
    )
    return path


def test_steps_without_heart_rate_make_the_day_count_again(store, tmp_path):
    # one device read the heart rate (130 bpm) and no steps; another counted the steps and no heart rate
    readings = write(tmp_path / "hr.fit", 1, [MonitoringMinute(m, heart_rate=130) for m in WALK])
    steps = write(tmp_path / "steps.fit", 2, [MonitoringMinute(m, steps=100) for m in WALK])
    import_paths(store, [readings])
    before = as_json(report_day.day_report(store, Config(), DAY, as_of=date(2024, 3, 6)))
    # no movement anywhere: a raised heart rate is not exercise
    assert (before["hr_moderate_min"], before["hr_vigorous_min"], before["minutes_with_readings"]) == (0, 0, 9)
    import_paths(store, [steps])
    # The steps file stamps its walking total once in the quarter hour (at 10:15) and at midnight:
    # its logging interval is at most 15 minutes, so 10:00-10:16 moved. No resting heart rate
    # (nine readings: fewer than the ten of a half hour's estimate), the wearer assumed born 1990:
    # HRmax 208 - 0.7 x 34 = 184.2; moderate from 64 % = 117.9, vigorous from 77 % = 141.8 bpm:
    # 130 bpm is moderate in all nine minutes.
    assert refresh(store, analytics_params(store, Config())) >= {DAY}
    after = as_json(report_day.day_report(store, Config(), DAY, as_of=date(2024, 3, 6)))
    assert (after["hr_moderate_min"], after["hr_vigorous_min"], after["hr_goal_min"], after["zones_by"]) == (
        9,
        0,
        9,
        "percent_of_max",
    )
