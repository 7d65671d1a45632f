"""execution_timeout holds for a waiting caller in the kernel runtime (issue 13 item 15)."""
from __future__ import annotations

import contextlib
import signal
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


@pytest.mark.timeout(120, method="thread")
@pytest.mark.parametrize("where", ["helper", "main"])
def test_an_interrupt_while_waiting_aborts_the_execution_and_returns(kernel, where):
    import os
    runtime, sup = kernel(60)
    seen = _host_threads(runtime)
    # the notebook's interrupt button: SIGINT to the kernel, which waits in this (main) thread
    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
    with _foreign_timer() if where == "helper" else _nothing():  # helper: SIGALRM is taken
        result = sup.submit("w4", "hang", {}, block=True).result()
    assert result.status == "aborted" and "KeyboardInterrupt" in result.error
    assert (seen[0] is threading.main_thread()) == (where == "main")
    assert sup.submit("w5", "plain", {"x": 1}, block=True).result().output == 2


@contextlib.contextmanager
def _foreign_timer():
    """Someone else's SIGALRM handler and interval timer (as pytest-timeout's signal method)."""
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(1))
    signal.setitimer(signal.ITIMER_REAL, 60)
    try:
        yield fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_nothing = contextlib.nullcontext


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


def _host_threads(runtime):
    """The threads ``runtime``'s host runs calls in, recorded from now on."""
    seen, original = [], runtime.host.run
    runtime.host.run = lambda *a: (seen.append(threading.current_thread()), original(*a))[1]
    return seen


# pytest-timeout's own SIGALRM timer is armed during a test (method "signal"), which sends
# every waited call with a timeout to the helper thread; these tests time themselves by thread
@pytest.mark.timeout(120, method="thread")
@pytest.mark.parametrize("function", ["hang", "swallow"])
def test_in_the_main_thread_a_timed_call_runs_there_and_is_interrupted_at_the_deadline(kernel, function):
    import time
    runtime, sup = kernel(0.5)
    seen = _host_threads(runtime)
    began = time.monotonic()
    result = sup.submit("m1", function, {}, block=True).result()  # sleeps 600 s; catches Exception
    assert result.status == "failed" and result.timed_out and "timed out after 0.5 s" in result.error
    assert result.error_type == "TimeoutError" and time.monotonic() - began < 5
    assert seen == [threading.main_thread()]  # no helper thread: SIGALRM ended it here
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL  # timer and handler put back
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert sup.submit("m2", "plain", {"x": 1}, block=True).result().output == 2


@pytest.mark.timeout(120, method="thread")
def test_from_another_thread_a_timed_call_runs_on_a_helper_and_comes_back_at_the_deadline(kernel):
    runtime, sup = kernel(0.5)
    seen, results = _host_threads(runtime), []
    caller = threading.Thread(target=lambda: results.append(sup.submit("t1", "swallow", {}, block=True).result()))
    caller.start()
    caller.join(10)
    assert not caller.is_alive() and results[0].status == "failed" and results[0].timed_out
    assert "timed out after 0.5 s" in results[0].error and seen[0] not in (caller, threading.main_thread())


@pytest.mark.timeout(120, method="thread")
def test_with_a_timer_of_someone_else_armed_the_main_thread_uses_the_helper(kernel):
    runtime, sup = kernel(0.5)
    seen = _host_threads(runtime)
    with _foreign_timer() as fired:
        result = sup.submit("o1", "hang", {}, block=True).result()
        assert result.status == "failed" and result.timed_out and seen[0] is not threading.main_thread()
        assert 55 < signal.getitimer(signal.ITIMER_REAL)[0] <= 60 and not fired  # left alone
        assert signal.getsignal(signal.SIGALRM) is not signal.SIG_DFL


@pytest.mark.timeout(120, method="thread")
def test_the_deadline_never_interrupts_the_runners_own_code(kernel, monkeypatch):
    """At the deadline the function had returned and the runner was recording it: the
    signal must not land there (it would leave output captured or a lock held)."""
    import time
    from faas_jupyter.runner.runtimes import _alarm
    monkeypatch.setattr(_alarm, "SOON", 0.05)
    runtime, sup = kernel(0.2)
    original, slept = sup.started, []
    sup.started = lambda eid, ts: (original(eid, ts), time.sleep(0.5), slept.append(eid))  # past the deadline
    result = sup.submit("r1", "plain", {"x": 1}, block=True).result()
    assert slept == ["r1"]  # the runner's sleep was not interrupted
    assert result.status == "failed" and result.timed_out  # and the execution is still timed out
    del sup.started
    assert sup.submit("r2", "plain", {"x": 1}, block=True).result().output == 2
