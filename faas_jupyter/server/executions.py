"""REST: executions (list with paging and filters, details, logs, rerun, terminate),
datasets and items (list, details, preview)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from tornado import web

from faas_jupyter.errors import Conflict, ValidationError
from faas_jupyter.model.entities import ExecutionStatus
from faas_jupyter.server import views
from faas_jupyter.server.base import FaasHandler, reader

if TYPE_CHECKING:
    from faas_jupyter.workspace import Workspace

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
_STATUSES = [s.value for s in ExecutionStatus]


def _int(name: str, text: str | None, default: int, low: int, high: int) -> int:
    if text in (None, ""):
        return default
    try:
        value = int(text)
    except ValueError:
        raise ValidationError(f"?{name}= must be an integer, got {text!r}", name) from None
    if not low <= value <= high:
        raise ValidationError(f"?{name}= must be between {low} and {high}, got {value}", name)
    return value


def _statuses(texts: list[str]) -> list[str] | None:
    wanted = [s for t in texts for s in t.split(",") if s]
    bad = [s for s in wanted if s not in _STATUSES]
    if bad:
        raise ValidationError(f"unknown execution status {bad[0]!r}; use one of {', '.join(_STATUSES)}",
                              "status")
    return wanted or None


class ExecutionsHandler(FaasHandler):
    @web.authenticated
    async def get(self):
        q = self.get_query_argument
        service, function = q("service", None) or None, q("function", None) or None
        status = self.get_query_arguments("status")

        def page(ws: Workspace):
            limit = _int("limit", q("limit", None), DEFAULT_LIMIT, 1, MAX_LIMIT)
            offset = _int("offset", q("offset", None), 0, 0, 10**9)
            found = ws.executions.list(service=service, function=function, status=_statuses(status),
                                       limit=limit + 1, offset=offset)  # one more tells if a next page exists
            more = len(found) > limit
            return {"items": [views.execution(e) for e in found[:limit]], "limit": limit,
                    "offset": offset, "next": offset + limit if more else None}
        self.send(await self.call(page))


class ExecutionChangesHandler(FaasHandler):
    """``GET executions/changes?since=CURSOR&service=&limit=``: a delta poll.

    Without ``since``: no rows, just the current cursor (take it before the first page).
    Answers ``{"items", "cursor", "more"}``; poll again from ``cursor`` (at once if ``more``).
    """

    @web.authenticated
    async def get(self):
        q = self.get_query_argument
        since, service = q("since", None), q("service", None) or None

        def poll(ws: Workspace):
            limit = _int("limit", q("limit", None), 500, 1, MAX_LIMIT)
            start = None if since in (None, "") else _int("since", since, 0, 0, 2**62)
            found = ws.executions.changes(start, service=service, limit=limit)
            return {"items": [views.execution(e) for e in found.executions], "cursor": found.cursor,
                    "more": found.more}
        self.send(await self.call(poll))


def _terminate(ws: Workspace, eid: str) -> dict:
    ex = ws.executions.get(eid)
    if not ex.terminate():
        raise Conflict(f"execution {eid} has ended already ({ex.refresh().status.value}); "
                       "nothing to terminate")
    return views.execution(ex.refresh())


class ExecutionActionHandler(FaasHandler):
    @web.authenticated
    async def post(self, eid: str, action: str):
        await self.services_ready()
        if action == "rerun":
            self.send(await self.call(lambda ws: views.execution(ws.executions.get(eid).rerun(wait=False))),
                      status=201)
        else:
            self.send(await self.call(_terminate, eid))


ROUTES = [
    (r"executions", ExecutionsHandler),
    (r"executions/changes", ExecutionChangesHandler),  # before executions/{id}
    (r"executions/([^/]+)",
     reader("ExecutionHandler", lambda ws, eid: views.execution(ws.executions.get(eid)))),
    (r"executions/([^/]+)/logs",
     reader("LogsHandler", lambda ws, eid: ws.executions.get(eid).log_records())),
    (r"executions/([^/]+)/(rerun|terminate)", ExecutionActionHandler),
    (r"datasets", reader("DatasetsHandler", lambda ws: [d.to_json() for d in ws.datasets.list()])),
    (r"datasets/([^/]+)/items",
     reader("DatasetItemsHandler", lambda ws, name: [i.to_json() for i in ws.datasets.get(name).items])),
    (r"items/([^/]+)", reader("ItemHandler", lambda ws, item_id: ws.items.get(item_id).to_json())),
    (r"items/([^/]+)/preview",
     reader("PreviewHandler", lambda ws, item_id: views.preview(ws.items.get(item_id)))),
]
