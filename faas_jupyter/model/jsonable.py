"""Plain JSON values from anything, the way ``json.dumps(value, default=...)`` writes it.

Stored JSON columns take Python values (the store encodes them); a writer whose values may
hold other objects (an entity input, a progress event's extras) makes them plain here first.
"""
from __future__ import annotations

from typing import Any, Callable

_SCALARS = (str, int, float, bool, type(None))
_SCALAR_TYPES = frozenset(_SCALARS)
_STR = frozenset({str})


def jsonable(value: Any, default: Callable[[Any], Any]) -> Any:
    """``value`` with tuples as lists, keys as JSON keys and other objects as ``default(obj)``
    (itself made plain), so ``json.loads(json.dumps(value, default=default))`` equals it."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, dict):
        if set(map(type, value)) <= _STR and set(map(type, value.values())) <= _SCALAR_TYPES:
            return dict(value)  # str keys, plain values (most inputs): no call per entry
        return {_key(k): jsonable(v, default) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v, default) for v in value]
    return jsonable(default(value), default)


def _key(key: Any) -> str:
    """A dict key as ``json.dumps`` writes it (other types raise ``TypeError``, as it does)."""
    if isinstance(key, str):
        return key
    if key is True or key is False or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    if isinstance(key, (int, float)):
        return float.__repr__(key) if isinstance(key, float) else int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")
