from __future__ import annotations

import time

import pytest

from faas_jupyter.errors import FaasError
from faas_jupyter.runner.runtimes.process import ProcessRuntime
from faas_jupyter.runner.supervisor import MemoryRecorder, Supervisor


@pytest.fixture(scope="module")
def service(make_config):
    """One worker pool for the whole module: spawning costs ~0.1-0.5 s per worker."""
    config = make_config(execution_timeout=2.0, terminate_grace=0.5)
    runtime = ProcessRuntime()
    runtime.start(config)
    recorder = MemoryRecorder()
    yield Supervisor(runtime, recorder, 1, config.execution_timeout), recorder, runtime
    runtime.stop()


def test_a_call_runs_in_a_worker_with_logs_and_progress_streamed_back(service):
    sup, rec, runtime = service
    result = sup.submit("p1", "run", {"x": 3}).result(30)
    assert (result.status, result.output) == ("success", 6)
    record = rec.records["p1"]
    assert [s["status"] for s in record.status_log] == ["created", "in-progress", "success"]
    assert record.text("stdout") == "start 3\n" and record.text("stderr") == "end 3\n"
    assert record.progress[0]["message"] == "half 3"
    assert sup.submit("p1b", "pid", {}).result(30).output in runtime.pids


@pytest.mark.parametrize(("function", "status", "message"), [
    ("boom", "failed", "ValueError: bad thing"),
    ("leave", "failed", "sys.exit(3)"),
    ("segfault", "failed", "worker process died (signal SIGSEGV)"),
    ("hang", "failed", "timed out after 2 s"),
])
def test_a_fault_fails_only_that_execution_and_the_next_call_succeeds(service, function, status, message):
    sup, _, _ = service
    result = sup.submit(f"f-{function}", function, {}).result(60)
    assert result.status == status and message in result.error
    assert sup.submit(f"after-{function}", "plain", {"x": 1}).result(60).output == 2


def test_terminate_is_cooperative_through_kill_event(service):
    sup, rec, runtime = service
    pids = list(runtime.pids)
    future = sup.submit("t1", "loop", {})
    _wait_for(lambda: rec.records["t1"].status == "in-progress")
    sup.terminate("t1")
    result = future.result(30)
    assert result.status == "terminated" and "termination signal" in result.error
    assert runtime.pids == pids  # no kill was needed


def test_terminate_is_forced_when_the_function_ignores_it(service):
    sup, rec, runtime = service
    pids = list(runtime.pids)
    future = sup.submit("t2", "hang", {})
    _wait_for(lambda: rec.records["t2"].status == "in-progress")
    sup.terminate("t2")
    result = future.result(30)
    assert result.status == "terminated" and "killed" in result.error
    assert runtime.pids != pids
    assert sup.submit("t3", "plain", {"x": 2}).result(60).output == 3


def test_a_service_whose_init_fails_does_not_start(make_config):
    runtime = ProcessRuntime()
    with pytest.raises(FaasError, match=r"init must be a String"):
        runtime.start(make_config(init_input={"prefix": 5}))


def _wait_for(condition, timeout=30.0):
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "condition not reached"
        time.sleep(0.01)
