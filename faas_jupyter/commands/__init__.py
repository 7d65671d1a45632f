"""Every `%faas` / `faas` command, declared once; the magics and the CLI are adapters over it.

A command is a function ``run(ws, args) -> data`` registered with :func:`command`, with its
arguments (:func:`arg`, ``argparse`` options), a text renderer and a JSON form of the data.
The CLI prints ``text(data)`` or ``json(data)`` (``--json``) and exits 1 on a ``FaasError`` or
when ``failed(data)`` says so; the magics print the text (or show a widget, their own hooks)
and turn a ``FaasError`` into one ``UsageError`` line. From Python:
``COMMANDS["push"](ws, source="shapes", message="first")``.

To add a command:

1. write it in the module of its subject (``packages.py``, ``services.py``, ``project.py``,
   ``triggers.py``, or a new module imported below)::

       @command("pause", SERVICE, text=lambda svc: f"{svc.name} paused",
                help="refuse new executions of a service")
       def pause(ws: Workspace, args: Args) -> Service:
           return ws.services.get(args.service).pause()

2. reuse the shared flags of ``flags.py`` (one spelling everywhere: ``--execution-timeout``,
   ``NAME@VERSION`` through ``PACKAGE`` + ``split_ref``); a renamed flag keeps its old spelling
   as ``arg(..., deprecated=("--old",))`` for one release;
3. ``fronts=frozenset({"cli"})`` when it makes sense in one front end only (``serve``);
4. run ``python -m faas_jupyter.commands.reference`` to regenerate the README's command table
   (``tests/commands/test_reference.py`` fails while it disagrees).

Nothing here imports IPython, ipywidgets, tornado or jupyter_server, and nothing heavy at import
(a ``%%faas`` cell loads this table without SQLAlchemy).
"""
from __future__ import annotations

from faas_jupyter.commands import packages, project, services, triggers  # noqa: F401  (importing registers)
from faas_jupyter.commands.base import (
    COMMANDS,
    Arg,
    Args,
    Command,
    arg,
    command,
    find,
    offered,
)

__all__ = ["COMMANDS", "Arg", "Args", "Command", "arg", "command", "find", "offered"]
