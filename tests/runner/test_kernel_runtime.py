from __future__ import annotations

import time

import pytest

from faas_jupyter.runner.runtimes.kernel import KernelRuntime
from faas_jupyter.runner.supervisor import MemoryRecorder, Supervisor


@pytest.fixture
def service(make_config):
    def _start(**overrides):
        config = make_config(**overrides)
        runtime = KernelRuntime()
        runtime.start(config)
        recorder = MemoryRecorder()
        started.append(runtime)
        return Supervisor(runtime, recorder, config.max_attempts, config.execution_timeout), recorder
    started: list = []
    yield _start
    for runtime in started:
        runtime.stop()


def test_a_blocking_call_records_statuses_output_logs_and_progress(service):
    sup, rec = service()
    result = sup.submit("e1", "run", {"x": 4}, block=True).result()
    record = rec.records["e1"]
    assert (result.status, result.output) == ("success", 8)
    assert [s["status"] for s in record.status_log] == ["created", "in-progress", "success"]
    assert record.text("stdout") == "start 4\n" and record.text("stderr") == "end 4\n"
    assert "INFO faas_jupyter.execution: logged 4" in record.text("logging")
    assert record.progress[0]["message"] == "half 4" and record.duration > 0


def test_concurrent_executions_never_mix_their_logs(service):
    sup, rec = service(concurrency=4)
    futures = [sup.submit(f"e{i}", "run", {"x": i}) for i in range(12)]
    assert [f.result(10).output for f in futures] == [2 * i for i in range(12)]
    for i in range(12):
        record = rec.records[f"e{i}"]
        assert record.text("stdout") == f"start {i}\n"
        assert record.text("stderr") == f"end {i}\n"
        assert record.text("logging").endswith(f"logged {i}\n")


def test_an_exception_fails_with_a_traceback_that_starts_in_user_code(service):
    sup, rec = service()
    result = sup.submit("e1", "boom", {}, block=True).result()
    assert result.status == "failed" and result.error == "ValueError: bad thing"
    assert 'main.py", line' in result.traceback and "invoke.py" not in result.traceback


def test_sys_exit_fails_only_that_execution(service):
    sup, _ = service()
    assert sup.submit("e1", "leave", {}, block=True).result().error == "SystemExit: the function called sys.exit(3)"
    assert sup.submit("e2", "plain", {"x": 1}, block=True).result().output == 2


def test_bad_input_fails_without_retry(service):
    sup, rec = service(max_attempts=3)
    result = sup.submit("e1", "plain", {"x": "x"}, block=True).result()
    assert result.status == "failed" and "must be an Integer" in result.error
    assert rec.records["e1"].attempts == 1


def test_a_failed_attempt_is_retried_up_to_max_attempts(service, tmp_path):
    sup, rec = service(max_attempts=2)
    result = sup.submit("e1", "flaky", {"marker": str(tmp_path / "m")}).result(10)
    assert (result.status, result.output, rec.records["e1"].attempts) == ("success", "ok", 2)
    statuses = [s["status"] for s in rec.records["e1"].status_log]
    assert statuses == ["created", "in-progress", "failed", "in-progress", "success"]


def test_terminate_stops_a_cooperative_loop(service):
    sup, rec = service()
    future = sup.submit("e1", "loop", {})
    _wait_for(lambda: rec.records["e1"].status == "in-progress")
    assert sup.terminate("e1")
    result = future.result(10)
    assert result.status == "terminated" and "termination signal" in result.error


def test_a_hang_past_the_timeout_fails_and_the_service_goes_on(service):
    sup, _ = service(execution_timeout=0.3)
    result = sup.submit("e1", "loop", {}).result(10)
    assert result.status == "failed" and result.timed_out and "timed out after 0.3 s" in result.error
    assert sup.submit("e2", "plain", {"x": 1}).result(10).output == 2


def test_a_hang_after_a_quick_call_times_out_at_its_own_deadline(service, tmp_path):
    """A worker's one watchdog entry is armed for its first call; when it fires while a later
    call runs, it waits for that call's own deadline, then times it out (no kill_event here)."""
    sup, _ = service(execution_timeout=0.5, concurrency=1)
    assert sup.submit("e1", "plain", {"x": 1}).result(10).output == 2
    time.sleep(0.2)  # e2's deadline comes 0.2 s after the one armed for e1
    marker = tmp_path / "open"
    began = time.monotonic()
    result = sup.submit("e2", "gate", {"marker": str(marker)}).result(10)
    took = time.monotonic() - began
    marker.touch()  # the thread a timeout cannot kill ends now
    assert result.status == "failed" and result.timed_out and "timed out after 0.5 s" in result.error
    assert took >= 0.5  # its own deadline, not e1's
    assert sup.submit("e3", "plain", {"x": 2}).result(10).output == 3


def test_terminating_a_queued_execution_means_it_never_starts(service):
    sup, rec = service(concurrency=1)
    running = sup.submit("e1", "loop", {})
    queued = sup.submit("e2", "plain", {"x": 1})
    _wait_for(lambda: rec.records["e1"].status == "in-progress")
    sup.terminate("e2")
    assert queued.result(10).status == "terminated"
    assert "in-progress" not in [s["status"] for s in rec.records["e2"].status_log]
    sup.terminate("e1")
    assert running.result(10).status == "terminated"


def _wait_for(condition, timeout=10.0):
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "condition not reached"
        time.sleep(0.01)
