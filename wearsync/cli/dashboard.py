"""`wearsync dashboard` (and plain `wearsync`): the full-screen dashboard."""

from __future__ import annotations

import sys

from wearsync.cli import common


def register(sub) -> None:
    parser = sub.add_parser(
        "dashboard",
        help="open the full-screen dashboard (also what plain `wearsync` does)",
        description="Week, history, day and sources views of the store. Drop FIT files or a Garmin "
        "export zip onto the terminal to import them; press ? inside for every key.",
        epilog="example:\n  wearsync dashboard",
    )
    parser.set_defaults(run=run_dashboard)


def at_a_terminal() -> bool:
    """Whether keys come from, and the screen goes to, a terminal (not a pipe, a file or cron)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def needs_a_terminal(what: str) -> int:
    common.say(
        f"wearsync: error: {what} needs a terminal (stdin and stdout are not one); for the "
        "numbers without one, run `wearsync report` (add --json for scripts)"
    )
    return common.EXIT_ERROR


def run_dashboard(args) -> int:
    if not at_a_terminal():
        return needs_a_terminal("the dashboard")
    config, store = common.open_config_and_store(args, create=True)
    return show(config, store)


def show(config, store, **options) -> int:
    """Run the dashboard on `store` (closed by main as the command ends); a crash inside it is a bug: exit 70."""
    # Imported here so every other command starts without loading Textual.
    from wearsync.dashboard.app import build_app

    app = build_app(config, store, **options)
    app.run()
    return common.EXIT_INTERNAL if app.return_code else common.EXIT_OK
