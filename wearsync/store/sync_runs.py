"""Table sync_runs: each pull of the watch folders or of Garmin Connect, with its outcome."""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Any


def record_folders_run(conn: sqlite3.Connection, started_at: int, outcome: str, summary: dict[str, Any]) -> None:
    """A pull of the watch folders, finished now."""
    conn.execute(
        "INSERT INTO sync_runs (source, started_at, finished_at, outcome, summary) "
        "VALUES ('folders', :started, :finished, :outcome, :summary)",
        {"started": started_at, "finished": int(time.time()), "outcome": outcome, "summary": json.dumps(summary)},
    )


def start_garmin_run(conn: sqlite3.Connection) -> int:
    """A pull of Garmin Connect starting now; returns its id for `finish_run`."""
    cursor = conn.execute(
        "INSERT INTO sync_runs (source, started_at) VALUES ('garmin', :started)", {"started": int(time.time())}
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def finish_run(conn: sqlite3.Connection, run_id: int, outcome: str, message: str, summary: dict[str, Any]) -> None:
    conn.execute(
        "UPDATE sync_runs SET finished_at = :finished, outcome = :outcome, message = :message, "
        "summary = :summary WHERE id = :id",
        {
            "finished": int(time.time()),
            "outcome": outcome,
            "message": message or None,
            "summary": json.dumps(summary),
            "id": run_id,
        },
    )
