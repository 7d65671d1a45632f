"""SQL for triggers: rows, their stats (read from the executions they made), cron due times.

Rows are dicts; ``spec`` is decoded by its column type (``workspace/triggers.py`` builds the entity).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, case, delete, func, insert, select, update

from faas_jupyter.store.schema import executions, services, triggers

FAILED = ("failed", "system-failure", "aborted", "terminated")


def _select() -> Any:
    return (select(triggers, services.c.name.label("service_name"), services.c.active.label("service_active"),
                   services.c.home.label("service_home"), services.c.runtime.label("service_runtime"))
            .join(services, services.c.id == triggers.c.service_id))


def insert_trigger(conn: Connection, row: dict[str, Any]) -> None:
    conn.execute(insert(triggers).values(**row))


def update_trigger(conn: Connection, trigger_id: str, **values: Any) -> bool:
    return bool(conn.execute(update(triggers).where(triggers.c.id == trigger_id).values(**values)).rowcount)


def delete_trigger(conn: Connection, trigger_id: str) -> bool:
    return bool(conn.execute(delete(triggers).where(triggers.c.id == trigger_id)).rowcount)


def get_trigger(conn: Connection, project_id: str, name_or_id: str) -> dict[str, Any] | None:
    q = _select().where(triggers.c.project_id == project_id,
                        (triggers.c.name == name_or_id) | (triggers.c.id == name_or_id))
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def list_triggers(conn: Connection, project_id: str, service_id: str | None = None,
                  limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
    """Triggers of a project (or one service), by name."""
    q = _select().where(triggers.c.project_id == project_id)
    if service_id is not None:
        q = q.where(triggers.c.service_id == service_id)
    q = q.order_by(triggers.c.name).offset(offset)
    if limit is not None:
        q = q.limit(limit)
    return [dict(r) for r in conn.execute(q).mappings()]


def stats(conn: Connection, trigger_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Per trigger: ``fire_count``, ``failure_count``, ``last_fired_at`` (from its executions;
    the unique index on (trigger_id, trigger_event) serves this read)."""
    if not trigger_ids:
        return {}
    failed = func.sum(case((executions.c.status.in_(FAILED), 1), else_=0))
    q = (select(executions.c.trigger_id, func.count(), failed, func.max(executions.c.created_at))
         .where(executions.c.trigger_id.in_(trigger_ids)).group_by(executions.c.trigger_id))
    return {r[0]: {"fire_count": int(r[1]), "failure_count": int(r[2] or 0), "last_fired_at": r[3]}
            for r in conn.execute(q)}


def execution_ids(conn: Connection, trigger_id: str, limit: int) -> list[str]:
    """The newest executions a trigger made."""
    q = (select(executions.c.id).where(executions.c.trigger_id == trigger_id)
         .order_by(executions.c.created_at.desc(), executions.c.id.desc()).limit(limit))
    return list(conn.scalars(q))


def service_id_of(conn: Connection, project_id: str, service_name: str) -> str | None:
    q = select(services.c.id).where(services.c.project_id == project_id, services.c.name == service_name)
    return conn.scalar(q)


# -- cron ----------------------------------------------------------------------------------------
def due_crons(conn: Connection, home: str, ts: str) -> list[dict[str, Any]]:
    """Active cron triggers of active services homed at ``home`` whose next due time is at or before ``ts``."""
    q = _select().where(triggers.c.type == "Cron", triggers.c.active.is_(True), services.c.active.is_(True),
                        services.c.home == home, triggers.c.next_fire_at.is_not(None),
                        triggers.c.next_fire_at <= ts)
    return [dict(r) for r in conn.execute(q).mappings()]


def advance_cron(conn: Connection, trigger_id: str, expected: str, next_fire_at: str | None) -> bool:
    """Compare-and-set the next due time: False when another host advanced it first."""
    q = (update(triggers).where(triggers.c.id == trigger_id, triggers.c.next_fire_at == expected)
         .values(next_fire_at=next_fire_at))
    return bool(conn.execute(q).rowcount)
