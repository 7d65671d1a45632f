"""SQL for the trigger outbox (``trigger_events``): record, claim, finish.

``record`` runs inside the transaction of the change that caused the event (an item logged,
a dataset deleted ...), so the event exists exactly when the change does. It writes one
row per active Event trigger of the project whose resource, action and filter match.
``claim`` takes pending rows of triggers whose service is homed at the claiming host and
active (``FOR UPDATE ... SKIP LOCKED`` on PostgreSQL; SQLite's write lock serializes
anyway); the caller inserts the executions and calls ``finish`` in the same transaction,
and the unique indexes on ``executions`` (trigger_id, trigger_event) / (trigger_id,
trigger_once) make a second execution for one event or one ``Once`` resource impossible.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, func, insert, select, tuple_, update

from faas_jupyter.model.jsonable import jsonable
from faas_jupyter.model.trigger_filter import matches
from faas_jupyter.store.db import Store
from faas_jupyter.store.hot import polled
from faas_jupyter.store.schema import executions, services, trigger_events, triggers


def record(conn: Connection, project_id: str, resource: str, action: str,
           docs: list[tuple[str, dict[str, Any]]], ts: str,
           snapshots: dict[str, dict[str, Any]] | None = None) -> int:
    """Outbox rows for the changed resources ``docs`` ((id, JSON) pairs); returns how many.

    The filter sees the JSON; a deleted resource's ``snapshots[id]`` (its entity-input record
    as it was) travels in the body, since the function can no longer look it up."""
    if not docs:
        return 0
    q = select(triggers.c.id, triggers.c.spec).where(
        triggers.c.project_id == project_id, triggers.c.type == "Event", triggers.c.active.is_(True),
        triggers.c.resource == resource, triggers.c.actions.contains(f",{action},"))
    rows = []
    for trigger_id, spec in conn.execute(q):
        query = spec.get("filter") or {}
        rows += [{"trigger_id": trigger_id, "action": action, "resource_id": rid,
                  "body": _body(doc, (snapshots or {}).get(rid)), "created_at": ts, "done_at": None}
                 for rid, doc in docs if matches(query, doc)]
    if rows:
        conn.execute(insert(trigger_events), rows)
    return len(rows)


def _body(doc: dict[str, Any], snapshot: dict[str, Any] | None) -> Any:
    body = {"doc": doc} if snapshot is None else {"doc": doc, "record": snapshot}
    return jsonable(body, str)  # a resource's odd values (dates) as text, as json.dumps(default=str)


def _claimable(home: str) -> Any:
    return and_(trigger_events.c.done_at.is_(None), triggers.c.active.is_(True),
                services.c.active.is_(True), services.c.home == home)


def _joined() -> Any:
    return (trigger_events.join(triggers, triggers.c.id == trigger_events.c.trigger_id)
            .join(services, services.c.id == triggers.c.service_id))


def _work_due_statement() -> Any:
    home: Any = bindparam("home")
    ids: Any = bindparam("ids", expanding=True)
    claimable = and_(trigger_events.c.done_at.is_(None), triggers.c.active.is_(True),
                     services.c.active.is_(True), services.c.home == home, services.c.id.in_(ids))
    pending = select(trigger_events.c.id).select_from(_joined()).where(claimable).limit(1)
    cron = (select(func.min(triggers.c.next_fire_at))
            .select_from(triggers.join(services, services.c.id == triggers.c.service_id))
            .where(triggers.c.type == "Cron", triggers.c.active.is_(True), services.c.active.is_(True),
                   services.c.home == home, services.c.id.in_(ids)))
    return select(pending.exists(), cron.scalar_subquery())


_WORK_DUE: Any = None  # built once: a home reads it every poll, building it cost more than running it

# the same question on SQLite's hot connection (``store.hot``): every outbox row, trigger
# change and pause is committed through the pool, never on a hot connection, so the cached
# answer holds exactly while ``PRAGMA data_version`` is unchanged; an idle home then spends
# one pragma per poll instead of a pool checkout and a join
_WORK_DUE_SQLITE = (
    "SELECT EXISTS (SELECT 1 FROM trigger_events e JOIN triggers t ON t.id = e.trigger_id "
    "JOIN services s ON s.id = t.service_id WHERE e.done_at IS NULL AND t.active = 1 AND s.active = 1 "
    "AND s.home = ? AND s.id IN ({ids}) LIMIT 1), "
    "(SELECT min(t.next_fire_at) FROM triggers t JOIN services s ON s.id = t.service_id "
    "WHERE t.type = 'Cron' AND t.active = 1 AND s.active = 1 AND s.home = ? AND s.id IN ({ids}))")


def poll_work_due(store: Store, home: str, service_ids: list[str]) -> tuple[bool, str | None]:
    """``work_due`` as a home polls it every tick: on SQLite from memory while no other
    connection committed since the last look, else one read."""
    text = _WORK_DUE_SQLITE.format(ids=", ".join("?" * len(service_ids)))
    return polled(store, ("work_due", home, *service_ids), text, [home, *service_ids, home, *service_ids],
                  _pending_and_due, lambda conn: work_due(conn, home, service_ids))


def _pending_and_due(cursor: Any) -> tuple[bool, str | None]:
    pending, due = cursor.fetchone()
    return bool(pending), due


def work_due(conn: Connection, home: str, service_ids: list[str]) -> tuple[bool, str | None]:
    """(are events pending, the earliest cron due time) for the services homed at ``home``:
    what a home's poll reads, in one statement (the write lock is taken only when needed)."""
    global _WORK_DUE
    if _WORK_DUE is None:
        _WORK_DUE = _work_due_statement()
    row = conn.execute(_WORK_DUE, {"home": home, "ids": list(service_ids)}).one()
    return bool(row[0]), row[1]


