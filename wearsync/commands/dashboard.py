"""`wearsync dashboard` (and plain `wearsync`): the full-screen dashboard."""

from __future__ import annotations

from wearsync.commands import common


def register(sub) -> None:
    parser = sub.add_parser(
        "dashboard", help="open the full-screen dashboard (also what plain `wearsync` does)",
        description="Week, history, day and sources views of the store. Drop FIT files or a Garmin "
                    "export zip onto the terminal to import them; press ? inside for every key.",
        epilog="example: wearsync dashboard",
    )
    parser.set_defaults(run=run_dashboard)


def run_dashboard(args) -> int:
    config, store = common.open_config_and_store(args)
    # Imported here so every other command starts without loading Textual.
    from wearsync.dashboard.app import build_app

    try:
        build_app(config, store).run()
    finally:
        store.close()
    return common.EXIT_OK
