"""execution_timeout holds for a waiting caller in the kernel runtime (issue 13 item 15)."""
from __future__ import annotations

import threading

from faas_jupyter.runner.runtimes.base import CallSpec
from faas_jupyter.runner.runtimes.kernel import KernelRuntime
from faas_jupyter.runner.supervisor import MemoryRecorder, Supervisor


def test_a_waited_call_past_its_timeout_comes_back_failed_at_the_deadline(make_config):
    config = make_config(execution_timeout=0.5)
    runtime = KernelRuntime()
    runtime.start(config)
    try:
        sup = Supervisor(runtime, MemoryRecorder(), 1, config.execution_timeout)
        # 'hang' sleeps 600 s and never reaches kill_event(): before the fix this returned success
        result = sup.submit("w1", "hang", {}, block=True).result()
        assert result.status == "failed" and result.timed_out and "timed out after 0.5 s" in result.error
        assert sup.submit("w2", "plain", {"x": 1}, block=True).result().output == 2
    finally:
        runtime.stop()


def test_a_waited_call_without_timeout_runs_in_the_calling_thread(make_config):
    runtime = KernelRuntime()
    runtime.start(make_config(execution_timeout=None))
    try:
        seen = []
        original = runtime.host.run
        runtime.host.run = lambda *a: (seen.append(threading.current_thread()), original(*a))[1]
        assert runtime.run_inline(CallSpec("w3", "plain", {"x": 2})).output == 3
        assert seen == [threading.current_thread()]
    finally:
        runtime.stop()


def test_an_interrupt_while_waiting_aborts_the_execution_and_returns(make_config):
    import os
    import signal
    config = make_config(execution_timeout=60)
    runtime = KernelRuntime()
    runtime.start(config)
    try:
        sup = Supervisor(runtime, MemoryRecorder(), 1, config.execution_timeout)
        # the notebook's interrupt button: SIGINT to the kernel, which waits in this (main) thread
        threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
        result = sup.submit("w4", "hang", {}, block=True).result()
        assert result.status == "aborted" and "KeyboardInterrupt" in result.error
        assert sup.submit("w5", "plain", {"x": 1}, block=True).result().output == 2
    finally:
        runtime.stop()
