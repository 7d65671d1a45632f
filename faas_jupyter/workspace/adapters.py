"""The store-backed adapters of the runner (contract: ``runner/adapters.py``).

:class:`StoreResolver` unpacks entity inputs (``EntityRef``s made by
``_entity_lookup.prepare_inputs`` in the parent) where the function runs, to the parameter's
annotation (an Item into a ``pd.DataFrame`` when the parameter says so).
:class:`StoreOutputPacker` packs outputs where the function runs too, so a DataFrame never
crosses a process boundary: only item records and JSON come back (a ``PackedOutput``).
Both pickle without their live parts, so the process and Dask runtimes ship them to workers.
"""
from __future__ import annotations

import inspect
import math
import threading
import uuid
from typing import TYPE_CHECKING, Any

from faas_jupyter.errors import PackingError, ValidationError
from faas_jupyter.packagers.log_hints import parse_hint
from faas_jupyter.model.package import PackageFunction
from faas_jupyter.model.refs import ItemRef
from faas_jupyter.runner.adapters import EntityRef, PackedOutput, PackingCall
from faas_jupyter.runner.invoke import is_json
from faas_jupyter.workspace import _item_inputs as item_inputs
from faas_jupyter.workspace._entity_inputs import entity, plain_record, stored_ref
from faas_jupyter.workspace._entity_lookup import ENTITY_TYPES

if TYPE_CHECKING:
    from faas_jupyter.packagers.manager import PackagersManager

_EMPTY = inspect.Parameter.empty


class _Lazy:
    """Picklable holder of an artifact store and a packagers manager, built on first use.

    ``packagers`` are the project's stored custom packagers, ``(class path, is_mandatory)``: a
    worker process adds them to its own manager. ``manager`` (the workspace's live one, which
    also knows packagers defined in the notebook) is used in-process and never pickled.
    """

    def __init__(self, artifacts_root: str, packagers: tuple = (), manager: PackagersManager | None = None,
                 storage_options=None):
        self.artifacts_root = artifacts_root
        self.packagers = tuple(packagers)
        # the workspace's storage options travel with the service: workers never read their own env
        self.storage_options = dict(storage_options or {})
        self._artifacts, self._manager = None, manager
        self._lock = threading.RLock()
        self._scratch: dict[str, Any] = {}  # execution id -> the store holding its local copies

    def __getstate__(self):
        return {"artifacts_root": self.artifacts_root, "packagers": self.packagers,
                "storage_options": self.storage_options}

    def __setstate__(self, state):
        self.__init__(state["artifacts_root"], state.get("packagers", ()),
                      storage_options=state.get("storage_options"))

    @property
    def artifacts(self):
        if self._artifacts is None:
            from faas_jupyter.store.artifacts import ArtifactStore
            self._artifacts = ArtifactStore(self.artifacts_root, **self.storage_options)
        return self._artifacts

    def _execution_artifacts(self):
        """The artifact store for the running execution: its downloaded copies and scratch
        folders are its own, removed by ``release`` when it ends (others keep theirs)."""
        from faas_jupyter.model.service_runner import current_scope
        scope = current_scope()
        if scope is None:
            return self.artifacts
        with self._lock:
            store = self._scratch.get(scope.execution_id)
            if store is None:
                from faas_jupyter.store.artifacts import ArtifactStore
                store = self._scratch[scope.execution_id] = ArtifactStore(
                    self.artifacts_root, **self.storage_options)
            return store

    def release(self, execution_id: str) -> None:
        """Remove the local copies made for ``execution_id`` (called when it ends)."""
        if execution_id not in self._scratch:  # most executions made none (no lock to say so)
            return
        with self._lock:
            store = self._scratch.pop(execution_id, None)
        if store is not None:
            store.clear_local()

    @property
    def manager(self):
        if self._manager is None:
            from faas_jupyter.packagers import PackagersManager
            manager = PackagersManager()
            for path, mandatory in self.packagers:
                manager.add(path, is_mandatory=bool(mandatory), source="project")
            self._manager = manager
        return self._manager


