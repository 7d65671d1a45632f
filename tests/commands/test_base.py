"""The command table itself: declarations, namespaces, parsers for any front end, old spellings."""
from __future__ import annotations

import argparse
import warnings

import pytest

from faas_jupyter.commands import COMMANDS, arg, command, find, offered
from faas_jupyter.commands.base import (
    add_commands,
    rename,
    to_json,
    to_text,
)


@pytest.fixture
def scratch():
    """A command registered for one test (``old`` renamed to ``--new``), removed afterwards."""
    @command("scratch-test", arg("word"), arg("--new", type=int, deprecated=("--old",)),
             arg("--flag", action="store_true"), aliases=("scratch-alias",), fronts=frozenset({"cli"}),
             text=lambda d: f"{d['word']}:{d['new']}", help="a test command")
    def scratch(ws, args):
        return {"word": args.word, "new": args.new, "flag": args.flag, "ws": ws}
    yield COMMANDS["scratch-test"]
    COMMANDS.pop("scratch-test")


def _parser(front: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="t")
    add_commands(parser, front)
    return parser


def test_a_command_called_from_python_gets_its_declared_defaults(scratch):
    assert scratch("the-ws", word="w") == {"word": "w", "new": None, "flag": False, "ws": "the-ws"}
    assert scratch.namespace(word="x", flag=True) == argparse.Namespace(word="x", new=None, flag=True)


def test_an_unknown_argument_from_python_is_refused(scratch):
    with pytest.raises(TypeError, match="no argument.*bogus"):
        scratch.namespace(word="w", bogus=1)


def test_the_parser_of_a_front_end_offers_only_its_commands(scratch):
    assert scratch in offered("cli") and scratch not in offered("magic")
    args = _parser("cli").parse_args(["scratch-test", "w", "--new", "3", "--flag"])
    assert (args.command, args.word, args.new, args.flag) == ("scratch-test", "w", 3, True)
    with pytest.raises(SystemExit):
        _parser("magic").parse_args(["scratch-test", "w"])


def test_an_alias_runs_the_command_under_its_own_name(scratch):
    assert _parser("cli").parse_args(["scratch-alias", "w"]).command == "scratch-test"
    assert find("scratch-alias") is scratch and find("run") is COMMANDS["execute"]


def test_an_old_spelling_works_and_names_the_new_flag(scratch):
    with pytest.warns(DeprecationWarning, match="--old is deprecated; use --new"):
        args = _parser("cli").parse_args(["scratch-test", "w", "--old", "4"])
    assert args.new == 4
    with pytest.warns(DeprecationWarning):
        assert _parser("cli").parse_args(["scratch-test", "w", "--old=5"]).new == 5
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the new spelling warns about nothing
        assert _parser("cli").parse_args(["scratch-test", "w", "--new", "6"]).new == 6


def test_rename_leaves_values_and_other_flags_alone():
    with pytest.warns(DeprecationWarning):
        words = rename(["--timeout", "3", "timeout", "--timeouts", "-m", "--timeout"],
                       {"--timeout": "--execution-timeout"})
    assert words == ["--execution-timeout", "3", "timeout", "--timeouts", "-m", "--execution-timeout"]


def test_the_default_text_and_json_forms():
    class Entity:
        def to_json(self):
            return {"a": 1}
    assert to_json([Entity(), 2]) == [{"a": 1}, 2]
    assert to_text("plain") == "plain" and to_text(Entity()) == '{\n  "a": 1\n}'


def test_every_declared_flag_is_spelled_once():
    """One vocabulary: a flag means one thing (its destination) in every command."""
    seen: dict[str, str] = {}
    for cmd in COMMANDS.values():
        for a in cmd.args:
            for flag in (*a.flags, *a.deprecated):
                if flag.startswith("--"):
                    assert seen.setdefault(flag, a.dest) == a.dest, (cmd.name, flag)
