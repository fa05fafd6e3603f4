"""Intake typed or read from a CSV file: one check for every way in, nothing stored from a bad file."""

import codecs
from datetime import date, timedelta

import pytest

from wearsync.cli import main
from wearsync.errors import IntakeError, WearsyncError
from wearsync.intake import check_intake, read_intake_csv, record_intake
from wearsync.sync.gate import LIMITS

TOMORROW = date.today() + timedelta(days=1)


def stored(store) -> list[tuple[str, int]]:
    return store.conn.execute("SELECT local_day, kcal FROM intake ORDER BY local_day").fetchall()


@pytest.mark.parametrize(
    ("kcal", "whole"),
    [
        ("1850", 1850),
        ("1850.5", 1851),
        ("1850.4", 1850),
        (" 2100 ", 2100),
        ("0", 0),  # halves round up
        (1850.5, 1851),
        (1850, 1850),
        ("20000", 20000),
    ],
)
def test_an_entry_is_a_plain_number_kept_as_whole_kcal(kcal, whole):
    assert check_intake("2026-03-14", kcal) == (date(2026, 3, 14), whole)


@pytest.mark.parametrize(
    ("kcal", "says"),
    [
        ("inf", "'inf' is not a number of kcal like 1850 or 1850.5"),
        ("nan", "'nan' is not a number of kcal"),
        ("1e400", "'1e400' is not a number of kcal"),
        ("1,850", "'1,850' is not a number of kcal like 1850 or 1850.5 (no thousands separator)"),
        ("1850,5", "'1850,5' is not a number of kcal"),
        ("", "'' is not a number of kcal"),
        ("-5", "-5 kcal is outside 0 to 20,000"),
        ("20000.6", "20000.6 kcal is outside 0 to 20,000"),
        (float("inf"), "inf kcal is outside 0 to 20,000"),
        (float("nan"), "nan kcal is outside 0 to 20,000"),
        (True, "True is not a number of kcal"),
    ],
)
def test_a_bad_kcal_value_says_what_was_expected(kcal, says):
    with pytest.raises(IntakeError) as caught:
        check_intake("2026-03-14", kcal)
    assert says in str(caught.value)


def test_the_kcal_bound_is_the_gates_limit_for_a_days_intake():
    high = LIMITS["intake_kcal_day"].high
    assert check_intake("2026-03-14", str(int(high)))[1] == high
    with pytest.raises(IntakeError, match="outside"):
        check_intake("2026-03-14", str(int(high) + 1))


@pytest.mark.parametrize(
    ("day", "says"),
    [
        ("0001-01-01", f"0001-01-01 is outside 1998-07-03 to {TOMORROW}"),
        ("1998-07-02", f"1998-07-02 is outside 1998-07-03 to {TOMORROW}"),
        ((TOMORROW + timedelta(days=1)).isoformat(), f"is outside 1998-07-03 to {TOMORROW}"),
        ("14/03/2026", "expected a date written YYYY-MM-DD such as 2026-03-14, not '14/03/2026'"),
        ("2026-02-30", "expected a date written YYYY-MM-DD"),
    ],
)
def test_an_intake_day_is_from_1998_to_tomorrow(day, says):
    with pytest.raises(IntakeError) as caught:
        check_intake(day, "1850")
    assert says in str(caught.value)
    assert check_intake("1998-07-03", "1")[0] == date(1998, 7, 3)
    assert check_intake(TOMORROW, "1")[0] == TOMORROW


def test_a_thousands_separator_in_a_csv_is_refused_with_its_line_and_nothing_is_stored(tmp_path, store):
    path = tmp_path / "intake.csv"
    path.write_text("date,kcal\n2026-11-19,2100\n2026-11-20,1,500\n")
    with pytest.raises(IntakeError) as caught:
        record_intake(store, read_intake_csv(path), "csv")
    assert f"{path}:3: expected 2 columns (date,kcal), got 3 in '2026-11-20,1,500'" in str(caught.value)
    assert "thousands separator" in str(caught.value)
    assert stored(store) == []


