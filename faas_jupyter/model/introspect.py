"""Infer a module's package JSON from its source with ``ast``; the user's code is never imported.

Rules (spec section 3):

- The class named ``class_name`` must be a top-level class subclassing ``BaseServiceRunner``
  (bare, ``faas.``/``faas_jupyter.``, or Dataloop's ``dl.``/``dtlpy.``), directly or through
  another class of the same source.
- Functions are the public methods (names not starting with ``_``), including those inherited
  from classes of the same source. ``@staticmethod``/``@classmethod`` methods count (their
  ``self``/``cls`` is skipped as usual); ``@property`` and ``*.setter`` do not, since they are
  not callable. ``__init__`` parameters are ``initInputs``. The first docstring paragraph is
  the description.
- ``progress`` and ``context`` are injected by the runner, never inputs. ``*args`` and
  ``**kwargs`` are not inputs (a warning says so); keyword-only parameters are inputs;
  positional-only ones are an error, because executions pass inputs by name.
- Types come from annotations (see :mod:`.introspect_types`), else from Dataloop's parameter
  names (``item`` -> Item, ``items`` -> Item[] ...), else Json.
- A default is recorded as ``defaultValue`` (a JSON literal; other defaults as their source
  text, with a warning). Executions may omit such inputs; Python's own default then applies.
- Outputs: ``-> T`` gives ``[{"name": "output", "type": T}]``; ``-> tuple[A, B]`` gives
  ``output_0``, ``output_1``; ``-> tuple[T, ...]`` gives one ``output`` of ``T[]``;
  ``-> None`` or no annotation gives ``[]``.
- A ``# faas:`` comment block, or ``declared`` module JSON, declares functions by hand; see
  :mod:`.introspect_declared`.

Line numbers are relative to ``source``. Messages do not contain them: ``ValidationError.line``
and ``InferenceWarning.line`` carry them, and front ends add the cell offset.
"""
from __future__ import annotations

import ast
import contextvars
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from ..errors import ValidationError
from . import introspect_types as T
from .introspect_declared import (DeclaredModule, check_declared, declared_from_block,
                                  declared_from_json, merge_declared)
from .package import MISSING, FunctionIO, PackageFunction, PackageModule

__all__ = ["InferenceWarning", "InferenceResult", "infer_module", "infer_package_modules",
           "check_declared", "inference_context", "RUNNER_BASE"]

RUNNER_BASE = "BaseServiceRunner"
_Fn = ast.FunctionDef | ast.AsyncFunctionDef
_RUNNER_HOMES = ("", "faas.", "faas_jupyter.", "faas_jupyter.model.",
                 "faas_jupyter.model.service_runner.", "dtlpy.", "dtlpy.utilities.")
INJECTED = frozenset({"progress", "context"})
_NOT_CALLABLE = frozenset({"property", "functools.cached_property", "cached_property",
                           "abc.abstractproperty"})


@dataclass(frozen=True)
class InferenceWarning:
    """Something inference had to guess; ``str()`` reads ``line 7: annotation 'Foo' of ...``."""

    message: str
    line: int | None = None
    filename: str | None = None

    def __str__(self) -> str:
        where = " ".join(p for p in (self.filename, f"line {self.line}" if self.line else None) if p)
        return f"{where}: {self.message}" if where else self.message


@dataclass
class InferenceResult:
    module: PackageModule
    warnings: list[InferenceWarning] = field(default_factory=list)


@dataclass
class _Context:
    aliases: dict[str, str]
    warnings: list[InferenceWarning] = field(default_factory=list)
    lines: dict[tuple[str, str | None], int] = field(default_factory=dict)
    var_keyword: set[str] = field(default_factory=set)

    def warn(self, message: str, line: int | None) -> None:
        self.warnings.append(InferenceWarning(message, line))


_COLLECTED: contextvars.ContextVar[list[Any] | None] = contextvars.ContextVar("faas_inference_warnings",
                                                                        default=None)


