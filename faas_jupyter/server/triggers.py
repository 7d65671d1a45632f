"""REST: triggers (list per project or service, get, create, update, delete, activate,
deactivate) and the executions a trigger started.

Bodies use the flat camelCase names of ``svc.triggers.create(...)``: ``name, function, type,
resource, actions, filter, executionMode, cron, startAt, endAt, input, catchUp, active``.
Answers are ``trigger.to_json()`` (Dataloop's shape plus ``lastFiredAt, nextFireAt, fireCount,
failureCount``). Who may change a trigger is the workspace's rule (owner or developer).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tornado import web

from faas_jupyter.errors import ValidationError
from faas_jupyter.server import views
from faas_jupyter.server.base import FaasHandler
from faas_jupyter.server.executions import DEFAULT_LIMIT, MAX_LIMIT, _int

if TYPE_CHECKING:
    from faas_jupyter.workspace import Workspace
    from faas_jupyter.workspace.triggers import Trigger

# body key -> keyword of svc.triggers.create / trigger.update
FIELDS = {"name": "name", "function": "function", "type": "type", "resource": "resource",
          "actions": "actions", "filter": "filter", "executionMode": "execution_mode", "cron": "cron",
          "startAt": "start_at", "endAt": "end_at", "input": "input", "catchUp": "catch_up",
          "active": "active"}
# keys of a full Trigger JSON a client may send back unchanged (ignored)
_READ_ONLY = {"id", "projectId", "spec", "lastFiredAt", "nextFireAt", "fireCount", "failureCount",
              "service", "createdAt", "updatedAt", "creator"}


def fields(body: dict[str, Any], what: str, allowed: dict[str, str] = FIELDS) -> dict[str, Any]:
    """Body keys -> keyword arguments; an unknown key is a 400 naming the allowed ones."""
    unknown = sorted(set(body) - set(allowed) - _READ_ONLY)
    if unknown:
        raise ValidationError(f"{what}: unknown key(s) {', '.join(unknown)}; allowed: "
                              f"{', '.join(sorted(allowed))}", unknown[0])
    return {allowed[k]: v for k, v in body.items() if k in allowed}


def create(ws: Workspace, service: str, body: dict[str, Any]) -> dict[str, Any]:
    kwargs = fields(body, f"POST services/{service}/triggers")
    function = kwargs.pop("function", "run")
    if not isinstance(function, str) or not function:
        raise ValidationError("'function' must be the name of a function of the service", "function")
    made: Trigger = ws.services.get(service).triggers.create(function, **kwargs)
    return made.to_json()


_UPDATE = {k: f for k, f in FIELDS.items() if k not in ("type",)}


def update(ws: Workspace, name: str, body: dict[str, Any]) -> dict[str, Any]:
    kwargs = fields(body, f"PATCH triggers/{name}", _UPDATE)
    if not kwargs:
        raise ValidationError(f"PATCH triggers/{name}: nothing to change; send some of "
                              f"{', '.join(sorted(_UPDATE))}")
    return ws.triggers.get(name).update(**kwargs).refresh().to_json()


def toggle(ws: Workspace, name: str, action: str) -> dict[str, Any]:
    trigger = ws.triggers.get(name)
    getattr(trigger, action)()  # activate | deactivate
    return trigger.refresh().to_json()


def delete(ws: Workspace, name: str) -> dict[str, Any]:
    trigger = ws.triggers.get(name)
    trigger.delete()
    return {"deleted": trigger.name, "id": trigger.id}


class _Paged(FaasHandler):
    def page(self) -> tuple[int, int]:
        q = self.get_query_argument
        return (_int("limit", q("limit", None), DEFAULT_LIMIT, 1, MAX_LIMIT),
                _int("offset", q("offset", None), 0, 0, 10**9))


class TriggersHandler(_Paged):
    """``GET triggers?service=&limit=&offset=``: ``{items, limit, offset, next}``."""

    @web.authenticated
    async def get(self) -> None:
        service = self.get_query_argument("service", None) or None

        def page(ws: Workspace) -> dict[str, Any]:
            limit, offset = self.page()
            found = ws.triggers.list(service=service, limit=limit + 1, offset=offset)
            more = len(found) > limit
            return {"items": [t.to_json() for t in found[:limit]], "limit": limit, "offset": offset,
                    "next": offset + limit if more else None}
        self.send(await self.call(page))


class ServiceTriggersHandler(FaasHandler):
    """``GET services/{name}/triggers`` (a list), ``POST`` one (201)."""

    @web.authenticated
    async def get(self, service: str) -> None:
        self.send(await self.call(lambda ws: [t.to_json() for t in ws.services.get(service).triggers.list()]))

    @web.authenticated
    async def post(self, service: str) -> None:
        body = self.body()
        await self.services_ready()
        self.send(await self.call(create, service, body), status=201)


class TriggerHandler(FaasHandler):
    @web.authenticated
    async def get(self, name: str) -> None:
        self.send(await self.call(lambda ws: ws.triggers.get(name).to_json()))

    @web.authenticated
    async def patch(self, name: str) -> None:
        body = self.body()
        self.send(await self.call(update, name, body))

    @web.authenticated
    async def delete(self, name: str) -> None:
        self.send(await self.call(delete, name))


class TriggerActionHandler(FaasHandler):
    @web.authenticated
    async def post(self, name: str, action: str) -> None:
        self.send(await self.call(toggle, name, action))


class TriggerExecutionsHandler(_Paged):
    """``GET triggers/{name}/executions?limit=``: the executions it started, newest first."""

    @web.authenticated
    async def get(self, name: str) -> None:
        def listing(ws: Workspace) -> list[dict[str, Any]]:
            limit, _ = self.page()
            return [views.execution(e) for e in ws.triggers.get(name).executions(limit=limit)]
        self.send(await self.call(listing))


ROUTES = [
    (r"triggers", TriggersHandler),
    (r"services/([^/]+)/triggers", ServiceTriggersHandler),
    (r"triggers/([^/]+)", TriggerHandler),
    (r"triggers/([^/]+)/(activate|deactivate)", TriggerActionHandler),
    (r"triggers/([^/]+)/executions", TriggerExecutionsHandler),
]
