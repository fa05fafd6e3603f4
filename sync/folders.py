"""Pulling the configured FIT folders (a mounted watch, a downloads folder) through the importer.

A folder that is not there is normal (the watch is not plugged in): it is reported as
absent, not as a failure. Each pull is recorded in `sync_runs`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from wearsync.progress import Progress
from wearsync.store import Store, sync_runs
from wearsync.sync.fit_import import ImportSummary, import_paths


@dataclass
class FolderPullSummary:
    """The importer's summary plus which configured folders were absent."""

    imported: ImportSummary
    absent: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {**self.imported.to_json(), "absent_folders": self.absent}


def pull_folders(
    store: Store, folders: Iterable[str], *, progress: Progress | None = None, zone: str = ""
) -> FolderPullSummary:
    """Import every FIT file under the folders that exist; note the ones that do not."""
    paths = [Path(folder).expanduser() for folder in folders]
    present = [p for p in paths if p.is_dir()]
    started = int(time.time())
    summary = FolderPullSummary(
        import_paths(store, present, source="file", progress=progress, zone=zone),
        [str(p) for p in paths if not p.is_dir()],
    )
    outcome = "partial" if summary.imported.failed else "ok"
    with store.transaction() as conn:
        sync_runs.record_folders_run(
            conn, started, outcome, {k: v for k, v in summary.to_json().items() if k != "files"}
        )
    return summary
