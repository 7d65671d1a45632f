"""The package JSON in Dataloop's shape: PackageSpec > PackageModule > PackageFunction > FunctionIO.

Every class validates on construction and in ``from_json``; errors are ValidationError with the
JSON path of the bad value (``modules[0].functions[2].input[1].type``). Keys we do not model
(Dataloop's ``computeConfig``, ``slots``, ``serviceConfig``...) are kept in ``extra`` and written
back by ``to_json``, so a Dataloop ``package.json`` round-trips.
"""
from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass, field
from enum import Enum
from pathlib import PurePosixPath
from typing import Any, ClassVar, Iterable, Protocol, TypeVar

from ..errors import NotFound, ValidationError
from . import _json as J
from .types import VALID_TYPES, PackageInputType, default_io_name
from .versions import parse_version


class _Missing(Enum):
    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING = _Missing.MISSING  # "no default value" (None is a valid JSON default)


def _check_type(t: Any, io_name: Any) -> PackageInputType:
    if isinstance(t, PackageInputType):
        return t
    if isinstance(t, str) and t in VALID_TYPES:
        return PackageInputType(t)
    hint = ""
    if isinstance(t, str):
        close = [v for v in VALID_TYPES if v.lower() == t.lower()] or difflib.get_close_matches(t, VALID_TYPES, 1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
    shown = repr(t) if isinstance(t, str) else J.kind(t)
    raise ValidationError(f"input {io_name!r} has unknown type {shown}{hint}; "
                          f"valid types: {', '.join(VALID_TYPES)}", "type")


def _check_list_of(items: Any, cls: type, key: str) -> list[Any]:
    checked: list[Any] = J.expect(items, list, key, f"a list of {cls.__name__}")
    for i, item in enumerate(checked):
        if not isinstance(item, cls):
            raise ValidationError(f"expected a {cls.__name__}, got {type(item).__name__}", f"{key}[{i}]")
    return checked


def _check_children(items: Any, cls: type, key: str, context: str | None, deep: bool) -> list[Any]:
    """``items`` must be a list of ``cls``; ``deep`` validates each again (after in-place edits)."""
    checked = _check_list_of(items, cls, key)
    if deep:
        for i, child in enumerate(checked):
            with J.at(f"{key}[{i}]", context):
                child.validate()
    return checked


def _check_optional_str(value: Any, key: str) -> None:
    if value is not None:
        J.expect(value, str, key, "a string")


class _FromJson(Protocol):
    @classmethod
    def from_json(cls, d: Any) -> Any: ...


def _parse_list(d: dict[str, Any], key: str, cls: type[_FromJson], context: str | None) -> list[Any]:
    out = []
    for i, raw in enumerate(J.get_list(d, key)):
        with J.at(f"{key}[{i}]", context):
            out.append(cls.from_json(raw))
    return out


T = TypeVar("T")


def find_named(entries: Iterable[T], attr: str, wanted: Any, missing: str, listing: str,
               empty: str = "(none)") -> T:
    """The entry whose ``attr`` equals ``wanted``; else NotFound ``"<missing>; <listing>: a, b"``
    (the entries' ``attr`` values, or ``empty``), so the error says what there is."""
    entries = list(entries)
    for entry in entries:
        if getattr(entry, attr) == wanted:
            return entry
    names = ", ".join(str(getattr(e, attr)) for e in entries) or empty
    raise NotFound(f"{missing}; {listing}: {names}")


def _emit(known: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in known.items() if v is not MISSING}
    out.update(copy.deepcopy(extra))
    return out


@dataclass
class FunctionIO:
    """One input or output: ``{name, type[, description][, actions][, defaultValue]}``."""

    name: str
    type: PackageInputType
    description: str | None = None
    actions: list[str] | None = None
    default: Any = MISSING
    extra: dict[str, Any] = field(default_factory=dict, repr=False)

    KEYS: ClassVar[tuple[str, ...]] = ("name", "type", "description", "actions", "defaultValue")

    def __post_init__(self) -> None:
        self.validate()

    @property
    def has_default(self) -> bool:
        return self.default is not MISSING

    def validate(self, deep: bool = True) -> None:
        """Check every field; ``deep`` is accepted like the other classes' (an input has no children)."""
        J.check_identifier(self.name, "input")
        self.type = _check_type(self.type, self.name)
        _check_optional_str(self.description, "description")
        if self.actions is not None:
            J.expect(self.actions, list, "actions", "a list of strings")
            for i, a in enumerate(self.actions):
                J.expect(a, str, f"actions[{i}]", "a string")
        J.check_extra(self.extra, self.KEYS)

    def to_json(self) -> dict[str, Any]:
        known = {"name": self.name, "type": self.type.value,
                 "description": MISSING if self.description is None else self.description,
                 "actions": MISSING if self.actions is None else list(self.actions),
                 "defaultValue": copy.deepcopy(self.default)}
        return _emit(known, self.extra)

    @classmethod
    def from_json(cls, d: Any) -> FunctionIO:
        d = J.expect_object(d)
        t = d.get("type")
        if t is None:
            raise ValidationError(f"missing 'type'; valid types: {', '.join(VALID_TYPES)}", "type")
        name = d.get("name")
        if name is None:  # Dataloop names an unnamed input after its type
            name = default_io_name(t) if isinstance(t, str) and t in VALID_TYPES else "config"
        return cls(name=name, type=t, description=d.get("description"), actions=d.get("actions"),
                   default=copy.deepcopy(d["defaultValue"]) if "defaultValue" in d else MISSING,
                   extra=copy.deepcopy(J.split_extra(d, cls.KEYS)))


@dataclass
class PackageFunction:
    """A method of the module class: ``{name, description, input, output[, displayName][, displayIcon]}``."""

    name: str = "run"
    description: str = ""
    input: list[FunctionIO] = field(default_factory=list)
    output: list[FunctionIO] = field(default_factory=list)
    display_name: str | None = None
    display_icon: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, repr=False)

    KEYS: ClassVar[tuple[str, ...]] = ("name", "description", "input", "output", "displayName", "displayIcon")

    def __post_init__(self) -> None:
        self.validate(deep=False)  # children validated themselves when built

    def validate(self, deep: bool = True) -> None:
        J.check_identifier(self.name, "function")
        J.expect(self.description, str, "description", "a string")
        for key in ("input", "output"):
            ios = _check_children(getattr(self, key), FunctionIO, key, f"function {self.name!r}", deep)
            J.check_unique([io.name for io in ios], f"{key} value" if key == "output" else key,
                           key, f"function {self.name!r}")
        _check_optional_str(self.display_name, "displayName")
        _check_optional_str(self.display_icon, "displayIcon")
        J.check_extra(self.extra, self.KEYS)

    def io(self, name: str) -> FunctionIO:
        """The input called ``name``; NotFound lists the inputs there are."""
        return find_named(self.input, "name", name, f"function {self.name!r} has no input {name!r}",
                          "inputs")

    def to_json(self) -> dict[str, Any]:
        known = {"name": self.name, "description": self.description,
                 "input": [io.to_json() for io in self.input],
                 "output": [io.to_json() for io in self.output],
                 "displayName": MISSING if self.display_name is None else self.display_name,
                 "displayIcon": MISSING if self.display_icon is None else self.display_icon}
        return _emit(known, self.extra)

    @classmethod
    def from_json(cls, d: Any) -> PackageFunction:
        d = J.expect_object(d)
        name = "run" if d.get("name") is None else d["name"]
        context = f"function {name!r}"
        return cls(name=name, description=J.get(d, "description", str, "a string", default=""),
                   input=_parse_list(d, "input", FunctionIO, context),
                   output=_parse_list(d, "output", FunctionIO, context),
                   display_name=d.get("displayName"), display_icon=d.get("displayIcon"),
                   extra=copy.deepcopy(J.split_extra(d, cls.KEYS)))


