"""Issue 24's chaos test against the fake Garmin Connect and the real garminconnect library: 60
days and 10 activities, every request answered at random (seeded: WEARSYNC_CHAOS_SEED picks
another seed, and the seed is printed) with 403, 404, 429, 5xx, a dropped connection, an empty body,
NaN values or the right answer, pulled until the faults have faded out; the store must end equal to
one clean pull's, day by day and activity by activity, no request may go out during a cooldown
and no password is sent. Longer runs and other seeds: bench/garmin_chaos.py."""

import os
from datetime import date, timedelta

import pytest

from tests.fake_garmin import serving, skip_module_without_shared_data
from tests.functional.conftest import signed_in_home
from tests.garmin_chaos import (
    Chaos,
    chaos_fake,
    differences,
    explain,
    fading,
    failure_reasons,
    password_posts,
    pull_through_chaos,
    requests_per_day,
    sent_during_cooldown,
    store_contents,
)
from tests.garmin_failure_checks import pull, sign_ins, token_posts

skip_module_without_shared_data()

TODAY = date(2023, 7, 31)
DAYS = 60
SINCE = TODAY - timedelta(days=DAYS - 1)
SEED = int(os.environ.get("WEARSYNC_CHAOS_SEED", "24"))


@pytest.fixture
def fake():
    yield from serving(chaos_fake(TODAY, DAYS, activities=10))


def test_pulls_through_random_faults_end_with_the_store_of_one_clean_pull(fake, tmp_path, monkeypatch):
    (tmp_path / "clean").mkdir()
    (tmp_path / "chaos").mkdir()
    clean_home = signed_in_home(monkeypatch, fake, tmp_path / "clean")
    clean_summary = pull(clean_home, fake, TODAY, since=SINCE)
    assert clean_summary.outcome == "ok" and len(clean_summary.days_stored) == DAYS
    clean = store_contents(clean_home)
    assert len(clean["days"]) == DAYS and len(clean["activities"]) == 10
    assert all(info["activity"] for info in clean["activities"].values())

    home = signed_in_home(monkeypatch, fake, tmp_path / "chaos")
    fake.clear_log()
    # Downloads come last in a pull, so most meet the faults only once they have faded: theirs
    # stay at 0.3 until the last pulls.
    chaos = Chaos(SEED, focus={"/download-service/": 0.3})
    print(f"chaos seed {SEED} (WEARSYNC_CHAOS_SEED={SEED} repeats it)")
    run = pull_through_chaos(pull, fake, home, TODAY, SINCE, chaos, fading(0.3, 15), max_pulls=40)
    per_day = requests_per_day(fake.log)
    print(
        f"{run.pulls} pulls ({', '.join(f'{p:.2f}:{o}' for p, o in run.outcomes)}), {len(fake.log)} requests, "
        f"{sum(per_day.values()) / DAYS:.1f} day requests a day (at most {max(per_day.values())}), "
        f"faults drawn {dict(chaos.drawn)}, {run.waited_s:.1f} s waited out, time passed over {run.time_passed}"
    )

    assert sum(chaos.drawn.values()) >= 10, "the chaos happened"
    assert run.outcomes[-1] == (0.0, "ok"), f"no clean pull within 40 pulls: {run.outcomes}"
    assert sent_during_cooldown(fake.log) == []
    assert run.cooldown_pulls_that_sent == []
    assert password_posts(fake.log) == [] and sign_ins(fake) == [] and token_posts(fake) == []
    found = differences(clean, store_contents(home))
    assert not found, f"seed {SEED}: the store differs from one clean pull's in {len(found)} places:\n" + "\n".join(
        explain(found, chaos, failure_reasons(home))
    )
