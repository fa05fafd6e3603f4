"""Chaos against the fake Garmin Connect (tests/fake_garmin.py): every request answered at random,
seeded, with 403, 404, 429 (a short Retry-After), a 5xx, a dropped connection, an empty body, NaN
values in the JSON, or the right answer; pulls repeated while the faults fade out; then what the
store holds compared, day by day and activity by activity, with one clean pull's, and the fake's
request log checked for requests sent during a cooldown and passwords sent again.

Used by tests/functional/test_garmin_chaos.py and bench/garmin_chaos.py.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from tests.fake_garmin import FakeActivity, FakeGarmin, fit_file, weigh_in
from tests.fake_garmin_routes import PASSWORD, Fault, Logged
from tests.readings import readings_table
from wearsync.sync.garmin_client import COOLDOWN_KEY
from wearsync.sync.garmin_state import NUTRITION_KEY, RANGE_KEY

KINDS = ("403", "404", "429", "5xx", "drop", "empty", "nan")
# Ten distinct real FIT activities from ../shared/fit: an activity id is one recording.
ACTIVITY_FILES = (
    "garmin-fenix-5-run.fit",
    "garmin-fenix-5-walk.fit",
    "garmin-fenix-5-bike.fit",
    "activity-small-fenix2-run.fit",
    "2013-02-06-12-11-14.fit",
    "garmin-edge-500-activity.fit",
    "garmin-edge-820-bike.fit",
    "sample-activity.fit",
    "Activity.fit",
    "20170518-191602-1740899583.fit",
)


@dataclass
class Chaos:
    """The fake's `chaos`: each request answered wrong with `probability`, the wrong answer drawn
    evenly from KINDS; `drawn` counts what was drawn. Reproducible for a seed as long as the
    requests come in the same order."""

    seed: int
    probability: float = 0.0
    retry_after_s: int = 1
    drawn: Counter = field(default_factory=Counter)
    pull: int = 0  # set by pull_through_chaos: which pull the faults below were drawn in
    # path substring -> the probability for its requests instead (e.g. activity downloads, which a
    # pull reaches only when its days went through: few of them meet a fault otherwise)
    focus: dict[str, float] = field(default_factory=dict)
    faults: list[tuple[int, str, str]] = field(default_factory=list)  # (pull, kind, request)

    def __post_init__(self):
        self.rng = random.Random(self.seed)

    def __call__(self, method: str, route: str, query: str) -> Fault | None:
        chance = next((p for part, p in self.focus.items() if part in route), self.probability)
        if self.rng.random() >= (chance if self.probability > 0 else 0.0):
            return None
        kind = self.rng.choice(KINDS)
        self.drawn[kind] += 1
        self.faults.append((self.pull, kind, f"{method} {route}{'?' + query if query else ''}"))
        if kind in ("403", "404"):
            return Fault("status", route, status=int(kind))
        if kind == "429":
            return Fault("status", route, status=429, retry_after=str(self.retry_after_s))
        if kind == "5xx":
            return Fault("status", route, status=self.rng.choice((500, 502, 503)))
        if kind == "drop":
            return Fault("drop", route)
        if kind == "empty":
            return Fault("body", route, status=200, body=b"")
        return Fault("nan", route, nan_stride=self.rng.choice((1, 3, 10)))


def fading(first: float, pulls: int) -> Callable[[int], float]:
    """The fault probability of pull n (0-based): `first`, falling linearly to 0 at pull `pulls`."""
    return lambda n: max(0.0, first * (1 - n / pulls))


def chaos_fake(today: date, days: int = 60, activities: int = 10) -> FakeGarmin:
    """A fake holding `days` days up to `today`, each with intake logged, a weigh-in every fifth
    day, and `activities` activities spread over the days (distinct real FIT files)."""
    first = today - timedelta(days=days - 1)
    fake = FakeGarmin()
    for n in range(days):
        day = first + timedelta(days=n)
        fake.intake[day.isoformat()] = 1500 + (n * 37) % 900
        if n % 5 == 2:
            fake.weigh_ins.append(
                weigh_in(datetime.combine(day, datetime.min.time()) + timedelta(hours=7), 80_000 - n * 40)
            )
    for n in range(activities):
        start = datetime.combine(first + timedelta(days=(n * days) // activities + 1), datetime.min.time())
        fake.activities.append(
            FakeActivity(7000 + n, start + timedelta(hours=7), fit_file(ACTIVITY_FILES[n % len(ACTIVITY_FILES)]))
        )
    return fake


# --- what the store holds ----------------------------------------------------------------
def store_contents(home: Path) -> dict[str, dict]:
    """What a pull stored, keyed for comparison: per day its Garmin day state, daily values, heart
    rate (count, readings with a value, their sum, first and last time), intake and weigh-ins; per
    activity id its state and the imported activity."""
    conn = readings_table(sqlite3.connect(home / "wearsync.db"))
    try:
        days: dict[str, dict] = {}

        def put(kind: str, rows):
            for day, *values in rows:
                days.setdefault(day, {})[kind] = tuple(values) if len(values) != 1 else values[0]

        put("state", conn.execute("SELECT local_day, state FROM garmin_days"))
        put(
            "daily values",
            conn.execute(
                "SELECT local_day, steps, ascent_m, descent_m, active_kcal, bmr_kcal, total_kcal, moderate_min, "
                "vigorous_min, resting_hr, utc_offset_s, covered_s FROM wellness WHERE source = 'garmin'"
            ),
        )
        put(
            "heart rate",
            conn.execute(
                "SELECT garmin_day, count(*), count(bpm), sum(bpm), min(ts), max(ts) FROM readings "
                "WHERE garmin_day IS NOT NULL GROUP BY garmin_day"
            ),
        )
        put("intake", conn.execute("SELECT local_day, kcal FROM intake WHERE source = 'garmin'"))
        put(
            "weigh-ins",
            conn.execute("SELECT local_day, ts, round(weight_kg, 3) FROM weigh_ins WHERE source = 'garmin'"),
        )
        activities = {
            activity_id: {"state": state, "activity": activity}
            for activity_id, state, *activity in conn.execute(
                "SELECT g.activity_id, g.state, a.sport, a.sub_sport, a.start_utc, a.local_day, a.elapsed_s, "
                "a.calories FROM garmin_activities g LEFT JOIN activities a ON a.recording_id = g.recording_id"
            )
        }
        for info in activities.values():
            info["activity"] = tuple(info["activity"]) if info["activity"][2] is not None else None
        return {"days": days, "activities": activities}
    finally:
        conn.close()


DAY_KINDS = ("state", "daily values", "heart rate", "intake", "weigh-ins")


def differences(clean: dict, chaos: dict) -> list[tuple[str, str, object, object]]:
    """(what, key, clean pull's, chaos store's) for each day kind ("day", "intake", day) or
    activity ("activity", "", id) whose content differs between the two stores."""
    found: list[tuple[str, str, object, object]] = []
    for day in sorted(set(clean["days"]) | set(chaos["days"])):
        want, got = clean["days"].get(day, {}), chaos["days"].get(day, {})
        found += [(kind, day, want.get(kind), got.get(kind)) for kind in DAY_KINDS if want.get(kind) != got.get(kind)]
    for activity_id in sorted(set(clean["activities"]) | set(chaos["activities"])):
        want, got = clean["activities"].get(activity_id), chaos["activities"].get(activity_id)
        if want != got:
            found.append(("activity", str(activity_id), want, got))
    return found


def explain(found: list[tuple[str, str, object, object]], chaos: Chaos, reasons: dict[str, str]) -> list[str]:
    """The differences as lines, each with the faults drawn for requests of that day or activity
    and the reason the chaos store keeps for it (a run of days of one kind missing with no fault
    of their own is one line); then the account-wide state the chaos store keeps."""
    lines: list[str] = []
    run: list[str] = []  # consecutive days of one kind, missing, no fault of their own

    def end_run():
        if run:
            kind = run[0].split(" ", 1)[1]
            days = [r.split(" ", 1)[0] for r in run]
            lines.append(
                f"day {days[0]}"
                + (f" .. {days[-1]} ({len(days)} days)" if len(days) > 1 else "")
                + f" {kind}: missing in the chaos store [no fault drawn for their requests]"
            )
            run.clear()

    for kind, key, want, got in found:
        label = f"activity {key}" if kind == "activity" else f"day {key} {kind}"
        pattern = f"/{key}" if kind == "activity" else key
        hits = [f"pull {n}: {fault} to {request}" for n, fault, request in chaos.faults if pattern in request]
        why = reasons.get(f"activity {key}" if kind == "activity" else f"day {key}")
        if kind != "activity" and got is None and not hits and not why:
            previous = run[-1].split(" ", 1) if run else None
            if previous and (
                previous[1] != kind or date.fromisoformat(previous[0]) + timedelta(days=1) != date.fromisoformat(key)
            ):
                end_run()
            run.append(f"{key} {kind}")
            continue
        end_run()
        lines.append(
            f"{label}: clean pull {want!r}, chaos {got!r}"
            + (f" [faults: {'; '.join(hits)}]" if hits else " [no fault drawn for its requests]")
            + (f" [stored reason: {why}]" if why else "")
        )
    end_run()
    lines += [f"store state {k[6:]}: {v}" for k, v in sorted(reasons.items()) if k.startswith("state ")]
    return lines


def failure_reasons(home: Path) -> dict[str, str]:
    """The reasons the store keeps for failed days and activities (to explain a difference)."""
    conn = sqlite3.connect(home / "wearsync.db")
    try:
        reasons = {
            f"day {day}": f"{state}: {reason}"
            for day, state, reason in conn.execute(
                "SELECT local_day, state, coalesce(reason, weigh_ins_reason) FROM garmin_days "
                "WHERE state != 'data' OR reason IS NOT NULL OR weigh_ins_reason IS NOT NULL"
            )
        }
        reasons.update(
            (f"activity {aid}", f"{state}: {note}")
            for aid, state, note in conn.execute(
                "SELECT activity_id, state, note FROM garmin_activities WHERE state != 'imported'"
            )
        )
        reasons.update(
            (f"state {key}", value)
            for key, value in conn.execute("SELECT key, value FROM state WHERE key LIKE 'garmin%'")
        )
        return reasons
    finally:
        conn.close()


# --- what the request log shows ----------------------------------------------------------
def sent_during_cooldown(log: list[Logged]) -> list[str]:
    """Requests that arrived after a 429 and before its Retry-After had elapsed."""
    found = []
    for answer in log:
        if answer.status == 429 and answer.retry_after:
            end = answer.at + float(answer.retry_after)
            found += [
                f"{r.method} {r.path}?{r.query} {r.at - answer.at:.3f} s after the 429 to {answer.path}"
                for r in log
                if answer.at < r.at < end
            ]
    return found


def password_posts(log: list[Logged]) -> list[Logged]:
    return [r for r in log if r.method == "POST" and PASSWORD.encode() in r.request_body]


def pass_the_time(home: Path) -> list[str]:
    """Advance time the way the store sees it, as the existing tests do, over the waits a pull
    keeps beyond a cooldown: a refused download's, a failed kind of a day's and weigh-ins' `retry_at` (a day
    and more) and nutrition found unavailable (asked again after a week). Returns what it moved."""
    conn = sqlite3.connect(home / "wearsync.db")
    try:
        moved = [
            f"activity {aid} retry_at"
            for (aid,) in conn.execute(
                "SELECT activity_id FROM garmin_activities WHERE retry_at IS NOT NULL AND retry_at > ?",
                (int(time.time()),),
            )
        ]
        conn.execute("UPDATE garmin_activities SET retry_at = ? WHERE retry_at IS NOT NULL", (int(time.time()) - 1,))
        moved += [
            f"{day} {kind} retry_at"
            for day, kind in conn.execute(
                "SELECT local_day, kind FROM garmin_day_kinds WHERE retry_at IS NOT NULL AND retry_at > ?",
                (int(time.time()),),
            )
        ]
        conn.execute("UPDATE garmin_day_kinds SET retry_at = ? WHERE retry_at IS NOT NULL", (int(time.time()) - 1,))
        if conn.execute("SELECT 1 FROM garmin_days WHERE weigh_ins_retry_at > ?", (int(time.time()),)).fetchall():
            moved.append("weigh-ins retry_at")
        conn.execute(
            "UPDATE garmin_days SET weigh_ins_retry_at = ? WHERE weigh_ins_retry_at IS NOT NULL",
            (int(time.time()) - 1,),
        )
        if conn.execute("SELECT 1 FROM state WHERE key = ?", (NUTRITION_KEY,)).fetchall():
            moved.append("nutrition unavailable (a week)")
            conn.execute("UPDATE state SET value = ? WHERE key = ?", (repr(time.time() - 8 * 86400), NUTRITION_KEY))
        conn.commit()
        return moved
    finally:
        conn.close()


def range_start(home: Path) -> date | None:
    conn = sqlite3.connect(home / "wearsync.db")
    try:
        rows = conn.execute("SELECT value FROM state WHERE key = ?", (RANGE_KEY,)).fetchall()
    finally:
        conn.close()
    return date.fromisoformat(rows[0][0]) if rows else None


def wait_out_cooldown(home: Path) -> float:
    """Sleep until the cooldown the store saved has ended; returns the seconds slept."""
    conn = sqlite3.connect(home / "wearsync.db")
    try:
        rows = conn.execute("SELECT value FROM state WHERE key = ?", (COOLDOWN_KEY,)).fetchall()
    finally:
        conn.close()
    left = float(rows[0][0]) - time.time() + 0.05 if rows else 0.0
    if left > 0:
        time.sleep(left)
    return max(left, 0.0)


def requests_per_day(log: list[Logged]) -> Counter:
    """Day requests (summary, heart rate, food log) per day asked."""
    counts: Counter = Counter()
    for r in log:
        if "usersummary" in r.path or "dailyHeartRate" in r.path:
            counts[r.query.split("=", 1)[1][:10]] += 1
        elif r.path.startswith("/nutrition-service/"):
            counts[r.path.rsplit("/", 1)[1]] += 1
    return counts


# --- the pulls ---------------------------------------------------------------------------
@dataclass
class ChaosRun:
    """What the pulls through the chaos did: each pull's outcome and fault probability, the
    pulls tried during a cooldown that sent something (should be none), seconds waited."""

    outcomes: list[tuple[float, str]] = field(default_factory=list)
    cooldown_pulls_that_sent: list[int] = field(default_factory=list)
    waited_s: float = 0.0
    time_passed: list[str] = field(default_factory=list)  # what pass_the_time moved, once

    @property
    def pulls(self) -> int:
        return len(self.outcomes)


def settled(summary) -> bool:
    """A pull that ended well and left nothing to ask again but the two youngest days."""
    return (
        summary.outcome == "ok"
        and not summary.day_failures
        and not summary.days_empty
        and not summary.activity_failures
        and not summary.weigh_in_failures
        and summary.gaps.get("missing") == 0
    )


def pull_through_chaos(
    pull: Callable[..., object],
    fake: FakeGarmin,
    home: Path,
    today: date,
    since: date,
    chaos: Chaos,
    probability: Callable[[int], float],
    max_pulls: int = 40,
    plain: bool = False,
) -> ChaosRun:
    """Pull (`pull(home, fake, today, **kwargs)`) with the fault probability `probability(n)` for
    pull n, until a pull without faults settles or `max_pulls`: with `since` until a pull has
    remembered it as the synced range's start (the same command run again after a failure: a
    pull that fails before its plan does not), then plain pulls (`plain`: plain pulls after the
    first). After a 429, one more pull at once must send nothing; then the cooldown is waited
    out."""
    fake.chaos = chaos
    run = ChaosRun()
    try:
        for n in range(max_pulls):
            chaos.probability, chaos.pull = probability(n), n
            again = n == 0 or (not plain and range_start(home) != since)
            summary = pull(home, fake, today, **({"since": since} if again else {}))
            run.outcomes.append((chaos.probability, summary.outcome))
            if summary.outcome == "rate_limited":
                before = len(fake.log)
                pull(home, fake, today)
                if len(fake.log) != before:
                    run.cooldown_pulls_that_sent.append(n)
                run.waited_s += wait_out_cooldown(home)
            elif chaos.probability == 0 and settled(summary):
                if run.time_passed:
                    break
                run.time_passed = pass_the_time(home)
                if not run.time_passed:
                    break
    finally:
        fake.chaos = None
    return run
