"""Issue 15, the command line as people expect it: conventions, store side effects, the demo."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import SHARED_FIT, require
from tests.functional.conftest import RUN
from wearsync.cli import EXAMPLE, build_parser, main
from wearsync.config import load_config
from wearsync.demo.build import demo_dir, left_for_drop, settings_text
from wearsync.errors import StoreError
from wearsync.store import DB_NAME, MIGRATIONS, Store

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_FILES = SHARED_FIT / "python-fitparse" / "tests" / "files"  # Settings.fit is skipped with a reason


def run(*argv, env=None, stdin=subprocess.DEVNULL, **kw):
    return subprocess.run(
        [sys.executable, "-m", "wearsync", *argv],
        capture_output=True,
        text=True,
        stdin=stdin,
        env={**os.environ, **(env or {})},
        timeout=300,
        **kw,
    )


# --- store side effects ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv", [["report"], ["report", "--weeks", "2", "--json"], ["recordings"], ["forget", "12", "--yes"]]
)
def test_a_command_that_does_not_store_never_creates_a_store(capsys, tmp_path, argv):
    home = tmp_path / "nonexistent" / "deep" / "path"
    assert main(["--home", str(home), *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [err[0]] and f"no store at {home / DB_NAME}" in err[0]
    assert not (tmp_path / "nonexistent").exists()


def test_a_mistyped_wearsync_home_creates_nothing_and_exits_2(tmp_path):
    home = tmp_path / "nonexistent" / "deep" / "path"
    done = run("report", env={"WEARSYNC_HOME": str(home)})
    assert done.returncode == 2 and str(home / DB_NAME) in done.stderr
    assert not (tmp_path / "nonexistent").exists()


def _read_only_mount(folder: Path, *argv) -> subprocess.CompletedProcess:
    """wearsync run with `folder` mounted read-only (a private mount namespace: real read-only media)."""
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, str(folder), sys.executable, "-m", "wearsync", *argv],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
        env={**os.environ, "WEARSYNC_HOME": str(folder)},
    )


def test_reports_work_on_a_store_on_read_only_media(store, wearsync_home, capsys):
    from wearsync.sync.fit_import import import_paths

    import_paths(store, [require(RUN)])
    store.close()
    if shutil.which("unshare") is None or _read_only_mount(wearsync_home, "--version").returncode != 0:
        pytest.skip("no unshare with user and mount namespaces here to mount a folder read-only")
    before = sorted(p.name for p in wearsync_home.iterdir())
    done = _read_only_mount(wearsync_home, "report", "--day", "2015-08-15", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["activities"][0]["sport"] == "running"  # the Fenix 2 run of that day
    listing = _read_only_mount(wearsync_home, "recordings", "--json")
    assert listing.returncode == 0 and json.loads(listing.stdout)[0]["path"].endswith(RUN.name)
    refused = _read_only_mount(wearsync_home, "log", "intake", "1850", "--date", "2015-08-15")
    assert refused.returncode == 2 and "read-only" in refused.stderr
    assert sorted(p.name for p in wearsync_home.iterdir()) == before


def test_a_read_only_store_that_needs_upgrading_says_so(store, wearsync_home):
    store.close()
    conn = sqlite3.connect(wearsync_home / DB_NAME)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) - 1}")
    conn.close()
    with pytest.raises(StoreError, match="read-only and needs upgrading"):
        Store.read_copy(wearsync_home)


# --- conventions -----------------------------------------------------------------------------


def test_version_is_the_packages(capsys):
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.strip() == f"wearsync {expected}"


def test_global_options_go_before_or_after_the_command(tmp_path, capsys):
    config = tmp_path / "mine.toml"
    config.write_text("[wearer]\nbirth_year = 1971\n")
    home = tmp_path / "elsewhere"
    for argv in (
        ["--config", str(config), "--home", str(home), "config", "show", "--json"],
        ["config", "show", "--json", "--config", str(config), "--home", str(home)],
        ["config", "--config", str(config), "show", "--home", str(home), "--json"],
    ):
        assert main(argv) == 0, argv
        shown = json.loads(capsys.readouterr().out)
        assert (shown["wearer"]["birth_year"], shown["data_dir"], shown["file"]) == (1971, str(home), str(config))
    assert main(["report", "--config", str(tmp_path / "missing.toml")]) == 2
    assert "missing.toml: config file not found" in capsys.readouterr().err


def test_config_path_prints_where_the_file_is_read(tmp_path, capsys, monkeypatch):
    assert main(["config", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "xdg-config" / "wearsync" / "config.toml")
    monkeypatch.setenv("WEARSYNC_CONFIG", str(tmp_path / "env.toml"))
    main(["config", "path"])
    assert capsys.readouterr().out.strip() == str(tmp_path / "env.toml")


def test_config_init_writes_a_commented_file_and_keeps_an_existing_one(tmp_path, capsys):
    path = tmp_path / "xdg-config" / "wearsync" / "config.toml"
    assert main(["config", "init", "--birth-year", "1985", "--sex", "male", "--weight-kg", "82.5"]) == 0
    text = path.read_text()
    assert text.startswith("#") and "# resting_hr" in text
    wearer = load_config().wearer
    assert (wearer.birth_year, wearer.sex, wearer.weight_kg) == (1985, "male", 82.5)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    capsys.readouterr()
    assert main(["config", "init", "--birth-year", "1990", "--sex", "female", "--weight-kg", "60"]) == 2
    assert "exists; add --force" in capsys.readouterr().err
    assert path.read_text() == text
    assert main(["config", "init", "--birth-year", "1990", "--sex", "female", "--weight-kg", "60", "--force"]) == 0
    assert load_config().wearer.birth_year == 1990


def test_config_init_asks_at_a_terminal_and_checks_the_answers(tmp_path, capsys):
    # No terminal and no option: it says which option to give.
    done = run("config", "init", "--birth-year", "1985", "--sex", "male", env={"XDG_CONFIG_HOME": str(tmp_path / "x")})
    assert done.returncode == 2 and "--weight-kg" in done.stderr
    assert main(["config", "init", "--birth-year", "1850", "--sex", "male", "--weight-kg", "80"]) == 2
    assert "wearer.birth_year must be from 1900" in capsys.readouterr().err


def _every_parser(parser):
    yield parser
    for action in parser._actions:
        if action.choices and isinstance(action.choices, dict):
            for sub in action.choices.values():
                yield from _every_parser(sub)


def test_each_help_example_is_one_line_that_parses(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")  # narrower than most examples: they must not be wrapped
    examples = 0
    for parser in _every_parser(build_parser()):
        help_text = parser.format_help()
        if parser.prog == "wearsync":
            continue
        found = EXAMPLE.findall(help_text)
        assert found, f"{parser.prog} --help has no example"
        for example in found:
            argv = example.split("<")[0].split()[1:]
            namespace = build_parser().parse_args(argv)  # a split or run-together line does not parse
            assert namespace.command, example
            examples += 1
    assert examples >= 20


def test_import_quiet_keeps_failures_and_the_summary(tmp_path, capsys):
    folder = tmp_path / "watch"
    folder.mkdir()
    shutil.copy(require(SETTINGS_FILES / "Settings.fit"), folder / "Settings.fit")  # skipped: a settings file
    shutil.copy(RUN, folder / "run.fit")
    (folder / "bad.fit").write_bytes(b"not a fit file at all")
    assert main(["import", str(folder)]) == 1
    loud = capsys.readouterr().err
    assert "skipped:" in loud
    shutil.copy(RUN, folder / "copy of run.fit")
    assert main(["import", "-q", str(folder)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert (
        lines[:-1]
        == [line for line in lines if line.startswith("failed: ")]
        == [line for line in lines[:-1] if "bad.fit" in line]
    )
    # Settings.fit was recorded as skipped the first time: now it, the run and its copy are duplicates.
    assert lines[-1] == "4 found: 0 imported, 0 skipped, 3 duplicates, 1 failed"


def test_import_stderr_starts_with_no_blank_line_and_says_duplicates(tmp_path):
    env = {"WEARSYNC_HOME": str(tmp_path / "h")}
    run("import", str(RUN), env=env)
    again = run("import", str(RUN), env=env)
    assert again.returncode == 0
    assert not again.stderr.startswith("\n")
    assert again.stderr.splitlines()[-1] == "1 found: 0 imported, 0 skipped, 1 duplicates, 0 failed"
    assert "already" not in again.stderr.splitlines()[-1]


def test_one_day_is_singular(tmp_path, capsys):
    csv = tmp_path / "one.csv"
    csv.write_text("date,kcal\n2023-07-01,1850\n")
    assert main(["log", "intake-csv", str(csv)]) == 0
    assert f"logged intake for 1 day from {csv} (0 corrected)" in capsys.readouterr().out


def test_a_bad_recordings_day_is_a_usage_line_not_pythons(capsys):
    with pytest.raises(SystemExit):
        main(["recordings", "--day", "2020-13-01"])
    err = capsys.readouterr().err
    assert "expected a date written YYYY-MM-DD" in err and "fromisoformat" not in err


def test_the_dashboard_without_a_terminal_names_report_and_exits_2(tmp_path):
    done = run(env={"WEARSYNC_HOME": str(tmp_path / "h")})
    assert done.returncode == 2
    assert "needs a terminal" in done.stderr and "wearsync report" in done.stderr
    assert "\x1b" not in done.stdout + done.stderr
    assert not (tmp_path / "h").exists()


# --- the demo --------------------------------------------------------------------------------


def test_the_demos_settings_file_is_its_wearer(tmp_path):
    path = tmp_path / "demo.toml"
    path.write_text(settings_text())
    from wearsync.demo import person as demo

    wearer = load_config(path).wearer
    assert (wearer.birth_year, wearer.sex, wearer.resting_hr) == (demo.BIRTH_YEAR, "female", demo.HR_REST)


def test_demo_never_touches_the_users_store_and_reset_starts_afresh(tmp_path, wearsync_home, capsys):
    assert main(["demo", "--end", "2026-03-15", "--no-open"]) == 0
    err = capsys.readouterr().err
    folder = demo_dir()
    assert "Writing the demo's FIT files" in err
    assert f"wearsync --home {folder} --config {folder / 'config.toml'} report" in err
    assert not wearsync_home.exists() and not (tmp_path / "xdg-data").exists()
    assert folder.is_relative_to(tmp_path / "xdg-cache")
    report = ["--home", str(folder), "--config", str(folder / "config.toml"), "recordings", "--json"]
    assert main(report) == 0
    stored = len(json.loads(capsys.readouterr().out))
    assert main(["--home", str(folder), "forget", "1", "--yes"]) == 0
    assert main(["demo", "--end", "2026-03-15", "--no-open"]) == 0  # the same demo: kept as it is
    assert "Writing" not in capsys.readouterr().err
    main(report)
    assert len(json.loads(capsys.readouterr().out)) == stored - 1
    assert main(["demo", "--end", "2026-03-15", "--no-open", "--reset"]) == 0
    assert "Writing the demo's FIT files" in capsys.readouterr().err
    main(report)
    assert len(json.loads(capsys.readouterr().out)) == stored
    assert not wearsync_home.exists()


def test_the_demo_asks_for_its_drag_in_only_while_it_is_not_imported(capsys):
    assert main(["demo", "--end", "2026-03-15", "--no-open"]) == 0
    assert "To see a drag-in, drop" in capsys.readouterr().err
    held_back = left_for_drop(demo_dir())
    assert main(["--home", str(demo_dir()), "import", str(held_back)]) == 0  # what the drop does
    assert main(["demo", "--end", "2026-03-15", "--no-open"]) == 0
    err = capsys.readouterr().err
    assert "To see a drag-in" not in err and f"{held_back.name} is imported already" in err


def test_shell_completion_completes_commands_and_options(tmp_path):
    answers = tmp_path / "answers"
    for line, expected in (("wearsync rep", {"report"}), ("wearsync report --w", {"--week", "--weeks"})):
        run(
            env={
                "_ARGCOMPLETE": "1",
                "COMP_LINE": line,
                "COMP_POINT": str(len(line)),
                "_ARGCOMPLETE_STDOUT_FILENAME": str(answers),
            }
        )
        assert set(answers.read_text().split()) == expected  # argcomplete separates answers with \v


def test_recordings_says_how_big_the_store_and_the_kept_originals_are(store, wearsync_home, capsys):
    from wearsync.sync.fit_import import import_paths

    import_paths(store, [RUN])
    assert main(["recordings"]) == 0
    last = capsys.readouterr().err.splitlines()[-1]
    originals = sum(p.stat().st_size for p in (wearsync_home / "originals").rglob("*.fit"))
    assert originals == RUN.stat().st_size  # one original, kept byte for byte
    assert last.startswith("1 item stored; ") and f"kept originals {originals / 1e6:,.1f} MB" in last


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--sex", 'female"\n[x]'], "wearer.sex must be one of female, male"),
        (["--sex", "female", "--weight-kg", "nan"], "wearer.weight_kg must be a finite number"),
        (["--sex", "female", "--weight-kg", "68,5"], "wearer.weight_kg: '68,5' is not a number"),
    ],
)
def test_config_init_refuses_what_is_no_setting_and_writes_nothing(tmp_path, capsys, argv, says):
    assert main(["config", "init", "--birth-year", "1985", "--weight-kg", "70", *argv]) == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "xdg-config" / "wearsync" / "config.toml").exists()
