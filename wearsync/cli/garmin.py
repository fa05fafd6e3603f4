"""`wearsync login`, `wearsync logout` and `wearsync pull`."""

from __future__ import annotations

import getpass
import sys
from contextlib import ExitStack

from wearsync.cli import common
from wearsync.config import MAX_PULL_DAYS, load_config
from wearsync.errors import GarminAuthError, GarminRateLimited, GarminUnavailable, PullBusy, WearsyncError


def register(sub) -> None:
    login = sub.add_parser(
        "login",
        help="sign in to Garmin Connect once; only its tokens are kept",
        description="Sign in to Garmin Connect with your email and password (asked for, hidden) "
        "and keep only the tokens Garmin issues, mode 0600 in wearsync's data folder. "
        "The password is never stored. If Garmin asks for a code (MFA), type it in, or "
        "finish later with --mfa-code.",
        epilog="examples:\n  wearsync login\n  wearsync login --email me@example.org --password-stdin < password.txt\n"
        "  wearsync login --mfa-code 123456",
    )
    login.add_argument("--email", help="the Garmin account's email (asked for when missing)")
    login.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin (no terminal needed)",
    )
    login.add_argument(
        "--mfa-code", metavar="CODE", help="the code Garmin sent: finishes a login that is waiting for it"
    )
    login.add_argument("--force", action="store_true", help="sign in even during a 429 cooldown")
    login.set_defaults(run=run_login)

    logout = sub.add_parser(
        "logout",
        help="forget the Garmin Connect tokens",
        description="Remove the saved Garmin Connect tokens.",
        epilog="example:\n  wearsync logout",
    )
    logout.set_defaults(run=run_logout)

    pull = sub.add_parser(
        "pull",
        help="import new data from Garmin Connect and the configured FIT folders",
        description="Import every configured source: the FIT folders in [sources] fit_folders and "
        "Garmin Connect (when [sources] garmin = true or after `wearsync login`). "
        "The first pull takes [garmin] first_pull_days; --since/--days widen the synced "
        "range, and every plain pull fills its gaps oldest first (through any number of "
        "cooldowns), asks again for recent and empty days, and lists activities over the "
        "last two weeks (and once a week over the whole synced range) so a late upload is "
        "found. An activity Garmin no longer has "
        "(404/410) or that cannot be imported is reported, recorded and not downloaded "
        "again unless --force; one refused (403) is asked again later. Progress goes to "
        "stderr. Exit codes: 0 done, 1 some days or activities failed, 3 log in again, "
        "4 cooling down after a 429, 5 Garmin not answering properly (login kept), "
        "6 another pull is running.",
        epilog="examples:\n  wearsync pull\n  wearsync pull --since 2024-01-01 --until 2024-06-30 --json\n"
        "  wearsync pull --days 90 -q",
    )
    span = pull.add_mutually_exclusive_group()
    span.add_argument(
        "--since", type=common.local_day(), metavar="DATE", help="backfill Garmin from DATE (YYYY-MM-DD) to today"
    )
    span.add_argument(
        "--days",
        type=common.whole_number(1, MAX_PULL_DAYS),
        metavar="N",
        help=f"backfill the last N days (1 to {MAX_PULL_DAYS})",
    )
    pull.add_argument(
        "--until",
        type=common.local_day(),
        metavar="DATE",
        help="pull Garmin days up to DATE only (a backfill in parts); later days wait for the next pull",
    )
    pull.add_argument(
        "--force",
        action="store_true",
        help="ask Garmin even during a 429 cooldown (and end it), ask again for every day still empty and "
        "every kind of a day not complete whatever its back-off (with --since/--days: every day of that "
        "range), and download again the activities that failed before",
    )
    pull.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    common.add_quiet(pull)
    pull.set_defaults(run=run_pull)


