"""`%faas` commands for packages and revisions (push, revisions, diff, notebook ...)."""
from __future__ import annotations

import json

from faas_jupyter import _text
from faas_jupyter.errors import NotFound
from faas_jupyter.magics import working
from faas_jupyter.magics.registry import arg, command

BUMP = arg("--bump", choices=("patch", "minor", "major"), default="patch",
           help="which part of the version to bump (default patch)")
MESSAGE = arg("-m", "--message", default="", help="revision message")


def _working(magics, name: str) -> working.WorkingPackage:
    pkg = magics.packages.get(name)
    if pkg is None or not pkg.files:
        known = ", ".join(sorted(magics.packages)) or "none yet"
        raise NotFound(f"no %%faas cells for package '{name}' in this kernel (packages with cells: {known}); "
                       f"run a `%%faas module NAME --package {name}` cell first")
    return pkg


@command("push", arg("package", help="package name"), MESSAGE, BUMP,
         arg("--force", action="store_true", help="make a revision even when nothing changed"),
         help="push the package built from this kernel's %%faas cells as a new revision")
def push(magics, args):
    before = _latest_version(magics.ws, args.package)
    pkg = _working(magics, args.package).push(magics.ws, args.message, args.bump, args.force)
    if pkg.version != before:
        print(f"{pkg.name} {pkg.version} pushed ({len(pkg.codebase.files)} files, digest {pkg.codebase.digest[:12]})")
    return None


def _latest_version(ws, name):
    try:
        return ws.packages.get(name).version
    except NotFound:
        return None


@command("update", arg("package"), MESSAGE, BUMP,
         help="make a new revision of a package with the same codebase (e.g. to record a message)")
def update(magics, args):
    pkg = magics.ws.packages.get(args.package).update(message=args.message, bump=args.bump)
    print(f"{pkg.name} {pkg.version} updated")


@command("revisions", arg("package"), help="list a package's revisions")
def revisions(magics, args):
    from faas_jupyter.widgets import show_revisions  # a RevisionBrowser, or its text table
    return show_revisions(magics.ws, args.package)


@command("diff", arg("package"), arg("a", help="from version"), arg("b", help="to version"),
         help="show what changed between two revisions (files and package JSON)")
def diff(magics, args):
    from faas_jupyter.widgets import show_diff  # coloured HTML in a rich front end, else text
    return show_diff(magics.ws, args.package, args.a, args.b)


@command("show", arg("package"), arg("--version", help="a revision (default latest)"),
         help="print a package's JSON")
def show(magics, args):
    pkg = magics.ws.packages.get(args.package, version=args.version)
    print(json.dumps(pkg.to_json(), indent=2))


@command("ls", help="list the packages of the current project")
def ls(magics, args):
    rows = [[p.name, p.version, ", ".join(m.name for m in p.modules)] for p in magics.ws.packages.list()]
    print(_text.table(rows, ["package", "version", "modules"], empty="(no packages)"))


@command("delete", arg("package"), help="delete a package and all its revisions")
def delete(magics, args):
    magics.ws.packages.delete(args.package)
    magics.packages.pop(args.package, None)
    print(f"{args.package} deleted")


@command("export", arg("package"), arg("dir", help="folder to write"), arg("--version"),
         help="write a Dataloop package folder (codebase + package.json + dataloop.json)")
def export(magics, args):
    path = magics.ws.packages.export(args.package, args.dir, version=args.version)
    print(f"{args.package} exported to {path or args.dir}")


@command("import", arg("dir", help="a Dataloop package folder"), arg("--name", help="package name"),
         MESSAGE, help="push a Dataloop package folder (package.json + codebase)")
def import_(magics, args):
    pkg = magics.ws.packages.push(src_path=args.dir, package_name=args.name, message=args.message)
    print(f"{pkg.name} {pkg.version} imported")


@command("whoami", help="who acts, in which project and workspace")
def whoami(magics, args):
    ws = magics.ws
    print(f"user {ws.user}, project {ws.project.name}, workspace {ws.settings.db_url}")


@command("workspace", arg("url", nargs="?", help="database URL or SQLite path (default: $FAAS_HOME)"),
         arg("--artifacts", help="artifact root (folder or fsspec URL)"), arg("--user", help="act as"),
         arg("--artifacts-options", metavar="JSON", help="the artifact root's fsspec storage options"),
         help="show or switch the workspace")
def workspace(magics, args):
    if args.url or args.artifacts or args.user or args.artifacts_options:
        import faas_jupyter
        magics.ws = faas_jupyter.workspace(args.url, artifacts=args.artifacts, user=args.user,
                                           storage_options=args.artifacts_options)
    return whoami(magics, args)


@command("notebook", arg("path", help="a saved .ipynb"), arg("--push", action="store_true"), MESSAGE,
         help="build packages from every %%faas cell of a saved notebook (same digest as running them)")
def notebook(magics, args):
    packages = working.packages_from_notebook(args.path)
    for pkg in packages.values():
        print(f"{pkg.name}: {len(pkg.files)} files, modules {', '.join(pkg.modules) or '-'}, "
              f"digest {pkg.codebase.digest[:12]}")
        if args.push:
            pushed = pkg.push(magics.ws, args.message)
            print(f"{pushed.name} {pushed.version} pushed")
    return None
