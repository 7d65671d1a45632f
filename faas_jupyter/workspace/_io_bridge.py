"""Inputs and outputs of executions through the store and the packagers.

Entity inputs (Item, Dataset, Annotation ids or objects) are looked up in the parent
(``prepare_inputs``) and travel as :class:`EntityRef` records; the picklable
:class:`StoreResolver` unpacks them where the function runs, to the parameter's
annotation (an Item into a ``pd.DataFrame`` when the parameter says so). Outputs are
packed where the function runs too (:class:`OutputPacker`), so a DataFrame never
crosses a process boundary: only item records and JSON come back.
"""
from __future__ import annotations

import inspect
import json
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from faas_jupyter.errors import NotFound, PackingError, ValidationError
from faas_jupyter.packagers.log_hints import parse_hint
from faas_jupyter.runner.invoke import is_json
from faas_jupyter.workspace import _item_inputs as item_inputs
from faas_jupyter.workspace._entity_inputs import enrich, entity, plain_record, stored_ref
from faas_jupyter.workspace._item_records import item_row, record_of  # noqa: F401 (item_row: the recorder's)

ENTITY_TYPES = ("Item", "Dataset", "Annotation")
_EMPTY = inspect.Parameter.empty


@dataclass
class EntityRef:
    """An entity input resolved from the store: its type name and record."""

    type: str
    record: dict


@dataclass
class PackedOutput:
    """A function's output after packing: JSON (item references inside) + new item records."""

    value: Any
    items: list = field(default_factory=list)


def item_ref(record: dict) -> dict:
    """How an output item is referenced in ``ex.output``."""
    return {"item_id": record["id"], "key": record["key"], "artifact_type": record["artifact_type"]}


