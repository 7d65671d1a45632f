"""SQL for items (stored objects) and their annotations.

Rows are dicts whose JSON columns (``instructions``, ``value``, ``metadata``, annotation
``data``) are Python values (``schema.JSONText``). Every write of an item or an annotation
goes through :func:`insert_items` / :func:`insert_annotation` (and the update/delete functions
at the end, which ``workspace/_changes.py`` calls with the trigger events of the change).
"""
from __future__ import annotations

from typing import Any, TypedDict, cast

from sqlalchemy import ColumnElement, Connection, Select, delete, insert, select, update

from faas_jupyter.store import schema
# the table as annotations_t: ``from __future__ import annotations`` owns the plain name here
from faas_jupyter.store.schema import annotations as annotations_t, datasets, items


class ItemRow(TypedDict):
    """An ``items`` row (``dataset_name`` only where a query joins it)."""

    id: str
    project_id: str
    dataset_id: str | None
    key: str
    artifact_type: str
    packager: str | None
    path: str | None
    url: str | None
    size: int | None
    hash: str | None
    instructions: dict[str, Any]
    value: Any
    metadata: dict[str, Any]
    execution_id: str | None
    created_at: str
    creator: str


class NamedItemRow(ItemRow):
    """An item row with its dataset's name (None when it has no dataset)."""

    dataset_name: str | None


class AnnotationRow(TypedDict):
    id: str
    item_id: str
    type: str | None
    label: str | None
    data: dict[str, Any]
    created_at: str
    creator: str


def insert_items(conn: Connection, rows: list[ItemRow]) -> None:
    """Insert item rows (one statement)."""
    if rows:
        conn.execute(insert(items), rows)


def _named() -> Select[Any]:
    return (select(items, datasets.c.name.label("dataset_name"))
            .select_from(items.outerjoin(datasets, items.c.dataset_id == datasets.c.id)))


def _named_rows(conn: Connection, *where: ColumnElement[bool]) -> list[NamedItemRow]:
    q = _named().where(*where).order_by(items.c.created_at, items.c.id)
    return [cast(NamedItemRow, dict(r)) for r in conn.execute(q).mappings()]


def get_item(conn: Connection, project_id: str, item_id: str) -> NamedItemRow | None:
    """The item ``item_id`` of the project, with its dataset's name."""
    found = _named_rows(conn, items.c.id == item_id, items.c.project_id == project_id)
    return found[0] if found else None


def list_items(conn: Connection, project_id: str, dataset_id: str | None = None,
               key: str | None = None) -> list[NamedItemRow]:
    """The project's items, oldest first; only those of ``dataset_id`` / ``key`` if given."""
    where = [items.c.project_id == project_id]
    if dataset_id is not None:
        where.append(items.c.dataset_id == dataset_id)
    if key is not None:
        where.append(items.c.key == key)
    return _named_rows(conn, *where)


def items_with_key_prefix(conn: Connection, project_id: str, prefix: str,
                          execution_id: str | None) -> list[NamedItemRow]:
    """Items whose key starts with ``prefix`` logged by ``execution_id`` (None: outside one)."""
    execution = items.c.execution_id
    return _named_rows(conn, items.c.project_id == project_id,
                       items.c.key.startswith(prefix, autoescape=True),
                       execution == execution_id if execution_id else execution.is_(None))


def project_item(conn: Connection, project_id: str, item_id: str) -> ItemRow | None:
    """The plain row of item ``item_id`` if it belongs to the project."""
    q = select(items).where(items.c.id == item_id, items.c.project_id == project_id)
    row = conn.execute(q).mappings().first()
    return cast(ItemRow, dict(row)) if row else None


def insert_annotation(conn: Connection, row: AnnotationRow) -> None:
    conn.execute(insert(annotations_t).values(**row))


def list_annotations(conn: Connection, item_id: str) -> list[AnnotationRow]:
    """The item's annotations, oldest first."""
    q = (select(annotations_t).where(annotations_t.c.item_id == item_id)
         .order_by(annotations_t.c.created_at, annotations_t.c.id))
    return [cast(AnnotationRow, dict(r)) for r in conn.execute(q).mappings()]


def project_annotation(conn: Connection, project_id: str, annotation_id: str) -> AnnotationRow | None:
    """Annotation ``annotation_id`` if its item belongs to the project."""
    q = (select(annotations_t).join(items, annotations_t.c.item_id == items.c.id)
         .where(annotations_t.c.id == annotation_id, items.c.project_id == project_id))
    row = conn.execute(q).mappings().first()
    return cast(AnnotationRow, dict(row)) if row else None


# -- changes (the Updated / Deleted actions triggers react to) ------------------------------------
# for mypy the bare name ``annotations`` is the ``from __future__`` feature; this is the table
_NOTES = schema.metadata.tables["annotations"]

def set_item_metadata(conn: Connection, item_id: str, metadata: dict[str, Any]) -> bool:
    """Replace an item's metadata; False when the item is gone."""
    q = update(items).where(items.c.id == item_id).values(metadata=metadata)
    return bool(conn.execute(q).rowcount)


def delete_item(conn: Connection, item_id: str) -> bool:
    """Delete an item (its annotations go with it: ON DELETE CASCADE)."""
    return bool(conn.execute(delete(items).where(items.c.id == item_id)).rowcount)


def set_annotation(conn: Connection, annotation_id: str, data: dict[str, Any], type: str | None,
                   label: str | None) -> bool:
    notes = _NOTES
    q = update(notes).where(notes.c.id == annotation_id).values(data=data, type=type, label=label)
    return bool(conn.execute(q).rowcount)


def delete_annotation(conn: Connection, annotation_id: str) -> bool:
    notes = _NOTES
    return bool(conn.execute(delete(notes).where(notes.c.id == annotation_id)).rowcount)
