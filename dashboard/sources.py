"""The dashboard's way into the library for pulling and logging intake (the same calls as the CLI).

The Garmin modules are imported only when used: they bring in `garminconnect` and `requests`,
which would slow the dashboard's first frame for nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any

from wearsync.config import Config
from wearsync.errors import WearsyncError
from wearsync.store import Store

Progress = Callable[[int, int, str], None]
# A pull: (its own store connection, config, progress callback) -> a one-line result.
Pull = Callable[[Store, Config, Progress], Any]


def default_pull(store: Store, config: Config, progress: Progress) -> str:
    """What `wearsync pull` does: the configured FIT folders, then Garmin Connect if logged in.

    A Garmin error is raised after whatever arrived before it is stored, so the app shows it.
    """
    from wearsync.sync import garmin_client
    from wearsync.sync.folders import pull_folders
    from wearsync.sync.garmin_pull import pull_garmin

    done: list[str] = []
    if config.sources.fit_folders:
        folders = pull_folders(store, config.sources.fit_folders,
                               progress=lambda n, total, label: progress(n, total, f"files: {label}"))
        done.append(f"folders: {folders.imported.imported} new files, {folders.imported.failed} failed")
    if config.sources.garmin or garmin_client.is_logged_in(store.data_dir):
        def connect():
            return garmin_client.login_from_tokens(store.data_dir, config.garmin_base_url,
                                                   min_interval_s=config.garmin.min_interval_s)

        summary = pull_garmin(store, connect, today=date.today(), first_pull_days=config.garmin.first_pull_days,
                              progress=lambda phase, n, total, label: progress(n, total, f"{phase}: {label}"))
        if summary.error is not None:
            raise summary.error
        done.append(f"Garmin: {len(summary.days_stored)} days, {summary.activities_imported} new activities")
    if not done:
        raise WearsyncError("nothing to pull: run `wearsync login` for Garmin Connect, "
                            "or set [sources] fit_folders in the config")
    return "; ".join(done)


def garmin_cooldown(store: Store) -> float | None:
    """Unix time before which Garmin must not be asked again, if it rate-limited us (else None)."""
    from wearsync.sync.garmin_client import COOLDOWN_KEY

    value = store.get_state(COOLDOWN_KEY)
    return float(value) if value and float(value) > time.time() else None


def log_intake(store: Store, day: date, kcal: int) -> None:
    """Store calories eaten, entered by hand, for `day` (what `wearsync log` does)."""
    from wearsync.commands.intake import record_intake

    record_intake(store, {day: kcal}, "manual")
