"""The subcommands of `wearsync`: each module has `register(subparsers)` and sets `run`."""
