"""`faas notebook PATH.ipynb`: build packages from a saved notebook's `%%faas` cells (for CI)."""
from __future__ import annotations

from faas_jupyter.cli import arg, command
from faas_jupyter.magics import working


@command("notebook", arg("path", help="a saved .ipynb"),
         arg("--push", action="store_true", help="push each package as a new revision"),
         arg("-m", "--message", default="", help="revision message with --push"),
         help="build packages from every %%faas cell of a saved notebook (same digest as running them)")
def notebook(ws, args):
    built = []
    for pkg in working.packages_from_notebook(args.path).values():
        entry = {"name": pkg.name, "files": sorted(pkg.files), "modules": sorted(pkg.modules),
                 "digest": pkg.codebase.digest, "pushed": None}
        if args.push:
            entry["pushed"] = pkg.push(ws, args.message).version
        built.append(entry)
    if getattr(args, "json", False):
        return built
    return "\n".join(f"{b['name']}: {len(b['files'])} files, modules {', '.join(b['modules']) or '-'}, "
                     f"digest {b['digest'][:12]}" + (f", pushed {b['pushed']}" if b["pushed"] else "")
                     for b in built) or "no %%faas cells in this notebook"

