"""The one flag vocabulary: arguments that several commands share, and how values are read.

``NAME@VERSION`` names a revision wherever a package is an argument; ``--version`` wins.
"""
from __future__ import annotations

import json
from typing import Any

from faas_jupyter.commands.base import arg
from faas_jupyter.errors import ValidationError

PACKAGE = arg("package", help="NAME or NAME@VERSION")
NAME = arg("package", help="package name")  # where a revision means nothing (revisions, delete ...)
VERSION = arg("--version", metavar="VERSION", help="a revision (default the latest)")
MESSAGE = arg("-m", "--message", default="", help="revision message")
BUMP = arg("--bump", choices=("patch", "minor", "major"), default="patch",
           help="which part of the version to bump (default patch)")
SERVICE = arg("service", help="service name")
INIT = arg("--init", nargs="*", metavar="K=V", help="init inputs (JSON values, else strings)")
RUNTIME = arg("--runtime", choices=("kernel", "process", "dask"), help="where it runs (default kernel)")
CONCURRENCY = arg("--concurrency", type=int, metavar="N", help="executions at once (default 1)")
EXECUTION_TIMEOUT = arg("--execution-timeout", type=float, metavar="SECONDS", deprecated=("--timeout",),
                        help="seconds before an execution fails (default 3600)")
MAX_ATTEMPTS = arg("--max-attempts", type=int, metavar="N", help="attempts per execution (default 1)")
ON_RESET = arg("--on-reset", choices=("failed", "rerun"),
               help="what a lost execution becomes (default failed)")
INPUTS = arg("inputs", nargs="*", metavar="K=V", help="inputs (JSON values, else strings)")
RETURNS = arg("--returns", nargs="*", metavar="HINT", help="log hints for the outputs")


def split_ref(ref: str, version: str | None = None) -> tuple[str, str | None]:
    """``NAME@VERSION`` -> (NAME, VERSION); ``version`` (``--version``) wins when given."""
    name, _, at = ref.partition("@")
    return name, version or at or None


def parse_pairs(pairs: list[str] | None, what: str = "input") -> dict[str, Any]:
    """``["k=v", ...]`` -> dict; values are JSON when they parse, else strings."""
    out: dict[str, Any] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValidationError(f"{what} {pair!r} must look like name=value")
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


def given(**options: Any) -> dict[str, Any]:
    """The options that were given (not None): the rest keep the workspace's defaults."""
    return {k: v for k, v in options.items() if v is not None}
