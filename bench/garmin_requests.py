"""HTTP requests wearsync sends to Garmin Connect per synced day and per activity.

Runs the real `garminconnect` library against the fake Garmin Connect of the tests
(tests/fake_garmin.py, 127.0.0.1 only): a first pull of 30 days with activities, one of
them deleted on Garmin (its download answers 404), then an incremental pull one day later
that lists the deleted one again but does not ask for it, the next day's (steady state) and the
same pull again (a settled day costs nothing); then, in a fresh store, a 400-day backfill
(`--since`) through three 429 cooldowns (the cooldown ended by rewriting the stored time, not
by waiting). Weigh-ins are asked once per run of days still to ask (in ranges of at most a
year), not per day: one request a pull, and none by a pull a cooldown stops before its days
are done.
Prints the requests by kind, per day / per activity, and what the requests would take at the
default spacing.

    .venv/bin/python bench/garmin_requests.py [--activities N] [--backfill-days N]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.fake_garmin import FakeActivity, FakeGarmin, fit_file, make_library_fast, write_tokens  # noqa: E402
from wearsync.config import Config  # noqa: E402
from wearsync.store import Store  # noqa: E402
from wearsync.sync.garmin_client import COOLDOWN_KEY, login_from_tokens  # noqa: E402
from wearsync.sync.garmin_pull import pull_garmin  # noqa: E402

DEFAULT_SPACING_S = Config().garmin.min_interval_s

KINDS = (
    ("login", ("/userprofile-service/",)),
    ("daily summary", ("/usersummary-service/",)),
    ("heart rate", ("/wellness-service/",)),
    ("food log", ("/nutrition-service/",)),
    ("weigh-ins", ("/weight-service/",)),
    ("activity list", ("/activitylist-service/",)),
    ("activity download", ("/download-service/",)),
    ("token refresh / sign-in", ("/di-oauth2-service/", "/mobile/", "/portal/", "/sso/")),
)


def kind(path: str) -> str:
    return next((name for name, prefixes in KINDS if path.startswith(prefixes)), "other")


def measure(fake: FakeGarmin, home: Path, today: date, **kwargs) -> tuple[Counter, object]:
    fake.clear_log()
    store = Store.open(home)
    try:
        summary = pull_garmin(
            store,
            lambda: login_from_tokens(home, fake.url, min_interval_s=0),
            today=today,
            first_pull_days=30,
            min_interval_s=0,
            **kwargs,
        )
    finally:
        store.close()
    return Counter(kind(r.path) for r in fake.log), summary


def report(title: str, counts: Counter, summary) -> None:
    days, new = len(summary.days_stored), summary.activities_new
    total = sum(counts.values())
    per_activity = counts["activity download"] / new if new else 0.0
    print(
        f"\n{title}: {days} days stored, {new} new activities ({summary.activities_failed} failed), "
        f"{total} requests ({total * DEFAULT_SPACING_S / 60:.1f} min at the default "
        f"{DEFAULT_SPACING_S:g} s spacing)"
    )
    for name, _ in KINDS:
        if counts[name]:
            print(f"  {name:<24}{counts[name]:>5}")
    if days:
        day_requests = counts["daily summary"] + counts["heart rate"] + counts["food log"]
        print(f"  per synced day: {day_requests / days:.2f} (day calls only), {total / days:.2f} (all requests)")
    print(f"  weigh-ins: {counts['weigh-ins']} range request(s) for the pull")
    print(
        f"  per new activity: {per_activity:.2f} download(s), plus {counts['activity list']} list page(s) "
        f"for the whole range"
    )


def backfill(days: int, activities: list[FakeActivity], today: date) -> None:
    """A `--since` backfill of `days` days through three 429 cooldowns, continued by plain pulls."""
    first = today - timedelta(days=days - 1)
    fake = FakeGarmin(activities=activities).start()
    for n in (days // 4, days // 2, 3 * days // 4):
        fake.inject(
            "status", "usersummary", query=f"calendarDate={first + timedelta(days=n)}", status=429, retry_after="1"
        )
    try:
        with tempfile.TemporaryDirectory() as folder:
            home = Path(folder)
            write_tokens(home, fake.issue_tokens())
            total, runs, stored = Counter(), [], 0
            summary = None
            while summary is None or summary.outcome == "rate_limited":
                counts, summary = measure(fake, home, today, since=first if summary is None else None)
                total += counts
                stored += len(summary.days_stored)
                runs.append(f"{summary.outcome} after {sum(counts.values())} requests")
                conn = sqlite3.connect(home / "wearsync.db")
                conn.execute("UPDATE state SET value = ? WHERE key = ?", (repr(time.time() - 1), COOLDOWN_KEY))
                conn.commit()
                conn.close()
            print(f"\nBackfill of {days} days through three cooldowns: {len(runs)} pulls ({'; '.join(runs)})")
            requests = sum(total.values())
            for name, _ in KINDS:
                if total[name]:
                    print(f"  {name:<24}{total[name]:>5}")
            print(
                f"  {stored} days stored, {requests} requests in all: {requests / days:.2f} per day; "
                f"{requests * DEFAULT_SPACING_S / 60:.0f} min at the default {DEFAULT_SPACING_S:g} s spacing"
            )
    finally:
        fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=6, help="activities in the 30 days (default 6)")
    parser.add_argument("--backfill-days", type=int, default=400, help="days of the backfill (default 400)")
    args = parser.parse_args()
    make_library_fast()
    today = date(2023, 7, 30)
    fits = [fit_file(n) for n in ("garmin-fenix-5-run.fit", "garmin-fenix-5-walk.fit", "garmin-fenix-5-bike.fit")]
    activities = [
        FakeActivity(
            5000 + n,
            datetime.combine(today - timedelta(days=(n * 5) % 30), datetime.min.time()) + timedelta(hours=7),
            fits[n % len(fits)],
        )
        for n in range(args.activities)
    ]
    fake = FakeGarmin(activities=activities).start()
    if activities:
        # The newest activity is gone from Garmin; the incremental pull lists it again.
        fake.inject("status", f"/download-service/files/activity/{activities[0].activity_id}", status=404, times=10)
    try:
        with tempfile.TemporaryDirectory() as folder:
            home = Path(folder)
            write_tokens(home, fake.issue_tokens())
            report("First pull, 30 days", *measure(fake, home, today))
            fake.activities.append(
                FakeActivity(6000, datetime.combine(today + timedelta(days=1), datetime.min.time()), fits[0])
            )
            report(
                "Incremental pull, 1 new day (the 2 previous days re-checked, the first pull's days asked "
                "3-14 days after they ended confirmed)",
                *measure(fake, home, today + timedelta(days=1)),
            )
            report("Incremental pull, the next day (steady state)", *measure(fake, home, today + timedelta(days=2)))
            report(
                "The same pull again (only the 2 days Garmin still changes)",
                *measure(fake, home, today + timedelta(days=2)),
            )
    finally:
        fake.stop()
    backfill(
        args.backfill_days,
        [
            FakeActivity(
                7000 + n,
                datetime.combine(today - timedelta(days=n * 9), datetime.min.time()) + timedelta(hours=7),
                fits[n % len(fits)],
            )
            for n in range(40)
        ],
        today,
    )


if __name__ == "__main__":
    main()
