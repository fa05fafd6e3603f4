"""The day view: the heart-rate curve with the moderate and vigorous bands, activities, numbers, origins."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from wearsync.dashboard import format as fmt
from wearsync.dashboard import queries
from wearsync.dashboard.screens.base import Selection, ViewScreen
from wearsync.dashboard.widgets.charts import TargetChart
from wearsync.dashboard.widgets.weight import DayWeighIns
from wearsync.store import Store

ACTIVITY_COLUMNS = (("start", "Start", 5), ("sport", "Activity", 20), ("min", "Min", 4),
                    ("kcal", "kcal", 5), ("hr", "Avg/max HR", 10))
NUMBER_COLUMNS = (("what", "", 16), ("value", "Value", 12), ("from", "From", 36))
# From this width the tables stand side by side: both whole, each column with its cell padding.
WIDE_COLUMNS = sum(w + 2 for *_, w in ACTIVITY_COLUMNS + NUMBER_COLUMNS) + 8


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

    def load(self, store: Store, selection: Selection) -> dict:
        from wearsync import reporting  # polars, in the worker: see WeekScreen.load

        day = selection.day
        return {"report": reporting.day_report(store, selection.config, day),
                "curve": reporting.day_curve(store, selection.config, day),
                "origins": queries.day_origins(store, day)}

    def show(self, data: dict, selection: Selection) -> None:
        from wearsync.reporting import ORIGINS  # loaded already by the worker

        day, report, curve = selection.day, data["report"], data["curve"]
        self.report = report
        hr, device = report["hr_minutes"], report["device_minutes"]
        headline = {"device": "the device's count", "heart_rate": "heart-rate count"}.get(report["minutes_source"],
                                                                                          "no minutes")
        self.query_one("#day-title", Static).update(
            f"{fmt.long_day(day)}  {fmt.number(report['goal_minutes'])} goal-equivalent min ({headline}): "
            f"moderate {fmt.number(report['moderate_minutes'])} + vigorous {fmt.number(report['vigorous_minutes'])}×2"
            f" · {fmt.number(report['active_minutes'])} active min · device {fmt.number(device['goal'])}, "
            f"heart rate {fmt.number(hr['goal'])}")
        self.query_one("#day-hr-title", Static).update(
            f"Heart rate by hour: {fmt.number(hr['minutes_with_readings'])} minutes with readings, "
            f"{fmt.number(hr['minutes_without_reading'])} without; lines at moderate "
            f"{fmt.number(hr['moderate_from_bpm'])} and vigorous {fmt.number(hr['vigorous_from_bpm'])} bpm "
            f"({ORIGINS.get(hr['zones_by'], '—')})")
        bands = [(level, color) for level, color in ((hr["moderate_from_bpm"], "warning"),
                                                      (hr["vigorous_from_bpm"], "error")) if level]
        self.query_one("#day-hr", TargetChart).show_curve(curve["hours"], curve["bpm"], bands=bands, xlimits=(0, 24))
        self._fill_activities(report)
        self._fill_numbers(report, ORIGINS)
        self.query_one(DayWeighIns).show(report)
        origins = data["origins"]
        device_times = ("The device's minutes by time (mod/vig): " + ", ".join(
            f"{i['at']} {i['moderate']}/{i['vigorous']}" for i in report["device_increments"]) + "\n"
                        if report["device_increments"] else "")
        self.query_one("#day-origins", Static).update(device_times + "Sources: " + (
            "; ".join(f"{o['what']} ← {Path(o['from']).name}" for o in origins) if origins else "none"))

    def _fill_activities(self, report: dict) -> None:
        table = self.query_one("#day-activities", DataTable)
        table.clear()
        for activity in report["activities"]:
            sport = activity["sub_sport"] if activity["sub_sport"] not in (None, "generic") else activity["sport"]
            table.add_row(
                activity["start_local"], (sport or "?").replace("_", " ") + (" ✓" if activity["strength"] else ""),
                fmt.number(activity["minutes"]), fmt.number(activity["calories"]),
                f"{fmt.number(activity['avg_hr'])}/{fmt.number(activity['max_hr'])}")

    def _fill_numbers(self, report: dict, origins: dict) -> None:
        table = self.query_one("#day-numbers", DataTable)
        table.clear()
        wellness = {"garmin": "Garmin Connect", "fit": "FIT monitoring"}.get(report["wellness_source"], "—")
        intake = {"manual": "entered by hand", "csv": "CSV import", "garmin": "Garmin Connect"}.get(
            report["intake_source"], "not logged")
        hr, device, wearer = report["hr_minutes"], report["device_minutes"], report["wearer"]
        rows = [
            ("Device's count", f"{fmt.number(device['moderate'])}+{fmt.number(device['vigorous'])}×2",
             "the watch / Garmin Connect"),
            ("Heart-rate count", f"{fmt.number(hr['moderate'])}+{fmt.number(hr['vigorous'])}×2",
             "wearsync: needs movement or an activity"),
            ("Steps", f"{fmt.number(report['steps'])}/{fmt.number(report['steps_target'])}", wellness),
            ("Floors", f"{fmt.number(report['floors'], 1)}/{report['floors_target']}", wellness),
            ("Burned kcal", fmt.number(report["burned_kcal"]), wellness),
            ("Eaten kcal", fmt.number(report["eaten_kcal"]) + ("!" if report["below_intake_floor"] else ""),
             f"{intake}; floor {fmt.number(wearer['intake_floor_kcal'])}"),
            ("Deficit kcal", fmt.number(report["deficit_kcal"]), "burned − eaten"),
            ("Resting HR", fmt.number(hr["resting_hr"]), origins.get(hr["resting_hr_from"], "none known")),
            ("Max HR", fmt.number(hr["max_hr"]), origins.get(hr["max_hr_from"], "—")),
            ("Wearer", f"{wearer['birth_year']}, {wearer['sex'] or 'sex ?'}", origins[wearer["birth_year_from"]]
             + ("" if wearer["sex_from"] == wearer["birth_year_from"] else f"; sex {origins[wearer['sex_from']]}")),
            ("Week starts", wearer["week_start"].capitalize(), origins[wearer["week_start_from"]]),
            ("Strength", str(report["strength_sessions"]), "activities"),
        ]
        for row in rows:
            table.add_row(*row, height=None)  # a long origin wraps within its column
