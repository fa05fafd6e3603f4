"""A bar per label against a target line, drawn as text in half-cell steps: the week's days and
the history's weeks. No plotting library and no numpy: the week's chart is part of the first
frame, and this draws it in about a millisecond."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil, floor, isfinite, log10

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

# What a cell of the chart shows; the widget gives each its style.
BAR, TARGET, AXIS, LABEL = "bar", "target", "axis", "label"
HALF_CELLS = {(True, True): "█", (True, False): "▄", (False, True): "▀"}  # (lower half, upper half)


@dataclass(frozen=True)
class Bars:
    """What a chart shows: a value per label (None: unknown, a gap) and the target's level."""

    labels: tuple[str, ...]
    values: tuple[float | None, ...]
    target: float


def nice_ticks(low: float, high: float, most: int) -> list[float]:
    """Round ticks (1, 2 or 5 times a power of ten apart) from `low` to `high`, at most `most`."""
    if high <= low:
        return [low]
    for step in (m * 10.0**p for p in range(floor(log10((high - low) / most)), 20) for m in (1, 2, 5)):
        first, last = ceil(low / step), floor(high / step)
        if last - first + 1 <= most:
            return [k * step for k in range(first, last + 1)]
    return [low, high]


def _label(value: float) -> str:
    return f"{value:.0f}" if value == round(value) else f"{value:.1f}"


def layout(bars: Bars, width: int, height: int) -> list[list[tuple[str, str]]]:
    """The chart's lines at `width`×`height` cells, each a list of (text, what it is): the plot
    rows with the ticks on the left, the axis, then the labels under their bars."""
    rows = height - 2
    known = [v for v in bars.values if v is not None]
    low = min(0.0, *known, bars.target) * 1.1 if known else 0.0
    high = max(bars.target, *known) * 1.1 if known else bars.target * 1.2
    if high <= low:
        high = low + 1
    ticks = nice_ticks(low, high, max(2, rows // 3))
    near = 1.5 * (high - low) / max(rows, 1)  # no tick on the rows next to the target's
    ticks = sorted([t for t in ticks if abs(t - bars.target) > near] + [bars.target])
    margin = max(len(_label(t)) for t in ticks)
    plot = width - margin - 1
    if rows < 1 or plot < 1 or not bars.values:
        return [[("", "")] for _ in range(max(height, 0))]

    def half_rows(value: float) -> float:  # 0 at the bottom edge, 2×rows at the top
        return (value - low) / (high - low) * 2 * rows

    def row_of(value: float) -> int:  # from the top
        return rows - 1 - min(rows - 1, max(0, int(half_rows(value) // 2)))

    slot = plot / len(bars.values)
    bar_width = min(plot, max(1, round(slot * 0.7)))
    starts = [min(plot - bar_width, max(0, floor(i * slot + (slot - bar_width) / 2))) for i in range(len(bars.values))]
    cells = [[" "] * plot for _ in range(rows)]
    kinds = [[""] * plot for _ in range(rows)]
    for column in range(plot):  # the target first: the bars draw over it
        cells[row_of(bars.target)][column], kinds[row_of(bars.target)][column] = "─", TARGET
    zero = half_rows(0.0)
    for start, value in zip(starts, bars.values, strict=True):
        if value is None:
            continue
        bottom, top = sorted((zero, half_rows(value)))
        for row in range(rows):
            lower_half = 2 * (rows - 1 - row)  # the half-row index of the cell's lower half
            halves = (bottom <= lower_half + 0.5 < top, bottom <= lower_half + 1.5 < top)
            if any(halves):
                for column in range(start, start + bar_width):
                    cells[row][column], kinds[row][column] = HALF_CELLS[halves], BAR
    tick_rows = {row_of(t): _label(t) for t in ticks}
    lines = []
    for row in range(rows):
        axis = tick_rows.get(row, "").rjust(margin) + ("┤" if row in tick_rows else "│")
        lines.append([(axis, AXIS), *_runs(cells[row], kinds[row])])
    lines.append([(" " * margin + "└" + "─" * plot, AXIS)])
    # As many labels as fit with room to spare around each: every n-th bar's when there are more.
    room = max(1, plot // (max(map(len, bars.labels), default=0) + 2))
    under, under_kinds = [" "] * plot, [""] * plot
    for i in range(0, len(bars.labels), ceil(len(bars.labels) / room)):
        label = bars.labels[i]
        if len(label) > plot:
            continue
        at = min(max(0, starts[i] + (bar_width - len(label)) // 2), plot - len(label))
        if all(c == " " for c in under[max(0, at - 1) : at + len(label) + 1]):
            under[at : at + len(label)] = label
            under_kinds[at : at + len(label)] = [LABEL] * len(label)
    end = len("".join(under).rstrip())
    lines.append([(" " * (margin + 1), ""), *_runs(under[:end], under_kinds[:end])])
    return lines


def _runs(cells: list[str], kinds: list[str]) -> list[tuple[str, str]]:
    """Neighbouring cells of one kind as one piece: each label and each bar its own (a screenshot's
    SVG places every piece at its own column)."""
    pieces: list[tuple[str, str]] = []
    for cell, kind in zip(cells, kinds, strict=True):
        if pieces and pieces[-1][1] == kind:
            pieces[-1] = (pieces[-1][0] + cell, kind)
        else:
            pieces.append((cell, kind))
    return pieces


class BarChart(Widget):
    """Bars per label with the target as a line across them; unknown values leave a gap. Colours
    follow the theme; it redraws itself at any size."""

    bars: Bars | None = None
    _color = "primary"

    def show_bars(
        self, labels: Sequence[str], values: Sequence[float | None], *, target: float, color: str = "primary"
    ) -> None:
        # Not a finite number (which no report gives) is drawn as unknown, never as a crash in a redraw.
        shown = tuple(float(v) if v is not None and isfinite(v) else None for v in values)
        self.bars = Bars(tuple(labels), shown, float(target))
        self._color = color
        self.refresh()

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="crop")
        if self.bars is None:
            return text
        theme = self.app.get_css_variables()
        styles = {
            BAR: Style(color=theme[self._color]),
            TARGET: Style(color=theme["error"]),
            AXIS: Style(dim=True),
            LABEL: Style(color=theme["foreground"]),
        }
        for number, line in enumerate(layout(self.bars, self.size.width, self.size.height)):
            if number:
                text.append("\n")
            for piece, kind in line:
                text.append(piece, styles.get(kind))
        return text
