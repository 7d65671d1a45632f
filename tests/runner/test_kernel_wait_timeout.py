"""execution_timeout holds for a waiting caller in the kernel runtime (issue 13 item 15)."""
from __future__ import annotations

import threading

import pytest

from faas_jupyter.runner.runtimes.base import CallSpec
from faas_jupyter.runner.runtimes.kernel import KernelRuntime
from faas_jupyter.runner.supervisor import MemoryRecorder, Supervisor


@pytest.fixture
def kernel(make_config):
    """``kernel(execution_timeout, supervised=True)``: a started KernelRuntime (and a Supervisor
    over it, or None), stopped after the test."""
    started = []

    def start(execution_timeout, supervised=True):
        config = make_config(execution_timeout=execution_timeout)
        runtime = KernelRuntime()
        runtime.start(config)
        started.append(runtime)
        sup = Supervisor(runtime, MemoryRecorder(), 1, config.execution_timeout) if supervised else None
        return runtime, sup
    yield start
    for runtime in started:
        runtime.stop()


def test_a_waited_call_past_its_timeout_comes_back_failed_at_the_deadline(kernel):
    _, sup = kernel(0.5)
    # 'hang' sleeps 600 s and never reaches kill_event(): before the fix this returned success
    result = sup.submit("w1", "hang", {}, block=True).result()
    assert result.status == "failed" and result.timed_out and "timed out after 0.5 s" in result.error
    assert sup.submit("w2", "plain", {"x": 1}, block=True).result().output == 2


def test_a_waited_call_without_timeout_runs_in_the_calling_thread(kernel):
    runtime, _ = kernel(None, supervised=False)
    seen = []
    original = runtime.host.run
    runtime.host.run = lambda *a: (seen.append(threading.current_thread()), original(*a))[1]
    assert runtime.run_inline(CallSpec("w3", "plain", {"x": 2})).output == 3
    assert seen == [threading.current_thread()]


def test_an_interrupt_while_waiting_aborts_the_execution_and_returns(kernel):
    import os
    import signal
    _, sup = kernel(60)
    # the notebook's interrupt button: SIGINT to the kernel, which waits in this (main) thread
    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
    result = sup.submit("w4", "hang", {}, block=True).result()
    assert result.status == "aborted" and "KeyboardInterrupt" in result.error
    assert sup.submit("w5", "plain", {"x": 1}, block=True).result().output == 2



def test_a_cancelled_deadline_never_fires_and_is_not_kept():
    from faas_jupyter.runner.runtimes.base import Watchdog
    import time
    dog, fired = Watchdog(), []
    entries = [dog.at(time.monotonic() + 0.2 + i / 1000, lambda i=i: fired.append(i)) for i in range(300)]
    for entry in entries[1:]:
        dog.cancel(entry)
    assert dog.waiting() < 150  # compacted: a long map with a timeout per call keeps no ended call
    time.sleep(0.6)
    assert fired == [0] and dog.waiting() == 0
