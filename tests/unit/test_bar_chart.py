"""The text bar chart's layout, worked by hand (dashboard/widgets/bar_chart.py)."""

import asyncio
import math

from textual.app import App

from wearsync.dashboard.widgets.bar_chart import BarChart, Bars, layout, nice_ticks


def plain(bars: Bars, width: int, height: int) -> list[str]:
    return ["".join(piece for piece, _ in line) for line in layout(bars, width, height)]


def test_bars_up_and_down_from_zero_with_the_target_across_and_a_gap_for_unknown():
    # low = -5 × 1.1 = -5.5, high = 10 × 1.1 = 11: 16.5 over 6 rows of 2 halves, 1.375 a half.
    # Zero at half 4.0, 5 at 7.64 (row 2 from the top), 10 at 11.27 (row 0), -5 at 0.36.
    # Ticks at most 6 // 3 = 2, 10 apart: 0 and 10, both more than 1.5 rows from the target 5.
    # 12 columns less a margin of 2 and the axis: 9, a slot of 3 per bar, bars 2 wide at 0, 3, 6.
    assert plain(Bars(("a", "b", "c"), (10.0, None, -5.0), 5.0), 12, 8) == [
        "10┤▄▄       ",  # 10 fills the lower half of the top row (halves 10-11 up to 11.27)
        "  │██       ",
        " 5┤██───────",  # the target behind the bars, in the gap left for b's unknown value
        " 0┤██       ",  # a's bar starts at zero (half 4)
        "  │      ██ ",  # c's -5 from zero down to half 0.36
        "  │      ██ ",
        "  └─────────",
        "   a  b  c",
    ]


def test_every_nth_label_when_they_do_not_fit_and_nothing_drawn_without_room():
    labels = tuple(f"W{i:02d}" for i in range(1, 49))
    bars = Bars(labels, tuple(100.0 for _ in labels), 150.0)
    under = plain(bars, 80, 12)[-1].split()
    # 80 columns less the margin (3 for "165") and the axis: 76, room for 76 // 5 = 15 labels: every 4th.
    assert under == [f"W{i:02d}" for i in range(1, 49, 4)]
    assert plain(bars, 80, 2) == ["", ""]  # no row left for the bars


def test_round_ticks():
    assert nice_ticks(0, 88, 4) == [0, 50]
    assert nice_ticks(-550, 3850, 4) == [-0.0, 1000, 2000, 3000]
    assert nice_ticks(0, 1, 4) == [0, 0.5, 1.0]


def test_a_label_wider_than_the_plot_is_left_out_and_no_line_is_wider_than_the_chart():
    # 10 columns less a margin of 2 ("10", the target) and the axis: 7, narrower than the label.
    lines = plain(Bars(("a label of 17 ch.",), (5.0,), 10.0), 10, 5)
    assert all(len(line) <= 10 for line in lines)
    assert lines[-1].strip() == ""


def test_the_widget_draws_a_value_that_is_not_a_finite_number_as_unknown():
    class Chart(App):
        def compose(self):
            yield BarChart()

    async def run() -> tuple[Bars | None, str]:
        app = Chart()
        async with app.run_test(size=(40, 10)) as pilot:
            chart = app.query_one(BarChart)
            chart.show_bars(["a", "b", "c"], [math.nan, math.inf, 20], target=30)
            await pilot.pause()
            return chart.bars, chart.render().plain

    bars, drawn = asyncio.run(run())
    assert bars is not None and bars.values == (None, None, 20.0)
    assert "█" in drawn and drawn.splitlines()[-1].split() == ["a", "b", "c"]
