"""Package JSON checked against the code at push, both ways, by reading the source (``ast``).

For each module: its class must be defined (or imported) in its entry point; each declared
function must be a method of that class; each declared input must be a parameter of that
method (or of ``__init__`` for ``initInputs``); each parameter without a default (other than
``self``, ``progress``, ``context``, ``*args``, ``**kwargs``) must be declared. A problem is a
ValidationError whose ``path`` is the JSON path (``modules[0].functions[1].input[2].name``).

Nothing is imported or executed. What the source does not show is not guessed at: a class
built at run time, or inheriting from a class outside the codebase, is checked only as far as
its source goes (a declared function may be inherited), a method assigned in the class body
(``run = staticmethod(impl)``) is not checked, and ``**kwargs`` takes any input.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Mapping

from ..errors import ValidationError
from .package import PackageFunction, PackageModule, PackageSpec

INJECTED = frozenset({"progress", "context"})
# bases that add no public methods: a class deriving only from these is fully visible
_PLAIN_BASES = frozenset({"object", "BaseServiceRunner"})


@dataclass
class _Signature:
    params: list[str]                       # keyword-passable parameters, in order
    required: list[str]                     # those without a default
    var_keyword: bool
    line: int


@dataclass
class _Class:
    name: str
    path: str                               # the file it is defined in
    methods: dict[str, _Signature] = field(default_factory=dict)
    complete: bool = True                   # False: may inherit methods we cannot see
    opaque: set[str] = field(default_factory=set)  # assigned in the body (``run = impl``): unseen


def check_against_code(spec: PackageSpec, files: Mapping[str, bytes]) -> None:
    """Raise ValidationError (with the JSON path) at the first mismatch between spec and code."""
    for i, module in enumerate(spec.modules):
        cls = _find_class(files, module.entry_path, module.class_name, f"modules[{i}]")
        if cls is not None:
            _check_module(module, cls, f"modules[{i}]")


def _check_module(module: PackageModule, cls: _Class, where: str) -> None:
    init = cls.methods.get("__init__")
    if init is not None or cls.complete:
        _check_ios([io.name for io in module.init_inputs], init, f"{cls.name}.__init__", cls,
                   f"{where}.initInputs")
    for j, fn in enumerate(module.functions):
        _check_function(fn, cls, f"{where}.functions[{j}]")


def _check_function(fn: PackageFunction, cls: _Class, where: str) -> None:
    sig = cls.methods.get(fn.name)
    if fn.name in cls.opaque:
        return  # ``run = staticmethod(impl)``: its signature is not in the class body
    if sig is None or fn.name.startswith("_"):
        if not cls.complete and not fn.name.startswith("_"):
            return  # may be inherited from a base outside the codebase
        public = ", ".join(n for n in cls.methods if not n.startswith("_")) or "none"
        raise ValidationError(f"function {fn.name!r} is not a method of class {cls.name!r} "
                              f"({cls.path}); its methods: {public}", f"{where}.name")
    _check_ios([io.name for io in fn.input], sig, f"{cls.name}.{fn.name}", cls, f"{where}.input")


def _check_ios(declared: list[str], sig: _Signature | None, what: str, cls: _Class, where: str) -> None:
    sig = sig or _Signature([], [], False, 0)
    for k, name in enumerate(declared):
        if name not in sig.params and not sig.var_keyword:
            have = ", ".join(sig.params) or "none"
            raise ValidationError(f"input {name!r} is not a parameter of {what} ({cls.path}"
                                  f"{_at(sig)}); its parameters: {have}", f"{where}[{k}].name")
    for name in sig.required:
        if name not in declared:
            raise ValidationError(f"parameter {name!r} of {what} ({cls.path}{_at(sig)}) is not declared; "
                                  f"add {{\"name\": \"{name}\", \"type\": ...}} here or give it a default",
                                  where)


def _at(sig: _Signature) -> str:
    return f" line {sig.line}" if sig.line else ""


# -- reading the source -------------------------------------------------------------------------
def _parse(files: Mapping[str, bytes], path: str) -> ast.Module | None:
    """The module of ``path``; None when it is not Python we can read (checked at deploy)."""
    try:
        return ast.parse(files[path].decode("utf-8"), filename=path)
    except (SyntaxError, ValueError, UnicodeDecodeError):
        return None  # the loader reports it with file and line when the module is imported


def _find_class(files: Mapping[str, bytes], path: str, name: str, where: str,
                _seen: frozenset[tuple[str, str]] = frozenset()) -> _Class | None:
    tree = _parse(files, path) if path in files else None
    if tree is None:
        return None
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    if name in classes:
        return _class(classes[name], classes, path)
    source = _imported_from(tree, name, path)
    if source is not None:  # ``from helpers import ServiceRunner``
        candidates, original = source
        found = next((c for c in candidates if c in files), None)
        if found is not None and (found, original) not in _seen:
            return _find_class(files, found, original, where, _seen | {(found, original)})
        return None  # from outside the codebase: nothing to read
    if _assigned(tree, name):
        return None  # built at run time
    defined = ", ".join(classes) or "none"
    raise ValidationError(f"class {name!r} is not defined in {path}; classes there: {defined} "
                          "(set the module's className)", f"{where}.className")


def _imported_from(tree: ast.Module, name: str, path: str) -> tuple[list[str], str] | None:
    """(codebase paths the module may be, original name) for ``from x import Original as name``."""
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    return _module_candidates(node, path), alias.name
    return None


def _module_candidates(node: ast.ImportFrom, path: str) -> list[str]:
    """Where ``from <node.module> import ...`` in ``path`` is found, in the loader's order:
    relative to the file for ``from .x``; else the entry point's folder, then the root."""
    folder = PurePosixPath(path).parent
    module = (node.module or "").replace(".", "/")
    if node.level:
        base = folder
        for _ in range(node.level - 1):
            base = base.parent
        bases = [base]
    else:
        bases = [folder, PurePosixPath(".")] if folder != PurePosixPath(".") else [folder]
    out = []
    for base in bases:
        stem = (base / module).as_posix() if module else base.as_posix()
        out += [f"{stem}.py", f"{stem}/__init__.py"]
    return [c.removeprefix("./") for c in out]


