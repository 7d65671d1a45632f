"""MLRun's Packager API (``Packager``, ``DefaultPackager``) with its bugs fixed.

A packager packs one Python type into an artifact (a file written through an
``ArtifactSink``) or a result (a JSON value kept in the record), and unpacks it
back with the instructions it stored.  Differences from MLRun, on purpose:

* a subclass's own ``PRIORITY`` is honoured (1 highest .. 10; builtins 5, custom 3);
* configurations are checked against ``pack_<type>`` *before* packing, and an
  unknown one is a ``PackingError`` suggesting the right name;
* artifacts are written once, straight into the sink (no temp copy).
"""
from __future__ import annotations

import contextvars
import difflib
import inspect
import os
import typing
from abc import ABC, abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator, Protocol, runtime_checkable

from faas_jupyter.errors import PackingError, UnpackingError
from faas_jupyter.packagers.artifact import Artifact, ArtifactSpec, ArtifactType  # noqa: F401 (public here)
from faas_jupyter.packagers.bundle_flags import BundleFlags
from faas_jupyter.packagers.clearing import make_class_callable, note_clearing_path, remove_path
from faas_jupyter.packagers.pickling import pickle_to_artifact, unpickle_item
from faas_jupyter.packagers.typehints import type_name


@runtime_checkable
class ArtifactSink(Protocol):
    """Where packagers write and read artifact files (``store.artifacts.ArtifactStore``)."""

    def open_write(self, rel: str, *, hashing: bool = True) -> Any: ...
    def open(self, rel: str, mode: str = "rb") -> Any: ...
    def local_path(self, rel: str) -> str: ...
    def scratch_dir(self) -> str: ...
    def is_local_copy(self, path: str) -> bool: ...
    def url(self, rel: str) -> str: ...
    def exists(self, rel: str) -> bool: ...


@dataclass(frozen=True)
class ReadPolicy:
    """How items are read: ``trust`` skips digest checks and loads any pickle; otherwise a
    pickle written by someone other than ``user`` is refused (``user=None``: no owner check)."""
    trust: bool = False
    user: str | None = None


_policy: contextvars.ContextVar[ReadPolicy] = contextvars.ContextVar("faas_read_policy", default=ReadPolicy())


@contextmanager
def read_policy(trust: bool = False, user: str | None = None) -> Iterator[ReadPolicy]:
    """Unpack inside this block under ``ReadPolicy(trust, user)`` (``item.get`` sets it)."""
    token = _policy.set(ReadPolicy(trust, user))
    try:
        yield _policy.get()
    finally:
        _policy.reset(token)


class DataItem:
    """A stored item as a packager sees it on unpack (record + where its file is).

    Reading the file (``open``, ``local``) checks the digest recorded when it was
    written, unless the read policy trusts it; ``pickle_refusal`` says why a pickle
    must not be loaded under the policy (None: it may).
    """

    def __init__(self, record: dict, source: ArtifactSink | None = None):
        self.record = record
        self.source = source
        self.policy = _policy.get()

    key = property(lambda self: self.record.get("key"))
    path = property(lambda self: self.record.get("path"))
    value = property(lambda self: self.record.get("value"))
    artifact_type = property(lambda self: self.record.get("artifact_type"))
    format = property(lambda self: self.record.get("format"))

    @property
    def url(self) -> str | None:
        return self.source.url(self.path) if self.path and self.source else self.path

    def _need_file(self) -> None:
        if not self.path:
            raise UnpackingError(f"item {self.key!r} is a result, it has no file")
        if self.source is None:
            raise UnpackingError(f"item {self.key!r}: no artifact store given to read its file")

    def _verifying(self) -> bool:
        return not self.policy.trust and bool(self.record.get("digest")) \
            and hasattr(self.source, "open_verified")

    def local(self) -> str:
        self._need_file()
        if self._verifying():
            return self.source.local_path_verified(self.path, self.record.get("digest"),
                                                   self.record.get("size"), self.key)
        return self.source.local_path(self.path)

    def open(self):
        self._need_file()
        if self._verifying():
            return self.source.open_verified(self.path, self.record.get("digest"),
                                             self.record.get("size"), self.key)
        return self.source.open(self.path, "rb")

    def pickle_refusal(self) -> str | None:
        """Why this pickle may not be loaded under the read policy, or None."""
        creator, user = self.record.get("creator"), self.policy.user
        if self.policy.trust:
            return None
        if self.record.get("external"):  # a path/URL an execution was given
            return "it is a path or URL given as an input, not an item of this project"
        if self.record.get("pickle_refusal"):  # set by whoever knows more (an execution's inputs)
            return self.record["pickle_refusal"]
        if user is None or creator in (None, user):
            return None
        return f"it was written by {creator!r}, not by you ({user!r})"

    def __repr__(self) -> str:
        return f"DataItem({self.key!r}, {self.artifact_type!r}, {self.path or self.value!r})"


