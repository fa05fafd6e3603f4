"""The week view: cardio against 150, a bar per day, floors, steps, strength, energy and both scores.

On its first showing it draws the week the dashboard kept last time (reports/snapshot.py) if it
is this week's, computed today with the settings of now: as current when the store has not
changed since, else with its title saying from when and that it is updating. Its load then draws
the week computed afresh, and keeps it for the next start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from wearsync.dashboard import format as fmt
from wearsync.dashboard.screens.base import Selection, ViewScreen
from wearsync.dashboard.widgets.bar_chart import BarChart
from wearsync.dashboard.widgets.bars import CardioBar, day_bar
from wearsync.dashboard.widgets.weight import WeekWeight
from wearsync.reports import snapshot
from wearsync.reports.models import WeekReport
from wearsync.store import Store
from wearsync.wording import plural, streak

# (key, title, width): explicit widths keep snapshots stable and the table inside 80 columns.
DAY_COLUMNS = (
    ("day", "Day", 6),
    ("cardio", "Cardio vs 30", 15),
    ("floors", "Floors", 6),
    ("steps", "Steps", 7),
    ("strength", "Str", 3),
    ("burned", "Burned", 6),
    ("eaten", "Eaten", 7),
    ("deficit", "Deficit", 7),
)
WIDE_COLUMNS = 120  # from this width the week view adds a chart of the days beside the table


@dataclass(frozen=True)
class WeekLoad:
    """What the week's load read: its report, and what keeping it for the next start records."""

    report: WeekReport
    fingerprint: str
    generation: int  # the store's data generation before the report read it


