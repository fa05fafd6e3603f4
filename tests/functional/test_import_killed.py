import os
import signal
import sqlite3
import subprocess
import sys
import time

from tests.conftest import SHARED_FIT, require
from wearsync.store import DB_NAME, Store
from wearsync.sync.fit_import import import_paths

FILES_DIR = SHARED_FIT / "python-fitparse" / "tests" / "files"


def state(db):
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT r.sha256, r.status, "
        "(SELECT COUNT(*) FROM activities a WHERE a.recording_id = r.id), "
        "(SELECT COUNT(*) FROM hr_readings h WHERE h.recording_id = r.id), "
        "(SELECT COUNT(*) FROM monitoring_values m WHERE m.recording_id = r.id) "
        "FROM recordings r ORDER BY r.sha256").fetchall()
    wellness = conn.execute("SELECT * FROM wellness ORDER BY local_day, source").fetchall()
    conn.close()
    return rows, wellness


def test_an_import_killed_part_way_resumes_to_the_same_result(tmp_path):
    require(FILES_DIR)
    files = sorted(p for p in FILES_DIR.glob("*.fit") if p.stat().st_size < 400_000)
    killed_home = tmp_path / "killed"
    env = {**os.environ, "WEARSYNC_HOME": str(killed_home)}
    proc = subprocess.Popen([sys.executable, "-m", "wearsync", "import", *map(str, files)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
