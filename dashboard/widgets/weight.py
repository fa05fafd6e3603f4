"""Weight on the dashboard: the week's trend change beside the deficit's projection, and the day's
weigh-ins (the history's chart of them is charts.WeightChart). Every number is a report's
(wearsync.reports: models.DayWeight, WeekWeight); these only lay them out (docs/metrics.md,
section Weight)."""

from __future__ import annotations

from textual.widgets import Static

from wearsync.dashboard import format as fmt
from wearsync.reports import models
from wearsync.wording import plural

SOURCES = {"fit": "scale file", "garmin": "Garmin Connect", "manual": "entered by hand", "csv": "CSV import"}


def week_weight_text(weight: models.WeekWeight) -> str:
    """The week view's weight line from the week's weight."""
    unit, window = weight.unit, weight.window
    line = (
        f"Weight trend {fmt.signed(weight.trend_change, 2)} {unit} this week "
        f"(weigh-ins on {plural(weight.weigh_in_days, 'day')}) · the deficit projects up to "
        f"{fmt.signed(weight.projected_change, 2)} {unit}"
    )
    if window.measured_kcal is None:
        return line + f" · burned by intake and weight: {fmt.UNKNOWN} (too few weigh-ins or days of intake yet)"
    return (
        line + f" · burned: watch {fmt.number(window.device_kcal)}, intake and weight "
        f"{fmt.number(window.measured_kcal)} ± {fmt.number(window.measured_range_kcal)} kcal a day"
    )


def day_weight_text(weight: models.DayWeight) -> str:
    """The day view's weigh-in line from the day's weight: each weigh-in's value, time and source(s)."""
    unit = weight.unit
    listed = "; ".join(
        f"{fmt.number(w.weight, 1)} {unit}"
        + (f" at {w.time}" if w.time else "")
        + f" ({', '.join(SOURCES.get(s, s) for s in w.sources)}"
        + ("" if w.time else ", no time of day")
        + ")"
        for w in weight.weigh_ins
    )
    return f"Weigh-ins: {listed or 'none'}"


class WeekWeight(Static):
    """One line: the week's trend change beside the deficit's projected fat change."""

    def show(self, week: models.WeekReport) -> None:
        self.update(week_weight_text(week.weight))


class DayWeighIns(Static):
    """One line: the day's weigh-ins."""

    def show(self, day: models.Day) -> None:
        self.update(day_weight_text(day.weight))
