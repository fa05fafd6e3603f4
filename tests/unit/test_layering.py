import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UI_MODULES = ("textual", "textual_plot", "wearsync.dashboard")
# The two commands that open the dashboard; they import it inside `run`, never at module level.
UI_COMMANDS = {"wearsync/cli/dashboard.py", "wearsync/cli/demo.py"}


def core_files() -> list[Path]:
    files = [*ROOT.glob("sync/**/*.py"), *ROOT.glob("analytics/**/*.py"), *ROOT.glob("wearsync/**/*.py")]
    return [f for f in files if f.relative_to(ROOT).as_posix() not in UI_COMMANDS]


def imported_names(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def is_ui(name: str) -> bool:
    return any(name == ui or name.startswith(ui + ".") for ui in UI_MODULES)


@pytest.mark.parametrize("path", core_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_core_never_imports_the_ui(path):
    assert not [n for n in imported_names(ast.parse(path.read_text())) if is_ui(n)]


@pytest.mark.parametrize("path", sorted(UI_COMMANDS))
def test_ui_commands_import_the_dashboard_only_when_run(path):
    module = ast.parse((ROOT / path).read_text())
    top_level = ast.Module(
        body=[n for n in module.body if isinstance(n, (ast.Import, ast.ImportFrom))], type_ignores=[]
    )
    assert not [n for n in imported_names(top_level) if is_ui(n)]


def test_the_cli_starts_without_textual_or_the_heavy_libraries():
    # building the parser runs for every command, the dashboard's first frame included
    heavy = ("textual", "textual_plot", "polars", "numpy", "fitparse", "garminconnect", "curl_cffi")
    code = (
        "import sys, wearsync.cli; wearsync.cli.build_parser(); "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("path", sorted(ROOT.glob("dashboard/**/*.py")), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_the_dashboard_never_imports_the_command_line(path):
    # it reaches the library through the read side and dashboard/sync_actions.py, as the CLI does
    assert not [
        n for n in imported_names(ast.parse(path.read_text())) if n == "wearsync.cli" or n.startswith("wearsync.cli.")
    ]


# SQL as this project writes it: upper-case keywords in the shape of a statement.
SQL = re.compile(
    r"\bSELECT\b.+\bFROM\b|\bINSERT (OR \w+ )?INTO\b|\bUPDATE \w+ SET\b|\bDELETE FROM\b|"
    r"\bCREATE (UNIQUE )?(TABLE|INDEX|VIEW|TRIGGER)\b|\bPRAGMA \w+|\bALTER TABLE\b|\bDROP TABLE\b",
    re.S,
)
STORE = ROOT / "wearsync" / "store"


def sql_strings(path: Path) -> list[str]:
    """The string literals (f-strings' literal parts too) of a module that hold SQL."""
    return [
        node.value
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value)
    ]


def outside_the_store() -> list[Path]:
    return [
        f
        for f in [*core_files(), *ROOT.glob("dashboard/**/*.py"), *(ROOT / p for p in UI_COMMANDS)]
        if not f.is_relative_to(STORE)
    ]


@pytest.mark.parametrize("path", outside_the_store(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_sql_outside_the_store(path):
    # every query and write lives in wearsync/store/, a module per group of tables (tests and
    # benchmarks may set up stores with SQL of their own)
    assert sql_strings(path) == []


@pytest.mark.parametrize(
    "name",
    [
        "wellness",
        "intake",
        "weigh_ins",
        "recordings",
        "garmin",
        "sync_runs",
        "analytics_caches",
        "hr_series",
        "listings",
        "state",
        "migrations",
    ],
)
def test_the_sql_check_finds_the_stores_own_sql(name):
    # the check above is only worth something if it sees SQL where there is some
    assert sql_strings(STORE / f"{name}.py")
