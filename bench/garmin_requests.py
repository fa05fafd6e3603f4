"""HTTP requests wearsync sends to Garmin Connect per synced day and per activity.

Runs the real `garminconnect` library against the fake Garmin Connect of the tests
(tests/fake_garmin.py, 127.0.0.1 only): a first pull of 30 days with activities, one of
them deleted on Garmin (its download answers 404), then an incremental pull one day later
that lists the deleted one again but does not ask for it. Prints the requests by kind and
per day / per activity.

    .venv/bin/python bench/garmin_requests.py [--activities N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.fake_garmin import FakeActivity, FakeGarmin, fit_file, make_library_fast, write_tokens  # noqa: E402

from wearsync.store import Store  # noqa: E402
from wearsync.sync.garmin_client import login_from_tokens  # noqa: E402
from wearsync.sync.garmin_pull import pull_garmin  # noqa: E402

KINDS = (("login", ("/userprofile-service/",)), ("daily summary", ("/usersummary-service/",)),
         ("heart rate", ("/wellness-service/",)), ("food log", ("/nutrition-service/",)),
         ("activity list", ("/activitylist-service/",)), ("activity download", ("/download-service/",)),
         ("token refresh / sign-in", ("/di-oauth2-service/", "/mobile/", "/portal/", "/sso/")))


def kind(path: str) -> str:
    return next((name for name, prefixes in KINDS if path.startswith(prefixes)), "other")


def measure(fake: FakeGarmin, home: Path, today: date) -> tuple[Counter, object]:
    fake.clear_log()
    store = Store.open(home)
    try:
        summary = pull_garmin(store, lambda: login_from_tokens(home, fake.url, min_interval_s=0), today=today,
                              first_pull_days=30)
    finally:
        store.close()
    return Counter(kind(r.path) for r in fake.log), summary


def report(title: str, counts: Counter, summary) -> None:
    days, new = len(summary.days_stored), summary.activities_new
    total = sum(counts.values())
    per_activity = counts["activity download"] / new if new else 0.0
    print(f"\n{title}: {days} days stored, {new} new activities ({summary.activities_failed} failed), "
          f"{total} requests")
    for name, _ in KINDS:
        if counts[name]:
            print(f"  {name:<24}{counts[name]:>5}")
    day_requests = counts["daily summary"] + counts["heart rate"] + counts["food log"]
    print(f"  per synced day: {day_requests / days:.2f} (day calls only), {total / days:.2f} (all requests)")
    print(f"  per new activity: {per_activity:.2f} download(s), plus {counts['activity list']} list page(s) "
          f"for the whole range")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=6, help="activities in the 30 days (default 6)")
    args = parser.parse_args()
    make_library_fast()
    today = date(2023, 7, 30)
    fits = [fit_file(n) for n in ("garmin-fenix-5-run.fit", "garmin-fenix-5-walk.fit", "garmin-fenix-5-bike.fit")]
    activities = [FakeActivity(5000 + n, datetime.combine(today - timedelta(days=(n * 5) % 30), datetime.min.time())
                               + timedelta(hours=7), fits[n % len(fits)]) for n in range(args.activities)]
    fake = FakeGarmin(activities=activities).start()
    if activities:
        # The newest activity is gone from Garmin; the incremental pull lists it again.
        fake.inject("status", f"/download-service/files/activity/{activities[0].activity_id}", status=404,
                    times=10)
    try:
        with tempfile.TemporaryDirectory() as folder:
            home = Path(folder)
            write_tokens(home, fake.issue_tokens())
            report("First pull, 30 days", *measure(fake, home, today))
            fake.activities.append(FakeActivity(6000, datetime.combine(today + timedelta(days=1),
                                                                       datetime.min.time()), fits[0]))
            report("Incremental pull, 1 new day (the 2 previous days re-checked)",
                   *measure(fake, home, today + timedelta(days=1)))
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
