"""The day view: the heart-rate curve with the moderate and vigorous bands, activities, numbers, origins."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from wearsync.dashboard import format as fmt
from wearsync.dashboard import queries
from wearsync.dashboard.screens.base import Selection, ViewScreen
from wearsync.dashboard.widgets.charts import TargetChart
from wearsync.store import Store

ACTIVITY_COLUMNS = (("start", "Start", 5), ("sport", "Activity", 16), ("min", "Min", 4),
                    ("kcal", "kcal", 5), ("hr", "Avg/max HR", 10))
NUMBER_COLUMNS = (("what", "Number", 16), ("value", "Value", 12), ("from", "From", 40))


class DayScreen(ViewScreen):
    """One day, with where each of its numbers came from."""

    VIEW = "day"

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="day-body"):
            yield Static(id="day-title", markup=False)
            yield Static(id="day-hr-title", classes="chart-title", markup=False)
            yield TargetChart(id="day-hr")
            with Horizontal(id="day-tables"):
                with Vertical():
                    activities = DataTable(id="day-activities", cursor_type="none")
                    for key, title, width in ACTIVITY_COLUMNS:
                        activities.add_column(title, key=key, width=width)
                    yield activities
                with Vertical():
                    numbers = DataTable(id="day-numbers", cursor_type="none")
                    for key, title, width in NUMBER_COLUMNS:
                        numbers.add_column(title, key=key, width=width)
                    yield numbers
            yield Static(id="day-origins", markup=False)

    def load(self, store: Store, selection: Selection) -> dict:
        from wearsync import reporting  # polars, in the worker: see WeekScreen.load

        day = selection.day
        return {"report": reporting.day_report(store, selection.config, day),
                "curve": queries.day_heart_rate(store, day), "origins": queries.day_origins(store, day),
                "offsets": queries.activity_offsets(store, day)}

    def show(self, data: dict, selection: Selection) -> None:
        day, report, curve = selection.day, data["report"], data["curve"]
        self.report = report
        hr = report["hr_minutes"]
        self.query_one("#day-title", Static).update(
            f"{fmt.long_day(day)}  goal minutes {fmt.number(report['goal_minutes'])} "
            f"(moderate {fmt.number(hr['moderate'])}, vigorous {fmt.number(hr['vigorous'])}; "
            f"device {fmt.number(report['device_minutes']['goal'])})")
        self.query_one("#day-hr-title", Static).update(
            f"Heart rate by hour: {len(curve)} minutes with readings; lines at moderate "
            f"{fmt.number(hr['moderate_from_bpm'])} and vigorous {fmt.number(hr['vigorous_from_bpm'])} bpm")
        bands = [(level, color) for level, color in ((hr["moderate_from_bpm"], "warning"),
                                                      (hr["vigorous_from_bpm"], "error")) if level]
        self.query_one("#day-hr", TargetChart).show_curve(
            [h for h, _ in curve], [b for _, b in curve], bands=bands, xlimits=(0, 24))
        self._fill_activities(report, data["offsets"])
        self._fill_numbers(report)
        origins = data["origins"]
        self.query_one("#day-origins", Static).update(
            "Sources: " + ("; ".join(f"{o['what']} ← {Path(o['from']).name}" for o in origins) if origins else "none"))

    def _fill_activities(self, report: dict, offsets: dict[int, int]) -> None:
        table = self.query_one("#day-activities", DataTable)
        table.clear()
        for activity in report["activities"]:
            start = datetime.fromtimestamp(activity["start_utc"] + offsets.get(activity["start_utc"], 0),
                                           timezone.utc)
            sport = activity["sub_sport"] if activity["sub_sport"] not in (None, "generic") else activity["sport"]
            table.add_row(
                f"{start:%H:%M}", (sport or "?").replace("_", " ") + (" ✓" if activity["strength"] else ""),
                fmt.number(activity["elapsed_s"] / 60 if activity["elapsed_s"] else None),
                fmt.number(activity["calories"]),
                f"{fmt.number(activity['avg_hr'])}/{fmt.number(activity['max_hr'])}")

    def _fill_numbers(self, report: dict) -> None:
        table = self.query_one("#day-numbers", DataTable)
        table.clear()
        wellness = {"garmin": "Garmin Connect", "fit": "FIT monitoring"}.get(report["wellness_source"], "—")
        intake = {"manual": "entered by hand", "csv": "CSV import", "garmin": "Garmin Connect"}.get(
            report["intake_source"], "not logged")
        minutes = "heart rate (all sources)" if report["minutes_source"] == "heart_rate" else "device's own count"
        rows = [
            ("Goal minutes", fmt.number(report["goal_minutes"]), minutes),
            ("Steps", f"{fmt.number(report['steps'])}/{fmt.number(report['steps_target'])}", wellness),
            ("Floors", f"{fmt.number(report['floors'], 1)}/{report['floors_target']}", wellness),
            ("Burned kcal", fmt.number(report["burned_kcal"]), wellness),
            ("Eaten kcal", fmt.number(report["eaten_kcal"]) + ("!" if report["below_intake_floor"] else ""),
             intake),
            ("Deficit kcal", fmt.number(report["deficit_kcal"]), "burned − eaten"),
            ("Resting HR", fmt.number(report["hr_minutes"]["resting_hr"]),
             report["hr_minutes"]["resting_hr_from"] or "—"),
            ("Strength", str(report["strength_sessions"]), "activities"),
        ]
        for row in rows:
            table.add_row(*row)
