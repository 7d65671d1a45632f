"""REST for the JupyterLab console and the sidebar's poll (``ws.console`` does the work).

- ``GET summary``: everything one sidebar tick shows (whoami, packages with their latest
  revision, services with drift, their triggers, the newest executions, datasets) in one request.
- ``GET console/executions``: a sorted, filtered page with the total (``limit``/``offset``).
- ``GET console/filters``, ``GET console/stats``: filter menus and chart aggregates.
- ``GET executions/{id}/log-lines?after=N``: lines after offset N (``next`` is the new offset).
- ``POST executions/{id}/rerun-with``: a rerun whose ``input`` replaces some of the old inputs.
- ``GET console/items``, ``GET items/{id}/lineage``: all items, searchable; where one came from.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import faas_jupyter
from tornado import web

from faas_jupyter.server import views
from faas_jupyter.errors import FaasError
from faas_jupyter.server.base import ApiError, FaasHandler, http_status
from faas_jupyter.server.executions import _int, _statuses
from faas_jupyter.workspace.console import ExecutionFilter, json_safe

if TYPE_CHECKING:
    from faas_jupyter.workspace import Workspace

PAGE = 50
MAX_PAGE = 500
SUMMARY_EXECUTIONS = 50
SUMMARY_TRIGGERS = 500  # the sidebar lists every service's triggers


class _Query(FaasHandler):
    def arg(self, name: str) -> str | None:
        return self.get_query_argument(name, None) or None

    def number(self, name: str, default: int, low: int, high: int) -> int:
        try:
            return _int(name, self.arg(name), default, low, high)
        except FaasError as exc:
            raise ApiError(http_status(exc), str(exc)) from None

    def execution_filter(self) -> ExecutionFilter:
        try:
            status = _statuses(self.get_query_arguments("status"))
        except FaasError as exc:
            raise ApiError(http_status(exc), str(exc)) from None
        return ExecutionFilter(service=self.arg("service"), function=self.arg("function"), status=status,
                               user=self.arg("user"), since=self.arg("since"), until=self.arg("until"))


def _summary(ws: Workspace, flt: ExecutionFilter, limit: int) -> dict:
    executions, total = ws.console.executions(flt, limit=limit)
    packages = []
    for p in ws.packages.list():
        packages.append({**p.to_json(), "latestRevision": p.version})
    return {"whoami": {"user": ws.user, "version": faas_jupyter.__version__, "project": ws.project.name,
                       "role": ws.project.role_of(ws.user)},
            "packages": packages,
            "services": [views.service(s) for s in ws.services.list()],
            "triggers": [t.to_json() for t in ws.triggers.list(limit=SUMMARY_TRIGGERS)],
            "executions": {"items": [views.execution(e) for e in executions], "total": total},
            "datasets": [d.to_json() for d in ws.datasets.list()]}


class SummaryHandler(_Query):
    @web.authenticated
    async def get(self):
        flt = self.execution_filter()
        limit = self.number("limit", SUMMARY_EXECUTIONS, 1, MAX_PAGE)
        self.send(await self.call(_summary, flt, limit))


class ConsoleExecutionsHandler(_Query):
    @web.authenticated
    async def get(self):
        flt, sort = self.execution_filter(), self.arg("sort") or "created"
        descending = (self.arg("order") or "desc") != "asc"
        limit, offset = self.number("limit", PAGE, 1, MAX_PAGE), self.number("offset", 0, 0, 10**9)

        def page(ws: Workspace):
            found, total = ws.console.executions(flt, sort=sort, descending=descending, limit=limit,
                                                 offset=offset)
            return {"items": [views.execution(e) for e in found], "total": total, "limit": limit,
                    "offset": offset}
        self.send(await self.call(page))


class FiltersHandler(_Query):
    @web.authenticated
    async def get(self):
        self.send(await self.call(lambda ws: {**ws.console.filter_values(),
                                              "itemTypes": ws.console.item_types()}))


class StatsHandler(_Query):
    @web.authenticated
    async def get(self):
        flt = self.execution_filter()
        self.send(await self.call(lambda ws: json_safe(ws.console.stats(flt))))


class LogLinesHandler(_Query):
    @web.authenticated
    async def get(self, eid: str):
        after, limit = self.number("after", 0, 0, 2**62), self.number("limit", 5000, 1, 5000)
        self.send(await self.call(lambda ws: ws.console.log_lines(eid, after, limit)))


class RerunWithHandler(FaasHandler):
    @web.authenticated
    async def post(self, eid: str):
        body = self.body()
        inputs = body.get("input", {})
        if not isinstance(inputs, dict):
            raise ApiError(400, f"'input' must be an object of input values, not {type(inputs).__name__}")
        await self.services_ready()
        self.send(await self.call(
            lambda ws: views.execution(ws.executions.get(eid).rerun(wait=False, input=inputs))), status=201)


class ConsoleItemsHandler(_Query):
    @web.authenticated
    async def get(self):
        args = {k: self.arg(k) for k in ("search", "dataset", "execution")}
        args["artifact_type"] = self.arg("type")
        limit, offset = self.number("limit", PAGE, 1, MAX_PAGE), self.number("offset", 0, 0, 10**9)

        def page(ws: Workspace):
            found, total = ws.console.items(**args, limit=limit, offset=offset)
            return {"items": found, "total": total, "limit": limit, "offset": offset}
        self.send(await self.call(page))


class LineageHandler(_Query):
    @web.authenticated
    async def get(self, item_id: str):
        def lineage(ws: Workspace):
            out = ws.console.lineage(item_id)
            produced = out["producedBy"]
            return {**out, "producedBy": views.execution(produced) if produced is not None else None,
                    "usedBy": [views.execution(e) for e in out["usedBy"]]}
        self.send(await self.call(lineage))


ROUTES = [
    (r"summary", SummaryHandler),
    (r"console/executions", ConsoleExecutionsHandler),
    (r"console/filters", FiltersHandler),
    (r"console/stats", StatsHandler),
    (r"console/items", ConsoleItemsHandler),
    (r"executions/([^/]+)/log-lines", LogLinesHandler),
    (r"executions/([^/]+)/rerun-with", RerunWithHandler),
    (r"items/([^/]+)/lineage", LineageHandler),
]
