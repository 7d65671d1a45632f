"""Type annotations, parameter names and defaults -> FunctionIO types, by ``ast`` only.

Names are resolved through the source's own imports (``import pandas as pd`` makes
``pd.DataFrame`` read ``pandas.DataFrame``), so nothing the user imports is ever loaded.
:func:`io_type` returns ``(type, problem)``; a ``problem`` is the text of an
:class:`~faas_jupyter.model.introspect.InferenceWarning` and the type is then ``Json``.
"""
from __future__ import annotations

import ast
import contextvars
import math
from typing import Any, Iterator

from .types import ENTITY_TYPES as _ENTITY_MEMBERS

JSON = "Json"

# Entity types a name may refer to, as ``faas_jupyter.X`` / ``dtlpy.X`` / a bare ``X``.
ENTITY_TYPES = frozenset(t.value for t in _ENTITY_MEMBERS)
_ENTITY_HOMES = ("", "faas_jupyter.", "faas_jupyter.model.", "faas_jupyter.model.entities.",
                 "faas.", "dtlpy.", "dtlpy.entities.")

# Fully qualified (after alias resolution) names of plain types.
_SCALARS = {
    "int": "Integer", "float": "Float", "bool": "Boolean", "str": "String",
    "dict": JSON, "list": JSON, "tuple": JSON, "object": JSON,
    "typing.Any": JSON, "typing.Dict": JSON, "typing.List": JSON, "typing.Tuple": JSON,
    "typing.Mapping": JSON, "typing.MutableMapping": JSON, "typing.Sequence": JSON,
    "collections.abc.Mapping": JSON, "collections.abc.Sequence": JSON,
    "bytes": "Item", "Path": "Item", "pathlib.Path": "Item", "os.PathLike": "Item",
    "pandas.DataFrame": "Item", "pandas.Series": "Item", "numpy.ndarray": "Item",
    "numpy.typing.NDArray": "Item", "numpy.typing.ArrayLike": "Item",
}
_SEQUENCES = frozenset({"list", "typing.List", "typing.Sequence", "collections.abc.Sequence",
                        "typing.Iterable", "collections.abc.Iterable"})
_MAPPINGS = frozenset({"dict", "typing.Dict", "typing.Mapping", "typing.MutableMapping",
                       "collections.abc.Mapping"})
_TUPLES = frozenset({"tuple", "typing.Tuple"})
_OPTIONAL = "typing.Optional"
_UNION = "typing.Union"
_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
_LITERAL = frozenset({"typing.Literal", "typing_extensions.Literal"})
# Generic containers whose parameters do not change the FunctionIO type.
_ITEM_GENERICS = frozenset({"numpy.ndarray", "numpy.typing.NDArray", "pandas.Series"})

# Dataloop's naming convention for unannotated parameters (spec section 3).
NAME_CONVENTION = {
    "item": "Item", "items": "Item[]", "dataset": "Dataset", "datasets": "Dataset[]",
    "annotation": "Annotation", "annotations": "Annotation[]",
}


# Names a notebook often imports in an earlier cell; the source's own imports override them.
_CONVENTIONAL = {
    "pd": "pandas", "np": "numpy", "npt": "numpy.typing", "dl": "dtlpy",
    "DataFrame": "pandas.DataFrame", "Series": "pandas.Series", "ndarray": "numpy.ndarray",
    **{n: f"typing.{n}" for n in ("Any", "Optional", "Union", "List", "Dict", "Tuple", "Sequence",
                                  "Mapping", "Iterable", "Annotated", "Literal")},
}


