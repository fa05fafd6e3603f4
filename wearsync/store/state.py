"""Table state: small named values (a cool-down, a pulled range, the inputs a cache was built from)."""

from __future__ import annotations

import sqlite3


def get_state(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM state WHERE key = :key", {"key": key}).fetchone()
    return str(row[0]) if row else None


def set_state(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Set a state value inside the caller's transaction."""
    conn.execute(
        "INSERT INTO state (key, value) VALUES (:key, :value) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        {"key": key, "value": value},
    )


def delete_state(conn: sqlite3.Connection, key: str) -> None:
    """Remove a state value inside the caller's transaction."""
    conn.execute("DELETE FROM state WHERE key = :key", {"key": key})
