"""Queued calls reach a process worker in batches (``svc.map``): each call keeps its own
events, timeout, terminate and retry, and a dying worker ends only the call it was running
(the ones it had not started run on its replacement)."""
from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from faas_jupyter.runner.runtimes.base import CallResult, CallSpec
from faas_jupyter.runner.runtimes.process import ProcessRuntime
from faas_jupyter.runner.supervisor import Countdown, MemoryRecorder, Supervisor


@pytest.fixture(scope="module")
def service(make_config):
    """One worker: the order of a batch is the order calls run in."""
    config = make_config(execution_timeout=2.0, terminate_grace=0.5, concurrency=1)
    runtime = ProcessRuntime()
    runtime.start(config)
    recorder = MemoryRecorder()
    yield Supervisor(runtime, recorder, 2, config.execution_timeout), recorder, runtime
    runtime.stop()


class Batch:
    """A submit_batch and what ended, in the order it ended."""

    def __init__(self, sup: Supervisor, calls: list[tuple[str, str, dict]]):
        self.ended: list[CallResult] = []
        self.countdown = Countdown(len(calls))
        self._lock = threading.Lock()
        sup.submit_batch([CallSpec(eid, fn, inputs) for eid, fn, inputs in calls], self._end)

    def _end(self, result: CallResult) -> None:
        with self._lock:
            self.ended.append(result)
        self.countdown.end()

    def wait(self) -> dict[str, CallResult]:
        assert self.countdown.wait(60), f"only {self.countdown.ended} of {self.countdown.total} ended"
        return {r.execution_id: r for r in self.ended}


def test_a_thousand_calls_end_once_each_in_their_order(service):
    sup, rec, _ = service
    batch = Batch(sup, [(f"m{i}", "plain", {"x": i}) for i in range(1000)])
    results = batch.wait()
    assert [r.execution_id for r in batch.ended] == [f"m{i}" for i in range(1000)]
    assert all(results[f"m{i}"].output == i + 1 for i in range(1000))
    assert all([s["status"] for s in rec.records[f"m{i}"].status_log] == ["in-progress", "success"]
               for i in range(1000))


def test_large_inputs_and_outputs_go_both_ways_at_once_without_a_stall(service):
    sup, _, _ = service  # 300 x 100 KB each way: both pipes fill while the other side writes
    texts = [f"{i:04d}" + "x" * 100_000 for i in range(300)]
    results = Batch(sup, [(f"big{i}", "echo", {"text": t}) for i, t in enumerate(texts)]).wait()
    assert [results[f"big{i}"].output for i in range(300)] == texts


def test_each_call_of_a_batch_keeps_its_own_logs_and_progress(service):
    sup, rec, _ = service
    Batch(sup, [(f"log{i}", "run", {"x": i}) for i in range(20)]).wait()
    for i in range(20):
        record = rec.records[f"log{i}"]
        assert (record.text("stdout"), record.text("stderr")) == (f"start {i}\n", f"end {i}\n")
        assert [p["message"] for p in record.progress] == [f"half {i}"]


def test_a_killed_worker_ends_only_its_running_call_which_is_retried(service, tmp_path):
    sup, rec, runtime = service
    calls = [(f"k{i}", "plain", {"x": i}) for i in range(5)] + [("k-stall", "stall_once", {"marker": str(tmp_path / "m")})]
    calls += [(f"k{i}", "plain", {"x": i}) for i in range(5, 60)]
    batch = Batch(sup, calls)
    _wait_for(lambda: "k-stall" in rec.records and rec.records["k-stall"].status == "in-progress")
    pid = runtime.pids[0]
    os.kill(pid, signal.SIGKILL)
    results = batch.wait()
    assert runtime.pids[0] != pid
    assert all(results[f"k{i}"].status == "success" and rec.records[f"k{i}"].attempts == 1 for i in range(60))
    stalled = rec.records["k-stall"]
    assert (results["k-stall"].output, stalled.attempts) == ("ok", 2)
    assert [s["status"] for s in stalled.status_log] == ["in-progress", "failed", "in-progress", "success"]
    assert "worker process died (signal SIGKILL)" in stalled.status_log[1]["message"]


