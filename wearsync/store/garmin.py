"""Garmin Connect's pull state: tables garmin_days (what each day is at Garmin), garmin_activities
(each activity listed, and what became of it) and garmin_responses (the raw bodies kept)."""

from __future__ import annotations

import sqlite3
from datetime import date


def keep_body(conn: sqlite3.Connection, endpoint: str, key: str, fetched_at: int, body: bytes) -> None:
    """Keep Garmin's answer of `endpoint` for `key` (a day or an activity id), replacing the last one."""
    conn.execute(
        "INSERT INTO garmin_responses (endpoint, key, fetched_at, body) VALUES (:endpoint, :key, :at, :body) "
        "ON CONFLICT (endpoint, key) DO UPDATE SET fetched_at = excluded.fetched_at, body = excluded.body",
        {"endpoint": endpoint, "key": key, "at": fetched_at, "body": body},
    )


def day_reason(conn: sqlite3.Connection, day: str) -> str | None:
    row = conn.execute("SELECT reason FROM garmin_days WHERE local_day = :day", {"day": day}).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def mark_incomplete(conn: sqlite3.Connection, day: str, reason: str) -> None:
    """Ask for the day again on the next pull, saying why."""
    conn.execute(
        "UPDATE garmin_days SET complete = 0, reason = :reason WHERE local_day = :day", {"day": day, "reason": reason}
    )


def record_empty_day(conn: sqlite3.Connection, day: str, now: int, complete: bool) -> None:
    """Garmin answered nothing for the day: data an earlier pull stored stays (the day stays 'data');
    else the day is 'empty' since the first time it was found so."""
    row = conn.execute("SELECT state, first_empty_at FROM garmin_days WHERE local_day = :day", {"day": day}).fetchone()
    if row is not None and row[0] == "data":
        conn.execute(
            "UPDATE garmin_days SET fetched_at = :now, complete = :complete WHERE local_day = :day",
            {"day": day, "now": now, "complete": int(complete)},
        )
        return
    first_empty = row[1] if row is not None and row[1] is not None else now
    conn.execute(
        "INSERT OR REPLACE INTO garmin_days (local_day, fetched_at, complete, state, first_empty_at) "
        "VALUES (:day, :now, :complete, 'empty', :first_empty)",
        {"day": day, "now": now, "complete": int(complete), "first_empty": first_empty},
    )


def record_data_day(conn: sqlite3.Connection, day: str, now: int, complete: bool, kept_reason: str) -> None:
    """The day's data is stored; a reason equal to `kept_reason` stays (Garmin is asked to reload once)."""
    conn.execute(
        "INSERT INTO garmin_days (local_day, fetched_at, complete, state) VALUES (:day, :now, :complete, "
        "'data') ON CONFLICT (local_day) DO UPDATE SET fetched_at = excluded.fetched_at, "
        "complete = excluded.complete, state = 'data', first_empty_at = NULL, "
        "reason = CASE WHEN garmin_days.reason = :kept THEN garmin_days.reason END",
        {"day": day, "now": now, "complete": int(complete), "kept": kept_reason},
    )


def record_failed_day(conn: sqlite3.Connection, day: str, now: int, reason: str) -> None:
    """A day whose answer could not be used: asked again; data an earlier pull stored stays."""
    conn.execute(
        "INSERT INTO garmin_days (local_day, fetched_at, complete, state, reason) "
        "VALUES (:day, :now, 0, 'failed', :reason) ON CONFLICT (local_day) DO UPDATE SET "
        "fetched_at = excluded.fetched_at, reason = excluded.reason, complete = 0, "
        "state = CASE WHEN garmin_days.state = 'data' THEN 'data' ELSE 'failed' END",
        {"day": day, "now": now, "reason": reason},
    )


def earliest_day(conn: sqlite3.Connection) -> date | None:
    earliest = conn.execute("SELECT min(local_day) FROM garmin_days").fetchone()[0]
    return date.fromisoformat(earliest) if earliest else None


def day_states(conn: sqlite3.Connection, first: date, last: date) -> dict[str, tuple[str, int, int, int | None]]:
    """Per pulled day first..last: (state, complete, fetched_at, first_empty_at)."""
    return {
        row[0]: row[1:]
        for row in conn.execute(
            "SELECT local_day, state, complete, fetched_at, first_empty_at FROM garmin_days "
            "WHERE local_day BETWEEN :first AND :last",
            {"first": first.isoformat(), "last": last.isoformat()},
        )
    }


def known_days(conn: sqlite3.Connection, first: date, last: date) -> set[str]:
    """The days first..last pulled without failing."""
    return {
        row[0]
        for row in conn.execute(
            "SELECT local_day FROM garmin_days WHERE state != 'failed' AND local_day BETWEEN :first AND :last",
            {"first": first.isoformat(), "last": last.isoformat()},
        )
    }


def pulled_days(conn: sqlite3.Connection) -> list[tuple[str, int, int]]:
    """Every pulled day: (local_day, fetched_at, complete)."""
    return conn.execute("SELECT local_day, fetched_at, complete FROM garmin_days").fetchall()


