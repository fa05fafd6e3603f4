"""`wearsync completion bash|zsh|fish`: the shell's completion script, printed for its start-up file."""

from __future__ import annotations

import sys

import argcomplete

from wearsync.cli import common

SHELLS = ("bash", "zsh", "fish")


def register(sub) -> None:
    parser = sub.add_parser(
        "completion",
        help="print the shell completion script for bash, zsh or fish",
        description="Prints the script that makes your shell complete wearsync's commands and options; it "
        "needs nothing but wearsync on PATH. Load it from the shell's start-up file:\n"
        '  ~/.bashrc:                   eval "$(wearsync completion bash)"\n'
        '  ~/.zshrc (after compinit):   eval "$(wearsync completion zsh)"\n'
        "  ~/.config/fish/config.fish:  wearsync completion fish | source",
        epilog="examples:\n  wearsync completion bash\n  wearsync completion zsh\n  wearsync completion fish",
    )
    parser.add_argument("shell", choices=SHELLS, help="the shell to complete in")
    parser.set_defaults(run=run)


def run(args) -> int:
    sys.stdout.write(argcomplete.shellcode(["wearsync"], shell=args.shell))
    return common.EXIT_OK
