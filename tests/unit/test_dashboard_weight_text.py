from datetime import date

from wearsync.dashboard.widgets.weight import week_weight_text
from wearsync.reports.models import WeekWeight, WeightWindow


def week(weigh_in_days: int, change: float) -> WeekWeight:
    window = WeightWindow(21, 1, 1, None, None, None, None)
    return WeekWeight("kg", 70.0, 70.0 + change, change, change, change, weigh_in_days, date(2026, 3, 15), window)


def test_one_weigh_in_day_is_one_day_and_a_small_loss_keeps_its_sign():
    # Seen in the demo: "weigh-ins on 1 days" and a 219 kcal deficit shown as "+0.0 kg" (-0.05 kg
    # rounded to one decimal). The report keeps two decimals, so the line shows two.
    text = week_weight_text(week(1, -0.05))
    assert "(weigh-ins on 1 day)" in text
    assert "Weight trend -0.05 kg this week" in text and "projects up to -0.05 kg" in text
    assert "(weigh-ins on 6 days)" in week_weight_text(week(6, 0.0))
