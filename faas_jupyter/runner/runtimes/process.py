"""The ``process`` runtime: a pool of spawned worker processes, one call at a time each.

Each worker loads the codebase once (``_worker.main``) and serves calls over a Pipe, fed and
watched by a parent thread (``_process_slot.Slot``). Submitted calls (``submit``, and
``svc.map``'s ``submit_many``, with no Future per call) wait in one queue and go to the
workers in batches, so a run of short calls costs no round trip per call; a caller of
``execute(wait=True)`` on an idle worker sends its call itself (``run_inline``): one message
each way, no hand-off between parent threads. An exception or ``sys.exit`` fails the call
inside the worker; a crash (segfault, ``os._exit``), a hang past the timeout, or a terminate
not honoured within ``terminate_grace`` kills the worker, fails that execution only, and
starts a fresh worker for the calls it had not started.
"""
from __future__ import annotations

import atexit
import multiprocessing
import threading
import weakref
from concurrent.futures import Future
from typing import Any

from faas_jupyter.runner.runtimes._process_jobs import QUEUED, SENT, STARTED, Ended, Job, JobQueue
from faas_jupyter.runner.runtimes._process_slot import Slot
from faas_jupyter.runner.runtimes.base import CallResult, CallSpec, EventSink, Runtime, ServiceConfig, finished

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
        self.jobs = JobQueue()
        self._lock = threading.RLock()
        self._held: dict[str, Job] = {}      # submitted calls not ended yet
        self._inline: dict[str, Slot] = {}   # run_inline calls running, and where
        self._slots: list[Slot] = []

    def start(self, config: ServiceConfig) -> None:
        self.config = config
        self._slots = [Slot(self, i) for i in range(max(1, config.concurrency))]
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

    # -- submitting ------------------------------------------------------------------------------
    def submit(self, call: CallSpec) -> "Future[CallResult]":
        future: Future[CallResult] = Future()
        self._queue([Job(call, future=future)])
        return future

    def submit_many(self, calls: list[CallSpec], then: Ended) -> None:
        """Queue a batch (``svc.map``): ``then(call, result)`` once per call when it ends, in the
        thread that ended it; no Future per call. The workers take them in batches."""
        self._queue([Job(call, then=then) for call in calls])

    def _queue(self, jobs: list[Job]) -> None:
        with self._lock:
            self._held.update((job.call.execution_id, job) for job in jobs)
        self.jobs.put(jobs)

    def run_inline(self, call: CallSpec) -> CallResult:
        """Run ``call`` for a caller that waits: in the caller's thread on an idle worker, so a
        round trip is one message each way and no hand-off between parent threads; when every
        worker is busy (or calls are queued) it waits its turn in the queue."""
        slot = self._idle_slot()
        if slot is None:
            return self.submit(call).result()
        eid = call.execution_id
        with self._lock:
            self._inline[eid] = slot
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
                self._inline.pop(eid, None)
            slot.busy.release()

    def _idle_slot(self) -> Slot | None:
        if len(self.jobs):
            return None
        for slot in self._slots:
            if slot.busy.acquire(blocking=False):
                return slot
        return None

    # -- what the slots report ---------------------------------------------------------------------
    def mark_sent(self, jobs: list[Job], slot: Slot) -> list[Job]:
        """The jobs of ``jobs`` still to run, now marked sent to ``slot``."""
        with self._lock:
            live = [job for job in jobs if job.result is None]
            for job in live:
                job.state, job.slot = SENT, slot
        return live

    def mark_started(self, job: Job) -> bool:
        """``job`` started in its worker; True if a terminate asked for it meanwhile."""
        with self._lock:
            job.state = STARTED
            return job.terminating

    def requeue(self, jobs: list[Job]) -> None:
        """Calls a worker never started: first in the queue again (those a terminate asked
        for end here instead)."""
        with self._lock:
            live = [job for job in jobs if job.result is None]
            ended = [job for job in live if job.terminating and self._decide(job, _unstarted(job))]
            live = [job for job in live if job.result is None]
            for job in live:
                job.state, job.slot = QUEUED, None
        for job in ended:
            job.deliver()
        self.jobs.put(live, front=True)

    def settle(self, job: Job, result: CallResult) -> None:
        """Make ``result`` the job's result unless one was decided first, and deliver it."""
        if self._decide(job, result):
            job.deliver()

    def _decide(self, job: Job, result: CallResult) -> bool:
        with self._lock:
            if job.result is not None:
                return False  # a terminate or stop decided first; this late result is dropped
            job.result = result
            if self._held.get(job.call.execution_id) is job:
                del self._held[job.call.execution_id]
            return True

    # -- ending ----------------------------------------------------------------------------------
    def terminate(self, execution_id: str) -> bool:
        """A queued call ends ``terminated before it started`` now; one sent to a worker is
        asked there (the worker skips it if it has not started it, and says so at once);
        a running one is asked to stop, and killed after ``terminate_grace``."""
        with self._lock:
            job = self._held.get(execution_id)
            slot = self._inline.get(execution_id) if job is None else job.slot
            if job is None and slot is None:
                return False
            state = job.state if job is not None else STARTED
            if job is not None:
                job.terminating = True
            ended = job is not None and state == QUEUED and self._decide(job, _unstarted(job))
        if ended:
            assert job is not None
            job.deliver()
        elif slot is not None:
            slot.request_terminate(execution_id, job)
        return True

    def stop(self) -> None:
        _LIVE.discard(self)
        reason = self.stop_reason or "the service stopped before it started"
        self.jobs.close()
        with self._lock:
            ended = [job for job in list(self._held.values())
                     if job.state != STARTED and self._decide(job, finished(job.call, "canceled", reason))]
        for job in ended:
            job.deliver()
        for slot in self._slots:
            slot.shutdown()


def _unstarted(job: Job) -> CallResult:
    return finished(job.call, "terminated", "terminated before it started")
