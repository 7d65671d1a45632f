"""The queued calls of one ``process`` worker, sent to it in batches (``Slot.serve``).

One message carries up to a few milliseconds' worth of calls (by the calls' measured duration,
at most ``MAX_BATCH``, a fair share of the queue when there are several workers), and the next
is sent before the worker runs dry, so a run of short calls costs no round trip per call. The
worker says when each call starts; the feeder holds the calls it sent in the worker's order
(``inflight``): the first is the running one, whose ``execution_timeout`` and forced terminate
it enforces. A call running longer than ``RECALL_AFTER`` gives the calls waiting behind it
back to the queue, for an idle worker. When the worker dies (a crash, a kill, a timeout, a
terminate not honoured), the running call ends and the calls it had not started go back to
the front of the queue for the new worker.
"""
from __future__ import annotations

import pickle
import queue
import threading
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from faas_jupyter.runner.runtimes import _frames
from faas_jupyter.runner.runtimes._process_jobs import STARTED, Job, expired, killed, unreceived, until
from faas_jupyter.runner.runtimes._process_launch import exit_text
from faas_jupyter.runner.runtimes.base import CallResult, ServiceConfig, finished, replay

if TYPE_CHECKING:
    from faas_jupyter.runner.runtimes._process_slot import Slot

BATCH_SECONDS = 0.002  # how much work one batch holds, by the calls' measured duration
MAX_BATCH = 256
MAX_MESSAGE = 1 << 20  # bytes of pickled calls per message
RECALL_AFTER = 0.05    # a call running this long gives the calls waiting behind it back to the queue