def forget_day(conn: sqlite3.Connection, day: str) -> None:
    """Remove what the pull kept of the day itself (its bodies and its state); the caller removes its data."""
    conn.execute("DELETE FROM garmin_responses WHERE key = :day AND endpoint != 'activity'", {"day": day})
    conn.execute("DELETE FROM garmin_days WHERE local_day = :day", {"day": day})


def list_activity(
    conn: sqlite3.Connection, activity_id: int, start_local: str | None, name: str | None, now: int
) -> None:
    """An activity seen in a listing: recorded once, as 'listed' (to download)."""
    conn.execute(
        "INSERT INTO garmin_activities (activity_id, start_local, name, fetched_at, state) "
        "VALUES (:id, :start, :name, :now, 'listed') ON CONFLICT (activity_id) DO NOTHING",
        {"id": activity_id, "start": start_local, "name": name, "now": now},
    )


def due_activities(
    conn: sqlite3.Connection, now: int, retry_failed: bool, gone_tries: int
) -> list[tuple[int, str | None, str | None, int]]:
    """(activity_id, name, start_local, attempts) of the activities to download now, oldest first:
    listed ones, refused ones whose back-off has passed, gone and failed ones likewise while they
    were tried fewer than `gone_tries` times, and with `retry_failed` every one of them."""
    return conn.execute(
        "SELECT activity_id, name, start_local, attempts FROM garmin_activities WHERE state = 'listed' "
        "OR (state IN ('refused', 'gone', 'failed') AND (:retry OR ((state = 'refused' OR attempts < :tries) "
        "AND (retry_at IS NULL OR retry_at <= :now)))) ORDER BY start_local, activity_id",
        {"now": now, "retry": int(retry_failed), "tries": gone_tries},
    ).fetchall()


def record_activity(
    conn: sqlite3.Connection,
    activity_id: int,
    *,
    recording_id: int | None,
    now: int,
    note: str | None,
    state: str,
    retry_at: int | None,
) -> None:
    """What became of one download attempt."""
    conn.execute(
        "UPDATE garmin_activities SET recording_id = :recording, fetched_at = :now, note = :note, "
        "state = :state, attempts = attempts + 1, retry_at = :retry_at WHERE activity_id = :id",
        {"recording": recording_id, "now": now, "note": note, "state": state, "retry_at": retry_at, "id": activity_id},
    )


def hand_over_activities(
    conn: sqlite3.Connection, recording_id: int, successor_id: int | None, note: str | None
) -> None:
    """The activities that brought `recording_id` now point at its successor (None: forgotten, with `note`)."""
    if successor_id is None:
        conn.execute(
            "UPDATE garmin_activities SET recording_id = NULL, note = :note WHERE recording_id = :id",
            {"id": recording_id, "note": note},
        )
    else:
        conn.execute(
            "UPDATE garmin_activities SET recording_id = :successor WHERE recording_id = :id",
            {"id": recording_id, "successor": successor_id},
        )


def weigh_ins_pending(conn: sqlite3.Connection, first: date, last: date, now: int, force: bool) -> list[str]:
    """The pulled days first..last whose weigh-ins are still to ask (never asked since the day
    settled, or the last request failed and its back-off has passed; with `force` whatever the
    back-off), in order."""
    return [
        day
        for (day,) in conn.execute(
            "SELECT local_day FROM garmin_days WHERE weigh_ins_complete = 0 AND local_day BETWEEN :first AND :last "
            "AND (:force OR weigh_ins_retry_at IS NULL OR weigh_ins_retry_at <= :now) ORDER BY local_day",
            {"first": first.isoformat(), "last": last.isoformat(), "now": now, "force": int(force)},
        )
    ]


def weigh_ins_failures(conn: sqlite3.Connection, first: date, last: date) -> int:
    """How many times in a row the weigh-ins of days first..last failed (the most of any day)."""
    row = conn.execute(
        "SELECT max(weigh_ins_attempts) FROM garmin_days WHERE local_day BETWEEN :first AND :last",
        {"first": first.isoformat(), "last": last.isoformat()},
    ).fetchone()
    return int(row[0] or 0)


def record_weigh_ins_failed(conn: sqlite3.Connection, first: date, last: date, reason: str, retry_at: int) -> None:
    """The weigh-ins of days first..last could not be asked: asked again from `retry_at`."""
    conn.execute(
        "UPDATE garmin_days SET weigh_ins_reason = :reason, weigh_ins_retry_at = :retry_at, "
        "weigh_ins_attempts = weigh_ins_attempts + 1 WHERE local_day BETWEEN :first AND :last",
        {"reason": reason, "retry_at": retry_at, "first": first.isoformat(), "last": last.isoformat()},
    )


def record_weigh_ins_asked(conn: sqlite3.Connection, first: date, last: date, settled: date) -> None:
    """The weigh-ins of days first..last were asked: done for the days up to `settled`, a day still
    young at Garmin is asked again (a weigh-in may come later that day)."""
    conn.execute(
        "UPDATE garmin_days SET weigh_ins_complete = local_day <= :settled, weigh_ins_reason = NULL, "
        "weigh_ins_retry_at = NULL, weigh_ins_attempts = 0 WHERE local_day BETWEEN :first AND :last",
        {"settled": settled.isoformat(), "first": first.isoformat(), "last": last.isoformat()},
    )