class WeekScreen(ViewScreen):
    """One week's numbers, exactly as `week_report` gives them."""

    VIEW = "week"
    FOLLOWS = "week_start"
    AUTO_FOCUS = "#days"
    report: WeekReport | None = None
    COMPONENT_CLASSES: ClassVar = {"week--reached", "week--short", "week--warning"}

    def compose_body(self) -> ComposeResult:
        with Vertical(id="week-body"):
            with Horizontal(id="week-title-row"):
                yield Static(id="week-title", markup=False)
                yield Static(id="week-scores", markup=False)
            yield Static(id="cardio-line", markup=False)
            yield CardioBar(id="cardio-bar")
            yield Static(id="cardio-days", markup=False)
            with Horizontal(id="week-main"):
                table: DataTable[str | Text] = DataTable(id="days", cursor_type="row", zebra_stripes=True)
                for key, title, width in DAY_COLUMNS:
                    table.add_column(title, key=key, width=width)
                yield table
                yield BarChart(id="week-chart")  # shown from WIDE_COLUMNS (on_resize)
            yield Static(id="week-totals", markup=False)
            yield Static(id="energy-line", markup=False)
            yield WeekWeight(id="week-weight", markup=False)

    def on_resize(self) -> None:
        self.set_class(self.size.width >= WIDE_COLUMNS, "wide")

    def on_screen_resume(self) -> None:
        if self.report is None:
            self._draw_kept()
        super().on_screen_resume()

    def _draw_kept(self) -> None:
        """The week kept last time, if it is this one's (on the UI thread: one row, no polars)."""
        kept = snapshot.kept_week(self.app.store, self.app.config, self.app.week_start, date.today())
        if kept is not None:
            self._draw(kept.report, None if kept.current else kept.computed_at)

    def load(self, store: Store, selection: Selection) -> WeekLoad:
        # Imported here, in the worker: the read side brings in polars, which the first frame does not need.
        from wearsync.reports.week import week_report

        # Before the report reads: a change meanwhile leaves the kept week stale, never wrongly current.
        generation = store.data_generation()
        # Only this week's days brought up to date: the rest fill in after it shows (fill_history).
        report = week_report(store, selection.config, selection.week_start, whole_history=False)
        return WeekLoad(report, snapshot.fingerprint(store, selection.config), generation)

    def show(self, load: WeekLoad, selection: Selection) -> None:
        report = load.report
        self._draw(report)
        if report.streak_weeks is None:
            self.app.fill_history()
        if report.week_start <= self.app.today <= report.week_end:  # the week a start opens on
            snapshot.keep(self.app.store, report, load.fingerprint, load.generation)

    def _draw(self, report: WeekReport, stale_since: float | None = None) -> None:
        """Fill the view from `report`; `stale_since`: computed then, before the store last changed."""
        self.report = report
        targets = report.targets
        stale = "" if stale_since is None else f"  (from {datetime.fromtimestamp(stale_since):%H:%M}, updating…)"
        self.query_one("#week-title", Static).update(
            f"{report.week_id}  {fmt.week_range(report.week_start, report.week_end)}{stale}"
        )
        self.query_one("#week-scores", Static).update(
            f"Cardio score {fmt.score(report.cardio_score)}  Deficit score {fmt.score(report.deficit_score)}"
        )
        # The headline minutes (the device's where it reported them); wearsync's heart-rate count beside.
        self.query_one("#cardio-line", Static).update(
            f"Cardio {fmt.number(report.goal_minutes)}/{targets.weekly_cardio_minutes} goal-equivalent min = "
            f"moderate {fmt.number(report.moderate_min)} + vigorous {fmt.number(report.vigorous_min)}×2"
            f" ({fmt.number(report.active_minutes)} active min) · device "
            f"{fmt.number(report.device_goal_minutes)}, heart rate {fmt.number(report.hr_goal_minutes)}"
        )
        self.query_one(CardioBar).set_minutes(
            report.moderate_min or 0, report.vigorous_min or 0, targets.weekly_cardio_minutes
        )
        self.query_one("#cardio-days", Static).update(days_line(report))
        self._fill_days(report)
        self.query_one("#week-totals", Static).update(
            f"Floors {fmt.number(report.floors)} ({plural(report.days_reaching_floors, 'day')} "
            f"≥{targets.floors_per_day})  "
            f"Steps {fmt.number(report.steps)} ({plural(report.days_reaching_steps, 'day')} "
            f"≥{fmt.number(targets.steps_per_day)})  "
            f"Strength {report.strength_days} of 2-3 days"
        )
        self.query_one("#energy-line", Static).update(_energy_line(report))
        self.query_one(WeekWeight).show(report)
        self._fill_chart(report)

    def _fill_days(self, report: WeekReport) -> None:
        table = self.query_one("#days", DataTable)
        row = table.cursor_row
        table.clear()
        reached = self.get_component_rich_style("week--reached", partial=True)
        short = self.get_component_rich_style("week--short", partial=True)
        warn = self.get_component_rich_style("week--warning", partial=True)
        targets = report.targets
        for day in report.days:
            below = day.below_intake_floor
            table.add_row(
                fmt.day_label(day.local_day),
                day_bar(day.goal_minutes, targets.daily_cardio_minutes, reached, short),
                _right(day.floors, reached if _reaches(day.floors, targets.floors_per_day) else ""),
                _right(day.steps, reached if _reaches(day.steps, targets.steps_per_day) else ""),
                Text("✓" if day.strength_sessions else "", justify="center"),
                _right(day.burned_kcal),
                _right(day.eaten_kcal, warn if below else "", mark="!" if below else " "),
                _right(day.deficit_kcal),
                key=day.local_day.isoformat(),
            )
        selected = self.app.day.isoformat()
        keys = [d.local_day.isoformat() for d in report.days]
        table.move_cursor(row=keys.index(selected) if selected in keys else max(row, 0))

    def _fill_chart(self, report: WeekReport) -> None:
        days = report.days
        self.query_one("#week-chart", BarChart).show_bars(
            [fmt.day_label(d.local_day) for d in days],
            [d.goal_minutes for d in days],
            target=report.targets.daily_cardio_minutes,
            color="success",
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.app.show_day(date.fromisoformat(event.row_key.value), view="day")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value:
            self.app.day = date.fromisoformat(event.row_key.value)


def days_line(report: WeekReport) -> str:
    """The week's line of days reaching the daily minutes, and what is left of the weekly goal."""
    targets = report.targets
    line = (
        f"Days with ≥{targets.daily_cardio_minutes} min: {report.days_reaching_daily} of "
        f"{targets.days_with_30} · worn {report.days_with_data} of 7 · streak {streak(report.streak_weeks)}"
    )
    if report.cardio_met:
        return line + " · weekly target met"
    if not report.enough_data:
        return line + " · not enough data to score"
    needed = report.minutes_needed_per_remaining_day
    if needed is None or not report.remaining_days:
        return line + " · week over, target not met"
    # The weekly goal's own unit throughout: goal-equivalent minutes, not the 30-minute days above.
    return line + (
        f" · {fmt.number(report.goal_minutes_left)} goal-min left: {fmt.number(needed)} a day over "
        f"the {plural(report.remaining_days, 'day')} left"
    )


def _energy_line(report: WeekReport) -> str:
    floor_note = f", {report.days_below_floor} below the intake floor (!)" if report.days_below_floor else ""
    return (
        f"Over {plural(report.days_deficit_known, 'day')} with intake: burned {fmt.number(report.burned_kcal)} − "
        f"eaten {fmt.number(report.eaten_kcal)} = deficit {fmt.number(report.deficit_kcal)} kcal"
        f"{floor_note} · fat change up to "
        f"{fmt.signed(report.projected_fat_change_lb, 1)} lb · deficit score: each day counts up to "
        f"{fmt.number(report.targets.daily_deficit_kcal)} kcal, a surplus in full"
    )


def _reaches(value: float | None, target: float) -> bool:
    return value is not None and value >= target


def _right(value: float | None, style: Style | str = "", mark: str = "") -> Text:
    """A right-aligned number; `mark` flags it (the intake floor's "!") and keeps columns aligned."""
    return Text(fmt.number(value) + mark, style=style, justify="right")
