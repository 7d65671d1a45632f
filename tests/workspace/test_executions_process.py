"""svc.execute in the process runtime (one warm service per module), and on_reset in both
runtimes: a real owner process is SIGKILLed mid-execution and the next start settles it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import svc_codebase as cb  # noqa: E402

import faas_jupyter as faas  # noqa: E402

faas.workspace  # resolve the function before the package import shadows it (reported)
from faas_jupyter.workspace import _runtime_bridge as bridge  # noqa: E402


@pytest.fixture(scope="module")
def pws(tmp_path_factory):
    base = tmp_path_factory.mktemp("proc")
    ws = faas.workspace(str(base / "faas.db"), artifacts=str(base / "artifacts"), user="tester",
                        home=str(base / "home"))
    cb.push(ws)
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def psvc(pws):
    svc = pws.packages.get("svcpkg").deploy(service_name="proc", runtime="process", concurrency=2,
                                           execution_timeout=1.5, max_attempts=2)
    bridge.get_running(svc.id).runtime.config.terminate_grace = 0.5
    yield svc
    bridge.stop(svc.id)


statuses = cb.statuses


def test_a_call_runs_in_a_worker_process_with_its_record(pws, psvc):
    ex = psvc.execute("add", {"x": 1, "y": 2})
    assert (str(ex.status), ex.output, statuses(ex)) == ("success", 3, ["created", "in-progress", "success"])
    assert pws.executions.get(ex.id).output == 3


def test_an_item_output_is_packed_in_the_worker(pws, psvc):
    ex = psvc.execute("frame", {"n": 3})
    assert str(ex.status) == "success" and list(ex.get_output()["a"]) == [0, 1, 2]
    assert psvc.execute("rows", {"table": ex.output["item_id"]}).output == 3


@pytest.mark.parametrize(("function", "inputs", "error"), [
    ("boom", {}, "ValueError: bad thing"),
    ("leave", {}, "sys.exit(3)"),
    ("segfault", {}, "worker process died (signal SIGSEGV)"),
    ("hang", {}, "timed out after 1.5 s"),
    ("unpicklable", {}, "PackingError"),
])
def test_the_five_fault_kinds_fail_that_execution_and_the_service_goes_on(pws, psvc, function, inputs, error):
    ex = psvc.execute(function, inputs)
    assert str(ex.status) == "failed", ex.error
    assert error in f"{ex.error_type}: {ex.error}"
    assert psvc.execute("add", {"x": 1}).output == 11


def test_retry_in_a_worker(pws, psvc, tmp_path):
    ex = psvc.execute("flaky", {"marker": str(tmp_path / "m")})
    assert (str(ex.status), ex.attempts, statuses(ex)) == (
        "success", 2, ["created", "in-progress", "failed", "in-progress", "success"])


def test_terminate_is_cooperative_then_forced(pws, psvc):
    for function in ("loop", "hang"):
        ex = psvc.execute(function, wait=False)
        deadline = time.monotonic() + 10
        while ex.refresh().status != "in-progress" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert ex.terminate()
        done = ex.wait(15)
        assert str(done.status) == "terminated", done.error
    assert psvc.execute("add", {"x": 2}).output == 12


def test_logs_of_concurrent_workers_never_mix(pws, psvc):
    exs = [psvc.execute("talk", {"tag": f"w{i}", "n": 10}, wait=False) for i in range(4)]
    for i, ex in enumerate(exs):
        ex.wait()
        assert ex.logs("stdout").splitlines() == [f"w{i} out {j}" for j in range(10)]
        assert ex.logs("stderr").splitlines() == [f"w{i} err {j}" for j in range(10)]


# -- on_reset: the owner process dies mid-execution -------------------------------------------
CHILD = textwrap.dedent("""
    import sys, time
    import faas_jupyter as faas
    ws = faas.workspace(sys.argv[1], artifacts=sys.argv[2], user="tester", home=sys.argv[3])
    svc = ws.services.get(sys.argv[4])
    ex = svc.execute("stall_once", {"marker": sys.argv[5]}, wait=False)
    from faas_jupyter.workspace import _runtime_bridge as bridge
    while ex.refresh().status != "in-progress":
        time.sleep(0.02)
    bridge.recorder_for(ws.store).flush()
    print(ex.id, flush=True)
    time.sleep(600)
""")


@pytest.mark.parametrize("runtime", ["kernel", "process"])
@pytest.mark.parametrize("on_reset", ["failed", "rerun"])
def test_on_reset_settles_executions_whose_process_went_away(tmp_path, runtime, on_reset):
    db, art, home = str(tmp_path / "faas.db"), str(tmp_path / "art"), str(tmp_path / "home")
    ws = faas.workspace(db, artifacts=art, user="tester", home=home)
    svc = cb.push(ws).deploy(service_name="r", runtime=runtime, on_reset=on_reset)
    svc.stop()  # this process gives the service up: the child becomes its home
    marker = str(tmp_path / "marker")
    child = subprocess.Popen([sys.executable, "-c", CHILD, db, art, home, "r", marker],
                             stdout=subprocess.PIPE, text=True)
    try:
        eid = child.stdout.readline().strip()
        assert eid, "the child did not start its execution"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    # reading it settles it (the owner's pid is gone on this machine: no need to wait for the lease)
    ex = ws.executions.get(eid)
    if on_reset == "failed":
        assert str(ex.status) == "failed" and "went away" in ex.error
        assert "while the execution was in-progress (on_reset=failed)" in ex.error
    else:
        assert str(ex.status) == "created" and "on_reset=rerun" in ex.status_log[-1]["message"]
        ws.services.get("r").execute("add", {"x": 1})  # this process adopts the service, claims the row
        ex = ws.executions.get(eid).wait(30)
        assert (str(ex.status), ex.output) == ("success", "ok")
    bridge.stop(svc.id)
    ws.close()
