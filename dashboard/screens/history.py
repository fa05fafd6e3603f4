"""History: the last N weeks' cardio minutes and energy deficit, each against its target."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from wearsync.dashboard import format as fmt
from wearsync.dashboard.screens.base import Selection, ViewScreen
from wearsync.dashboard.widgets.bar_chart import BarChart
from wearsync.dashboard.widgets.charts import WeightChart
from wearsync.reports.models import HistoryTotals, HistoryWeight, WeekReport
from wearsync.store import Store

MIN_WEEKS, MAX_WEEKS = 4, 104


class HistoryScreen(ViewScreen):
    """Two charts of weekly totals ending with the selected week."""

    VIEW = "history"
    FOLLOWS = "week_start"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("plus,equals_sign", "weeks(2)", "More weeks", key_display="+", show=False),
        Binding("minus", "weeks(0.5)", "Fewer weeks", key_display="-", show=False),
    ]

    def compose_body(self) -> ComposeResult:
        # Scrolls: on a short terminal each chart keeps the height it needs to be read.
        with VerticalScroll(id="history-body"):
            yield Static(id="history-title", markup=False)
            yield Static(id="history-cardio-title", classes="chart-title", markup=False)
            yield BarChart(id="history-cardio")
            yield Static(id="history-deficit-title", classes="chart-title", markup=False)
            yield BarChart(id="history-deficit")
            yield Static(id="history-weight-title", classes="chart-title", markup=False)
            yield WeightChart(id="history-weight")

    def action_weeks(self, factor: float) -> None:
        """Show more or fewer weeks."""
        self.app.history_weeks = max(MIN_WEEKS, min(MAX_WEEKS, round(self.app.history_weeks * factor)))
        self.reload()

    def load(self, store: Store, selection: Selection) -> tuple[list[WeekReport], HistoryTotals, HistoryWeight]:
        from wearsync.reports.week import history, history_totals  # polars, in the worker: see WeekScreen.load
        from wearsync.reports.weight import history_weight

        weeks = history(store, selection.config, selection.history_weeks, selection.day, whole_history=False)
        return weeks, history_totals(weeks), history_weight(weeks)

    def show(self, data: tuple[list[WeekReport], HistoryTotals, HistoryWeight], selection: Selection) -> None:
        weeks, totals, weight = data
        labels = [w.week_id.split("-")[1] for w in weeks]
        latest = weeks[-1]
        self.query_one("#history-title", Static).update(
            f"{totals.weeks} weeks to {latest.week_id}: cardio target met in {totals.cardio_met_weeks}; "
            f"net deficit {fmt.number(totals.deficit_kcal)} kcal (intake logged in "
            f"{totals.weeks_deficit_known} of them)"
        )
        cardio_target, deficit_target = latest.targets.weekly_cardio_minutes, 7 * latest.targets.daily_deficit_kcal
        self.query_one("#history-cardio-title", Static).update(
            f"Cardio goal-equivalent minutes a week (line: target {cardio_target}; blank: no data)"
        )
        self.query_one("#history-cardio", BarChart).show_bars(
            labels, [w.goal_minutes for w in weeks], target=cardio_target, color="success"
        )
        self.query_one("#history-deficit-title", Static).update(
            f"Net energy deficit a week, kcal, over the days with intake (line: target "
            f"{fmt.number(deficit_target)}; blank: not logged)"
        )
        self.query_one("#history-deficit", BarChart).show_bars(
            labels, [w.deficit_kcal for w in weeks], target=deficit_target, color="secondary"
        )
        self.query_one("#history-weight-title", Static).update(
            f"Weight, {weight.unit}: trend (green), weigh-ins (dots), deficit's projection (blue)"
        )
        self.query_one("#history-weight", WeightChart).show_weight(labels, weight)
