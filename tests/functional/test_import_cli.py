import json

from tests.conftest import DAY_PIECES, MONITOR, require
from wearsync.cli import main


def test_import_prints_a_json_summary_and_fails_with_exit_1(tmp_path, capsys):
    require(MONITOR)
    bad = tmp_path / "bad.fit"
    bad.write_bytes(b"not a fit file at all")
    code = main(["import", "--json", str(bad), *(str(MONITOR / p) for p in DAY_PIECES)])
    out, err = capsys.readouterr()
    summary = json.loads(out)
    assert code == 1
    assert (summary["found"], summary["imported"], summary["failed"]) == (4, 3, 1)
    assert f"failed: {bad}:" in err


def test_a_clean_import_exits_0_and_the_day_report_shows_the_device_totals(capsys):
    require(MONITOR)
    assert main(["import", *(str(MONITOR / p) for p in DAY_PIECES)]) == 0
    capsys.readouterr()
    assert main(["report", "--day", "2020-09-25", "--json"]) == 0
    day = json.loads(capsys.readouterr().out)
    assert (
        day["steps"],
        day["floors"],
        day["device_moderate_min"],
        day["device_vigorous_min"],
        day["active_kcal"],
    ) == (15_027, 32.2, 18, 91, 1_072)


def test_the_day_report_prints_a_table(capsys):
    require(MONITOR)
    main(["import", *(str(MONITOR / p) for p in DAY_PIECES)])
    capsys.readouterr()
    main(["report", "--day", "2020-09-25"])
    out = capsys.readouterr().out
    assert "15,027" in out and "32.2" in out and "18 mod + 91 vig" in out


def test_a_bad_config_is_one_line_and_exit_2(tmp_path, capsys):
    path = tmp_path / "c.toml"
    path.write_text("[targets]\nsteps = 3\n")
    assert main(["--config", str(path), "report", "--day", "2020-09-25"]) == 2
    err = capsys.readouterr().err
    assert "unknown key targets.steps" in err and err.count("\n") == 1


def test_every_command_has_help_with_an_example():
    from wearsync.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():
        assert command.description, name
        assert "example" in (command.epilog or ""), name
