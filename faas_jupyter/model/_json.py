"""Small helpers that read untrusted JSON and report errors with a JSON path."""
from __future__ import annotations

import keyword
import re
from contextlib import contextmanager
from typing import Any, Iterator

from ..errors import ValidationError

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
NAME_RULE = "1-64 characters: letters, digits, '_' or '-', starting with a letter or digit"

_JSON_NAMES = {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
               int: "an integer", float: "a number", type(None): "null"}


def join(path: str | None, sub: str | None) -> str | None:
    """``join("modules[0]", "name")`` -> ``"modules[0].name"``; list indexes attach without a dot."""
    if not path:
        return sub or None
    if not sub:
        return path
    return f"{path}{sub}" if sub.startswith("[") else f"{path}.{sub}"


@contextmanager
def at(path: str | None, context: str | None = None) -> Iterator[None]:
    """Prefix the JSON path (and optionally the message) of errors raised inside."""
    try:
        yield
    except ValidationError as exc:
        message = f"{context}: {exc.message}" if context else exc.message
        raise ValidationError(message, join(path, exc.path), line=exc.line) from None


def kind(value: Any) -> str:
    """How a JSON value reads in an error message ("a list")."""
    return _JSON_NAMES.get(type(value), type(value).__name__)


def expect(value: Any, types: type | tuple[type, ...], path: str | None, what: str) -> Any:
    """Return ``value`` if it has one of ``types`` (bool never counts as a number)."""
    types = types if isinstance(types, tuple) else (types,)
    bad_bool = isinstance(value, bool) and bool not in types
    if not isinstance(value, types) or bad_bool:
        raise ValidationError(f"expected {what}, got {kind(value)}", path)
    return value


def expect_object(d: Any, path: str | None = None) -> dict[str, Any]:
    checked: dict[str, Any] = expect(d, dict, path, "a JSON object")
    return checked


def get(d: dict[str, Any], key: str, types: type | tuple[type, ...], what: str, default: Any = None) -> Any:
    """``d[key]`` type-checked; ``default`` when the key is absent or null."""
    value = d.get(key)
    return default if value is None else expect(value, types, key, what)


def get_list(d: dict[str, Any], key: str) -> list[Any]:
    checked: list[Any] = get(d, key, list, "a list", default=[])
    return checked


def check_name(name: Any, what: str, path: str | None = "name") -> str:
    """Package/module/service/dataset names: ``^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$``."""
    checked: str = expect(name, str, path, f"a {what} name (string)")
    if not NAME_RE.fullmatch(checked):  # match() would accept a trailing newline
        raise ValidationError(f"invalid {what} name {checked!r}: use {NAME_RULE}", path)
    return checked


def check_identifier(name: Any, what: str, path: str | None = "name") -> str:
    """Function/input names and class names: Python identifiers that are not keywords."""
    checked: str = expect(name, str, path, f"a {what} name (string)")
    if not checked.isidentifier() or keyword.iskeyword(checked):
        raise ValidationError(f"invalid {what} name {checked!r}: use a Python identifier "
                              "(letters, digits, '_', not starting with a digit, not a keyword)", path)
    return checked


def check_unique(names: list[str], what: str, path: str, owner: str) -> None:
    """Raise at the second occurrence of a repeated name."""
    seen: set[str] = set()
    for i, name in enumerate(names):
        if name in seen:
            raise ValidationError(f"{owner} has two {what}s named {name!r}; names must be unique",
                                  f"{path}[{i}].name")
        seen.add(name)


def split_extra(d: dict[str, Any], known: tuple[str, ...]) -> dict[str, Any]:
    """The keys we do not model (Dataloop's computeConfig, slots, ...), kept to round-trip."""
    return {k: v for k, v in d.items() if k not in known}


def check_extra(extra: Any, known: tuple[str, ...], path: str | None = "extra") -> dict[str, Any]:
    checked: dict[str, Any] = expect(extra, dict, path, "a dict of extra JSON keys")
    clash = sorted(k for k in checked if k in known or not isinstance(k, str))
    if clash:
        raise ValidationError(f"extra keys {clash} clash with modelled keys or are not strings", path)
    return checked
