"""SQL for executions, their status/progress events, captured log lines and output items.

Rows are dicts; JSON columns (``input``, ``output``, ``metadata``, event ``data``) are
Python values (``schema.JSONText``; the raw SQLite paths encode and decode the same way). Writers batch: one call inserts many executions, events or log lines, so a
whole execution (row, status log, logs, items) is one transaction.
"""
from __future__ import annotations

import sqlite3
from itertools import count
from operator import itemgetter
from typing import Any, Callable, Iterable, Sequence, cast

from sqlalchemy import Connection, insert, select, update

from faas_jupyter.errors import ValidationError
from faas_jupyter.store.db import Store
from faas_jupyter.store.hot import hot
from faas_jupyter.store.schema import (JSONText, change_counters, dumps, execution_events, execution_logs,
                                       executions, items)

UNFINISHED = ("created", "in-progress")
_COUNTER = "executions"
_BUMP_SQL = "UPDATE change_counters SET value = value + ? WHERE name = 'executions' RETURNING value"


def next_change_seq(conn: Connection, n: int = 1) -> int:
    """Reserve ``n`` change numbers; returns the last (the first is ``last - n + 1``).

    Every write to ``executions`` stamps ``change_seq`` with one of these, inside its own
    transaction: the counter row stays locked until commit (PostgreSQL row lock, SQLite's
    write lock), so numbers follow commit order and a delta poll never skips a row.
    """
    q = (update(change_counters).where(change_counters.c.name == _COUNTER)
         .values(value=change_counters.c.value + n).returning(change_counters.c.value))
    return int(conn.execute(q).scalar_one())


