"""SQL for services. Rows are dicts; ``init_input``, ``runtime_config`` and ``metadata`` are
Python values (``schema.JSONText``)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, delete, func, insert, select, update

from faas_jupyter.store.db import new_id, now
from faas_jupyter.store.schema import packages, revisions, services

_COLUMNS = [*services.c, packages.c.name.label("package_name")]


def _select() -> Select[Any]:
    return select(*_COLUMNS).join(packages, packages.c.id == services.c.package_id)


def get_service(conn: Connection, project_id: str, name: str) -> dict[str, Any] | None:
    q = _select().where(services.c.project_id == project_id, services.c.name == name)
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def get_service_by_id(conn: Connection, project_id: str, service_id: str) -> dict[str, Any] | None:
    q = _select().where(services.c.project_id == project_id, services.c.id == service_id)
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def list_services(conn: Connection, project_id: str) -> list[dict[str, Any]]:
    q = _select().where(services.c.project_id == project_id)
    return [dict(r) for r in conn.execute(q.order_by(services.c.name)).mappings()]


def insert_service(conn: Connection, **values: Any) -> dict[str, Any]:
    stamp = now()
    row = {"id": new_id(), "created_at": stamp, "updated_at": stamp, **values}
    conn.execute(insert(services).values(**row))
    return row


def update_service(conn: Connection, service_id: str, **values: Any) -> None:
    conn.execute(update(services).where(services.c.id == service_id)
                 .values(updated_at=now(), **values))


def delete_service(conn: Connection, service_id: str) -> None:
    conn.execute(delete(services).where(services.c.id == service_id))


def service_names_of_package(conn: Connection, package_id: str) -> list[str]:
    """The names of the services deployed from a package."""
    return list(conn.scalars(select(services.c.name).where(services.c.package_id == package_id)))


def revisions_after(conn: Connection, package_id: str, version: str) -> int:
    """How many revisions of the package came after ``version`` (a service's drift)."""
    seq = (select(revisions.c.seq).where(revisions.c.package_id == package_id,
                                         revisions.c.version == version).scalar_subquery())
    q = select(func.count()).select_from(revisions).where(revisions.c.package_id == package_id,
                                                           revisions.c.seq > seq)
    return conn.scalar(q) or 0
