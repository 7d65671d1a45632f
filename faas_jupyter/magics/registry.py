"""The `%faas` sub-command table: each command declares its arguments next to its code.

Command modules (packages.py, services.py, items.py ...) register with ``@command``;
``core.FaasMagics`` builds one strict parser from the table, so ``%faas?`` lists
every command with its arguments.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class Arg:
    flags: tuple
    options: dict = field(default_factory=dict)


def arg(*flags, **options) -> Arg:
    return Arg(flags, options)


@dataclass(frozen=True)
class Command:
    name: str
    run: Callable  # run(magics, args) -> object to display (or None)
    arguments: tuple
    help: str


COMMANDS: dict[str, Command] = {}


def command(name: str, *arguments: Arg, help: str):
    """Register ``fn(magics, args)`` as ``%faas NAME``."""
    def register(fn):
        COMMANDS[name] = Command(name, fn, arguments, help)
        return fn
    return register


def build_parser(parser_class):
    parser = parser_class(prog="%faas", add_help=False,
                          description="Package, version, deploy and run functions from a notebook.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=parser_class,
                                metavar="COMMAND")
    for cmd in COMMANDS.values():
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help, add_help=False)
        for a in cmd.arguments:
            p.add_argument(*a.flags, **a.options)
    return parser


def usage_text(parser_class) -> str:
    """Every command's usage line and help, for ``%faas?``."""
    parser = build_parser(parser_class)
    sub = next(a for a in parser._actions if a.dest == "command")
    lines = []
    for name, p in sub.choices.items():
        lines.append(p.format_usage().replace("usage: ", "").strip())
        lines.append(f"    {COMMANDS[name].help}")
    return "\n".join(lines)