def test_every_bad_row_is_listed_before_anything_is_stored(tmp_path, store):
    path = tmp_path / "intake.csv"
    path.write_text(
        "date,kcal\n"
        "2026-11-16,2100\n"  # 2: good
        "2026-11-17,inf\n"  # 3
        "2026-11-18,nan\n"  # 4
        "\n"  # 5: blank, skipped
        "2026-11-19,1e400\n"  # 6
        "0001-01-01,1800\n"  # 7
        "2026-11-21,1850.5\n"  # 8: good (a decimal)
        "2026-11-16,1900\n"  # 9: the day of line 2 again
        "2026-11-22\n"  # 10
        "2026-11-23,25000\n"
    )  # 11
    with pytest.raises(IntakeError) as caught:
        read_intake_csv(path)
    lines = str(caught.value).splitlines()
    assert lines[0] == f"{path}: 7 bad rows; nothing was stored"
    assert [line.split(": ", 1)[0] for line in lines[1:]] == [f"{path}:{n}" for n in (3, 4, 6, 7, 9, 10, 11)]
    assert lines[4] == f"{path}:7: 0001-01-01 is outside 1998-07-03 to {TOMORROW}"
    assert lines[5] == f"{path}:9: 2026-11-16 is given twice, on lines 2 and 9"
    assert "25000 kcal is outside 0 to 20,000" in lines[7]
    assert stored(store) == []


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_utf8_with_or_without_a_bom_and_utf16_are_read(tmp_path, store, encoding):
    path = tmp_path / "intake.csv"
    text = "date,kcal\r\n2026-11-19,2100\r\n2026-11-20,1850.5\r\n"
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    path.write_bytes(bom + text.encode(encoding))
    record_intake(store, read_intake_csv(path), "csv")
    assert stored(store) == [("2026-11-19", 2100), ("2026-11-20", 1851)]


def test_a_file_that_is_not_text_is_one_clear_error(tmp_path):
    path = tmp_path / "intake.csv"
    path.write_bytes(b"2026-11-19,2100\n\xff\xfe\xfd\n")  # no BOM: not UTF-8
    with pytest.raises(IntakeError, match=r"intake\.csv: not UTF-8 or UTF-16 text"):
        read_intake_csv(path)
    path.write_bytes(b"2026-11-19,21\x0000\n")
    with pytest.raises(IntakeError, match=r"intake\.csv:1: "):
        read_intake_csv(path)
    path.write_text("date,kcal\n")
    with pytest.raises(IntakeError, match=r"intake\.csv: no rows of date,kcal"):
        read_intake_csv(path)
    with pytest.raises(IntakeError, match="cannot read"):
        read_intake_csv(tmp_path / "missing.csv")


def test_record_intake_checks_what_a_library_caller_passes(store):
    with pytest.raises(IntakeError, match="outside"):
        record_intake(store, {date(2026, 3, 14): 1850, date(1, 1, 1): 1800}, "manual")
    assert stored(store) == []
    assert issubclass(IntakeError, WearsyncError)


def test_the_command_line_takes_decimals_and_refuses_what_the_csv_refuses(capsys, tmp_path, store):
    assert main(["log", "intake", "1850.5", "--date", "2026-03-14"]) == 0
    assert "logged 1,851 kcal eaten on 2026-03-14" in capsys.readouterr().out
    for bad in ("inf", "nan", "1e400", "1,850", "-5"):
        assert main(["log", "intake", bad, "--date", "2026-03-15"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("wearsync: error: ") and len(err.splitlines()) == 1, err
    csv = tmp_path / "intake.csv"
    csv.write_text("2026-03-16,2000\n2026-03-17,1,500\n2026-03-18,inf\n")
    assert main(["log", "intake-csv", str(csv)]) == 2
    err = capsys.readouterr().err
    assert f"{csv}:2: " in err and f"{csv}:3: " in err and "Traceback" not in err
    csv.write_text("2026-03-16,2000\n2026-03-17,1500.5\n")
    assert main(["log", "intake-csv", str(csv)]) == 0
    assert stored(store) == [("2026-03-14", 1851), ("2026-03-16", 2000), ("2026-03-17", 1501)]
