"""SQL for projects and members. Functions take a Connection and return dicts."""
from __future__ import annotations

import sqlite3
from typing import Any, cast

from sqlalchemy import Connection, delete, insert, select, update

from faas_jupyter.store.db import Store, new_id, now
from faas_jupyter.store.hot import hot
from faas_jupyter.store.schema import members, projects


def get_project(conn: Connection, name: str) -> dict[str, Any] | None:
    row = conn.execute(select(projects).where(projects.c.name == name)).mappings().first()
    return dict(row) if row else None


def list_projects(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(projects).order_by(projects.c.name)).mappings()
    return [dict(r) for r in rows]


def project_ids_of(conn: Connection, user: str) -> set[str]:
    """The ids of the projects ``user`` is a member of."""
    return set(conn.execute(select(members.c.project_id).where(members.c.user == user)).scalars())


def insert_project(conn: Connection, name: str, creator: str, owner_role: str = "owner") -> dict[str, Any]:
    """Create a project whose creator is a member with ``owner_role``."""
    row = {"id": new_id(), "name": name, "created_at": now(), "creator": creator}
    conn.execute(insert(projects).values(**row))
    set_member(conn, row["id"], creator, owner_role)
    return row


_ROLE_SQL = 'SELECT role FROM members WHERE project_id = ? AND "user" = ?'


def get_role(conn: Connection, project_id: str, user: str) -> str | None:
    if conn.dialect.name == "sqlite":  # checked on every execute/list/poll: skip SQLAlchemy's
        # execution layer (~0.1 ms) for this primary-key read on the same connection
        raw = cast(sqlite3.Connection, conn.connection.driver_connection)
        return raw_role(raw, project_id, user)
    q = select(members.c.role).where(members.c.project_id == project_id, members.c.user == user)
    return conn.scalar(q)


def read_role(store: Store, project_id: str, user: str) -> str | None:
    """``get_role`` in its own read; on SQLite on this thread's hot connection, from memory
    while nothing was committed since (``store.hot``; every execute checks membership once)."""
    held = hot(store)
    if held is None:
        with store.connect() as conn:
            return get_role(conn, project_id, user)
    return held.cached(("role", project_id, user), lambda raw: raw_role(raw, project_id, user))


def raw_role(raw: sqlite3.Connection, project_id: str, user: str) -> str | None:
    """``get_role`` on a plain sqlite3 connection (the hot path's reads)."""
    row = raw.execute(_ROLE_SQL, (project_id, user)).fetchone()
    return None if row is None else row[0]


def list_members(conn: Connection, project_id: str) -> list[dict[str, Any]]:
    q = (select(members.c.user, members.c.role, members.c.created_at)
         .where(members.c.project_id == project_id).order_by(members.c.created_at, members.c.user))
    return [dict(r) for r in conn.execute(q).mappings()]


def set_member(conn: Connection, project_id: str, user: str, role: str) -> None:
    """Add ``user`` with ``role``, or change the role of an existing member."""
    where = (members.c.project_id == project_id) & (members.c.user == user)
    if conn.execute(update(members).where(where).values(role=role)).rowcount == 0:
        conn.execute(insert(members).values(project_id=project_id, user=user, role=role,
                                            created_at=now()))


def delete_member(conn: Connection, project_id: str, user: str) -> bool:
    where = (members.c.project_id == project_id) & (members.c.user == user)
    return conn.execute(delete(members).where(where)).rowcount > 0
