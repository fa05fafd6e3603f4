"""Garmin Connect activities: listing them and handing each one's original FIT file to the FIT
importer, so a workout arriving both from the watch and from Garmin counts once.

A download refused (403), gone (404/410: Garmin also answers so for a moment while it processes an
upload) or refused by the importer (a file cut short on the way) is recorded and asked again later,
after a day, then 2, 4 ... up to 30 days; one gone or refused by the importer only GONE_TRIES
times (then only when forced).
"""

from __future__ import annotations

import json
import time
from datetime import date, datetime
from typing import Any

from garminconnect import Garmin

from wearsync.errors import (
    GarminAuthError,
    GarminError,
    GarminGone,
    GarminRateLimited,
    GarminRefused,
    GarminUnavailable,
)
from wearsync.progress import Progress
from wearsync.store import Store
from wearsync.store import garmin as pull_state
from wearsync.sync import garmin_state
from wearsync.sync.fit_import import FileOutcome, import_data
from wearsync.sync.garmin_client import (
    GarminSession,
)
from wearsync.sync.garmin_summary import ActivityFailure, GarminPullSummary

# More activities than anyone records in the longest range a pull lists: a list that goes on
# past it is a server that never ends its pages.
MAX_LISTED = 200_000

# A download gone (404/410) or refused by the importer is asked this many times, a day, then 2, 4 ...
# days apart (about two months), then only by `pull --force`: Garmin deleted it, or it is broken there.
GONE_TRIES = 6


def pull_activities(
    store: Store,
    session: GarminSession,
    listing: garmin_state.Listing | None,
    summary: GarminPullSummary,
    progress: Progress | None = None,
    *,
    retry_failed: bool = False,
) -> None:
    """List the activities of `listing` (None: nothing to list), record the new ones, then
    download every recorded activity still to import (oldest first) through the FIT importer.

    A download refused, gone or refused by the importer is asked again once its back-off has
    passed (one gone or refused by the importer GONE_TRIES times at most), and with `retry_failed`
    at once.
    """
    garmin = session.garmin
    now = int(time.time())
    if listing is not None:
        found = _list(session, listing.start, listing.end)
        summary.activities_listed = len(found)
        with store.transaction() as conn:
            for activity in found:
                activity_id = _activity_id(activity)
                assert activity_id is not None  # the listing's entries were checked in _list
                # One entry of a list page: no bytes of Garmin's are its alone, so it is re-serialised.
                pull_state.keep_body(conn, "activity", str(activity_id), now, json.dumps(activity).encode())
                pull_state.list_activity(
                    conn, activity_id, _text(activity.get("startTimeLocal")), _text(activity.get("activityName")), now
                )
            garmin_state.remember_listing(store, conn, listing, now)
    due = pull_state.due_activities(store.conn, now, retry_failed, GONE_TRIES)
    for done, (activity_id, name, start_local, attempts) in enumerate(due, 1):
        name = name or str(activity_id)
        outcomes: list[FileOutcome] = []
        state, retry_at = "failed", None
        reason: str | None
        try:
            data = session.call(
                f"activity {activity_id} download",
                garmin.download_activity,
                activity_id,
                Garmin.ActivityDownloadFormat.ORIGINAL,
            )
        except GarminRefused as exc:
            reason, state = str(exc), "refused"
        except GarminGone as exc:
            # Deleted on Garmin since it was listed, never downloadable, or not ready yet.
            reason, state = str(exc), "gone"
        except (GarminUnavailable, GarminAuthError, GarminRateLimited):
            raise
        except GarminError as exc:
            reason, state = str(exc), "refused"
        else:
            # The importer writes each FIT file in its own transaction and recognises a file
            # already imported from a watch or a folder.
            outcomes = import_data(store, data, f"garmin:{activity_id}", source="garmin")
            reason = _import_failure(outcomes)
            if reason is None:
                state = "imported" if any(o.outcome == "imported" for o in outcomes) else "duplicate"
        if reason is not None:
            retry_at = garmin_state.refused_retry_at(attempts + 1, time.time())
            reason += f"; asked again after {datetime.fromtimestamp(retry_at).strftime('%Y-%m-%d %H:%M')}"
        recording_id = next((o.recording_id for o in outcomes if o.recording_id is not None), None)
        with store.transaction() as conn:
            pull_state.record_activity(
                conn,
                activity_id,
                recording_id=recording_id,
                now=int(time.time()),
                note=reason,
                state=state,
                retry_at=retry_at,
            )
        summary.activities_new += 1
        if reason:
            summary.activity_failures.append(ActivityFailure(activity_id, name, start_local, reason))
        elif state == "imported":
            summary.activities_imported += 1
        else:
            summary.activities_duplicate += 1
        if progress:
            progress("activities", done, len(due), name)


def _list(session: GarminSession, start: date, end: date) -> list[dict]:
    """Every activity from `start` to `end`, a page of ACTIVITY_PAGE at a time: a page holding
    fewer is the last (the library's own paging asks for one more, empty, page every time)."""
    garmin = session.garmin
    what = f"activity list {start.isoformat()}..{end.isoformat()}"
    found: list[dict] = []
    while True:
        params = {
            "startDate": start.isoformat(),
            "endDate": end.isoformat(),
            "start": str(len(found)),
            "limit": str(garmin_state.ACTIVITY_PAGE),
        }
        page = session.call(what, garmin.connectapi, garmin.garmin_connect_activities, params=params)
        if page is None:
            page = []  # 204: nothing (more) in the range
        if not isinstance(page, list) or not all(isinstance(a, dict) and _activity_id(a) for a in page):
            raise GarminUnavailable(
                f"Garmin Connect is not answering properly (an activity list wearsync does "
                f"not understand; {what}); your login is kept; try later"
            )
        found.extend(page)
        if len(page) < garmin_state.ACTIVITY_PAGE:
            return found
        if len(found) >= MAX_LISTED:
            raise GarminUnavailable(
                f"Garmin Connect is not answering properly (an activity list that does not end; {what}); "
                f"your login is kept; try later"
            )


def _activity_id(activity: dict) -> int | None:
    value = activity.get("activityId")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _import_failure(outcomes: list[FileOutcome]) -> str | None:
    """Why a download imported nothing, or None when it was imported or already stored."""
    if any(o.outcome in ("imported", "duplicate") for o in outcomes):
        return None
    if not outcomes:
        return "the download held no FIT file"
    return "not imported: " + "; ".join(f"{o.outcome}: {o.message}" if o.message else o.outcome for o in outcomes)
