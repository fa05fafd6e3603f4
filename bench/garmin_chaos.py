"""Pulls through random Garmin Connect faults until they fade out, against one clean pull.

Runs the real `garminconnect` library against the fake Garmin Connect of the tests
(tests/fake_garmin.py, 127.0.0.1 only) holding DAYS days and ACTIVITIES activities: one clean pull
into a fresh store, then, into another, pulls whose every request is answered at random
(tests/garmin_chaos.py: 403, 404, 429 with a 1 s Retry-After, 5xx, a dropped connection, an empty
body, NaN values, or the right answer) with a fault probability falling from --probability to 0
over --fade pulls (`pull --since` again until a pull remembers it, then plain pulls; --plain:
plain pulls after the first), until a pull without faults leaves nothing to ask again (at most --max-pulls).
Each 429's cooldown is waited out, after one pull that must send nothing. Prints, per seed, the
pulls needed, the requests (per day asked, per kind), the faults drawn, requests sent during a
cooldown, passwords sent, and where the store differs from the clean pull's and why.

    .venv/bin/python bench/garmin_chaos.py [--seed N] [--seeds K] [--days N] [--activities N] [--focus PATH=P]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.garmin_requests import kind  # noqa: E402
from tests.fake_garmin import make_library_fast, write_tokens  # noqa: E402
from tests.garmin_chaos import (  # noqa: E402
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
from wearsync.store import Store  # noqa: E402
from wearsync.sync.garmin_client import login_from_tokens  # noqa: E402
from wearsync.sync.garmin_pull import pull_garmin  # noqa: E402

TODAY = date(2023, 7, 31)


def pull(home, fake, today, **kwargs):
    with Store.open(home) as store:
        return pull_garmin(
            store, lambda: login_from_tokens(home, fake.url, min_interval_s=0), today=today, min_interval_s=0, **kwargs
        )


def one_seed(seed: int, args: argparse.Namespace) -> bool:
    since = TODAY - timedelta(days=args.days - 1)
    fake = chaos_fake(TODAY, args.days, args.activities).start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            clean_home, home = Path(folder) / "clean", Path(folder) / "chaos"
            write_tokens(clean_home, fake.issue_tokens())
            write_tokens(home, fake.issue_tokens())
            pull(clean_home, fake, TODAY, since=since)
            clean_requests = len(fake.log)
            fake.clear_log()
            chaos = Chaos(seed, focus=dict(args.focus))
            started = time.monotonic()
            run = pull_through_chaos(
                pull, fake, home, TODAY, since, chaos, fading(args.probability, args.fade), args.max_pulls, args.plain
            )
            took = time.monotonic() - started
            per_day = requests_per_day(fake.log)
            found = differences(store_contents(clean_home), store_contents(home))
            during = sent_during_cooldown(fake.log)
            passwords = password_posts(fake.log)
            print(f"\nseed {seed}: {run.pulls} pulls in {took:.1f} s ({run.waited_s:.1f} s waiting out cooldowns)")
            print("  outcomes: " + ", ".join(f"{p:.2f}:{o}" for p, o in run.outcomes))
            if run.time_passed:
                print(f"  then time passed over: {', '.join(run.time_passed)}")
            print(
                f"  {len(fake.log)} requests (one clean pull: {clean_requests}); day requests per day asked: "
                f"{sum(per_day.values()) / args.days:.2f} on average (clean: 3), at most {max(per_day.values())}"
            )
            print("  by kind: " + ", ".join(f"{k} {n}" for k, n in Counter(kind(r.path) for r in fake.log).items()))
            print("  faults drawn: " + ", ".join(f"{k} {n}" for k, n in sorted(chaos.drawn.items())))
            on = Counter(kind(request.split(" ", 1)[1]) for _, _, request in chaos.faults)
            print("  faults by request kind: " + ", ".join(f"{k} {n}" for k, n in on.items()))
            print(
                f"  requests during a cooldown: {len(during)}; pulls during a cooldown that sent: "
                f"{len(run.cooldown_pulls_that_sent)}; password POSTs: {len(passwords)}"
            )
            for line in during:
                print(f"    {line}")
            if found:
                print(f"  the store differs from the clean pull's in {len(found)} places:")
                for line in explain(found, chaos, failure_reasons(home)):
                    print(f"    {line}")
            else:
                print("  the store equals the clean pull's")
            return not found and not during and not passwords and not run.cooldown_pulls_that_sent
    finally:
        fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="the first seed (default: a random one, printed)")
    parser.add_argument("--seeds", type=int, default=1, help="how many seeds, from --seed on (default 1)")
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--activities", type=int, default=10)
    parser.add_argument("--probability", type=float, default=0.3, help="the first pull's fault probability")
    parser.add_argument("--fade", type=int, default=15, help="pulls until the probability reaches 0")
    parser.add_argument("--max-pulls", type=int, default=40)
    parser.add_argument(
        "--focus",
        action="append",
        default=[],
        type=lambda text: (text.rpartition("=")[0], float(text.rpartition("=")[2])),
        metavar="PATH=P",
        help="requests whose path holds PATH get fault probability P while the others' is above 0 "
        "(e.g. /download-service/=0.5); repeatable",
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="plain pulls after the first, even when it failed before remembering --since",
    )
    args = parser.parse_args()
    make_library_fast()
    first = random.randrange(1_000_000) if args.seed is None else args.seed
    equal = sum(one_seed(seed, args) for seed in range(first, first + args.seeds))
    print(f"\n{equal} of {args.seeds} seeds ended equal to the clean pull with no cooldown or password breach")


if __name__ == "__main__":
    main()
