"""The rows one decoded FIT file becomes, written inside the import's transaction.

Its activities with their strength sets, its heart-rate series, its all-day monitoring values
(and the wellness of the days they touch), its weigh-ins; before that, the local time of a file
that states none (another recording of the same device, else the configured zone, named in the
file's warnings). A file replaced by a newer copy of the same recording is forgotten here too.
"""

from __future__ import annotations

import sqlite3

from wearsync.store import forget, monitoring_series, recordings
from wearsync.store.hr_series import write_series
from wearsync.store.weigh_ins import TimedWeighIn, insert_timed_weigh_ins
from wearsync.sync import local_time
from wearsync.sync.fit_content import FitContent, local_day
from wearsync.sync.wellness import recompute_fit_wellness


def settle_local_time(conn: sqlite3.Connection, content: FitContent, zone: str) -> None:
    """Give an activity file its UTC offset: its own, else the fallbacks, named in its warnings."""
    offset, origin = content.offset_s, content.offset_origin
    if offset is None:
        near = content.start or 0
        offset = local_time.same_device_offset(conn, content.serial, near)
        origin = "another recording of the same device"
        if offset is None:
            offset = (
                local_time.zone_offset_at_local(zone, near)
                if content.times_are_local
                else local_time.zone_offset(zone, near)
            )
            origin = local_time.zone_label(zone)
    if content.offset_s is None or content.times_are_local:
        content.place(offset, origin)
    if origin != "the file's own local time":
        content.warnings.append(
            f"local time from {origin} ({local_time.format_offset(offset)}): the file states none of its own"
        )


def forget_recording(conn, recording_id: int, successor_id: int) -> None:
    days = monitoring_series.monitoring_days(conn, recording_id)
    forget.forget_recording(conn, recording_id, successor_id)  # its rows cascade
    recompute_fit_wellness(conn, days)


def write_content(conn, recording_id: int, content: FitContent) -> None:
    for activity in content.activities:
        activity_id = recordings.add_activity(
            conn,
            {
                "recording_id": recording_id,
                "sport": activity.sport,
                "sub_sport": activity.sub_sport,
                "start_utc": activity.start_utc,
                "utc_offset_s": activity.utc_offset_s,
                "local_day": activity.local_day,
                "elapsed_s": activity.elapsed_s,
                "timer_s": activity.timer_s,
                "calories": activity.calories,
                "avg_hr": activity.avg_hr,
                "max_hr": activity.max_hr,
                "ascent_m": activity.ascent_m,
                "steps": activity.steps,
            },
        )
    if content.sets and content.activities:  # sets belong to the (last) session
        recordings.add_strength_sets(
            conn,
            [
                {
                    "activity_id": activity_id,
                    "position": s.position,
                    "start_utc": s.start_utc,
                    "duration_s": s.duration_s,
                    "set_type": s.set_type,
                    "repetitions": s.repetitions,
                    "weight_kg": s.weight_kg,
                    "category": s.category,
                }
                for s in content.sets
            ],
        )
    write_series(
        conn,
        source=content.hr_source,
        ts=content.hr_ts,
        bpm=content.hr_bpm,
        utc_offset_s=content.hr_offset,
        recording_id=recording_id,
    )
    if content.monitoring:
        monitoring_series.write_values(
            conn,
            recording_id,
            content.serial or 0,
            ((v.local_day, v.ts, v.activity_type, v.metric, v.kind, v.value) for v in content.monitoring),
        )
        recompute_fit_wellness(conn, {v.local_day for v in content.monitoring})
    if content.weigh_ins:
        offset = content.offset_s
        assert offset is not None  # _settle_local_time placed the weight file before it is written
        insert_timed_weigh_ins(
            conn,
            [
                TimedWeighIn(local_day(w.ts + offset), w.ts, offset, w.weight_kg, w.fat_percent, w.user_index)
                for w in content.weigh_ins
            ],
            "fit",
            recording_id,
        )
