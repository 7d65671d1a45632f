"""Check and convert a function's inputs, inject ``progress``/``context``, call it.

Runs wherever the function runs (kernel thread, worker process, Dask worker).
Everything that needs ``inspect`` is done once per function and cached in a
:class:`CallPlan`, so a call costs a dict walk plus one converter per input.
"""
from __future__ import annotations

import inspect
import math
import numbers
import typing
from typing import Any, Callable, Collection, Mapping, Sequence

from faas_jupyter.errors import NotFound, ValidationError
from faas_jupyter.runner.adapters import InputResolver

INJECTED = ("progress", "context")
_EMPTY = inspect.Parameter.empty
_OMIT = object()  # "leave this input out; the parameter's own default applies"


class _Invalid(Exception):
    """Internal: one input value is wrong; ``why`` completes ``input 'x' of function 'f' ...``."""

    def __init__(self, why: str):
        self.why = why


def _kind(value: Any) -> str:
    return f"{value!r} ({type(value).__name__})"


def _integer(value: Any, _ann: Any) -> int:
    if type(value) is int:
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise _Invalid(f"must be an Integer, got {_kind(value)}")


def _float(value: Any, _ann: Any) -> float:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    raise _Invalid(f"must be a Float, got {_kind(value)}")


def _number(value: Any, _ann: Any) -> Any:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return value
    raise _Invalid(f"must be a Number, got {_kind(value)}")


def _boolean(value: Any, _ann: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise _Invalid(f"must be a Boolean (True or False), got {_kind(value)}")


def _string(value: Any, _ann: Any) -> str:
    if isinstance(value, str):
        return value
    raise _Invalid(f"must be a String, got {_kind(value)}")


_JSON_SCALARS = frozenset({str, bool, int, type(None)})
_NUMBERS = frozenset({bool, int, float})


def is_json(value: Any) -> bool:
    """Is ``value`` JSON as it stands (finite floats, str keys)? Also used by the workspace.

    Containers are checked a level at a time with C-speed passes (``set(map(type, ...))``,
    ``all(map(math.isfinite, ...))``), so a million floats cost no Python-level step each;
    only containers inside containers are visited one by one.
    """
    try:
        return _is_json(value)
    except RecursionError:  # a cycle, or nesting deeper than any JSON document we keep
        return False


def _is_json(value: Any) -> bool:
    t = type(value)
    if t in _JSON_SCALARS:
        return True
    if t is float:
        return math.isfinite(value)
    if t is list or t is tuple:
        return _items_json(value)
    if t is dict and set(map(type, value)) <= {str}:
        return _items_json(value.values())
    return _is_json_subclass(value)


def _items_json(items: Collection[Any]) -> bool:
    kinds = set(map(type, items))
    if kinds <= _JSON_SCALARS:
        return True
    if kinds <= _NUMBERS:
        try:
            return all(map(math.isfinite, items))
        except OverflowError:  # an int beyond float range: fine for JSON, check one by one
            pass
    return all(map(_is_json, items))


def _is_json_subclass(value: Any) -> bool:
    """Subclasses (an IntEnum, a str subclass, an OrderedDict...) and dict keys that are str
    subclasses: the plain isinstance rules, one step at a time."""
    if value is None or isinstance(value, (str, bool, int)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, (list, tuple)):
        return all(map(_is_json, value))
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json(v) for k, v in value.items())
    return False


def _json(value: Any, _ann: Any) -> Any:
    if is_json(value):
        return value
    raise _Invalid(f"must be JSON (str, number, bool, None, list, dict with str keys), got {_kind(value)}")


_PRIMITIVES: dict[str, Callable[[Any, Any], Any]] = {
    "Integer": _integer, "Float": _float, "Number": _number,
    "Boolean": _boolean, "String": _string, "Json": _json,
}


def _element_annotation(annotation: Any) -> Any:
    """``list[pd.DataFrame]`` -> ``pd.DataFrame``; anything else -> itself."""
    args = typing.get_args(annotation)
    return args[0] if args and typing.get_origin(annotation) in (list, tuple, typing.Union) else annotation


