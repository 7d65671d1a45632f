"""The README documents the commands as declared: the generated table, and every `%faas` /
`faas` example in it uses a command and flags that exist (not an old spelling)."""
from __future__ import annotations

import argparse
import re
import shlex

from faas_jupyter.cli import _globals
from faas_jupyter.commands import COMMANDS, find
from faas_jupyter.commands.reference import README, block, table, usage
from faas_jupyter.workspace.cells import cell_parser


def test_the_readme_table_is_the_generated_one():
    assert block(README.read_text()) == table(), \
        "README.md's command table is stale: run python -m faas_jupyter.commands.reference"


def test_usage_shows_positionals_then_options():
    assert usage(COMMANDS["push"]).startswith("push PACKAGE|DIR [--name NAME] [-m MESSAGE]")
    assert "[--execution-timeout SECONDS]" in usage(COMMANDS["deploy"])
    assert usage(COMMANDS["executions"]).startswith("executions [SERVICE]")


GLOBAL = {flag: action.nargs != 0 for action in _globals(False)._actions for flag in action.option_strings}


def _examples(text: str):
    """(front, words) of every `%faas ...` / `faas ...` in code spans and code blocks."""
    spans = re.findall(r"`([^`\n]+)`", text) + re.findall(r"^\s*(%?faas [^#\n]*)", text, re.MULTILINE)
    for span in spans:
        for match in re.finditer(r"(?:^|\s)(%faas|faas) ([^/|]+)", span):
            try:
                words = shlex.split(match.group(2).replace("...", ""))
            except ValueError:
                continue
            yield ("magic" if match.group(1) == "%faas" else "cli"), words


def _command_and_flags(front: str, words: list[str]):
    while front == "cli" and words and words[0] in GLOBAL:  # `faas --db URL serve`
        words = words[1 + GLOBAL[words[0]]:]
    flags = [w.strip("[]").split("=")[0] for w in words[1:] if w.strip("[]").startswith("-")]
    return (words[0] if words else None), flags


TYPOS = {"deplyo"}  # the README shows what a mistyped command does


def test_every_readme_example_uses_declared_commands_and_flags():
    wrong, checked = [], set()
    for front, words in _examples(README.read_text()):
        name, flags = _command_and_flags(front, words)
        if name is None or not re.fullmatch(r"[a-z][a-z-]*", name) or name in TYPOS:
            continue  # `faas serve: hosting ...` output, prose
        checked.add((front, name))
        cmd = find(name)
        if cmd is None or front not in cmd.fronts:
            wrong.append(f"{front}: no command {name!r} ({' '.join(words)})")
            continue
        known = {f for a in cmd.args for f in a.flags} | (set(GLOBAL) if front == "cli" else set())
        wrong += [f"{front} {name}: flag {f} is not declared" for f in flags if f not in known]
    assert not wrong, "\n".join(wrong)
    assert {("magic", "push"), ("magic", "deploy"), ("cli", "serve"), ("cli", "gc")} <= checked


def _cell_flags() -> dict[str, set[str]]:
    """The flags of each `%%faas KIND` cell line, from the cell parser itself."""
    parser = cell_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {kind: {f for a in p._actions for f in a.option_strings} for kind, p in sub.choices.items()}


def test_every_readme_cell_line_uses_declared_flags():
    flags, wrong, seen = _cell_flags(), [], set()
    for span in re.findall(r"`(%%faas [^`\n]+)`", README.read_text()):
        words = span.split()[1:]
        if not words or words[0] not in flags:
            continue
        seen.add(words[0])
        used = {w.strip("[]") for w in words[1:] if w.strip("[]").startswith("-")}
        wrong += [f"%%faas {words[0]}: flag {f} is not declared" for f in used - flags[words[0]]]
    assert not wrong, "\n".join(wrong)
    assert seen == {"module", "file"}
