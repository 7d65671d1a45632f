"""pytest-jupyter setup: a real ServerApp with the faas_jupyter extension and auth on.

``pytest_plugins`` is only allowed in the top-level conftest, and this plugin is
wanted here only, so its fixtures (``jp_fetch``, ``jp_serverapp`` ...) are imported.
Requests are token-authenticated (the shared token acts as the server's owner,
FAAS_USER=tester); the header ``X-Test-User`` makes a request act as a named
Jupyter user instead, to test roles. Authentication itself stays the real one.
"""
from __future__ import annotations

import json
import time

import pytest
from jupyter_server.auth import IdentityProvider, User
from pytest_jupyter.jupyter_server import *  # noqa: F401,F403

from faas_jupyter.workspace import workspace

SERVICE_CODE = '''
import logging
import pandas as pd
from faas_jupyter import BaseServiceRunner


class ServiceRunner(BaseServiceRunner):
    def __init__(self, scale: int = 1):
        self.scale = scale

    def add(self, x: int, y: int = 10):
        print(f"adding {x} and {y}")
        return (x + y) * self.scale

    def table(self, n: int) -> pd.DataFrame:
        logging.getLogger("shapes").warning("making %d rows", n)
        return pd.DataFrame({"a": list(range(n)), "b": [i / 2 for i in range(n)]})

    def slow(self, seconds: float = 30):
        import time
        time.sleep(seconds)
'''


class HeaderIdentityProvider(IdentityProvider):
    """The real token/cookie check; an authenticated request may then name its user."""

    async def get_user(self, handler):
        user = await self._get_user(handler)
        name = handler.request.headers.get("X-Test-User")
        return User(username=name) if user is not None and name else user


@pytest.fixture
def jp_server_config(tmp_home):
    return {"ServerApp": {"jpserver_extensions": {"faas_jupyter": True, "jupyter_server_terminals": False},
                          "allow_unauthenticated_access": False,
                          "identity_provider_class": HeaderIdentityProvider}}


@pytest.fixture
def ws(tmp_home):
    """The owner's workspace on the server's store (FAAS_HOME in tmp)."""
    return workspace()


@pytest.fixture
def pushed(ws, tmp_path):
    src = tmp_path / "shapes"
    src.mkdir()
    (src / "main.py").write_text(SERVICE_CODE)
    ws.packages.push(src, package_name="shapes", message="first")
    (src / "notes.txt").write_text("second revision\n")
    return ws.packages.push(src, package_name="shapes", message="second")


@pytest.fixture
def api(jp_fetch, jp_serverapp):
    """``await api("GET", "packages", user=None, body=None, **query)`` -> (status, JSON)."""
    from tornado.httpclient import HTTPClientError

    async def call(method, *path, user=None, body=None, **query):
        kw = {"method": method, "params": query or None}
        if body is not None or method in ("POST", "PATCH"):
            kw["body"] = json.dumps(body if body is not None else {})
        if user:
            kw["headers"] = {"X-Test-User": user}
        try:
            r = await jp_fetch("faas", "api", *path, **kw)
        except HTTPClientError as e:
            return e.code, json.loads(e.response.body)
        ctype = r.headers.get("Content-Type", "")
        return r.code, (json.loads(r.body) if "json" in ctype else r.body)
    yield call
    jp_serverapp.web_app.settings["faas"].stop()


@pytest.fixture
def final(api):
    """``await final(execution_id)``: poll ``executions/{id}`` until it ends."""
    import asyncio

    async def wait(eid: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            code, ex = await api("GET", "executions", eid)
            assert code == 200, ex
            if ex["status"] not in ("created", "in-progress"):
                return ex
            assert time.monotonic() < deadline, f"execution still {ex['status']}"
            await asyncio.sleep(0.1)
    return wait
