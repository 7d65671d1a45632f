"""SQL for changing and deleting items, datasets and annotations (the Updated / Deleted
actions that triggers react to; creating them is in the modules that own each table).

Each function changes one project's rows only and says whether it found the row.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, select, update

from faas_jupyter.store.schema import annotations, datasets, items


def _one(conn: Connection, q: Any) -> dict[str, Any] | None:
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def item_row(conn: Connection, project_id: str, item_id: str) -> dict[str, Any] | None:
    """The item's row with its dataset's name (``dataset_name``)."""
    q = (select(items, datasets.c.name.label("dataset_name"))
         .select_from(items.outerjoin(datasets, items.c.dataset_id == datasets.c.id))
         .where(items.c.id == item_id, items.c.project_id == project_id))
    return _one(conn, q)


def dataset_row(conn: Connection, project_id: str, dataset_id: str) -> dict[str, Any] | None:
    return _one(conn, select(datasets).where(datasets.c.id == dataset_id, datasets.c.project_id == project_id))


def annotation_row(conn: Connection, project_id: str, annotation_id: str) -> dict[str, Any] | None:
    q = (select(annotations).join(items, annotations.c.item_id == items.c.id)
         .where(annotations.c.id == annotation_id, items.c.project_id == project_id))
    return _one(conn, q)


def dataset_item_ids(conn: Connection, dataset_id: str) -> list[str]:
    return list(conn.scalars(select(items.c.id).where(items.c.dataset_id == dataset_id)
                             .order_by(items.c.created_at, items.c.id)))


def set_item_metadata(conn: Connection, item_id: str, metadata: Any) -> bool:
    return bool(conn.execute(update(items).where(items.c.id == item_id).values(metadata=metadata)).rowcount)


def delete_item(conn: Connection, item_id: str) -> bool:
    """Delete an item (its annotations go with it: ON DELETE CASCADE)."""
    return bool(conn.execute(delete(items).where(items.c.id == item_id)).rowcount)


def set_dataset_metadata(conn: Connection, dataset_id: str, metadata: Any) -> bool:
    q = update(datasets).where(datasets.c.id == dataset_id).values(metadata=metadata)
    return bool(conn.execute(q).rowcount)


def delete_dataset(conn: Connection, dataset_id: str) -> bool:
    """Delete a dataset (its items and their annotations go with it: ON DELETE CASCADE)."""
    return bool(conn.execute(delete(datasets).where(datasets.c.id == dataset_id)).rowcount)


def set_annotation(conn: Connection, annotation_id: str, **values: Any) -> bool:
    q = update(annotations).where(annotations.c.id == annotation_id).values(**values)
    return bool(conn.execute(q).rowcount)


def delete_annotation(conn: Connection, annotation_id: str) -> bool:
    return bool(conn.execute(delete(annotations).where(annotations.c.id == annotation_id)).rowcount)
