"""Entity inputs as Dataloop passes them: ``faas_jupyter.dtlpy`` Item / Dataset / Annotation.

``enrich`` runs in the parent, where the store is, and adds to an input's record what
the entity must answer without a store (an item's annotations and dataset, a dataset's
items); ``entity`` runs where the function runs and builds the entity from that record.
Only ``item.download()`` touches storage there, through the artifact root it is given.
``stored_ref`` is the way back: an entity a function returns is referenced, not copied.
"""
from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from faas_jupyter.dtlpy import Annotation, Dataset, Item
from faas_jupyter.model.refs import ItemRef
from faas_jupyter.store import entities as entity_sql
from faas_jupyter.workspace._item_records import ITEM_KEYS, record_of

if TYPE_CHECKING:
    from faas_jupyter.store.db import Connection

_DATASET_KEYS = ("id", "name", "created_at", "creator", "project_id")


def _dataset_row(conn: Connection, dataset_id: str | None) -> dict | None:
    if dataset_id is None:
        return None
    row = entity_sql.get_dataset(conn, dataset_id)
    return {k: row[k] for k in _DATASET_KEYS} if row else None


_EXTRAS = ("metadata", "annotations", "dataset_row", "project")


def plain_record(record: dict) -> dict:
    """The item record without what ``enrich`` added (what a ``dict`` parameter receives)."""
    return {k: v for k, v in record.items() if k not in _EXTRAS}


def _item_extras(row: dict, annotations: list[dict], dataset: dict | None) -> dict:
    return {"metadata": row.get("metadata") or {}, "annotations": annotations,
            "dataset_row": dataset, "project": row.get("project_id")}


def enrich(conn: Connection, type_name: str, record: dict, item_row: dict | None = None) -> dict:
    """``record`` plus what its entity needs later (read on ``conn``, in the parent)."""
    if type_name == "Item":
        row = item_row or {}
        return {**record, **_item_extras(row, entity_sql.annotations_of(conn, [record["id"]])[record["id"]],
                                         _dataset_row(conn, row.get("dataset_id")))}
    if type_name == "Dataset":
        rows = entity_sql.dataset_items(conn, record["id"])
        notes = entity_sql.annotations_of(conn, [r["id"] for r in rows])
        dataset = {k: record.get(k) for k in _DATASET_KEYS}
        items = [{**record_of(r), **_item_extras(r, notes[r["id"]], dataset)} for r in rows]
        return {**record, "items": items}
    return record


def entity(type_name: str, record: dict, source: Any) -> Any:
    """The dtlpy-style entity of an enriched record; ``source`` is the artifact root."""
    if type_name == "Item":
        return _item(record, source)
    if type_name == "Dataset":
        return _dataset(record, [_item(r, source) for r in record.get("items", [])])
    return Annotation.from_row(record)


def _dataset(row: dict | None, items: list | None = None) -> Dataset | None:
    if row is None:
        return None
    return Dataset(id=row["id"], name=row["name"], created_at=row.get("created_at"),
                   creator=row.get("creator"), project=row.get("project_id"), _items=items)


def _item(record: dict, source: Any) -> Item:
    item = Item(**{k: record[k] for k in ITEM_KEYS if record.get(k) is not None},
                metadata=_metadata(record), _source=source,
                _annotations=[Annotation.from_row(a) for a in record.get("annotations", [])])
    dataset = _dataset(record.get("dataset_row"))
    if dataset is not None:
        item.dataset = dataset
    return item


def _metadata(record: dict) -> dict:
    """Our stored metadata plus Dataloop's ``system`` block (size, mimetype, original name)."""
    meta = dict(record.get("metadata") or {})
    name = PurePosixPath(record["path"]).name if record.get("path") else record.get("key")
    meta["system"] = {**meta.get("system", {}), "size": record.get("size"), "originalname": name,
                      "mimetype": mimetypes.guess_type(name or "")[0]}
    return meta


def stored_ref(value: Any) -> dict | None:
    """The reference of an entity that is already stored (an input item returned as output),
    so it is referenced rather than stored again as a copy; None for anything else."""
    from faas_jupyter.model.entities import Annotation, Dataset, Item
    if isinstance(value, Item) and value.id and value.key and value.artifact_type:
        return ItemRef(value.id, value.key, value.artifact_type).to_stored()
    if isinstance(value, Dataset) and value.id:
        return {"dataset_id": value.id, "name": value.name}
    if isinstance(value, Annotation) and value.id:
        return {"annotation_id": value.id, "item_id": value.item}
    return None
