"""What every command shares: opening config and store, progress, JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from wearsync.config import Config, load_config
from wearsync.store import Store

# Exit codes: what a script can rely on.
EXIT_OK = 0
EXIT_PARTIAL = 1        # the command ran, but some inputs failed
EXIT_ERROR = 2          # bad usage, config or store: nothing was done
EXIT_AUTH = 3           # Garmin needs `wearsync login`
EXIT_RATE_LIMITED = 4   # Garmin is cooling down after a 429
EXIT_UNAVAILABLE = 5    # Garmin is not answering properly; the login is kept
EXIT_BUSY = 6           # another pull is running on this store
EXIT_INTERRUPTED = 130

stderr = Console(stderr=True, highlight=False)
stdout = Console(highlight=False)


def open_config_and_store(args) -> tuple[Config, Store]:
    config = load_config(getattr(args, "config", None))
    return config, Store.open(config.data_dir)


def say(message: str) -> None:
    """A diagnostic line on stderr, never wrapped (scripts grep these)."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


@contextmanager
def progress_bar(description: str, total: int | None = None) -> Iterator[Any]:
    """A progress bar on stderr; `advance(label, total=None)` moves it one step."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[label]}", style="dim"),
        console=stderr,
        transient=True,
    ) as progress:
        task = progress.add_task(description, total=total, label="")

        def advance(label: str = "", total: int | None = None) -> None:
            progress.update(task, advance=1, label=label[-40:], total=total)

        yield advance
