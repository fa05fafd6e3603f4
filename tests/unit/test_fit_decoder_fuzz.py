import random
import time
from pathlib import Path

import pytest

from tests.fit_mutations import mutate
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
