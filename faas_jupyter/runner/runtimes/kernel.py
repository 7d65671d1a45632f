"""The ``kernel`` runtime: functions run in this (the notebook's) process.

``submit`` queues calls for up to ``concurrency`` worker threads. ``run_inline`` serves
``execute(wait=True)``: a call without a timeout runs in the calling thread. One with
``execution_timeout`` runs there too when the caller is the main thread and ``SIGALRM`` is
free (``_alarm``: a timer interrupts the function at the deadline; the hand-off it saves
cost 20-35 us on a quiet 2-core VM, more under load); otherwise (another thread, a nested
execute, a timer of someone else's) it runs on a helper thread while the caller waits until
the deadline, then gets it back failed (timed out) and its late result is dropped, as on
the threaded path. A Python thread cannot be
killed, so a timeout or an overdue terminate there marks the execution failed/terminated and
leaves the thread to finish on its own.

Each call is one ``_Live`` from submit to result: its scope, the result that won, and a
plain lock the waiting caller blocks on (no Future, Condition or Event per waited call).
"""
from __future__ import annotations

import _thread
import contextvars
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from faas_jupyter.model.service_runner import ExecutionScope
from faas_jupyter.runner.host import ServiceHost, host_for
from faas_jupyter.runner.runtimes import _alarm
from faas_jupyter.runner.runtimes.base import (
    CallResult,
    CallSpec,
    EventSink,
    Runtime,
    ServiceConfig,
    Watchdog,
    finished,
    timed_out,
)

Ended = Callable[[CallSpec, CallResult], None]


class _Live:
    """One call this runtime holds. The first result decided wins (the function's, a
    timeout's, a terminate's, a stop's); then ``done`` (only a waited call has one) is
    released and ``future`` set."""

    __slots__ = ("call", "context", "done", "future", "result", "running", "scope", "then")

    def __init__(self, call: CallSpec, future: Future[CallResult] | None = None,
                 context: contextvars.Context | None = None, then: Ended | None = None,
                 waited: bool = False):
        self.call = call
        self.then = then
        deadline = time.monotonic() + call.timeout if call.timeout else None
        self.scope = ExecutionScope(call.execution_id, deadline)
        self.future = future
        self.context = context
        self.running = False
        self.result: CallResult | None = None
        self.done: _thread.LockType | None = None
        if waited:  # the caller blocks on it (_run_waited); nobody waits on a map's call
            self.done = _thread.allocate_lock()
            self.done.acquire()

    def wait(self, timeout: float | None) -> bool:
        assert self.done is not None, "only a waited call is waited for"
        return self.done.acquire(True, -1 if timeout is None else max(0.0, timeout))


class _Slot:
    """One worker thread's current call and its watchdog entry. The entry is armed once for
    many calls: quick calls end before it fires, and when it fires for a later call than it
    was armed for, it is armed again at that call's deadline (a heap push and cancel per
    call cost ~3 us of a map's ~50)."""

    __slots__ = ("live", "entry", "at")

    def __init__(self) -> None:
        self.live: _Live | None = None
        self.entry: list[Any] | None = None
        self.at = 0.0


