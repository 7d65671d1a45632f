"""``FaasHandler``: the thin base of every REST handler.

Each verb is ``@tornado.web.authenticated`` (403 without a token or session cookie;
jupyter_server checks the XSRF token of cookie-authenticated writes). The acting
user's workspace does all the work, on the thread pool. Our errors become JSON
``{"message": ...}``: ValidationError 400, PermissionDenied 403, NotFound 404,
Conflict 409 (any other FaasError 400).
"""
from __future__ import annotations

import asyncio
import json
from typing import Any, Callable

from jupyter_server.base.handlers import APIHandler
from tornado import web
from tornado.web import HTTPError

from faas_jupyter.errors import Conflict, FaasError, NotFound, PermissionDenied, ValidationError

STATUS = ((ValidationError, 400), (PermissionDenied, 403), (NotFound, 404), (Conflict, 409), (FaasError, 400))


def http_status(exc: FaasError) -> int:
    return next(code for cls, code in STATUS if isinstance(exc, cls))


class ApiError(HTTPError):
    """An HTTP error whose JSON ``message`` is given verbatim (no %-formatting)."""

    def __init__(self, status: int, message: str):
        super().__init__(status)
        self.message = message

    def __str__(self) -> str:
        return f"HTTP {self.status_code}: {self.message}"


class FaasHandler(APIHandler):
    """Base handler: ``await self.call(fn, ...)`` runs ``fn(ws, ...)`` for the acting user."""

    @property
    def faas(self):
        return self.settings["faas"]

    @property
    def user_name(self) -> str:
        return self.faas.acting_user(self.current_user)

    async def call(self, fn: Callable[..., Any], *args, **kwargs) -> Any:
        """``fn(workspace, *args, **kwargs)`` off the event loop; FaasError -> HTTP status."""
        user = self.user_name

        def work():
            return fn(self.faas.workspace_for(user), *args, **kwargs)
        try:
            return await self.faas.run(work)
        except FaasError as exc:
            raise ApiError(http_status(exc), str(exc)) from None

    async def services_ready(self) -> None:
        """Wait until the stored services were started again (at server start)."""
        try:
            await asyncio.wrap_future(self.faas.ready)
        except Exception as exc:  # noqa: BLE001 (logged at start; the request goes on)
            self.log.debug("faas_jupyter: service restart had failed: %s", exc)

    def body(self) -> dict:
        """The JSON object of the request body (400 when it is not an object)."""
        data = self.get_json_body() if self.request.body else {}
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise ApiError(400, f"the request body must be a JSON object, not {type(data).__name__}")
        return data

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = (kwargs.get("exc_info") or (None, None))[1]
        if not isinstance(exc, ApiError):
            return super().write_error(status_code, **kwargs)
        self.log.info("faas_jupyter: %s %s -> %d: %s", self.request.method, self.request.path,
                      status_code, exc.message)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"message": exc.message}))

    def send(self, data: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data, default=str))


def reader(name: str, fn: Callable[..., Any]) -> type[FaasHandler]:
    """A handler whose GET answers ``fn(ws, *url_groups)`` as JSON (most routes are just that)."""

    class Reader(FaasHandler):
        @web.authenticated
        async def get(self, *groups: str):
            self.send(await self.call(fn, *groups))

    Reader.__name__ = Reader.__qualname__ = name
    return Reader
