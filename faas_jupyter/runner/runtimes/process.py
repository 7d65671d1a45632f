"""The ``process`` runtime: a pool of spawned worker processes, one call at a time each.

Each worker loads the codebase once (``_worker.main``) and serves calls over a
Pipe. A parent thread per worker (or, for ``execute(wait=True)`` on an idle worker,
the waiting caller itself: ``run_inline``) sends a call, relays the worker's events to
the sink, and watches the worker: an exception or ``sys.exit`` fails the call
inside the worker; a crash (segfault, ``os._exit``), a hang past the timeout,
or a terminate not honoured within ``terminate_grace`` kills the worker, fails
that execution only, and starts a fresh worker for the next call.
"""
from __future__ import annotations

import atexit
import multiprocessing
import os
import queue
import signal
import threading
import time
import weakref
from concurrent.futures import Future
from multiprocessing.connection import wait
from typing import Any, Callable

from faas_jupyter.errors import FaasError
from faas_jupyter.runner.runtimes import _worker
from faas_jupyter.runner.runtimes.base import (CallResult, CallSpec, EventSink, Runtime, ServiceConfig, finished,
                                               replay)

START_TIMEOUT = 120.0  # seconds for a worker to import and build the service
_LIVE: "weakref.WeakSet[ProcessRuntime]" = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:
    # Runs before multiprocessing's own exit hook, which would wait forever on live workers.
    for runtime in list(_LIVE):
        runtime.stop()


class ProcessRuntime(Runtime):
    name = "process"

    def __init__(self, sink: EventSink | None = None, start_method: str = "spawn") -> None:
        super().__init__(sink)
        self.ctx: Any = multiprocessing.get_context(start_method)  # typeshed's BaseContext has no Process
        self._queue: queue.Queue[tuple[CallSpec, Future[CallResult]] | None] = queue.Queue()
        self._lock = threading.RLock()
        self._pending: dict[str, tuple[CallSpec, Future[CallResult] | None]] = {}  # None: run inline
        self._running: dict[str, _Slot] = {}
        self._slots: list[_Slot] = []

    def start(self, config: ServiceConfig) -> None:
        self.config = config
        self._slots = [_Slot(self, i) for i in range(max(1, config.concurrency))]
        for slot in self._slots:  # launch all first: workers start up in parallel
            slot.launch()
        try:
            for slot in self._slots:
                slot.await_ready()
        except BaseException:
            self.stop()
            raise
        for slot in self._slots:
            threading.Thread(target=slot.serve, name=f"faas-{config.name}-{slot.index}", daemon=True).start()
        _LIVE.add(self)

    @property
    def pids(self) -> list[int | None]:
        return [slot.proc.pid if slot.proc else None for slot in self._slots]

    def submit(self, call: CallSpec) -> "Future[CallResult]":
        future: Future[CallResult] = Future()
        with self._lock:
            self._pending[call.execution_id] = (call, future)
        future.add_done_callback(lambda _f: self._forget(call.execution_id))
        self._queue.put((call, future))
        return future

    def run_inline(self, call: CallSpec) -> CallResult:
        """Run ``call`` for a caller that waits: in the caller's thread on an idle worker, so a
        round trip is one message each way and no hand-off between parent threads; when every
        worker is busy (or calls are queued) it waits its turn in the queue."""
        slot = self._idle_slot()
        if slot is None:
            return self.submit(call).result()
        eid = call.execution_id
        with self._lock:
            self._pending[eid] = (call, None)
            self._running[eid] = slot
        try:
            return slot.run(call)
        except KeyboardInterrupt:  # the notebook's interrupt: the worker may still run it
            slot.restart()
            return finished(call, "aborted", "interrupted by the user (KeyboardInterrupt); "
                            "its worker was replaced")
        except BaseException as exc:  # a runtime failure still ends the execution
            return finished(call, "system-failure", f"{type(exc).__name__}: {exc}")
        finally:
            with self._lock:
                self._pending.pop(eid, None)
                self._running.pop(eid, None)
            slot.busy.release()

    def _idle_slot(self) -> _Slot | None:
        if not self._queue.empty():
            return None
        for slot in self._slots:
            if slot.busy.acquire(blocking=False):
                return slot
        return None

    def _forget(self, eid: str) -> None:
        with self._lock:
            self._pending.pop(eid, None)

    def terminate(self, execution_id: str) -> bool:
        with self._lock:
            entry = self._pending.get(execution_id)
            if entry is None:
                return False
            call, future = entry
            slot = self._running.get(execution_id)
            if slot is None and future is not None and not future.running():  # still queued: never starts
                future.set_result(finished(call, "terminated", "terminated before it started"))
                return True
        if slot is not None:
            slot.request_terminate(execution_id)
        return True

    def stop(self) -> None:
        _LIVE.discard(self)
        with self._lock:
            for call, future in list(self._pending.values()):
                if future is not None and not future.running() and not future.done():
                    future.set_result(finished(call, "canceled", self.stop_reason
                                               or "the service stopped before it started"))
        for _ in self._slots:
            self._queue.put(None)
        for slot in self._slots:
            slot.shutdown()


