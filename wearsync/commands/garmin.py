"""`wearsync login`, `wearsync logout` and `wearsync pull`."""

from __future__ import annotations

import getpass
import sys
from contextlib import ExitStack
from wearsync.commands import common
from wearsync.config import MAX_PULL_DAYS, load_config
from wearsync.errors import GarminAuthError, GarminRateLimited


def register(sub) -> None:
    login = sub.add_parser(
        "login", help="sign in to Garmin Connect once; only its tokens are kept",
        description="Sign in to Garmin Connect with your email and password (asked for, hidden) "
                    "and keep only the tokens Garmin issues, mode 0600 in wearsync's data folder. "
                    "The password is never stored. If Garmin asks for a code (MFA), type it in, or "
                    "finish later with --mfa-code.",
        epilog="examples:\n  wearsync login\n  wearsync login --email me@example.org --password-stdin < password.txt\n"
               "  wearsync login --mfa-code 123456")
    login.add_argument("--email", help="the Garmin account's email (asked for when missing)")
    login.add_argument("--password-stdin", action="store_true",
                       help="read the password from the first line of stdin (no terminal needed)")
    login.add_argument("--mfa-code", metavar="CODE",
                       help="the code Garmin sent: finishes a login that is waiting for it")
    login.add_argument("--force", action="store_true", help="sign in even during a 429 cooldown")
    login.set_defaults(run=run_login)

    logout = sub.add_parser("logout", help="forget the Garmin Connect tokens",
                            description="Remove the saved Garmin Connect tokens.",
                            epilog="example:\n  wearsync logout")
    logout.set_defaults(run=run_logout)

    pull = sub.add_parser(
        "pull", help="import new data from Garmin Connect and the configured FIT folders",
        description="Import every configured source: the FIT folders in [sources] fit_folders and "
                    "Garmin Connect (when [sources] garmin = true or after `wearsync login`). "
                    "Garmin is pulled from the last complete day to today; the first pull takes "
                    "[garmin] first_pull_days. An activity Garmin no longer has (404/410) or that "
                    "cannot be imported is reported, recorded and not downloaded again unless "
                    "--force. Progress goes to stderr.",
        epilog="examples:\n  wearsync pull\n  wearsync pull --since 2024-01-01 --json\n  wearsync pull --days 90 -q")
    span = pull.add_mutually_exclusive_group()
    span.add_argument("--since", type=common.local_day(), metavar="DATE",
                      help="backfill Garmin from DATE (YYYY-MM-DD) to today")
    span.add_argument("--days", type=common.whole_number(1, MAX_PULL_DAYS), metavar="N",
                      help=f"backfill the last N days (1 to {MAX_PULL_DAYS})")
    pull.add_argument("--force", action="store_true",
                      help="ask Garmin even during a 429 cooldown, and download again the activities "
                           "that failed before")
    pull.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    common.add_quiet(pull)
    pull.set_defaults(run=run_pull)


def run_login(args) -> int:
    from wearsync.sync import garmin_client  # garminconnect loads only for a Garmin command

    config, store = common.open_config_and_store(args, create=True)
    base_url = config.garmin_base_url
    pending = (garmin_client.token_dir(config.data_dir) / garmin_client.MFA_PENDING_FILE).is_file()
    try:
        if args.mfa_code and pending:
            result = garmin_client.resume_login(config.data_dir, args.mfa_code, base_url)
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
            result = garmin_client.login_with_password(config.data_dir, email, password, base_url,
                                                       prompt_mfa=prompt)
    except GarminRateLimited as exc:
        garmin_client.save_cooldown(store, exc.until)
        raise
    if result.needs_mfa:
        common.say("Garmin Connect sent a verification code. Finish with: "
                   "wearsync login --mfa-code CODE")
        return common.EXIT_AUTH
    common.stdout.print(f"Logged in to Garmin Connect as {result.display_name}. Tokens saved in "
                        f"{result.token_file}; the password was not stored.", markup=False, soft_wrap=True)
    return common.EXIT_OK


def run_logout(args) -> int:
    from wearsync.sync import garmin_client

    config = load_config(args.config, args.home)   # the tokens only: no store needed
    if garmin_client.logout(config.data_dir):
        common.stdout.print("Logged out: the Garmin Connect tokens are removed.")
    else:
        common.stdout.print("Not logged in to Garmin Connect; nothing to remove.")
    return common.EXIT_OK


def run_pull(args) -> int:
    from wearsync.sync.pull import NOTHING_TO_PULL, pull_all

    config, store = common.open_config_and_store(args, create=True)
    with _PhaseBars() as bars:
        summary = pull_all(store, config, progress=bars, since=args.since, days=args.days, force=args.force)
    report = summary.to_json()
    if summary.nothing_configured:
        common.say(NOTHING_TO_PULL.capitalize() + ".")
    if args.json:
        common.print_json(report)
    else:
        _print_human(report)
    if summary.garmin is not None and summary.garmin.note and not args.quiet:
        common.say(summary.garmin.note)
    error = summary.error
    if error is not None:
        common.say(f"wearsync: {error}")
        if isinstance(error, GarminRateLimited):
            return common.EXIT_RATE_LIMITED
        if isinstance(error, GarminAuthError):
            return common.EXIT_AUTH
        return common.EXIT_PARTIAL
    failed_files = summary.folders.imported.failed if summary.folders else 0
    failed_activities = summary.garmin.activities_failed if summary.garmin else 0
    return common.EXIT_PARTIAL if failed_files or failed_activities else common.EXIT_OK


def _print_human(report: dict) -> None:
    if "folders" in report:
        f = report["folders"]
        line = (f"FIT folders: {common.plural(f['found'], 'file')}, {f['imported']} imported, {f['duplicates']} "
                f"duplicates, {f['skipped']} skipped, {f['failed']} failed")
        if f["absent_folders"]:
            line += f" (not there: {', '.join(f['absent_folders'])})"
        common.stdout.print(line, markup=False, soft_wrap=True)
    if "garmin" in report:
        g, days, acts = report["garmin"], report["garmin"]["days"], report["garmin"]["activities"]
        span = f" ({days['first']} to {days['last']})" if days["first"] else ""
        common.stdout.print(
            f"Garmin Connect: {days['stored']} of {days['planned']} days stored{span}; "
            f"{common.plural(acts['new'], 'new activity', 'new activities')} ({acts['imported']} imported, {acts['duplicates']} "
            f"duplicates, {acts['failed']} failed); {g['outcome']}", markup=False, soft_wrap=True)
        for failure in acts["failures"]:
            common.stdout.print(f"  activity {failure['id']} ({failure['name']}, {failure['start']}): "
                                f"{failure['reason']}", markup=False, soft_wrap=True)


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
