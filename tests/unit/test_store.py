import sqlite3
import stat

import pytest

from wearsync.errors import StoreError
from wearsync.store import DB_NAME, MIGRATIONS, Store


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_the_store_is_private_to_the_user(store, wearsync_home):
    store.keep_original(b"x" * 20)
    assert mode(wearsync_home) == 0o700
    assert mode(wearsync_home / DB_NAME) == 0o600
    kept = list((wearsync_home / "originals").rglob("*.fit"))
    assert len(kept) == 1 and mode(kept[0]) == 0o600
    assert mode(kept[0].parent) == 0o700


def test_wal_busy_timeout_and_schema_version(store):
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_reopening_does_not_migrate_again(store, wearsync_home):
    store.conn.execute("INSERT INTO state(key, value) VALUES ('k', 'v')")
    again = Store.open(wearsync_home)
    assert again.get_state("k") == "v"


def test_a_newer_schema_is_refused(store, wearsync_home):
    store.conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StoreError, match="newer wearsync"):
        Store.open(wearsync_home)


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / DB_NAME).write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="not a wearsync store"):
        Store.open(folder)


def test_a_failed_transaction_leaves_nothing(store):
    with pytest.raises(RuntimeError):
        with store.transaction() as conn:
            store.set_state(conn, "half", "written")
            raise RuntimeError("crash mid-way")
    assert store.get_state("half") is None


def test_originals_are_kept_by_content(store):
    first = store.keep_original(b"same bytes")
    second = store.keep_original(b"same bytes")
    # sha256 of b"same bytes", from `printf 'same bytes' | sha256sum`
    assert first == second == "58100dc8fc06562ce3e578231dc948e083520ee49c4b4ee5a5a28bb4b4003feb"
    assert store.original_path(first).read_bytes() == b"same bytes"


def test_readers_in_other_connections_see_commits(store, wearsync_home):
    other = Store.open(wearsync_home)
    before = other.data_version()
    with store.transaction() as conn:
        store.set_state(conn, "k", "v")
    assert other.data_version() != before
    assert isinstance(other.conn, sqlite3.Connection)
