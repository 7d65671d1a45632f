"""One service, one home (issue 12 item 2), with real OS processes over one registry:
executions submitted elsewhere are queued and run by the service's home at its current
revision; update/pause/delete in one process are seen by the other's next execution;
``faas serve`` hosts process services; a SIGKILLed host's rows follow on_reset once its
lease expired."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).parent))
import svc_codebase as cb  # noqa: E402
from svc_lifecycle import stop_all  # noqa: E402

import faas_jupyter as faas  # noqa: E402
from faas_jupyter.errors import Conflict  # noqa: E402
from faas_jupyter.store.schema import executions, hosts  # noqa: E402
from faas_jupyter.workspace import _runtime_bridge as bridge  # noqa: E402

# another process on the registry: runs one JSON command per stdin line, answers one JSON line
SUBMITTER = textwrap.dedent("""
    import json, sys
    import faas_jupyter as faas
    from faas_jupyter.errors import FaasError
    ws = faas.workspace(sys.argv[1], artifacts=sys.argv[2], user="tester", home=sys.argv[3])
    for line in sys.stdin:
        cmd = json.loads(line)
        try:
            svc = ws.services.get(cmd["service"])
            if cmd["op"] == "start":
                out = {"id": svc.execute(cmd["function"], cmd.get("input") or {}, wait=False).id}
            elif cmd["op"] == "terminate":
                ex = ws.executions.get(cmd["id"])
                out = {"asked": ex.terminate(), "status": str(ws.executions.get(cmd["id"]).status)}
            elif cmd["op"] == "execute":
                ex = svc.execute(cmd["function"], cmd.get("input") or {})
                out = {"status": str(ex.status), "output": ex.output, "revision": ex.revision,
                       "error": ex.error, "id": ex.id}
            elif cmd["op"] == "update":
                svc.update(revision=cmd["revision"], quiet=True)
                out = {"revision": svc.revision}
            else:
                getattr(svc, cmd["op"])()
                out = {}
        except FaasError as exc:
            out = {"raised": type(exc).__name__, "message": str(exc)}
        print(json.dumps(out), flush=True)
