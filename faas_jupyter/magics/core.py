"""`%faas` and `%%faas`: parse strictly, call the workspace, show the result.

A user mistake (bad flag, unknown package, invalid module) is one ``UsageError``
line; anything else is a real bug and keeps its traceback.
"""
from __future__ import annotations

import ast
import sys
import warnings

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import MagicArgumentParser

from faas_jupyter.commands import COMMANDS, Args, Command, offered
from faas_jupyter.commands.base import add_commands
from faas_jupyter.commands.reference import usage
from faas_jupyter.errors import FaasError, NoChangeWarning, ValidationError
from faas_jupyter.magics import hooks
from faas_jupyter.model import cell_origins
from faas_jupyter.model.introspect import parse_source
from faas_jupyter.workspace import cells as working


def line_parser() -> MagicArgumentParser:
    parser = MagicArgumentParser(prog="%faas", add_help=False,
                                 description="Package, version, deploy and run functions from a notebook.")
    add_commands(parser, "magic")
    return parser


def _split(line: str) -> list[str]:
    from IPython.utils.process import arg_split
    return arg_split(line, posix=True)


def check_command(words: list[str]) -> None:
    """An unknown subcommand names the nearest known one (``deplyo`` -> ``deploy``)."""
    names = [n for c in offered("magic") for n in (c.name, *c.aliases)]
    if not words or words[0].startswith("-") or words[0] in names:
        return
    import difflib
    near = difflib.get_close_matches(words[0], names, n=1, cutoff=0.6)
    hint = f"did you mean %faas {near[0]}?" if near else f"use one of: {', '.join(sorted(names))}"
    raise UsageError(f"%faas has no command {words[0]!r}; {hint} (%faas? lists them)")


def user_error(err: Exception, cell_offset: int = 0) -> UsageError:
    """One line that names the thing and the fix; cell lines count the magic line."""
    if isinstance(err, ValidationError) and err.line is not None:
        return UsageError(f"cell line {err.line + cell_offset}: {err.message}")
    return UsageError(str(err))


