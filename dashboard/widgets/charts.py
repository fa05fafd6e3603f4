"""Curves against target lines (textual-plot), coloured from the current theme: a day's heart rate
and the history's weight chart (its numbers are reports/weight.py history_weight's: docs/metrics.md,
section Weight). Bars are bar_chart.py's, drawn as text."""

from __future__ import annotations

from collections.abc import Sequence

from textual_plot import HiResMode, PlotWidget
from textual_plot.axis_formatter import CategoricalAxisFormatter

from wearsync.reports import models


class TargetChart(PlotWidget):
    """A line against horizontal target lines; colours follow the theme."""

    def __init__(self, *, id: str | None = None) -> None:
        # Panning and zooming would hide the target lines the chart exists to show.
        super().__init__(id=id, allow_pan_and_zoom=False)

    def on_mount(self) -> None:
        # The chart's title is a separate line above it; no room is kept for a y label.
        self.margin_top = 0
        self.margin_bottom = 2
        self.margin_left = 7

    def color(self, variable: str) -> str:
        """A theme colour by its CSS variable name (e.g. 'success')."""
        return self.app.get_css_variables()[variable]

    def show_curve(
        self,
        x: Sequence[float],
        y: Sequence[float],
        *,
        bands: Sequence[tuple[float, str]],
        xlimits: tuple[float, float],
    ) -> None:
        """A line (e.g. heart rate over the day) with horizontal band lines at the given levels."""
        self.clear()
        for level, color in bands:
            self.plot(list(xlimits), [level, level], line_style=self.color(color), hires_mode=HiResMode.BRAILLE)
        if x:
            self.plot(list(x), list(y), line_style=self.color("primary"), hires_mode=HiResMode.BRAILLE)
        self.set_xlimits(*xlimits)
        levels = [level for level, _ in bands]
        self.set_ylimits(min([*y, *levels]) - 10 if y else 40, max([*y, *levels]) + 10 if y else 200)


class WeightChart(TargetChart):
    """Per week the trend and the projection from the deficit as lines, the weigh-ins as dots."""

    def show_weight(self, labels: list[str], chart: models.HistoryWeight) -> None:
        """`chart` is reports/weight.py history_weight's; unknown values leave gaps."""
        self.clear()
        positions = list(range(1, len(labels) + 1))
        for line, color in ((chart.projection, "primary"), (chart.trend, "success")):
            known = [(x, y) for x, y in zip(positions, line, strict=True) if y is not None]
            if known:
                self.plot(
                    [x for x, _ in known],
                    [y for _, y in known],
                    line_style=self.color(color),
                    hires_mode=HiResMode.BRAILLE,
                )
        dots = [(x, y) for x, y in chart.weigh_ins if y is not None]
        if dots:
            self.scatter([x for x, _ in dots], [y for _, y in dots], marker="·", marker_style=self.color("warning"))
        values = [y for y in (*chart.trend, *chart.projection, *(y for _, y in chart.weigh_ins)) if y is not None]
        self.set_x_formatter(CategoricalAxisFormatter(labels))
        self.set_xticks(positions)
        self.set_xlimits(0.5, len(labels) + 0.5)
        if values:
            self.set_ylimits(min(values) - 0.5, max(values) + 0.5)