def run_login(args) -> int:
    from wearsync.sync import garmin_client, garmin_login  # garminconnect loads only for a Garmin command

    config, store = common.open_config_and_store(args, create=True)
    base_url = config.garmin_base_url
    pending = (garmin_client.token_dir(config.data_dir) / garmin_login.MFA_PENDING_FILE).is_file()
    if args.mfa_code and not pending and not (args.email or args.password_stdin):
        common.say(
            "wearsync: error: no Garmin sign-in is waiting for a code; run `wearsync login` first "
            "(or give the code with --email and --password-stdin)"
        )
        return common.EXIT_ERROR
    asked = _needs_terminal(args)
    if asked:
        common.say(
            f"wearsync: error: no terminal to ask for the {asked} on; pass --email and --password-stdin "
            "(the password on the first line of stdin); nothing was sent to Garmin"
        )
        return common.EXIT_ERROR
    try:
        if args.mfa_code and pending:
            result = garmin_login.resume_login(config.data_dir, args.mfa_code, base_url)
        else:
            garmin_client.check_cooldown(store, args.force)
            email = args.email or _ask("Garmin Connect email: ")
            password = _password(args)
            if args.mfa_code:
                prompt = lambda: args.mfa_code  # noqa: E731 - an authenticator's code known up front
            elif sys.stdin.isatty() and not args.password_stdin:
                prompt = lambda: _ask("Code Garmin sent you: ")  # noqa: E731
            else:
                prompt = None
            result = garmin_login.login_with_password(config.data_dir, email, password, base_url, prompt_mfa=prompt)
    except GarminRateLimited as exc:
        garmin_client.save_cooldown(store, exc.until)
        common.say(f"wearsync: {exc}")
        return common.EXIT_RATE_LIMITED
    except GarminUnavailable as exc:
        common.say(f"wearsync: {exc}")
        return common.EXIT_UNAVAILABLE
    if result.needs_mfa:
        common.say("Garmin Connect sent a verification code. Finish with: wearsync login --mfa-code CODE")
        return common.EXIT_AUTH
    common.stdout.print(
        f"Logged in to Garmin Connect as {result.display_name}. Tokens saved in "
        f"{result.token_file}; the password was not stored.",
        markup=False,
        soft_wrap=True,
    )
    return common.EXIT_OK


def run_logout(args) -> int:
    from wearsync.sync import garmin_login

    config = load_config(args.config, args.home)  # the tokens only: no store needed
    if garmin_login.logout(config.data_dir):
        common.stdout.print("Logged out: the Garmin Connect tokens are removed.")
    else:
        common.stdout.print("Not logged in to Garmin Connect; nothing to remove.")
    return common.EXIT_OK


def run_pull(args) -> int:
    from wearsync.sync.pull import NOTHING_TO_PULL, pull_all

    if args.until and args.since and args.until < args.since:
        common.say(f"wearsync: error: --until {args.until} is before --since {args.since}")
        return common.EXIT_ERROR
    config, store = common.open_config_and_store(args, create=True)
    try:
        with _PhaseBars() as bars:
            summary = pull_all(
                store, config, progress=bars, since=args.since, until=args.until, days=args.days, force=args.force
            )
    except PullBusy as exc:
        common.say(f"wearsync: {exc}")
        return common.EXIT_BUSY
    report = summary.to_json()
    if summary.nothing_configured:
        common.say(NOTHING_TO_PULL.capitalize() + ".")
    if args.json:
        common.print_json(report)
    else:
        _print_human(report)
    if summary.garmin is not None:
        for line in filter(None, (None if args.quiet else summary.garmin.note, *summary.garmin.warnings)):
            common.say(line)
    if summary.error is not None:
        common.say(f"wearsync: {summary.error}")
        return exit_code(summary.error)
    failed_files = summary.folders.imported.failed if summary.folders else 0
    failed_garmin = (summary.garmin.activities_failed + len(summary.garmin.day_failures)) if summary.garmin else 0
    return common.EXIT_PARTIAL if failed_files or failed_garmin else common.EXIT_OK


def exit_code(error: WearsyncError) -> int:
    """The exit code of a pull that `error` stopped (README: "Exit codes")."""
    if isinstance(error, GarminRateLimited):
        return common.EXIT_RATE_LIMITED
    if isinstance(error, GarminAuthError):
        return common.EXIT_AUTH
    if isinstance(error, GarminUnavailable):
        return common.EXIT_UNAVAILABLE
    if isinstance(error, PullBusy):
        return common.EXIT_BUSY
    return common.EXIT_PARTIAL


