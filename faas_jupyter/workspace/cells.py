"""Working codebases built from `%%faas` cells, below the front ends: the magics build them live,
`faas notebook` / `%faas notebook` from a saved notebook (no IPython here).

A working package depends only on the cells applied to it and their explicit
arguments: the same cells give the same files, the same package JSON and the
same codebase digest in a live kernel and from a saved notebook.
"""
from __future__ import annotations

import argparse
import posixpath
import shlex
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from faas_jupyter.errors import ValidationError
from faas_jupyter.model.codebase import Codebase
from faas_jupyter.model.introspect import infer_module
from faas_jupyter.model.package import PackageModule

if TYPE_CHECKING:
    from faas_jupyter.workspace import Workspace
    from faas_jupyter.workspace.packages import Package


@dataclass
class WorkingPackage:
    """The files and modules that `%%faas` cells gave one package."""

    name: str
    files: dict[str, bytes] = field(default_factory=dict)
    modules: dict[str, PackageModule] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)  # file path -> "module NAME" | "file"

    @property
    def codebase(self) -> Codebase:
        return Codebase(dict(sorted(self.files.items())))

    def module_list(self) -> list[PackageModule]:
        return [self.modules[name] for name in sorted(self.modules)]

    def push(self, ws: Workspace, message: str = "", bump: str = "patch", force: bool = False) -> Package:
        """Push these files and modules as a new revision (the push and notebook commands)."""
        return ws.packages.push(package_name=self.name, codebase=self.codebase, modules=self.module_list(),
                                message=message, bump=bump, force=force)

    def add_module(self, name: str, source: str, entry: str, class_name: str, tree=None) -> list:
        """Infer module ``name`` from ``source`` (``tree``: its AST, if parsed already) and
        store it as ``entry``; returns warnings."""
        entry = normalize_path(entry)
        self._check_owner(entry, f"module {name}")
        result = infer_module(source, module_name=name, class_name=class_name,
                              entry_point=entry, filename=f"<%%faas module {name}>", tree=tree)
        self._drop_module(name)
        self.modules[name] = as_module(result.module)
        self.files[entry] = source.encode()
        self.owners[entry] = f"module {name}"
        return list(result.warnings)

    def add_file(self, path: str, source: str) -> str:
        path = normalize_path(path)
        self._check_owner(path, "file")
        self.files[path] = source.encode()
        self.owners[path] = "file"
        return path

    def _check_owner(self, path: str, owner: str) -> None:
        current = self.owners.get(path)
        if current is not None and current != owner:
            hint = " (use --entry NAME.py)" if owner.startswith("module") else ""
            raise ValidationError(
                f"'{path}' in package '{self.name}' is already {current}'s file; "
                f"choose another path{hint}")

    def _drop_module(self, name: str) -> None:
        """Re-running a module cell replaces that module's file, wherever it was."""
        for path, owner in list(self.owners.items()):
            if owner == f"module {name}":
                del self.owners[path], self.files[path]
        self.modules.pop(name, None)


def as_module(module) -> PackageModule:
    return module if isinstance(module, PackageModule) else PackageModule.from_json(module)


def normalize_path(path: str) -> str:
    """A codebase-relative posix path; refuses absolute paths and '..'."""
    clean = posixpath.normpath(path.replace("\\", "/"))
    if path.startswith("/") or clean.startswith("..") or clean in ("", "."):
        raise ValidationError(f"path '{path}' must be relative to the codebase root, like 'utils.py'")
    return clean


def cell_body(cell: str) -> str:
    """The cell text as IPython passes it to a cell magic: always ending with a newline."""
    return cell if cell.endswith("\n") else cell + "\n"


class CellArgumentError(ValidationError):
    """A `%%faas` line that does not parse."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # raise instead of exiting; front ends show one line
        raise CellArgumentError(f"{self.prog}: {message}")


def cell_parser(parser_class=None) -> argparse.ArgumentParser:
    """Arguments of a `%%faas` cell line.

    The magics pass IPython's ``MagicArgumentParser`` (errors become ``UsageError``);
    the CLI and the notebook builder use a plain strict parser.
    """
    parser_class = parser_class or _Parser
    parser = parser_class(prog="%%faas", add_help=False)
    sub = parser.add_subparsers(dest="kind", required=True, parser_class=parser_class)
    mod = sub.add_parser("module", add_help=False, help="the cell is a module's entry point")
    mod.add_argument("name", help="module name")
    mod.add_argument("--package", "-p", required=True, help="package the module belongs to")
    mod.add_argument("--entry", default="main.py", help="entry-point file (default main.py)")
    mod.add_argument("--class", dest="class_name", default="ServiceRunner",
                     help="the BaseServiceRunner subclass (default ServiceRunner)")
    mod.add_argument("--push", action="store_true", help="push a revision after the cell ran")
    mod.add_argument("-m", "--message", default="", help="revision message with --push")
    fil = sub.add_parser("file", add_help=False, help="the cell is a helper file modules share")
    fil.add_argument("path", help="file path in the codebase, e.g. utils.py")
    fil.add_argument("--package", "-p", required=True)
    return parser


def parse_cell_line(line: str) -> argparse.Namespace:
    try:
        words = shlex.split(line)
    except ValueError as err:
        raise CellArgumentError(f"%%faas: {err}") from None
    return cell_parser().parse_args(words)


def apply_cell(packages: dict[str, WorkingPackage], args: argparse.Namespace, body: str,
               tree=None) -> list:
    """Apply one parsed `%%faas` cell to the working packages; returns inference warnings.
    ``tree``: a module cell's AST when the caller parsed it already."""
    working = packages.setdefault(args.package, WorkingPackage(args.package))
    if args.kind == "module":
        return working.add_module(args.name, body, args.entry, args.class_name, tree=tree)
    working.add_file(args.path, body)
    return []


def packages_from_notebook(path) -> dict[str, WorkingPackage]:
    """Build every package from the `%%faas` cells of a saved notebook, in cell order."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    packages: dict[str, WorkingPackage] = {}
    for index, cell in enumerate(nb.cells):
        source = cell.source if cell.cell_type == "code" else ""
        if not source.startswith("%%faas"):
            continue
        first, _, body = source.partition("\n")
        try:
            apply_cell(packages, parse_cell_line(first[len("%%faas"):]), cell_body(body))
        except ValidationError as err:
            raise ValidationError(f"{path} cell {index + 1}: {err}") from None
    return packages
