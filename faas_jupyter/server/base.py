"""``FaasHandler``: the thin base of every REST handler.

Each verb is ``@tornado.web.authenticated`` (403 without a token or session cookie;
jupyter_server checks the XSRF token of cookie-authenticated writes). The acting
user is the one Jupyter's IdentityProvider authenticated, and ``prepare`` checks that
this user is a member of the project (403 otherwise, before the body is read or any
name looked up), so a new route cannot forget it. The acting user's workspace does all
the work, on the thread pool. Our errors become JSON ``{"message": ...}``:
ValidationError 400, PermissionDenied 403, NotFound 404, Conflict 409 (any other
FaasError 400), a body over ``FaasServer.max_body_bytes`` 413.

Bodies are streamed in (``stream_request_body``) so an oversized one is counted and
dropped, never held in memory; JSON must be UTF-8 with finite numbers only.
"""
from __future__ import annotations

import asyncio
import json
import math
from typing import Any, Callable

from jupyter_server.base.handlers import APIHandler
from tornado import web
from tornado.web import HTTPError

from faas_jupyter.commands import COMMANDS
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


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 parses to inf
        raise ValueError(f"{text} is not a finite number")
    return value


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def parse_json(body: bytes) -> Any:
    """A request body as JSON: UTF-8 text, finite numbers (no NaN/Infinity); else a 400."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"the request body is not UTF-8 text (byte {exc.start}); send JSON "
                            "encoded as UTF-8") from None
    try:
        return json.loads(text, parse_float=_finite, parse_constant=_no_constant)
    except ValueError as exc:
        raise ApiError(400, f"the request body is not valid JSON: {exc}") from None


@web.stream_request_body
class FaasHandler(APIHandler):
    """Base handler: ``await self.call(fn, ...)`` runs ``fn(ws, ...)`` for the acting user."""

    _chunks: list
    _received = 0
    _too_large = False

    async def prepare(self) -> None:
        self._chunks = []
        await super().prepare()  # authentication (current_user) and the XSRF check
        if self.current_user is not None:  # anonymous requests get 403 from @web.authenticated
            await self._check_member()
        declared = self.request.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.faas.max_body_bytes:
            self._too_large = True  # answered after the body is drained (a clean 413 for the client)

    def data_received(self, chunk: bytes) -> None:
        self._received += len(chunk)
        if self._received > self.faas.max_body_bytes:
            self._too_large, self._chunks = True, []
        elif not self._too_large:
            self._chunks.append(chunk)

    def _check_size(self) -> None:
        if self._too_large:
            limit = self.faas.max_body_bytes
            raise ApiError(413, f"the request body is larger than {limit} bytes "
                                f"({limit / 2**20:g} MB); send less, or raise c.FaasServer.max_body_bytes")

    @property
    def faas(self):
        return self.settings["faas"]

    @property
    def user_name(self) -> str:
        return self.faas.acting_user(self.current_user)

    async def _check_member(self) -> None:
        """403 unless the acting user is a member of the project: on every route, before the
        body is read or any name looked up (a handler cannot forget it)."""
        user, action = self.user_name, f"{self.request.method} {self.request.path}"
        try:
            await self.faas.run(lambda: self.faas.workspace_for(user).check_member(action))
        except FaasError as exc:
            raise ApiError(http_status(exc), str(exc)) from None

    async def call(self, fn: Callable[..., Any], *args, **kwargs) -> Any:
        """``fn(workspace, *args, **kwargs)`` off the event loop; FaasError -> HTTP status."""
        self._check_size()
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
        except Exception as exc:  # logged at start; the request goes on
            self.log.debug("faas_jupyter: service restart had failed: %s", exc)

    def get_json_body(self) -> Any:
        """jupyter_server's name for the parsed body (streamed here: ``request.body`` stays empty)."""
        self._check_size()
        raw = b"".join(self._chunks).strip()
        return parse_json(raw) if raw else None

    def body(self) -> dict:
        """The JSON object of the request body (400 when it is not an object, 413 when too big)."""
        data = self.get_json_body()
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


def command_json(name: str, *params: str) -> Callable[..., Any]:
    """``fn(ws, *url_groups)``: the command ``name`` run with the URL's groups as its arguments
    ``params``, answered in its JSON form (the route and ``faas NAME --json`` agree)."""
    cmd = COMMANDS[name]

    def run(ws: Any, *groups: str) -> Any:
        return cmd.json(cmd(ws, **dict(zip(params, groups))))
    return run


def reader(name: str, fn: Callable[..., Any]) -> type[FaasHandler]:
    """A handler whose GET answers ``fn(ws, *url_groups)`` as JSON (most routes are just that)."""

    class Reader(FaasHandler):
        @web.authenticated
        async def get(self, *groups: str):
            self.send(await self.call(fn, *groups))

    Reader.__name__ = Reader.__qualname__ = name
    return Reader