def _assigned(tree: ast.Module, name: str) -> bool:
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return True
    return False


def _class(node: ast.ClassDef, classes: dict[str, ast.ClassDef], path: str,
           _seen: frozenset[str] = frozenset()) -> _Class:
    """Methods of ``node`` with those inherited from classes of the same file (MRO order)."""
    out = _Class(node.name, path)
    for base in reversed(node.bases):
        base_name = base.id if isinstance(base, ast.Name) else ast.unparse(base)
        if base_name in classes and base_name not in _seen | {node.name}:
            parent = _class(classes[base_name], classes, path, _seen | {node.name})
            out.methods.update(parent.methods)
            out.opaque |= parent.opaque
            out.complete &= parent.complete
        elif base_name.rsplit(".", 1)[-1] not in _PLAIN_BASES:
            out.complete = False
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and _callable(item):
            out.methods[item.name] = _signature(item)
            out.opaque.discard(item.name)
        elif isinstance(item, (ast.Assign, ast.AnnAssign)):
            targets = item.targets if isinstance(item, ast.Assign) else [item.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    out.opaque.add(t.id)
                    out.methods.pop(t.id, None)
    return out


def _callable(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    names = [ast.unparse(d.func if isinstance(d, ast.Call) else d) for d in fn.decorator_list]
    return not any(n.endswith(("property", ".setter", ".getter", ".deleter")) for n in names)


def _signature(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> _Signature:
    args = fn.args
    static = any(ast.unparse(d) == "staticmethod" for d in fn.decorator_list)
    positional = [*args.posonlyargs, *args.args]
    first_default = len(positional) - len(args.defaults)
    skip = 0 if static else 1  # self / cls
    params, required = [], []
    for index, arg in enumerate(positional):
        if index < skip or index < len(args.posonlyargs):
            continue
        params.append(arg.arg)
        if index < first_default and arg.arg not in INJECTED:
            required.append(arg.arg)
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        params.append(arg.arg)
        if default is None and arg.arg not in INJECTED:
            required.append(arg.arg)
    return _Signature(params, required, args.kwarg is not None, fn.lineno)
