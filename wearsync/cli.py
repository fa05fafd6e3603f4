"""The `wearsync` command: a thin shell over the library. Plain `wearsync` opens the dashboard."""

from __future__ import annotations

import argparse
import sys

from wearsync.commands import common
from wearsync.errors import ConfigError, GarminAuthError, GarminRateLimited, WearsyncError

# Each module registers its subcommand(s); order is the order `--help` lists them.
COMMAND_MODULES = [
    "wearsync.commands.dashboard",
    "wearsync.commands.demo",
    "wearsync.commands.import_files",
    "wearsync.commands.garmin",
    "wearsync.commands.report",
    "wearsync.commands.intake",
    "wearsync.commands.recordings",
]


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(
        prog="wearsync",
        description="See from your own wearable's data whether you are doing what works.",
        epilog="Run `wearsync COMMAND --help` for a command's options and an example.",
    )
    parser.add_argument("--config", metavar="FILE", help="settings file (default: $WEARSYNC_CONFIG, "
                        "then the platform config dir)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    if args.command is None:  # plain `wearsync` (global options allowed) opens the dashboard
        args = parser.parse_args([*argv, "dashboard"])
    try:
        return args.run(args)
    except KeyboardInterrupt:
        common.say("wearsync: interrupted; everything stored so far is kept")
        return common.EXIT_INTERRUPTED
    except GarminAuthError as exc:
        common.say(f"wearsync: {exc}")
        return common.EXIT_AUTH
    except GarminRateLimited as exc:
        common.say(f"wearsync: {exc}")
        return common.EXIT_RATE_LIMITED
    except (ConfigError, WearsyncError) as exc:
        common.say(f"wearsync: error: {exc}")
        return common.EXIT_ERROR
