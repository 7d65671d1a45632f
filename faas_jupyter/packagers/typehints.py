"""Type-hint helpers: reduce Optional/Union/Annotated/generics, resolve names, rank types."""
from __future__ import annotations

import importlib
import typing
from typing import Any

from faas_jupyter.errors import ValidationError


def type_name(tp: Any) -> str:
    if tp is ... or tp is None:
        return "..." if tp is ... else "None"
    origin = typing.get_origin(tp)
    if origin is not None:
        return repr(tp)
    return f"{getattr(tp, '__module__', '?')}.{getattr(tp, '__qualname__', repr(tp))}"


def resolve_name(name: str) -> Any:
    """``"pandas.DataFrame"`` -> the class; builtins by bare name (``"list"``)."""
    import builtins
    if "." not in name:
        if hasattr(builtins, name):
            return getattr(builtins, name)
        raise ValidationError(f"type {name!r} is not a builtin; write its full path, e.g. 'pandas.DataFrame'")
    module_name, _, attr = name.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError):
        raise ValidationError(f"cannot import type {name!r}; write its full module path") from None


def reduce_hint(hint: Any) -> list:
    """Concrete candidates of a hint: ``Optional[X]`` -> [X], ``list[int]`` -> [list], None -> [None]."""
    if hint is None or hint is Any:
        return [None]
    if isinstance(hint, str):
        return reduce_hint(resolve_name(hint))
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        return reduce_hint(typing.get_args(hint)[0])
    if origin is typing.Union or type(hint).__name__ == "UnionType":
        out = []
        for arg in typing.get_args(hint):
            if arg is not type(None):
                out += reduce_hint(arg)
        return out or [type(None)]
    if isinstance(hint, typing.TypeVar):
        return reduce_hint(hint.__bound__) if hint.__bound__ else [None]
    return [origin or hint]


def specificity(packager) -> int:
    """MRO depth of the packable type: deeper is more specific (``...`` is 0)."""
    tp = typing.get_origin(packager.PACKABLE_OBJECT_TYPE) or packager.PACKABLE_OBJECT_TYPE
    return len(tp.__mro__) if isinstance(tp, type) else 0