@contextmanager
def inference_context(packable_types: Iterable[str] = ()) -> Iterator[list[Any]]:
    """Infer with the packagers' types known (an annotation of one is an Item input) and
    collect the warnings of every module inferred meanwhile (``ws.packages.push`` shows them)."""
    types_token = T.PACKABLE_TYPES.set(frozenset(packable_types))
    collected: list[InferenceWarning] = []
    warnings_token = _COLLECTED.set(collected)
    try:
        yield collected
    finally:
        _COLLECTED.reset(warnings_token)
        T.PACKABLE_TYPES.reset(types_token)


def infer_module(source: str, *, module_name: str = "default_module", class_name: str = "ServiceRunner",
                 entry_point: str = "main.py", filename: str = "<cell>",
                 declared: dict[str, Any] | PackageModule | None = None, tree: ast.Module | None = None) -> InferenceResult:
    """The module JSON of ``class_name`` in ``source``, merged with what is declared by hand.

    ``tree``: ``parse_source(source)`` when the caller parsed it already (the ``%%faas`` magic
    runs that same tree, so a cell is parsed once); it is only read here.
    """
    tree = parse_source(source, filename) if tree is None else tree
    ctx = _Context(T.import_aliases(tree))
    classes = _top_level_classes(tree)
    cls = _runner_class(classes, class_name, ctx.aliases)
    methods = _methods(cls, classes)
    init = methods.pop("__init__", None)
    inferred = {"name": module_name, "entryPoint": entry_point, "className": class_name,
                "initInputs": _inputs(init, "__init__", ctx) if init else [],
                "functions": [_function(fn, ctx) for name, fn in methods.items() if _is_function(fn, name)]}
    wanted = _declarations(source, declared)
    if wanted is not None:
        check_declared(wanted.module, inferred, lines=ctx.lines, var_keyword=ctx.var_keyword,
                       declared_line=wanted.line, class_name=class_name)
        inferred = merge_declared(inferred, wanted.module)
    module = _validated(inferred, wanted)
    real_file = None if filename.startswith("<") else filename
    warnings = [InferenceWarning(w.message, w.line, real_file) for w in ctx.warnings]
    collected = _COLLECTED.get()
    if collected is not None:
        collected.extend(warnings)
    return InferenceResult(module, warnings)


def parse_source(source: str, filename: str = "<cell>") -> ast.Module:
    """``ast.parse``; a SyntaxError becomes a ValidationError at its line, quoting the text."""
    try:
        return ast.parse(source, filename=filename)
    except SyntaxError as exc:
        text = (exc.text or "").strip()
        quoted = f": {text!r}" if text else ""
        raise ValidationError(f"syntax error: {exc.msg}{quoted}", line=exc.lineno) from None
    except ValueError as exc:  # e.g. a NUL byte in the source
        raise ValidationError(f"the source cannot be parsed: {exc}") from None


def _top_level_classes(tree: ast.Module) -> dict[str, ast.ClassDef]:
    return {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}


def _runner_class(classes: dict[str, ast.ClassDef], class_name: str, aliases: dict[str, str]) -> ast.ClassDef:
    cls = classes.get(class_name)
    if cls is None:
        defined = ", ".join(classes) or "none"
        raise ValidationError(f"no class {class_name!r} in the cell; classes defined: {defined}", line=None)
    if not is_runner_class(cls, classes, aliases):
        raise ValidationError(
            f"class {class_name!r} does not subclass {RUNNER_BASE}; write "
            f"'class {class_name}({RUNNER_BASE}):' after 'from faas_jupyter import {RUNNER_BASE}'",
            line=cls.lineno)
    return cls


