"""Two imports side by side on one store end exactly as one import alone: the duplicate checks and
the writes of a file share one write transaction, so neither process stores a recording twice."""

import os
import struct
import subprocess
import sys

from tests.conftest import DAY_PIECES, MONITOR, SHARED_FIT, require
from tests.fit_raw import crc16
from tests.functional.test_import_killed import state
from wearsync.store import DB_NAME, Store

ACTIVITY = SHARED_FIT / "python-fitparse" / "tests" / "files" / "garmin-fenix-5-run.fit"
RUNS = 20


def header_variant(data: bytes) -> bytes:
    """The same recording, other bytes: the header's CRC written out instead of left 0 (or the reverse)."""
    size = data[0]
    if size < 14:
        raise ValueError("needs a 14-byte header")
    current = struct.unpack_from("<H", data, 12)[0]
    other = 0 if current else crc16(data[:12])
    return data[:12] + struct.pack("<H", other) + data[14:]


def import_together(home, first: list, second: list) -> None:
    env = {**os.environ, "WEARSYNC_HOME": str(home)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "wearsync", "import", *map(str, paths)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for paths in (first, second)
        if paths
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "Traceback" not in err


def test_two_imports_at_once_store_each_recording_once(tmp_path):
    require(MONITOR)
    require(ACTIVITY)
    files = [MONITOR / name for name in DAY_PIECES] + [ACTIVITY]
    copy = tmp_path / "copy.fit"
    copy.write_bytes(header_variant(ACTIVITY.read_bytes()))
    assert copy.read_bytes() != ACTIVITY.read_bytes()
    alone = tmp_path / "alone"
    Store.open(alone).close()
    import_together(alone, files, [])
    expected = state(alone / DB_NAME)
    assert len(expected[0]) == 4
    for run in range(RUNS):
        home = tmp_path / f"run{run}"
        Store.open(home).close()
        # the same files in opposite orders, and the byte-different copy of the activity beside them
        import_together(home, files + [copy], [copy, *reversed(files)])
        rows, wellness = state(home / DB_NAME)
        assert len(rows) == 4, f"run {run}: {len(rows)} recordings stored"
        # the activity is stored once, as whichever copy came first: the same rows either way (a
        # monitoring value two pieces of a day share belongs to the piece stored first: only its
        # total is the same whatever the order)
        assert sorted(r[1:4] for r in rows) == sorted(r[1:4] for r in expected[0])
        assert sum(r[4] for r in rows) == sum(r[4] for r in expected[0])
        assert wellness == expected[1]
