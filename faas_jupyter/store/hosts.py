"""SQL for hosts (processes with a lease), service homes and the queue of ``created`` rows.

A host renews ``lease_until`` with a heartbeat; a row whose lease passed belongs to a
process that is gone. Queued executions are ``created`` rows with no ``owner``: the
service's home claims them with ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL (two
homes never take the same row, and neither waits for the other), inside the
``BEGIN IMMEDIATE`` write transaction on SQLite (one writer at a time anyway).
"""
from __future__ import annotations

import sqlite3
from typing import Any, Iterable

from sqlalchemy import Connection, Select, delete, insert, or_, select, update

from faas_jupyter.store.db import Store
from faas_jupyter.store.hot import hot, polled
from faas_jupyter.store.projects import get_role, raw_role
from faas_jupyter.store.schema import decode_json, execution_events, executions, hosts, services


def insert_host(conn: Connection, **values: Any) -> None:
    conn.execute(insert(hosts).values(**values))


def mark_server(conn: Connection, host_id: str, kind: str, project_id: str) -> None:
    conn.execute(update(hosts).where(hosts.c.id == host_id).values(kind=kind, project_id=project_id))


def renew(conn: Connection, host_id: str, heartbeat_at: str, lease_until: str) -> bool:
    """Extend a host's lease; False when its row is gone (it was declared dead)."""
    q = update(hosts).where(hosts.c.id == host_id).values(heartbeat_at=heartbeat_at, lease_until=lease_until)
    return bool(conn.execute(q).rowcount)


def expire(conn: Connection, host_id: str, ts: str) -> None:
    """End a host's lease now (a clean exit): its leftovers are settled at once."""
    conn.execute(update(hosts).where(hosts.c.id == host_id).values(lease_until=ts))


def forget_before(conn: Connection, ts: str) -> None:
    """Drop host rows whose lease ended before ``ts`` and that no longer own anything."""
    owned = select(executions.c.owner).where(executions.c.owner.is_not(None),
                                             executions.c.status.in_(("created", "in-progress")))
    homes = select(services.c.home).where(services.c.home.is_not(None))
    conn.execute(delete(hosts).where(hosts.c.lease_until < ts, hosts.c.id.not_in(owned),
                                     hosts.c.id.not_in(homes)))


def get_hosts(conn: Connection, ids: Iterable[str | None]) -> dict[str, dict[str, Any]]:
    ids = [i for i in set(ids) if i]
    if not ids:
        return {}
    return {r["id"]: dict(r) for r in conn.execute(select(hosts).where(hosts.c.id.in_(ids))).mappings()}


def live_servers(conn: Connection, project_id: str, now: str) -> list[dict[str, Any]]:
    """Host processes (a Jupyter server, ``faas serve``) serving a project, lease valid."""
    q = select(hosts).where(hosts.c.kind.in_(("server", "serve")), hosts.c.project_id == project_id,
                            hosts.c.lease_until >= now)
    return [dict(r) for r in conn.execute(q).mappings()]


# -- homes -------------------------------------------------------------------------------------
def service_state(conn: Connection, service_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(services).where(services.c.id == service_id)).mappings().first()
    return dict(row) if row else None


def read_service_state(store: Store, service_id: str) -> dict[str, Any] | None:
    """``service_state`` in its own read; every execute does this once, so on SQLite it runs
    the plain SELECT on this thread's hot connection, or answers from memory while nothing
    was committed since (``store.hot``). The row is shared: callers read it, never change it
    (``_queue.local`` skips comparing a row it already compared)."""
    held = hot(store)
    if held is None:
        with store.connect() as conn:
            return service_state(conn, service_id)
    return held.cached(("service", service_id), lambda raw: _raw_service_state(raw, service_id))


def read_route(store: Store, service_id: str, project_id: str, user: str) -> tuple[dict[str, Any] | None, str | None]:
    """``read_service_state`` and ``user``'s role in the project, what an execute checks
    first: one look at ``data_version`` for both (SQLite), one connection (PostgreSQL)."""
    held = hot(store)
    if held is None:
        with store.connect() as conn:
            return service_state(conn, service_id), get_role(conn, project_id, user)
    found: tuple[dict[str, Any] | None, str | None] = held.cached_by_key(
        ("route", service_id, project_id, user), _raw_route)
    return found


def _raw_route(raw: sqlite3.Connection, key: tuple[Any, ...]) -> tuple[dict[str, Any] | None, str | None]:
    _, service_id, project_id, user = key
    return _raw_service_state(raw, service_id), raw_role(raw, project_id, user)


def _raw_service_state(raw: sqlite3.Connection, service_id: str) -> dict[str, Any] | None:
    cur = raw.execute("SELECT * FROM services WHERE id = ?", (service_id,))
    row = cur.fetchone()
    return None if row is None else decode_json(services, dict(zip([d[0] for d in cur.description], row)))


def set_home(conn: Connection, service_id: str, home: str | None, expected: str | None) -> bool:
    """Compare-and-set a service's home: True if it was ``expected`` and is now ``home``."""
    col = services.c.home
    q = update(services).where(services.c.id == service_id,
                               col.is_(None) if expected is None else col == expected)
    return bool(conn.execute(q.values(home=home)).rowcount)