@magics_class
class FaasMagics(Magics):
    def __init__(self, shell):
        super().__init__(shell)
        self._ws = None
        self.packages: dict[str, working.WorkingPackage] = {}
        self.line_parser = line_parser()
        self.cell_parser = working.cell_parser(MagicArgumentParser)
        self._cell_lines: dict = {}

    @property
    def ws(self):
        if self._ws is None:
            from faas_jupyter.workspace import workspace  # the package: the root imports the magics
            self._ws = workspace()
        return self._ws

    @ws.setter
    def ws(self, value):
        self._ws = value

    @line_magic("faas")
    def faas(self, line: str):
        words = _split(line)
        check_command(words)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DeprecationWarning)
            args = self.line_parser.parse_args(words)
        for w in caught:  # an old flag spelling: it works, and says which flag replaced it
            print(f"%faas: {w.message}", file=sys.stderr)
        return self.run(COMMANDS[args.command], args)

    def run(self, cmd: Command, args: Args):
        """Show the command's widget, or run it and print its text (or show what it returned)."""
        args.cells = self.packages  # push and delete know this kernel's %%faas packages
        try:
            widget = hooks.widget(self.ws, cmd.name, args)
            if widget is not None:
                return widget
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", NoChangeWarning)
                data = cmd.run(self.ws, args)
            for w in caught:
                if issubclass(w.category, NoChangeWarning):
                    print(w.message)
                else:
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            return self._show(cmd, args, data)
        except FaasError as err:
            raise user_error(err) from None

    def _show(self, cmd: Command, args: Args, data):
        if cmd.name in hooks.AFTER:
            hooks.AFTER[cmd.name](self, args, data)
        if cmd.name in hooks.DISPLAY:
            return hooks.DISPLAY[cmd.name](data)
        text = cmd.text(data)
        if text:
            print(text)
        error = cmd.failed(data)
        if error:
            raise UsageError(error)
        return None

    @cell_magic("faas")
    def faas_cell(self, line: str, cell: str):
        args = self._parse_cell_line(line)
        body = working.cell_body(cell)
        try:
            tree = parse_source(body, f"<%%faas module {args.name}>") if args.kind == "module" else None
            inferred, inference_warnings = self._infer(args, body, tree)
        except FaasError as err:
            raise user_error(err, cell_offset=1) from None
        if args.kind == "module":
            if self._run_tree(line, body, tree):
                return None  # the cell's own traceback is shown; nothing is recorded
        elif args.path.endswith(".py"):
            try:
                _install_helper(args.path, body)
            except SyntaxError as err:
                raise UsageError(f"cell line {(err.lineno or 0) + 1}: {err.msg}") from None
        self.packages[args.package] = inferred
        path = args.entry if args.kind == "module" else args.path
        cell_origins.remember(args.package, working.normalize_path(path), f"In[{self.shell.execution_count}]")
        self._report(args, inferred, inference_warnings)
        if args.kind == "module" and args.push:
            push = COMMANDS["push"]
            return self.run(push, push.namespace(source=args.package, message=args.message))
        return None

    def _parse_cell_line(self, line: str):
        """The cell line's arguments; a line seen before (a re-run cell) is not parsed again."""
        args = self._cell_lines.get(line)
        if args is None:
            args = self.cell_parser.parse_args(_split(line))
            if len(self._cell_lines) < 256:
                self._cell_lines[line] = args
        return args

    def _infer(self, args, body: str, tree=None) -> tuple[working.WorkingPackage, list]:
        """Apply the cell to a copy, so a rejected cell leaves the working package untouched."""
        from faas_jupyter.model.introspect import inference_context
        current = self.packages.get(args.package) or working.WorkingPackage(args.package)
        trial = working.WorkingPackage(current.name, dict(current.files), dict(current.modules),
                                       dict(current.owners))
        with inference_context(self._packable_types()):  # a packager's type is an Item input
            return trial, working.apply_cell({args.package: trial}, args, body, tree=tree)

    def _packable_types(self) -> set[str]:
        """The packagers' types: the project's once its workspace is open; before that the
        builtin ones, so a `%%faas` cell neither imports SQLAlchemy nor opens the store."""
        if self._ws is None:
            return _builtin_packable_types()
        try:
            return self.ws.packagers.manager.packable_type_names()
        except FaasError:  # no workspace to ask: the builtin types only
            return set()

    def _run_tree(self, line: str, body: str, tree) -> bool:
        """Run the module cell's already-parsed AST in the user namespace, as the cell itself
        (tracebacks show the cell's own line numbers, a last expression is displayed); True
        if it raised.

        This is what ``run_cell(body)`` would do after tokenizing and parsing the body a second
        time; a module cell is plain Python (it was just parsed as such), so nothing is lost.
        """
        shell = self.shell
        cell = f"%%faas {line}\n{body}"
        filename = shell.compile.cache(cell, shell.execution_count, raw_code=cell)
        ast.increment_lineno(tree, 1)  # inference is done: now count the %%faas line too
        nodes = shell.transform_ast(tree).body
        if not nodes:
            return False
        return _sync(shell.run_ast_nodes(nodes, filename, interactivity="last_expr", compiler=shell.compile))

    def _report(self, args, pkg: working.WorkingPackage, inference_warnings: list) -> None:
        for w in inference_warnings:
            line = f"cell line {w.line + 1}: " if getattr(w, "line", None) else ""
            print(f"warning: {line}{w.message}")
        if args.kind == "file":
            print(f"{args.package}: file {working.normalize_path(args.path)} ({len(pkg.files)} files)")
            return
        module = pkg.modules[args.name]
        names = ", ".join(f.name for f in module.functions) or "no functions"
        print(f"{args.package}: module {module.name} ({module.entry_point}, {module.class_name}): {names}")


_BUILTIN_TYPES: set[str] | None = None


def _builtin_packable_types() -> set[str]:
    global _BUILTIN_TYPES
    if _BUILTIN_TYPES is None:
        from faas_jupyter.packagers.manager import PackagersManager
        _BUILTIN_TYPES = PackagersManager().packable_type_names()
    return _BUILTIN_TYPES


def _sync(coroutine):
    """Drive one of IPython's coroutines that never awaits (plain, non-async cell code)."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise RuntimeError("a %%faas module cell cannot await at top level")


def _install_helper(path: str, source: str) -> None:
    """Make a `%%faas file x.py` helper importable in the kernel, as it will be when deployed."""
    import sys
    import types
    name = working.normalize_path(path)[:-3].replace("/", ".")
    module = types.ModuleType(name)
    module.__file__ = f"<%%faas file {path}>"
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    sys.modules[name] = module


def _docstrings() -> None:
    lines = "\n".join(f"%faas {usage(cmd)}\n    {cmd.help}" for cmd in offered("magic"))
    FaasMagics.faas.__doc__ = "Package, version, deploy and run functions.\n\nCommands:\n" + lines
    FaasMagics.faas_cell.__doc__ = working.cell_parser(MagicArgumentParser).format_help() + """
%%faas module NAME --package PKG: the cell runs as a normal cell and its exact source becomes
the module's entry-point file in PKG's working codebase; the module JSON (functions, inputs,
outputs, initInputs) is inferred from the class with `ast`.
%%faas file PATH --package PKG: the cell becomes a helper file the modules share."""


_docstrings()
