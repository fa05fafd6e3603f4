"""Pulling every configured source, in order: the FIT folders, then Garmin Connect.

`wearsync pull` and the dashboard's pull key both run `pull_all`, so the two cannot
drift apart in which sources they pull or how. One pull at a time per store: `pull_all`
holds `pull.lock` in the data folder (an OS file lock, released when the process ends,
however it ends); a second pull waits up to LOCK_WAIT_S, then says another is running.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from wearsync.config import Config
from wearsync.errors import GarminError, PullBusy
from wearsync.progress import Progress
from wearsync.store import Store
from wearsync.sync import garmin_client
from wearsync.sync.folders import FolderPullSummary, pull_folders
from wearsync.sync.garmin_pull import pull_garmin
from wearsync.sync.garmin_summary import GarminPullSummary

# (phase: 'files', 'days' or 'activities', done, total, label)
LOCK_FILE = "pull.lock"
LOCK_WAIT_S = 10.0
NOTHING_TO_PULL = "nothing to pull: set [sources] fit_folders or garmin in the config, or run `wearsync login`"


@dataclass
class PullSummary:
    """What each source pulled; a source left out was not configured."""

    folders: FolderPullSummary | None = None
    garmin: GarminPullSummary | None = None

    @property
    def nothing_configured(self) -> bool:
        return self.folders is None and self.garmin is None

    @property
    def error(self) -> GarminError | None:
        """The error that stopped the Garmin pull, after what arrived before it was stored."""
        return self.garmin.error if self.garmin else None

    def to_json(self) -> dict:
        report = {}
        if self.folders is not None:
            report["folders"] = self.folders.to_json()
        if self.garmin is not None:
            report["garmin"] = self.garmin.to_json()
        return report


def pull_all(
    store: Store,
    config: Config,
    *,
    progress: Progress | None = None,
    since: date | None = None,
    until: date | None = None,
    days: int | None = None,
    force: bool = False,
    today: date | None = None,
) -> PullSummary:
    """Pull the configured FIT folders, then Garmin Connect when it is enabled, asked for
    (`since`, `days`) or logged in. Garmin errors are in the summary, not raised; another
    pull holding the store's lock raises `PullBusy`."""
    with pull_lock(store.data_dir):
        summary = PullSummary()
        if config.sources.fit_folders:
            summary.folders = pull_folders(
                store, config.sources.fit_folders, progress=progress, zone=config.wearer.time_zone
            )
        if config.sources.garmin or since is not None or days is not None or garmin_client.is_logged_in(store.data_dir):

            def connect():
                return garmin_client.login_from_tokens(
                    store.data_dir, config.garmin_base_url, min_interval_s=config.garmin.min_interval_s
                )

            summary.garmin = pull_garmin(
                store,
                connect,
                today=today,
                since=since,
                until=until,
                days=days,
                first_pull_days=config.garmin.first_pull_days,
                force=force,
                progress=progress,
                min_interval_s=config.garmin.min_interval_s,
            )
        return summary


@contextmanager
def pull_lock(data_dir: Path, wait_s: float | None = None) -> Iterator[None]:
    """Hold this store's pull lock; `PullBusy` when another process keeps it past `wait_s`."""
    path = Path(data_dir) / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + (LOCK_WAIT_S if wait_s is None else wait_s)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
                    raise PullBusy(
                        f"another pull is running on this store{f' ({holder})' if holder else ''}; "
                        f"try again when it has finished"
                    ) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"process {os.getpid()}, started {time.strftime('%H:%M:%S')}".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
