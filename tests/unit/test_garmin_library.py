"""Issue 24, case 7: wearsync's Garmin client rests on private attributes and methods of
`garminconnect` (sync/garmin_client.py), so the library is pinned to one version. When it moves
(a new pin, a reinstall), this fails naming each attribute or method that changed."""

import inspect
import re
from pathlib import Path

import pytest

from wearsync.errors import GarminError
from wearsync.sync import garmin_client

PROJECT = Path(__file__).resolve().parents[2]


def test_the_library_is_pinned_to_the_version_its_internals_were_checked_on():
    pin = re.search(r'"garminconnect==([0-9.]+)"', (PROJECT / "pyproject.toml").read_text())
    assert pin, "pyproject.toml must pin garminconnect exactly (sync/garmin_client.py uses its internals)"
    assert tuple(int(p) for p in pin.group(1).split(".")) == garmin_client.LIBRARY_VERSION


def test_every_private_attribute_and_method_wearsync_uses_is_as_it_expects():
    changes = garmin_client.library_changes()
    assert changes == [], "garminconnect changed under sync/garmin_client.py:\n  " + "\n  ".join(changes)


def test_every_private_name_the_client_module_touches_is_listed():
    # A `client._name` used in sync/ but not in the tables would escape the check above.
    listed = set(garmin_client.CLIENT_METHODS) | set(garmin_client.CLIENT_ATTRIBUTES)
    used: set[str] = set()
    for path in (PROJECT / "sync").glob("garmin_*.py"):
        used |= set(re.findall(r"\bclient\.(_\w+)", path.read_text()))
    assert used - listed == set()


def test_a_change_is_named_and_no_client_is_built(monkeypatch):
    from garminconnect.client import Client

    original = Client._do_mobile_login

    def renamed(self, session, email, password):  # a parameter renamed in a new release
        return original(self, session, email, password)

    monkeypatch.setattr(Client, "_do_mobile_login", renamed)
    monkeypatch.setattr(Client, "_refresh_di_token", None)  # gone
    changes = garmin_client.library_changes()
    assert "client._do_mobile_login() takes (session, email, password), not (sess, email, password)" in changes
    assert "client._refresh_di_token() is gone" in changes
    with pytest.raises(GarminError, match="_refresh_di_token"):
        garmin_client.build_garmin("")
    assert inspect.signature(original)  # the real one is back after the test
