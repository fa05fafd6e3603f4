"""Every field of every report model (wearsync/reports/models.py), walked recursively, is in the
report's JSON and shown: read as an attribute by the CLI's tables (wearsync/cli/report.py) or a
dashboard view (dashboard/screens/, dashboard/widgets/) - or listed below as JSON-only, with the reason. "Shown" is by
name: a field whose name another model's shown field shares (Activity.steps, Day.steps) passes."""

import ast
import dataclasses
import json
import typing
from datetime import date
from pathlib import Path

from tests.functional.conftest import CONFIG, END
from wearsync.reports import curve, day, week
from wearsync.reports.models import DayCurve, DayReport, HistoryTotals, WeekReport, as_json

ROOT = Path(__file__).resolve().parents[2]
SHOWING = [
    ROOT / "wearsync/cli/report.py",
    *sorted((ROOT / "dashboard/screens").glob("*.py")),
    *sorted((ROOT / "dashboard/widgets").glob("*.py")),
]

# Fields no table or view shows, and why they are in the JSON all the same.
JSON_ONLY = {
    "start_utc": "the activity's exact start for scripts; tables show start_local",
    "elapsed_s": "the exact duration for scripts; tables show the rounded minutes",
    "zone": "the zone of each curve minute: the chart draws the zones as the lines at the limits",
    "source": "the source of each curve minute: the day view names the files instead",
    "weeks_with_enough_data": "how many of the history's weeks are scored; its charts leave the others blank",
}


def model_fields(cls: type, seen: set[type] | None = None) -> list[tuple[type, str]]:
    """(model, field name) of `cls` and of every model its fields hold, recursively."""
    seen = set() if seen is None else seen
    if cls in seen:
        return []
    seen.add(cls)
    found = []
    for field, hint in typing.get_type_hints(cls).items():
        found.append((cls, field))
        for inner in (hint, *typing.get_args(hint)):
            if dataclasses.is_dataclass(inner):
                found += model_fields(typing.cast(type, inner), seen)
    return found


def shown_attributes() -> set[str]:
    """Every attribute name the CLI's printing and the dashboard's views read."""
    names = set()
    for path in SHOWING:
        names |= {node.attr for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Attribute)}
    return names


def json_paths(value, prefix=()) -> set[tuple[str, ...]]:
    """The key paths of a JSON value (list items merged)."""
    paths = set()
    if isinstance(value, dict):
        for key, item in value.items():
            paths.add((*prefix, key))
            paths |= json_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for item in value:
            paths |= json_paths(item, prefix)
    return paths


def json_lists(value, prefix=(), filled=False) -> set[tuple[str, ...]]:
    """The key paths of a JSON value's lists (`filled`: only those holding an item somewhere)."""
    paths = set()
    if isinstance(value, dict):
        for key, item in value.items():
            paths |= json_lists(item, (*prefix, key), filled)
    elif isinstance(value, list):
        if prefix and (value or not filled):
            paths.add(prefix)
        for item in value:
            paths |= json_lists(item, prefix, filled)
    return paths


def model_paths(cls: type, prefix=()) -> set[tuple[str, ...]]:
    """The key paths as_json gives a model with every list holding an item."""
    paths = set()
    for field, hint in typing.get_type_hints(cls).items():
        paths.add((*prefix, field))
        for inner in (hint, *typing.get_args(hint)):
            if dataclasses.is_dataclass(inner):
                paths |= model_paths(typing.cast(type, inner), (*prefix, field))
    return paths


def test_every_model_field_is_serialised_and_shown(demo_store):
    demo_day = date(2026, 3, 12)  # a day with an activity and the watch's minutes
    reports = {
        DayReport: day.day_report(demo_store, CONFIG, demo_day),
        WeekReport: week.week_report(demo_store, CONFIG, END),
        HistoryTotals: week.history_totals(week.history(demo_store, CONFIG, 2, END)),
        DayCurve: curve.day_curve(demo_store, CONFIG, demo_day),
    }
    assert reports[DayReport].activities and reports[DayReport].device_increments
    for cls, report in reports.items():
        text = json.dumps(as_json(report), allow_nan=False)  # NaN-free, all JSON types
        serialised = json_paths(json.loads(text))
        # a list the demo leaves empty everywhere (a week's unavailable_days) has no items to look into
        empty = json_lists(json.loads(text)) - json_lists(json.loads(text), filled=True)
        expected = {p for p in model_paths(cls) if not any(p[:n] in empty for n in range(1, len(p)))}
        assert expected <= serialised, f"{cls.__name__}: not in the JSON: {sorted(expected - serialised)}"
        assert serialised <= model_paths(cls), f"{cls.__name__}: keys no model field names"
    shown = shown_attributes()
    missing = sorted(
        {
            f"{cls.__name__}.{field}"
            for model in reports
            for cls, field in model_fields(model)
            if field not in shown and field not in JSON_ONLY
        }
    )
    assert missing == [], f"fields neither shown nor listed as JSON-only: {missing}"


def test_the_json_keys_are_the_analytics_column_names(demo_store):
    from wearsync.analytics.daily import DAILY_SCHEMA
    from wearsync.analytics.weekly import WEEKLY_SCHEMA

    day_json = as_json(day.day_report(demo_store, CONFIG, date(2026, 3, 12)))
    week_json = as_json(week.week_report(demo_store, CONFIG, END))
    # every daily column is a day key of the same name; every weekly column a week key
    assert set(DAILY_SCHEMA) - {"local_day"} <= set(day_json)
    assert set(WEEKLY_SCHEMA) <= set(week_json)
    assert day_json["local_day"] == "2026-03-12" and week_json["week_start"] == "2026-03-09"