def ref_id(value: Any, type_name: str = "Item") -> str:
    """The id in an entity reference: an id, ``{"item_id": ..}``, ``{"id": ..}`` or an object."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        low = type_name.lower()
        for key in (f"{low}_id", f"{low}Id", "id"):
            if isinstance(value.get(key), str):
                return value[key]
    ident = getattr(value, "id", None)
    if isinstance(ident, str):
        return ident
    raise ValidationError(f"a {type_name} input takes a {type_name} id, {{'{type_name.lower()}_id': id}} "
                          f"or a {type_name} object, not {type(value).__name__}")


def parse_pairs(pairs: list[str] | None, what: str = "input") -> dict:
    """(Front ends) ``["k=v", ...]`` -> dict; values are JSON when they parse, else strings."""
    out = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValidationError(f"{what} {pair!r} must look like name=value")
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


# -- inputs ------------------------------------------------------------------------------------
def prepare_inputs(ws, function, inputs: dict) -> dict:
    """Replace entity references of ``function``'s entity-typed inputs by :class:`EntityRef`s.

    A reference to a missing entity is a NotFound naming the input (nothing is recorded).
    """
    out = dict(inputs)
    for io in function.input:
        base = str(io.type).removesuffix("[]")
        if base not in ENTITY_TYPES or io.name not in out or out[io.name] is None:
            continue
        value = out[io.name]
        if base == "Item":  # also a dict/list of items (a bundle), a path or a URL
            out[io.name] = item_inputs.prepare(value, io.name, str(io.type).endswith("[]"),
                                               lambda v, where: _lookup(ws, "Item", v, where), EntityRef,
                                               locations=not ws.served)
        elif str(io.type).endswith("[]") and isinstance(value, (list, tuple)):
            out[io.name] = [_lookup(ws, base, v, io.name) for v in value]
        else:
            out[io.name] = _lookup(ws, base, value, io.name)
    return out


def _lookup(ws, type_name: str, value: Any, input_name: str) -> EntityRef:
    if isinstance(value, EntityRef):
        return value
    ident = ref_id(value, type_name)
    with ws.store.connect() as conn:
        record, row = _entity_record(conn, type_name, ident, ws.project.id)
        if record is not None:  # what a Dataloop-style entity answers without a store
            record = enrich(conn, type_name, record, row if type_name == "Item" else None)
    if record is None:  # an id of another project is not found either, as ws.items.get says
        raise NotFound(f"input {input_name!r}: no {type_name} with id {ident!r} in project "
                       f"{ws.project.name!r}; list them with ws.{type_name.lower()}s.list()"
                       if type_name != "Annotation" else
                       f"input {input_name!r}: no Annotation with id {ident!r} in project {ws.project.name!r}")
    if type_name == "Item":
        record = _pickle_policy(ws, record)
    return EntityRef(type_name, record)


def _pickle_policy(ws, record: dict) -> dict:
    """Who asks, for a pickle input: it must be theirs (as ``item.get()`` says), and since an
    execution may run in a shared server, they must be allowed to run code (push it) there."""
    record = {**record, "reader": ws.user, "trust_pickles": ws.settings.trust_pickles}
    if record.get("artifact_type") == "object" and not ws.settings.trust_pickles:
        from faas_jupyter.store.projects import get_role
        with ws.store.connect() as conn:
            role = get_role(conn, ws.project.id, ws.user)
        if role not in ("owner", "developer"):
            record["pickle_refusal"] = (f"you ({ws.user!r}, role {role!r}) may not push code to project "
                                        f"{ws.project.name!r}, while unpickling runs code; a developer "
                                        f"or owner can pass it")
    return record


def _entity_record(conn, type_name: str, ident: str, project_id: str) -> tuple[dict | None, dict | None]:
    """(record, row) of an Item, Dataset (id or name) or Annotation of project ``project_id`` only."""
    from sqlalchemy import select

    from faas_jupyter.store.schema import annotations, datasets, items
    if type_name == "Item":
        row = conn.execute(select(items).where(items.c.id == ident, items.c.project_id == project_id)
                           ).mappings().first()
        return (record_of(dict(row)), dict(row)) if row else (None, None)
    if type_name == "Dataset":
        in_project = datasets.c.project_id == project_id
        row = (conn.execute(select(datasets).where(datasets.c.id == ident, in_project)).mappings().first()
               or conn.execute(select(datasets).where(datasets.c.name == ident, in_project)).mappings().first())
        return (dict(row), dict(row)) if row else (None, None)
    q = (select(annotations).join(items, annotations.c.item_id == items.c.id)
         .where(annotations.c.id == ident, items.c.project_id == project_id))
    row = conn.execute(q).mappings().first()
    return (dict(row), dict(row)) if row else (None, None)


class _Lazy:
    """Picklable holder of an artifact store and a packagers manager, built on first use.

    ``packagers`` are the project's stored custom packagers, ``(class path, is_mandatory)``: a
    worker process adds them to its own manager. ``manager`` (the workspace's live one, which
    also knows packagers defined in the notebook) is used in-process and never pickled.
    """

    def __init__(self, artifacts_root: str, packagers: tuple = (), manager=None, storage_options=None):
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
    """``invoke.InputResolver`` for entity inputs prepared by :func:`prepare_inputs`."""

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


class OutputPacker(_Lazy):
    """``ServiceConfig.pack_output``: pack a function's output by its FunctionIO and log hints."""

    def __init__(self, artifacts_root: str, project: str, packagers: tuple = (), manager=None,
                 storage_options=None):
        super().__init__(artifacts_root, packagers, manager, storage_options)
        self.project = project

    def __getstate__(self):
        return {**super().__getstate__(), "project": self.project}

    def __setstate__(self, state):
        self.__init__(state["artifacts_root"], state["project"], state.get("packagers", ()),
                      storage_options=state.get("storage_options"))

    def __call__(self, output: Any, function, call) -> PackedOutput:
        returns = getattr(call, "returns", None)
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
                value = item_ref(record)
            if record["key"] in top:
                out[record["key"]] = value
        values = list(out.values())
        return PackedOutput(values[0] if len(values) == 1 else out, items)
