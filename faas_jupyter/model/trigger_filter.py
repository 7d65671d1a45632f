"""The filter language of event triggers: a JSON query on the resource's JSON (stdlib only).

A filter is an object; every key must hold (an implicit AND). A key is ``$and`` / ``$or``
(a list of filters) or a field path, dotted into the resource's JSON (``key``,
``metadata.user.status``, ``data.label``). A field path's value is either a plain value
(equality) or an object of operators:

  ``$eq`` ``$ne``   equal / not equal            ``$in`` ``$nin``  one of / none of a list
  ``$gt`` ``$gte`` ``$lt`` ``$lte``  ordered comparisons (numbers with numbers, strings with
  strings; other pairs never match)             ``$exists``  true / false: the path is there

``{}`` (or no filter) matches every resource.
Examples: ``{"dataset": "raw"}``, ``{"metadata.user.score": {"$gt": 0.5}}``,
``{"$or": [{"key": {"$in": ["a", "b"]}}, {"metadata.user.urgent": {"$exists": true}}]}``.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import ValidationError

_MISSING = object()
_ORDERED = {"$gt": lambda a, b: a > b, "$gte": lambda a, b: a >= b,
            "$lt": lambda a, b: a < b, "$lte": lambda a, b: a <= b}
OPERATORS = ("$eq", "$ne", "$in", "$nin", "$exists", *_ORDERED)


def check_filter(query: Any, path: str = "filter") -> dict[str, Any]:
    """Validate a filter; a ValidationError names the JSON path of the bad part and the fix."""
    if not isinstance(query, dict):
        raise ValidationError(f"a filter is a JSON object such as {{\"dataset\": \"raw\"}}, "
                              f"not {type(query).__name__}", path)
    for key, value in query.items():
        where = f"{path}.{key}"
        if key in ("$and", "$or"):
            if not isinstance(value, list) or not value:
                raise ValidationError(f"{key} takes a non-empty list of filters", where)
            for i, sub in enumerate(value):
                check_filter(sub, f"{where}[{i}]")
        elif key.startswith("$"):
            raise ValidationError(f"unknown operator {key!r} at the top of a filter; use $and, $or "
                                  "or a field path", where)
        elif not key or any(not part for part in key.split(".")):
            raise ValidationError(f"invalid field path {key!r}; use dotted names like 'metadata.user.x'", where)
        elif _is_operators(value):
            _check_operators(value, where)
    return query


def _is_operators(value: Any) -> bool:
    return isinstance(value, dict) and any(isinstance(k, str) and k.startswith("$") for k in value)


def _check_operators(ops: dict[str, Any], path: str) -> None:
    for op, arg in ops.items():
        where = f"{path}.{op}"
        if op not in OPERATORS:
            raise ValidationError(f"unknown operator {op!r}; use one of {', '.join(OPERATORS)}", where)
        if op in ("$in", "$nin") and not isinstance(arg, list):
            raise ValidationError(f"{op} takes a list of values", where)
        if op == "$exists" and not isinstance(arg, bool):
            raise ValidationError("$exists takes true or false", where)
        if op in _ORDERED and (isinstance(arg, bool) or not isinstance(arg, (int, float, str))):
            raise ValidationError(f"{op} takes a number or a string", where)


def matches(query: dict[str, Any] | None, doc: dict[str, Any]) -> bool:
    """Does the resource JSON ``doc`` satisfy the (validated) filter ``query``?"""
    for key, value in (query or {}).items():
        if key == "$and":
            ok = all(matches(sub, doc) for sub in value)
        elif key == "$or":
            ok = any(matches(sub, doc) for sub in value)
        elif _is_operators(value):
            found = lookup(doc, key)
            ok = all(_apply(op, arg, found) for op, arg in value.items())
        else:
            ok = lookup(doc, key) == value
        if not ok:
            return False
    return True


def lookup(doc: Any, path: str) -> Any:
    """The value at a dotted path, or a sentinel (never equal to a JSON value) when absent."""
    for part in path.split("."):
        if isinstance(doc, dict) and part in doc:
            doc = doc[part]
        elif isinstance(doc, list) and part.isdigit() and int(part) < len(doc):
            doc = doc[int(part)]
        else:
            return _MISSING
    return doc


def _apply(op: str, arg: Any, found: Any) -> bool:
    if op == "$exists":
        return (found is not _MISSING) is bool(arg)
    if op == "$eq":
        return bool(found == arg)
    if op == "$ne":
        return bool(found != arg)
    if op == "$in":
        return found is not _MISSING and found in arg
    if op == "$nin":
        return found is _MISSING or found not in arg
    return _ordered(_ORDERED[op], found, arg)


def _ordered(compare: Callable[[Any, Any], bool], found: Any, arg: Any) -> bool:
    numbers = (int, float)
    if isinstance(found, bool) or found is _MISSING:
        return False
    if isinstance(found, numbers) and isinstance(arg, numbers):
        return bool(compare(found, arg))
    if isinstance(found, str) and isinstance(arg, str):
        return bool(compare(found, arg))
    return False
