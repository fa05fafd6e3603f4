"""Fast FIT reader vs fitparse: throughput, peak memory and agreement on every real file.

Run: .venv/bin/python bench/fit_decode.py [--fuzz N] [--fit-dir DIR] [--baseline-rev REV]

Each reader runs in its own subprocess, which decodes the largest activity file first and then
every other file, and reports its own CPU time per file (a reader that yields blocks of columns,
fit_columns, up to its blocks: every value decoded, the messages made from them after the clock
stops, for the comparison) and its peak RSS after the first file and
after all of them (ru_maxrss; each file's messages are dropped before the next, so the peak is
that of the worst single file). CPU time, not wall time, because the machine may be shared. The
fast reader's times are the best of three passes, reading everything and, in a last row, only
WEARSYNC_MESSAGES (what the importer asks for); fitparse runs once (80 s or more for all files).
With --baseline-rev, the fast reader as of that commit runs too (a third worker, right after
this tree's) and the ratio of the two is printed. Every file's messages are hashed in both
processes and compared: fitparse is the oracle, with the compressed-timestamp field its
wrapper drops put back (see tests/unit/test_fit_decoder.py).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIT_DIR = ROOT / ".." / "shared" / "fit"
FAST_PASSES = 3


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _digest(messages) -> str:
    h = hashlib.sha256()
    for m in messages:
        h.update(repr((m.num, sorted(m.fields.items()))).encode())
    return h.hexdigest()[:16]


def worker(reader: str, paths: list[str], decoder: str | None = None) -> dict:
    """Decode `paths` in order with one reader (the fast one from `decoder`'s file if given);
    the result is printed as JSON."""
    from wearsync.errors import FitError
    from wearsync.sync import fit_decoder
    from wearsync.sync.fit_crc import load_numpy
    from wearsync.sync.fit_decoder import WEARSYNC_MESSAGES

    module = fit_decoder if decoder is None else _load(Path(decoder))
    # A reader that decodes into blocks (columns and messages) is timed up to its blocks, every
    # value decoded; their messages are made after the clock stops, for the comparison only.
    iter_blocks = getattr(module, "iter_blocks", None)

    fitparse_read = _load(ROOT / "tests" / "unit" / "test_fit_decoder.py").fitparse_read
    if reader == "fast":
        load_numpy()  # its CRC imports numpy on first use: imports count in the baseline, as fitparse's do
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    files = {}
    first_rss = None

    def fast(data: bytes, path: str, nums):
        try:
            if iter_blocks is None:
                return module.read_fast(data, path, nums).messages, "ok"
            return list(iter_blocks(data, path, nums, [])), "ok"
        except FitError as exc:
            return [], f"FitError: {exc}"

    def materialised(decoded: list) -> list:
        return decoded if iter_blocks is None else [m for block in decoded for m in block.messages()]

    def best_time(decode) -> float:
        best = None
        for _ in range(FAST_PASSES if reader == "fast" else 1):
            started = time.process_time()
            decode()
            seconds = time.process_time() - started
            best = seconds if best is None else min(best, seconds)
        return best

    for path in paths:
        data = Path(path).read_bytes()
        if reader == "fast":
            seconds = best_time(lambda data=data, path=path: fast(data, path, None))
            used_seconds = best_time(lambda data=data, path=path: fast(data, path, WEARSYNC_MESSAGES))
            decoded, outcome = fast(data, path, None)
            messages = materialised(decoded)
        else:
            started = time.process_time()
            messages, failure = fitparse_read(data)
            seconds = used_seconds = time.process_time() - started
            outcome = "ok" if failure is None else failure
        files[path] = {
            "seconds": seconds,
            "used_seconds": used_seconds,
            "bytes": len(data),
            "digest": _digest(messages),
            "count": len(messages),
            "outcome": outcome,
        }
        del messages
        if first_rss is None:
            first_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"base_kb": base_rss, "first_kb": first_rss, "peak_kb": peak, "files": files}


def _run_worker(reader: str, paths: list[str], decoder: Path | None = None) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", reader] + (["--decoder", str(decoder)] if decoder else []),
        input=json.dumps(paths),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout)


def _baseline(rev: str, order: list[str]) -> dict:
    """The fast worker's figures with sync/fit_decoder.py as of git `rev` (the rest of this tree)."""
    with tempfile.TemporaryDirectory() as tmp:
        return _run_worker("fast", order, _baseline_file(rev, Path(tmp)))


def _baseline_file(rev: str, folder: Path) -> Path:
    """sync/fit_decoder.py as of git `rev`, written into `folder`."""
    source = subprocess.run(["git", "show", f"{rev}:sync/fit_decoder.py"], cwd=ROOT, capture_output=True, check=True)
    path = folder / "fit_decoder_baseline.py"
    path.write_bytes(source.stdout)
    return path


def _largest_activities(fit_dir: Path, paths: list[Path]) -> tuple[Path, Path | None]:
    """The largest activity file, and the largest one a real device recorded (MANIFEST notes)."""
    manifest = fit_dir / "MANIFEST.tsv"
    rows = {}
    if manifest.is_file():
        with manifest.open(newline="") as f:
            rows = {row["path"]: row for row in csv.DictReader(f, delimiter="\t") if row["file_type"] == "activity"}
    activities = [p for p in paths if p.relative_to(fit_dir).as_posix() in rows] or paths
    real = [
        p for p in activities if "synthetic" not in rows.get(p.relative_to(fit_dir).as_posix(), {}).get("notes", "")
    ]
    largest = max(activities, key=lambda p: p.stat().st_size)
    largest_real = max(real, key=lambda p: p.stat().st_size) if real else None
    return largest, (largest_real if largest_real != largest else None)


def fuzz(fit_dir: Path, paths: list[Path], cases: int, baseline_rev: str | None) -> None:
    """Mutate every real file in turn (the unit fuzz test's mutations) and time each decode; with
    `baseline_rev`, every mutant is also read by the reader as of that commit, which must give the
    same messages and warnings (or the same FitError), with every message number and with
    WEARSYNC_MESSAGES."""
    sys.path.insert(0, str(ROOT))  # the project root, for tests
    from tests.fit_mutations import mutate
    from wearsync.errors import FitError
    from wearsync.sync.fit_decoder import WEARSYNC_MESSAGES, read_fast

    def result(read, data: bytes, name: str, nums) -> tuple:
        try:
            got = read(data, name, nums)
        except FitError as exc:
            return "FitError", str(exc)
        return got.messages, got.warnings

    baseline = None
    if baseline_rev:
        with tempfile.TemporaryDirectory() as tmp:
            baseline = _load(_baseline_file(baseline_rev, Path(tmp))).read_fast
    differ = []
    seeds = [(p.relative_to(fit_dir).as_posix(), p.read_bytes()) for p in paths if p.stat().st_size < 500_000]
    rng = random.Random(7)
    outcomes: dict[str, int] = {}
    times = []
    per_byte = (0.0, "")
    crashes = []
    for case in range(cases):
        name, data = seeds[case % len(seeds)]
        kind, mutated = mutate(data, rng)
        started = time.process_time()
        try:
            read_fast(mutated, name)
            outcome = "decoded"
        except FitError:
            outcome = "FitError"
        except Exception as exc:  # anything else is a decoder bug: report it with the case
            outcome = "CRASH"
            crashes.append(f"case {case} ({kind} on {name}): {type(exc).__name__}: {exc}")
        elapsed = time.process_time() - started
        times.append(elapsed)
        per_byte = max(per_byte, (elapsed / max(len(mutated), 1) * 1e6, f"case {case}, {kind} on {name}"))
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if baseline is not None and outcome != "CRASH":
            unequal = [
                "all messages" if nums is None else "WEARSYNC_MESSAGES"
                for nums in (None, WEARSYNC_MESSAGES)
                if result(read_fast, mutated, name, nums) != result(baseline, mutated, name, nums)
            ]
            if unequal:
                differ.append(f"case {case} ({kind} on {name}): {', '.join(unequal)}")
    times.sort()
    print(f"\nfuzz: {cases} cases over {len(seeds)} seed files (< 500 KB): {outcomes}")
    print(
        f"  per case: median {times[len(times) // 2] * 1000:.1f} ms, slowest {times[-1] * 1000:.1f} ms;"
        f" most per byte {per_byte[0]:.2f} us/B ({per_byte[1]})"
    )
    for line in crashes:
        print("  " + line)
    if baseline is not None:
        print(f"  messages and warnings identical to {baseline_rev}'s reader on {cases - len(differ)} of {cases} cases")
        for line in differ[:20]:
            print("  differs: " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit-dir", type=Path, default=FIT_DIR)
    parser.add_argument("--fuzz", type=int, default=0, metavar="N", help="also run N fuzz cases")
    parser.add_argument(
        "--baseline-rev", metavar="REV", help="also time sync/fit_decoder.py as of git REV, in the same run"
    )
    parser.add_argument("--worker", choices=["fast", "fitparse"], help=argparse.SUPPRESS)
    parser.add_argument("--decoder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, json.load(sys.stdin), args.decoder)))
        return
    fit_dir = args.fit_dir.resolve()
    paths = sorted(p for p in fit_dir.rglob("*") if p.suffix.lower() == ".fit") if fit_dir.is_dir() else []
    if not paths:
        sys.exit(f"no FIT files in {fit_dir}")
    largest, largest_real = _largest_activities(fit_dir, paths)
    order = [str(largest)] + [str(p) for p in paths if p != largest]
    started = time.perf_counter()
    fast = _run_worker("fast", order)
    baseline = _baseline(args.baseline_rev, order) if args.baseline_rev else None
    slow = _run_worker("fitparse", order)

    def row(
        label: str, names: list[str], fast_kb: int | None = None, slow_kb: int | None = None, timing: str = "seconds"
    ) -> str:
        size = sum(fast["files"][n]["bytes"] for n in names)
        t_fast = sum(fast["files"][n][timing] for n in names)
        t_slow = sum(slow["files"][n]["seconds"] for n in names)
        line = (
            f"{label:<62}{size / 1e6:>7.2f}{size / 1e6 / t_fast:>10.1f}{size / 1e6 / t_slow:>10.2f}"
            f"{t_slow / t_fast:>8.0f}x"
        )
        if fast_kb is None:
            return line + f"{'-':>10}{'-':>10}{'-':>8}"
        return line + f"{fast_kb / 1024:>10.1f}{slow_kb / 1024:>10.1f}{slow_kb / max(fast_kb, 1):>7.0f}x"

    print(f"{'':<62}{'MB':>7}{'fast MB/s':>10}{'fitparse':>10}{'speed':>9}{'fast MB':>10}{'fitparse':>10}{'mem':>8}")
    print(row(f"all {len(paths)} files", order, fast["peak_kb"] - fast["base_kb"], slow["peak_kb"] - slow["base_kb"]))
    print(
        row(
            f"largest activity: {largest.name}",
            order[:1],
            fast["first_kb"] - fast["base_kb"],
            slow["first_kb"] - slow["base_kb"],
        )
    )
    if largest_real is not None:
        print(row(f"largest real activity: {largest_real.name}", [str(largest_real)]))
    print(row("all files, fast keeps WEARSYNC_MESSAGES only", order, timing="used_seconds"))
    print(
        "(MB/s from CPU time; memory = peak RSS above the interpreter's RSS after imports,"
        " measured for the first file each process decodes and for all of them)"
    )

    mismatched = []
    for name in order:
        f, s = fast["files"][name], slow["files"][name]
        rel = Path(name).relative_to(fit_dir).as_posix()
        if s["outcome"] == "ok" and (f["outcome"] != "ok" or f["digest"] != s["digest"]):
            mismatched.append(f"  {rel}: fitparse {s['count']} messages, fast {f['count']} ({f['outcome']})")
        elif s["outcome"] != "ok":
            print(
                f"  fitparse stops on {rel} after {s['count']} messages ({s['outcome'][:80]}); "
                f"fast: {f['count']} messages ({f['outcome'][:80]})"
            )
    if baseline is not None:
        for label, timing in (("all files", "seconds"), ("WEARSYNC_MESSAGES only", "used_seconds")):
            t_new = sum(fast["files"][n][timing] for n in order)
            t_old = sum(baseline["files"][n][timing] for n in order)
            t_slow = sum(slow["files"][n]["seconds"] for n in order)
            print(
                f"{label}, same run: fit_decoder at {args.baseline_rev} {t_old:.3f} s CPU"
                f" ({t_slow / t_old:.0f}x fitparse), this tree {t_new:.3f} s ({t_slow / t_new:.0f}x):"
                f" {t_old / t_new:.2f}x faster"
            )
        differ = [n for n in order if baseline["files"][n]["digest"] != fast["files"][n]["digest"]]
        print(f"messages identical to {args.baseline_rev}'s on {len(order) - len(differ)} of {len(order)} files")
    agreed = sum(1 for n in order if slow["files"][n]["outcome"] == "ok") - len(mismatched)
    print(f"identical messages on {agreed} of the files fitparse reads completely; {len(mismatched)} differ")
    print("\n".join(mismatched))
    if args.fuzz:
        fuzz(fit_dir, paths, args.fuzz, args.baseline_rev)
    print(f"\nbench took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
