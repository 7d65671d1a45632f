"""The ``kernel`` runtime: functions run in this (the notebook's) process.

``submit`` runs calls on up to ``concurrency`` threads. ``run_inline`` serves
``execute(wait=True)``: a call without a timeout runs in the calling thread; one
with ``execution_timeout`` runs on a helper thread while the caller waits until
the deadline, then gets it back failed (timed out) and its late result is
dropped, as on the threaded path. A Python
thread cannot be killed, so a timeout or an overdue terminate marks the
execution failed/terminated and leaves the thread to finish on its own.
"""
from __future__ import annotations

import contextvars
import queue
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from faas_jupyter.model.service_runner import ExecutionScope
from faas_jupyter.runner.host import ServiceHost, host_for
from faas_jupyter.runner.runtimes.base import (CallResult, CallSpec, Runtime, ServiceConfig, Watchdog,
                                               finished)


class KernelRuntime(Runtime):
    name = "kernel"

    def __init__(self, sink=None):
        super().__init__(sink)
        self.host: ServiceHost | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.RLock()
        self._live: dict[str, tuple[Future, ExecutionScope, CallSpec]] = {}
        self._watchdog = Watchdog()
        self._waited_pool: _Helpers | None = None

    def start(self, config: ServiceConfig) -> None:
        self.config = config
        self.host = host_for(config)
        self._pool = ThreadPoolExecutor(max(1, config.concurrency), thread_name_prefix=f"faas-{config.name}")

    def run_inline(self, call: CallSpec) -> CallResult:
        """Run ``call`` for a caller that waits: in this thread when it has no timeout, else on a
        helper thread so the caller gets the execution back failed at the deadline."""
        if call.timeout:
            return self._run_waited(call)
        scope = self._scope(call)
        outer: Future = Future()
        outer.set_running_or_notify_cancel()
        with self._lock:
            self._live[call.execution_id] = (outer, scope, call)
        try:
            return self.host.run(call, self.sink, scope)
        finally:
            with self._lock:
                self._live.pop(call.execution_id, None)

    def _run_waited(self, call: CallSpec) -> CallResult:
        scope = self._scope(call)
        outer: Future = Future()
        outer.set_running_or_notify_cancel()
        with self._lock:
            self._live[call.execution_id] = (outer, scope, call)
        context = contextvars.copy_context()  # the caller's context, as if it ran in its thread
        self._helpers().submit(self._run_helped, call, scope, outer, context)
        try:
            return outer.result(max(0.0, scope.deadline - time.monotonic()))
        except FutureTimeout:  # the caller itself expires it: no watchdog entry per call
            self._expire(call, outer)
            return outer.result()
        except KeyboardInterrupt:  # the notebook's interrupt: stop waiting, ask the call to stop
            scope.request_terminate()
            self._settle(call.execution_id, outer, finished(
                call, "aborted", "interrupted by the user (KeyboardInterrupt); its thread was asked to stop"))
            return outer.result()

    def _run_helped(self, call: CallSpec, scope: ExecutionScope, outer: Future, context) -> None:
        try:
            result = context.run(self.host.run, call, self.sink, scope)
        except BaseException as exc:  # host.run never raises for user errors; a runner bug still ends it
            result = finished(call, "system-failure", f"{type(exc).__name__}: {exc}")
        self._settle(call.execution_id, outer, result)

    def _helpers(self) -> "_Helpers":
        with self._lock:
            if self._waited_pool is None:
                self._waited_pool = _Helpers(f"faas-{self.config.name}-wait")
            return self._waited_pool

    def submit(self, call: CallSpec) -> "Future[CallResult]":
        outer: Future = Future()
        scope = self._scope(call)
        with self._lock:
            self._live[call.execution_id] = (outer, scope, call)
        inner = self._pool.submit(self._run, call, scope, outer)
        outer.add_done_callback(lambda _f: inner.cancel())  # a terminated queued call never starts
        return outer

    def _scope(self, call: CallSpec) -> ExecutionScope:
        return ExecutionScope(call.execution_id, time.monotonic() + call.timeout if call.timeout else None)

    def _run(self, call: CallSpec, scope: ExecutionScope, outer: Future) -> None:
        with self._lock:  # terminate() may have settled it while it was queued
            if outer.done() or not outer.set_running_or_notify_cancel():
                return
        if call.timeout:
            self._watchdog.at(scope.deadline, lambda: self._expire(call, outer))
        result = self.host.run(call, self.sink, scope)
        self._settle(call.execution_id, outer, result)

    def _settle(self, eid: str, outer: Future, result: CallResult) -> None:
        with self._lock:
            self._live.pop(eid, None)
            if outer.done():
                return  # a timeout or forced terminate decided first; this late result is dropped
            outer.set_result(result)

    def _expire(self, call: CallSpec, outer: Future) -> None:
        entry = self._live.get(call.execution_id)
        if entry is not None and not outer.done():
            entry[1].timed_out = True
            entry[1].request_terminate()
            self._settle(call.execution_id, outer, finished(
                call, "failed", f"execution timed out after {call.timeout:g} s (execution_timeout); "
                "its thread was asked to stop", timed_out=True, error_type="TimeoutError"))

    def terminate(self, execution_id: str) -> bool:
        with self._lock:
            entry = self._live.get(execution_id)
            if entry is None:
                return False
            outer, scope, call = entry
            scope.request_terminate()
            if not outer.running():  # still queued: it will never start
                self._settle(execution_id, outer, finished(call, "terminated", "terminated before it started"))
                return True
        grace = self.config.terminate_grace
        self._watchdog.at(time.monotonic() + grace, lambda: self._settle(execution_id, outer, finished(
            call, "terminated", f"terminated; the function did not reach kill_event() within {grace:g} s "
            "and its thread was left to finish")))
        return True

    def stop(self) -> None:
        reason = self.stop_reason
        with self._lock:
            for eid, (outer, scope, call) in list(self._live.items()):
                scope.request_terminate()
                if not outer.running():
                    self._settle(eid, outer, finished(call, "canceled", reason or "the service stopped before it started"))
                elif reason:  # a thread cannot be killed: record why now, drop its late result
                    self._settle(eid, outer, finished(call, "terminated", f"terminated: {reason}"))
        for pool in (self._pool, self._waited_pool):
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)


class _Helpers:
    """Daemon threads for waited calls, reused when idle, a new one when all are busy.

    Daemon threads, so a timed-out call that never returns cannot hold up the kernel's exit.
    """

    def __init__(self, name: str):
        self.name = name
        self._idle: list[queue.SimpleQueue] = []
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, fn, *args) -> None:
        """Run ``fn(*args)`` on an idle helper (``fn`` reports its own result)."""
        with self._lock:
            inbox = self._idle.pop() if self._idle else None
        if inbox is None:
            inbox = queue.SimpleQueue()
            threading.Thread(target=self._serve, args=(inbox,), name=self.name, daemon=True).start()
        inbox.put((fn, args))

    def _serve(self, inbox: queue.SimpleQueue) -> None:
        while (job := inbox.get()) is not None:
            fn, args = job
            fn(*args)
            with self._lock:
                if self._closed:
                    return
                self._idle.append(inbox)

    def shutdown(self, wait: bool = False, cancel_futures: bool = True) -> None:
        with self._lock:
            self._closed, idle, self._idle = True, self._idle, []
        for inbox in idle:
            inbox.put(None)