class KernelRuntime(Runtime):
    name = "kernel"
    in_process = True

    def __init__(self, sink: EventSink | None = None):
        super().__init__(sink)
        self.host: ServiceHost | None = None
        self._lock = threading.RLock()
        self._live: dict[str, _Live] = {}
        self._queue: queue.SimpleQueue[_Live | None] = queue.SimpleQueue()
        self._workers: list[threading.Thread] = []
        self._watchdog = Watchdog()
        self._waited_pool: _Helpers | None = None

    def start(self, config: ServiceConfig) -> None:
        self.config = config
        self.host = host_for(config)

    def _started(self) -> tuple[ServiceConfig, ServiceHost]:
        assert self.config is not None and self.host is not None, "start() the runtime first"
        return self.config, self.host

    # -- a caller that waits -----------------------------------------------------------------
    def run_inline(self, call: CallSpec) -> CallResult:
        """Run ``call`` for a caller that waits: in this thread when it has no timeout, or
        when ``SIGALRM`` can time it here (``_alarm``: the main thread); else on a helper
        thread so the caller gets the execution back failed at the deadline."""
        timeout = call.timeout
        if timeout and not _alarm.usable():
            return self._run_waited(call)
        live = _Live(call)
        live.running = True
        eid = call.execution_id
        self._live[eid] = live  # one dict store: atomic, as the pop below
        host = self.host or self._started()[1]
        try:
            if not timeout:
                return host.run(call, self.sink, live.scope)
            result = _alarm.run_alarmed(live.scope, timeout, host.run, call, self.sink, live.scope)
            return _timed_out(call) if result is None else result
        finally:
            self._live.pop(eid, None)

    def _run_waited(self, call: CallSpec) -> CallResult:
        live = _Live(call, context=contextvars.copy_context(), waited=True)  # as if in the caller's thread
        live.running = True
        self._hold(live)
        self._helpers().submit(lambda: self._run_host(live), lambda result: self._settle(live, result))
        try:
            if not live.wait(call.timeout):
                self._expire(live)  # the caller itself expires it: no watchdog entry per call
        except KeyboardInterrupt:  # the notebook's interrupt: stop waiting, ask the call to stop
            live.scope.request_terminate()
            self._settle(live, finished(call, "aborted", "interrupted by the user (KeyboardInterrupt); "
                                        "its thread was asked to stop"))
        with self._lock:
            assert live.result is not None
            return live.result

    def _run_host(self, live: _Live) -> CallResult:
        host = self._started()[1]
        try:
            if live.context is not None:
                result: CallResult = live.context.run(host.run, live.call, self.sink, live.scope)
                return result
            return host.run(live.call, self.sink, live.scope)
        except BaseException as exc:  # host.run never raises for user errors; a runner bug still ends it
            return finished(live.call, "system-failure", f"{type(exc).__name__}: {exc}")

    def _helpers(self) -> _Helpers:
        with self._lock:
            if self._waited_pool is None:
                self._waited_pool = _Helpers(f"faas-{self._started()[0].name}-wait")
            return self._waited_pool

    # -- submitted calls -----------------------------------------------------------------------
    def submit(self, call: CallSpec) -> Future[CallResult]:
        future: Future[CallResult] = Future()
        live = _Live(call, future=future)
        self._hold(live)
        self._queue.put(live)
        if len(self._workers) < max(1, self._started()[0].concurrency):
            self._add_worker()
        return future

    def submit_many(self, calls: list[CallSpec], then: Ended) -> None:
        """Queue a batch (``svc.map``): ``then(call, result)`` once per call when it ends,
        in the thread that ended it; no Future per call."""
        lives = [_Live(call, then=then) for call in calls]
        with self._lock:
            for live in lives:
                self._live[live.call.execution_id] = live
        for live in lives:
            self._queue.put(live)
        for _ in range(min(len(lives), max(1, self._started()[0].concurrency))):
            self._add_worker()

    def _add_worker(self) -> None:
        config = self._started()[0]
        with self._lock:
            if len(self._workers) >= max(1, config.concurrency):
                return
            worker = threading.Thread(target=self._work, daemon=True,
                                      name=f"faas-{config.name}-{len(self._workers)}")
            self._workers.append(worker)
        worker.start()

    def _work(self) -> None:
        slot = _Slot()
        while (live := self._queue.get()) is not None:
            with self._lock:  # terminate() or stop() may have settled it while it was queued
                if live.result is not None:
                    continue
                live.running = True
                slot.live = live
                deadline = live.scope.deadline
                if deadline is not None and (slot.entry is None or slot.at > deadline):
                    self._arm(slot, deadline)
            self._settle(live, self._run_host(live))
            slot.live = None
        with self._lock:
            if slot.entry is not None:
                self._watchdog.cancel(slot.entry)

    def _arm(self, slot: _Slot, deadline: float) -> None:
        """(Under the lock) fire ``_overdue`` at ``deadline``, instead of when it was to fire."""
        if slot.entry is not None:
            self._watchdog.cancel(slot.entry)
        slot.at, slot.entry = deadline, self._watchdog.at(deadline, lambda: self._overdue(slot))

    def _overdue(self, slot: _Slot) -> None:
        """The watchdog fired for ``slot``: time out the call it runs if that one is due, else
        wait for that call's own deadline (the one armed for has ended)."""
        with self._lock:
            slot.entry = None
            live = slot.live
            if live is None or live.result is not None:
                return  # idle: its next call arms the entry again
            deadline = live.scope.deadline
            if deadline is not None and deadline > time.monotonic():
                self._arm(slot, deadline)
                return
        self._expire(live)

    # -- ending ----------------------------------------------------------------------------------
    def _hold(self, live: _Live) -> None:
        with self._lock:
            self._live[live.call.execution_id] = live

    def _decide(self, live: _Live, result: CallResult) -> bool:
        """Make ``result`` the call's result unless one was decided first (under the lock)."""
        with self._lock:
            if live.result is not None:
                return False  # a timeout or forced terminate decided first; this late result is dropped
            live.result = result
            if self._live.get(live.call.execution_id) is live:  # (a waited call pops its own unlocked)
                self._live.pop(live.call.execution_id, None)
            return True

    def _complete(self, live: _Live) -> None:
        """Hand a decided result to its waiter (outside the lock: callbacks record it)."""
        if live.done is not None:
            live.done.release()
        if live.result is None:
            return
        if live.future is not None:
            live.future.set_result(live.result)
        if live.then is not None:
            live.then(live.call, live.result)

    def _settle(self, live: _Live, result: CallResult) -> None:
        if self._decide(live, result):
            self._complete(live)

    def _expire(self, live: _Live) -> None:
        if live.result is None:
            live.scope.timed_out = True
            live.scope.request_terminate()
            self._settle(live, _timed_out(live.call))

    def terminate(self, execution_id: str) -> bool:
        with self._lock:
            live = self._live.get(execution_id)
            if live is None:
                return False
            live.scope.request_terminate()
            queued = not live.running and self._decide(live, finished(
                live.call, "terminated", "terminated before it started"))
        if queued:  # it will never start
            self._complete(live)
            return True
        grace = self._started()[0].terminate_grace
        self._watchdog.at(time.monotonic() + grace, lambda: self._settle(live, finished(
            live.call, "terminated", f"terminated; the function did not reach kill_event() within "
            f"{grace:g} s and its thread was left to finish")))
        return True

    def stop(self) -> None:
        reason = self.stop_reason
        decided = []
        with self._lock:
            for live in list(self._live.values()):
                live.scope.request_terminate()
                if not live.running:
                    result = finished(live.call, "canceled", reason or "the service stopped before it started")
                elif reason:  # a thread cannot be killed: record why now, drop its late result
                    result = finished(live.call, "terminated", f"terminated: {reason}")
                else:
                    continue
                if self._decide(live, result):
                    decided.append(live)
            workers, self._workers = self._workers, []
        for live in decided:
            self._complete(live)
        for _ in workers:
            self._queue.put(None)
        if self._waited_pool is not None:
            self._waited_pool.shutdown()


