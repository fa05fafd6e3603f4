"""Text bars: the week's cardio goal bar and the per-day bar against the 30-minute line."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

FULL = "█"
EMPTY = "░"
TARGET_MARK = "│"


class CardioBar(Widget):
    """The week's goal minutes against the target: moderate and vigorous (counted twice) apart.

    Beyond the target the bar rescales so the target mark stays visible.
    """

    COMPONENT_CLASSES = {"cardio-bar--moderate", "cardio-bar--vigorous", "cardio-bar--empty", "cardio-bar--target"}
    DEFAULT_CSS = "CardioBar { height: 1; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.moderate = 0
        self.vigorous = 0
        self.target = 150

    def set_minutes(self, moderate: int, vigorous: int, target: int) -> None:
        """Show these minutes (vigorous as counted, i.e. before doubling)."""
        self.moderate, self.vigorous, self.target = moderate, vigorous, target
        self.refresh()

    def render(self) -> Text:
        width = max(self.size.width, 10)
        scale = max(self.target, self.moderate + 2 * self.vigorous, 1)
        cells_moderate = round(width * self.moderate / scale)
        cells_vigorous = min(round(width * 2 * self.vigorous / scale), width - cells_moderate)
        cells_empty = width - cells_moderate - cells_vigorous
        text = Text()
        text.append(FULL * cells_moderate, self.get_component_rich_style("cardio-bar--moderate"))
        text.append(FULL * cells_vigorous, self.get_component_rich_style("cardio-bar--vigorous"))
        text.append(EMPTY * cells_empty, self.get_component_rich_style("cardio-bar--empty"))
        mark = min(round(width * self.target / scale), width) - 1
        if self.target and mark >= 0:
            text.stylize(self.get_component_rich_style("cardio-bar--target"), mark, mark + 1)
        return text


def day_bar(minutes: int | None, target: int, reached: Style, short: Style, cells: int = 10) -> Text:
    """A small bar for a day: 0 to twice the target, with the target line in the middle."""
    text = Text()
    if minutes is None:
        return Text("—")
    step = 2 * target / cells
    filled = min(cells, round(minutes / step)) if step else 0
    style = reached if minutes >= target else short
    for cell in range(cells):
        if cell == cells // 2:
            text.append(TARGET_MARK, "bold")
        text.append(FULL if cell < filled else EMPTY, style if cell < filled else "dim")
    text.append(f" {minutes:>3}")
    return text
