"""The `wearsync` command: a thin shell over the library (argument parsing and printing only; one module
per command beside this one). Plain `wearsync` opens the dashboard."""

from __future__ import annotations

import argparse
import importlib
import re
import sqlite3
import sys
import textwrap

from wearsync.cli import common
from wearsync.errors import ConfigError, GarminAuthError, GarminRateLimited, WearsyncError

# Each module registers its subcommand(s); order is the order `--help` lists them.
COMMAND_MODULES = [
    "wearsync.cli.dashboard",
    "wearsync.cli.demo",
    "wearsync.cli.import_files",
    "wearsync.cli.garmin",
    "wearsync.cli.report",
    "wearsync.cli.intake",
    "wearsync.cli.recordings",
    "wearsync.cli.config",
    "wearsync.cli.completion",
]


class HelpFormatter(argparse.HelpFormatter):
    """Paragraphs are wrapped to the terminal; an indented line (an example command) is kept
    whole on its own line, never run together with the next or split mid-flag."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        blocks: list[str] = []
        paragraph: list[str] = []
        for line in text.splitlines():
            if line.startswith(" ") or not line.strip():
                if paragraph:
                    blocks.append(
                        textwrap.fill(" ".join(paragraph), width, initial_indent=indent, subsequent_indent=indent)
                    )
                    paragraph = []
                blocks.append(indent + line if line.strip() else "")
            else:
                paragraph.append(line.strip())
        if paragraph:
            blocks.append(textwrap.fill(" ".join(paragraph), width, initial_indent=indent, subsequent_indent=indent))
        return "\n".join(blocks)


class CommandParser(argparse.ArgumentParser):
    """A (sub)command's parser: the help layout above, and the global options accepted after
    the command too (`wearsync report --config FILE`)."""

    def __init__(self, *args, global_defaults: bool = False, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
        # A subcommand's copy leaves the value alone unless given there (SUPPRESS).
        default = None if global_defaults else argparse.SUPPRESS
        self.add_argument(
            "--config",
            metavar="FILE",
            default=default,
            help="settings file (default: $WEARSYNC_CONFIG, then the platform config dir)",
        )
        self.add_argument(
            "--home",
            metavar="DIR",
            default=default,
            help="the data folder holding the store (default: $WEARSYNC_HOME, then "
            "storage.data_dir, then the platform data dir)",
        )


class _Version(argparse.Action):
    """argparse's version action, with the installed version looked up only when asked:
    importlib.metadata costs about 45 ms of every start, the dashboard's included."""

    def __call__(self, parser, namespace, values, option_string=None):
        from importlib.metadata import version

        print(f"wearsync {version('wearsync')}")  # stdout, as argparse's own version action
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog="wearsync",
        global_defaults=True,
        description="See from your own wearable's data whether you are doing what works.",
        epilog="Run `wearsync COMMAND --help` for a command's options and an example.",
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="show wearsync's version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=CommandParser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    _complete(parser)
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
    except sqlite3.DatabaseError as exc:  # a store damaged after it was opened (a disk, another program)
        common.say(
            f"wearsync: error: the store cannot be read ({exc}); move its wearsync.db away, then "
            "`wearsync import` its originals/ folder and `wearsync pull` bring the data back"
        )
        return common.EXIT_ERROR
    finally:
        while common.opened_stores:
            common.opened_stores.pop().close()


def _complete(parser: argparse.ArgumentParser) -> None:
    """Shell completion: answers the shell and exits when it asks (see README), else nothing."""
    import argcomplete

    argcomplete.autocomplete(parser)


# Used by the help test: an example is an indented line starting with the command's name.
EXAMPLE = re.compile(r"^  (wearsync(?: .*)?)$", re.MULTILINE)
