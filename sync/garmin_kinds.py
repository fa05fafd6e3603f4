"""Which kinds of a Garmin Connect day (summary, heart rate, food log) a pull asks, and what an
answer makes of each: the rules, no request and no SQL.

A kind never asked is asked. A 'partial' kind (the day was not over, values were dropped at the
gate, its totals changed at the last ask, or a day asked once after it ended that a second ask
has to confirm) is asked again on later pulls until RECHECK_DAYS after the day; one with values
dropped also from its `retry_at`, with the back-off of a refusal, however old the day. A 'failed' kind
is asked again from its `retry_at`: a refusal (403/404) after a day, then 2, 4 ... up to 30 days;
any other failure by the next pull, then the same back-off. 'complete' and 'empty' kinds cost
nothing (an empty summary has its own two weeks of re-asking, in garmin_state). `force` asks
every kind not complete whatever its back-off or bound; `whole` asks every kind.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from wearsync.store.garmin_kinds import KINDS, KindState

# A day Garmin still changes after it ended (a watch synced late, food logged later) is asked
# again until this many days after it; older days count as settled at their first ask.
RECHECK_DAYS = 14
REFUSED_RETRY_S = 86_400
RETRY_MAX_S = 30 * 86_400

NOT_OVER = "the day was not over yet"
UNCONFIRMED = "asked once after the day ended: the next pull confirms its totals"
CHANGED = "its totals changed at the last ask"
IN_SUMMARY = "intake in the daily summary"


def due_kinds(
    kinds: dict[str, KindState] | None,
    day: date,
    today: date,
    now: float,
    *,
    young: bool,
    nutrition: bool,
    force: bool = False,
    whole: bool = False,
) -> set[str]:
    """The kinds of `day` to ask (the summary's empty weeks are garmin_state's)."""
    if whole or young or not kinds:
        return set(KINDS) if nutrition or force else {"summary", "heart_rate"}
    within = today <= day + timedelta(days=RECHECK_DAYS)
    due = set()
    summary = kinds.get("summary")
    for kind in KINDS:
        state = kinds.get(kind)
        if kind == "food_log" and not (nutrition or force):
            continue
        if state is None:
            # never asked: asked once the summary says the day has data (or with the summary)
            if summary is None or summary.state in ("complete", "partial") or "summary" in due:
                due.add(kind)
        elif state.state == "partial":
            if within or force or (state.retry_at is not None and state.retry_at <= now):
                due.add(kind)
        elif state.state == "failed":
            if force or state.retry_at is None or state.retry_at <= now:
                due.add(kind)
    return due


def retry_at(attempts: int, now: float, refused: bool) -> int:
    """When a kind failed `attempts` times in a row (this one included) is asked again."""
    steps = attempts if refused else attempts - 1
    return int(now + (0 if steps <= 0 else min(REFUSED_RETRY_S * 2 ** (steps - 1), RETRY_MAX_S)))


def dropped_retry_at(dropped: list[str], before: KindState | None, now: float) -> int | None:
    """When a kind stored with values dropped at the gate is asked again, whatever the day's age:
    after a day, then 2, 4 ... up to 30 days while the values keep being dropped (None: nothing
    was dropped)."""
    if not dropped:
        return None
    return retry_at((before.attempts if before is not None else 0) + 1, now, refused=True)


def settled_state(
    settled: bool, old_enough: bool, dropped: list[str], fingerprint: str, before: KindState | None
) -> tuple[str, str | None]:
    """A stored answer's state and why it is asked again: complete once the day has ended, nothing
    was dropped and its totals match the last ask (or the day is past its re-asking)."""
    if not settled:
        return "partial", NOT_OVER
    if dropped:
        return "partial", f"values dropped at the gate ({', '.join(dropped)})"
    if old_enough:
        return "complete", None
    previous = before.fingerprint if before is not None else None
    if previous is None:
        return "partial", UNCONFIRMED
    if previous != fingerprint:
        return "partial", CHANGED
    return "complete", None


def fingerprint(values: dict) -> str:
    return json.dumps(values, sort_keys=True, default=str)
