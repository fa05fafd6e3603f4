import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

from tests.conftest import SHARED_FIT, require
from tests.readings import monitoring_table, readings_table
from wearsync.store import DB_NAME, Store
from wearsync.sync.fit_import import import_paths

FILES_DIR = SHARED_FIT / "python-fitparse" / "tests" / "files"


def state(db):
    conn = sqlite3.connect(db)
    rows = (
        monitoring_table(readings_table(conn))
        .execute(
            "SELECT r.sha256, r.status, "
            "(SELECT COUNT(*) FROM activities a WHERE a.recording_id = r.id), "
            "(SELECT COUNT(*) FROM readings h WHERE h.recording_id = r.id), "
            "(SELECT COUNT(*) FROM monitoring_values m WHERE m.recording_id = r.id) "
            "FROM recordings r ORDER BY r.sha256"
        )
        .fetchall()
    )
    wellness = conn.execute("SELECT * FROM wellness ORDER BY local_day, source").fetchall()
    conn.close()
    return rows, wellness


def test_an_import_killed_part_way_resumes_to_the_same_result(tmp_path):
    require(FILES_DIR)
    files = sorted(p for p in FILES_DIR.glob("*.fit") if p.stat().st_size < 400_000)
    killed_home = tmp_path / "killed"
    env = {**os.environ, "WEARSYNC_HOME": str(killed_home)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "wearsync", "import", *map(str, files)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    db = killed_home / DB_NAME
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=5) as conn:
                    if conn.execute("SELECT COUNT(*) FROM import_events").fetchone()[0] >= 6:
                        break
            except sqlite3.OperationalError:
                pass
        time.sleep(0.05)
    assert proc.poll() is None, "the import finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    partial, _ = state(db)
    assert 0 < len(partial) < len(files)

    clean_home = tmp_path / "clean"
    import_paths(Store.open(clean_home), files)
    clean, clean_wellness = state(clean_home / DB_NAME)
    # no recording is half-stored: each one stored before the kill is exactly as a clean import stores it
    assert set(partial) <= set(clean)

    resumed = import_paths(Store.open(killed_home), files)
    assert resumed.failed == 0
    assert state(db) == (clean, clean_wellness)


def test_kills_at_random_points_leave_no_temporary_file_and_no_unreferenced_original(tmp_path):
    require(FILES_DIR)
    files = sorted(p for p in FILES_DIR.glob("*.fit") if p.stat().st_size < 400_000)
    rng = random.Random(10)
    home = tmp_path / "home"
    env = {**os.environ, "WEARSYNC_HOME": str(home)}
    for _run in range(10):
        proc = subprocess.Popen(
            [sys.executable, "-m", "wearsync", "import", *map(str, files)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # a random point: after a random number of files stored, then a random fraction of the next one
        events = rng.randint(0, len(files) // 2)
        while proc.poll() is None and stored_events(home) < events:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        store = Store.open(home)
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        import_paths(store, files[:1])  # the next writer of originals tidies what the kill left
        known = {sha for (sha,) in store.conn.execute("SELECT sha256 FROM recordings")}
        left = [p for p in (home / "originals").rglob("*") if p.is_file()] if (home / "originals").exists() else []
        assert [p for p in left if p.name.startswith(".") or ".pending" in p.parts] == []
        assert {p.name.split(".")[0] for p in left} <= known
        assert len(left) == len(known)
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        store.close()


def stored_events(home) -> int:
    try:
        with sqlite3.connect(home / DB_NAME, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM import_events").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0
