"""One worker process of the ``process`` runtime and the parent thread that feeds and watches it.

Queued calls go to the worker in batches (``serve``): one message carries up to a few
milliseconds' worth of calls (by the calls' measured duration, and a fair share of the queue
when there are several workers), and the next batch is sent before the worker runs dry, so
a run of short calls costs no round trip per call. The worker says when each call starts;
the parent holds the calls it sent in order (``inflight``): the first is the running one,
whose ``execution_timeout`` and forced terminate it enforces. When the worker dies (a crash,
a kill, a timeout, a terminate not honoured), the running call ends and the calls it had
not started go back to the front of the queue for the new worker.
"""
from __future__ import annotations

import os
import pickle
import queue
import threading
import time
from collections import deque
from multiprocessing.connection import wait
from typing import TYPE_CHECKING, Any

from faas_jupyter.errors import FaasError
from faas_jupyter.runner.runtimes import _frames, _worker
from faas_jupyter.runner.runtimes._process_launch import exit_text as _exit_text
from faas_jupyter.runner.runtimes._process_launch import launcher as _launcher
from faas_jupyter.runner.runtimes._process_jobs import STARTED, Job
from faas_jupyter.runner.runtimes.base import CallResult, CallSpec, ServiceConfig, finished, replay

if TYPE_CHECKING:
    from faas_jupyter.runner.runtimes.process import ProcessRuntime

