"""What every command shares: opening config and store, bounded arguments, progress, JSON output."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from rich.console import Console

from wearsync.analytics.weeks import week_start_for_id
from wearsync.config import Config, load_config
from wearsync.errors import PeriodError, StoreError
from wearsync.store import DB_NAME, Store
from wearsync.sync.gate import DAYS_AHEAD, DAYS_AHEAD_DONE, FIRST_LOCAL_DAY, check_day
from wearsync.wording import plural  # noqa: F401 - the commands' `common.plural`

# Exit codes: what a script can rely on.
EXIT_OK = 0
EXIT_PARTIAL = 1  # the command ran, but some inputs failed
EXIT_ERROR = 2  # bad usage, config or store: nothing was done
EXIT_AUTH = 3  # Garmin needs `wearsync login`
EXIT_RATE_LIMITED = 4  # Garmin is cooling down after a 429
EXIT_UNAVAILABLE = 5  # Garmin is not answering properly; the login is kept
EXIT_BUSY = 6  # another pull is running on this store
EXIT_INTERNAL = 70  # a bug of wearsync's met an input (sysexits' EX_SOFTWARE): please report it
EXIT_INTERRUPTED = 130

# The stores the command opened, closed when it ends (main), so a later command in the same process
# (a test, the demo's own) finds no connection left open.
opened_stores: list[Store] = []

stderr = Console(stderr=True, highlight=False)
stdout = Console(highlight=False)


def open_config_and_store(args, *, create: bool = False, read_only: bool = False) -> tuple[Config, Store]:
    """The settings and the open store; what opening it did (an upgrade, a clean-up) is said on stderr.

    A missing store is created only with `create` (the commands that store something: import,
    pull, log, login and the dashboard's first run); for the others it is a StoreError naming
    its path, so a mistyped --home or $WEARSYNC_HOME creates nothing. With `read_only` (the
    commands that only read) a store that cannot be written is read as it is.
    """
    config = load_config(args.config, args.home)
    data_dir = config.data_dir
    if not create and not (data_dir / DB_NAME).is_file():
        raise StoreError(
            f"no store at {data_dir / DB_NAME} (check --home, $WEARSYNC_HOME and storage.data_dir); "
            "`wearsync import`, `pull` or `log intake` create one"
        )
    store = Store.open(data_dir, read_only_ok=read_only)
    opened_stores.append(store)
    for notice in store.notices:
        say(f"wearsync: {notice}")
    return config, store


def add_quiet(parser: argparse.ArgumentParser) -> None:
    """`--quiet`/`-q`: only failures and the summary on stderr."""
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="say only what failed and the summary (no line per skipped or duplicate file)",
    )


def say(message: str) -> None:
    """A diagnostic line on stderr, never wrapped (scripts grep these)."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high`, else a one-line usage error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            shown = text if value is not None else repr(text)
            raise argparse.ArgumentTypeError(f"expected a whole number from {low} to {high}, not {shown}")
        return value

    return parse


def day_entry_options(parser: argparse.ArgumentParser, *, remove_help: str) -> None:
    """`--date` and `--remove` of a command that logs one value a day (intake, weight): days up
    to the last one that can be over."""
    parser.add_argument("--remove", type=local_day(days_ahead=DAYS_AHEAD_DONE), metavar="YYYY-MM-DD", help=remove_help)
    parser.add_argument(
        "--date",
        type=local_day(days_ahead=DAYS_AHEAD_DONE),
        default=None,
        metavar="YYYY-MM-DD",
        help="the local day (default: today)",
    )


def local_day(*, week: bool = False, days_ahead: int = DAYS_AHEAD) -> Callable[[str], Any]:
    """An argparse type: a day written YYYY-MM-DD (a `date`), or with `week` an ISO week id
    such as 2026-W47 (returned as written, checked); both from gate.FIRST_LOCAL_DAY to `days_ahead`
    days past today, else a one-line usage error saying what was expected."""

    def parse_day(text: str) -> date:
        try:
            return check_day(text, days_ahead=days_ahead)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    def parse_week(text: str) -> str:

        try:
            monday = week_start_for_id(text, 0)
        except PeriodError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        last = date.today() + timedelta(days=days_ahead)
        if not (FIRST_LOCAL_DAY - timedelta(days=6) <= monday <= last):  # a week holding one allowed day
            raise argparse.ArgumentTypeError(f"{text.strip()} starts {monday}, outside {FIRST_LOCAL_DAY} to {last}")
        return text.strip()

    return parse_week if week else parse_day


def print_json(data: Any) -> None:
    """`data` as JSON on stdout; a NaN or infinite number is written as null (unknown)."""
    sys.stdout.write(json.dumps(_finite(data), indent=2, default=str, allow_nan=False) + "\n")


def _finite(data: Any) -> Any:
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: _finite(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(value) for value in data]
    return data


@contextmanager
def progress_bar(description: str, total: int | None = None) -> Iterator[Any]:
    """A progress bar on stderr; `advance(label, total=None)` moves it one step."""
    # Here: rich.progress is ~13 ms of every start, the dashboard's first frame included.
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[label]}", style="dim"),
        console=stderr,
        transient=True,
        disable=not stderr.is_terminal,  # a pipe or a log file gets no bar, not even its blank line
    ) as progress:
        task = progress.add_task(description, total=total, label="")

        def advance(label: str = "", total: int | None = None) -> None:
            progress.update(task, advance=1, label=label[-40:], total=total)

        yield advance