class _Slot:
    """One worker process and the parent thread that feeds and watches it."""

    def __init__(self, runtime: ProcessRuntime, index: int):
        self.rt = runtime
        self.index = index
        self.proc: Any = None   # the worker (a multiprocessing Process) once launched
        self.conn: Any = None   # the parent's end of its Pipe once launched
        self.ctrl: Any = None   # the terminate-request pipe (the worker reads it in a thread)
        self.busy = threading.Lock()  # held while a call runs on this worker (serve or run_inline)
        self.send_lock = threading.Lock()
        self.wake_r, self.wake_w = runtime.ctx.Pipe(duplex=False)
        self.kill_at: float | None = None
        self.stopping = False

    @property
    def config(self) -> ServiceConfig:
        """The service's configuration: ``ProcessRuntime.start`` sets it before any slot exists."""
        assert self.rt.config is not None
        return self.rt.config

    def launch(self) -> None:
        self.conn, child = self.rt.ctx.Pipe()
        control, self.ctrl = self.rt.ctx.Pipe(duplex=False)
        self.proc = self.rt.ctx.Process(target=_worker.main, args=(child, self.rt.config, os.getpid(), control),
                                        name=f"faas-{self.config.name}-{self.index}")
        _launcher.run(self.proc.start)
        child.close()
        control.close()

    def await_ready(self) -> None:
        name = self.config.name
        if not self.conn.poll(START_TIMEOUT):
            self.kill()
            raise FaasError(f"service {name!r}: a worker did not start within {START_TIMEOUT:g} s")
        try:
            kind, payload = self.conn.recv()
        except (EOFError, OSError):
            raise FaasError(f"service {name!r}: a worker died while starting ({_exit_text(self.proc)})") from None
        if kind != "ready":
            self.kill()
            raise FaasError(payload if payload.startswith("service") else
                            f"service {name!r} could not start in a worker: {payload}")

    def serve(self) -> None:
        while (item := self.rt._queue.get()) is not None:  # noqa: SLF001 (its runtime's slot)
            call, future = item
            with self.busy:
                self._serve_one(call, future)

    def _serve_one(self, call: CallSpec, future: Future[CallResult]) -> None:
        with self.rt._lock:  # noqa: SLF001 (its runtime's slot)
            if future.done() or not future.set_running_or_notify_cancel():
                return
            self.rt._running[call.execution_id] = self  # noqa: SLF001 (its runtime's slot)
        try:
            result = self.run(call)
        except BaseException as exc:  # a runtime failure still ends the execution
            result = finished(call, "system-failure", f"{type(exc).__name__}: {exc}")
        with self.rt._lock:  # noqa: SLF001 (its runtime's slot)
            self.rt._running.pop(call.execution_id, None)  # noqa: SLF001 (its runtime's slot)
            if not future.done():
                future.set_result(result)

    def run(self, call: CallSpec) -> CallResult:
        if self.proc is None or not self.proc.is_alive():
            self.restart()
        self.kill_at = None
        with self.send_lock:
            self.conn.send(("call", call))
        self.rt.sink.started(call.execution_id, time.time())  # this worker was idle: it starts now
        deadline = time.monotonic() + call.timeout if call.timeout else None
        while True:
            limits = [t for t in (deadline, self.kill_at) if t is not None]
            timeout = max(0.0, min(limits) - time.monotonic()) if limits else None
            ready = wait([self.conn, self.proc.sentinel, self.wake_r], timeout)
            if self.wake_r in ready:
                self.wake_r.recv_bytes()
                continue
            if self.conn in ready:
                message = self._receive(call)
                if message[0] == "result":
                    result: CallResult = message[1]
                    return result
                replay(self.rt.sink, [message])
                continue
            if self.proc.sentinel in ready:
                return self._died(call)
            now = time.monotonic()
            if self.kill_at is not None and now >= self.kill_at:
                self.restart()
                return finished(call, "terminated", f"terminated: the worker was killed after "
                                f"{self.config.terminate_grace:g} s without reaching kill_event()")
            if deadline is not None and now >= deadline:
                self.restart()
                return finished(call, "failed", f"execution timed out after {call.timeout:g} s "
                                "(execution_timeout); the worker was killed and replaced",
                                timed_out=True, error_type="TimeoutError")

    def _receive(self, call: CallSpec) -> tuple[Any, ...]:
        try:
            message: tuple[Any, ...] = self.conn.recv()
            return message
        except (EOFError, OSError):
            return ("result", self._died(call))
        except Exception as exc:  # e.g. the output's class cannot be imported here
            return ("result", finished(call, "failed", f"the output could not be received: "
                                       f"{type(exc).__name__}: {exc}", error_type="PackingError"))

    def _died(self, call: CallSpec) -> CallResult:
        self.proc.join(5)
        text = _exit_text(self.proc)
        if self.stopping:  # we killed it: the service stopped (or was deleted) while it ran
            reason = self.rt.stop_reason or "the service was stopped"
            return finished(call, "terminated", f"terminated: {reason} while {call.function_name!r} ran")
        self.restart()
        return finished(call, "failed", f"the worker process died ({text}) while running "
                        f"{call.function_name!r}; a new worker was started", error_type="WorkerDied")

    def request_terminate(self, execution_id: str) -> None:
        with self.send_lock:
            self.ctrl.send(("terminate", execution_id))
        self.kill_at = time.monotonic() + self.config.terminate_grace
        self.wake_w.send_bytes(b"t")

    def restart(self) -> None:
        """Replace the worker (after a crash, a timeout or a forced terminate)."""
        self.kill()
        if self.stopping:
            return
        self.launch()
        self.await_ready()

    def kill(self) -> None:
        if self.proc is not None and self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        if self.ctrl is not None:
            self.ctrl.close()
            self.ctrl = None

    def shutdown(self) -> None:
        self.stopping = True
        if self.rt.stop_reason and self in self.rt._running.values():  # noqa: SLF001 (a call runs: end it now)
            self.kill()
            return
        if self.proc is not None and self.proc.is_alive() and self.conn is not None:
            try:
                with self.send_lock:
                    self.conn.send(("stop", None))
                self.proc.join(1.0)
            except (OSError, ValueError):
                pass
        self.kill()


class _Launcher:
    """Starts every worker from one long-lived thread.

    Workers ask the kernel for ``PR_SET_PDEATHSIG``, which fires when the *thread* that
    forked them ends, not the process: a worker started from a short-lived thread (a
    REST pool thread, a restart thread) would be killed with it.
    """

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Callable[[], Any], Future[Any]]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    def run(self, fn: Callable[[], Any]) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._loop, name="faas-launcher", daemon=True)
                self._thread.start()
        done: Future[Any] = Future()
        self._jobs.put((fn, done))
        done.result()

    def _loop(self) -> None:
        while True:
            fn, done = self._jobs.get()
            try:
                done.set_result(fn())
            except BaseException as exc:  # handed to the caller
                done.set_exception(exc)


_launcher = _Launcher()


def _exit_text(proc: Any) -> str:
    code = proc.exitcode
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"