def _is_bundle(value: Any) -> bool:
    values = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return bool(value) and bool(values) and all(isinstance(v, EntityRef) for v in values)


def _resolved(annotation: Any) -> Any:
    if not isinstance(annotation, str):
        return annotation
    from faas_jupyter.packagers.typehints import resolve_name
    try:
        return resolve_name(annotation)
    except ValidationError:
        return _EMPTY


class StoreResolver(_Lazy):
    """``runner.adapters.InputResolver`` for entity inputs prepared by ``_entity_lookup.prepare_inputs``."""

    def resolve(self, type_name: str, value: Any, annotation: Any) -> Any:
        if _is_bundle(value):  # {name: item} / [item, ...] for dict[str, T], list[T], a bundle type
            annotation = _resolved(annotation)
            with self._lock:
                return item_inputs.resolve_bundle(value, None if annotation is _EMPTY else annotation,
                                                  lambda v, hint: self.resolve(type_name, v, hint),
                                                  self.manager)
        if not isinstance(value, EntityRef):  # not prepared (e.g. a direct Invoker call): as given
            return value
        annotation = _resolved(annotation)
        if value.type == "Item":
            return self._item(value.record, annotation)
        return entity(value.type, value.record, self.artifacts)  # dtlpy-style Dataset/Annotation

    def _item(self, record: dict, annotation: Any) -> Any:
        from faas_jupyter.model.entities import Item
        plain = annotation in (_EMPTY, None, Any, Item, str) or getattr(annotation, "__name__", "") == "Item"
        if record.get("external"):  # a path or URL: unpacked by the hint's packager
            with self._lock:
                return item_inputs.resolve_external(record, annotation, self.manager, plain)
        if annotation in (_EMPTY, None, Any, Item) or getattr(annotation, "__name__", "") == "Item":
            return entity("Item", record, self.artifacts)  # dl.Item's surface (download ...)
        artifacts = self._execution_artifacts()
        if annotation in (dict, str) and record.get("artifact_type") != "result":
            return plain_record(record) if annotation is dict else artifacts.local_path(record["path"])
        from faas_jupyter.packagers.api import read_policy
        with self._lock, read_policy(bool(record.get("trust_pickles")), record.get("reader")):
            return self.manager.unpack(record, annotation, artifacts)


# results that are JSON as they stand and far under the spill size, whatever their declared type
_PLAIN = frozenset({int, bool, type(None)})


def _plain(value: Any) -> bool:
    t = type(value)
    return t in _PLAIN or (t is float and math.isfinite(value)) or (t is str and len(value) <= 16 * 1024)

_LARGE_LEN = 2048  # elements: below this a JSON value is (nearly always) far under 64 KB


def _maybe_large(value: Any) -> bool:
    """Could ``value``'s JSON pass the 64 KB spill size? A cheap look at two levels; the
    packager then measures exactly (a false alarm costs one encode, the value stays inline)."""
    if isinstance(value, str):
        return len(value) > 16 * 1024
    if not isinstance(value, (list, tuple, dict)):
        return False
    if len(value) > _LARGE_LEN:
        return True
    inner = value.values() if isinstance(value, dict) else value
    return any(isinstance(v, (list, tuple, dict, str)) and len(v) > _LARGE_LEN for v in inner)


