"""A recording's UTC offset when the file states none: the fallbacks after the file's own.

The importer asks, in order: the same device's other recordings close in time (their own
stated offsets), then the configured time zone (`wearer.time_zone`, default this machine's).
Each answer names where it came from, for the file's outcome line.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from wearsync.store import recordings

NEAR_S = 7 * 86_400  # another recording of the same device this close shares its zone


def zone_offset(zone: str, utc: int) -> int:
    """The UTC offset of `zone` ("" = this machine's) at Unix time `utc`."""
    if not zone:
        return time.localtime(utc).tm_gmtoff
    offset = datetime.fromtimestamp(utc, UTC).astimezone(ZoneInfo(zone)).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def zone_offset_at_local(zone: str, local: int) -> int:
    """The offset of `zone` at the moment whose local clock reads `local` (first guess, then settle)."""
    offset = zone_offset(zone, local)
    return zone_offset(zone, local - offset)


def zone_label(zone: str) -> str:
    return f"the configured time zone {zone}" if zone else "this computer's time zone"


def same_device_offset(conn: sqlite3.Connection, serial: int | None, near: int) -> int | None:
    """The UTC offset of the same device's recording nearest to `near`, within a week."""
    if serial is None:
        return None
    return recordings.nearest_device_offset(conn, serial, near, NEAR_S)


def format_offset(offset_s: int) -> str:
    sign = "+" if offset_s >= 0 else "-"
    hours, minutes = divmod(abs(offset_s) // 60, 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"