def test_terminate_of_one_call_inside_a_batch(service):
    sup, rec, runtime = service
    pids = list(runtime.pids)
    batch = Batch(sup, [("t-loop", "loop", {})] + [(f"t{i}", "plain", {"x": i}) for i in range(10)])
    _wait_for(lambda: "t-loop" in rec.records and rec.records["t-loop"].status == "in-progress")
    assert sup.terminate("t3")  # waiting behind the running call: it never starts
    assert sup.terminate("t-loop")  # running: stops at its next kill_event()
    results = batch.wait()
    assert results["t3"].status == "terminated" and "before it started" in results["t3"].error
    assert [s["status"] for s in rec.records["t3"].status_log] == ["terminated"]
    assert results["t-loop"].status == "terminated" and "termination signal" in results["t-loop"].error
    assert all(results[f"t{i}"].output == i + 1 for i in range(10) if i != 3)
    assert runtime.pids == pids  # no kill was needed


def test_a_forced_terminate_or_a_timeout_inside_a_batch_ends_that_call_only(service, tmp_path):
    sup, rec, runtime = service
    late = ("f-late", "stall_once", {"marker": str(tmp_path / "late")})
    batch = Batch(sup, [("f-hang", "hang", {})] + [(f"f{i}", "plain", {"x": i}) for i in range(10)]
                  + [late] + [(f"g{i}", "plain", {"x": i}) for i in range(10)])
    _wait_for(lambda: "f-hang" in rec.records and rec.records["f-hang"].status == "in-progress")
    sup.terminate("f-hang")  # ignores kill_event(): its worker is killed after the grace
    results = batch.wait()  # f-late's first attempt runs into the 2 s execution_timeout
    assert results["f-hang"].status == "terminated" and "killed" in results["f-hang"].error
    assert [s["status"] for s in rec.records["f-hang"].status_log] == ["in-progress", "terminated"]
    assert (results["f-late"].output, rec.records["f-late"].attempts) == ("ok", 2)
    assert "timed out after 2 s" in rec.records["f-late"].status_log[1]["message"]
    assert all(results[f"{p}{i}"].output == i + 1 for p in "fg" for i in range(10))


def test_calls_waiting_behind_a_long_one_move_to_an_idle_worker(make_config, tmp_path):
    runtime = ProcessRuntime()
    runtime.start(make_config(concurrency=2))
    rec = MemoryRecorder()
    sup = Supervisor(runtime, rec)
    try:
        Batch(sup, [(f"w{i}", "plain", {"x": i}) for i in range(200)]).wait()  # calls are known to be short
        marker = tmp_path / "open"
        calls = [(f"p{i}", "pid", {}) for i in range(400)]
        batch = Batch(sup, calls[:3] + [("gated", "gate", {"marker": str(marker)})] + calls[3:])
        # every other call ends while the gated one still runs (a call stuck behind it never would)
        _wait_for(lambda: all(f"p{i}" in rec.records and rec.records[f"p{i}"].status == "success"
                              for i in range(400)))
        marker.touch()
        results = batch.wait()
        assert results["gated"].output == "open"
        assert {results[f"p{i}"].output for i in range(400)} == set(runtime.pids)  # both workers served
    finally:
        runtime.stop()


def test_stop_ends_the_running_call_and_cancels_the_rest(make_config):
    runtime = ProcessRuntime()
    runtime.start(make_config(concurrency=1))
    rec = MemoryRecorder()
    sup = Supervisor(runtime, rec)
    batch = Batch(sup, [("s-hang", "hang", {})] + [(f"s{i}", "plain", {"x": i}) for i in range(10)])
    _wait_for(lambda: "s-hang" in rec.records and rec.records["s-hang"].status == "in-progress")
    runtime.stop_reason = "service 'svc' was deleted"
    runtime.stop()
    results = batch.wait()
    assert results["s-hang"].status == "terminated" and "was deleted" in results["s-hang"].error
    assert {results[f"s{i}"].status for i in range(10)} == {"canceled"}
    assert all("in-progress" not in [s["status"] for s in rec.records[f"s{i}"].status_log] for i in range(10))


def _wait_for(condition, timeout=30.0):
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "condition not reached"
        time.sleep(0.01)
