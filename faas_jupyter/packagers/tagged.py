"""JSON with type tags, so results keep tuple/set/frozenset, bytes and non-string dict keys.

``encode(v)`` returns a JSON-able value; ``decode(encode(v)) == v`` with the same
types.  Plain lists of scalars are passed through untouched (a C-speed check),
so a list of a million floats costs one ``set(map(type, v))``.
"""
from __future__ import annotations

import base64

SCALARS = frozenset({type(None), bool, int, float, str})
_SEQ_TAGS = {"__tuple__": tuple, "__set__": set, "__frozenset__": frozenset}
TAGS = frozenset(_SEQ_TAGS) | {"__dict__", "__bytes__", "__bytearray__"}


class NotEncodable(TypeError):
    """The value holds something a result cannot keep (use a file or object artifact)."""


def is_plain(v) -> bool:
    """True if ``v`` is a tree of None/bool/int/float/str/list/tuple/set/dict/bytes."""
    try:
        encode(v)
    except NotEncodable:
        return False
    return True


def _seq(v) -> list:
    if set(map(type, v)) <= SCALARS:
        return list(v)
    return [encode(x) for x in v]


def encode(v):
    t = type(v)
    if t in SCALARS:
        return v
    if t is list:
        return _seq(v)
    if t is dict:
        if all(type(k) is str for k in v) and not (len(v) == 1 and next(iter(v)) in TAGS):
            return {k: encode(x) for k, x in v.items()}
        return {"__dict__": [[encode(k), encode(x)] for k, x in v.items()]}
    for tag, seq_type in _SEQ_TAGS.items():
        if t is seq_type:
            return {tag: _seq(v)}
    if t is bytes or t is bytearray:
        return {f"__{t.__name__}__": base64.b64encode(v).decode("ascii")}
    raise NotEncodable(f"a {t.__module__}.{t.__qualname__} cannot be kept as a JSON result")


def _decode_list(v: list) -> list:
    for x in v:
        if type(x) is list or type(x) is dict:
            return [decode(y) for y in v]
    return v


def decode(v):
    t = type(v)
    if t is list:
        return _decode_list(v)
    if t is not dict:
        return v
    if len(v) == 1:
        (tag, inner), = v.items()
        if tag in _SEQ_TAGS:
            return _SEQ_TAGS[tag](_decode_list(inner))
        if tag == "__dict__":
            return {_hashable(decode(k)): decode(x) for k, x in inner}
        if tag == "__bytes__":
            return base64.b64decode(inner)
        if tag == "__bytearray__":
            return bytearray(base64.b64decode(inner))
    return {k: decode(x) for k, x in v.items()}


def _hashable(k):
    return tuple(k) if type(k) is list else k
