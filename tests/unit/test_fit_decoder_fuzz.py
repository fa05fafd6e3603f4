import random
import struct
import time
from pathlib import Path

import pytest

from wearsync.errors import FitError
from wearsync.sync.fit_decoder import read_fast

FIT_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "fit"
SEEDS = [
    "python-fitparse/tests/files/Activity.fit",
    "python-fitparse/tests/files/compressed-speed-distance.fit",
    "python-fitparse/tests/files/developer-types-sample.fit",
    "python-fitparse/tests/files/garmin-fenix-5-run.fit",
    "python-fitparse/tests/files/MonitoringFile.fit",
    "fit/testdata/misc/unterminated-strings.fit",
]
CASES = 480


# (start, end, is_definition) of the first segment's records, as far as they make sense
def records(data: bytes) -> list[tuple[int, int, bool]]:
    out = []
    sizes: dict[int, int] = {}
    pos, end = data[0], data[0] + struct.unpack_from("<I", data, 4)[0]
    while pos < min(end, len(data)):
        header = data[pos]
        if header & 0xC0 == 0x40:
            if pos + 6 > len(data):
                break
            stop = pos + 6 + 3 * data[pos + 5]
            if header & 0x20 and stop < len(data):
                stop += 1 + 3 * data[stop]
            fields = data[pos + 6 : stop]
            sizes[header & 0x0F] = sum(fields[i + 1] for i in range(0, len(fields) - 2, 3))
            out.append((pos, stop, True))
        else:
            local = (header >> 5) & 3 if header & 0x80 else header & 0x0F
            if local not in sizes:
                break
            stop = pos + 1 + sizes[local]
            out.append((pos, stop, False))
        if stop > len(data):
            out.pop()
            break
        pos = stop
    return out


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    buf = bytearray(data)
    recs = records(data)
    defs = [r for r in recs if r[2]]
    kinds = ["flip", "truncate", "header", "chain", "junk"] + (["splice_def", "dup_def", "def_length"] if defs else [])
    kind = rng.choice(kinds)
    if kind == "flip":
        for _ in range(rng.randint(1, 16)):
            buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
    elif kind == "truncate":
        del buf[rng.randrange(len(buf)) :]
    elif kind == "splice_def":
        start, stop, _ = rng.choice(defs)
        copy = bytearray(data[start:stop])
        copy[0] = (copy[0] & 0xF0) | rng.randrange(16)  # under another local number
        at = rng.choice(recs)[0]
        buf[at:at] = copy
    elif kind == "dup_def":
        start, stop, _ = rng.choice(defs)
        buf[stop:stop] = data[start:stop]
    elif kind == "def_length":
        start, stop, _ = rng.choice(defs)
        # a field size, the field count or the developer-field count set to anything
        buf[rng.choice([start + 5, *range(start + 7, stop, 3)])] = rng.randrange(256)
    elif kind == "header":
        buf[rng.choice([0, 4, 5, 6, 7])] = rng.randrange(256)
    elif kind == "chain":
        tail = bytearray(data)
        tail[rng.randrange(len(tail))] = rng.randrange(256)
        buf += tail[: rng.randrange(1, len(tail) + 1)]
    else:
        buf += rng.randbytes(rng.randrange(1, 64))
    return kind, bytes(buf)


@pytest.fixture(scope="module")
def seeds() -> list[tuple[str, bytes]]:
    paths = [FIT_DIR / name for name in SEEDS]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        pytest.skip(f"real FIT files needed as fuzz seeds are missing: {missing}")
    return [(p.name, p.read_bytes()) for p in paths]


def test_mutated_files_decode_or_raise_fit_error(seeds):
    rng = random.Random(20240611)
    outcomes = {"ok": 0, "warned": 0, "FitError": 0}
    slowest = (0.0, "")
    for case in range(CASES):
        name, data = seeds[case % len(seeds)]
        kind, mutated = mutate(data, rng)
        started = time.perf_counter()
        try:
            got = read_fast(mutated, name)
        except FitError as exc:
            message = str(exc)
            assert message.startswith(name + ":") and "\n" not in message, message
            outcomes["FitError"] += 1
        else:
            # every message takes at least its header byte: a loop that does not advance would break this
            assert len(got.messages) <= len(mutated)
            assert all(w.startswith(name + ":") for w in got.warnings)
            outcomes["warned" if got.warnings else "ok"] += 1
        slowest = max(slowest, (time.perf_counter() - started, f"case {case} {kind} on {name}"))
    print(f"fuzz outcomes {outcomes}; slowest case {slowest[0] * 1000:.1f} ms ({slowest[1]})")
    assert outcomes["FitError"] + outcomes["warned"] > 0 and outcomes["ok"] + outcomes["warned"] > 0