class StoreOutputPacker(_Lazy):
    """``runner.adapters.OutputPacker`` (``ServiceConfig.pack_output``): pack a function's output
    by its FunctionIO and log hints into the artifact store."""

    def __init__(self, artifacts_root: str, project: str, packagers: tuple = (),
                 manager: PackagersManager | None = None, storage_options=None):
        super().__init__(artifacts_root, packagers, manager, storage_options)
        self.project = project

    def __getstate__(self):
        return {**super().__getstate__(), "project": self.project}

    def __setstate__(self, state):
        self.__init__(state["artifacts_root"], state["project"], state.get("packagers", ()),
                      storage_options=state.get("storage_options"))

    def __call__(self, output: Any, function: PackageFunction, call: PackingCall) -> PackedOutput:
        returns = getattr(call, "returns", None)
        ios = function.output
        if not returns and len(ios) <= 1 and _plain(output):  # most results: a small plain value
            base = ios[0].type.removesuffix("[]") if ios else ""  # (a str enum: its value's method)
            if base not in ENTITY_TYPES:
                return PackedOutput(output)
        prefix = f"{self.project}/{call.execution_id}" + (f"-{call.attempt}" if call.attempt > 1 else "")
        if returns:
            return self._by_hints(output, list(returns), prefix)
        ios = list(function.output)
        if len(ios) > 1:
            if not isinstance(output, (tuple, list)) or len(output) != len(ios):
                raise PackingError(f"function {function.name!r} declares {len(ios)} outputs "
                                   f"({', '.join(i.name for i in ios)}) but returned "
                                   f"{type(output).__name__}; return a tuple of {len(ios)}")
            packed = [self._one(v, io.name, str(io.type), prefix) for v, io in zip(output, ios)]
            return PackedOutput({io.name: p.value for io, p in zip(ios, packed)},
                                [r for p in packed for r in p.items])
        name, type_name = (ios[0].name, str(ios[0].type)) if ios else ("output", "")
        return self._one(output, name, type_name, prefix)

    def _one(self, value: Any, key: str, type_name: str, prefix: str) -> PackedOutput:
        base = type_name.removesuffix("[]")
        if base not in ENTITY_TYPES and is_json(value):
            value = list(value) if isinstance(value, tuple) else value
            if _maybe_large(value):  # over 64 KB of JSON: a file item (numbers: a typed array)
                packed = self._by_hints(value, [key], prefix)
                if packed.items:
                    return packed
            return PackedOutput(value)
        if base not in ENTITY_TYPES and type_name:
            raise PackingError(f"output {key!r} is declared {type_name} but the function returned a "
                               f"{type(value).__name__}, which is not JSON; declare it as Item or pass "
                               f"returns=[{key!r}] to store it as an item")
        if value is None:
            return PackedOutput(None)
        if stored_ref(value) is not None:  # Dataloop's ``return item``: the stored entity itself
            return PackedOutput(stored_ref(value))
        if type_name.endswith("[]") and isinstance(value, (list, tuple)):
            if value and all(stored_ref(v) is not None for v in value):
                return PackedOutput([stored_ref(v) for v in value])
            parts = [self._by_hints(v, [f"{key}_{i}"], prefix) for i, v in enumerate(value)]
            return PackedOutput([p.value for p in parts], [r for p in parts for r in p.items])
        return self._by_hints(value, [key], prefix)

    def _by_hints(self, output: Any, hints: list, prefix: str) -> PackedOutput:
        values = [output] if len(hints) == 1 else output
        if len(hints) > 1 and (not isinstance(output, (tuple, list)) or len(output) != len(hints)):
            raise PackingError(f"returns has {len(hints)} log hints but the function returned "
                               f"{type(output).__name__}; return a tuple of {len(hints)}")
        pairs = [(v, h) for v, h in zip(values, hints) if h is not None]
        with self._lock:
            records = self.manager.pack_many(pairs, self._execution_artifacts(), prefix)
        out, items = {}, []
        top = {parse_hint(h).key for _, h in pairs}  # a *key bundle's parts are items, not outputs
        for record in records:
            # a plain value stays inline; a result that needs its packager to come back
            # (a small ndarray, a numpy scalar) is an item, so get_output() round-trips it
            if record.get("artifact_type") == "result" and str(record.get("object_type")).startswith("builtins."):
                value = record.get("value")
            else:
                record["id"] = uuid.uuid4().hex
                items.append(record)
                value = ItemRef.of_record(record).to_stored()
            if record["key"] in top:
                out[record["key"]] = value
        values = list(out.values())
        return PackedOutput(values[0] if len(values) == 1 else out, items)
