"""A service on a real Dask cluster survives worker loss: no single copy of it lives anywhere,
a lost attempt is counted (and retried within max_attempts, else system-failure naming the
worker); `in-progress` and logs arrive while the body runs; `concurrency` holds cluster-wide;
requirements are installed or checked at deploy."""
from __future__ import annotations

import os
import re
import signal
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import cluster_svc as cs  # noqa: E402
from real_parts import need  # noqa: E402

need("distributed", "dask")

import faas_jupyter as faas  # noqa: E402
from faas_jupyter.errors import FaasError  # noqa: E402

faas.workspace  # resolve the function before cluster_svc's import of the package shadows it


def until(check, what: str, timeout: float = 60.0):
    from faas_jupyter.errors import NotFound
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = check()
        except NotFound:  # not in the store yet (written within the recorder's delay)
            value = None
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def running_pid(ws, ex) -> int | None:
    """The worker pid an execution printed (its logs stream while it runs)."""
    found = re.search(r"pid (\d+)", ws.executions.get(ex.id).logs())
    return int(found.group(1)) if found else None


def address_of(cluster, pid: int) -> str:
    return next(a for a, p in cluster.worker_pids.items() if p == pid)


def test_in_progress_and_logs_are_recorded_while_the_body_runs(lws, dask_cluster, tmp_path):
    svc = lws.packages.get("scalepkg").deploy(service_name="live", runtime="dask",
                                              scheduler=dask_cluster.address, shared_filesystem=True)
    marker = tmp_path / "go"
    ex = svc.execute("block", {"x": 1, "marker": str(marker)}, wait=False)
    other = faas.workspace(lws.settings.db_url, user="tester", home=str(tmp_path / "h2"))
    # another process sees it in the store: in-progress, with its first line, before it ends
    seen = until(lambda: (lambda e: e.status == "in-progress" and "begin 1" in e.logs() and e)(
        other.executions.get(ex.id)), "in-progress + the first log line in the store")
    assert seen.started_at is not None and "end 1" not in seen.logs()
    marker.touch()
    done = ex.wait(60)
    assert done.status == "success" and cs.statuses(done) == ["created", "in-progress", "success"]
    assert done.logs() == f"begin 1 pid {done.output}\nend 1\n"


def test_a_worker_killed_mid_map_costs_an_attempt_and_the_map_completes(lws, fresh_cluster, tmp_path):
    svc = lws.packages.get("scalepkg").deploy(service_name="tough", runtime="dask", max_attempts=2,
                                              concurrency=2, scheduler=fresh_cluster.address,
                                              shared_filesystem=True)
    marker = tmp_path / "go"
    started = [svc.execute("block", {"x": i, "marker": str(marker)}, wait=False) for i in range(6)]
    pids = until(lambda: (lambda p: len(p) == 2 and p)({running_pid(lws, e) for e in started} - {None}),
                 "both workers running a call")
    victim = pids.pop()
    victim_address = address_of(fresh_cluster, victim)
    lost = [e for e in started if running_pid(lws, e) == victim]
    os.kill(victim, signal.SIGKILL)
    time.sleep(1.0)  # let the scheduler notice before the rest may end
    marker.touch()
    done = [e.wait(120) for e in started]
    assert [e.status for e in done] == ["success"] * 6
    for e in done:
        if e.id in {x.id for x in lost}:
            assert e.attempts == 2 and e.output != victim
            failed = [s for s in e.status_log if s["status"] == "failed"]
            assert len(failed) == 1 and victim_address in failed[0]["message"]
            assert "attempt 1 of 2 failed" in failed[0]["message"]
        else:
            assert e.attempts == 1
    # the service keeps working on the worker left: 5 of 5
    assert [svc.execute("add", {"x": i}).status for i in range(5)] == ["success"] * 5


def test_killing_the_worker_that_ran_the_first_call_leaves_the_service_working(lws, fresh_cluster):
    svc = lws.packages.get("scalepkg").deploy(service_name="again", runtime="dask",
                                              scheduler=fresh_cluster.address, shared_filesystem=True)
    first = svc.execute("pid")
    os.kill(first.output, signal.SIGKILL)
    after = [svc.execute("pid") for _ in range(5)]
    assert [e.status for e in after] == ["success"] * 5
    assert {e.output for e in after} == set(fresh_cluster.worker_pids.values()) - {first.output}


def test_with_no_attempt_left_a_lost_worker_is_a_system_failure_naming_it(lws, fresh_cluster, tmp_path):
    svc = lws.packages.get("scalepkg").deploy(service_name="once", runtime="dask",
                                              scheduler=fresh_cluster.address, shared_filesystem=True)
    ex = svc.execute("block", {"x": 1, "marker": str(tmp_path / "never")}, wait=False)
    victim = until(lambda: running_pid(lws, ex), "the call to start")
    os.kill(victim, signal.SIGKILL)
    done = ex.wait(120)
    assert done.status == "system-failure" and done.attempts == 1
    assert address_of(fresh_cluster, victim) in done.error and "was lost" in done.error


def test_terminate_stops_a_running_body_at_kill_event(lws, dask_cluster, tmp_path):
    svc = lws.packages.get("scalepkg").deploy(service_name="stoppable", runtime="dask",
                                              scheduler=dask_cluster.address, shared_filesystem=True)
    marker = tmp_path / "stopped"
    ex = svc.execute("spin", {"marker": str(marker)}, wait=False)
    until(lambda: running_pid(lws, ex), "the body to start")
    assert ex.terminate() is True
    assert ex.wait(60).status == "terminated"
    until(marker.exists, "the body on the worker to stop")
    assert svc.execute("add", {"x": 3}).output == 3  # the worker's thread is free again


def test_concurrency_holds_across_the_cluster(lws, dask_cluster):
    svc = lws.packages.get("scalepkg").deploy(service_name="one", runtime="dask", concurrency=1,
                                              scheduler=dask_cluster.address, shared_filesystem=True)
    spans = sorted(e.output for e in svc.map("span", [{"seconds": 0.3}] * 4, progress=False))
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), spans
    wide = lws.packages.get("scalepkg").deploy(service_name="two", runtime="dask", concurrency=2,
                                               scheduler=dask_cluster.address, shared_filesystem=True)
    spans = sorted(e.output for e in wide.map("span", [{"seconds": 0.5}] * 4, progress=False))
    assert any(a[1] > b[0] for a, b in zip(spans, spans[1:])), spans  # two ran side by side


def test_requirements_are_installed_on_the_workers_or_checked(lws, dask_cluster):
    cs.push(lws, "reqpkg", requirements=["pytest", {"name": "faas-no-such-requirement", "version": "1.0"}])
    with pytest.raises(FaasError) as err:
        lws.packages.get("reqpkg").deploy(service_name="checked", runtime="dask", install_requirements=False,
                                          scheduler=dask_cluster.address, shared_filesystem=True)
    assert "faas-no-such-requirement==1.0" in str(err.value) and "pytest" not in str(err.value)
    assert "install_requirements=True" in str(err.value) and "checked" not in lws.services
    cs.push(lws, "okpkg", requirements=["pytest"])
    svc = lws.packages.get("okpkg").deploy(service_name="installed", runtime="dask",
                                           scheduler=dask_cluster.address, shared_filesystem=True)
    assert svc.execute("add", {"x": 2}).output == 2
