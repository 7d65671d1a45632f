"""Entity inputs of executions looked up in the store (``prepare_inputs``), in the parent.

Entity inputs (Item, Dataset, Annotation ids or objects) are looked up in the parent
(``prepare_inputs``) and travel as ``runner.adapters.EntityRef`` records; the picklable
``workspace.adapters.StoreResolver`` unpacks them where the function runs.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from faas_jupyter.errors import NotFound
from faas_jupyter.model.refs import ref_id
from faas_jupyter.runner.adapters import EntityRef
from faas_jupyter.store import datasets as dataset_sql
from faas_jupyter.store import items as item_sql
from faas_jupyter.workspace import _item_inputs as item_inputs
from faas_jupyter.workspace._entity_inputs import enrich
from faas_jupyter.workspace._item_records import record_of

if TYPE_CHECKING:
    from faas_jupyter.model.package import PackageFunction
    from faas_jupyter.store.db import Connection
    from faas_jupyter.workspace._base import Workspace

ENTITY_TYPES = ("Item", "Dataset", "Annotation")


# -- inputs ------------------------------------------------------------------------------------
def prepare_inputs(ws: Workspace, function: PackageFunction, inputs: dict) -> dict:
    """Replace entity references of ``function``'s entity-typed inputs by :class:`EntityRef`s.

    A reference to a missing entity is a NotFound naming the input (nothing is recorded).
    With nothing to replace (no entity inputs: most functions) it is ``inputs`` itself, not a
    copy: ``svc.map`` prepares every input, and callers never change what they get.
    """
    out = inputs
    for io in function.input:
        base = io.type.removesuffix("[]")  # (a str enum: str methods answer for its value)
        value = inputs.get(io.name)
        if base not in ENTITY_TYPES or value is None:
            continue
        if out is inputs:  # the first reference to replace: the caller's dict stays as given
            out = dict(inputs)
        if base == "Item":  # also a dict/list of items (a bundle), a path or a URL
            out[io.name] = item_inputs.prepare(value, io.name, str(io.type).endswith("[]"),
                                               lambda v, where: _lookup(ws, "Item", v, where), EntityRef,
                                               locations=not ws.served)
        elif str(io.type).endswith("[]") and isinstance(value, (list, tuple)):
            out[io.name] = [_lookup(ws, base, v, io.name) for v in value]
        else:
            out[io.name] = _lookup(ws, base, value, io.name)
    return out


def _lookup(ws: Workspace, type_name: str, value: Any, input_name: str) -> EntityRef:
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


def _pickle_policy(ws: Workspace, record: dict) -> dict:
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


def _entity_record(conn: Connection, type_name: str, ident: str, project_id: str) -> tuple[dict | None, dict | None]:
    """(record, row) of an Item, Dataset (id or name) or Annotation of project ``project_id`` only."""
    row: Any
    if type_name == "Item":
        row = item_sql.project_item(conn, project_id, ident)
        return (record_of(dict(row)), dict(row)) if row else (None, None)
    if type_name == "Dataset":
        row = dataset_sql.find_dataset_by_id_or_name(conn, project_id, ident)
    else:
        row = item_sql.project_annotation(conn, project_id, ident)
    return (dict(row), dict(row)) if row else (None, None)
