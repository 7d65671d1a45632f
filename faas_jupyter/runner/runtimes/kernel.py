"""The ``kernel`` runtime: functions run in this (the notebook's) process.

``submit`` runs calls on up to ``concurrency`` threads. ``run_inline`` runs a
call in the calling thread: the fast path for ``execute(wait=True)``, where the
timeout is cooperative (``kill_event()`` raises once it has passed). A Python
thread cannot be killed, so a timeout or an overdue terminate marks the
execution failed/terminated and leaves the thread to finish on its own.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

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

    def start(self, config: ServiceConfig) -> None:
        self.config = config
        self.host = host_for(config)
        self._pool = ThreadPoolExecutor(max(1, config.concurrency), thread_name_prefix=f"faas-{config.name}")

    def run_inline(self, call: CallSpec) -> CallResult:
        """Run ``call`` now, in this thread (terminate and timeout are cooperative)."""
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
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
