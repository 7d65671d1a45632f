"""The extension's state: shared-token users act as the owner; on load, stored process
services start again in the server and executions a dead process left follow on_reset."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from jupyter_server.auth import User

# a notebook-side process: deploys a process service, starts a slow execution, dies hard
CRASH = textwrap.dedent("""
    import os, signal, sys, time
    from faas_jupyter.workspace import workspace
    ws = workspace()
    svc = ws.packages.get("shapes").deploy(service_name="slowsvc", runtime="process",
                                           on_reset=sys.argv[1])
    ex = svc.execute("slow", {"seconds": 3}, wait=False)
    reader = workspace()  # its own store object: sees only what reached the database
    def stored_status():
        try:
            return reader.executions.get(ex.id).status.value
        except LookupError:  # not written yet (the recorder flushes every 0.25 s)
            return None
    while stored_status() != "in-progress":
        time.sleep(0.05)
    print(ex.id, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
""")


@pytest.fixture(params=["failed", "rerun"])
def crashed(request, pushed, tmp_path):
    """The id of an execution left in-progress by a killed process, and the on_reset used."""
    out = subprocess.run([sys.executable, "-c", CRASH, request.param], capture_output=True, text=True,
                         timeout=120, env=os.environ.copy())
    assert out.returncode == -9, out.stderr
    return out.stdout.split()[0], request.param


async def test_on_load_services_come_back_and_left_executions_follow_on_reset(crashed, api, final):
    eid, on_reset = crashed
    ex = await final(eid)
    log = [(s["status"], s["message"] or "") for s in ex["statusLog"]]
    assert any("went away" in m and f"on_reset={on_reset}" in m for _, m in log), log
    if on_reset == "failed":
        assert ex["status"] == "failed" and "on_reset=failed" in ex["error"]
    else:  # run again by the server's own worker process, to the end
        assert (ex["status"], ex["output"]) == ("success", None)
    code, again = await api("POST", "services", "slowsvc", "execute",
                            body={"function": "add", "input": {"x": 2}, "wait": True})
    assert (code, again["status"], again["output"]) == (201, "success", 12)


def test_shared_token_users_act_as_the_owner(jp_serverapp):
    faas = jp_serverapp.web_app.settings["faas"]
    anonymous = User(username="0123456789abcdef0123456789abcdef", name="Anonymous Io")
    assert faas.acting_user(anonymous) == "tester"
    assert faas.acting_user(User(username="alice", name="Alice")) == "alice"
    assert faas.workspace_for("alice").store is faas.base.store  # one store for all users
    assert faas.workspace_for("alice").user == "alice"
    assert faas.workspace_for("alice").project.name == faas.base.project.name
    assert faas.workspace_for("alice") is faas.workspace_for("alice")  # cached per user