def insert_executions(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        last = next_change_seq(conn, len(rows))
        conn.execute(insert(executions), [{**r, "change_seq": last - len(rows) + 1 + i}
                                          for i, r in enumerate(rows)])


def update_execution(conn: Connection, execution_id: str, **values: Any) -> None:
    """Update one row (its ``change_seq`` too, so delta polls see the change)."""
    values["change_seq"] = next_change_seq(conn)
    conn.execute(update(executions).where(executions.c.id == execution_id).values(**values))


def mark_changed(conn: Connection, where: Any) -> None:
    """For a bulk ``UPDATE executions ... WHERE where`` done elsewhere: stamp those rows."""
    conn.execute(update(executions).where(where).values(change_seq=next_change_seq(conn)))


def add_events(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Append status/progress events: ``{execution_id, ts, kind, status, progress, message, data}``."""
    if rows:
        conn.execute(insert(execution_events), rows)


def add_logs(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Append captured lines: ``{execution_id, ts, stream, text}``.

    Consecutive lines of one execution and stream become one row (up to ``LOG_ROW_CHARS``,
    stamped with the first line's time): a print loop stores a few rows, not a row a line,
    so the database stays near the text's size and reading it back is fast.
    """
    if rows:
        conn.execute(insert(execution_logs), coalesce_logs(rows))


LOG_ROW_CHARS = 256 * 1024


def coalesce_logs(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    parts: list[str] = []
    size = 0
    for row in rows:
        last = out[-1] if out else None
        if (last is not None and last["execution_id"] == row["execution_id"]
                and last["stream"] == row["stream"] and size + len(row["text"]) <= LOG_ROW_CHARS):
            parts.append(row["text"])
            size += len(row["text"])
            continue
        if last is not None:
            last["text"] = "".join(parts)
        out.append(dict(row))
        parts, size = [row["text"]], len(row["text"])
    out[-1]["text"] = "".join(parts)
    return out


def add_items(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert the items an execution's outputs were packed into."""
    if rows:
        conn.execute(insert(items), rows)


def get_item(conn: Connection, item_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(items).where(items.c.id == item_id)).mappings().first()
    return dict(row) if row else None


def get_execution(conn: Connection, execution_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(executions).where(executions.c.id == execution_id)).mappings().first()
    return dict(row) if row else None


def ids_starting_with(conn: Connection, project_id: str, prefix: str, limit: int = 2) -> list[str]:
    """Execution ids of a project that start with ``prefix`` (tables show 8 characters)."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    q = (select(executions.c.id).where(executions.c.project_id == project_id,
                                        executions.c.id.like(f"{escaped}%", escape="\\")).limit(limit))
    return list(conn.scalars(q))


def list_executions(conn: Connection, project_id: str, *,
                    service_name: str | None = None, function: str | None = None,
                    status: str | Iterable[str] | None = None, limit: int | None = None,
                    offset: int = 0) -> list[dict[str, Any]]:
    """Newest first (ties by id, newest-first too, so one index scan serves the ORDER BY)."""
    _check_page(limit, offset)
    statuses = None if status is None else [status] if isinstance(status, str) else list(status)
    raw = _sqlite_driver(conn)
    if raw is not None:
        return _raw_list(raw, project_id, service_name, function, statuses, limit, offset)
    q = select(executions).where(executions.c.project_id == project_id)
    if service_name is not None:
        q = q.where(executions.c.service_name == service_name)
    if function is not None:
        q = q.where(executions.c.function_name == function)
    if statuses is not None:
        q = q.where(executions.c.status.in_(statuses))
    q = q.order_by(executions.c.created_at.desc(), executions.c.id.desc()).offset(offset)
    if limit is not None:
        q = q.limit(limit)
    return dicts(conn, q)


def _check_page(limit: int | None, offset: int) -> None:
    # SQLite reads a negative LIMIT as "all" and PostgreSQL refuses it: one answer on both
    bad_limit = limit is not None and (not isinstance(limit, int) or limit < 0)
    if bad_limit or not isinstance(offset, int) or offset < 0:
        raise ValidationError(f"a page of executions needs limit >= 0 (None: all) and offset >= 0, "
                              f"got limit={limit!r}, offset={offset!r}", "limit" if bad_limit else "offset")


def _sqlite_driver(conn: Connection) -> sqlite3.Connection | None:
    """The sqlite3 connection under ``conn`` (None on PostgreSQL). The fronts' hot reads run
    their portable SQL text on it directly: SQLAlchemy's execution and row layers cost more
    than the indexed read itself (~0.3 ms of a 0.5 ms list)."""
    return conn.connection.driver_connection if conn.dialect.name == "sqlite" else None


def _raw_dicts(raw: sqlite3.Connection, text: str, params: list[Any], table: str = "executions") -> list[dict[str, Any]]:
    """The rows of ``SELECT * FROM table`` as dicts, JSON columns decoded as ``JSONText`` does."""
    cursor = raw.execute(text, params)
    keys = [d[0] for d in cursor.description]
    rows = [dict(zip(keys, row)) for row in cursor.fetchall()]
    for key in _SQLITE_JSON[table].intersection(keys):
        for row in rows:
            row[key] = _JSON_RESULT(row[key], None)  # type: ignore[arg-type]  # JSONText ignores the dialect
    return rows


def _raw_list(raw: sqlite3.Connection, project_id: str, service_name: str | None, function: str | None,
              statuses: list[str] | None, limit: int | None, offset: int) -> list[dict[str, Any]]:
    where, params = ["project_id = ?"], [project_id]
    for column, value in (("service_name", service_name), ("function_name", function)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if statuses is not None:
        where.append(f"status IN ({', '.join('?' * len(statuses))})")
        params += statuses
    text = (f"SELECT * FROM executions WHERE {' AND '.join(where)} "
            f"ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?")
    return _raw_dicts(raw, text, params + [-1 if limit is None else limit, offset])


def dicts(conn: Connection, q: Any) -> list[dict[str, Any]]:
    """The rows of ``q`` as dicts (zip over the keys: a third of the cost of ``.mappings()``)."""
    result = conn.execute(q)
    keys = list(result.keys())
    return [dict(zip(keys, row)) for row in result]


def change_cursor(conn: Connection) -> int:
    """The latest change number: a delta poll from here returns only later changes."""
    q = select(change_counters.c.value).where(change_counters.c.name == _COUNTER)
    return conn.scalar(q) or 0


def changed_since(conn: Connection, project_id: str, cursor: int, *, limit: int = 500) -> list[dict[str, Any]]:
    """Rows of a project written after change ``cursor``, in change order (oldest change first).

    Callers wanting one service filter these rows themselves and still advance their cursor
    past the others, so a busy neighbour service is never scanned twice.
    """
    if not isinstance(limit, int) or limit < 1:  # 0 would answer "more" forever without moving
        raise ValidationError(f"a delta poll needs limit >= 1, got {limit!r}", "limit")
    raw = _sqlite_driver(conn)
    if raw is not None:
        return _raw_dicts(raw, "SELECT * FROM executions WHERE project_id = ? AND change_seq > ? "
                               "ORDER BY change_seq LIMIT ?", [project_id, cursor, limit])
    q = (select(executions).where(executions.c.project_id == project_id, executions.c.change_seq > cursor)
         .order_by(executions.c.change_seq).limit(limit))
    return dicts(conn, q)


def unfinished(conn: Connection, service_id: str) -> list[dict[str, Any]]:
    """Executions of a service that are still created or in progress, oldest first."""
    q = (select(executions).where(executions.c.service_id == service_id,
                                  executions.c.status.in_(UNFINISHED))
         .order_by(executions.c.created_at))
    return [dict(r) for r in conn.execute(q).mappings()]


def settle(conn: Connection, row: dict[str, Any], status: str, error: str, ts: str, **values: Any) -> bool:
    """Move one unfinished execution to ``status`` if nobody changed it meanwhile (compare
    and set on status and owner), with its status event; False if someone else did."""
    q = update(executions).where(executions.c.id == row["id"], executions.c.status == row["status"],
                                 executions.c.finished_at.is_(None))
    if "owner" in executions.c:
        q = q.where(_same(executions.c.owner, row.get("owner")))
    final = status not in UNFINISHED
    done = conn.execute(q.values(status=status, error=error if final else row.get("error"),
                                 finished_at=ts if final else None, change_seq=next_change_seq(conn),
                                 **values)).rowcount
    if done:
        add_events(conn, [{"execution_id": row["id"], "ts": ts, "kind": "status", "status": status,
                           "progress": None, "message": error, "data": None}])
    return bool(done)


def _same(column: Any, value: Any) -> Any:
    return column.is_(None) if value is None else column == value


def settle_service(conn: Connection, service_id: str, reason: str, ts: str) -> int:
    """Settle every unfinished execution of a service being deleted: queued ones
    ``canceled``, running ones ``terminated``, each saying ``reason``."""
    count = 0
    for row in unfinished(conn, service_id):
        status = "canceled" if row["status"] == "created" else "terminated"
        verb = "canceled before it started" if status == "canceled" else "terminated while it ran"
        count += settle(conn, row, status, f"{verb}: {reason}", ts)
    return count


def events_of(conn: Connection, execution_id: str) -> list[dict[str, Any]]:
    q = (select(execution_events).where(execution_events.c.execution_id == execution_id)
         .order_by(execution_events.c.id))
    return [dict(r) for r in conn.execute(q).mappings()]


def logs_of(conn: Connection, execution_id: str) -> list[dict[str, Any]]:
    q = (select(execution_logs).where(execution_logs.c.execution_id == execution_id)
         .order_by(execution_logs.c.id))
    return [dict(r) for r in conn.execute(q).mappings()]


def events_for(conn: Connection, execution_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Events of many executions in one query per 500 ids: ``{id: [event, ...]}``."""
    out: dict[str, list[dict[str, Any]]] = {i: [] for i in execution_ids}
    raw = _sqlite_driver(conn)
    for start in range(0, len(execution_ids), 500):
        chunk = execution_ids[start:start + 500]
        if raw is not None:
            rows = _raw_dicts(raw, f"SELECT * FROM execution_events WHERE execution_id IN "
                                   f"({', '.join('?' * len(chunk))}) ORDER BY id", chunk, "execution_events")
        else:
            rows = dicts(conn, select(execution_events).where(execution_events.c.execution_id.in_(chunk))
                         .order_by(execution_events.c.id))
        for r in rows:
            out[r["execution_id"]].append(r)
    return out


def get_executions(conn: Connection, execution_ids: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(execution_ids), 500):
        chunk = execution_ids[start:start + 500]
        for r in conn.execute(select(executions).where(executions.c.id.in_(chunk))).mappings():
            out[r["id"]] = dict(r)
    return out


# -- the batched writer ------------------------------------------------------------------------
_UPDATE_COLUMNS = ("status", "attempts", "started_at", "finished_at", "duration", "output", "error",
                   "metadata", "revision", "change_seq")


def _sqlite_insert(table: Any) -> tuple[str, list[str]]:
    cols = [c.name for c in table.c if not (c.primary_key and c.autoincrement is True)]
    if "change_seq" in cols:  # last, so the writer appends its number to each row's values
        cols = [c for c in cols if c != "change_seq"] + ["change_seq"]
    return f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", cols


def _json_columns(table: Any) -> set[str]:
    return {c.name for c in table.c if isinstance(c.type, JSONText)}


def _raw_rows(rows: list[dict[str, Any]], cols: list[str], json_at: tuple[int, ...],
              getter: Callable[[dict[str, Any]], tuple[Any, ...]]) -> list[Sequence[Any]]:
    """The driver's parameters for ``cols`` of each of ``rows``: what ``JSONText`` would bind,
    as text (``json_at``: the positions of the JSON columns, encoded unless None; ``getter``:
    an ``itemgetter`` of ``cols``, a third of the cost of a ``get`` per column). A row with no
    JSON value (a status event) is the getter's tuple itself: no call per row."""
    try:
        values = list(map(getter, rows))
    except KeyError:  # rows that leave optional columns out: they are NULL
        values = [tuple(r.get(c) for c in cols) for r in rows]
    out: list[Sequence[Any]] = []
    for v in values:
        for i in json_at:
            if v[i] is not None:
                out.append(_encoded(v, json_at))
                break
        else:
            out.append(v)
    return out


def _encoded(values: tuple[Any, ...], json_at: tuple[int, ...]) -> list[Any]:
    out = list(values)
    for i in json_at:
        value = out[i]
        if value is not None:
            out[i] = "{}" if type(value) is dict and not value else dumps(value)
    return out


def _json_at(cols: list[str], table: Any) -> tuple[int, ...]:
    json_cols = _json_columns(table)
    return tuple(i for i, c in enumerate(cols) if c in json_cols)


_JSON_RESULT = JSONText().process_result_value
_SQLITE = {t.name: _sqlite_insert(t) for t in (executions, execution_events, execution_logs, items)}
_SQLITE_JSON = {t.name: _json_columns(t) for t in (executions, execution_events, execution_logs, items)}
assert _SQLITE["executions"][1][-1] == "change_seq" and _UPDATE_COLUMNS[-1] == "change_seq"
# per table: the INSERT, the columns a row gives (not change_seq: the writer appends it) and
# where the JSON ones are; the same for the UPDATE of an execution
_INSERTS = {t.name: (_SQLITE[t.name][0], cols, _json_at(cols, t), itemgetter(*cols))
            for t in (executions, execution_events, execution_logs, items)
            for cols in [[c for c in _SQLITE[t.name][1] if c != "change_seq"]]}
_UPDATE_VALUES = list(_UPDATE_COLUMNS[:-1])
_UPDATE_JSON_AT = _json_at(_UPDATE_VALUES, executions)
_UPDATE_GET = itemgetter(*_UPDATE_VALUES)


# ``finished_at IS NULL`` and the same owner: an execution settled elsewhere (its service
# deleted, its owner's lease expired, requeued for on_reset=rerun) keeps that record; a late
# result from the old owner does not overwrite it
_SQLITE_UPDATE = (f"UPDATE executions SET {', '.join(f'{c} = ?' for c in _UPDATE_COLUMNS)} "
                  "WHERE id = ? AND finished_at IS NULL AND owner IS ?")


def write_batch(store: Store, inserts: list[dict[str, Any]], updates: list[dict[str, Any]], events: list[dict[str, Any]],
                logs: list[dict[str, Any]], new_items: list[dict[str, Any]]) -> None:
    """Write executions (new rows and updates), events, logs and items in one transaction.

    This is the hot path of every execution. On SQLite it runs the portable INSERT and
    UPDATE text straight on the pooled driver connection (``BEGIN IMMEDIATE`` ..
    ``COMMIT``), which costs about half of going through SQLAlchemy's Core layer.
    """
    logs = coalesce_logs(logs) if logs else logs
    if store.dialect != "sqlite":
        with store.transaction() as conn:
            insert_executions(conn, inserts)
            for u in updates:
                values = {k: u[k] for k in _UPDATE_COLUMNS if k != "change_seq"}
                conn.execute(update(executions).where(executions.c.id == u["id"],
                                                      executions.c.finished_at.is_(None),
                                                      executions.c.owner.is_not_distinct_from(u.get("owner")))
                             .values(**values, change_seq=next_change_seq(conn)))
            add_events(conn, events)
            add_logs(conn, logs)  # coalescing again is a no-op
            add_items(conn, new_items)
        return
    held = hot(store)
    if held is not None:
        _sqlite_write(held.conn(), inserts, updates, events, logs, new_items)
        return
    pooled = store.engine.raw_connection()
    try:
        _sqlite_write(cast(sqlite3.Connection, pooled.driver_connection), inserts, updates, events, logs, new_items)
    finally:
        pooled.close()


def _sqlite_write(raw: sqlite3.Connection, inserts: list[dict[str, Any]], updates: list[dict[str, Any]],
                  events: list[dict[str, Any]], logs: list[dict[str, Any]], new_items: list[dict[str, Any]]) -> None:
    raw.execute("BEGIN IMMEDIATE")
    try:
        n = len(inserts) + len(updates)  # ``next_change_seq`` for n rows at once: last-n+1 .. last
        seq = count(raw.execute(_BUMP_SQL, (n,)).fetchone()[0] - n + 1) if n else count()
        if inserts:
            text, cols, json_at, getter = _INSERTS["executions"]
            bound = [(*values, next(seq)) for values in _raw_rows(inserts, cols, json_at, getter)]
            if len(bound) == 1:  # a waited execution: one row, no executemany loop
                raw.execute(text, bound[0])
            else:
                raw.executemany(text, bound)
        for table, rows in (("execution_events", events), ("execution_logs", logs), ("items", new_items)):
            if rows:
                text, cols, json_at, getter = _INSERTS[table]
                raw.executemany(text, _raw_rows(rows, cols, json_at, getter))
        if updates:
            changed = _raw_rows(updates, _UPDATE_VALUES, _UPDATE_JSON_AT, _UPDATE_GET)
            raw.executemany(_SQLITE_UPDATE, [(*values, next(seq), u["id"], u.get("owner"))
                                             for values, u in zip(changed, updates)])
        raw.execute("COMMIT")
    except BaseException:
        raw.execute("ROLLBACK")
        raise
