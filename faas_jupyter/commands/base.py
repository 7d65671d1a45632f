"""The command table: each command is declared once, here, and every front end reads it.

A :class:`Command` holds its name, its arguments (:class:`Arg`, ``argparse`` options), the
function ``run(ws, args) -> data``, a text renderer ``text(data) -> str`` and a JSON form
``json(data)``. The magics and the CLI build their parsers from the table
(:func:`add_commands`); old flag spellings stay accepted for one release and say which flag
replaced them (:data:`DEPRECATED` warnings, emitted while parsing).
"""
from __future__ import annotations

import argparse
import json as jsonlib
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from faas_jupyter.workspace import Workspace

Args = argparse.Namespace
Run = Callable[["Workspace", Args], Any]
FRONTS = frozenset({"magic", "cli"})
R = TypeVar("R", bound=Run)


@dataclass(frozen=True)
class Arg:
    """One ``add_argument`` call; ``deprecated``: old spellings of this option, still accepted."""

    flags: tuple[str, ...]
    options: Mapping[str, Any] = field(default_factory=dict)
    deprecated: tuple[str, ...] = ()

    @property
    def dest(self) -> str:
        if "dest" in self.options:
            return str(self.options["dest"])
        longest = max(self.flags, key=len)
        return longest.lstrip("-").replace("-", "_")

    @property
    def default(self) -> Any:
        if "default" in self.options:
            return self.options["default"]
        action = self.options.get("action")
        return {"store_true": False, "store_false": True}.get(action) if isinstance(action, str) else None


def arg(*flags: str, deprecated: Sequence[str] = (), **options: Any) -> Arg:
    return Arg(tuple(flags), options, tuple(deprecated))


def to_json(data: Any) -> Any:
    """The default JSON form: entities by their ``to_json()``, lists of them likewise."""
    if isinstance(data, list):
        return [to_json(d) for d in data]
    method = getattr(data, "to_json", None)
    return method() if callable(method) else data


def to_text(data: Any) -> str:
    """The default text form: a string as is, anything else as indented JSON."""
    return data if isinstance(data, str) else jsonlib.dumps(to_json(data), indent=2, default=str)


def never_failed(data: Any) -> str | None:
    return None


@dataclass(frozen=True)
class Command:
    """``name`` (and ``aliases``) -> ``run(ws, args)``; ``fronts``: where it is offered;
    ``failed(data)``: the one-line error when the data reports a failure (exit status 1)."""

    name: str
    run: Run
    args: tuple[Arg, ...]
    help: str
    text: Callable[[Any], str] = to_text
    json: Callable[[Any], Any] = to_json
    aliases: tuple[str, ...] = ()
    fronts: frozenset[str] = FRONTS
    failed: Callable[[Any], str | None] = never_failed

    def namespace(self, **values: Any) -> Args:
        """The arguments as the parser would give them, with ``values`` set (no parsing)."""
        known = {a.dest for a in self.args}
        unknown = set(values) - known
        if unknown:
            raise TypeError(f"command {self.name!r} has no argument(s) {', '.join(sorted(unknown))}")
        return Args(**{**{a.dest: a.default for a in self.args}, **values})

    def __call__(self, ws: Workspace, **values: Any) -> Any:
        """Run the command from Python: ``COMMANDS["push"](ws, source="pkg", message="m")``."""
        return self.run(ws, self.namespace(**values))

    @property
    def renames(self) -> dict[str, str]:
        """Deprecated spelling -> the flag that replaced it."""
        return {old: a.flags[-1] for a in self.args for old in a.deprecated}


COMMANDS: dict[str, Command] = {}


def command(name: str, *args: Arg, help: str, text: Callable[[Any], str] = to_text,
            json: Callable[[Any], Any] = to_json, aliases: Sequence[str] = (),
            fronts: frozenset[str] = FRONTS,
            failed: Callable[[Any], str | None] = never_failed) -> Callable[[R], R]:
    """Declare ``run(ws, args)`` as the command ``name``."""
    def register(run: R) -> R:
        COMMANDS[name] = Command(name, run, args, help, text, json, tuple(aliases), fronts, failed)
        return run
    return register


def find(name: str) -> Command | None:
    """A command by its name or one of its aliases."""
    return COMMANDS.get(name) or next((c for c in COMMANDS.values() if name in c.aliases), None)


def offered(front: str) -> list[Command]:
    return [c for c in COMMANDS.values() if front in c.fronts]


def rename(words: Sequence[str], renames: Mapping[str, str]) -> list[str]:
    """Old flag spellings -> new ones, each with a ``DeprecationWarning`` naming the new flag."""
    out = []
    for word in words:
        flag, eq, value = word.partition("=")
        if flag in renames and word.startswith("--"):
            warnings.warn(f"{flag} is deprecated; use {renames[flag]} (the old spelling goes in the "
                          "next release)", DeprecationWarning, stacklevel=2)
            word = renames[flag] + eq + value
        out.append(word)
    return out


class _Renaming(argparse.ArgumentParser):
    """A command's parser: rewrites deprecated spellings before parsing them."""

    renames: Mapping[str, str] = {}

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: Args | None = None) -> tuple[Args, list[str]]:
        return super().parse_known_args(rename(args or [], self.renames), namespace)


def add_commands(parser: argparse.ArgumentParser, front: str, **parser_options: Any) -> None:
    """Add every command offered by ``front`` as a subcommand of ``parser`` (dest ``command``);
    ``parser_options`` are passed to each subcommand's parser (e.g. ``parents``)."""
    parser_class = type(parser)
    sub_class = type(f"{parser_class.__name__}Command", (_Renaming, parser_class), {})
    sub: argparse._SubParsersAction[argparse.ArgumentParser] = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                parser_class=sub_class)
    for cmd in offered(front):
        p = sub.add_parser(cmd.name, aliases=list(cmd.aliases), help=cmd.help, description=cmd.help,
                           **{"add_help": False, **parser_options})
        if isinstance(p, _Renaming):
            p.renames = cmd.renames
        for a in cmd.args:
            p.add_argument(*a.flags, **a.options)
        p.set_defaults(command=cmd.name)  # an alias runs the command under its own name
