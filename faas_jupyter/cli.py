"""The ``faas`` command line: an adapter over :mod:`faas_jupyter.commands`.

Every command is declared there once; here the global options are added, the workspace is
opened, and the result is printed as text or as JSON (``--json``). A FaasError, or a result
that reports a failure (a failed execution, a failed local test), is one line on stderr and
exit status 1; usage errors exit 2 (argparse).
"""
from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence
from typing import Any

import faas_jupyter
from faas_jupyter.commands import COMMANDS, Command
from faas_jupyter.commands.base import add_commands
from faas_jupyter.errors import FaasError


def _globals(suppress: bool) -> argparse.ArgumentParser:
    # Accepted before or after the subcommand; after it, unset ones must not override.
    default = argparse.SUPPRESS if suppress else None
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--json", action="store_true", default=default or False,
                   help="print JSON instead of text")
    p.add_argument("--home", default=default, help="workspace home (default $FAAS_HOME)")
    p.add_argument("--db", default=default, help="database URL or SQLite path")
    p.add_argument("--artifacts", default=default, help="artifact root (folder or fsspec URL)")
    p.add_argument("--artifacts-options", default=default, metavar="JSON",
                   help="the artifact root's fsspec storage options as JSON (default $FAAS_ARTIFACTS_OPTIONS)")
    p.add_argument("--user", default=default, help="act as this user (default $FAAS_USER)")
    p.add_argument("--project", default=default, help="project (default 'default')")
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="faas", parents=[_globals(False)],
                                     description="Package, version, deploy and run functions.")
    add_commands(parser, "cli", parents=[_globals(True)], add_help=True)
    return parser


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The arguments; an old flag spelling works and says which flag replaced it."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DeprecationWarning)
        args = build_parser().parse_args(argv)
    for w in caught:
        print(f"faas: warning: {w.message}", file=sys.stderr)
    return args


def render(cmd: Command, data: Any, as_json: bool) -> str:
    if as_json:
        return json.dumps(cmd.json(data), indent=2, default=str)
    return cmd.text(data)


def _run(cmd: Command, args: argparse.Namespace) -> Any:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ws = faas_jupyter.workspace(args.db, artifacts=args.artifacts, user=args.user,
                                    home=args.home, storage_options=args.artifacts_options)
        if args.project:
            ws.use_project(args.project)
        data = cmd.run(ws, args)
    for w in caught:  # what inference had to guess, a workspace notice ...
        if issubclass(w.category, UserWarning):
            print(f"faas: warning: {w.message}", file=sys.stderr)
    return data


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    cmd = COMMANDS[args.command]
    try:
        data = _run(cmd, args)
        print(render(cmd, data, args.json))
        error = cmd.failed(data)
        if error:
            print(f"faas: error: {error}", file=sys.stderr)
            return 1
    except FaasError as exc:
        print(f"faas: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `faas ... | head`: the reader left; not our failure
        sys.stderr.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
