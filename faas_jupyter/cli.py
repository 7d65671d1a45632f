"""The ``faas`` command line: push, revisions, show, diff, export/import ... outside Jupyter.

Each subcommand is one function registered with ``@command``; it gets the workspace and
the parsed arguments and returns something printable (text) or JSON-able (``--json``).
More commands (deploy, execute, test) register the same way from their own modules,
listed in ``COMMAND_MODULES``. A FaasError becomes one line on stderr and exit status 1;
usage errors exit 2 (argparse).
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from faas_jupyter import _text
from faas_jupyter.errors import FaasError, NoChangeWarning, TypeInferenceWarning

# modules whose import registers more @command functions (e.g. "faas_jupyter.cli_services")
COMMAND_MODULES: list[str] = ["faas_jupyter.cli_notebook", "faas_jupyter.cli_services",
                               "faas_jupyter.cli_serve"]


@dataclass
class Command:
    name: str
    func: Callable[[Any, argparse.Namespace], Any]
    args: tuple
    help: str


COMMANDS: dict[str, Command] = {}


def arg(*names, **kwargs) -> tuple:
    """One ``add_argument`` call, for ``@command``."""
    return names, kwargs


def command(name: str, *args: tuple, help: str = ""):
    """Register ``func(ws, args)`` as ``faas NAME``; ``args`` are ``arg(...)`` declarations."""
    def register(func):
        COMMANDS[name] = Command(name, func, args, help or (func.__doc__ or "").strip())
        return func
    return register


def _split_ref(ref: str, version: str | None = None) -> tuple[str, str | None]:
    """``NAME@VERSION`` -> (NAME, VERSION); ``--version`` wins when given."""
    name, _, at = ref.partition("@")
    return name, version or at or None


# -- package commands -------------------------------------------------------------------------
MESSAGE = arg("-m", "--message", default="", help="revision message")
BUMP = arg("--bump", choices=("patch", "minor", "major"), default="patch",
           help="which part of the version to bump (default patch)")
VERSION = arg("--version", help="a revision (default the latest)")


@command("push", arg("dir", help="codebase folder (package.json there, else modules inferred)"),
         arg("--name", help="package name (default: package.json's, else the folder's)"), MESSAGE,
         BUMP, arg("--force", action="store_true", help="make a revision even if nothing changed"),
         help="push a folder as a new revision of a package")
def push(ws, args):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", NoChangeWarning)
        pkg = ws.packages.push(args.dir, package_name=args.name, message=args.message,
                               bump=args.bump, force=args.force)
    unchanged = any(issubclass(w.category, NoChangeWarning) for w in caught)
    for w in caught:  # what inference had to guess, as %%faas shows it
        if issubclass(w.category, TypeInferenceWarning):
            print(f"warning: {w.message}", file=sys.stderr)
    return {"name": pkg.name, "version": pkg.version, "pushed": not unchanged,
            "files": len(pkg.codebase.files), "digest": pkg.codebase.digest}


def _push_text(d: dict) -> str:
    if not d["pushed"]:
        return f"{d['name']} is unchanged at {d['version']}; nothing pushed (--force pushes anyway)"
    return f"{d['name']} {d['version']} pushed ({d['files']} files, digest {d['digest'][:12]})"


@command("import", arg("dir", help="a Dataloop package folder (package.json + codebase)"),
         arg("--name", help="package name (default package.json's)"), MESSAGE,
         help="push a Dataloop package folder")
def import_(ws, args):
    args.bump, args.force = "patch", False
    return push(ws, args)


@command("revisions", arg("package"), help="list a package's revisions, oldest first")
def revisions(ws, args):
    return [r.to_json() for r in ws.packages.revisions(args.package)]


def _revisions_text(rows: list[dict]) -> str:
    def files(ch):
        return ", ".join(f"{k} {len(ch.get(k) or [])}" for k in ("added", "changed", "removed")
                         if ch.get(k)) or "-"
    return _text.table([[r["version"], r["createdAt"], r["creator"], r["message"],
                         files(r["changes"])] for r in rows],
                       ["version", "created", "author", "message", "files"])


@command("show", arg("package", help="NAME or NAME@VERSION"), VERSION,
         help="print a package's JSON at a revision")
def show(ws, args):
    return ws.packages.get(*_split_ref(args.package, args.version)).to_json()


@command("ls", help="list the packages of the project")
def ls(ws, args):
    return [{"name": p.name, "version": p.version, "modules": [m.name for m in p.modules]}
            for p in ws.packages.list()]


@command("diff", arg("package"), arg("a", help="from version"), arg("b", help="to version"),
         help="show what changed between two revisions (files and package JSON)")
def diff(ws, args):
    return ws.packages.get(args.package).diff(args.a, args.b).to_json()


@command("download", arg("package", help="NAME or NAME@VERSION"), arg("dir"), VERSION,
         arg("--zip", action="store_true",
             help="write DIR/VERSION.zip (the codebase item Dataloop code downloads) instead of files"),
         help="write a revision's codebase files into DIR")
def download(ws, args):
    pkg = ws.packages.get(*_split_ref(args.package, args.version))
    if args.zip:  # the same bytes as ws.items.get(item_id=pkg.codebase_id).download(DIR)
        path = ws.items.get(item_id=pkg.codebase_id).download(local_path=args.dir)
        return {"name": pkg.name, "version": pkg.version, "dir": path}
    return {"name": pkg.name, "version": pkg.version, "dir": str(pkg.codebase.download(args.dir))}


@command("export", arg("package", help="NAME or NAME@VERSION"), arg("dir"), VERSION,
         help="write a Dataloop package folder: codebase + package.json + dataloop.json")
def export(ws, args):
    name, version = _split_ref(args.package, args.version)
    path = ws.packages.export(name, args.dir, version=version)
    return {"name": name, "version": ws.packages.get(name, version).version, "dir": str(path)}


@command("delete", arg("package"), help="delete a package and all its revisions")
def delete(ws, args):
    ws.packages.delete(args.package)
    return {"deleted": args.package}


@command("members", arg("--add", metavar="USER", help="add USER (with --role)"),
         arg("--role", default="developer",
             help="owner, developer, annotationManager or annotator, or Dataloop's names "
                  "('Project Owner', 'Annotation Manager' ...) (default developer)"),
         arg("--remove", metavar="USER", help="remove USER"),
         help="list (or change) the members of the project")
def members(ws, args):
    if args.add:
        ws.project.members.add(args.add, role=args.role)
    if args.remove:
        ws.project.members.remove(args.remove)
    return [m.to_json() for m in ws.project.members.list()]


@command("whoami", help="who acts, in which project and workspace")
def whoami(ws, args):
    return {"user": ws.user, "project": ws.project.name, "role": ws.project.role_of(ws.user),
            "db": ws.store.safe_url, "artifacts": ws.settings.artifacts}


@command("gc", arg("--min-age", type=float, default=3600.0,
                    help="keep unreferenced artifacts younger than this many seconds (default 3600)"),
         arg("--dry-run", action="store_true", help="report what would be removed, remove nothing"),
         help="remove stale temp files, unreferenced artifacts and unused codebase blobs")
def gc(ws, args):
    report = ws.gc(min_age=args.min_age, dry_run=args.dry_run, quiet=True)
    return report.to_json() if args.json else str(report)


_TEXT: dict[str, Callable[[Any], str]] = {
    "push": _push_text, "import": _push_text, "revisions": _revisions_text,
    "ls": lambda rows: _text.table([[r["name"], r["version"], ", ".join(r["modules"])] for r in rows],
                                   ["package", "version", "modules"], empty="(no packages)"),
    "diff": lambda d: "".join([*(d["unified"][p] for p in sorted(d["unified"])),
                               d["specUnified"]]) or "(no differences)",
    "members": lambda rows: _text.table([[m["user"], m["role"]] for m in rows], ["user", "role"]),
    "whoami": lambda d: (f"user {d['user']} ({d['role'] or 'not a member'}), project "
                         f"{d['project']}, db {d['db']}, artifacts {d['artifacts']}"),
    "delete": lambda d: f"{d['deleted']} deleted",
    "download": lambda d: f"{d['name']} {d['version']} written to {d['dir']}",
    "export": lambda d: f"{d['name']} {d['version']} exported to {d['dir']}",
}


# -- main -------------------------------------------------------------------------------------
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
    for module in COMMAND_MODULES:
        importlib.import_module(module)
    parser = argparse.ArgumentParser(prog="faas", parents=[_globals(False)],
                                     description="Package, version, deploy and run functions.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for cmd in COMMANDS.values():
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help,
                           parents=[_globals(True)])
        for names, kwargs in cmd.args:
            p.add_argument(*names, **kwargs)
    return parser


def _render(name: str, result: Any, as_json: bool) -> str:
    if as_json:
        return json.dumps(result, indent=2, default=str)
    if name in _TEXT:
        return _TEXT[name](result)
    return result if isinstance(result, str) else json.dumps(result, indent=2, default=str)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    import faas_jupyter
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ws = faas_jupyter.workspace(args.db, artifacts=args.artifacts, user=args.user,
                                        home=args.home, storage_options=args.artifacts_options)
            if args.project:
                ws.use_project(args.project)
            result = COMMANDS[args.command].func(ws, args)
        for w in caught:
            if issubclass(w.category, UserWarning):
                print(f"faas: {w.message}", file=sys.stderr)
        print(_render(args.command, result, args.json))
    except FaasError as exc:
        print(f"faas: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `faas ... | head`: the reader left; not our failure
        sys.stderr.close()
    return 0


if __name__ == "__main__":
    # `python -m faas_jupyter.cli`: run the imported module, where command modules register
    from faas_jupyter.cli import main as _main
    sys.exit(_main())
