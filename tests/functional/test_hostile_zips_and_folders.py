"""Hostile paths: FIFOs, devices and folders that cannot be listed, and zips (bombs, nesting,
encryption, odd member names). Each is imported in a batch with a good file; the good file is
stored and the bad input gets one outcome line naming it.
"""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile
from pathlib import Path

import pytest

from tests.fit_raw import activity_file
from tests.hostile_imports import (
    GOOD_START,
    assert_good_file_stored,
    assert_reports_work,
    good_file,
    import_batch,
    outcome_of,
)


def test_fifos_devices_and_sockets_are_not_read(capsys, tmp_path, wearsync_home):
    fifo = tmp_path / "pipe.fit"
    os.mkfifo(fifo)
    folder = tmp_path / "watch"
    folder.mkdir()
    os.mkfifo(folder / "inside.fit")
    code, summary, err = import_batch(capsys, tmp_path, fifo, Path("/dev/zero"), folder)
    assert code == 0
    assert outcome_of(summary, "pipe.fit")["outcome"] == "skipped"
    assert "FIFO" in outcome_of(summary, "inside.fit")["message"]
    assert "character device" in outcome_of(summary, "zero")["message"]
    assert_good_file_stored(summary)


def test_a_folder_that_cannot_be_listed_is_a_failure_line(capsys, tmp_path, wearsync_home):
    import shutil
    import subprocess
    import sys

    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv: the import runs without the capability to read any folder")
    (tmp_path / "watch" / "locked").mkdir(parents=True)
    (tmp_path / "watch" / "locked" / "a.fit").write_bytes(b"x")
    good_file(tmp_path / "watch")
    os.chmod(tmp_path / "watch" / "locked", 0o000)
    no_override = "-dac_override,-dac_read_search"
    try:
        result = subprocess.run(
            [
                "setpriv",
                f"--inh-caps={no_override}",
                f"--bounding-set={no_override}",
                sys.executable,
                "-m",
                "wearsync",
                "import",
                "--json",
                str(tmp_path / "watch"),
            ],
            env={**os.environ, "WEARSYNC_HOME": str(wearsync_home)},
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        os.chmod(tmp_path / "watch" / "locked", 0o700)
    summary = json.loads(result.stdout)
    assert result.returncode == 1, result.stderr
    locked = outcome_of(summary, "locked")
    assert locked["outcome"] == "failed" and "cannot list this folder" in locked["message"]
    assert_good_file_stored(summary)
    assert "locked" in result.stderr


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def overlapping_zip(inner: bytes, copies: int) -> bytes:
    """One member whose local entry every central directory record points at (a bomb's shape)."""
    one = zip_bytes({"a.fit": inner})
    end = one.rindex(b"PK\x05\x06")
    central_start = struct.unpack_from("<I", one, end + 16)[0]
    central = one[central_start:end]
    records = b"".join(central.replace(b"a.fit", f"{i:>5}".replace(" ", "b").encode()[:5]) for i in range(copies))
    eocd = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, copies, copies, len(records), central_start, 0)
    return one[:central_start] + records + eocd


def encrypted_zip(data: bytes) -> bytes:
    raw = bytearray(zip_bytes({"secret.fit": data}))
    raw[6] |= 0x1  # the local header's flag bits
    central = raw.rindex(b"PK\x01\x02")
    raw[central + 8] |= 0x1  # and the central directory's
    return bytes(raw)


def nested_zip(depth: int, inner: bytes) -> bytes:
    data = inner
    for level in range(depth):
        data = zip_bytes({f"level{level}.zip" if level else "deep.fit": data})
    return data


def test_zips_with_bombs_nesting_encryption_and_odd_names(capsys, tmp_path, wearsync_home):
    fit = activity_file(GOOD_START + 2 * 86_400, [121] * 60, offset_s=0, serial=6)
    cases = {
        "overlap.zip": overlapping_zip(fit, 20),
        "deep.zip": nested_zip(1100, fit),
        "locked.zip": encrypted_zip(fit),
        # 300 MB of zeros deflate to ~300 KB: far beyond 40x the archive's size
        "bomb.zip": zip_bytes({"zeros.fit": bytes(300 * 2**20)}),
        "names.zip": zip_bytes({"evil\x1b[31m\n.fit": fit}),
    }
    paths = []
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    code, summary, err = import_batch(capsys, tmp_path, *paths)
    assert code == 1
    assert "overlapping zip entries" in outcome_of(summary, "overlap.zip")["message"]
    assert "nested more than" in outcome_of(summary, "deep.zip")["message"]
    assert "encrypted" in outcome_of(summary, "locked.zip")["message"]
    assert "inflate" in outcome_of(summary, "bomb.zip")["message"]
    odd = outcome_of(summary, "names.zip")
    assert odd["outcome"] == "imported" and "\x1b" not in odd["path"] and "\\x1b" in odd["path"]
    assert "\x1b" not in err and all(line.count("\n") == 0 for line in err.splitlines())
    assert_good_file_stored(summary)
    assert_reports_work(capsys, wearsync_home)