class _Helpers:
    """Daemon threads for waited calls, reused when idle, a new one when all are busy.

    Daemon threads, so a timed-out call that never returns cannot hold up the kernel's exit.
    """

    def __init__(self, name: str):
        self.name = name
        self._idle: list[queue.SimpleQueue[tuple[Callable[[], Any], Callable[[Any], None]] | None]] = []
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, run: Callable[[], Any], then: Callable[[Any], None]) -> None:
        """``then(run())`` on an idle helper, which is idle again before ``then`` runs (so the
        caller ``then`` releases finds it idle for its next call)."""
        with self._lock:
            inbox = self._idle.pop() if self._idle else None
        if inbox is None:
            inbox = queue.SimpleQueue()
            threading.Thread(target=self._serve, args=(inbox,), name=self.name, daemon=True).start()
        inbox.put((run, then))

    def _serve(self, inbox: queue.SimpleQueue[tuple[Callable[[], Any], Callable[[Any], None]] | None]) -> None:
        while (job := inbox.get()) is not None:
            run, then = job
            result = run()
            with self._lock:
                closed = self._closed
                if not closed:
                    self._idle.append(inbox)
            then(result)
            if closed:
                return

    def shutdown(self) -> None:
        with self._lock:
            self._closed, idle, self._idle = True, self._idle, []
        for inbox in idle:
            inbox.put(None)


def _timed_out(call: CallSpec) -> CallResult:
    return timed_out(call, "its thread was asked to stop")

