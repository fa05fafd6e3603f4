"""NO_COLOR's monochrome filter, for segments without a style too.

Textual (8.2) turns NO_COLOR=1 into its `Monochrome` line filter, which reads `style.color` of
every segment; a segment may carry no style at all (Textual's own `Strip.blank()` without one,
which textual-hires-canvas returns for the lines below a chart's canvas before it is resized),
and the filter then raises AttributeError while drawing. This one passes such segments on as
they are: they have no colour to take away.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import Monochrome


class UnstyledSafeMonochrome(Monochrome):
    """Textual's Monochrome, leaving a segment without a style as it is."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        styled = super().apply([s for s in segments if s.style is not None], background)
        converted = iter(styled)
        return [segment if segment.style is None else next(converted) for segment in segments]