def is_runner_class(cls: ast.ClassDef, classes: dict[str, ast.ClassDef], aliases: dict[str, str],
                    _seen: frozenset[str] = frozenset()) -> bool:
    """Whether ``cls`` subclasses BaseServiceRunner, directly or through classes of the same source."""
    for base in cls.bases:
        qname = T.qualified_name(base, aliases) or ""
        if any(qname == home + RUNNER_BASE for home in _RUNNER_HOMES):
            return True
        parent = classes.get(qname)
        if parent is not None and parent.name not in _seen | {cls.name}:
            if is_runner_class(parent, classes, aliases, _seen | {cls.name}):
                return True
    return False


def _methods(cls: ast.ClassDef, classes: dict[str, ast.ClassDef],
             _seen: frozenset[str] = frozenset()) -> dict[str, _Fn]:
    """Methods by name, inherited ones (from classes of this source) first, overrides in place."""
    methods: dict[str, _Fn] = {}
    for base in reversed(cls.bases):  # later bases lose to earlier ones, as in the MRO
        if isinstance(base, ast.Name) and base.id in classes and base.id not in _seen | {cls.name}:
            methods.update(_methods(classes[base.id], classes, _seen | {cls.name}))
    for node in cls.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            methods.pop(node.name, None)
            methods[node.name] = node
    return methods


def _decorators(fn: _Fn) -> list[str]:
    names = []
    for d in fn.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        names.append(ast.unparse(target))
    return names


def _is_function(fn: _Fn, name: str) -> bool:
    if name.startswith("_"):
        return False
    return not any(d in _NOT_CALLABLE or d.endswith((".setter", ".getter", ".deleter"))
                   for d in _decorators(fn))


def _function(fn: _Fn, ctx: _Context) -> dict[str, Any]:
    inputs = _inputs(fn, fn.name, ctx)
    outputs, problems = T.output_ios(fn.returns, fn.name, ctx.aliases)
    for problem in problems:
        ctx.warn(problem, fn.returns.lineno if fn.returns is not None else fn.lineno)
    return {"name": fn.name, "description": _description(fn), "input": inputs, "output": outputs}


def _description(fn: _Fn) -> str:
    doc = ast.get_docstring(fn) or ""
    first = doc.strip().split("\n\n", 1)[0]
    return " ".join(line.strip() for line in first.splitlines() if line.strip())


def _inputs(fn: _Fn, fname: str, ctx: _Context) -> list[dict[str, Any]]:
    ctx.lines[(fname, None)] = fn.lineno
    args = fn.args
    positional = args.posonlyargs + args.args
    pos_defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    pairs = list(zip(positional, pos_defaults)) + list(zip(args.kwonlyargs, args.kw_defaults))
    if "staticmethod" not in _decorators(fn) and positional:
        pairs = pairs[1:]  # self / cls
    _warn_var_args(fn, fname, ctx)
    posonly = {a.arg for a in args.posonlyargs}
    return [_input(arg, default, fname, ctx, arg.arg in posonly)
            for arg, default in pairs if arg.arg not in INJECTED]


def _input(arg: ast.arg, default: ast.expr | None, fname: str, ctx: _Context, posonly: bool) -> dict[str, Any]:
    where = f"of function {fname!r}" if fname != "__init__" else "of __init__"
    if posonly:
        raise ValidationError(f"input {arg.arg!r} {where} is positional-only; executions pass inputs "
                              "by name, so remove the '/' from the signature", line=arg.lineno)
    ctx.lines[(fname, arg.arg)] = arg.lineno
    io_type, problem = T.io_type(arg.annotation, arg.arg, ctx.aliases)
    if problem:
        ctx.warn(problem, arg.lineno)
    io: dict[str, Any] = {"name": arg.arg, "type": io_type}
    if default is not None:
        io["defaultValue"], problem = T.default_value(default)
        if problem:
            ctx.warn(f"the default of input {arg.arg!r} {where} {problem}", default.lineno)
    return io


def _warn_var_args(fn: _Fn, fname: str, ctx: _Context) -> None:
    for star, arg in (("*", fn.args.vararg), ("**", fn.args.kwarg)):
        if arg is not None:
            where = "__init__" if fname == "__init__" else f"function {fname!r}"
            ctx.warn(f"{star}{arg.arg} of {where} is not an input; executions pass only the named "
                     "inputs", arg.lineno)
    if fn.args.kwarg is not None:
        ctx.var_keyword.add(fname)


