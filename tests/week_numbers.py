"""The numbers the week view's lines show, in order, as a week's report JSON gives them: one
statement of them for the tests that compare a screen (Pilot's or tmux's) with `report --json`."""

import re

from wearsync.dashboard import format as fmt

NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def numbers(text: str) -> list[str]:
    return NUMBER.findall(text)


def cardio_line(report: dict) -> list[str]:
    """The cardio line: goal minutes of the target, moderate + 2 × vigorous, active, the device's, the heart rate's."""
    return [
        fmt.number(report["goal_minutes"]),
        str(report["targets"]["weekly_cardio_minutes"]),
        fmt.number(report["moderate_min"]),
        fmt.number(report["vigorous_min"]),
        "2",
        fmt.number(report["active_minutes"]),
        fmt.number(report["device_goal_minutes"]),
        fmt.number(report["hr_goal_minutes"]),
    ]


def totals_line(report: dict) -> list[str]:
    """The totals line: floors, steps and strength days, each with its days and target."""
    targets = report["targets"]
    return [
        fmt.number(report["floors"]),
        str(report["days_reaching_floors"]),
        str(targets["floors_per_day"]),
        fmt.number(report["steps"]),
        str(report["days_reaching_steps"]),
        fmt.number(targets["steps_per_day"]),
        str(report["strength_days"]),
        "2",
        "3",
    ]
