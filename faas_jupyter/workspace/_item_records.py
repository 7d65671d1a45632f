"""Item rows <-> packager records: what ``items`` rows hold and what packagers take back.

The one place an item changes form: a row becomes a record (``record_of``) and a record a row
(``item_row``); the ``Item`` entity (``item_fields``), the dtlpy-style input item and the
console's item JSON are built from the record's ``ITEM_KEYS``. Shared by the item log
(``ws.items.log``), the recorder (execution outputs), entity inputs and the console.
"""
from __future__ import annotations

_META = ("format", "object_type", "extra_data", "metrics", "meta")
# the record keys that are fields of the Item entity (model and dtlpy)
ITEM_KEYS = ("id", "key", "artifact_type", "format", "size", "digest", "packager", "object_type",
             "instructions", "path", "url", "execution", "value", "created_at", "creator")


def item_row(record: dict, project_id: str, execution_id: str | None, creator: str, ts: str) -> dict:
    """An ``items`` table row for a packed record (the record's extras go to ``metadata``)."""
    meta = {k: record[k] for k in _META if record.get(k) is not None}
    value = record.get("value")
    return {"id": record["id"], "project_id": project_id, "dataset_id": None, "key": record["key"],
            "artifact_type": record["artifact_type"], "packager": record.get("packager"),
            "path": record.get("path"), "url": record.get("url"), "size": record.get("size"),
            "hash": record.get("digest"), "instructions": record.get("instructions") or {},
            "value": value, "metadata": meta,
            "execution_id": execution_id, "created_at": ts, "creator": creator}


def record_of(row: dict) -> dict:
    """A packager record (what ``PackagersManager.unpack`` takes) from an ``items`` row."""
    meta = row.get("metadata") or {}
    return {"id": row["id"], "key": row["key"], "artifact_type": row["artifact_type"],
            "packager": row.get("packager"), "path": row.get("path"), "url": row.get("url"),
            "size": row.get("size"), "digest": row.get("hash"),
            "instructions": row.get("instructions") or {},
            "value": row.get("value"),
            "dataset": row.get("dataset_id"), "execution": row.get("execution_id"),
            "created_at": row.get("created_at"), "creator": row.get("creator"),
            **{k: meta[k] for k in ("format", "object_type") if k in meta}}


def item_fields(row: dict) -> dict:
    """The ``Item`` entity's fields (``ITEM_KEYS``) of an ``items`` row, through its record."""
    record = record_of(row)
    return {k: record.get(k) for k in ITEM_KEYS}
