"""Functions declared by hand, checked against the signature both ways and merged with inference.

A declaration is either a ``# faas:`` comment block in the source, whose lines hold one JSON
object::

    # faas: {"functions": [{"name": "run",
    # faas:                 "input": [{"name": "item", "type": "Item"}]}],
    # faas:  "initInputs": [{"name": "threshold", "type": "Float"}]}

or module JSON given explicitly (a Dataloop ``package.json`` module). Merge rules: declared
functions, inputs and types win; a function or init-input list that is not declared keeps the
inferred one; a declared ``output`` or ``description`` is used only when non-empty (Dataloop
leaves outputs blank); inputs with defaults that are not declared stay, after the declared ones.
"""
from __future__ import annotations

import copy
import io
import json
import re
import tokenize
from dataclasses import dataclass
from typing import Any, Callable, Collection

from ..errors import ValidationError
from .package import FunctionIO, PackageFunction
from .types import VALID_TYPES, default_io_name

_Fail = Callable[[str], ValidationError]
_Lines = dict[tuple[str, str | None], int]  # (function, input or None) -> source line
_MARK = re.compile(r"#\s*faas:\s?(.*)$")
_BLOCK_KEYS = ("functions", "initInputs")
BLOCK = "the '# faas:' block"


@dataclass
class DeclaredModule:
    """Declared ``functions`` / ``initInputs`` (raw dicts: which keys are present matters)."""

    module: dict[str, Any]
    line: int | None
    origin: str

    def overridden_by(self, other: DeclaredModule) -> DeclaredModule:
        functions = {f["name"]: f for f in self.module.get("functions", [])}
        functions.update({f["name"]: f for f in other.module.get("functions", [])})
        merged = {"functions": list(functions.values())}
        for source in (self.module, other.module):
            if "initInputs" in source:
                merged["initInputs"] = source["initInputs"]
        return DeclaredModule(merged, self.line, f"{self.origin} and {other.origin}")


def declared_from_block(source: str) -> DeclaredModule | None:
    """The ``# faas:`` block of ``source`` (None without one); bad JSON is a ValidationError."""
    if "faas:" not in source:  # tokenizing costs ~2 ms on a 30-line cell; most cells have no block
        return None
    blocks = _blocks(_marked_lines(source))
    if not blocks:
        return None
    if len(blocks) > 1:
        raise ValidationError(f"a second '# faas:' block starts here; put every declaration in the "
                              f"one block at line {blocks[0][0][0]}", line=blocks[1][0][0])
    start = blocks[0][0][0]
    try:
        data = json.loads("\n".join(text for _, text in blocks[0]))
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{BLOCK} is not valid JSON: {exc.msg} (column {exc.colno})",
                              line=start + exc.lineno - 1) from None
    return _declared(data, start, BLOCK, _BLOCK_KEYS)


def declared_from_json(declared: Any) -> DeclaredModule:
    """Explicit module JSON (or a PackageModule) as a declaration."""
    data = declared.to_json() if hasattr(declared, "to_json") else declared
    # Other module keys (name, entryPoint, computeConfig...) are the caller's business.
    return _declared(data, None, "the declared module JSON", None)


