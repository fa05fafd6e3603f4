"""Taking things back out of the store: a recording with everything it brought, a Garmin day's data."""

from __future__ import annotations

import sqlite3

from wearsync.store import garmin, garmin_kinds, hr_series, intake, recordings, weigh_ins, wellness

FORGOTTEN_NOTE = "forgotten with wearsync forget"


def forget_recording(conn: sqlite3.Connection, recording_id: int, successor_id: int | None = None) -> None:
    """Remove a recording and its rows (they cascade; its original goes once the transaction commits);
    the Garmin activity that brought it points at `successor_id` (a whole copy taking a damaged
    one's place) or at nothing."""
    garmin.hand_over_activities(conn, recording_id, successor_id, None if successor_id else FORGOTTEN_NOTE)
    recordings.delete_recording(conn, recording_id)


def forget_garmin_day(conn: sqlite3.Connection, day: str) -> None:
    """Remove everything a pull stored for Garmin day `day`: its daily values, heart rate, food log,
    weigh-ins, raw answers and state (the caller's transaction)."""
    wellness.forget_wellness(conn, [day], "garmin")
    hr_series.forget_garmin_day(conn, day)
    intake.replace_garmin_intake(conn, day, None, 0)
    weigh_ins.forget_garmin_weigh_ins(conn, day)
    garmin.forget_day(conn, day)
    garmin_kinds.forget_day(conn, day)
