"""The store as it is lived with: several processes at once, opening that costs nothing, originals
tidied by the writer that kept or forgot them, no store on a network file system (issue 23)."""

import errno
import hashlib
import os
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import SHARED_FIT, require, store_file_opens
from wearsync.errors import StoreError
from wearsync.store import DB_NAME, MIGRATIONS, ORIGINALS, Store, file_system
from wearsync.store import connection as store_module
from wearsync.sync.fit_import import import_paths
from wearsync.undo import forget, stored_items

FILES = SHARED_FIT / "python-fitparse" / "tests" / "files"
RUN = FILES / "activity-small-fenix2-run.fit"  # 2015-08-15
WALK = FILES / "2013-02-06-12-11-14.fit"  # 2013-02-06
PROJECT = Path(__file__).resolve().parents[2]


def pending(home: Path) -> list[str]:
    folder = home / ORIGINALS / ".pending"
    return sorted(os.listdir(folder)) if folder.is_dir() else []


def kept_originals(home: Path) -> list[Path]:
    return sorted(p for p in (home / ORIGINALS).glob("[0-9a-f][0-9a-f]/*"))


def report_in_another_process(home: Path) -> subprocess.CompletedProcess:
    """`wearsync report --day` of RUN's day, run as a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "wearsync", "--home", str(home), "report", "--day", "2015-08-15"],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=120,
    )


def a_dead_pid() -> int:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    return gone.pid


def test_a_process_holding_two_stores_keeps_its_wal_when_another_process_reads(wearsync_home):
    """The dashboard holds a store per worker; a `wearsync report` in another terminal then exits. Its
    last connection must not believe it is the last one: the WAL and the dashboard's reads stay."""
    require(RUN)
    with Store.open(wearsync_home) as store:
        import_paths(store, [RUN])
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys
                from wearsync.store import Store
                first = Store.open({str(wearsync_home)!r})
                first.conn.execute("SELECT count(*) FROM recordings").fetchone()
                second = Store.open({str(wearsync_home)!r})  # a worker's own store, the first still open
                print("ready", flush=True)
                sys.stdin.readline()  # the other process runs and exits meanwhile
                with first.transaction() as conn:
                    conn.execute("INSERT INTO state (key, value) VALUES ('held', 'yes')")
                print(second.conn.execute("SELECT count(*) FROM recordings").fetchone()[0], flush=True)
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=PROJECT,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        report = report_in_another_process(wearsync_home)
        assert report.returncode == 0, report.stderr
        assert (wearsync_home / (DB_NAME + "-wal")).exists(), "the other process removed the WAL under the holder"
        out, err = holder.communicate("go\n", timeout=60)
    finally:
        holder.kill()
    assert holder.returncode == 0, err
    assert out.split() == ["1"]
    check = sqlite3.connect(wearsync_home / DB_NAME)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert check.execute("SELECT value FROM state WHERE key = 'held'").fetchone() == ("yes",)


