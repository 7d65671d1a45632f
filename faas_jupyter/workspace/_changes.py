"""Updating and deleting items, datasets and annotations, each with its trigger events.

Every change writes its outbox events (``store/events.py``) in the same transaction, so
an event exists exactly when the change does (nothing is lost if the process dies right
after). The filter of a trigger sees the resource's JSON (``to_json()``: after the change,
or as it was for a delete); a deleted resource's entity record travels with the event.
Created events are written where each resource is created (``items.py``, ``datasets.py``).
"""
from __future__ import annotations

from typing import Any

from faas_jupyter.errors import NotFound
from faas_jupyter.model.clock import now
from faas_jupyter.store import datasets as dataset_sql
from faas_jupyter.store import events as event_sql
from faas_jupyter.store import items as sql
from faas_jupyter.workspace._entity_inputs import enrich
from faas_jupyter.workspace._item_records import record_of


def record(conn: Any, ws: Any, resource: str, action: str, entities: list,
           snapshots: dict | None = None) -> None:
    """The outbox rows of a change of ``entities`` (bound entities with ``to_json``)."""
    docs = [(e.id, e.to_json()) for e in entities]
    # no wake-up of a home in this process: measured, waking per event made one dispatch
    # transaction per event and cut a burst's rate 10x; the home's poll batches them
    event_sql.record(conn, ws.project.id, resource, action, docs, now(), snapshots)


def _gone(what: str, name: str) -> NotFound:
    return NotFound(f"{what} {name!r} was deleted (in this or another process)")


def _item_snapshot(conn: Any, row: dict) -> dict:
    return enrich(conn, "Item", record_of(row), row)


# -- items ---------------------------------------------------------------------------------------
def update_item(item: Any, roles: tuple[str, ...]) -> None:
    """Store ``item.metadata`` (Dataloop: ``item.metadata["user"] = {...}; item.update()``)."""
    ws = item.workspace

    def fn(conn: Any) -> None:
        ws.check_role(conn, f"update item {item.key!r}", roles)
        if not sql.set_item_metadata(conn, item.id, dict(item.metadata)):
            raise _gone("item", item.key)
        record(conn, ws, "Item", "Updated", [item])
    ws.store.write(fn)


def delete_item(item: Any, roles: tuple[str, ...]) -> None:
    """Delete the item row (its annotations go with it); the files stay until ``ws.gc()``."""
    ws = item.workspace

    def fn(conn: Any) -> None:
        ws.check_role(conn, f"delete item {item.key!r}", roles)
        row = sql.project_item(conn, ws.project.id, item.id)
        if row is None:
            raise _gone("item", item.key)
        snapshot = _item_snapshot(conn, row)
        sql.delete_item(conn, item.id)
        record(conn, ws, "Item", "Deleted", [item], {item.id: snapshot})
    ws.store.write(fn)


# -- datasets ------------------------------------------------------------------------------------
def update_dataset(dataset: Any, roles: tuple[str, ...]) -> None:
    ws = dataset.workspace

    def fn(conn: Any) -> None:
        ws.check_role(conn, f"update dataset {dataset.name!r}", roles)
        if not dataset_sql.set_dataset_metadata(conn, dataset.id, dict(dataset.metadata)):
            raise _gone("dataset", dataset.name)
        record(conn, ws, "Dataset", "Updated", [dataset])
    ws.store.write(fn)


def delete_dataset(dataset: Any, roles: tuple[str, ...]) -> None:
    """Delete the dataset and its items: one Dataset Deleted event and one Item Deleted each."""
    ws = dataset.workspace
    items = {i.id: i for i in ws.items.list(dataset=dataset.name)}

    def fn(conn: Any) -> None:
        ws.check_role(conn, f"delete dataset {dataset.name!r}", roles)
        row = dataset_sql.find_dataset_by_id_or_name(conn, ws.project.id, dataset.id)
        if row is None:
            raise _gone("dataset", dataset.name)
        snapshot = enrich(conn, "Dataset", row)
        gone = [items[i] for i in dataset_sql.dataset_item_ids(conn, dataset.id) if i in items]
        item_snapshots = {i.id: _item_snapshot(conn, sql.project_item(conn, ws.project.id, i.id))
                          for i in gone}
        dataset_sql.delete_dataset(conn, dataset.id)
        record(conn, ws, "Dataset", "Deleted", [dataset], {dataset.id: snapshot})
        record(conn, ws, "Item", "Deleted", gone, item_snapshots)
    ws.store.write(fn)


# -- annotations ---------------------------------------------------------------------------------
def update_annotation(note: Any, roles: tuple[str, ...]) -> None:
    ws = note.workspace

    def fn(conn: Any) -> None:
        ws.check_role(conn, f"update annotation {note.id!r}", roles)
        values = {"data": dict(note.data), "type": _str(note.data.get("type")),
                  "label": _str(note.data.get("label"))}
        if sql.project_annotation(conn, ws.project.id, note.id) is None or not sql.set_annotation(conn, note.id, **values):
            raise _gone("annotation", note.id)
        record(conn, ws, "Annotation", "Updated", [note])
    ws.store.write(fn)


def delete_annotation(note: Any, roles: tuple[str, ...]) -> None:
    ws = note.workspace

    def fn(conn: Any) -> None:
        ws.check_role(conn, f"delete annotation {note.id!r}", roles)
        row = sql.project_annotation(conn, ws.project.id, note.id)
        if row is None:
            raise _gone("annotation", note.id)
        sql.delete_annotation(conn, note.id)
        record(conn, ws, "Annotation", "Deleted", [note], {note.id: row})
    ws.store.write(fn)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