class Feeder:
    """Sends one slot's share of the queue to its worker and follows the calls to their end."""

    def __init__(self, slot: Slot) -> None:
        self.slot = slot
        self.rt = slot.rt
        self.inflight: deque[Job] = deque()  # sent to the worker, in its order; the first runs
        self.per_call: float | None = None   # the calls' duration in the worker (moving average)
        self.seq = 0                         # batches sent (numbered from 1)
        self.recalled_for: Job | None = None  # the long call whose waiting calls were taken back
        self.sender: _Sender | None = None

    @property
    def config(self) -> ServiceConfig:
        return self.slot.config

    def close(self) -> None:
        if self.sender is not None:
            self.sender.close()

    def serve(self) -> None:
        while (jobs := self.rt.jobs.take(self._batch_size(), block=True)) is not None:
            with self.slot.busy:
                try:
                    self._send(jobs)
                    self._drive()
                except BaseException as exc:  # a runtime failure (no worker starts) still ends them
                    jobs, self.inflight = list(self.inflight) + jobs, deque()
                    for job in jobs:
                        self.rt.settle(job, finished(job.call, "system-failure", f"{type(exc).__name__}: {exc}"))

    def _batch_size(self) -> int:
        if self.per_call is None:
            return 1  # its first call tells how long calls take
        by_time = int(BATCH_SECONDS / max(self.per_call, 1e-6))
        fair = -(-len(self.rt.jobs) // max(1, self.config.concurrency))  # several workers share the queue
        return max(1, min(MAX_BATCH, by_time, fair))

    def _send(self, jobs: list[Job]) -> None:
        if self.slot.stopping:
            return
        self.slot.ensure_worker()
        batch: list[tuple[str, bytes]] = []
        size, idle = 0, not self.inflight  # an idle worker reads at once: no need for the sender
        for job in self.rt.mark_sent(jobs, self.slot):
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
        self.seq += 1
        for job in list(self.inflight)[-len(batch):]:
            job.seq = self.seq
        message = ("calls", (self.seq, batch))
        if idle:
            with self.slot.send_lock:
                self.slot.conn.send(message)
            return
        if self.sender is None:
            self.sender = _Sender(self.slot, f"faas-{self.config.name}-{self.slot.index}-send")
        self.sender.put(self.slot.conn, message)

    def _drive(self) -> None:
        """Until every call sent has ended: top the worker up, read its messages, enforce limits."""
        while self.inflight:
            head, now = self.inflight[0], time.monotonic()
            long = head.began is not None and now - head.began >= RECALL_AFTER  # nothing more behind it
            if not long and len(self.inflight) <= self._batch_size() // 2:
                more = self.rt.jobs.take(self._batch_size(), block=False)
                if more:
                    self._send(more)
            recall_at = self._recall_at(head)
            if recall_at is not None and recall_at <= now:
                self._recall(head)
                recall_at = None
            messages = self.slot.messages(until(head.deadline, head.kill_at, recall_at))
            if messages is None:
                self._lost()
                continue
            for message in messages:
                self._handle(message)
            if self.inflight and self.inflight[0] is head and head.state == STARTED:
                self._enforce(head)

    def _recall_at(self, head: Job) -> float | None:
        """When the calls waiting behind ``head`` go back to the queue (for an idle worker);
        None if they stay (no other worker, nothing waiting, ``head`` not started or taken back)."""
        if (head.began is None or len(self.inflight) < 2 or self.recalled_for is head
                or self.config.concurrency < 2):
            return None
        return head.began + RECALL_AFTER

    def _recall(self, head: Job) -> None:
        try:
            with self.slot.ctrl_lock:
                self.slot.ctrl.send(("recall", self.seq))
            self.recalled_for = head
        except (AttributeError, OSError, ValueError):  # its worker is gone: _lost requeues them
            pass

    def _recalled(self, taken: list[str], read_seq: int) -> None:
        """The worker gave back ``taken``; the batches after ``read_seq`` it will never run."""
        back = set(taken)
        jobs = [j for j in list(self.inflight)[1:] if j.call.execution_id in back or j.seq > read_seq]
        if jobs:
            gone = {id(j) for j in jobs}
            self.inflight = deque(j for j in self.inflight if id(j) not in gone)
            self.rt.requeue(jobs)

    def _handle(self, message: Any) -> None:
        if isinstance(message, _frames.Undecodable):  # as for a lone call: taken for the running call's result
            head = self.inflight.popleft()
            self.rt.settle(head, unreceived(head.call, message))
        elif message[0] == "result":
            result: CallResult = message[1]
            self._measure(result)
            job = self._find(result.execution_id)
            if job is not None:
                self.inflight.remove(job)
                self.rt.settle(job, result)
        elif message[0] == "started":
            self._started(message[1], message[2])
        elif message[0] == "recalled":
            self._recalled(message[1], message[2])
        else:
            replay(self.rt.sink, [message])

    def _find(self, execution_id: str) -> Job | None:
        """The sent call ``execution_id`` (the first one, but for a message we could not read)."""
        if self.inflight and self.inflight[0].call.execution_id == execution_id:
            return self.inflight[0]
        return next((j for j in self.inflight if j.call.execution_id == execution_id), None)

    def _started(self, execution_id: str, ts: float) -> None:
        job = self._find(execution_id)
        if job is None:
            return
        now = time.monotonic()
        job.began = now - max(0.0, time.time() - ts)  # in the worker, a moment before we heard of it
        if job.call.timeout:
            job.deadline = job.began + job.call.timeout
        if self.rt.mark_started(job):  # a terminate came while it waited in the batch
            job.kill_at = now + self.config.terminate_grace
        if job.result is None:
            self.rt.sink.started(execution_id, ts)

    def _measure(self, result: CallResult) -> None:
        if result.started_at is None or result.finished_at is None:
            return
        took = max(0.0, result.finished_at - result.started_at)
        if self.per_call is None or took < self.per_call:  # one long call does not shrink later batches
            self.per_call = took
        else:
            self.per_call = 0.8 * self.per_call + 0.2 * took

    def _enforce(self, head: Job) -> None:
        now = time.monotonic()
        if head.kill_at is not None and now >= head.kill_at:
            self._replace(head, killed(head.call, self.config.terminate_grace))
        elif head.deadline is not None and now >= head.deadline:
            self._replace(head, expired(head.call))

    def _replace(self, head: Job, result: CallResult) -> None:
        """End the running call with ``result``, requeue the rest, start a new worker."""
        rest = list(self.inflight)[1:]
        self.inflight.clear()
        self._replace_after(head, rest, result)

    def _lost(self) -> None:
        """The worker died: the running call ends, the calls it had not started run elsewhere."""
        self.slot.proc.join(5)
        jobs, self.inflight = list(self.inflight), deque()
        head = jobs.pop(0) if jobs and jobs[0].state == STARTED else None
        if self.slot.stopping:
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
                head.call, "failed", f"the worker process died ({exit_text(self.slot.proc)}) while running "
                f"{head.call.function_name!r}; a new worker was started", error_type="WorkerDied"))
            return
        if jobs:
            jobs[0].lost += 1  # died between calls: a call that keeps killing it fails the second time
            if jobs[0].lost >= 2:
                first = jobs.pop(0)
                self.rt.settle(first, finished(first.call, "failed", f"the worker process died "
                                               f"({exit_text(self.slot.proc)}) twice before running "
                                               f"{first.call.function_name!r}", error_type="WorkerDied"))
        self.rt.requeue(jobs)
        self.slot.restart()

    def _replace_after(self, head: Job, rest: list[Job], result: CallResult) -> None:
        """A new worker, then ``head`` ends with ``result`` and ``rest`` go back to the queue."""
        try:
            self.slot.restart()  # first, as a lone call does: whoever gets the result finds the new worker
        finally:
            self.rt.requeue(rest)
            self.rt.settle(head, result)


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