class PackContext:
    """Given to a packager for one pack call: the sink and the folder to write in."""

    def __init__(self, sink: ArtifactSink | None, prefix: str = ""):
        self.sink, self.prefix = sink, prefix.strip("/")

    def rel(self, key: str, ext: str | None) -> str:
        name = f"{key}.{ext}" if ext else key
        return f"{self.prefix}/{name}" if self.prefix else name

    def open_write(self, key: str, ext: str | None, hashing: bool = True):
        if self.sink is None:
            raise PackingError(f"cannot write artifact {key!r}: no artifact store was given")
        return self.sink.open_write(self.rel(key, ext), hashing=hashing)


class Packager(ABC):
    """Abstract packager: pack one type into artifacts/results and back."""

    PACKABLE_OBJECT_TYPE: Any = ...
    PRIORITY: int | type(...) = ...   # ... = the manager's default (builtins 5, custom 3)

    def __init__(self):
        # MLRun read ``Packager.PRIORITY`` here, ignoring subclasses; we read our own class.
        declared = type(self).PRIORITY
        self._priority = declared if declared is not ... else None
        self._future_clearing_path_list: list[str] = []
        self.context: PackContext = PackContext(None)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        make_class_callable(cls)  # the documentation's "class methods" work on the class too

    # -- abstract contract ---------------------------------------------------
    @abstractmethod
    def get_default_packing_artifact_type(self, obj: Any) -> str: ...

    @abstractmethod
    def get_default_unpacking_artifact_type(self, data_item: DataItem) -> str: ...

    @abstractmethod
    def get_supported_artifact_types(self) -> list[str]: ...

    @abstractmethod
    def pack(self, obj: Any, key: str | None = None, artifact_type: str | None = None,
             configurations: dict | None = None):
        """Return ``(Artifact, instructions)`` or ``{key: value}`` for a result."""

    @abstractmethod
    def unpack(self, data_item: DataItem, artifact_type: str | None = None,
               instructions: dict | None = None) -> Any: ...

    @abstractmethod
    def can_bundle(self, bundle_hint: Any, collection_type: type) -> bool:
        """Can ``bundle(collection)`` build a ``bundle_hint`` from a ``collection_type`` (dict/list)?"""

    @abstractmethod
    def can_unbundle(self, bundled_object: Any) -> bool:
        """Can ``unbundle(bundled_object)`` split it into a list or dict to pack item by item?"""

    # -- optional ------------------------------------------------------------
    def get_supported_packing_artifact_types(self) -> list[str]:
        return self.get_supported_artifact_types()

    def get_supported_unpacking_artifact_types(self) -> list[str]:
        return self.get_supported_artifact_types()

    def bundle(self, collection: dict | list) -> Any:
        raise NotImplementedError(f"{type(self).__name__} cannot bundle")

    def unbundle(self, bundled_object: Any) -> dict | list:
        raise NotImplementedError(f"{type(self).__name__} cannot unbundle")

    # -- provided ------------------------------------------------------------
    @property
    def priority(self) -> int:
        return self._priority if self._priority is not None else 3

    @priority.setter
    def priority(self, value: int) -> None:
        if not isinstance(value, int) or not 1 <= value <= 10:
            raise ValueError(f"packager priority must be an int 1..10, got {value!r}")
        self._priority = value

    @property
    def explicit_priority(self) -> int | None:
        """The priority this packager was given (its class's ``PRIORITY`` or ``priority = ...``);
        None when it left it to the manager."""
        return self._priority

    @property
    def future_clearing_path_list(self) -> list[str]:
        return self._future_clearing_path_list

    def add_future_clearing_path(self, path: str | os.PathLike) -> None:
        """Mark ``path`` to delete once the current logging (an execution, ``ws.items.log``) ends."""
        self._future_clearing_path_list.append(str(path))
        note_clearing_path(self, str(path))

    def forget_clearing_path(self, path: str) -> None:
        try:
            self._future_clearing_path_list.remove(path)
        except ValueError:
            pass

    def clear_future_paths(self) -> None:
        while self._future_clearing_path_list:
            remove_path(self._future_clearing_path_list.pop())

    def is_packable(self, obj: Any, artifact_type: str | None = None,
                    configurations: dict | None = None) -> bool:
        if not self.is_packable_type(type(obj)):
            return False
        return artifact_type is None or artifact_type in self.get_supported_packing_artifact_types()

    def is_packable_type(self, cls: type) -> bool:
        """Could an instance of ``cls`` be packed (ignoring its value)?"""
        tp = typing.get_origin(self.PACKABLE_OBJECT_TYPE) or self.PACKABLE_OBJECT_TYPE
        if tp is ...:
            return True
        if getattr(self, "PACK_SUBCLASSES", False):
            return isinstance(cls, type) and issubclass(cls, tp)
        return cls is tp

    def is_unpackable(self, data_item: DataItem, type_hint: Any, artifact_type: str | None = None) -> bool:
        """True if this packager's type satisfies ``type_hint`` (an IDE's subclass rule)."""
        if artifact_type is not None and artifact_type not in self.get_supported_unpacking_artifact_types():
            return False
        tp = typing.get_origin(self.PACKABLE_OBJECT_TYPE) or self.PACKABLE_OBJECT_TYPE
        if type_hint in (None, Any, object) or tp is ...:
            return True
        hint = typing.get_origin(type_hint) or type_hint
        try:
            return isinstance(tp, type) and isinstance(hint, type) and issubclass(tp, hint)
        except TypeError:
            return False

    def get_data_item_local_path(self, data_item: DataItem, add_to_future_clearing_path: bool | None = None) -> str:
        """Local path of the item's file; a downloaded copy is marked for clearing.

        A file that already is local is never marked (MLRun once deleted users' inputs).
        """
        path = data_item.local()
        is_copy = data_item.source is not None and data_item.source.is_local_copy(path)
        if add_to_future_clearing_path or (add_to_future_clearing_path is None and is_copy):
            self.add_future_clearing_path(path)
        return path

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(packable_type={type_name(self.PACKABLE_OBJECT_TYPE)}, "
                f"artifact_types={self.get_supported_artifact_types()}, priority={self.priority})")


