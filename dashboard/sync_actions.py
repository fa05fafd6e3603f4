"""The dashboard's way into the library for pulling, logging intake and filling in the analytics cache.

The pull and Garmin modules are imported only when used: they bring in `garminconnect` and `requests`,
which would slow the dashboard's first frame for nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any

from wearsync.config import Config
from wearsync.errors import GarminRateLimited, WearsyncError
from wearsync.progress import Progress
from wearsync.store import Store

# A pull: (its own store connection, config, progress callback) -> a one-line result.
Pull = Callable[[Store, Config, Progress], Any]


def default_pull(store: Store, config: Config, progress: Progress, *, force: bool = False) -> str:
    """What `wearsync pull [--force]` does (`pull_all`), summed up in one line.

    A Garmin error is raised after whatever arrived before it is stored, so the app shows it.
    """
    from wearsync.sync.pull import NOTHING_TO_PULL, pull_all

    summary = pull_all(store, config, force=force, progress=progress)
    if summary.nothing_configured:
        raise WearsyncError(NOTHING_TO_PULL)
    if summary.error is not None:
        raise _in_dashboard_words(summary.error)
    done = []
    if summary.folders is not None:
        imported = summary.folders.imported
        done.append(f"folders: {imported.imported} new files, {imported.failed} failed")
    if summary.garmin is not None:
        garmin = summary.garmin
        failed = f" ({garmin.activities_failed} failed: P tries them again)" if garmin.activities_failed else ""
        done.append(f"Garmin: {len(garmin.days_stored)} days, {garmin.activities_imported} new activities{failed}")
    return "; ".join(done)


def _in_dashboard_words(error: WearsyncError) -> WearsyncError:
    """The error with the command line's "pass --force" said as the dashboard's key, `P`."""
    from wearsync.sync.garmin_guard import FORCE_HINT

    if FORCE_HINT not in str(error):
        return error
    message = str(error).replace(FORCE_HINT, "press P to ask anyway")
    if isinstance(error, GarminRateLimited):
        return GarminRateLimited(message, error.until)
    return type(error)(message)


def garmin_cooldown(store: Store) -> float | None:
    """Unix time before which Garmin must not be asked again, if it rate-limited us (else None)."""
    from wearsync.sync.garmin_client import COOLDOWN_KEY

    value = store.get_state(COOLDOWN_KEY)
    return float(value) if value and float(value) > time.time() else None


def garmin_gaps(store: Store, config: Config) -> dict | None:
    """What a plain pull still has to ask Garmin for (`pull --json`'s "gaps"); None before
    the first Garmin pull."""
    from wearsync.sync import garmin_state

    if garmin_state.synced_range_start(store) is None:
        return None
    return garmin_state.gaps(store, date.today(), config.garmin.min_interval_s)


def log_intake(store: Store, day: date, kcal: int, config: Config | None = None) -> list[str]:
    """Store calories eaten, entered by hand, for `day` (what `wearsync log` does); with `config`,
    what the command line warns about it (below the intake floor, 0, a day still to come)."""
    from wearsync.intake import intake_warnings, record_intake  # the intake's parsing: not on the first frame's path

    record_intake(store, {day: kcal}, "manual")
    if config is None:
        return []
    from wearsync.reports.params import params_from_config

    return intake_warnings({day: kcal}, params_from_config(config).intake_floor_kcal, date.today())


# Bringing every day of the analytics cache up to date: (its own store connection, config, progress).
FillHistory = Callable[[Store, Config, Progress], object]


def fill_history(store: Store, config: Config, progress: Progress) -> None:
    """What the first `report` without a range does first: every day of the analytics cache up to date."""
    from wearsync.reports.cache import refresh
    from wearsync.reports.params import analytics_params

    refresh(store, analytics_params(store, config), progress=progress)