def import_aliases(tree: ast.AST) -> dict[str, str]:
    """Local name -> qualified name, from every ``import`` in the source."""
    aliases: dict[str, str] = dict(_CONVENTIONAL)
    for node in _statements(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                # ``import a.b`` binds ``a``; ``import a.b as c`` binds ``c`` to ``a.b``.
                aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    return aliases


_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def _statements(tree: ast.AST) -> Iterator[ast.AST]:
    """Every statement, nested ones too (imports are statements: expressions need no visit,
    which makes this several times cheaper than ``ast.walk`` on a typical cell)."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        for name in _BODIES:
            children = getattr(node, name, None)
            if children:
                todo.extend(reversed(children))


def qualified_name(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """``pd.DataFrame`` -> ``pandas.DataFrame``; None for anything but names and attributes."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id, node.id)
    if isinstance(node, ast.Attribute):
        base = qualified_name(node.value, aliases)
        return f"{base}.{node.attr}" if base else None
    return None


# Qualified names of the types the workspace's packagers pack (``custom_point.Point``): such an
# annotation is an Item input.  Set around one inference by ``introspect.inference_context``.
PACKABLE_TYPES: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("faas_packable_types",
                                                                          default=frozenset())


def _base_type(qname: str) -> str | None:
    if qname in _SCALARS:
        return _SCALARS[qname]
    if qname in PACKABLE_TYPES.get():
        return "Item"
    for home in _ENTITY_HOMES:
        if qname.startswith(home) and qname[len(home):] in ENTITY_TYPES:
            return qname[len(home):]
    return None


class _Unsupported(Exception):
    """Raised inside the mapping; caught by :func:`io_type`, which warns and uses Json."""


def _map(node: ast.AST, aliases: dict[str, str]) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _map(_parse_string_annotation(node.value), aliases)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union([node.left, node.right], aliases)
    if isinstance(node, ast.Subscript):
        return _map_generic(node, aliases)
    qname = qualified_name(node, aliases)
    found = _base_type(qname) if qname else None
    if found is None:
        raise _Unsupported
    return found


def _parse_string_annotation(text: str) -> ast.AST:
    try:
        return ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        raise _Unsupported from None


def _args(node: ast.Subscript) -> list[ast.AST]:
    sl = node.slice
    return list(sl.elts) if isinstance(sl, ast.Tuple) else [sl]


def _map_generic(node: ast.Subscript, aliases: dict[str, str]) -> str:
    qname = qualified_name(node.value, aliases) or ""
    args = _args(node)
    if qname == _OPTIONAL:
        return _map(args[0], aliases)
    if qname == _UNION:
        return _union(args, aliases)
    if qname in _ANNOTATED:
        return _map(args[0], aliases)
    if qname in _LITERAL:
        return _literal_type(args)
    if qname in _SEQUENCES and len(args) == 1:
        return _array_of(_map(args[0], aliases))
    if qname in _TUPLES and len(args) == 2 and _is_ellipsis(args[1]):
        return _array_of(_map(args[0], aliases))
    if qname in _MAPPINGS and len(args) == 2 and _maps_to_item(args[1], aliases):
        return "Item"  # dict[str, pd.DataFrame]: a dict of item ids, unpacked per item (a bundle)
    if qname in _TUPLES or qname in _MAPPINGS:
        return JSON  # a fixed tuple or a mapping is a JSON list / object
    if qname in _ITEM_GENERICS:
        return "Item"
    raise _Unsupported


def _maps_to_item(node: ast.AST, aliases: dict[str, str]) -> bool:
    try:
        return _map(node, aliases) == "Item"
    except _Unsupported:
        return False


def _array_of(element: str) -> str:
    # There is no ``T[][]``: a list of lists is a list of JSON values.
    return "Json[]" if element.endswith("[]") else f"{element}[]"


def _is_ellipsis(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is Ellipsis


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _union(members: list[ast.AST], aliases: dict[str, str]) -> str:
    flat: list[ast.AST] = []
    for m in members:
        if isinstance(m, ast.BinOp) and isinstance(m.op, ast.BitOr):
            flat += [m.left, m.right]
        else:
            flat.append(m)
    types = {_map(m, aliases) for m in flat if not _is_none(m)}
    if len(types) != 1:  # a union of different types has no single FunctionIO type
        raise _Unsupported
    return types.pop()


def _literal_type(args: list[ast.AST]) -> str:
    kinds = {type(a.value) for a in args if isinstance(a, ast.Constant)}
    if len(kinds) != 1 or len(args) != sum(isinstance(a, ast.Constant) for a in args):
        raise _Unsupported
    found = {str: "String", int: "Integer", float: "Float", bool: "Boolean"}.get(kinds.pop())
    if found is None:
        raise _Unsupported
    return found


def annotation_text(node: ast.AST) -> str:
    """The annotation as the user wrote it (string annotations without their quotes)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ast.unparse(node)


def io_type(annotation: ast.AST | None, name: str, aliases: dict[str, str]) -> tuple[str, str | None]:
    """FunctionIO type of the parameter ``name``; ``(type, warning text or None)``."""
    if annotation is None:
        return NAME_CONVENTION.get(name, JSON), None
    try:
        return _map(annotation, aliases), None
    except _Unsupported:
        text = annotation_text(annotation)
        return JSON, f"annotation {text!r} of input {name!r} is not a FunctionIO type; Json will be used"


def output_ios(annotation: ast.AST | None, function: str,
               aliases: dict[str, str]) -> tuple[list[dict[str, Any]], list[str]]:
    """Outputs from a return annotation: ``output``, or ``output_0..n`` for a fixed tuple."""
    if annotation is None or _is_none(annotation) or _is_none_string(annotation):
        return [], []
    parts = _tuple_parts(annotation, aliases)
    if parts is None:
        names_and_nodes = [("output", annotation)]
    else:
        names_and_nodes = [(f"output_{i}", p) for i, p in enumerate(parts)]
    outputs, problems = [], []
    for out_name, node in names_and_nodes:
        try:
            outputs.append({"name": out_name, "type": _map(node, aliases)})
        except _Unsupported:
            outputs.append({"name": out_name, "type": JSON})
            problems.append(f"return annotation {annotation_text(node)!r} of function {function!r} "
                            "is not a FunctionIO type; Json will be used")
    return outputs, problems


def _is_none_string(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value == "None"


def _tuple_parts(node: ast.AST, aliases: dict[str, str]) -> list[ast.AST] | None:
    """The members of ``tuple[A, B]`` (not ``tuple[A, ...]``), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = _parse_string_annotation(node.value)
        except _Unsupported:
            return None
    if not isinstance(node, ast.Subscript) or qualified_name(node.value, aliases) not in _TUPLES:
        return None
    args = _args(node)
    if len(args) == 2 and _is_ellipsis(args[1]):
        return None
    return args


_NO_VALUE = object()


def default_value(node: ast.AST) -> tuple[object, str | None]:
    """A default as a JSON value; a non-literal one becomes its source text (with a problem)."""
    value = _json_literal(node)
    if value is not _NO_VALUE:
        return value, None
    text = ast.unparse(node)
    return text, f"is not a JSON literal; its text {text!r} is recorded as defaultValue"


def _json_literal(node: ast.AST) -> object:
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _NO_VALUE
    return _to_json(value)


def _to_json(value: object) -> object:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else _NO_VALUE
    if isinstance(value, (list, tuple)):
        items = [_to_json(v) for v in value]
        return _NO_VALUE if any(v is _NO_VALUE for v in items) else items
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            return _NO_VALUE
        members = {k: _to_json(v) for k, v in value.items()}
        return _NO_VALUE if any(v is _NO_VALUE for v in members.values()) else members
    return _NO_VALUE  # set, bytes, complex: no JSON form