make_class_callable(Packager)


def suggest(name: str, options: list[str]) -> str:
    """`` did you mean 'x'?`` or an empty string."""
    aliases = {"format": "file_format", "fmt": "file_format"}
    guess = aliases.get(name) if aliases.get(name) in options else None
    if guess is None:
        close = difflib.get_close_matches(name, options, n=1, cutoff=0.5)
        guess = close[0] if close else None
    return f"; did you mean {guess!r}?" if guess else ""


class DefaultPackager(BundleFlags, Packager):
    """Packager whose artifact types are its ``pack_<type>`` / ``unpack_<type>`` methods.

    Configurations are the keyword arguments of ``pack_<type>(obj, key, **config)``;
    what ``pack_<type>`` returns as instructions comes back as the keyword
    arguments of ``unpack_<type>(data_item, **instructions)``.
    """

    PACKABLE_OBJECT_TYPE: Any = ...
    PACK_SUBCLASSES = False
    DEFAULT_PACKING_ARTIFACT_TYPE = ArtifactType.OBJECT
    DEFAULT_UNPACKING_ARTIFACT_TYPE = ArtifactType.OBJECT
    def get_default_packing_artifact_type(self, obj: Any) -> str:
        return self.DEFAULT_PACKING_ARTIFACT_TYPE

    def get_default_unpacking_artifact_type(self, data_item: DataItem) -> str:
        """The item's own artifact type when this packager unpacks it, else the class default."""
        stored = data_item.artifact_type
        if stored in self.get_supported_unpacking_artifact_types():
            return stored
        return self.DEFAULT_UNPACKING_ARTIFACT_TYPE

    def _methods(self, prefix: str) -> list[str]:
        return sorted(n[len(prefix):] for n in dir(type(self))
                      if n.startswith(prefix) and callable(getattr(type(self), n)))

    def get_supported_artifact_types(self) -> list[str]:
        return sorted(set(self.get_supported_packing_artifact_types())
                      | set(self.get_supported_unpacking_artifact_types()))

    def get_supported_packing_artifact_types(self) -> list[str]:
        return self._methods("pack_")

    def get_supported_unpacking_artifact_types(self) -> list[str]:
        return self._methods("unpack_")

    def configuration_names(self, artifact_type: str) -> list[str]:
        sig = inspect.signature(getattr(self, f"pack_{artifact_type}"))
        return [p.name for p in list(sig.parameters.values())[2:]
                if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]

    def validate_configurations(self, artifact_type: str, configurations: dict | None) -> None:
        """Raise ``PackingError`` if ``pack_<type>`` does not take these configurations."""
        if artifact_type not in self.get_supported_packing_artifact_types():
            raise PackingError(f"{type(self).__name__} cannot pack as {artifact_type!r}; "
                               f"use one of {self.get_supported_packing_artifact_types()}")
        sig = inspect.signature(getattr(self, f"pack_{artifact_type}"))
        if any(p.kind == p.VAR_KEYWORD for p in sig.parameters.values()):
            return
        names = self.configuration_names(artifact_type)
        for name in configurations or {}:
            if name not in names:
                raise PackingError(
                    f"{type(self).__name__}.pack_{artifact_type} has no configuration {name!r}"
                    f"{suggest(name, names)} (it takes {names or 'none'})")

    def pack(self, obj, key=None, artifact_type=None, configurations=None):
        artifact_type = artifact_type or self.get_default_packing_artifact_type(obj)
        configurations = dict(configurations or {})
        self.validate_configurations(artifact_type, configurations)
        return getattr(self, f"pack_{artifact_type}")(obj, key, **configurations)

    def unpack(self, data_item, artifact_type=None, instructions=None):
        artifact_type = artifact_type or self.get_default_unpacking_artifact_type(data_item)
        method = getattr(self, f"unpack_{artifact_type}", None)
        if method is None:
            raise UnpackingError(f"{type(self).__name__} cannot unpack {artifact_type!r} items; "
                                 f"it unpacks {self.get_supported_unpacking_artifact_types()}")
        return method(data_item, **(instructions or {}))

    # -- helpers for pack_<type> methods ---------------------------------------
    def write_artifact(self, key: str, artifact_type: str, fmt: str, write, *, ext: str | None = None,
                       **meta) -> Artifact:
        """Stream ``write(fileobj)`` into the sink as ``<key>.<ext>``; return the Artifact."""
        with self.context.open_write(key, ext or fmt) as w:
            write(w)
        return Artifact(key, artifact_type, fmt, w.path, w.size, w.digest, meta=meta)

    # MLRun's generic ``object`` type (pickle) is available to every DefaultPackager.
    def pack_object(self, obj, key, pickle_module_name: str = "pickle"):
        return pickle_to_artifact(self, obj, key, pickle_module_name)

    def unpack_object(self, data_item, pickle_module_name: str = "pickle", **versions):
        return unpickle_item(self, data_item, pickle_module_name, versions)
