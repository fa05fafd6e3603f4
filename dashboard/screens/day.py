"""The day view: the heart-rate curve with the moderate and vigorous bands, activities, numbers, origins."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from wearsync.dashboard import format as fmt
from wearsync.dashboard.screens.base import Selection, ViewScreen
from wearsync.dashboard.widgets.charts import TargetChart
from wearsync.dashboard.widgets.weight import DayWeighIns
from wearsync.reports.models import DayCurve, DayReport
from wearsync.reports.origins import ORIGINS
from wearsync.store import Store, listings

ACTIVITY_COLUMNS = (
    ("start", "Start", 5),
    ("sport", "Activity", 20),
    ("min", "Min", 4),
    ("kcal", "kcal", 5),
    ("hr", "Avg/max HR", 10),
)
NUMBER_COLUMNS = (("what", "", 16), ("value", "Value", 12), ("from", "From", 36))
# From this width the tables stand side by side: both whole, each column with its cell padding.
WIDE_COLUMNS = sum(w + 2 for *_, w in ACTIVITY_COLUMNS + NUMBER_COLUMNS) + 8


@dataclass(frozen=True)
class DayData:
    """What the day view shows: the report, its curve, and the files its numbers came from."""

    report: DayReport
    curve: DayCurve
    origins: list[dict[str, Any]]


class DayScreen(ViewScreen):
    """One day, with where each of its numbers came from."""

    VIEW = "day"
    FOLLOWS = "day"

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="day-body"):
            yield Static(id="day-title", markup=False)
            yield Static(id="day-hr-title", classes="chart-title", markup=False)
            yield TargetChart(id="day-hr")
            with Horizontal(id="day-tables"):
                with Vertical():
                    activities: DataTable[str] = DataTable(id="day-activities", cursor_type="none")
                    for key, title, width in ACTIVITY_COLUMNS:
                        activities.add_column(title, key=key, width=width)
                    yield activities
                with Vertical():
                    numbers: DataTable[str] = DataTable(id="day-numbers", cursor_type="none")
                    for key, title, width in NUMBER_COLUMNS:
                        numbers.add_column(title, key=key, width=width)
                    yield numbers
            yield DayWeighIns(id="day-weigh-ins", markup=False)
            yield Static(id="day-origins", markup=False)

    def on_resize(self) -> None:
        self.set_class(self.size.width >= WIDE_COLUMNS, "wide")

    def load(self, store: Store, selection: Selection) -> DayData:
        from wearsync.reports.curve import day_curve  # polars, in the worker: see WeekScreen.load
        from wearsync.reports.day import day_report

        day = selection.day
        return DayData(
            day_report(store, selection.config, day),
            day_curve(store, selection.config, day),
            listings.day_origins(store, day),
        )

    def show(self, data: DayData, selection: Selection) -> None:
        day, report, curve = selection.day, data.report, data.curve
        self.report = report
        headline = {"device": "the device's count", "heart_rate": "heart-rate count"}.get(
            report.minutes_source or "", "no minutes"
        )
        self.query_one("#day-title", Static).update(
            f"{fmt.long_day(day)}  {fmt.number(report.goal_minutes)} goal-equivalent min ({headline}): "
            f"moderate {fmt.number(report.moderate_min)} + vigorous {fmt.number(report.vigorous_min)}×2"
            f" · {fmt.number(report.active_minutes)} active min · device {fmt.number(report.device_goal_min)}, "
            f"heart rate {fmt.number(report.hr_goal_min)}"
        )
        self.query_one("#day-hr-title", Static).update(
            f"Heart rate by hour: {fmt.number(report.minutes_with_readings)} minutes with readings, "
            f"{fmt.number(report.minutes_without_reading)} without; lines at moderate "
            f"{fmt.number(report.moderate_from_bpm)} and vigorous {fmt.number(report.vigorous_from_bpm)} bpm "
            f"({ORIGINS.get(report.zones_by or '', '—')})"
        )
        bands = [
            (level, color)
            for level, color in ((report.moderate_from_bpm, "warning"), (report.vigorous_from_bpm, "error"))
            if level
        ]
        self.query_one("#day-hr", TargetChart).show_curve(curve.hours, curve.bpm, bands=bands, xlimits=(0, 24))
        self._fill_activities(report)
        self._fill_numbers(report)
        self.query_one(DayWeighIns).show(report)
        device_times = (
            "The device's minutes by time (mod/vig): "
            + ", ".join(f"{i.at} {i.moderate_min}/{i.vigorous_min}" for i in report.device_increments)
            + "\n"
            if report.device_increments
            else ""
        )
        self.query_one("#day-origins", Static).update(
            device_times
            + "Sources: "
            + ("; ".join(f"{o['what']} ← {Path(o['from']).name}" for o in data.origins) if data.origins else "none")
        )

    def _fill_activities(self, report: DayReport) -> None:
        table = self.query_one("#day-activities", DataTable)
        table.clear()
        for activity in report.activities:
            sport = activity.sub_sport if activity.sub_sport not in (None, "generic") else activity.sport
            table.add_row(
                activity.start_local,
                (sport or "?").replace("_", " ") + (" ✓" if activity.strength else ""),
                fmt.number(activity.minutes),
                fmt.number(activity.calories),
                f"{fmt.number(activity.avg_hr)}/{fmt.number(activity.max_hr)}",
            )

    def _fill_numbers(self, report: DayReport) -> None:
        table = self.query_one("#day-numbers", DataTable)
        table.clear()
        wellness = {"garmin": "Garmin Connect", "fit": "FIT monitoring"}.get(report.wellness_source or "", "—")
        intake = {"manual": "entered by hand", "csv": "CSV import", "garmin": "Garmin Connect"}.get(
            report.intake_source or "", "not logged"
        )
        targets, wearer = report.targets, report.wearer
        rows = [
            (
                "Device's count",
                f"{fmt.number(report.device_moderate_min)}+{fmt.number(report.device_vigorous_min)}×2",
                "the watch / Garmin Connect",
            ),
            (
                "Heart-rate count",
                f"{fmt.number(report.hr_moderate_min)}+{fmt.number(report.hr_vigorous_min)}×2",
                "wearsync: needs movement or an activity",
            ),
            ("Steps", f"{fmt.number(report.steps)}/{fmt.number(targets.steps_per_day)}", wellness),
            ("Floors", f"{fmt.number(report.floors, 1)}/{targets.floors_per_day}", wellness),
            ("Burned kcal", fmt.number(report.burned_kcal), wellness),
            (
                "Eaten kcal",
                fmt.number(report.eaten_kcal) + ("!" if report.below_intake_floor else ""),
                f"{intake}; floor {fmt.number(wearer.intake_floor_kcal)}",
            ),
            ("Deficit kcal", fmt.number(report.deficit_kcal), "burned − eaten"),
            ("Resting HR", fmt.number(report.resting_hr), ORIGINS.get(report.resting_hr_from or "", "none known")),
            ("Max HR", fmt.number(report.max_hr), ORIGINS.get(report.max_hr_from or "", "—")),
            (
                "Wearer",
                f"{wearer.birth_year}, {wearer.sex or 'sex ?'}",
                ORIGINS[wearer.birth_year_from]
                + ("" if wearer.sex_from == wearer.birth_year_from else f"; sex {ORIGINS[wearer.sex_from]}"),
            ),
            ("Week starts", wearer.week_start.capitalize(), ORIGINS[wearer.week_start_from]),
            ("Strength", str(report.strength_sessions), "activities"),
        ]
        for row in rows:
            table.add_row(*row, height=None)  # a long origin wraps within its column