""")


class Other:
    """The submitting process: ``other("execute", service=..., function=...)``."""

    def __init__(self, db, art, home, env=None):
        self.proc = subprocess.Popen([sys.executable, "-c", SUBMITTER, db, art, home], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=env)

    def __call__(self, op: str, **cmd) -> dict:
        self.proc.stdin.write(json.dumps({"op": op, **cmd}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, "the other process died"
        return json.loads(line)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(30)


@pytest.fixture
def pg(postgres_url, tmp_path, tmp_home):
    art, home = str(tmp_path / "art"), str(tmp_path / "home")
    ws = faas.workspace(postgres_url, artifacts=art, user="tester", home=home)
    yield ws, (postgres_url, art, home)
    stop_all()
    ws.close()


@pytest.mark.postgres
@pytest.mark.parametrize("runtime", ["kernel", "process"])
def test_update_and_pause_in_one_process_are_seen_by_the_others_next_execution(pg, runtime):
    ws, where = pg
    svc = cb.push(ws, "1").deploy(service_name="calc", runtime=runtime)  # home: this process
    other = Other(*where)
    try:
        got = other("execute", service="calc", function="version")  # queued, run by the home
        assert (got["status"], got["output"], got["revision"]) == ("success", "1", "1.0.0")
        cb.push(ws, "2")
        assert other("update", service="calc", revision="1.0.1") == {"revision": "1.0.1"}
        got = other("execute", service="calc", function="version")
        assert (got["output"], got["revision"]) == ("2", "1.0.1")  # the recorded revision ran
        ex = svc.execute("version")  # the stale object: the home runs the current revision
        assert (ex.output, ex.revision) == ("2", "1.0.1")
        cb.push(ws, "3")
        ws.services.get("calc").update(revision="1.0.2", quiet=True)
        got = other("execute", service="calc", function="version")
        assert (got["output"], got["revision"]) == ("3", "1.0.2")
        assert other("pause", service="calc") == {}
        with pytest.raises(Conflict, match="paused"):
            svc.execute("version")
        assert other("execute", service="calc", function="version")["raised"] == "Conflict"
        other("resume", service="calc")
        assert svc.execute("add", {"x": 1}).output == 11
        other("delete", service="calc")
        with pytest.raises(Exception, match="deleted|no service"):
            svc.execute("version")
    finally:
        other.close()


def _serve(where, project_env: dict | None = None) -> subprocess.Popen:
    db, art, home = where
    env = {**os.environ, **(project_env or {})}  # default heartbeat: adoption must not wait for it
    proc = subprocess.Popen([sys.executable, "-m", "faas_jupyter.cli", "--db", db, "--artifacts", art,
                             "--home", home, "--user", "tester", "serve"],
                            stdout=subprocess.PIPE, text=True, env=env)
    ready = proc.stdout.readline()
    assert ready.startswith("faas serve: hosting project 'default'"), ready
    return proc


def _until(fn, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _owner_of(ws, eid: str) -> dict:
    with ws.store.connect() as conn:
        owner = conn.scalar(select(executions.c.owner).where(executions.c.id == eid))
        return dict(conn.execute(select(hosts).where(hosts.c.id == owner)).mappings().first())


@pytest.fixture
def sq(tmp_path, tmp_home):
    where = (str(tmp_path / "faas.db"), str(tmp_path / "art"), str(tmp_path / "home"))
    ws = faas.workspace(where[0], artifacts=where[1], user="tester", home=where[2])
    ws.project  # noqa: B018 (create "default" before the serve processes race to)
    yield ws, where
    stop_all()
    ws.close()


def test_faas_serve_hosts_process_services_and_runs_what_others_queue(sq):
    ws, where = sq
    first = _serve(where)
    second = None
    try:
        svc = cb.push(ws).deploy(service_name="p", runtime="process")  # a live host takes it
        assert bridge.get_running(svc.id) is None
        ex = svc.execute("add", {"x": 1})
        assert (str(ex.status), ex.output) == ("success", 11)
        assert (_owner_of(ws, ex.id)["kind"], _owner_of(ws, ex.id)["pid"]) == ("serve", first.pid)
        second = _serve(where)  # a second host leaves a service with a live home alone
        assert _owner_of(ws, svc.execute("add", {"x": 2}).id)["pid"] == first.pid
        first.send_signal(signal.SIGTERM)  # a clean stop gives the service up ...
        assert first.wait(30) == 0
        _until(lambda: svc.execute("add", {"x": 3}) and
               _owner_of(ws, svc.execute("add", {"x": 3}).id)["pid"] == second.pid,
               "the second host to adopt the service")  # ... and the other host adopts it
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()


@pytest.mark.postgres
@pytest.mark.parametrize("on_reset", ["failed", "rerun"])
def test_a_sigkilled_hosts_rows_follow_on_reset_once_its_lease_expired(pg, tmp_path, on_reset):
    ws, where = pg
    ws.project  # noqa: B018
    # "another machine": its pid cannot be checked from here, only its lease tells
    host = _serve(where, {"FAAS_HOSTNAME": "elsewhere", "FAAS_LEASE_SECONDS": "3"})
    try:
        svc = cb.push(ws).deploy(service_name="p", runtime="process", on_reset=on_reset)
        ex = svc.execute("stall_once", {"marker": str(tmp_path / "marker")}, wait=False)
        _until(lambda: str(ws.executions.get(ex.id).status) == "in-progress", "the host to run it")
    finally:
        host.kill()
        host.wait()
    settled = _until(lambda: (e := ws.executions.get(ex.id)) and str(e.status) != "in-progress" and e,
                     "the row to be settled after the lease")
    message = settled.status_log[-1]["message"]
    assert "serve pid" in message and "on elsewhere" in message and "lease expired" in message
    assert "while the execution was in-progress" in message
    if on_reset == "failed":
        assert str(settled.status) == "failed" and "on_reset=failed" in settled.error
    else:
        assert str(settled.status) == "created" and "on_reset=rerun" in message
        assert svc.execute("add", {"x": 1}).output == 11  # this process adopts the service ...
        again = ws.executions.get(ex.id).wait(60)         # ... and runs the requeued row
        assert (str(again.status), again.output) == ("success", "ok")


@pytest.mark.postgres
def test_another_process_terminates_a_running_execution_and_cancels_a_queued_one(pg):
    ws, where = pg
    svc = cb.push(ws).deploy(service_name="calc")  # home: this process
    other = Other(*where)
    try:
        eid = other("start", service="calc", function="loop")["id"]
        _until(lambda: str(ws.executions.get(eid).status) == "in-progress", "the home to run it")
        assert other("terminate", service="calc", id=eid)["asked"] is True
        ex = ws.executions.get(eid).wait(30)
        assert str(ex.status) == "terminated"
        _until(lambda: any("terminate requested by tester" in (e["message"] or "")  # once written
                           for e in ws.executions.get(eid).status_log), "the request in the status log")
        bridge.stop(svc.id)  # still its home, but not running it: what others submit waits
        queued = other("start", service="calc", function="add", input={"x": 1})["id"]
        got = other("terminate", service="calc", id=queued)
        assert got == {"asked": True, "status": "canceled"}
        assert "terminated by tester" in ws.executions.get(queued).error
    finally:
        other.close()