def _marked_lines(source: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return found  # the ast parse already accepted the source; nothing more to find
    for tok in tokens:
        # Only a comment alone on its line: ``x = 1  # faas: ...`` is an ordinary comment.
        if tok.type == tokenize.COMMENT and tok.line.strip() == tok.string.strip():
            match = _MARK.match(tok.string)
            if match:
                found.append((tok.start[0], match.group(1)))
    return found


def _blocks(lines: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    blocks: list[list[tuple[int, str]]] = []
    for number, text in lines:
        if blocks and blocks[-1][-1][0] == number - 1:
            blocks[-1].append((number, text))
        else:
            blocks.append([(number, text)])
    return blocks


def _declared(data: Any, line: int | None, origin: str, keys: tuple[str, ...] | None) -> DeclaredModule:
    def fail(message: str) -> ValidationError:
        return ValidationError(f"{origin}: {message}", line=line)

    if not isinstance(data, dict):
        raise fail('expected a JSON object like {"functions": [{"name": "run", "input": [...]}]}')
    unknown = sorted(set(data) - set(keys)) if keys is not None else []
    if unknown:
        raise fail(f"unknown key {unknown[0]!r}; allowed keys: {', '.join(keys or ())}")
    module: dict[str, Any] = {}
    if "functions" in data:
        module["functions"] = _functions(data["functions"], fail)
    if "initInputs" in data:
        module["initInputs"] = _ios(data["initInputs"], "initInputs", fail)
    return DeclaredModule(module, line, origin)


def _functions(raw: Any, fail: _Fail) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not all(isinstance(f, dict) for f in raw):
        raise fail("'functions' must be a list of objects")
    out, seen = [], set()
    for i, f in enumerate(raw):
        f = copy.deepcopy(f)
        f.setdefault("name", "run")
        _check(PackageFunction, f, f"functions[{i}]", fail)
        if f["name"] in seen:
            raise fail(f"function {f['name']!r} is declared twice")
        seen.add(f["name"])
        for key in ("input", "output"):
            if key in f:
                f[key] = _ios(f[key], f"functions[{i}].{key}", fail)
        out.append(f)
    return out


def _ios(raw: Any, where: str, fail: _Fail) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not all(isinstance(x, dict) for x in raw):
        raise fail(f"{where} must be a list of objects like {{\"name\": \"x\", \"type\": \"Json\"}}")
    out = []
    for i, x in enumerate(raw):
        _check(FunctionIO, x, f"{where}[{i}]", fail)
        x = copy.deepcopy(x)
        x["name"] = _io_name(x)  # Dataloop names an unnamed input after its type
        out.append(x)
    return out


def _check(cls: type[FunctionIO] | type[PackageFunction], data: dict[str, Any], where: str, fail: _Fail) -> None:
    try:
        cls.from_json(data)
    except ValidationError as exc:
        raise fail(f"{where}.{exc}" if exc.path else f"{where}: {exc}") from None


def check_declared(declared: Any, inferred: Any, *, lines: _Lines | None = None, var_keyword: Collection[str] = (),
                   declared_line: int | None = None, class_name: str | None = None) -> None:
    """Raise ValidationError unless ``declared`` and the signatures in ``inferred`` agree.

    Both directions: a declared function or input the class lacks, and a signature parameter
    (without a default; ``progress``/``context`` are never inputs) missing from the declaration.
    ``lines`` maps ``(function, input)`` and ``(function, None)`` to source lines.
    """
    declared = _as_json(declared)
    inferred = _as_json(inferred)
    lines = lines or {}
    cls = class_name or inferred.get("className", "ServiceRunner")
    functions = {f["name"]: f for f in inferred.get("functions", [])}
    problems: list[tuple[int | None, str]] = []
    for d in declared.get("functions", []):
        name = d.get("name", "run")
        if name not in functions:
            have = ", ".join(functions) or "none"
            problems.append((declared_line, f"function {name!r} is declared but class {cls!r} has no "
                                            f"public method {name!r}; its public methods: {have}"))
        elif "input" in d:
            problems += _io_problems(d["input"], functions[name]["input"], name, cls, lines,
                                     name in var_keyword, declared_line)
    if "initInputs" in declared:
        problems += _io_problems(declared["initInputs"], inferred.get("initInputs", []), "__init__",
                                 cls, lines, "__init__" in var_keyword, declared_line)
    if problems:
        raise ValidationError("; ".join(m for _, m in problems),
                              line=next((ln for ln, _ in problems if ln), None))


def _io_problems(declared_ios: list[dict[str, Any]], signature_ios: list[dict[str, Any]], fname: str, cls: str,
                 lines: _Lines, var_keyword: bool, declared_line: int | None) -> list[tuple[int | None, str]]:
    declared_names = [_io_name(x) for x in declared_ios]
    params = {x["name"]: x for x in signature_ios}
    problems: list[tuple[int | None, str]] = []
    for name in declared_names:
        if name not in params and not var_keyword:
            problems.append((lines.get((fname, None), declared_line),
                             f"input {name!r} is declared but {cls}.{fname} has no parameter {name!r}; "
                             "add it to the signature or remove it from the declaration"))
    for name, io_json in params.items():
        if name not in declared_names and "defaultValue" not in io_json:
            hint = json.dumps({"name": name, "type": io_json["type"]})
            problems.append((lines.get((fname, name), declared_line),
                             f"parameter {name!r} of {cls}.{fname} is not declared; declare it "
                             f"({hint}) or give it a default"))
    return problems


def _io_name(io_json: dict[str, Any]) -> str:
    t = io_json.get("type")
    return io_json.get("name") or (default_io_name(t) if t in VALID_TYPES else "config")


def _as_json(module: Any) -> dict[str, Any]:
    data: dict[str, Any] = module.to_json() if hasattr(module, "to_json") else module
    return data


def merge_declared(inferred: dict[str, Any], declared: dict[str, Any]) -> dict[str, Any]:
    """``inferred`` with the declared functions and init inputs laid over it (see module doc)."""
    result = copy.deepcopy(inferred)
    if "initInputs" in declared:
        result["initInputs"] = _merge_ios(declared["initInputs"], result["initInputs"])
    by_name = {f["name"]: f for f in result["functions"]}
    for d in declared.get("functions", []):
        f = by_name[d.get("name", "run")]
        if "input" in d:
            f["input"] = _merge_ios(d["input"], f["input"])
        for key in ("output", "description"):
            if d.get(key):
                f[key] = copy.deepcopy(d[key])
        for key in sorted(set(d) - {"name", "input", "output", "description"}):
            f[key] = copy.deepcopy(d[key])  # displayName, displayIcon, Dataloop's extra keys
    return result


def _merge_ios(declared_ios: list[dict[str, Any]], inferred_ios: list[dict[str, Any]]) -> list[dict[str, Any]]:
    inferred_by_name = {x["name"]: x for x in inferred_ios}
    out = []
    for x in declared_ios:
        x = copy.deepcopy(x)
        found = inferred_by_name.get(x["name"])
        if found is not None and "defaultValue" in found:
            x.setdefault("defaultValue", found["defaultValue"])
        out.append(x)
    names = {x["name"] for x in out}
    out += [copy.deepcopy(x) for x in inferred_ios if x["name"] not in names]
    return out