def _declarations(source: str, declared: Any) -> DeclaredModule | None:
    block = declared_from_block(source)
    explicit = declared_from_json(declared) if declared is not None else None
    if block and explicit:
        return block.overridden_by(explicit)
    return explicit or block


def _validated(module_json: dict[str, Any], wanted: DeclaredModule | None) -> PackageModule:
    try:
        if wanted is None:  # all inferred: build the objects, no JSON parse of what we just made
            return _built(module_json)
        return PackageModule.from_json(module_json)
    except ValidationError as exc:
        if wanted is None:
            raise
        # Inferred parts are valid by construction, so the problem is in what was declared.
        raise ValidationError(f"{wanted.origin}: {exc}", line=wanted.line) from None


def _built(m: dict[str, Any]) -> PackageModule:
    """``PackageModule.from_json(m)`` for a dict inference made (fresh values, no extra keys);
    the dataclasses still validate themselves as they are built."""
    def io(d: dict[str, Any]) -> FunctionIO:
        return FunctionIO(d["name"], d["type"], d.get("description"), None, d.get("defaultValue", MISSING))

    functions = [PackageFunction(f["name"], f["description"], [io(i) for i in f["input"]],
                                 [io(o) for o in f["output"]]) for f in m["functions"]]
    return PackageModule(m["name"], m["entryPoint"], m["className"], [io(i) for i in m["initInputs"]],
                         functions)


def infer_package_modules(files: dict[str, bytes]) -> list[PackageModule]:
    """Modules of a folder without package.json: one per .py file defining a BaseServiceRunner.

    The root ``main.py`` is ``default_module``; other files are named after their stem. A file
    with several runner classes uses ``ServiceRunner``, else the one not subclassed by another.
    Order: ``main.py`` first, then by path.
    """
    modules: list[PackageModule] = []
    for path in sorted(files, key=lambda p: (p != "main.py", p)):
        if path.endswith(".py"):
            module = _module_of_file(path, files[path])
            if module is not None:
                modules.append(module)
    _check_unique_names(modules)
    return modules


def _module_of_file(path: str, content: bytes) -> PackageModule | None:
    source = _decode(path, content)
    try:
        tree = parse_source(source, path)
        aliases = T.import_aliases(tree)
        classes = _top_level_classes(tree)
        runners = [c for c in classes.values() if is_runner_class(c, classes, aliases)]
        if not runners:
            return None
        class_name = _pick_runner(path, runners, aliases)
        name = "default_module" if path == "main.py" else path.rsplit("/", 1)[-1][:-3]
        return infer_module(source, module_name=name, class_name=class_name, entry_point=path,
                            filename=path).module
    except ValidationError as exc:
        where = f" line {exc.line}" if exc.line else ""
        raise ValidationError(f"{path}{where}: {exc.message}", exc.path, line=exc.line) from None


def _decode(path: str, content: bytes) -> str:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _pick_runner(path: str, runners: list[ast.ClassDef], aliases: dict[str, str]) -> str:
    names = [c.name for c in runners]
    if "ServiceRunner" in names:
        return "ServiceRunner"
    parents = {T.qualified_name(b, aliases) for c in runners for b in c.bases}
    leaves = [n for n in names if n not in parents]
    if len(leaves) == 1:
        return leaves[0]
    raise ValidationError(f"{path} defines several {RUNNER_BASE} classes ({', '.join(names)}); "
                          "add a package.json that names the className of each module")


def _check_unique_names(modules: list[PackageModule]) -> None:
    seen: dict[str, str] = {}
    for m in modules:
        if m.name in seen:
            raise ValidationError(f"files {seen[m.name]} and {m.entry_point} would both be module "
                                  f"{m.name!r}; rename one, or add a package.json")
        seen[m.name] = m.entry_point
