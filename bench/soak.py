"""The soak of issue 23 for minutes: two real dashboards in tmux open on one store while `pull`
(from the fake Garmin Connect on 127.0.0.1), `import`/`forget`, `log intake`, `log weight` and
`report`/`recordings` loop, each command a real process of its own (tests/soak.py is the harness;
tests/functional/test_soak.py runs 25 s of it in the suite). Prints per kind of process its runs,
exit codes and errors, the screens that showed an error, then the end checks: both dashboards show
`report --json`'s week and quit with 0, the last intake and weight logged are reported, the files
last imported are listed and those forgotten are not, the days the fake served are stored, and
`PRAGMA integrity_check` is "ok". Exits 1 if any process erred, a screen showed an error or a check
failed (the first errors and screens follow the summary).

    .venv/bin/python bench/soak.py [--minutes 10] [--keep DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.soak import missing_requirements, soak  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long the loops run (default 10)")
    parser.add_argument(
        "--keep",
        type=Path,
        help="a new folder to run in and keep: the store, and soak.json (every run with its exit code and output)",
    )
    args = parser.parse_args()
    why = missing_requirements()
    if why:
        print(f"soak: cannot run: {why}", file=sys.stderr)
        return 2
    if args.keep:
        args.keep.mkdir(parents=True)
        result = soak(args.keep, args.minutes * 60)
        result.write_log(args.keep / "soak.json")
    else:
        with tempfile.TemporaryDirectory(prefix="wearsync-soak-") as folder:
            result = soak(Path(folder), args.minutes * 60)
    print(result.summary() if result.ok else result.details())
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
