"""``ws.console``: the read models behind the JupyterLab console and the sidebar's poll.

Pages of executions and items with totals (server-side paging over any number of rows),
chart aggregates, log lines after an offset (incremental streaming), item lineage, and
one summary of everything the sidebar shows, so a poll tick is one request.
Members of the project (any role) may read all of it.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from faas_jupyter.errors import NotFound, ValidationError
from faas_jupyter.store import console_queries as q
from faas_jupyter.store import executions as sql
from faas_jupyter.workspace import _runtime_bridge as bridge
from faas_jupyter.workspace._item_records import item_fields
from faas_jupyter.workspace.executions import from_row

if TYPE_CHECKING:
    from faas_jupyter.store.db import Connection
    from faas_jupyter.workspace._base import Workspace

ExecutionFilter = q.ExecutionFilter
MAX_LOG_LINES = 5000
HISTOGRAM_BINS = 12


class Console:
    """``ws.console``: read-only queries for tables, charts, logs and lineage."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def _read(self, what: str):
        """A connection after the member check (and after this process's pending writes)."""
        bridge.recorder_for(self._ws.store).flush()
        conn = self._ws.store.connect()
        return _Checked(conn, self._ws, what)

    # -- executions ----------------------------------------------------------------------------
    def executions(self, flt: ExecutionFilter | None = None, *, sort: str = "created",
                   descending: bool = True, limit: int = 50, offset: int = 0) -> tuple[list, int]:
        """``(executions of one page, total matching)``; ``sort`` is a key of EXECUTION_SORTS."""
        if sort not in q.EXECUTION_SORTS:
            raise ValidationError(f"cannot sort executions by {sort!r}; use one of "
                                  f"{', '.join(q.EXECUTION_SORTS)}", "sort")
        with self._read("read executions") as conn:
            rows, total = q.page_executions(conn, self._ws.project.id, flt or ExecutionFilter(), sort=sort,
                                            descending=descending, limit=limit, offset=offset)
            events = sql.events_for(conn, [r["id"] for r in rows])
        return [from_row(self._ws, r, events[r["id"]]) for r in rows], total

    def filter_values(self) -> dict[str, list[str]]:
        """The services, functions and users that occur (for filter menus)."""
        with self._read("read executions") as conn:
            return q.distinct_values(conn, self._ws.project.id)

    def stats(self, flt: ExecutionFilter | None = None) -> dict:
        """Executions over time stacked by status, and durations per function (p50, p95, histogram)."""
        flt = flt or ExecutionFilter()
        with self._read("read executions") as conn:
            first, last = q.created_range(conn, self._ws.project.id, flt)
            bucket = _bucket_for(flt.since or first, flt.until or last)
            counts = q.status_counts(conn, self._ws.project.id, flt, bucket)
            pairs = q.durations(conn, self._ws.project.id, flt)
        series: dict[str, dict[str, int]] = {}
        for b, status, n in counts:
            series.setdefault(b, {})[status] = n
        return {"bucket": bucket,
                "overTime": [{"t": b, "counts": c} for b, c in series.items()],
                "durations": _duration_stats(pairs),
                "histogram": _histogram([d for _, d in pairs])}

    def log_lines(self, execution_id: str, after: int = 0, limit: int = MAX_LOG_LINES) -> dict:
        """Lines captured after offset ``after``: ``{"lines", "next"}``; pass ``next`` back."""
        ex = self._ws.executions.get(execution_id)  # NotFound for another project's id
        bridge.recorder_for(self._ws.store).flush(ex.id)
        with self._read("read executions") as conn:
            rows = q.logs_after(conn, ex.id, after, limit)
        lines = [{"ts": r["ts"], "stream": r["stream"], "text": r["text"]} for r in rows]
        return {"lines": lines, "next": rows[-1]["id"] if rows else after, "status": str(ex.status)}

    # -- items ---------------------------------------------------------------------------------
    def items(self, *, search: str | None = None, artifact_type: str | None = None,
              dataset: str | None = None, execution: str | None = None, limit: int = 50,
              offset: int = 0) -> tuple[list[dict], int]:
        """``(item JSON of one page, total)``: every item of the project, newest first."""
        with self._read("read items") as conn:
            rows, total = q.page_items(conn, self._ws.project.id, search=search, artifact_type=artifact_type,
                                       dataset=dataset, execution=execution, limit=limit, offset=offset)
        return [item_json(r) for r in rows], total

    def item_types(self) -> list[str]:
        with self._read("read items") as conn:
            return q.item_types(conn, self._ws.project.id)

    def lineage(self, item_id: str) -> dict:
        """Which execution produced the item, from which inputs, at which revision, and which
        executions used it since."""
        item = self._ws.items.get(item_id)
        produced = None
        if item.execution:
            try:
                produced = self._ws.executions.get(item.execution)
            except NotFound:
                pass  # its execution was deleted with its service
        with self._read("read items") as conn:
            used = q.executions_using(conn, self._ws.project.id, item.id)
            inputs = self._input_items(conn, produced.input) if produced is not None else []
        return {"item": item.to_json(), "producedBy": produced, "inputs": inputs,
                "revision": ({"package": produced.package, "version": produced.revision}
                             if produced is not None else None),
                "usedBy": [from_row(self._ws, r, []) for r in used if r["id"] != item.execution]}

    def _input_items(self, conn: Connection, values: dict) -> list[dict]:
        """The inputs of an execution that are ids of items of this project (one query)."""
        named = [(name, v) for name, value in values.items()
                 for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
        found = q.items_by_id(conn, self._ws.project.id, {v for _, v in named})
        return [{"input": name, "id": v, "key": found[v]["key"], "artifactType": found[v]["artifact_type"]}
                for name, v in named if v in found]


class _Checked:
    """``with``: the connection, once the user's membership was checked on it."""

    def __init__(self, conn: Connection, ws: Workspace, what: str) -> None:
        self._conn, self._ws, self._what = conn, ws, what

    def __enter__(self):
        conn = self._conn.__enter__()
        self._ws.check_member(self._what, conn)
        return conn

    def __exit__(self, *exc):
        return self._conn.__exit__(*exc)


def item_json(row: dict) -> dict:
    """Item JSON from an items row joined with its dataset and producing execution."""
    item = item_fields(row)
    return {"id": item["id"], "key": item["key"], "artifactType": item["artifact_type"],
            "format": item["format"], "objectType": item["object_type"], "size": item["size"],
            "dataset": row.get("dataset_name"), "execution": item["execution"],
            "executionService": row.get("execution_service"),
            "executionFunction": row.get("execution_function"),
            "createdAt": item["created_at"], "creator": item["creator"]}


def _parse(ts: str | None) -> datetime | None:
    if not ts:
        return None
    try:
        return datetime.fromisoformat(ts)
    except ValueError:
        return None


def _bucket_for(first: str | None, last: str | None) -> str:
    """Minutes for up to 6 hours, hours for up to 10 days, else days (a readable bar count)."""
    a, b = _parse(first), _parse(last) or datetime.now(timezone.utc)
    if a is None:
        return "hour"
    span = b - a
    if span <= timedelta(hours=6):
        return "minute"
    return "hour" if span <= timedelta(days=10) else "day"


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), ``values`` sorted."""
    if not values:
        return math.nan
    k = (len(values) - 1) * p
    lo, hi = math.floor(k), math.ceil(k)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def _duration_stats(pairs: list[tuple[str, float]]) -> list[dict]:
    by_fn: dict[str, list[float]] = {}
    for fn, d in pairs:
        by_fn.setdefault(fn, []).append(d)
    out = []
    for fn, ds in sorted(by_fn.items()):
        ds.sort()
        out.append({"function": fn, "count": len(ds), "p50": percentile(ds, 0.5),
                    "p95": percentile(ds, 0.95), "max": ds[-1]})
    return out


def _histogram(values: list[float]) -> dict:
    """Counts over equal-width bins from 0 to the largest duration."""
    if not values:
        return {"edges": [], "counts": []}
    top = max(values) or 1.0
    width = top / HISTOGRAM_BINS
    counts = [0] * HISTOGRAM_BINS
    for v in values:
        counts[min(int(v / width), HISTOGRAM_BINS - 1)] += 1
    return {"edges": [round(i * width, 6) for i in range(HISTOGRAM_BINS + 1)], "counts": counts}


def json_safe(value: Any) -> Any:
    """NaN (an empty percentile) is not JSON: send null."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value


__all__ = ["Console", "ExecutionFilter", "item_json", "percentile"]