def homed_services(conn: Connection, project_id: str, runtimes: Iterable[str]) -> list[dict[str, Any]]:
    q = select(services).where(services.c.project_id == project_id, services.c.runtime.in_(list(runtimes)))
    return [dict(r) for r in conn.execute(q).mappings()]


# -- the queue ---------------------------------------------------------------------------------
def claim(conn: Connection, service_ids: list[str], owner: str, limit: int) -> list[dict[str, Any]]:
    """Take up to ``limit`` queued executions of ``service_ids`` (oldest first) for ``owner``."""
    if not service_ids:
        return []
    homed = select(services.c.id).where(services.c.id.in_(service_ids), services.c.home == owner)
    q = (select(executions).where(executions.c.status == "created", executions.c.owner.is_(None),
                                  executions.c.service_id.in_(homed))
         .order_by(executions.c.created_at).limit(limit))
    if conn.dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    rows = [dict(r) for r in conn.execute(q).mappings()]
    if rows:
        from faas_jupyter.store.executions import mark_changed
        ids = executions.c.id.in_([r["id"] for r in rows])
        conn.execute(update(executions).where(ids, executions.c.owner.is_(None)).values(owner=owner))
        mark_changed(conn, ids)  # delta polls see who took it
    for r in rows:
        r["owner"] = owner
    return rows


def queued_without_home(conn: Connection, project_id: str, runtimes: Iterable[str]) -> bool:
    """Is anything queued for a service of the project that has no home (just deployed from
    a process that left it to a host, or given up)? A host process adopts those at once."""
    q = (select(executions.c.id).join(services, services.c.id == executions.c.service_id)
         .where(executions.c.status == "created", executions.c.owner.is_(None),
                services.c.home.is_(None), services.c.project_id == project_id,
                services.c.runtime.in_(list(runtimes))).limit(1))
    return conn.execute(q).first() is not None


def any_queued(conn: Connection, service_ids: list[str]) -> bool:
    """A read-only look before claiming (a home polls this; the write lock only when needed)."""
    q = select(executions.c.id).where(executions.c.status == "created", executions.c.owner.is_(None),
                                      executions.c.service_id.in_(service_ids)).limit(1)
    return conn.execute(q).first() is not None


def poll_queued(store: Store, service_ids: list[str]) -> bool:
    """``any_queued`` as a home polls it every tick: on SQLite from memory while no other
    connection committed since the last look (``store.hot``), else one plain SELECT."""
    text = (f"SELECT id FROM executions WHERE status = 'created' AND owner IS NULL AND service_id IN "
            f"({', '.join('?' * len(service_ids))}) LIMIT 1")
    return polled(store, ("queued", *service_ids), text, service_ids, lambda cur: cur.fetchone() is not None,
                  lambda conn: any_queued(conn, service_ids))


def poll_terminate_requests(store: Store, after: int) -> list[tuple[int, str]]:
    """``terminate_requests`` as a home polls it every tick (see ``poll_queued``)."""
    text = "SELECT id, execution_id FROM execution_events WHERE kind = 'terminate' AND id > ? ORDER BY id"
    return polled(store, ("terminate", after), text, (after,), lambda cur: [(r[0], r[1]) for r in cur],
                  lambda conn: terminate_requests(conn, after))


def unfinished_of(conn: Connection, project_id: str, ids: list[str] | None = None,
                  service_id: str | None = None) -> list[dict[str, Any]]:
    """Unfinished executions of a project (only ``ids`` / one service when given)."""
    q = select(executions).where(executions.c.project_id == project_id,
                                 executions.c.status.in_(("created", "in-progress")))
    if ids is not None:
        q = q.where(executions.c.id.in_(ids))
    if service_id is not None:
        q = q.where(or_(executions.c.service_id == service_id))
    return [dict(r) for r in conn.execute(q.order_by(executions.c.created_at)).mappings()]


# -- terminate requests ------------------------------------------------------------------------
def request_terminate(conn: Connection, execution_id: str, ts: str, message: str) -> None:
    """Ask the execution's owner to stop it: an event its home picks up (and the status log shows)."""
    conn.execute(insert(execution_events).values(execution_id=execution_id, ts=ts, kind="terminate",
                                                 status=None, progress=None, message=message, data=None))


def last_event_id(conn: Connection) -> int:
    from sqlalchemy import func
    return conn.scalar(select(func.coalesce(func.max(execution_events.c.id), 0))) or 0


def terminate_requests(conn: Connection, after: int) -> list[tuple[int, str]]:
    """(event id, execution id) of terminate requests newer than event ``after``."""
    return [(r[0], r[1]) for r in conn.execute(terminate_query(after))]


def terminate_query(after: int) -> Select[int, str]:
    """The terminate-request poll: one range of ``ix_execution_events_kind_id`` (migration 7)."""
    return (select(execution_events.c.id, execution_events.c.execution_id)
            .where(execution_events.c.kind == "terminate", execution_events.c.id > after)
            .order_by(execution_events.c.id))
