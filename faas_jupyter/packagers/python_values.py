"""Plain Python values: results with type tags; large ones spill to a file.

``None, bool, int, float, str, dict, list, tuple, set, frozenset`` are results
by default (``tagged.encode`` keeps tuple/set and non-string keys).  A result
whose JSON would pass ``SPILL_BYTES`` becomes a ``file`` artifact instead, with
a one-line log notice.  Long homogeneous float/int sequences spill as raw
machine numbers (``array`` format): exact and ~50x faster than float repr.
``bytes`` / ``bytearray`` are raw ``.bin`` files by default.
"""
from __future__ import annotations

import ast
import json
import logging
from array import array

from faas_jupyter.errors import PackingError, UnpackingError
from faas_jupyter.packagers import tagged
from faas_jupyter.packagers.api import Artifact, ArtifactType, DefaultPackager

log = logging.getLogger("faas_jupyter.packagers")
SPILL_BYTES = 64 * 1024
_TYPECODES = {float: "d", int: "q"}


def _dumps(v) -> str:
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


class ValuePackager(DefaultPackager):
    """Base of the plain-value packagers (results, ``file`` as json/txt, pickle ``object``)."""

    DEFAULT_PACKING_ARTIFACT_TYPE = ArtifactType.RESULT
    DEFAULT_UNPACKING_ARTIFACT_TYPE = ArtifactType.FILE

    def is_packable(self, obj, artifact_type=None, configurations=None) -> bool:
        if not super().is_packable(obj, artifact_type, configurations):
            return False
        if artifact_type in (None, ArtifactType.RESULT, ArtifactType.FILE):
            return tagged.is_plain(obj)  # a list of DataFrames goes elsewhere
        return True

    def _coerce(self, value):
        tp = self.PACKABLE_OBJECT_TYPE
        return value if isinstance(value, tp) or value is None else tp(value)

    # -- result ----------------------------------------------------------------
    def pack_result(self, obj, key):
        spilled = self._spill_numbers(obj, key)
        if spilled is not None:
            return spilled
        encoded = tagged.encode(obj)
        text = _dumps(encoded)
        if len(text) <= SPILL_BYTES:
            return {key: encoded}
        log.info("result %r is %d bytes of JSON (> %d): stored as a file artifact", key, len(text), SPILL_BYTES)
        data = text.encode()
        return self.write_artifact(key, ArtifactType.FILE, "json", lambda f: f.write(data)), {"file_format": "json"}

    def _spill_numbers(self, obj, key):
        """Long lists/tuples of only floats or only ints: raw machine numbers."""
        if type(obj) not in (list, tuple) or len(obj) * 2 <= SPILL_BYTES:
            return None
        kinds = set(map(type, obj))
        code = _TYPECODES.get(next(iter(kinds))) if len(kinds) == 1 else None
        if code is None:
            return None
        try:
            data = array(code, obj)
        except OverflowError:  # ints beyond 64 bits: JSON keeps them exactly
            return None
        log.info("result %r has %d numbers: stored as a file artifact", key, len(obj))
        artifact = self.write_artifact(key, ArtifactType.FILE, "array", lambda f: f.write(data), ext="bin")
        return artifact, {"file_format": "array", "typecode": code, "container": type(obj).__name__}

    def unpack_result(self, data_item):
        return self._coerce(tagged.decode(data_item.value))

    # -- file --------------------------------------------------------------------
    def pack_file(self, obj, key, file_format: str = "json"):
        if file_format == "json":
            data = _dumps(tagged.encode(obj)).encode()
        elif file_format == "txt":
            data = repr(obj).encode()
            if _literal(data.decode()) != obj:
                raise PackingError(f"{key!r} does not round-trip through repr(); use file_format='json'")
        else:
            raise PackingError(f"unknown file_format {file_format!r} for {key!r}; use 'json' or 'txt'")
        return self.write_artifact(key, ArtifactType.FILE, file_format, lambda f: f.write(data)), \
            {"file_format": file_format}

    def unpack_file(self, data_item, file_format: str | None = None, typecode: str | None = None,
                    container: str | None = None):
        file_format = file_format or (data_item.path or "").rsplit(".", 1)[-1]
        with data_item.open() as f:
            raw = f.read()
        if file_format == "array":
            values = array(typecode)
            values.frombytes(raw)
            out = values.tolist()
            return self._coerce(tuple(out) if container == "tuple" else out)
        if file_format == "json":
            return self._coerce(tagged.decode(json.loads(raw)))
        if file_format == "txt":
            return self._coerce(_literal(raw.decode()))
        raise UnpackingError(f"item {data_item.key!r}: unknown file format {file_format!r}")


