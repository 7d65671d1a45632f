"""SQL the dtlpy-style entities read: items, datasets and annotations.

Rows come back as plain dicts (``workspace/_entity_inputs.py`` builds the entities).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

# the table as annotations_t: ``from __future__ import annotations`` owns the plain name here
from faas_jupyter.store.schema import annotations as annotations_t, datasets, items


def annotations_of(conn: Connection, item_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each item's annotation rows, oldest first (every id gets a list, maybe empty)."""
    out: dict[str, list[dict[str, Any]]] = {i: [] for i in item_ids}
    if not item_ids:
        return out
    q = (select(annotations_t).where(annotations_t.c.item_id.in_(item_ids))
         .order_by(annotations_t.c.created_at, annotations_t.c.id))
    for row in conn.execute(q).mappings():
        out[row["item_id"]].append(dict(row))
    return out


def get_dataset(conn: Connection, dataset_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(datasets).where(datasets.c.id == dataset_id)).mappings().first()
    return dict(row) if row else None


def dataset_items(conn: Connection, dataset_id: str) -> list[dict[str, Any]]:
    """The item rows of a dataset, oldest first."""
    q = (select(items).where(items.c.dataset_id == dataset_id)
         .order_by(items.c.created_at, items.c.id))
    return [dict(r) for r in conn.execute(q).mappings()]


def item_paths(conn: Connection) -> set[str]:
    """Every artifact path an item references (across all projects)."""
    return set(conn.scalars(select(items.c.path).where(items.c.path.is_not(None)).distinct()))
