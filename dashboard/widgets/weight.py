"""Weight on the dashboard: the week's trend change beside the deficit's projection, the day's
weigh-ins, and the history chart of trend, weigh-ins and projection. Every number is a report's
(wearsync.weight_report); these only lay them out (docs/metrics.md, section Weight)."""

from __future__ import annotations

from textual.widgets import Static
from textual_plot import HiResMode
from textual_plot.axis_formatter import CategoricalAxisFormatter

from wearsync.dashboard import format as fmt
from wearsync.dashboard.widgets.charts import TargetChart

SOURCES = {"fit": "scale file", "garmin": "Garmin Connect", "manual": "entered by hand", "csv": "CSV import"}


def week_weight_text(weight: dict) -> str:
    """The week view's weight line from week["weight"]."""
    unit = weight["unit"]
    line = (f"Weight trend {fmt.signed(weight['trend_change'], 1)} {unit} this week "
            f"(weigh-ins on {weight['weigh_in_days']} days) · the deficit projects up to "
            f"{fmt.signed(weight['projected_change'], 1)} {unit}")
    if weight["measured_kcal"] is None:
        return line + f" · burned by intake and weight: {fmt.UNKNOWN} (too few weigh-ins or days of intake yet)"
    return (line + f" · burned: watch {fmt.number(weight['device_kcal'])}, intake and weight "
            f"{fmt.number(weight['measured_kcal'])} ± {fmt.number(weight['measured_range_kcal'])} kcal a day")


def day_weight_text(weight: dict) -> str:
    """The day view's weigh-in line from day["weight"]: each weigh-in's value, time and source(s)."""
    unit = weight["unit"]
    listed = "; ".join(
        f"{fmt.number(w['weight'], 1)} {unit}" + (f" at {w['time']}" if w["time"] else "")
        + f" ({', '.join(SOURCES.get(s, s) for s in w['sources'])}" + ("" if w["time"] else ", no time of day") + ")"
        for w in weight["weigh_ins"])
    return f"Weigh-ins: {listed or 'none'}"


class WeekWeight(Static):
    """One line: the week's trend change beside the deficit's projected fat change."""

    def show(self, week: dict) -> None:
        self.update(week_weight_text(week["weight"]))


class DayWeighIns(Static):
    """One line: the day's weigh-ins."""

    def show(self, day: dict) -> None:
        self.update(day_weight_text(day["weight"]))


class WeightChart(TargetChart):
    """Per week the trend and the projection from the deficit as lines, the weigh-ins as dots."""

    def show_weight(self, labels: list[str], chart: dict) -> None:
        """`chart` is weight_report.history_weight's; unknown values leave gaps."""
        self.clear()
        positions = list(range(1, len(labels) + 1))
        for key, color in (("projection", "primary"), ("trend", "success")):
            known = [(x, y) for x, y in zip(positions, chart[key], strict=True) if y is not None]
            if known:
                self.plot([x for x, _ in known], [y for _, y in known], line_style=self.color(color),
                          hires_mode=HiResMode.BRAILLE)
        if chart["weigh_ins"]:
            self.scatter([x for x, _ in chart["weigh_ins"]], [y for _, y in chart["weigh_ins"]], marker="·",
                         marker_style=self.color("warning"))
        values = [y for y in (*chart["trend"], *chart["projection"], *(y for _, y in chart["weigh_ins"]))
                  if y is not None]
        self.set_x_formatter(CategoricalAxisFormatter(labels))
        self.set_xticks(positions)
        self.set_xlimits(0.5, len(labels) + 0.5)
        if values:
            self.set_ylimits(min(values) - 0.5, max(values) + 0.5)