def claim(conn: Connection, home: str, service_ids: list[str], limit: int) -> list[dict[str, Any]]:
    """Pending events (oldest first) of active triggers of active services homed at ``home``,
    with their trigger's columns (``trigger_name``, ``function_name``, ``spec``, ``service_id``,
    ``creator``, ``project_id``)."""
    q = (select(trigger_events, triggers.c.name.label("trigger_name"), triggers.c.function_name,
                triggers.c.spec, triggers.c.service_id, triggers.c.creator, triggers.c.project_id,
                triggers.c.resource)
         .select_from(_joined()).where(_claimable(home), services.c.id.in_(service_ids))
         .order_by(trigger_events.c.id).limit(limit))
    if conn.dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True, of=trigger_events)
    return [dict(r) for r in conn.execute(q).mappings()]


def once_taken(conn: Connection, pairs: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (trigger id, resource id) pairs that already made an execution under ``Once``."""
    if not pairs:
        return set()
    wanted = sorted(set(pairs))
    key = tuple_(executions.c.trigger_id, executions.c.trigger_once)
    # the trigger ids too: SQLite serves a row-value IN alone by scanning the whole index
    q = (select(executions.c.trigger_id, executions.c.trigger_once)
         .where(executions.c.trigger_id.in_(sorted({t for t, _ in wanted})), key.in_(wanted)))
    return {(r[0], r[1]) for r in conn.execute(q)}


def finish(conn: Connection, done: list[tuple[int, str, str | None]], ts: str) -> None:
    """Mark events done: (event id, outcome ``fired`` | ``once``, execution id or None)."""
    if not done:
        return
    q = (update(trigger_events).where(trigger_events.c.id == bindparam("event"))
         .values(done_at=ts, outcome=bindparam("result"), execution_id=bindparam("made")))
    conn.execute(q, [{"event": e, "result": o, "made": x} for e, o, x in done])


def prune_done(conn: Connection, before: str, dry_run: bool = False) -> int:
    """Forget outbox rows done before ``before`` (their executions keep the event id)."""
    old = and_(trigger_events.c.done_at.is_not(None), trigger_events.c.done_at < before)
    if dry_run:
        return int(conn.scalar(select(func.count()).where(old)) or 0)
    return int(conn.execute(delete(trigger_events).where(old)).rowcount)


def pending_count(conn: Connection, trigger_id: str) -> int:
    """Events of a trigger not dispatched yet (waiting for its service's home, or a resume)."""
    q = select(func.count()).where(trigger_events.c.trigger_id == trigger_id,
                                   trigger_events.c.done_at.is_(None))
    return int(conn.scalar(q) or 0)