def test_opening_a_store_takes_no_lock_and_reads_no_originals(wearsync_home, monkeypatch):
    require(RUN)
    with Store.open(wearsync_home) as store:
        import_paths(store, [RUN])
    listed: list[str] = []

    def watch(event, args):
        if event in ("os.listdir", "os.scandir") and ORIGINALS in str(args[0] if args else ""):
            listed.append(str(args[0]))

    sys.addaudithook(watch)
    writer = sqlite3.connect(wearsync_home / DB_NAME, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process is writing, for as long as it likes
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(store_module, "BUSY_RETRIES", 0)
    try:
        with Store.open(wearsync_home) as reader:
            assert reader.conn.execute("SELECT count(*) FROM recordings").fetchone()[0] == 1
            assert reader.conn.total_changes == 0
    finally:
        writer.execute("ROLLBACK")
        listed_then = list(listed)
        del listed[:]
    assert listed_then == []


def test_no_marker_outlives_an_import_and_an_original_without_its_recording_goes(store, wearsync_home):
    require(WALK)
    import_paths(store, [RUN, WALK])
    assert pending(wearsync_home) == []
    assert len(kept_originals(wearsync_home)) == 2
    # a transaction that kept an original and then failed: the original goes with it
    with pytest.raises(RuntimeError):
        with store.transaction():
            kept = store.original_path(store.keep_original(b"never committed"))
            assert kept.exists() and len(pending(wearsync_home)) == 1
            raise RuntimeError("the import failed after keeping the original")
    assert not kept.exists() and pending(wearsync_home) == []
    assert len(kept_originals(wearsync_home)) == 2


def test_a_killed_import_is_tidied_by_the_next_writer_not_by_opening(store, wearsync_home):
    require(WALK)
    import_paths(store, [RUN])
    (kept,) = kept_originals(wearsync_home)
    dead = a_dead_pid()
    # what an import killed mid-way leaves: its marker, its temporary file, an original never committed
    orphan = store.original_path(hashlib.sha256(b"never committed").hexdigest())
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(b"never committed")
    stale = orphan.with_name(f".{orphan.stem}.{dead}.tmp")
    stale.write_bytes(b"half")
    marker = wearsync_home / ORIGINALS / ".pending" / f"{dead}.{orphan.name}.marker"
    marker.parent.mkdir(exist_ok=True)
    marker.write_bytes(b"")
    with Store.open(wearsync_home) as reader:  # a reader leaves it alone
        assert reader.notices == []
    assert orphan.exists() and stale.exists() and marker.exists()
    with Store.open(wearsync_home) as writer:  # the next writer of originals tidies
        import_paths(writer, [WALK])
    assert not orphan.exists() and not stale.exists() and pending(wearsync_home) == []
    assert kept.exists() and len(kept_originals(wearsync_home)) == 2


def test_a_live_writers_original_survives_another_writer(store, wearsync_home):
    require(RUN)
    # this process keeps an original and has not committed its recording yet
    kept = store.original_path(store.keep_original(b"importing right now"))
    with Store.open(wearsync_home) as other:
        import_paths(other, [RUN])
        assert other.notices == []
    assert kept.exists()


def test_forgetting_removes_the_original_once_committed_and_a_kill_before_that_is_finished_later(
    store, wearsync_home, monkeypatch
):
    require(WALK)
    import_paths(store, [RUN, WALK])
    (run,), (walk,) = (stored_items(store, path=path.name) for path in (RUN, WALK))
    forget(store, [run])
    assert len(kept_originals(wearsync_home)) == 1
    # killed between the commit and removing the original: the loose original waits in the store
    monkeypatch.setattr(store_module.originals, "settle", lambda store: None)
    forget(store, [walk])
    monkeypatch.undo()
    assert len(kept_originals(wearsync_home)) == 1
    assert store.conn.execute("SELECT count(*) FROM loose_originals").fetchone()[0] == 1
    with store.transaction() as conn:  # any later change
        conn.execute("INSERT INTO state (key, value) VALUES ('later', 'change')")
    assert kept_originals(wearsync_home) == []
    assert store.conn.execute("SELECT count(*) FROM loose_originals").fetchone()[0] == 0


def test_the_upgrade_removes_what_the_older_layouts_killed_writers_left(wearsync_home):
    require(RUN)
    with Store.open(wearsync_home) as store:
        import_paths(store, [RUN])
        store.conn.execute("DROP TRIGGER recording_forgotten")
        store.conn.execute("DROP TABLE loose_originals")
        store.conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) - 1}")
    (kept,) = kept_originals(wearsync_home)
    dead = a_dead_pid()
    # the older layout: markers and temporary files beside the originals
    orphan = kept.with_name(hashlib.sha256(b"never committed").hexdigest() + ".fit")
    orphan.write_bytes(b"never committed")
    leftovers = [orphan.with_name(f".{orphan.stem}.{dead}.pending"), kept.with_name(f".{kept.stem}.{dead}.tmp")]
    for path in leftovers:
        path.write_bytes(b"")
    live = kept.with_name(hashlib.sha256(b"a live writer's").hexdigest() + ".fit")
    live.write_bytes(b"a live writer's")
    live.with_name(f".{live.stem}.{os.getpid()}.pending").write_bytes(b"")
    Store.open(wearsync_home).close()
    assert kept.exists() and live.exists()
    assert not orphan.exists() and not any(p.exists() for p in leftovers)


