"""A real ``jupyter server`` subprocess with faas_jupyter and a token-per-user IdentityProvider.

``live`` (module scope: one server for a test module) starts it on a fresh FAAS_HOME whose
project "default" is owned by ``owner`` (the server's own user) with members ``dev``
(developer), ``mgr`` (annotationManager) and ``ann`` (annotator); ``eve`` can log in but is
no member. ``live.call(method, path, user=...)`` sends ``Authorization: token tok-<user>``;
``user=None`` sends the server's shared token (an anonymous Jupyter user).
"""
from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SHARED_TOKEN = "shared-token-of-the-server"
USERS = {"dev": "developer", "mgr": "annotationManager", "ann": "annotator"}
LOGINS = ("owner", *USERS, "eve")
SERVICE_CODE = '''
from faas_jupyter import BaseServiceRunner


class ServiceRunner(BaseServiceRunner):
    def add(self, x: int, y: int = 10):
        print(f"adding {x} and {y}")
        return x + y

    def peek(self, item):
        return item.id

    def slow(self, seconds: float = 30):
        import time
        for _ in range(int(seconds * 100)):
            self.kill_event()
            time.sleep(0.01)
'''


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Live:
    """The running server: ``call`` speaks HTTP to it; ``ws`` is the owner's workspace."""

    def __init__(self, port: int, ws, log: Path):
        self.port, self.ws, self.log = port, ws, log

    def call(self, method: str, path: str, user: str | None = None, body=None, raw: bytes | None = None,
             headers: dict | None = None, query: dict | None = None, timeout: float = 60):
        """(status, JSON or bytes) of ``/faas/api/<path>``; ``body`` is sent as JSON, ``raw`` as is."""
        token = SHARED_TOKEN if user is None else f"tok-{user}"
        head = {"Authorization": f"token {token}", **(headers or {})}
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        if data is None and method in ("POST", "PATCH"):
            data = b"{}"
        url = f"/faas/api/{path}" + (f"?{urlencode(query)}" if query else "")
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            # an iterable body goes out chunked (no Content-Length), as a streaming client sends it
            conn.request(method, url, body=data, headers=head, encode_chunked=not isinstance(data, (bytes, type(None))))
            r = conn.getresponse()
            payload = r.read()
        finally:
            conn.close()
        if "json" in (r.getheader("Content-Type") or ""):
            return r.status, json.loads(payload)
        return r.status, payload

    def final(self, eid: str, user: str | None = None, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            code, ex = self.call("GET", f"executions/{eid}", user=user)
            assert code == 200, ex
            if ex["status"] not in ("created", "in-progress"):
                return ex
            assert time.monotonic() < deadline, f"execution still {ex['status']}"
            time.sleep(0.1)


def _config(path: Path, home: Path, port: int) -> Path:
    cfg = {
        "ServerApp": {
            "port": port, "ip": "127.0.0.1", "open_browser": False, "allow_root": True,
            "root_dir": str(home), "allow_unauthenticated_access": False,
            "identity_provider_class": "faas_test_identity.TokenUsersIdentityProvider",
            "jpserver_extensions": {"faas_jupyter": True, "jupyter_server_terminals": False,
                                    "jupyterlab": False, "jupyter_lsp": False, "notebook_shim": False},
        },
        "TokenUsersIdentityProvider": {"token": SHARED_TOKEN, "users": {f"tok-{u}": u for u in LOGINS}},
        "FaasServer": {"db_url": str(home / "faas.db"), "artifacts": str(home / "artifacts"),
                       "home": str(home), "owner": "owner"},
    }
    path.write_text(json.dumps(cfg))
    return path


def _seed(home: Path):
    """Project "default" owned by ``owner``, with members, a package, a dataset and an item."""
    import pandas as pd

    from faas_jupyter.workspace import workspace
    ws = workspace(str(home / "faas.db"), artifacts=str(home / "artifacts"), user="owner", home=str(home))
    for user, role in USERS.items():
        ws.project.members.add(user, role=role)
    ws.packages.push(codebase={"main.py": SERVICE_CODE}, package_name="shapes", message="first")
    ws.datasets.create("raw")
    ws.items.log(pd.DataFrame({"a": [1, 2, 3]}), key="table", dataset="raw")
    ws.projects.create("other")  # a second project with an item of its own
    other = ws.as_user("owner")
    other.use_project("other")
    other.items.log({"secret": 1}, key="secret")
    return ws


def _wait_ready(proc: subprocess.Popen, port: int, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"jupyter server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/status", headers={"Authorization": f"token {SHARED_TOKEN}"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"jupyter server did not answer within {timeout:g} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    home = tmp_path_factory.mktemp("live")
    ws = _seed(home)
    port = _free_port()
    cfg = _config(home / "jupyter_server_config.json", home, port)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAAS_")}
    env.update(FAAS_HOME=str(home), FAAS_USER="owner", JUPYTER_CONFIG_DIR=str(home / "jupyter-config"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               PYTHONPATH=os.pathsep.join([str(ROOT), str(HERE), env.get("PYTHONPATH", "")]))
    log = home / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "jupyter_server", f"--config={cfg}"],
                                env=env, stdout=out, stderr=subprocess.STDOUT, cwd=str(home))
    try:
        _wait_ready(proc, port, log)
        yield Live(port, ws, log)
    finally:
        proc.terminate()  # SIGTERM: the server stops its worker processes on the way out
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        ws.close()
