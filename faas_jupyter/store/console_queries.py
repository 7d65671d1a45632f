"""Read-only SQL behind the console: filtered, sorted pages of executions and items with
their totals, chart aggregates, incremental log lines, and lineage look-ups.

Every query is scoped to one project and pages on the server (``LIMIT``/``OFFSET`` plus
one ``COUNT``), so a table over 100k executions moves only one page. Timestamps are
ISO-8601 text, so a time bucket is a prefix of it (``substr``), on SQLite and PostgreSQL.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, or_, select

from faas_jupyter.store.schema import datasets, execution_logs, executions, items

# sort keys of the executions table -> columns (the id breaks ties, so pages never overlap)
EXECUTION_SORTS = {"created": executions.c.created_at, "duration": executions.c.duration,
                   "status": executions.c.status, "service": executions.c.service_name,
                   "function": executions.c.function_name, "user": executions.c.creator,
                   "id": executions.c.id}
# bucket width -> length of the ISO prefix that names the bucket
BUCKETS = {"minute": 16, "hour": 13, "day": 10}


@dataclass
class ExecutionFilter:
    """What the executions table shows; ``None`` means "any"."""

    service: str | None = None
    function: str | None = None
    status: list[str] | None = None
    user: str | None = None
    since: str | None = None   # ISO timestamps, compared as text
    until: str | None = None

    def where(self, project_id: str) -> list[Any]:
        c = executions.c
        out = [c.project_id == project_id]
        for column, value in ((c.service_name, self.service), (c.function_name, self.function),
                              (c.creator, self.user)):
            if value is not None:
                out.append(column == value)
        if self.status:
            out.append(c.status.in_(self.status))
        if self.since:
            out.append(c.created_at >= self.since)
        if self.until:
            out.append(c.created_at < self.until)
        return out


def page_executions(conn: Connection, project_id: str, flt: ExecutionFilter, *, sort: str = "created",
                    descending: bool = True, limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """One page of execution rows and the number of rows the filter matches."""
    where = flt.where(project_id)
    total = int(conn.scalar(select(func.count()).select_from(executions).where(*where)) or 0)
    # a page past the middle is read from the other end: OFFSET walks the rows it skips
    backwards = offset > total // 2
    if backwards:
        offset, limit = max(0, total - offset - limit), min(limit, max(0, total - offset))
    order = _order(EXECUTION_SORTS[sort], sort, descending != backwards, nulls_last=not backwards)
    rows = conn.execute(select(executions).where(*where).order_by(*order).limit(limit).offset(offset))
    page = [dict(r) for r in rows.mappings()]
    return (page[::-1] if backwards else page), total


def _order(column: Any, sort: str, descending: bool, nulls_last: bool) -> list[Any]:
    """ORDER BY of one direction; the id breaks ties the same way, so both ends agree."""
    order = [column.desc() if descending else column.asc(),
             executions.c.id.desc() if descending else executions.c.id.asc()]
    if sort == "duration":  # unfinished rows (no duration yet) after the finished ones
        order.insert(0, column.is_(None) if nulls_last else column.is_not(None))
    return order


def distinct_values(conn: Connection, project_id: str) -> dict[str, list[str]]:
    """The services, functions and users that occur, for the filter menus."""
    out = {}
    for name, column in (("services", executions.c.service_name),
                         ("functions", executions.c.function_name), ("users", executions.c.creator)):
        q = (select(column).where(executions.c.project_id == project_id, column.is_not(None))
             .group_by(column).order_by(column).limit(500))
        out[name] = list(conn.scalars(q))
    return out


def status_counts(conn: Connection, project_id: str, flt: ExecutionFilter,
                  bucket: str) -> list[tuple[str, str, int]]:
    """``(bucket prefix, status, count)`` for executions over time, oldest bucket first."""
    prefix = func.substr(executions.c.created_at, 1, BUCKETS[bucket]).label("bucket")
    q = (select(prefix, executions.c.status, func.count()).where(*flt.where(project_id))
         .group_by(prefix, executions.c.status).order_by(prefix))
    return [(b, s, int(n)) for b, s, n in conn.execute(q)]


def created_range(conn: Connection, project_id: str, flt: ExecutionFilter) -> tuple[str | None, str | None]:
    q = select(func.min(executions.c.created_at), func.max(executions.c.created_at)).where(
        *flt.where(project_id))
    first, last = conn.execute(q).one()
    return first, last


def durations(conn: Connection, project_id: str, flt: ExecutionFilter) -> list[tuple[str, float]]:
    """``(function, duration)`` of the finished executions the filter matches."""
    q = (select(executions.c.function_name, executions.c.duration)
         .where(*flt.where(project_id), executions.c.duration.is_not(None)))
    return [(f, float(d)) for f, d in conn.execute(q)]


def logs_after(conn: Connection, execution_id: str, after: int, limit: int) -> list[dict[str, Any]]:
    """Captured lines with an id above ``after`` (the client's offset), oldest first."""
    q = (select(execution_logs).where(execution_logs.c.execution_id == execution_id,
                                      execution_logs.c.id > after)
         .order_by(execution_logs.c.id).limit(limit))
    return [dict(r) for r in conn.execute(q).mappings()]


def _escape(text: str) -> str:
    """``text`` matched literally by ``LIKE ... ESCAPE '\\'``."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like(text: str) -> str:
    return "%" + _escape(text) + "%"


def page_items(conn: Connection, project_id: str, *, search: str | None = None,
               artifact_type: str | None = None, dataset: str | None = None,
               execution: str | None = None, limit: int = 50,
               offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Items of the project, newest first, with their dataset name and producing execution's
    service and function; ``search`` matches the key, the item id or the execution id."""
    c = items.c
    joined = (items.outerjoin(datasets, c.dataset_id == datasets.c.id)
              .outerjoin(executions, c.execution_id == executions.c.id))
    where = [c.project_id == project_id]
    if search:
        pattern = _like(search.lower())
        where.append(or_(func.lower(c.key).like(pattern, escape="\\"), c.id.like(pattern, escape="\\"),
                         c.execution_id.like(pattern, escape="\\")))
    if artifact_type:
        where.append(c.artifact_type == artifact_type)
    if dataset:
        where.append(datasets.c.name == dataset)
    if execution:
        where.append(c.execution_id.like(_escape(execution) + "%", escape="\\"))
    q = (select(items, datasets.c.name.label("dataset_name"),
                executions.c.service_name.label("execution_service"),
                executions.c.function_name.label("execution_function"))
         .select_from(joined).where(*where).order_by(c.created_at.desc(), c.id).limit(limit).offset(offset))
    total = conn.scalar(select(func.count()).select_from(joined).where(*where))
    return [dict(r) for r in conn.execute(q).mappings()], int(total or 0)


def item_types(conn: Connection, project_id: str) -> list[str]:
    q = (select(items.c.artifact_type).where(items.c.project_id == project_id)
         .group_by(items.c.artifact_type).order_by(items.c.artifact_type))
    return list(conn.scalars(q))


def executions_using(conn: Connection, project_id: str, item_id: str, limit: int = 50) -> list[dict[str, Any]]:
    """Executions whose inputs name ``item_id`` (entity inputs are stored by id), newest first."""
    q = (select(executions).where(executions.c.project_id == project_id,
                                  executions.c.input.like(_like(item_id), escape="\\"))
         .order_by(executions.c.created_at.desc()).limit(limit))
    return [dict(r) for r in conn.execute(q).mappings()]


def items_by_id(conn: Connection, project_id: str, ids: set[str]) -> dict[str, dict[str, Any]]:
    """``id -> {id, key, artifact_type}`` for those of ``ids`` that are items of the project."""
    if not ids:
        return {}
    q = (select(items.c.id, items.c.key, items.c.artifact_type)
         .where(items.c.project_id == project_id, items.c.id.in_(sorted(ids))))
    return {r["id"]: dict(r) for r in conn.execute(q).mappings()}
