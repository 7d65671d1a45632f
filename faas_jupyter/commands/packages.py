"""Package commands: push, import, update, revisions, diff, show, ls, delete, export, download,
notebook."""
from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faas_jupyter.commands import tables
from faas_jupyter.commands.base import Args, arg, command
from faas_jupyter.commands.flags import BUMP, MESSAGE, NAME, PACKAGE, VERSION, split_ref
from faas_jupyter.errors import NoChangeWarning, NotFound
from faas_jupyter.workspace.cells import WorkingPackage, packages_from_notebook
from faas_jupyter.workspace.dpk import read_components as components

if TYPE_CHECKING:
    from faas_jupyter.model.entities import Revision
    from faas_jupyter.workspace import Workspace
    from faas_jupyter.workspace.packages import Package

FORCE = arg("--force", action="store_true", help="make a revision even when nothing changed")


def pushed(pkg: Package, unchanged: bool) -> dict[str, Any]:
    return {"name": pkg.name, "version": pkg.version, "pushed": not unchanged,
            "files": len(pkg.codebase.files), "digest": pkg.codebase.digest}


def pushing(push: Callable[[], Package]) -> dict[str, Any]:
    """Run ``push()``: "nothing changed" becomes data (``pushed``: False); other warnings (what
    inference had to guess, what a dataloop.json lists that was not deployed) go on to the front end."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", NoChangeWarning)
        pkg = push()
    for w in caught:
        if not issubclass(w.category, NoChangeWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return pushed(pkg, any(issubclass(w.category, NoChangeWarning) for w in caught))


def push_text(d: dict[str, Any]) -> str:
    if not d["pushed"]:
        return f"{d['name']} is unchanged at {d['version']}; nothing pushed (--force pushes anyway)"
    return f"{d['name']} {d['version']} pushed ({d['files']} files, digest {d['digest'][:12]})"


def working(cells: dict[str, WorkingPackage], name: str) -> WorkingPackage:
    pkg = cells.get(name)
    if pkg is None or not pkg.files:
        known = ", ".join(sorted(cells)) or "none yet"
        raise NotFound(f"no %%faas cells for package '{name}' in this kernel (packages with cells: {known}); "
                       f"run a `%%faas module NAME --package {name}` cell first")
    return pkg


def _push(ws: Workspace, args: Args) -> Package:
    cells = getattr(args, "cells", None)  # the magics' working packages; None outside a kernel
    if cells is not None and (args.source in cells or not Path(args.source).is_dir()):
        return working(cells, args.source).push(ws, args.message, args.bump, args.force)
    return ws.packages.push(args.source, package_name=args.name, message=args.message,
                            bump=args.bump, force=args.force)


@command("push", arg("source", metavar="PACKAGE|DIR",
                     help="a package of this kernel's %%faas cells, or a codebase folder "
                          "(package.json there, else modules inferred)"),
         arg("--name", help="package name of a folder (default package.json's, else the folder's)"),
         MESSAGE, BUMP, FORCE, text=push_text,
         help="push a new revision from this kernel's %%faas cells or from a folder")
def push(ws: Workspace, args: Args) -> dict[str, Any]:
    return pushing(lambda: _push(ws, args))


def import_text(d: dict[str, Any]) -> str:
    text = push_text(d)
    if "services" in d:
        text += (f"; deployed {len(d['services'])} service(s) with {len(d['triggers'])} trigger(s) "
                 "from dataloop.json")
    return text


@command("import", arg("dir", help="a Dataloop package folder (package.json + codebase)"),
         arg("--name", help="package name (default package.json's)"), MESSAGE,
         arg("--deploy", action="store_true",
             help="also deploy the services its dataloop.json lists and create their triggers"),
         text=import_text, help="push a Dataloop package folder")
def import_(ws: Workspace, args: Args) -> dict[str, Any]:
    out = pushing(lambda: ws.packages.import_folder(args.dir, package_name=args.name,
                                                    message=args.message, deploy=args.deploy))
    if args.deploy:
        found = components(args.dir)
        out.update(services=[s["name"] for s in found["services"]],
                   triggers=[t.get("name") for t in found["triggers"]])
    return out


@command("update", NAME, MESSAGE, BUMP,
         text=lambda pkg: f"{pkg.name} {pkg.version} updated",
         help="make a new revision of a package with the same codebase (e.g. to record a message)")
def update(ws: Workspace, args: Args) -> Package:
    return ws.packages.get(args.package).update(message=args.message, bump=args.bump)


@dataclass(frozen=True)
class Revisions:
    package: str
    revisions: list[Revision]


@command("revisions", NAME, text=lambda r: tables.revisions_text(r.package, r.revisions),
         json=lambda r: [rev.to_json() for rev in r.revisions],
         help="list a package's revisions (widgets: a revision browser)")
def revisions(ws: Workspace, args: Args) -> Revisions:
    return Revisions(args.package, list(ws.packages.revisions(args.package)))


@command("diff", NAME, arg("a", help="from version"), arg("b", nargs="?", help="to version (default the latest)"),
         text=lambda d: d.unified or "(no differences)",
         help="show what changed between two revisions (files and package JSON)")
def diff(ws: Workspace, args: Args) -> Any:
    return ws.packages.get(args.package).diff(args.a, args.b)


@command("show", PACKAGE, VERSION, text=lambda pkg: json.dumps(pkg.to_json(), indent=2),
         help="print a package's JSON at a revision")
def show(ws: Workspace, args: Args) -> Package:
    return ws.packages.get(*split_ref(args.package, args.version))


def _ls_json(packages: list[Package]) -> list[dict[str, Any]]:
    return [{"name": p.name, "version": p.version, "modules": [m.name for m in p.modules]} for p in packages]


@command("ls", text=tables.packages_text, json=_ls_json, help="list the packages of the project")
def ls(ws: Workspace, args: Args) -> list[Package]:
    return list(ws.packages.list())


@command("delete", NAME, text=lambda d: f"{d['deleted']} deleted",
         help="delete a package and all its revisions")
def delete(ws: Workspace, args: Args) -> dict[str, str]:
    ws.packages.delete(args.package)
    return {"deleted": args.package}


def _written(verb: str) -> Any:
    return lambda d: f"{d['name']} {d['version']} {verb} {d['dir']}"


@command("export", PACKAGE, arg("dir", help="folder to write"), VERSION, text=_written("exported to"),
         help="write a Dataloop package folder: codebase + package.json + dataloop.json")
def export(ws: Workspace, args: Args) -> dict[str, Any]:
    name, version = split_ref(args.package, args.version)
    path = ws.packages.export(name, args.dir, version=version)
    return {"name": name, "version": ws.packages.get(name, version).version, "dir": str(path or args.dir)}


@command("download", PACKAGE, arg("dir", help="folder to write"), VERSION,
         arg("--zip", action="store_true",
             help="write DIR/VERSION.zip (the codebase item Dataloop code downloads) instead of files"),
         text=_written("written to"), help="write a revision's codebase files into DIR")
def download(ws: Workspace, args: Args) -> dict[str, Any]:
    pkg = ws.packages.get(*split_ref(args.package, args.version))
    if args.zip:  # the same bytes as ws.items.get(item_id=pkg.codebase_id).download(DIR)
        path = str(ws.items.get(item_id=pkg.codebase_id).download(local_path=args.dir))
    else:
        path = str(pkg.codebase.download(args.dir))
    return {"name": pkg.name, "version": pkg.version, "dir": path}


def _built_text(built: list[dict[str, Any]]) -> str:
    return "\n".join(f"{b['name']}: {len(b['files'])} files, modules {', '.join(b['modules']) or '-'}, "
                     f"digest {b['digest'][:12]}" + (f", pushed {b['pushed']}" if b["pushed"] else "")
                     for b in built) or "no %%faas cells in this notebook"


@command("notebook", arg("path", help="a saved .ipynb"),
         arg("--push", action="store_true", help="push each package as a new revision"),
         arg("-m", "--message", default="", help="revision message with --push"), text=_built_text,
         help="build packages from every %%faas cell of a saved notebook (same digest as running them)")
def notebook(ws: Workspace, args: Args) -> list[dict[str, Any]]:
    built = []
    for pkg in packages_from_notebook(args.path).values():
        entry = {"name": pkg.name, "files": sorted(pkg.files), "modules": sorted(pkg.modules),
                 "digest": pkg.codebase.digest, "pushed": None}
        if args.push:
            entry["pushed"] = pkg.push(ws, args.message).version
        built.append(entry)
    return built
