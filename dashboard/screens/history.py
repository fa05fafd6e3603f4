"""History: the last N weeks' cardio minutes and energy deficit, each against its target."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from wearsync.dashboard import format as fmt
from wearsync.dashboard.screens.base import Selection, ViewScreen
from wearsync.dashboard.widgets.charts import TargetChart
from wearsync.store import Store

MIN_WEEKS, MAX_WEEKS = 4, 104


class HistoryScreen(ViewScreen):
    """Two charts of weekly totals ending with the selected week."""

    VIEW = "history"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("plus,equals_sign", "weeks(2)", "More weeks", key_display="+", show=False),
        Binding("minus", "weeks(0.5)", "Fewer weeks", key_display="-", show=False),
    ]

    def compose_body(self) -> ComposeResult:
        with Vertical(id="history-body"):
            yield Static(id="history-title", markup=False)
            yield Static(id="history-cardio-title", classes="chart-title", markup=False)
            yield TargetChart(id="history-cardio")
            yield Static(id="history-deficit-title", classes="chart-title", markup=False)
            yield TargetChart(id="history-deficit")

    def action_weeks(self, factor: float) -> None:
        """Show more or fewer weeks."""
        self.app.history_weeks = max(MIN_WEEKS, min(MAX_WEEKS, round(self.app.history_weeks * factor)))
        self.reload()

    def load(self, store: Store, selection: Selection) -> list[dict]:
        from wearsync import reporting  # polars, in the worker: see WeekScreen.load

        return reporting.history(store, selection.config, selection.history_weeks, selection.day)

    def show(self, weeks: list[dict], selection: Selection) -> None:
        labels = [w["week_id"].split("-")[1] for w in weeks]
        cardio = [w["cardio"]["goal_minutes"] for w in weeks]
        deficit = [w["energy"]["deficit_kcal"] for w in weeks]
        met = sum(1 for w in weeks if w["cardio"]["met"])
        self.query_one("#history-title", Static).update(
            f"{len(weeks)} weeks to {weeks[-1]['week_id']}: cardio target met in {met}; "
            f"total deficit {fmt.number(sum(d for d in deficit if d is not None))} kcal")
        latest = weeks[-1]
        cardio_target, deficit_target = latest["cardio"]["target_minutes"], latest["energy"]["target_kcal"]
        self.query_one("#history-cardio-title", Static).update(
            f"Cardio goal minutes a week (line: target {cardio_target})")
        self.query_one("#history-cardio", TargetChart).show_bars(labels, cardio, target=cardio_target,
                                                                  color="success")
        self.query_one("#history-deficit-title", Static).update(
            f"Energy deficit a week, kcal (line: target {fmt.number(deficit_target)}; blank: not logged)")
        self.query_one("#history-deficit", TargetChart).show_bars(labels, deficit, target=deficit_target,
                                                                   color="secondary")
