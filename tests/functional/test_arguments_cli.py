"""Every date, week and count on the command line is bounded: one clear line and exit 2."""

import json
import math
from datetime import date, timedelta

import pytest

from wearsync.cli import common, main

TODAY = date.today()
A_YEAR_ON = TODAY + timedelta(days=366)


def usage_error(capsys, *argv) -> str:
    """The error line of a refused command line (argparse's usage line before it)."""
    capsys.readouterr()
    with pytest.raises(SystemExit) as caught:
        main(list(argv))
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if "error:" in line]
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["report", "--day", "0001-01-01"], f"argument --day: 0001-01-01 is outside 1998-07-03 to {A_YEAR_ON}"),
        (["report", "--day", "9999-12-31"], f"argument --day: 9999-12-31 is outside 1998-07-03 to {A_YEAR_ON}"),
        (
            ["report", "--day", "2020-13-01"],
            "argument --day: expected a date written YYYY-MM-DD such as 2026-03-14, not '2020-13-01'",
        ),
        (["report", "--day", "20200925"], "argument --day: expected a date written YYYY-MM-DD"),
        # ISO 9999-W52 starts on Monday 9999-12-27 (9999-01-01 is a Friday: W01 starts 9999-01-04)
        (
            ["report", "--week", "9999-W52"],
            f"argument --week: 9999-W52 starts 9999-12-27, outside 1998-07-03 to {A_YEAR_ON}",
        ),
        (["report", "--week", "0001-W01"], "argument --week: 0001-W01 starts 0001-01-01, outside 1998-07-03"),
        (["report", "--week", "2020-39"], "argument --week: '2020-39' is not a week id like 2020-W39"),
        (["report", "--week", "2020-W54"], "argument --week: '2020-W54': no such ISO week"),
        (["report", "--weeks", "100000"], "argument --weeks: expected a whole number from 1 to 520, not 100000"),
        (["report", "--weeks", "0"], "argument --weeks: expected a whole number from 1 to 520, not 0"),
        (["report", "--weeks", "-3"], "argument --weeks: expected a whole number from 1 to 520, not -3"),
        (["report", "--weeks", "8.5"], "argument --weeks: expected a whole number from 1 to 520, not '8.5'"),
        (["log", "intake", "1850", "--date", "0001-01-01"], "argument --date: 0001-01-01 is outside 1998-07-03"),
        (["log", "intake", "1850", "--date", "2026-02-30"], "argument --date: expected a date written YYYY-MM-DD"),
        (["pull", "--days", "99999999999"], "argument --days: expected a whole number from 1 to 3650, not 99999999999"),
        (["pull", "--days", "0"], "argument --days: expected a whole number from 1 to 3650, not 0"),
        (["pull", "--since", "0001-01-01"], "argument --since: 0001-01-01 is outside 1998-07-03"),
        (["pull", "--since", "yesterday"], "argument --since: expected a date written YYYY-MM-DD"),
        (["demo", "--end", "9999-12-31"], "argument --end: 9999-12-31 is outside 1998-07-03"),
    ],
)
def test_out_of_range_or_malformed_arguments_are_one_line_and_exit_2(capsys, argv, says):
    line = usage_error(capsys, *argv)
    assert says in line
    assert "fromisoformat" not in line and "invalid" not in line


def test_the_bounds_themselves_are_accepted(capsys, store):
    for argv in (
        ["report", "--day", "1998-07-03"],
        ["report", "--day", A_YEAR_ON.isoformat()],
        ["report", "--week", "1998-W27"],  # Monday 1998-06-29: the week holds 1998-07-03
        ["report", "--weeks", "1"],
    ):
        capsys.readouterr()
        assert main([*argv, "--json"]) == 0, argv
        assert json.loads(capsys.readouterr().out)


def test_520_weeks_is_the_longest_history(capsys, store):
    assert main(["report", "--weeks", "520", "--json"]) == 0
    weeks = json.loads(capsys.readouterr().out)
    # 520 weeks ending with this one: the first starts 519 weeks before this week's Monday
    monday = TODAY - timedelta(days=TODAY.weekday())
    assert len(weeks) == 520 and weeks[0]["week_start"] == (monday - timedelta(weeks=519)).isoformat()


def test_json_output_writes_unknown_for_a_non_finite_number(capsys):
    common.print_json(
        {
            "score": math.nan,
            "deficit": [math.inf, 1.5, -math.inf],
            "day": date(2026, 3, 14),
            "nested": {"value": float("nan"), "count": 3},
        }
    )
    out = capsys.readouterr().out

    def refuse(constant):
        raise AssertionError(f"{constant} written into JSON")

    assert json.loads(out, parse_constant=refuse) == {
        "score": None,
        "deficit": [None, 1.5, None],
        "day": "2026-03-14",
        "nested": {"value": None, "count": 3},
    }
