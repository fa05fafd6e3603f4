"""`wearsync config path | show | init`: where the settings file is, what is in force, a first file."""

from __future__ import annotations

import sys

from wearsync.cli import common
from wearsync.config import as_dict, config_path, initial_text, load_config, write_initial
from wearsync.errors import ConfigError


def register(sub) -> None:
    config = sub.add_parser(
        "config",
        help="the settings file: where it is, what is in force, a first one",
        description="Where wearsync reads its settings (path), the settings in force with the data "
        "folder (show), and a first settings file with your birth year, sex and weight (init).",
        epilog="examples:\n  wearsync config path\n  wearsync config show --json\n"
        "  wearsync config init\n  wearsync config init --birth-year 1985 --sex male --weight-kg 82",
    )
    what = config.add_subparsers(dest="what", metavar="WHAT", required=True)
    path = what.add_parser(
        "path",
        help="print the settings file's path (it need not exist)",
        description="Print the path of the settings file wearsync reads: --config, "
        "else $WEARSYNC_CONFIG, else the platform's config folder.",
        epilog="example:\n  wearsync config path",
    )
    path.set_defaults(run=run_path)
    show = what.add_parser(
        "show",
        help="print the settings in force and the data folder",
        description="Print every setting in force (the file's values, defaults for the "
        "rest) and the data folder the store is in.",
        epilog="examples:\n  wearsync config show\n  wearsync config show --json",
    )
    show.add_argument("--json", action="store_true", help="print them as JSON on stdout")
    show.set_defaults(run=run_show)
    init = what.add_parser(
        "init",
        help="write a first settings file (asks for birth year, sex and weight)",
        description="Write a commented settings file at `wearsync config path` with the "
        "wearer's birth year, sex and weight, asked for at the terminal unless "
        "given as options. An existing file is kept unless --force.",
        epilog="examples:\n  wearsync config init\n"
        "  wearsync config init --birth-year 1985 --sex male --weight-kg 82 --force",
    )
    init.add_argument("--birth-year", metavar="YEAR", help="the year the wearer was born")
    init.add_argument("--sex", metavar="female|male", help="picks the intake floor (1,200 or 1,500 kcal a day)")
    init.add_argument("--weight-kg", metavar="KG", help="body weight in kilograms")
    init.add_argument("--force", action="store_true", help="replace an existing settings file")
    init.set_defaults(run=run_init)


def run_path(args) -> int:
    path = config_path(args.config)
    common.stdout.print(str(path), markup=False, highlight=False, soft_wrap=True)
    if not path.exists():
        common.say("(no file there yet: the defaults apply; `wearsync config init` writes one)")
    return common.EXIT_OK


def run_show(args) -> int:
    config = load_config(args.config, args.home)
    data = {"file": str(config.path) if config.path else None, "data_dir": str(config.data_dir), **as_dict(config)}
    if args.json:
        common.print_json(data)
        return common.EXIT_OK
    lines = [f"# settings file: {data['file'] or 'none (defaults)'}", f"# data folder: {data['data_dir']}"]
    for section, values in as_dict(config).items():
        lines.append(f"\n[{section}]")
        lines += [f"{key} = {_toml(value)}" for key, value in values.items()]
    sys.stdout.write("\n".join(lines) + "\n")
    return common.EXIT_OK


def run_init(args) -> int:
    path = config_path(args.config)
    if path.exists() and not args.force:
        common.say(f"wearsync: error: {path} exists; add --force to replace it")
        return common.EXIT_ERROR
    answers = {}
    for key, option, question, parse in (
        ("birth_year", args.birth_year, "Year you were born (e.g. 1988): ", int),
        ("sex", args.sex, "Sex, for the intake floor (female/male): ", str),
        ("weight_kg", args.weight_kg, "Weight in kg (e.g. 68.5): ", float),
    ):
        text = option if option is not None else _ask(question, key)
        try:
            answers[key] = parse(text.strip().lower())
        except ValueError:
            raise ConfigError(f"wearer.{key}: {text.strip()!r} is not a number") from None
    write_initial(
        path,
        initial_text(
            birth_year=int(answers["birth_year"]), sex=str(answers["sex"]), weight_kg=float(answers["weight_kg"])
        ),
    )
    common.say(f"wrote {path}")
    return common.EXIT_OK


def _ask(question: str, key: str) -> str:
    if not sys.stdin.isatty():
        raise ConfigError(f"no terminal to ask for wearer.{key} on; give it as --{key.replace('_', '-')}")
    sys.stderr.write(question)
    sys.stderr.flush()
    return sys.stdin.readline()


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)
