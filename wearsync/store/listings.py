"""What the dashboard lists beyond the reports: where a day's data came from, sync history, recent
imports. No numbers are computed here: every number shown comes from the read side (wearsync.reports)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from typing import Any

from wearsync.store.connection import Store


def has_any_data(store: Store) -> bool:
    """Whether anything at all has been imported, pulled or entered."""
    return bool(
        store.conn.execute(
            "SELECT EXISTS(SELECT 1 FROM recordings) OR EXISTS(SELECT 1 FROM wellness) OR EXISTS(SELECT 1 FROM intake)"
        ).fetchone()[0]
    )


def day_origins(store: Store, day: date) -> list[dict[str, Any]]:
    """Where the day's numbers came from: each file or service, and what it gave."""
    iso = day.isoformat()
    origins = [
        {"what": what, "source": source, "from": path}
        for what, source, path in store.conn.execute(
            "SELECT 'activity: ' || COALESCE(a.sport, '?'), r.source, r.path FROM activities a "
            "JOIN recordings r ON r.id = a.recording_id WHERE a.local_day = :day "
            "UNION ALL SELECT DISTINCT 'all-day monitoring', r.source, r.path FROM monitoring_series m "
            "JOIN recordings r ON r.id = m.recording_id WHERE m.local_day = :day",
            {"day": iso},
        )
    ]
    origins += [
        {"what": "daily summary", "source": source, "from": "Garmin Connect" if source == "garmin" else "FIT files"}
        for (source,) in store.conn.execute("SELECT source FROM wellness WHERE local_day = :day", {"day": iso})
    ]
    origins += [
        {
            "what": f"intake {kcal:,} kcal",
            "source": source,
            "from": {"manual": "entered by hand", "csv": "CSV import", "garmin": "Garmin Connect"}.get(source, source),
        }
        for source, kcal in store.conn.execute("SELECT source, kcal FROM intake WHERE local_day = :day", {"day": iso})
    ]
    return origins


def last_runs(store: Store) -> list[dict[str, Any]]:
    """The most recent sync run of each source, newest first."""
    rows = store.conn.execute(
        "SELECT source, started_at, finished_at, outcome, message, summary FROM sync_runs "
        "WHERE id IN (SELECT MAX(id) FROM sync_runs GROUP BY source) ORDER BY started_at DESC"
    ).fetchall()
    return [
        {
            "source": source,
            "started_at": started,
            "finished_at": finished,
            "outcome": outcome,
            "message": message,
            "summary": json.loads(summary) if summary else None,
        }
        for source, started, finished, outcome, message, summary in rows
    ]


def recent_imports(store: Store, limit: int = 50) -> list[dict[str, Any]]:
    """The latest import events, newest first."""
    rows = store.conn.execute(
        "SELECT at, source, path, outcome, message FROM import_events ORDER BY id DESC LIMIT :limit", {"limit": limit}
    )
    return [
        {"at": at, "source": source, "path": path, "outcome": outcome, "message": message}
        for at, source, path, outcome, message in rows
    ]


def latest_activity_day(store: Store, recording_ids: list[int]) -> date | None:
    """The latest local day holding data from these recordings (to show what was just imported)."""
    if not recording_ids:
        return None
    marks = ", ".join(f":r{n}" for n in range(len(recording_ids)))
    row = store.conn.execute(
        f"SELECT MAX(day) FROM (SELECT local_day AS day FROM activities WHERE recording_id IN ({marks}) "
        f"UNION ALL SELECT local_day FROM monitoring_series WHERE recording_id IN ({marks}))",
        {f"r{n}": rid for n, rid in enumerate(recording_ids)},
    ).fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else None


def first_data_day(conn: sqlite3.Connection) -> date | None:
    """The earliest local day anything was stored for (daily values, intake, activities, heart rate)."""
    row = conn.execute(
        "SELECT min(d) FROM (SELECT min(local_day) AS d FROM wellness UNION ALL SELECT min(local_day) FROM intake "
        "UNION ALL SELECT min(local_day) FROM activities UNION ALL SELECT min(local_day) FROM analytics_minutes)"
    ).fetchone()
    return date.fromisoformat(row[0]) if row[0] else None