def _literal(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError) as exc:
        raise UnpackingError(f"cannot read a Python literal: {exc}") from exc


class _CollectionPackager(ValuePackager):
    """Collections unbundle to their items for ``*key`` hints and bundle back."""

    BUNDLE_FROM_LIST = True
    BUNDLE_FROM_DICT = True

    def can_unbundle(self, bundled_object) -> bool:
        return type(bundled_object) is self.PACKABLE_OBJECT_TYPE

    def unbundle(self, bundled_object):
        return bundled_object if isinstance(bundled_object, (dict, list)) else list(bundled_object)

    def can_bundle(self, bundle_hint, collection_type) -> bool:
        return bundle_hint is self.PACKABLE_OBJECT_TYPE

    def bundle(self, collection):
        return self.PACKABLE_OBJECT_TYPE(collection)


def _value_packager(name: str, tp: type, base=ValuePackager):
    cls = type(name, (base,), {"PACKABLE_OBJECT_TYPE": tp, "__doc__": f"``{tp.__name__}`` values.",
                               "__module__": __name__})
    return cls


NonePackager = _value_packager("NonePackager", type(None))
BoolPackager = _value_packager("BoolPackager", bool)
IntPackager = _value_packager("IntPackager", int)
FloatPackager = _value_packager("FloatPackager", float)
DictPackager = _value_packager("DictPackager", dict, _CollectionPackager)
ListPackager = _value_packager("ListPackager", list, _CollectionPackager)
TuplePackager = _value_packager("TuplePackager", tuple, _CollectionPackager)
SetPackager = _value_packager("SetPackager", set, _CollectionPackager)
FrozensetPackager = _value_packager("FrozensetPackager", frozenset, _CollectionPackager)


class StrPackager(ValuePackager):
    """``str``: a result by default; ``path`` logs the file or folder it names."""

    PACKABLE_OBJECT_TYPE = str
    DEFAULT_UNPACKING_ARTIFACT_TYPE = ArtifactType.PATH

    def get_default_unpacking_artifact_type(self, data_item) -> str:
        # a str hint for any file item means its local path (not the file read as a str)
        return ArtifactType.RESULT if data_item.path is None else ArtifactType.PATH

    def pack_path(self, obj, key, archive_format: str = "zip"):
        from faas_jupyter.packagers.files import pack_path
        return pack_path(self, obj, key, archive_format)

    def unpack_path(self, data_item, is_directory: bool = False, archive_format: str | None = None,
                    file_name: str | None = None):
        from faas_jupyter.packagers.files import unpack_path
        return str(unpack_path(self, data_item, is_directory, archive_format, file_name))


class _BytesPackager(ValuePackager):
    DEFAULT_PACKING_ARTIFACT_TYPE = ArtifactType.FILE

    def pack_file(self, obj, key, file_format: str = "bin"):
        if file_format != "bin":
            raise PackingError(f"bytes {key!r} are stored raw; file_format must be 'bin', not {file_format!r}")
        data = bytes(obj) if type(obj) is bytearray else obj
        return self.write_artifact(key, ArtifactType.FILE, "bin", lambda f: f.write(data)), {"file_format": "bin"}

    def unpack_file(self, data_item, file_format: str = "bin", **_):
        if file_format != "bin":
            return super().unpack_file(data_item, file_format, **_)
        with data_item.open() as f:
            return self._coerce(f.read())


BytesPackager = _value_packager("BytesPackager", bytes, _BytesPackager)
BytearrayPackager = _value_packager("BytearrayPackager", bytearray, _BytesPackager)

PACKAGERS = [NonePackager, BoolPackager, IntPackager, FloatPackager, StrPackager, DictPackager,
             ListPackager, TuplePackager, SetPackager, FrozensetPackager, BytesPackager, BytearrayPackager]

__all__ = ["SPILL_BYTES", "ValuePackager", "Artifact"] + [c.__name__ for c in PACKAGERS]
