"""Pulling Garmin Connect into the store: the run (its cooldown, the wearer's settings, the plan of
days) around the days (`garmin_days`), the weigh-ins (`garmin_weigh_ins`) and the activities
(`garmin_activities`).

Which days are asked is `garmin_state`'s: every gap of the synced range, oldest first, so a
pull stopped by a cooldown is resumed by the next. One answer costs only itself (see each
module). What stops the pull: a 429 (cooldown saved), Garmin not answering properly (5xx,
timeouts, network, Cloudflare, a body that is not JSON) and a refused login; what was stored
before stays. Each pull is one `sync_runs` row with its summary (`garmin_summary`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta

from wearsync.errors import GarminError, GarminRateLimited
from wearsync.progress import Progress
from wearsync.store import Store, state, sync_runs, wellness
from wearsync.sync import garmin_state, wearer_sources
from wearsync.sync.garmin_activities import pull_activities
from wearsync.sync.garmin_client import COOLDOWN_KEY, GarminSession, check_cooldown, save_cooldown
from wearsync.sync.garmin_days import pull_days
from wearsync.sync.garmin_summary import GarminPullSummary
from wearsync.sync.garmin_weigh_ins import pull_weigh_ins


def pull_garmin(
    store: Store,
    connect: Callable[[], GarminSession],
    *,
    today: date | None = None,
    since: date | None = None,
    until: date | None = None,
    days: int | None = None,
    first_pull_days: int = 30,
    force: bool = False,
    progress: Progress | None = None,
    min_interval_s: float = 1.0,
) -> GarminPullSummary:
    """Pull Garmin Connect up to `today` (default: today in the Garmin profile's time zone);
    Garmin errors end up in the summary, not raised.

    `connect` logs in (from tokens) and is only called when there is no cooldown. `force`
    asks Garmin even during a cooldown (and ends it when the pull goes through), asks again
    for empty days whenever they were last asked and for every kind of a day not complete
    whatever its back-off (with `since`/`days`: every day of that span, whole), and downloads
    again the activities an earlier pull recorded as failed.
    """
    summary = GarminPullSummary()
    run_id = _start_run(store)
    session = None
    if since is not None:
        # The range asked for is remembered before any request: a pull that stops at its first
        # answer (a cooldown, the profile refused) leaves its days to the plain pulls after it.
        garmin_state.remember_range(store, since)
    try:
        check_cooldown(store, force)
        session = connect()
        _keep_wearer(store, session, summary)
        if today is None:
            session.utc_offset_s = _last_utc_offset(store)
            today = session.today()
        plan = garmin_state.plan_days(
            store,
            today,
            since=since,
            until=until,
            days=days,
            first_pull_days=first_pull_days,
            recheck_empty=force,
            force=force,
        )
        summary.first_pull = plan.first_pull
        summary.days_planned = [d.isoformat() for d in plan.days]
        if plan.first_pull and since is None and days is None:
            earlier = date.fromordinal(plan.start.toordinal() - 365).isoformat()
            summary.note = (
                f"first pull: the last {first_pull_days} days; to go further back run "
                f"`wearsync pull --since {earlier}` (or --days N)"
            )
        garmin_state.remember_range(store, plan.start)
        pull_days(store, session, plan.days, today, summary, progress, min_interval_s, plan.kinds)
        pull_weigh_ins(store, session, plan.start, plan.end, today, summary, force=force)
        exact = None  # --force with a span lists exactly that span, whatever was listed before
        if force and since is not None:
            exact = since
        elif force and days is not None:
            exact = today - timedelta(days=max(days, 1) - 1)
        elif force and until is not None:
            exact = plan.start
        listing = garmin_state.plan_listing(store, plan.start, plan.end, today, exact=exact)
        pull_activities(store, session, listing, summary, progress, retry_failed=force)
        if force:
            # Garmin answered a forced pull whole: the cooldown it ran through is over.
            with store.transaction() as conn:
                state.delete_state(conn, COOLDOWN_KEY)
    except GarminRateLimited as exc:
        save_cooldown(store, exc.until)
        summary.error = exc
    except GarminError as exc:
        summary.error = exc
    except BaseException:
        _finish_run(store, run_id, summary, "partial", "interrupted")
        raise
    summary.gaps = garmin_state.gaps(store, today or date.today(), min_interval_s)
    _finish_run(store, run_id, summary, summary.outcome, str(summary.error or ""))
    return summary


def _keep_wearer(store: Store, session: GarminSession, summary: GarminPullSummary) -> None:
    """Store the wearer Garmin Connect's user settings state (birth date, sex, weight)."""
    entry, warnings = wearer_sources.from_garmin(session.user_settings or {}, time.time())
    summary.warnings.extend(warnings)
    if entry:
        with store.transaction() as conn:
            wearer_sources.save(store, conn, entry)


def _last_utc_offset(store: Store) -> int | None:
    return wellness.last_garmin_offset(store.conn)


def _start_run(store: Store) -> int:
    with store.transaction() as conn:
        return sync_runs.start_garmin_run(conn)


def _finish_run(store: Store, run_id: int, summary: GarminPullSummary, outcome: str, message: str) -> None:
    with store.transaction() as conn:
        sync_runs.finish_run(conn, run_id, outcome, message, summary.to_json())
