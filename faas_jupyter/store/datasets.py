"""SQL for datasets (named groups of items). ``metadata`` is a dict (``schema.JSONText``);
every dataset write goes through :func:`insert_dataset`."""
from __future__ import annotations

from typing import Any, TypedDict, cast

from sqlalchemy import Connection, delete, insert, select, update

from faas_jupyter.store.schema import datasets, items


class DatasetRow(TypedDict):
    id: str
    project_id: str
    name: str
    created_at: str
    creator: str
    metadata: dict[str, Any]


def insert_dataset(conn: Connection, row: DatasetRow) -> None:
    conn.execute(insert(datasets).values(**row))


def find_dataset(conn: Connection, project_id: str, name: str) -> DatasetRow | None:
    """The project's dataset called ``name``."""
    q = select(datasets).where(datasets.c.project_id == project_id, datasets.c.name == name)
    row = conn.execute(q).mappings().first()
    return cast(DatasetRow, dict(row)) if row else None


def dataset_id(conn: Connection, project_id: str, name: str) -> str | None:
    """The id of the project's dataset called ``name``."""
    q = select(datasets.c.id).where(datasets.c.project_id == project_id, datasets.c.name == name)
    found: str | None = conn.scalar(q)
    return found


def find_dataset_by_id_or_name(conn: Connection, project_id: str, ident: str) -> DatasetRow | None:
    """The project's dataset whose id is ``ident``, else the one named ``ident``."""
    in_project = datasets.c.project_id == project_id
    row = (conn.execute(select(datasets).where(datasets.c.id == ident, in_project)).mappings().first()
           or conn.execute(select(datasets).where(datasets.c.name == ident, in_project)).mappings().first())
    return cast(DatasetRow, dict(row)) if row else None


def list_datasets(conn: Connection, project_id: str) -> list[DatasetRow]:
    """The project's datasets by name."""
    q = select(datasets).where(datasets.c.project_id == project_id).order_by(datasets.c.name)
    return [cast(DatasetRow, dict(r)) for r in conn.execute(q).mappings()]


# -- changes (the Updated / Deleted actions triggers react to) ------------------------------------
def set_dataset_metadata(conn: Connection, dataset_id: str, metadata: dict[str, Any]) -> bool:
    q = update(datasets).where(datasets.c.id == dataset_id).values(metadata=metadata)
    return bool(conn.execute(q).rowcount)


def dataset_item_ids(conn: Connection, dataset_id: str) -> list[str]:
    """The ids of a dataset's items, oldest first."""
    q = select(items.c.id).where(items.c.dataset_id == dataset_id).order_by(items.c.created_at, items.c.id)
    return list(conn.scalars(q))


def delete_dataset(conn: Connection, dataset_id: str) -> bool:
    """Delete a dataset (its items and their annotations go with it: ON DELETE CASCADE)."""
    return bool(conn.execute(delete(datasets).where(datasets.c.id == dataset_id)).rowcount)
