"""What the Garmin failure tests (tests/functional/test_garmin_login_failures.py,
test_garmin_day_failures.py, test_garmin_backfill.py) look up and set up: a pull without request
spacing, the sign-in requests and token posts the fake saw, the cooldown the store saved (and
ending it), a port nothing listens on, a run of days.
"""

import socket
import sqlite3
import time
from datetime import date, timedelta

from tests.functional.conftest import pull_from, query_store
from wearsync.sync.garmin_client import COOLDOWN_KEY

KEPT = "your login is kept; try later"
SIGN_IN_PATHS = ("/mobile/", "/portal/", "/sso/")


def pull(home, fake, today, **kwargs):
    return pull_from(home, fake, today, min_interval_s=0, **kwargs)


query = query_store


def sign_ins(fake):
    return [r for r in fake.log if r.path.startswith(SIGN_IN_PATHS)]


def token_posts(fake):
    return fake.requests("/di-oauth2-service/oauth/token", "POST")


def cooldown(home):
    rows = query(home, "SELECT value FROM state WHERE key = ?", COOLDOWN_KEY)
    return float(rows[0][0]) if rows else None


def end_cooldown(home):
    """Advance time the way the store sees it: the saved cooldown ended a second ago."""
    conn = sqlite3.connect(home / "wearsync.db")
    conn.execute("UPDATE state SET value = ? WHERE key = ?", (repr(time.time() - 1), COOLDOWN_KEY))
    conn.commit()
    conn.close()


def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def days(first: date, last: date) -> list[str]:
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]