def entry_point_problem(entry_point: Any) -> str | None:
    """Why ``entry_point`` cannot name a .py file inside a codebase (None when it can)."""
    if not isinstance(entry_point, str) or not entry_point:
        return f"expected a relative path to a .py file, got {J.kind(entry_point)}"
    if "\\" in entry_point:
        return f"entry point {entry_point!r} uses '\\'; write paths with '/'"
    if entry_point.startswith("/") or (len(entry_point) > 1 and entry_point[1] == ":"):
        return f"entry point {entry_point!r} is absolute; give a path relative to the codebase root"
    if ".." in PurePosixPath(entry_point).parts:
        return f"entry point {entry_point!r} leaves the codebase ('..'); give a path inside it"
    if not entry_point.endswith(".py"):
        return f"entry point {entry_point!r} is not a .py file"
    return None


@dataclass
class PackageModule:
    """``{name, entryPoint, className, initInputs, functions}``; a service serves one module."""

    name: str = "default_module"
    entry_point: str = "main.py"
    class_name: str = "ServiceRunner"
    init_inputs: list[FunctionIO] = field(default_factory=list)
    functions: list[PackageFunction] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict, repr=False)

    KEYS: ClassVar[tuple[str, ...]] = ("name", "entryPoint", "className", "initInputs", "functions")

    def __post_init__(self) -> None:
        self.validate(deep=False)  # children validated themselves when built

    def validate(self, deep: bool = True) -> None:
        J.check_name(self.name, "module")
        problem = entry_point_problem(self.entry_point)
        if problem:
            raise ValidationError(problem, "entryPoint")
        J.check_identifier(self.class_name, "class", "className")
        _check_children(self.init_inputs, FunctionIO, "initInputs", f"module {self.name!r} init input", deep)
        J.check_unique([io.name for io in self.init_inputs], "init input", "initInputs", f"module {self.name!r}")
        _check_children(self.functions, PackageFunction, "functions", None, deep)
        J.check_unique([f.name for f in self.functions], "function", "functions", f"module {self.name!r}")
        J.check_extra(self.extra, self.KEYS)

    @property
    def entry_path(self) -> str:
        """The entry point normalized (``./main.py`` -> ``main.py``)."""
        return PurePosixPath(self.entry_point).as_posix()

    def function(self, name: str) -> PackageFunction:
        """The function called ``name``; NotFound lists the functions there are."""
        for function in self.functions:  # every execute asks twice: the plain loop first
            if function.name == name:
                return function
        return find_named(self.functions, "name", name, f"module {self.name!r} has no function {name!r}",
                          "functions")

    def to_json(self) -> dict[str, Any]:
        known = {"name": self.name, "entryPoint": self.entry_point, "className": self.class_name,
                 "initInputs": [io.to_json() for io in self.init_inputs],
                 "functions": [f.to_json() for f in self.functions]}
        return _emit(known, self.extra)

    @classmethod
    def from_json(cls, d: Any) -> PackageModule:
        d = J.expect_object(d)
        name = J.get(d, "name", str, "a module name (string)", default="default_module")
        return cls(name=name,
                   entry_point=J.get(d, "entryPoint", str, "a relative path to a .py file", default="main.py"),
                   class_name=J.get(d, "className", str, "a class name (string)", default="ServiceRunner"),
                   init_inputs=_parse_list(d, "initInputs", FunctionIO, f"module {name!r} init input"),
                   functions=_parse_list(d, "functions", PackageFunction, None),
                   extra=copy.deepcopy(J.split_extra(d, cls.KEYS)))