START_TIMEOUT = 120.0  # seconds for a worker to import and build the service
BATCH_SECONDS = 0.002  # how much work one batch holds, by the calls' measured duration
MAX_BATCH = 256
MAX_MESSAGE = 1 << 20  # bytes of pickled calls per message


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
        self.inflight: deque[Job] = deque()  # sent to the worker, in its order; the first runs
        self.per_call: float | None = None   # the calls' duration in the worker (moving average)
        self._sender: _Sender | None = None

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

    def _ensure_worker(self) -> None:
        if self.proc is None or not self.proc.is_alive():
            self.restart()

    def _messages(self, timeout: float | None) -> list[Any] | None:
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
        self._ensure_worker()
        self.kill_at = None
        with self.send_lock:
            self.conn.send(("call", call))
        self.rt.sink.started(call.execution_id, time.time())  # this worker was idle: it starts now
        deadline = time.monotonic() + call.timeout if call.timeout else None
        while True:
            messages = self._messages(_until(deadline, self.kill_at))
            if messages is None:
                return self._died(call)
            for message in messages:
                if isinstance(message, _frames.Undecodable):
                    return _unreceived(call, message)
                if message[0] == "result":
                    result: CallResult = message[1]
                    return result
                replay(self.rt.sink, [message])
            now = time.monotonic()
            if self.kill_at is not None and now >= self.kill_at:
                self.restart()
                return _killed(call, self.config.terminate_grace)
            if deadline is not None and now >= deadline:
                self.restart()
                return _expired(call)

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

    # -- queued calls, in batches -------------------------------------------------------------
    def serve(self) -> None:
        while (jobs := self.rt.jobs.take(self._batch_size(), block=True)) is not None:
            with self.busy:
                try:
                    self._send(jobs)
                    self._drive()
                except BaseException as exc:  # a runtime failure (no worker starts) still ends them
                    jobs, self.inflight = list(self.inflight) + jobs, deque()
                    for job in jobs:
                        self.rt.settle(job, finished(job.call, "system-failure", f"{type(exc).__name__}: {exc}"))

    def _batch_size(self) -> int:
        by_time = MAX_BATCH if self.per_call is None else int(BATCH_SECONDS / max(self.per_call, 1e-6))
        if self.per_call is None and not self.inflight:
            by_time = 1  # its first call tells how long calls take
        fair = -(-len(self.rt.jobs) // max(1, self.config.concurrency))  # several workers share the queue
        return max(1, min(MAX_BATCH, by_time, fair))

    def _send(self, jobs: list[Job]) -> None:
        if self.stopping:
            return
        self._ensure_worker()
        batch: list[tuple[str, bytes]] = []
        size, idle = 0, not self.inflight  # an idle worker reads at once: no need for the sender
        for job in self.rt.mark_sent(jobs, self):
            try:
                data = pickle.dumps(job.call, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as exc:  # an input that cannot be pickled fails that execution only
                self.rt.settle(job, finished(job.call, "failed", f"the inputs could not be sent to the worker: "
                                             f"{type(exc).__name__}: {exc}", error_type="PackingError"))
                continue
            self.inflight.append(job)
            batch.append((job.call.execution_id, data))
            size += len(data)
            if size >= MAX_MESSAGE:  # large inputs: several messages, not one copy of them all
                self._post(batch, idle)
                batch, size, idle = [], 0, False
        if batch:
            self._post(batch, idle)

    def _post(self, batch: list[tuple[str, bytes]], idle: bool) -> None:
        if idle:
            with self.send_lock:
                self.conn.send(("calls", batch))
            return
        if self._sender is None:
            self._sender = _Sender(self, f"faas-{self.config.name}-{self.index}-send")
        self._sender.put(self.conn, ("calls", batch))

    def _drive(self) -> None:
        """Until every call sent has ended: top the worker up, read its messages, enforce limits."""
        while self.inflight:
            if len(self.inflight) <= self._batch_size() // 2 + 1:
                more = self.rt.jobs.take(self._batch_size(), block=False)
                if more:
                    self._send(more)
            head = self.inflight[0]
            messages = self._messages(_until(head.deadline, head.kill_at))
            if messages is None:
                self._lost()
                continue
            for message in messages:
                self._handle(message)
            if self.inflight and self.inflight[0] is head and head.state == STARTED:
                self._enforce(head)

    def _handle(self, message: Any) -> None:
        if isinstance(message, _frames.Undecodable):
            job = self.inflight.popleft()
            self.rt.settle(job, _unreceived(job.call, message))
        elif message[0] == "result":
            result: CallResult = message[1]
            self._measure(result)
            self.rt.settle(self._pop(result.execution_id), result)
        elif message[0] == "started":
            self._started(message[1], message[2])
        else:
            replay(self.rt.sink, [message])

    def _pop(self, execution_id: str) -> Job:
        job = self.inflight.popleft()
        if job.call.execution_id != execution_id:  # never expected: the worker keeps the order
            self.inflight.appendleft(job)
            job = next(j for j in self.inflight if j.call.execution_id == execution_id)
            self.inflight.remove(job)
        return job

    def _started(self, execution_id: str, ts: float) -> None:
        job = self.inflight[0]
        if job.call.execution_id != execution_id:
            job = next(j for j in self.inflight if j.call.execution_id == execution_id)
        now = time.monotonic()
        if job.call.timeout:  # its clock started in the worker, a moment before we heard of it
            job.deadline = now + job.call.timeout - max(0.0, time.time() - ts)
        if self.rt.mark_started(job):  # a terminate came while it waited in the batch
            job.kill_at = now + self.config.terminate_grace
        if job.result is None:
            self.rt.sink.started(execution_id, ts)

    def _measure(self, result: CallResult) -> None:
        if result.started_at is not None and result.finished_at is not None:
            took = max(0.0, result.finished_at - result.started_at)
            self.per_call = took if self.per_call is None else 0.8 * self.per_call + 0.2 * took

    def _enforce(self, head: Job) -> None:
        now = time.monotonic()
        if head.kill_at is not None and now >= head.kill_at:
            self._replace(head, _killed(head.call, self.config.terminate_grace))
        elif head.deadline is not None and now >= head.deadline:
            self._replace(head, _expired(head.call))

    def _replace(self, head: Job, result: CallResult) -> None:
        """End the running call with ``result``, requeue the rest, start a new worker."""
        rest = list(self.inflight)[1:]
        self.inflight.clear()
        self._replace_after(head, rest, result)

    def _lost(self) -> None:
        """The worker died: the running call ends, the calls it had not started run elsewhere."""
        self.proc.join(5)
        jobs, self.inflight = list(self.inflight), deque()
        head = jobs.pop(0) if jobs and jobs[0].state == STARTED else None
        if self.stopping:
            reason = self.rt.stop_reason or "the service was stopped"
            if head is not None:
                self.rt.settle(head, finished(head.call, "terminated", f"terminated: {reason} while "
                                              f"{head.call.function_name!r} ran"))
            for job in jobs:  # stop() ended these already, unless they were sent meanwhile
                self.rt.settle(job, finished(job.call, "canceled", self.rt.stop_reason
                                             or "the service stopped before it started"))
            return
        if head is not None:
            self._replace_after(head, jobs, finished(
                head.call, "failed", f"the worker process died ({_exit_text(self.proc)}) while running "
                f"{head.call.function_name!r}; a new worker was started", error_type="WorkerDied"))
            return
        if jobs:
            jobs[0].lost += 1  # died between calls: a call that keeps killing it fails the second time
            if jobs[0].lost >= 2:
                first = jobs.pop(0)
                self.rt.settle(first, finished(first.call, "failed", f"the worker process died "
                                               f"({_exit_text(self.proc)}) twice before running "
                                               f"{first.call.function_name!r}", error_type="WorkerDied"))
        self.rt.requeue(jobs)
        self.restart()

    def _replace_after(self, head: Job, rest: list[Job], result: CallResult) -> None:
        """A new worker, then ``head`` ends with ``result`` and ``rest`` go back to the queue."""
        try:
            self.restart()  # first, as a lone call does: whoever gets the result finds the new worker
        finally:
            self.rt.requeue(rest)
            self.rt.settle(head, result)

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
        if self._sender is not None:
            self._sender.close()
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


class _Sender:
    """Sends a slot's batches from its own thread, so the slot's thread never blocks writing
    to a worker that is itself blocked writing results back (both pipes full)."""

    def __init__(self, slot: Slot, name: str) -> None:
        self.slot = slot
        self._queue: queue.SimpleQueue[tuple[Any, Any] | None] = queue.SimpleQueue()
        threading.Thread(target=self._loop, name=name, daemon=True).start()

    def put(self, conn: Any, message: Any) -> None:
        self._queue.put((conn, message))

    def close(self) -> None:
        self._queue.put(None)

    def _loop(self) -> None:
        while (item := self._queue.get()) is not None:
            conn, message = item
            with self.slot.send_lock:
                if self.slot.stopping:  # the worker drops what it has not started: send no more
                    continue
                try:
                    conn.send(message)
                except (OSError, ValueError):  # that worker died: its slot requeues the calls
                    pass


def _until(*limits: float | None) -> float | None:
    """Seconds until the earliest of ``limits`` (time.monotonic() values), None if none."""
    due = [t for t in limits if t is not None]
    return max(0.0, min(due) - time.monotonic()) if due else None


def _unreceived(call: CallSpec, message: _frames.Undecodable) -> CallResult:
    exc = message.error
    return finished(call, "failed", f"the output could not be received: {type(exc).__name__}: {exc}",
                    error_type="PackingError")


def _killed(call: CallSpec, grace: float) -> CallResult:
    return finished(call, "terminated", f"terminated: the worker was killed after {grace:g} s "
                    "without reaching kill_event()")


def _expired(call: CallSpec) -> CallResult:
    return finished(call, "failed", f"execution timed out after {call.timeout:g} s (execution_timeout); "
                    "the worker was killed and replaced", timed_out=True, error_type="TimeoutError")