def converter(type_name: str, annotation: Any, resolver: InputResolver | None) -> Callable[[Any], Any]:
    """A one-argument function that checks/converts a value of FunctionIO type ``type_name``."""
    base = str(type_name).removesuffix("[]")
    if base in _PRIMITIVES:
        one = _PRIMITIVES[base]
    elif resolver is None:  # no store behind us (local tests): entity references pass as given
        def one(value: Any, _ann: Any) -> Any:
            return value
    else:
        def one(value: Any, ann: Any) -> Any:
            return resolver.resolve(base, value, ann)
    if not str(type_name).endswith("[]"):
        return lambda value: one(value, annotation)
    element = _element_annotation(annotation)

    def many(value: Any) -> list[Any]:
        if not isinstance(value, (list, tuple)):
            raise _Invalid(f"must be a list ({type_name}), got {_kind(value)}")
        out = []
        for i, v in enumerate(value):
            try:
                out.append(one(v, element))
            except _Invalid as exc:
                raise _Invalid(f"[{i}] {exc.why}") from None
        return out
    return many


class CallPlan:
    """How to call one function: per-input converters, defaults, what to inject."""

    def __init__(self, target: Callable[..., Any], label: str, ios: list[Any], resolver: InputResolver | None):
        self.target = target
        self.label = label
        self.function: Any = None  # the PackageFunction it calls (set by ``Invoker.plan``)
        sig = inspect.signature(target)
        params = sig.parameters
        hints = _type_hints(target)
        var_kw = any(p.kind is p.VAR_KEYWORD for p in params.values())
        self.inject = tuple(n for n in INJECTED if n in params)
        self.convert: dict[str, Callable[[Any], Any]] = {}
        self.defaults: dict[str, Any] = {}
        for io in ios:
            param = params.get(io.name)
            if param is None and not var_kw:
                raise ValidationError(f"{label} declares input {io.name!r} but "
                                      f"{_qualname(target)} has no parameter {io.name!r}")
            annotation = hints.get(io.name, _EMPTY if param is None else param.annotation)
            self.convert[io.name] = converter(io.type, annotation, resolver)
            # The signature's own default wins: Python applies it when the input is left out.
            # A declared defaultValue is used only for a parameter without one (it may be the
            # source text of a non-literal default such as "float('inf')", never a value to pass).
            if param is not None and param.default is not _EMPTY:
                self.defaults[io.name] = _OMIT
            elif io.has_default:
                self.defaults[io.name] = io.default
        self._check_undeclared(params)

    def _check_undeclared(self, params: Mapping[str, inspect.Parameter]) -> None:
        for name, p in params.items():
            if (name not in self.convert and name not in INJECTED and p.default is _EMPTY
                    and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)):
                raise ValidationError(f"{_qualname(self.target)} needs parameter {name!r}, which "
                                      f"{self.label} does not declare; add it to the inputs")

    def bind(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """Checked and converted keyword arguments (no injections yet)."""
        convert = self.convert
        kwargs = {}
        for name, value in inputs.items():
            fn = convert.get(name)
            if fn is None:
                raise ValidationError(f"{self.label} has no input {name!r}; inputs: "
                                      f"{', '.join(convert) or '(none)'}")
            try:
                kwargs[name] = fn(value)
            except _Invalid as exc:
                raise ValidationError(f"input {name!r} of {self.label} {exc.why}") from None
        if len(kwargs) < len(convert):
            self._fill_defaults(kwargs)
        return kwargs

    def _fill_defaults(self, kwargs: dict[str, Any]) -> None:
        for name in self.convert:
            if name in kwargs:
                continue
            if name not in self.defaults:
                raise ValidationError(f"{self.label} is missing input {name!r}; "
                                      f"pass it in execution_input")
            default = self.defaults[name]
            if default is not _OMIT:
                kwargs[name] = default

    def call(self, inputs: Mapping[str, Any], progress: Any = None, context: Any = None) -> Any:
        kwargs = self.bind(inputs)
        for name in self.inject:
            kwargs[name] = progress if name == "progress" else context
        return self.target(**kwargs)


def _type_hints(target: Callable[..., Any]) -> dict[str, Any]:
    """Resolved annotations; string ones that cannot be resolved stay strings."""
    func = target.__init__ if isinstance(target, type) else target  # type: ignore[misc]  # the class's own
    try:
        return typing.get_type_hints(func)
    except Exception:
        return {}


def _qualname(target: Callable[..., Any]) -> str:
    return getattr(target, "__qualname__", repr(target))


class Invoker:
    """A module class instance plus a cached CallPlan per function."""

    def __init__(self, instance: Any, module: Any, resolver: InputResolver | None = None):
        self.instance = instance
        self.module = module
        self.resolver = resolver
        self._plans: dict[str, CallPlan] = {}

    @classmethod
    def create(cls, runner_class: type, module: Any, init_input: Mapping[str, Any],
               resolver: InputResolver | None = None) -> "Invoker":
        """Instantiate ``runner_class`` with its init inputs checked like function inputs."""
        plan = CallPlan(runner_class, f"module {module.name!r} init", list(module.init_inputs), resolver)
        return cls(plan.call(init_input or {}), module, resolver)

    def plan(self, function_name: str) -> CallPlan:
        plan = self._plans.get(function_name)
        if plan is None:
            fn = self.module.function(function_name)
            method = getattr(self.instance, fn.name, None)
            if not callable(method):
                raise NotFound(f"class {type(self.instance).__name__!r} has no method {fn.name!r} "
                               f"(declared by module {self.module.name!r})")
            plan = self._plans[function_name] = CallPlan(
                method, f"function {fn.name!r}", list(fn.input), self.resolver)
            plan.function = fn
        return plan

    def call(self, function_name: str, inputs: Mapping[str, Any],
             progress: Any = None, context: Any = None) -> Any:
        """Call ``function_name`` with checked inputs; returns the raw output."""
        return self.plan(function_name).call(inputs, progress, context)


_CHECKS: dict[str, Callable[[Any], Any]] = {}  # primitive type name -> its converter (no resolver)
# id(ios) -> (ios, {input name: its primitive check, or None}); the list is held so its id stays its own
_DECLARED: dict[int, tuple[Sequence[Any], dict[str, Callable[[Any], Any] | None]]] = {}


def check_inputs(label: str, ios: Sequence[Any], inputs: Mapping[str, Any]) -> None:
    """What can be checked without the code (where the caller records the execution): every
    input is declared, and primitive ones have their type (``Integer`` refuses ``"x"``).
    Missing inputs are left to :class:`CallPlan` (only the signature knows its defaults).
    ``ios``: the function's own list (its checks are worked out once per list)."""
    checks = _declared(ios)
    for name, value in inputs.items():
        if name not in checks:
            raise ValidationError(f"{label} has no input {name!r}; inputs: {', '.join(checks) or '(none)'}")
        check = checks[name]
        if check is None:
            continue  # entities are resolved by the caller
        try:
            check(value)
        except _Invalid as exc:
            raise ValidationError(f"input {name!r} of {label} {exc.why}") from None


def _declared(ios: Sequence[Any]) -> dict[str, Callable[[Any], Any] | None]:
    held = _DECLARED.get(id(ios))
    if held is not None and held[0] is ios and len(held[1]) == len(ios):
        return held[1]
    checks = {io.name: _check_of(str(io.type)) for io in ios}
    if len(_DECLARED) > 4096:  # functions of many revisions over a long session
        _DECLARED.clear()
    _DECLARED[id(ios)] = (ios, checks)
    return checks


def _check_of(type_name: str) -> Callable[[Any], Any] | None:
    if type_name.removesuffix("[]") not in _PRIMITIVES:
        return None
    check = _CHECKS.get(type_name)
    if check is None:  # the same function for every input of this type: built once
        check = _CHECKS[type_name] = converter(type_name, _EMPTY, None)
    return check