# The end of the human summary line: each outcome (`--json`'s "outcome") in words.
OUTCOME_WORDS = {
    "ok": "done",
    "partial": "partly done",
    "failed": "nothing stored",
    "rate_limited": "stopped: Garmin Connect asked to slow down",
    "login_refused": "stopped: needs `wearsync login`",
    "unavailable": "stopped: Garmin Connect is not answering properly",
}


def _print_human(report: dict) -> None:
    if "folders" in report:
        f = report["folders"]
        line = (
            f"FIT folders: {common.plural(f['found'], 'file')}, {f['imported']} imported, {f['duplicates']} "
            f"duplicates, {f['skipped']} skipped, {f['failed']} failed"
        )
        if f["absent_folders"]:
            line += f" (not there: {', '.join(f['absent_folders'])})"
        common.stdout.print(line, markup=False, soft_wrap=True)
    if "garmin" in report:
        g, days, acts = report["garmin"], report["garmin"]["days"], report["garmin"]["activities"]
        outcome = OUTCOME_WORDS.get(g["outcome"], g["outcome"])
        span = f" ({days['first']} to {days['last']})" if days["first"] else ""
        extra = "".join(f", {days[k]} {k}" for k in ("empty", "failed") if days[k])
        common.stdout.print(
            f"Garmin Connect: {days['stored']} of {days['planned']} days stored{span}{extra}; "
            f"{common.plural(acts['new'], 'new activity', 'new activities')} ({acts['imported']} imported, "
            f"{acts['duplicates']} duplicates, {acts['failed']} failed); {outcome}",
            markup=False,
            soft_wrap=True,
        )
        for failure in days["failures"]:
            kind = "" if failure["kind"] == "daily summary" else f" ({failure['kind']})"
            common.stdout.print(f"  day {failure['day']}{kind}: {failure['reason']}", markup=False, soft_wrap=True)
        for failure in acts["failures"]:
            common.stdout.print(
                f"  activity {failure['id']} ({failure['name']}, {failure['start']}): {failure['reason']}",
                markup=False,
                soft_wrap=True,
            )
        gaps = g["gaps"]
        if gaps.get("missing"):
            common.stdout.print(
                f"  {gaps['missing']} days not pulled yet (oldest {gaps['oldest_missing']}); "
                f"about {_duration(gaps['estimate_s'])} at the pace the last pull measured: run "
                f"`wearsync pull` again",
                markup=False,
                soft_wrap=True,
            )
        if days["without_heart_rate"]:
            reloads = days["heart_rate_reload_requested"]
            asked = (
                f"; asked Garmin to reload {len(reloads)} archived days (the next pull fetches them)" if reloads else ""
            )
            common.stdout.print(
                f"  {len(days['without_heart_rate'])} days came without intraday heart rate "
                f"(Garmin archives it after about six months){asked}",
                markup=False,
                soft_wrap=True,
            )


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes / 60:.1f} h"


class _PhaseBars:
    """A progress bar on stderr per phase of a pull (files; days, then activities)."""

    TITLES = {"files": "FIT folders: files", "days": "Garmin days", "activities": "Garmin activities"}

    def __enter__(self):
        self._stack, self._phase, self._advance = ExitStack(), None, None
        return self

    def __call__(self, phase: str, done: int, total: int, label: str) -> None:
        if phase != self._phase:
            self._stack.close()
            self._advance = self._stack.enter_context(common.progress_bar(self.TITLES[phase], total))
            self._phase = phase
        self._advance(label)

    def __exit__(self, *exc) -> None:
        self._stack.close()


def _needs_terminal(args) -> str | None:
    """What a login would have to ask for without a terminal to ask on (then nothing is sent)."""
    if args.mfa_code and not args.email and not args.password_stdin:
        return None  # finishing a waiting sign-in: nothing to ask
    if sys.stdin.isatty():
        return None
    if not args.email:
        return "email"
    return None if args.password_stdin else "password"


def _ask(prompt: str) -> str:
    sys.stderr.write(prompt)
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        raise GarminAuthError("no answer on stdin; nothing was sent to Garmin")
    return line.strip()


def _password(args) -> str:
    if args.password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise GarminAuthError("--password-stdin: stdin had no password")
        return line
    if not sys.stdin.isatty():
        raise GarminAuthError("no terminal to ask for the password on; use --password-stdin")
    return getpass.getpass("Garmin Connect password (not stored): ")
