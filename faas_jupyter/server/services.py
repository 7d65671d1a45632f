"""REST: services (deploy, update, pause, resume, delete) and execute.

Services deployed here run in this server's worker processes (``process``, the
default) or on Dask, never in the server's own process: ``kernel`` is refused.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from tornado import web

from faas_jupyter.errors import ValidationError
from faas_jupyter.model.entities import Service as ServiceModel
from faas_jupyter.server import views
from faas_jupyter.server.app import HOSTED_RUNTIMES
from faas_jupyter.server.base import FaasHandler, command_json, reader

if TYPE_CHECKING:
    from faas_jupyter.workspace import Workspace

# Service JSON keys a client may send; the read-only ones of a full Service JSON are ignored
_DEPLOY_FIELDS = {ServiceModel.json_key(f): f for f in (
    "name", "package", "module_name", "revision", "init_input", "runtime", "concurrency",
    "execution_timeout", "max_attempts", "on_reset", "scheduler", "shared_filesystem", "install_requirements")}
_UPDATE_FIELDS = {k: f for k, f in _DEPLOY_FIELDS.items() if f not in ("name", "package")}
_READ_ONLY = {"id", "project", "createdAt", "updatedAt", "creator", "active", "behind"}


def _fields(body: dict, allowed: dict[str, str], what: str) -> dict:
    """Body keys -> Python field names; unknown keys are a 400 naming the allowed ones."""
    unknown = sorted(set(body) - set(allowed) - _READ_ONLY)
    if unknown:
        raise ValidationError(f"{what}: unknown key(s) {', '.join(unknown)}; allowed: "
                              f"{', '.join(sorted(allowed))}", unknown[0])
    runtime = body.get("runtime")
    if runtime is not None and runtime not in HOSTED_RUNTIMES:
        raise ValidationError(f"runtime {runtime!r} cannot be hosted by the Jupyter server; use "
                              f"{' or '.join(HOSTED_RUNTIMES)} (kernel services are deployed from a "
                              "notebook)", "runtime")
    return {allowed[k]: v for k, v in body.items() if k in allowed}


def deploy(ws: Workspace, body: dict) -> dict:
    body = {"runtime": "process", **body}
    fields = _fields(body, _DEPLOY_FIELDS, "POST services")
    ServiceModel.from_json({k: v for k, v in body.items() if k in _DEPLOY_FIELDS})  # 400 before any work
    package, name = fields.pop("package"), fields.pop("name")
    if "revision" in fields:
        fields["revision"] = fields["revision"] or None  # "" or null: the latest
    svc = ws.packages.get(package).deploy(service_name=name, **fields)
    return views.service(svc)


def update(ws: Workspace, name: str, body: dict) -> dict:
    fields = _fields(body, _UPDATE_FIELDS, f"PATCH services/{name}")
    if not fields:
        raise ValidationError(f"PATCH services/{name}: nothing to change; send some of "
                              f"{', '.join(sorted(_UPDATE_FIELDS))}")
    return views.service(ws.services.get(name).update(quiet=True, **fields))


def execute(ws: Workspace, name: str, body: dict) -> dict:
    function, inputs = body.get("function", "run"), body.get("input", {})
    if not isinstance(function, str) or not function:
        raise ValidationError("'function' must be the name of a function of the service", "function")
    if not isinstance(inputs, dict):
        raise ValidationError(f"'input' must be an object of input values, not {type(inputs).__name__}",
                              "input")
    ex = ws.services.get(name).execute(function, inputs, wait=bool(body.get("wait", False)))
    return views.execution(ex)


class ServicesHandler(reader("ServicesReader", command_json("services"))):
    @web.authenticated
    async def post(self):
        body = self.body()
        await self.services_ready()
        self.send(await self.call(deploy, body), status=201)


class ServiceHandler(reader("ServiceReader", lambda ws, name: views.service(ws.services.get(name)))):
    @web.authenticated
    async def patch(self, name: str):
        body = self.body()
        await self.services_ready()
        self.send(await self.call(update, name, body))

    @web.authenticated
    async def delete(self, name: str):
        await self.services_ready()
        await self.call(lambda ws: ws.services.delete(name))
        self.send({"deleted": name})


class ServiceActionHandler(FaasHandler):
    @web.authenticated
    async def post(self, name: str, action: str):
        await self.services_ready()
        self.send(await self.call(command_json(action, "service"), name))


class ExecuteHandler(FaasHandler):
    @web.authenticated
    async def post(self, name: str):
        body = self.body()
        await self.services_ready()
        self.send(await self.call(execute, name, body), status=201)


ROUTES = [
    (r"services", ServicesHandler),
    (r"services/([^/]+)", ServiceHandler),
    (r"services/([^/]+)/(pause|resume)", ServiceActionHandler),
    (r"services/([^/]+)/execute", ExecuteHandler),
]
