"""Charts with a target line (textual-plot), coloured from the current theme, and the history's weight
chart (its numbers are reports/weight.py history_weight's: docs/metrics.md, section Weight)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import ceil

from textual_plot import HiResMode, PlotWidget
from textual_plot.axis_formatter import CategoricalAxisFormatter, NumericAxisFormatter

from wearsync.reports import models


class TargetChart(PlotWidget):
    """Bars or a line against a horizontal target line; colours follow the theme."""

    def __init__(self, *, id: str | None = None) -> None:
        # Panning and zooming would hide the target line the chart exists to show.
        super().__init__(id=id, allow_pan_and_zoom=False)
        self._unsized: Callable[[], None] | None = None  # bars asked for before the chart had a size

    def on_resize(self) -> None:
        if self._unsized is not None and self.size.width:
            draw, self._unsized = self._unsized, None
            draw()

    def on_mount(self) -> None:
        # The chart's title is a separate line above it; no room is kept for a y label.
        self.margin_top = 0
        self.margin_bottom = 2
        self.margin_left = 7

    def color(self, variable: str) -> str:
        """A theme colour by its CSS variable name (e.g. 'success')."""
        return self.app.get_css_variables()[variable]

    def show_bars(
        self, labels: Sequence[str], values: Sequence[float | None], *, target: float, color: str = "primary"
    ) -> None:
        """Bars per label with the target as a line across them; unknown values leave a gap.
        Before the chart is laid out (a view drawn at once from a kept report), drawn when it is:
        the line and the ticks follow its size."""
        if not self.size.width:
            self._unsized = lambda: self.show_bars(labels, values, target=target, color=color)
            return
        self.clear()
        shown = [float("nan") if v is None else float(v) for v in values]
        # The line first: drawn over the bars it would cut them; behind them it shows in the gaps.
        # A row of "─" in whole cells, placed as the axis labels are: a finer line can land a row off its label.
        xs = [0.5 + len(labels) * i / (4 * self.size.width) for i in range(4 * self.size.width + 1)]
        self.scatter(xs, [target] * len(xs), marker="─", marker_style=self.color("error"))
        self.bar(list(labels), shown, bar_style=self.color(color), hires_mode=HiResMode.HALFBLOCK)
        known = [v for v in values if v is not None]
        low = min(0.0, *known, target) * 1.1 if known else 0.0
        high = max(target, *known) * 1.1 if known else target * 1.2
        self.set_ylimits(low, high)
        self.set_xlimits(0.5, len(labels) + 0.5)
        self.set_yticks(self._ticks_with(target, low, high))
        # As many labels as fit side by side (each with a space after it): every n-th bar's when there
        # are more bars than room.
        room = max(1, (self.size.width - self.margin_left) // (max(map(len, labels), default=0) + 1))
        self.set_xticks(list(range(1, len(labels) + 1, ceil(len(labels) / room))))

    def _ticks_with(self, target: float, low: float, high: float) -> list[float]:
        """The axis's round ticks with the target among them, none on the rows next to the target's."""
        rows = max(2, self.size.height - self.margin_bottom)
        near = 1.5 * (high - low) / rows
        ticks = NumericAxisFormatter().get_ticks(low, high, max_ticks=max(2, rows // 3))
        return sorted([t for t in ticks if abs(t - target) > near] + [target])

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