def test_a_store_on_a_network_file_system_is_refused_in_one_line(tmp_path, monkeypatch):
    home = tmp_path / "on-nfs"
    home.mkdir()
    mounts = tmp_path / "mountinfo"
    mounts.write_text(
        "22 1 0:21 / / rw,relatime - ext4 /dev/vda rw\n"
        f"90 22 0:55 / {home} rw,relatime - nfs4 server:/export rw,vers=4.2\n"
    )
    monkeypatch.setattr(file_system, "MOUNTS", mounts)
    assert file_system.file_system_type(tmp_path) == "ext4"
    with pytest.raises(StoreError, match=r"on a network file system \(nfs4\).*local disk") as refused:
        Store.open(home)
    assert "\n" not in str(refused.value)
    assert not (home / DB_NAME).exists()


def test_the_descriptor_guard_sees_wearsync_open_a_store_file(tmp_path):
    """The autouse guard of tests/conftest.py fails any test in which wearsync's own code opens a
    file named as a store's database: here wearsync's private-file writer is handed such a name."""
    from wearsync.private_files import write_private

    write_private(tmp_path / "elsewhere", b"", tmp_path / DB_NAME)
    assert store_file_opens and {path for path, _ in store_file_opens} == {str(tmp_path / DB_NAME)}
    assert all("private_files.py" in where for _, where in store_file_opens)
    del store_file_opens[:]


def test_the_demo_is_not_rebuilt_under_a_process_that_has_its_store_open(tmp_path):
    from wearsync.demo.build import MARKER, build_demo
    from wearsync.errors import WearsyncError

    folder = tmp_path / "demo"
    Store.open(folder).close()
    (folder / MARKER).write_text("{}")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from wearsync.store import Store; s = Store.open({str(folder)!r}); print('open'); input()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=PROJECT,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        assert Store.in_use(folder)
        with pytest.raises(WearsyncError, match="the demo store is open in another wearsync"):
            build_demo(folder, date(2026, 12, 1))
        assert (folder / DB_NAME).exists()
    finally:
        holder.communicate("\n", timeout=60)
    assert not Store.in_use(folder)


def test_a_batch_whose_original_does_not_fit_fails_that_file_only_and_leaves_nothing(
    store, wearsync_home, tmp_path, monkeypatch
):
    require(WALK)
    copy = tmp_path / "renamed-copy.fit"
    copy.write_bytes(RUN.read_bytes())
    too_big = WALK.read_bytes()
    real_write = store_module.originals.write_private_files

    def full_disk_for_the_walk(files):
        real_write([f for f in files if f[1] != too_big])  # the others are written, then the disk is full
        if any(f[1] == too_big for f in files):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_module.originals, "write_private_files", full_disk_for_the_walk)
    summary = import_paths(store, [RUN, WALK, copy])
    outcomes = {Path(o.path).name: (o.outcome, o.message) for o in summary.outcomes}
    assert outcomes[RUN.name][0] == "imported" and outcomes[copy.name][0] == "duplicate"
    assert (
        outcomes[WALK.name][0] == "failed" and "cannot keep the original (the disk is full)" in outcomes[WALK.name][1]
    )
    assert pending(wearsync_home) == []
    assert [p.name for p in kept_originals(wearsync_home)] == [hashlib.sha256(RUN.read_bytes()).hexdigest() + ".fit"]


def test_a_store_damaged_under_wearsync_is_one_line_and_exit_2(wearsync_home):
    require(RUN)
    with Store.open(wearsync_home) as store:
        import_paths(store, [RUN])
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    with open(wearsync_home / DB_NAME, "r+b") as damaged:  # a disk (or another program) overwrites pages
        damaged.seek(4096 * (pages - 3))
        damaged.write(b"\xa5" * 4096 * 3)
    run = report_in_another_process(wearsync_home)
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith("wearsync: error: the store cannot be read (") and run.stderr.count("\n") == 1
