"""The soak of issue 23: two real dashboards open on one store while other processes write to it
and read it, then the store and what every process said are checked.

Every process is the real command line in its own OS process (`python -m wearsync --home HOME
--config CONFIG ...`) on one real SQLite file in WAL mode:

- two dashboards in tmux at 120x40 (tests/functional/test_tmux_dashboard.py's `Tmux`), each
  refreshing by itself as the others write; the first stays on the week, the second goes round the
  week, day and history views;
- loops, each in a thread of this process running one command after another until the time is up:
  `pull` against the fake Garmin Connect of tests/fake_garmin.py (served here, on 127.0.0.1),
  `import` and `forget --yes` of real files from ../shared/fit taking turns, `log intake` and
  `log weight` for the days of this week, `report --json` (the week, a day, the last weeks) and
  `recordings --json`.

Every run's exit code and stderr are kept. 0 is fine, and 6 from a pull (another pull is running);
any other code, or a stderr with a traceback, "malformed" or a disk that "failed to read or write",
is an error. The dashboards' screens are captured all along: "failed", "error" or "Traceback" on
one is an error too. At the end (`Soak.finish`): both dashboards show the numbers `report --json`
prints for their week (once they have refreshed), quit with 0, and then, with every process
stopped: the last intake and weight logged for each day are what `report --day --json` says, the
files last imported are listed by `recordings --json` and the ones last forgotten are not, every
day the fake served is stored, and `PRAGMA integrity_check` on the file (plain sqlite3, read-only)
is "ok".

Used by tests/functional/test_soak.py (a short run in the suite) and bench/soak.py (minutes).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

from tests.conftest import DAY_PIECES, MONITOR
from tests.fake_garmin import FIT_FILES, FakeGarmin, write_config, write_tokens
from tests.functional.test_tmux_dashboard import Tmux
from tests.week_numbers import cardio_line, numbers, totals_line
from wearsync.dashboard import format as fmt
from wearsync.store import DB_NAME

# Good real recordings the import loop takes turns with: three activities and two pieces of a day
# of all-day monitoring (2020-09-25).
SOAK_FILES = (
    FIT_FILES / "activity-small-fenix2-run.fit",
    FIT_FILES / "garmin-fenix-5-walk.fit",
    FIT_FILES / "2013-02-06-12-11-14.fit",
    MONITOR / DAY_PIECES[0],
    MONITOR / DAY_PIECES[1],
)
# Exit codes that are not errors, by kind of process (README "Exit codes").
ALLOWED_CODES = {"pull": {0, 6}}
STDERR_ERRORS = re.compile(r"Traceback|malformed|failed to read or write|disk I/O error|not a database", re.I)
SCREEN_ERRORS = re.compile(r"failed|error|Traceback", re.I)
COMMAND_TIMEOUT_S = 180  # one command that never ends is an error, not a hung soak
PAUSE_S = 0.2  # between two commands of a loop: the machine is shared
SCREEN_EVERY_S = 0.5
KEYS_EVERY_S = 2.0
SIZE = (120, 40)


def missing_requirements() -> str | None:
    """Why the soak cannot run here (no tmux, no shared data), or None."""
    if shutil.which("tmux") is None:
        return "tmux is not installed: the soak drives the real dashboards in tmux"
    missing = [p for p in SOAK_FILES if not p.is_file()]
    if missing:
        return f"{missing[0]} is missing: the shared test data must sit beside the project as ../shared"
    return None


@dataclass
class Run:
    """One process of the soak: what ran, how it ended, what it said on stderr."""

    kind: str
    argv: list[str]
    code: int | None  # None: it did not end within COMMAND_TIMEOUT_S (then it was killed)
    stdout: str
    stderr: str
    problem: str = ""  # why this run is an error ("" if it is not)

    def describe(self) -> str:
        tail = self.stderr.strip()[-1500:]
        return f"[{self.kind}] wearsync {' '.join(self.argv)} -> exit {self.code}: {self.problem}\n{tail}"


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass
class SoakResult:
    seconds: float
    runs: list[Run]
    screen_alerts: list[str]  # the first screens that showed an error, with the dashboard's name
    screen_captures: int
    screens_with_errors: int
    checks: list[Check]

    @property
    def errors(self) -> list[Run]:
        return [r for r in self.runs if r.problem]

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.screens_with_errors and not self.failed

    def summary(self) -> str:
        """Per kind of process its runs, exit codes and errors, then the screens and the end checks."""
        lines = [f"soak of {self.seconds:.0f} s: {len(self.runs)} processes, {len(self.errors)} errors"]
        for kind in sorted({r.kind for r in self.runs}):
            runs = [r for r in self.runs if r.kind == kind]
            codes = Counter("timeout" if r.code is None else r.code for r in runs)
            shown = ", ".join(f"{code}: {n}" for code, n in sorted(codes.items(), key=str))
            errors = sum(1 for r in runs if r.problem)
            lines.append(f"  {kind:<10} {len(runs):>5} runs   exit codes {{{shown}}}   errors {errors}")
        lines.append(f"  screens    {self.screen_captures:>5} captures, {self.screens_with_errors} showing an error")
        for check in self.checks:
            lines.append(
                f"  {'ok  ' if check.ok else 'FAIL'} {check.name}" + (f": {check.detail}" if check.detail else "")
            )
        return "\n".join(lines)

    def write_log(self, path: Path) -> None:
        """Every run (kind, arguments, exit code, stdout, stderr, why it is an error), the screens that
        showed an error and the checks, as JSON."""
        log = {
            "seconds": self.seconds,
            "runs": [asdict(r) for r in self.runs],
            "screen_captures": self.screen_captures,
            "screens_with_errors": self.screens_with_errors,
            "screen_alerts": self.screen_alerts,
            "checks": [asdict(c) for c in self.checks],
        }
        path.write_text(json.dumps(log, indent=1))

    def details(self, limit: int = 5) -> str:
        """The summary, then the first errors and screens in full (for an assertion's message)."""
        parts = [self.summary()]
        parts += [f"--- error {i + 1} of {len(self.errors)}\n{r.describe()}" for i, r in enumerate(self.errors[:limit])]
        parts += [
            f"--- screen {i + 1} of {self.screens_with_errors}\n{s}" for i, s in enumerate(self.screen_alerts[:2])
        ]
        return "\n".join(parts)


@dataclass
class Dashboard:
    name: str
    session: Tmux
    status: Path  # where the shell writes its exit code


@dataclass
class _Expected:
    """What the loops' successful runs left, to be found in the store at the end."""

    intake: dict[str, int] = field(default_factory=dict)  # day -> last kcal logged
    weight: dict[str, float] = field(default_factory=dict)  # day -> last kg logged
    present: set[Path] = field(default_factory=set)  # files last imported
    absent: set[Path] = field(default_factory=set)  # files last forgotten
    unsure: set[Path] = field(default_factory=set)  # a run on it failed: left out of the checks


class Soak:
    """The soak on a new store in `root`: `start()`, `run_loops(seconds)`, `finish()`; a `with`
    block stops every process and tmux session however it ends."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.home = self.root / "home"
        self.fake = FakeGarmin()
        self.config = write_config(self.root / "config.toml", garmin=True)
        self.runs: list[Run] = []
        self.screen_alerts: list[str] = []
        self.screen_captures = 0
        self.screens_with_errors = 0
        self.dashboards: list[Dashboard] = []
        self.expected = _Expected()
        self.week_days: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watching = threading.Event()
        self._threads: list[threading.Thread] = []
        self._running: set[subprocess.Popen] = set()
        self._started = time.monotonic()
        self._seconds = 0.0

    # --- processes ---------------------------------------------------------------------
    def _env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("WEARSYNC_") and k.upper() not in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
        }
        env.pop("GARMINTOKENS", None)
        env.update(self._own_env())
        return env

    def _own_env(self) -> dict[str, str]:
        return {
            "WEARSYNC_GARMIN_URL": self.fake.url,
            "NO_PROXY": "127.0.0.1,localhost",
            "XDG_CONFIG_HOME": str(self.root / "xdg-config"),
            "XDG_DATA_HOME": str(self.root / "xdg-data"),
            "XDG_CACHE_HOME": str(self.root / "xdg-cache"),
        }

    def cli(self, kind: str, *argv: str) -> Run:
        """`wearsync --home HOME --config CONFIG ARGV` in a process of its own, recorded as `kind`."""
        command = [sys.executable, "-m", "wearsync", "--home", str(self.home), "--config", str(self.config), *argv]
        proc = subprocess.Popen(
            command,
            env=self._env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        with self._lock:
            self._running.add(proc)
        try:
            out, err = proc.communicate(timeout=COMMAND_TIMEOUT_S)
            code: int | None = proc.returncode
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            code = None
        finally:
            with self._lock:
                self._running.discard(proc)
        run = Run(kind, list(argv), code, out, err)
        if code is None:
            run.problem = f"did not end within {COMMAND_TIMEOUT_S} s"
        elif code not in ALLOWED_CODES.get(kind, {0}):
            run.problem = f"exit code {code}"
        elif STDERR_ERRORS.search(err):
            run.problem = f"stderr says {STDERR_ERRORS.search(err).group(0)!r}"
        with self._lock:
            self.runs.append(run)
        return run

    def _json(self, run: Run) -> object | None:
        """The run's stdout as JSON; a run that printed none when it should have is an error."""
        if run.problem:
            return None
        try:
            return json.loads(run.stdout)
        except ValueError:
            run.problem = "stdout is not JSON"
            return None

    # --- start -------------------------------------------------------------------------
    def start(self) -> None:
        """The fake Garmin, a first pull, the week's days, the two dashboards on screen."""
        self.fake.start()
        write_tokens(self.home, self.fake.issue_tokens())
        self.cli("pull", "pull", "--json", "-q")
        week = self._json(self.cli("report", "report", "--json"))
        if not isinstance(week, dict):
            raise AssertionError("the first pull or report failed:\n" + "\n".join(r.describe() for r in self.runs))
        first, last = date.fromisoformat(week["week_start"]), date.fromisoformat(week["as_of"])
        self.week_days = [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]
        for name in ("dashboard 1", "dashboard 2"):
            status = self.root / f"{name.replace(' ', '-')}.status"
            env = {**self._own_env(), "PATH": os.environ["PATH"], "TERM": "xterm-256color"}
            env.update(COLUMNS=str(SIZE[0]), LINES=str(SIZE[1]))  # not the size the harness inherited
            after = f" --home {self.home} --config {self.config}; echo $? > {status}; sleep 3600"
            self.dashboards.append(Dashboard(name, Tmux(env, *SIZE, after=after), status))
        for dashboard in self.dashboards:
            dashboard.session.wait_for("Cardio score", timeout=120)
        self._watching.set()
        self._spawn(self._watch_screens)

    # --- the loops ---------------------------------------------------------------------
    def _spawn(self, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _loop(self, step: Callable[[int], None], deadline: float) -> Callable[[], None]:
        def loop() -> None:
            i = 0
            while not self._stop.is_set() and time.monotonic() < deadline:
                step(i)
                i += 1
                self._stop.wait(PAUSE_S)

        return loop

    def _pull(self, i: int) -> None:
        self.cli("pull", *(["pull", "--json", "-q"] if i % 2 else ["pull", "--days", "10", "--json", "-q"]))

    def _import_or_forget(self, i: int) -> None:
        path = SOAK_FILES[i % len(SOAK_FILES)].resolve()
        expected = self.expected
        if path in expected.present:
            run = self.cli("forget", "forget", str(path), "--yes")
            if run.problem:
                expected.unsure.add(path)
            expected.present.discard(path)
            expected.absent.add(path)
            return
        run = self.cli("import", "import", "--json", str(path))
        summary = self._json(run)
        if isinstance(summary, dict) and summary["imported"] != 1:
            run.problem = f"imported {summary['imported']} of 1 (a file forgotten before: {path in expected.absent})"
        if run.problem:
            expected.unsure.add(path)
        expected.absent.discard(path)
        expected.present.add(path)

    def _log_intake(self, i: int) -> None:
        day, kcal = self.week_days[i % len(self.week_days)], 1500 + (i * 37) % 900
        if not self.cli("intake", "log", "intake", str(kcal), "--date", day).problem:
            self.expected.intake[day] = kcal

    def _log_weight(self, i: int) -> None:
        day, kg = self.week_days[i % len(self.week_days)], 70 + (i * 3) % 40 / 10
        if not self.cli("weight", "log", "weight", f"{kg:.1f}", "--date", day, "--unit", "kg").problem:
            self.expected.weight[day] = round(kg, 1)

    def _report(self, i: int) -> None:
        argv = [
            ["report", "--json"],
            ["report", "--day", self.week_days[i % len(self.week_days)], "--json"],
            ["report", "--weeks", "3", "--json"],
            ["recordings", "--json"],
        ][i % 4]
        self._json(self.cli("report", *argv))

    def _press_keys(self) -> None:
        """The second dashboard goes round the views, each loading as the store changes."""
        session, keys, i = self.dashboards[1].session, ("d", "w", "h", "w"), 0
        while not self._stop.wait(KEYS_EVERY_S):
            try:
                session.keys(keys[i % len(keys)])
            except subprocess.CalledProcessError:
                return  # its session is gone: the end checks say so
            i += 1
        with contextlib.suppress(subprocess.CalledProcessError):
            session.keys("w")

    def _watch_screens(self) -> None:
        while self._watching.is_set():
            for dashboard in self.dashboards:
                self._look_at(dashboard)
            time.sleep(SCREEN_EVERY_S)

    def _look_at(self, dashboard: Dashboard) -> str:
        try:
            screen = dashboard.session.screen()
        except subprocess.CalledProcessError as exc:
            screen = f"(tmux capture-pane failed: {exc.stderr})"
        with self._lock:
            self.screen_captures += 1
            if SCREEN_ERRORS.search(screen):
                self.screens_with_errors += 1
                if len(self.screen_alerts) < 20:  # the first ones, in full
                    self.screen_alerts.append(f"{dashboard.name}:\n{screen}")
        return screen

    def run_loops(self, seconds: float) -> None:
        """Every loop at once for `seconds`; returns when each has ended its last command."""
        self._seconds = seconds
        deadline = time.monotonic() + seconds
        loops = [self._loop(step, deadline) for step in (self._pull, self._import_or_forget, self._log_intake)]
        loops += [self._loop(step, deadline) for step in (self._log_weight, self._report)]
        threads = [threading.Thread(target=loop, daemon=True) for loop in loops]
        keys = threading.Thread(target=self._press_keys, daemon=True)
        for thread in [*threads, keys]:
            thread.start()
        for thread in threads:
            thread.join()
        self._stop.set()
        keys.join()

    # --- the end -----------------------------------------------------------------------
    def finish(self, refresh_s: float = 60) -> SoakResult:
        """The end checks (see the module's docstring); every one runs whatever the others found."""
        checks = [self._screens_equal_report(refresh_s)]
        self._watching.clear()
        checks.append(self._quit_dashboards())
        checks += [self._intake_and_weight(), *self._recordings(), self._integrity()]
        return SoakResult(
            self._seconds,
            list(self.runs),
            list(self.screen_alerts),
            self.screen_captures,
            self.screens_with_errors,
            checks,
        )

    def _screens_equal_report(self, refresh_s: float) -> Check:
        """Both dashboards show `report --json`'s week, once they have refreshed (waited for up to
        `refresh_s`, the screens read again until then)."""
        report = self._json(self.cli("check", "report", "--json"))
        if not isinstance(report, dict):
            return Check("the dashboards show report --json's week", False, "report --json failed")
        differences: dict[str, list[str]] = {}
        deadline = time.monotonic() + refresh_s
        for dashboard in self.dashboards:
            while True:
                screen = self._look_at(dashboard)
                differences[dashboard.name] = week_differences(screen, report)
                if not differences[dashboard.name] or time.monotonic() > deadline:
                    break
                time.sleep(SCREEN_EVERY_S)
        wrong = {name: d for name, d in differences.items() if d}
        detail = "; ".join(f"{name}: {', '.join(d[:4])}" for name, d in wrong.items())
        return Check(f"both dashboards show report --json's {report['week_id']}", not wrong, detail)

    def _quit_dashboards(self) -> Check:
        """`q` in each; each dashboard's exit code is recorded as a run."""
        for dashboard in self.dashboards:
            dashboard.session.keys("q")
        problems = []
        for dashboard in self.dashboards:
            deadline = time.monotonic() + 30
            while not (dashboard.status.exists() and dashboard.status.read_text().strip()):
                if time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            text = dashboard.status.read_text().strip() if dashboard.status.exists() else ""
            screen = self._screen_or_nothing(dashboard)
            run = Run("dashboard", [dashboard.name], int(text) if text else None, "", screen)
            if not text:
                run.problem = "did not quit on q"
            elif run.code != 0:
                run.problem = f"exit code {run.code}"
            elif "Traceback" in screen:
                run.problem = "a traceback on its terminal"
            if run.problem:
                problems.append(f"{dashboard.name}: {run.problem}")
            with self._lock:
                self.runs.append(run)
        return Check("both dashboards quit with 0", not problems, "; ".join(problems))

    def _screen_or_nothing(self, dashboard: Dashboard) -> str:
        try:
            return dashboard.session.screen()
        except subprocess.CalledProcessError:
            return ""

    def _intake_and_weight(self) -> Check:
        """The last intake and weight logged for each day are the day's in `report --day --json`."""
        wrong = []
        for day in sorted(set(self.expected.intake) | set(self.expected.weight)):
            report = self._json(self.cli("check", "report", "--day", day, "--json"))
            if not isinstance(report, dict):
                wrong.append(f"{day}: report --day failed")
                continue
            if day in self.expected.intake and report["eaten_kcal"] != self.expected.intake[day]:
                wrong.append(f"{day}: eaten {report['eaten_kcal']}, logged last {self.expected.intake[day]}")
            kg = report["weight"]["weight_kg"]
            if day in self.expected.weight and (kg is None or abs(kg - self.expected.weight[day]) > 0.001):
                wrong.append(f"{day}: weight {kg} kg, logged last {self.expected.weight[day]}")
        counted = f"{len(self.expected.intake)} days of intake, {len(self.expected.weight)} of weight"
        return Check(f"the last intake and weight logged are reported ({counted})", not wrong, "; ".join(wrong))

    def _recordings(self) -> list[Check]:
        """The files last imported are stored and those last forgotten are not; every day the
        fake served is stored."""
        listing = self._json(self.cli("check", "recordings", "--json"))
        if not isinstance(listing, list):
            failed = "recordings --json failed"
            return [Check("the imported files are stored", False, failed), Check("the pulled days", False, failed)]
        files = {Path(item["path"]).resolve() for item in listing if item["source"] != "garmin day"}
        expected = self.expected
        lost = sorted(p.name for p in expected.present - expected.unsure - files)
        kept = sorted(p.name for p in (expected.absent - expected.unsure) & files)
        detail = "; ".join(x for x in (f"missing {lost}" if lost else "", f"still stored {kept}" if kept else "") if x)
        stored = {item["id"] for item in listing}
        served = sorted({r.query.split("=")[1] for r in self.fake.requests("usersummary/daily") if r.status == 200})
        unstored = [day for day in served if f"garmin:{day}" not in stored]
        return [
            Check(
                f"the files imported last are listed ({len(expected.present)}), those forgotten last are not "
                f"({len(expected.absent)}; {len(expected.unsure)} left out after a failed run)",
                not lost and not kept,
                detail,
            ),
            Check(
                f"the {len(served)} days the fake served are stored",
                bool(served) and not unstored,
                f"not stored: {unstored}" if unstored else "",
            ),
        ]

    def _integrity(self) -> Check:
        """`PRAGMA integrity_check` by plain sqlite3, read-only, with every process stopped."""
        path = self.home / DB_NAME
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            finally:
                conn.close()
        except sqlite3.Error as exc:
            result = [f"{type(exc).__name__}: {exc}"]
        return Check("PRAGMA integrity_check is ok", result == ["ok"], "; ".join(result[:5]))

    # --- clean-up ----------------------------------------------------------------------
    def close(self) -> None:
        """Stop the loops, kill what still runs (only this soak's processes), close the tmux
        sessions, stop the fake."""
        self._stop.set()
        self._watching.clear()
        with self._lock:
            running = list(self._running)
        for proc in running:
            proc.kill()
        for thread in self._threads:
            thread.join(timeout=10)
        for dashboard in self.dashboards:
            dashboard.session.close()
        if self.fake.server:
            self.fake.stop()

    def __enter__(self) -> Soak:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def soak(root: Path, seconds: float, refresh_s: float = 60) -> SoakResult:
    """A whole soak of `seconds` of loops in `root` (a new folder), cleaned up however it ends;
    `refresh_s`: how long the dashboards may take to show the last data at the end."""
    with Soak(root) as run:
        run.start()
        run.run_loops(seconds)
        return run.finish(refresh_s)


# --- the week on a dashboard's screen ------------------------------------------------------
BAR = re.compile(r"^[█▌▐░▏▎▍▋▊▉│▕]+$")


def week_differences(screen: str, report: dict) -> list[str]:
    """Where a week view's screen (120 columns) differs from the week's `report --json`: its id, both
    scores, the numbers of the cardio line, of the totals and of each day's row, the energy line."""
    lines = screen.splitlines()
    differences = []

    def line_with(text: str) -> str:
        return next((line for line in lines if text in line), "")

    if report["week_id"] not in line_with("Cardio score"):
        differences.append(f"not the week {report['week_id']}")
    scores = f"Cardio score {fmt.score(report['cardio_score'])}  Deficit score {fmt.score(report['deficit_score'])}"
    if scores not in screen:
        differences.append(f"scores: {line_with('Cardio score').strip()!r}, not {scores!r}")
    cardio = cardio_line(report)
    shown = numbers(line_with(" goal-equivalent min = "))
    if shown != cardio:
        differences.append(f"cardio line {shown}, not {cardio}")
    totals = totals_line(report)
    shown = numbers(line_with("Strength "))
    if shown != totals:
        differences.append(f"totals {shown}, not {totals}")
    energy = (
        f"burned {fmt.number(report['burned_kcal'])} − eaten {fmt.number(report['eaten_kcal'])} = deficit "
        f"{fmt.number(report['deficit_kcal'])} kcal"
    )
    if energy not in screen:
        differences.append(f"energy: {line_with('burned').strip()!r}, not {energy!r}")
    # the table of days is left of the chart, whose axis is the last "│" of the table's header
    header = line_with("  Day  ")
    end = header.rfind("│") - 4 if "│" in header else None  # before the axis's labels ("100┤")
    for day in report["days"]:
        label = fmt.day_label(date.fromisoformat(day["local_day"]))
        row = next((line for line in lines if re.match(rf"\s*{label}\s", line)), "")
        cells = [c for c in row[:end].split()[2:] if not BAR.match(c)]  # the day's label and bar left out
        wanted = [
            fmt.number(day["goal_minutes"]),
            fmt.number(day["floors"]),
            fmt.number(day["steps"]),
            *(["✓"] if day["strength_sessions"] else []),
            fmt.number(day["burned_kcal"]),
            fmt.number(day["eaten_kcal"]) + ("!" if day["below_intake_floor"] else ""),
            fmt.number(day["deficit_kcal"]),
        ]
        if cells != wanted:
            differences.append(f"{label}: {cells}, not {wanted}")
    return differences
