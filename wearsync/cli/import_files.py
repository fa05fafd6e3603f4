"""`wearsync import PATH...`: FIT files, folders and zips into the store."""

from __future__ import annotations

from pathlib import Path

from wearsync.cli import common

SHOW_PROGRESS_FROM = 4  # files; fewer finish before a bar is worth drawing


def register(sub) -> None:
    parser = sub.add_parser(
        "import",
        help="import FIT files, folders of them, or zips (Garmin Connect downloads and exports)",
        description="Import FIT files, folders (searched recursively) and .zip archives holding .fit files. "
        "A file already imported, a renamed copy, or the same recording in a zip is counted once.",
        epilog="examples:\n  wearsync import /media/GARMIN/GARMIN/Activity ~/Downloads/export.zip\n"
        "  wearsync import --quiet ~/old-watch-files",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    parser.add_argument("--json", action="store_true", help="print a summary as JSON on stdout")
    common.add_quiet(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    config, store = common.open_config_and_store(args, create=True)
    with common.progress_bar("importing") as advance:
        from wearsync.sync.fit_import import import_paths  # the FIT reader loads only to import

        summary = import_paths(store, args.paths, progress=_progress(advance), zone=config.wearer.time_zone)
    report(summary, as_json=args.json, quiet=args.quiet)
    return exit_code(summary)


def exit_code(summary) -> int:
    """70 when a bug of ours met a file, 1 when some files failed, else 0."""
    if summary.internal_errors:
        return common.EXIT_INTERNAL
    return common.EXIT_PARTIAL if summary.failed else common.EXIT_OK


def _progress(advance):
    def progress(_phase: str, done: int, total: int, label: str) -> None:
        if total >= SHOW_PROGRESS_FROM:
            advance(label, total=total)

    return progress


def report(summary, *, as_json: bool, quiet: bool = False) -> None:
    """Per-file lines for what did not simply import (with `quiet`, for what failed only), and the totals."""
    for outcome in summary.outcomes:
        if outcome.outcome == "failed":
            common.say(f"failed: {outcome.path}: {outcome.message}")
        elif not quiet and (outcome.outcome != "imported" or outcome.message):
            common.say(f"{outcome.outcome}: {outcome.path}: {outcome.message}")
    if as_json:
        common.print_json(summary.to_json())
    else:
        common.say(
            f"{summary.found} found: {summary.imported} imported, {summary.skipped} skipped, "
            f"{summary.duplicates} duplicates, {summary.failed} failed"
        )
