"""One worker process of the ``process`` runtime and the parent thread that watches it.

The slot starts and replaces its worker, runs a lone call for a caller that waits
(``run``: one message each way, sent from the caller's thread), and its thread feeds the
worker the queued calls in batches (``_process_batches.Feeder``).
"""
from __future__ import annotations

import os
import threading
import time
from multiprocessing.connection import wait
from typing import TYPE_CHECKING, Any

from faas_jupyter.errors import FaasError
from faas_jupyter.runner.runtimes import _frames, _worker
from faas_jupyter.runner.runtimes._process_batches import Feeder
from faas_jupyter.runner.runtimes._process_jobs import STARTED, Job, expired, killed, unreceived, until
from faas_jupyter.runner.runtimes._process_launch import exit_text as _exit_text
from faas_jupyter.runner.runtimes._process_launch import launcher as _launcher
from faas_jupyter.runner.runtimes.base import CallResult, CallSpec, ServiceConfig, finished, replay

if TYPE_CHECKING:
    from faas_jupyter.runner.runtimes.process import ProcessRuntime

START_TIMEOUT = 120.0  # seconds for a worker to import and build the service


class Slot:
    """One worker process and the parent thread that feeds and watches it."""

    def __init__(self, runtime: ProcessRuntime, index: int):
        self.rt = runtime
        self.index = index
        self.proc: Any = None   # the worker (a multiprocessing Process) once launched
        self.conn: Any = None   # the parent's end of its Pipe once launched
        self.ctrl: Any = None   # the terminate-request pipe (the worker reads it in a thread)
        self.inbox: _frames.Inbox | None = None
        self.busy = threading.Lock()  # held while calls run on this worker (serve or run_inline)
        self.send_lock = threading.Lock()  # the call pipe
        self.ctrl_lock = threading.Lock()  # the control pipe (never waits behind a batch being sent)
        self.wake_r, self.wake_w = runtime.ctx.Pipe(duplex=False)
        self.kill_at: float | None = None  # a lone call's forced terminate
        self.stopping = False
        self.feeder = Feeder(self)

    @property
    def config(self) -> ServiceConfig:
        """The service's configuration: ``ProcessRuntime.start`` sets it before any slot exists."""
        assert self.rt.config is not None
        return self.rt.config

    def launch(self) -> None:
        self.conn, child = self.rt.ctx.Pipe()
        control, self.ctrl = self.rt.ctx.Pipe(duplex=False)
        self.inbox = _frames.Inbox(self.conn.fileno())
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

    def ensure_worker(self) -> None:
        if self.proc is None or not self.proc.is_alive():
            self.restart()

    def messages(self, timeout: float | None) -> list[Any] | None:
        """The worker's messages once some arrive; [] on a wake-up or timeout, None when it died."""
        assert self.inbox is not None
        ready = wait([self.conn, self.proc.sentinel, self.wake_r], timeout)
        if self.wake_r in ready:
            self.wake_r.recv_bytes()
            return []
        if self.conn in ready:  # before the sentinel: what it wrote before dying counts
            try:
                return self.inbox.read()
            except (EOFError, OSError):
                return None
        return None if self.proc.sentinel in ready else []

    # -- a lone call, for a caller that waits (ProcessRuntime.run_inline) ---------------------
    def run(self, call: CallSpec) -> CallResult:
        self.ensure_worker()
        self.kill_at = None
        with self.send_lock:
            self.conn.send(("call", call))
        self.rt.sink.started(call.execution_id, time.time())  # this worker was idle: it starts now
        deadline = time.monotonic() + call.timeout if call.timeout else None
        while True:
            messages = self.messages(until(deadline, self.kill_at))
            if messages is None:
                return self._died(call)
            for message in messages:
                if isinstance(message, _frames.Undecodable):
                    return unreceived(call, message)
                if message[0] == "result":
                    result: CallResult = message[1]
                    return result
                replay(self.rt.sink, [message])
            now = time.monotonic()
            if self.kill_at is not None and now >= self.kill_at:
                self.restart()
                return killed(call, self.config.terminate_grace)
            if deadline is not None and now >= deadline:
                self.restart()
                return expired(call)

    def _died(self, call: CallSpec) -> CallResult:
        self.proc.join(5)
        text = _exit_text(self.proc)
        if self.stopping:  # we killed it: the service stopped (or was deleted) while it ran
            reason = self.rt.stop_reason or "the service was stopped"
            return finished(call, "terminated", f"terminated: {reason} while {call.function_name!r} ran")
        self.restart()
        return finished(call, "failed", f"the worker process died ({text}) while running "
                        f"{call.function_name!r}; a new worker was started", error_type="WorkerDied")

    def request_terminate(self, execution_id: str, job: Job | None = None) -> None:
        """Ask the worker to stop ``execution_id``; a running one is killed after the grace."""
        try:
            with self.ctrl_lock:
                self.ctrl.send(("terminate", execution_id))
        except (AttributeError, OSError, ValueError):  # its worker is being replaced: it never runs there
            return
        kill_at = time.monotonic() + self.config.terminate_grace
        if job is None:
            self.kill_at = kill_at
        elif job.state == STARTED:
            job.kill_at = kill_at
        self.wake_w.send_bytes(b"t")

    def serve(self) -> None:
        """The slot's thread: queued calls, in batches (``_process_batches``)."""
        self.feeder.serve()

    # -- lifetime ------------------------------------------------------------------------------
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
        try:  # the calls it has not started never run
            with self.ctrl_lock:
                self.ctrl.send(("drop", None))
        except (AttributeError, OSError, ValueError):
            pass
        self.feeder.close()
        if self.rt.stop_reason and self.busy.locked():  # a call runs: end it now
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


