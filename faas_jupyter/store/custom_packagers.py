"""SQL for a project's registered packager classes (``ws.packagers``)."""
from __future__ import annotations

from sqlalchemy import Connection, insert, select

from faas_jupyter.store.db import new_id, now
from faas_jupyter.store.schema import custom_packagers


def stored_packagers(conn: Connection, project_id: str) -> list[tuple[str, bool]]:
    """The project's packagers as ``(class path, is_mandatory)``, oldest first."""
    c = custom_packagers.c
    q = select(c.class_path, c.is_mandatory).where(c.project_id == project_id).order_by(c.created_at)
    return [(path, bool(mandatory)) for path, mandatory in conn.execute(q)]


def add_packager(conn: Connection, project_id: str, class_path: str, priority: int | None,
                 is_mandatory: bool, creator: str) -> bool:
    """Record ``class_path`` for the project unless it is there; True when it was added."""
    c = custom_packagers.c
    q = select(c.id).where(c.project_id == project_id, c.class_path == class_path)
    if conn.scalar(q) is not None:
        return False
    conn.execute(insert(custom_packagers).values(id=new_id(), project_id=project_id, class_path=class_path,
                                                 priority=priority, is_mandatory=is_mandatory,
                                                 created_at=now(), creator=creator))
    return True