def _default_modules() -> list[PackageModule]:
    """Dataloop's DEFAULT_PACKAGE_MODULE: one function ``run`` with no inputs."""
    return [PackageModule(functions=[PackageFunction()])]


def _check_requirement(req: Any, path: str) -> None:
    if isinstance(req, str) and req.strip():
        return
    if isinstance(req, dict) and isinstance(req.get("name"), str) and req["name"]:
        return
    raise ValidationError("expected a requirement string ('numpy>=1.26') or "
                          f"{{'name', 'version', 'operator'}}, got {J.kind(req)}", path)


@dataclass
class PackageSpec:
    """``{name[, version], type, modules[, requirements][, metadata]}`` plus Dataloop's other keys."""

    name: str
    modules: list[PackageModule] = field(default_factory=_default_modules)
    version: str | None = None
    type: str = "faas"
    requirements: list[Any] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict, repr=False)

    KEYS: ClassVar[tuple[str, ...]] = ("name", "version", "type", "modules", "requirements", "metadata")

    def __post_init__(self) -> None:
        self.validate(deep=False)  # children validated themselves when built

    def validate(self, deep: bool = True) -> None:
        """Check the whole tree again (after in-place edits)."""
        J.check_name(self.name, "package")
        if self.version is not None:
            with J.at("version"):
                parse_version(self.version)
        J.expect(self.type, str, "type", "a package type string ('faas')")
        _check_children(self.modules, PackageModule, "modules", None, deep)
        J.check_unique([m.name for m in self.modules], "module", "modules", f"package {self.name!r}")
        for i, req in enumerate(J.expect(self.requirements, list, "requirements", "a list")):
            _check_requirement(req, f"requirements[{i}]")
        J.expect(self.metadata, dict, "metadata", "an object")
        J.check_extra(self.extra, self.KEYS)

    def module(self, name: str | None = None) -> PackageModule:
        """The module called ``name`` (or the only one); NotFound lists the modules there are."""
        if name is None and len(self.modules) == 1:
            return self.modules[0]
        for m in self.modules:
            if m.name == name:
                return m
        names = ", ".join(m.name for m in self.modules) or "(none)"
        if name is None:
            raise NotFound(f"package {self.name!r} has {len(self.modules)} modules; name one of: {names}")
        raise NotFound(f"package {self.name!r} has no module {name!r}; modules: {names}")

    def validate_codebase(self, paths: Iterable[str]) -> None:
        """Every module's entry point must be a .py file among ``paths`` (codebase-relative)."""
        files = set(paths)
        for i, m in enumerate(self.modules):
            where = f"modules[{i}].entryPoint"
            problem = entry_point_problem(m.entry_point)
            if problem:
                raise ValidationError(f"module {m.name!r}: {problem}", where)
            if m.entry_path not in files:
                py = sorted(p for p in files if p.endswith(".py"))[:10]
                raise ValidationError(f"module {m.name!r}: entry point {m.entry_point!r} is not in the "
                                      f"codebase; .py files there: {', '.join(py) or '(none)'}", where)

    def to_json(self) -> dict[str, Any]:
        known = {"name": self.name, "version": MISSING if self.version is None else self.version,
                 "type": self.type, "modules": [m.to_json() for m in self.modules],
                 "requirements": copy.deepcopy(self.requirements) if self.requirements else MISSING,
                 "metadata": copy.deepcopy(self.metadata) if self.metadata else MISSING}
        return _emit(known, self.extra)

    @classmethod
    def from_json(cls, d: Any) -> PackageSpec:
        """Read a package JSON (ours or Dataloop's ``package.json``), filling Dataloop's defaults."""
        d = J.expect_object(d)
        modules = _parse_list(d, "modules", PackageModule, None) if d.get("modules") is not None else None
        return cls(name=J.get(d, "name", str, "a package name (string)", default="default_package"),
                   modules=_default_modules() if modules is None else modules,
                   version=d.get("version"), type=J.get(d, "type", str, "a string", default="faas"),
                   requirements=copy.deepcopy(J.get_list(d, "requirements")),
                   metadata=copy.deepcopy(J.get(d, "metadata", dict, "an object", default={})),
                   extra=copy.deepcopy(J.split_extra(d, cls.KEYS)))


def io_values(given: Any) -> dict[str, Any]:
    """Init input values as a dict: a dict as given, or Dataloop's ``dl.FunctionIO(name=..., value=...)``
    (one or a list), as ``package.deploy(init_input=...)`` takes them."""
    if given is None:
        return {}
    if isinstance(given, dict):
        return dict(given)
    ios = [given] if isinstance(given, FunctionIO) else given
    if not isinstance(ios, (list, tuple)) or not all(isinstance(io, FunctionIO) for io in ios):
        raise ValidationError("init_input takes {name: value} or dl.FunctionIO(name=..., value=...) "
                              f"(one or a list), not {type(given).__name__}", "initParams")
    return {io.name: getattr(io, "value", None) for io in ios}
