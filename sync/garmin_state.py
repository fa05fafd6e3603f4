"""What wearsync knows of each Garmin Connect day and activity, and what a pull still has to ask.

A day is 'data' (stored), 'empty' (Garmin had nothing for it yet), 'failed' (its summary could
not be used; the reason is kept) or, without a row, not pulled yet; each of its kinds (summary,
heart rate, food log) has its own state (garmin_kinds). The synced range starts at the earliest
day any pull was asked for (`--since`, `--days` or the first pull's span) and ends today: a
plain pull asks, oldest first, for every day in it not pulled yet, every kind of a day that is
due (failed and past its back-off, or partial and within two weeks of the day: see
garmin_kinds), every day younger than SETTLE_DAYS (Garmin still changes it) and every empty day
during the two weeks after it was first found empty (a watch synced late fills it), less often
as the two weeks go by. Activities are listed from the first day never listed, and always over
the trailing TRAILING_LIST_DAYS days; once a week (RELIST_S) the whole synced range is listed
again, so an activity uploaded late is found whatever its date. A list range is never inverted;
`--force` with a span lists exactly that span.

Nothing here sends a request (nor imports garminconnect): the dashboard shows the gaps too.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from wearsync.store import Store, garmin
from wearsync.store import garmin_kinds as garmin_kinds_store
from wearsync.sync import garmin_kinds

# Garmin keeps changing a day until the watch has synced it; two days covers a watch
# synced once a day.
SETTLE_DAYS = 2
# A watch left unsynced for up to two weeks (a trip) still fills its days at Garmin later.
EMPTY_RECHECK_S = 14 * 86_400
TRAILING_LIST_DAYS = 14
RANGE_KEY = "garmin.range_start"
LISTED_KEY = "garmin.activities_listed"  # JSON {"from": day, "to": day}, listed whole
# Once a week the whole synced range is listed again: an activity uploaded late (a watch synced
# after weeks, an old recording added by hand) is found whatever its date.
RELISTED_KEY = "garmin.activities_relisted_at"  # Unix seconds of the last whole listing
RELIST_S = 7 * 86_400
# Activities per list page: a page holding fewer ends the list (no request for an empty page).
ACTIVITY_PAGE = 100
NUTRITION_KEY = "garmin.nutrition_unavailable_at"
# An account without nutrition logging answers 403/404 to every day's food log: once every day of
# a span this long was refused (one pull's days in a row), it is taken as not used, and asked
# again weekly. A refusal of fewer days costs those days only.
NUTRITION_SPAN_DAYS = 7
NUTRITION_RECHECK_S = 7 * 86_400
# Seconds per request measured by the last pull that sent a few (for estimates).
RATE_KEY = "garmin.seconds_per_request"
# Weigh-ins are asked over date ranges of at most this many days (Garmin's limit is not
# documented; a year per request keeps a five-year backfill at six requests).
WEIGH_IN_CHUNK_DAYS = 365
# A refused download (403) is asked again after a day, then 2, 4, ... at most 30 days.
REFUSED_RETRY_S = 86_400
REFUSED_RETRY_MAX_S = 30 * 86_400
# For estimates before any pull measured the rate: requests per day (summary, heart rate, food
# log) and the time one answer takes beside the configured spacing (the fake answers in
# milliseconds; Garmin in about 0.1 s).
REQUESTS_PER_DAY = 3
ANSWER_S = 0.1


@dataclass
class DayPlan:
    """The days a pull asks for, oldest first, inside the synced range start..end."""

    start: date
    end: date
    days: list[date]
    first_pull: bool
    kinds: dict[date, set[str]] = field(default_factory=dict)  # per planned day, the kinds to ask


def synced_range_start(store: Store) -> date | None:
    value = store.get_state(RANGE_KEY)
    if value:
        return date.fromisoformat(value)
    return garmin.earliest_day(store.conn)


def plan_days(
    store: Store,
    today: date,
    *,
    since: date | None = None,
    until: date | None = None,
    days: int | None = None,
    first_pull_days: int = 30,
    now: float | None = None,
    recheck_empty: bool = False,
    force: bool = False,
) -> DayPlan:
    """The days to ask for, and which kinds of each. `since`/`days` ask for that span (and widen
    the synced range); a plain pull covers the whole synced range. `recheck_empty` asks again
    for every day still in its two empty weeks, whenever it was last asked; `force` asks every
    kind not complete whatever its back-off, and with `since`/`days` every kind of the span."""
    now = time.time() if now is None else now
    known = synced_range_start(store)
    if since is not None:
        start = since
    elif days is not None:
        start = today - timedelta(days=max(days, 1) - 1)
    elif known is not None:
        start = known
    else:
        start = today - timedelta(days=max(first_pull_days, 1) - 1)
    range_start = min(start, known) if known else start
    end = min(until, today) if until else today
    rows = garmin.day_states(store.conn, start, end)
    kinds = garmin_kinds_store.day_kinds(store.conn, start, end)
    settled = today - timedelta(days=SETTLE_DAYS)
    nutrition = nutrition_available(store, now)
    whole = force and (since is not None or days is not None)
    wanted: dict[date, set[str]] = {}
    for day in (start + timedelta(days=n) for n in range((end - start).days + 1)):
        key, young = day.isoformat(), day > settled
        row = rows.get(key)
        if row is not None and row[0] == "empty" and not (young or whole):
            due = set(garmin_kinds_store.KINDS) if _empty_due(row, now, recheck_empty) else set()
        else:
            due = garmin_kinds.due_kinds(
                kinds.get(key) if row is not None else None,
                day,
                today,
                now,
                young=young,
                nutrition=nutrition,
                force=force,
                whole=whole,
            )
        if due:
            wanted[day] = due
    return DayPlan(range_start, end, list(wanted), known is None, wanted)


def _empty_due(row: tuple, now: float, recheck_empty: bool) -> bool:
    _state, _complete, fetched_at, first_empty_at = row
    first_empty_at = first_empty_at or fetched_at
    if now - first_empty_at >= EMPTY_RECHECK_S:
        return False
    # Asked again after at least as long as it has been empty when last asked: every
    # pull at first, then less and less often.
    return recheck_empty or now - fetched_at >= fetched_at - first_empty_at


def weigh_in_ranges(store: Store, start: date, end: date, *, force: bool = False) -> list[tuple[date, date]]:
    """The runs of consecutive pulled days in start..end whose weigh-ins are still to ask
    (never asked since the day settled, or the last request failed and its back-off has passed;
    `force`: whatever the back-off): one request each, a run longer than WEIGH_IN_CHUNK_DAYS in chunks."""
    runs: list[tuple[date, date]] = []
    for key in garmin.weigh_ins_pending(store.conn, start, end, int(time.time()), force):
        day = date.fromisoformat(key)
        if runs and runs[-1][1] + timedelta(days=1) == day and (day - runs[-1][0]).days < WEIGH_IN_CHUNK_DAYS:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def remember_range(store: Store, start: date) -> None:
    """Widen the synced range to `start` (before any request: an interrupted backfill's
    days stay in the range, to be filled by later pulls)."""
    known = synced_range_start(store)
    if known is None or start < known:
        with store.transaction() as conn:
            store.set_state(conn, RANGE_KEY, start.isoformat())


def gaps(store: Store, today: date, min_interval_s: float, now: float | None = None) -> dict:
    """What a plain pull still has to ask for: days never pulled or failed, days to check
    again, and about how long that takes at the rate the last pull measured (else the
    configured spacing)."""
    if synced_range_start(store) is None:
        return {"missing": 0, "oldest_missing": None, "recheck": 0, "estimate_s": 0}
    plan = plan_days(store, today, now=now)
    known = garmin.known_days(store.conn, plan.start, plan.end)
    missing = [d for d in plan.days if d.isoformat() not in known]
    requests = sum(len(k) for k in plan.kinds.values())
    return {
        "missing": len(missing),
        "oldest_missing": missing[0].isoformat() if missing else None,
        "recheck": len(plan.days) - len(missing),
        "estimate_s": round(requests * seconds_per_request(store, min_interval_s)),
    }


def seconds_per_request(store: Store, min_interval_s: float) -> float:
    """What one request took in the last pull that measured it, never less than the spacing."""
    measured = store.get_state(RATE_KEY)
    if measured:
        return max(min_interval_s, float(measured))
    return min_interval_s + ANSWER_S


@dataclass
class Listing:
    """The activity list a pull asks for: start..end (never inverted), and whether it covers
    the whole synced range through today (the weekly re-list)."""

    start: date
    end: date
    whole: bool


def plan_listing(
    store: Store,
    range_start: date,
    end: date,
    today: date,
    *,
    exact: date | None = None,
    now: float | None = None,
) -> Listing | None:
    """The activity list of this pull, or None when there is nothing to list.

    `exact` (`--force` with a span): exactly exact..end. Else, once a week (RELIST_S), the whole
    synced range, so an activity uploaded late finds its way in whatever its date (paged: a few
    requests for a year); else from the first day never listed, and always the trailing
    TRAILING_LIST_DAYS days."""
    now = time.time() if now is None else now
    if exact is not None:
        start = exact
    elif end >= today and _relist_due(store, now):
        start = range_start  # a pull through today only: one that stops earlier cannot list it whole
    else:
        start = listing_start(store, range_start, today)
    if start > end:
        return None
    return Listing(start, end, start <= range_start and end >= today)


def listing_start(store: Store, range_start: date, today: date) -> date:
    """Where a plain pull's activity listing starts: the first day never listed, or the
    trailing window, whichever is earlier."""
    listed = _listed(store)
    if listed is None or listed[0] > range_start:
        return range_start
    trailing = today - timedelta(days=TRAILING_LIST_DAYS - 1)
    return max(range_start, min(listed[1] + timedelta(days=1), trailing))


def _relist_due(store: Store, now: float) -> bool:
    value = store.get_state(RELISTED_KEY)
    return not value or now - float(value) >= RELIST_S


def remember_listing(store: Store, conn, listing: Listing, now: float) -> None:
    """Inside the caller's transaction: `listing` is now listed whole. The listed span is one
    run of days: a listing that does not touch it replaces it only if it is the later one (the
    days between were never listed, and the earlier span is listed again when due)."""
    start, end = listing.start, listing.end
    listed = _listed(store)
    if listed is None or start > listed[1] + timedelta(days=1):
        first, last = start, end
    elif end < listed[0] - timedelta(days=1):
        first, last = listed
    else:
        first, last = min(listed[0], start), max(listed[1], end)
    store.set_state(conn, LISTED_KEY, json.dumps({"from": first.isoformat(), "to": last.isoformat()}))
    if listing.whole:
        store.set_state(conn, RELISTED_KEY, repr(float(now)))


def _listed(store: Store) -> tuple[date, date] | None:
    value = store.get_state(LISTED_KEY)
    if not value:
        return None
    listed = json.loads(value)
    return date.fromisoformat(listed["from"]), date.fromisoformat(listed["to"])


def nutrition_available(store: Store, now: float | None = None) -> bool:
    """False for a week after the food log was refused (the account logs no nutrition)."""
    value = store.get_state(NUTRITION_KEY)
    return not value or (time.time() if now is None else now) - float(value) >= NUTRITION_RECHECK_S


def refused_retry_at(attempts: int, now: float) -> int:
    """When a download refused `attempts` times may be asked for again."""
    return int(now + min(REFUSED_RETRY_S * 2 ** max(attempts - 1, 0), REFUSED_RETRY_MAX_S))
