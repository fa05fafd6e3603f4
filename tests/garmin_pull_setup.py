"""The fake Garmin the pull tests (tests/functional/test_garmin_pull.py and
test_garmin_pull_errors.py) run against, and the days it was asked for."""

from datetime import datetime

from tests.fake_garmin import FakeActivity, FakeGarmin, fit_file


def with_a_run_and_a_walk() -> FakeGarmin:
    """The fake holding a run on 2023-06-30 (activity 9001) and a walk on 2023-07-02 (9002)."""
    return FakeGarmin(
        activities=[
            FakeActivity(9001, datetime(2023, 6, 30, 7, 10), fit_file("garmin-fenix-5-run.fit")),
            FakeActivity(9002, datetime(2023, 7, 2, 18, 0), fit_file("garmin-fenix-5-walk.fit"), "Walk", "walking"),
        ]
    )


def days_asked(fake, endpoint="usersummary/daily"):
    return [r.query.split("=")[1] for r in fake.requests(endpoint)]
