"""Statuses, retries and timeouts around a runtime; the workspace records through it.

Status flow (Dataloop's ``ExecutionStatus``): ``created`` -> ``in-progress`` ->
``success`` | ``failed`` | ``terminated`` | ``aborted`` | ``canceled`` |
``system-failure``. A failed attempt is retried up to ``max_attempts`` unless
the failure was bad input (a ValidationError) or a terminate.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from collections.abc import Callable
from typing import Any, Protocol

from faas_jupyter.runner.runtimes.base import CallResult, CallSpec, EventSink, Runtime

NO_RETRY = {"ValidationError"}


class ExecutionRecorder(EventSink, Protocol):
    """Where executions are written down (the store, or memory)."""

    def status(self, execution_id: str, status: str, ts: float, message: str | None = None,
               attempt: int = 1) -> None: ...

    def finished(self, execution_id: str, result: CallResult, attempts: int) -> None:
        """The execution ended: its final status (``result.status`` at ``result.finished_at``,
        message ``result.error``) and its result, recorded together."""


class Supervisor:
    """Drives one service's executions on ``runtime`` and records them on ``recorder``."""

    def __init__(self, runtime: Runtime, recorder: ExecutionRecorder, max_attempts: int = 1,
                 execution_timeout: float | None = None):
        self.runtime = runtime
        self.recorder = recorder
        self.max_attempts = max(1, max_attempts)
        self.execution_timeout = execution_timeout
        self._attempt: dict[str, int] = {}
        self._terminated: set[str] = set()
        self._lock = threading.Lock()
        runtime.sink = self  # the runtime's started/log/progress events pass through here

    # EventSink: 'started' is where in-progress begins (the runtime knows when a call starts)
    def started(self, execution_id: str, ts: float) -> None:
        self.recorder.status(execution_id, "in-progress", ts, None, self._attempt.get(execution_id, 1))

    def log(self, execution_id: str, stream: str, text: str, ts: float) -> None:
        self.recorder.log(execution_id, stream, text, ts)

    def progress(self, execution_id: str, event: dict[str, Any]) -> None:
        self.recorder.progress(execution_id, event)

    def attempt_lost(self, execution_id: str, ts: float, why: str) -> int | None:
        """A runtime lost a running attempt (its Dask worker died) and will run it again itself:
        count and log that attempt. The next attempt's number, or None when ``max_attempts``
        is used up (the runtime then ends the execution)."""
        with self._lock:
            attempt = self._attempt.get(execution_id)
            if attempt is None or attempt >= self.max_attempts or execution_id in self._terminated:
                return None
            self._attempt[execution_id] = attempt + 1
        self.recorder.status(execution_id, "failed", ts, f"attempt {attempt} of {self.max_attempts} "
                             f"failed: {why}; retrying", attempt)
        return attempt + 1

    def submit(self, execution_id: str, function_name: str = "run", inputs: dict[str, Any] | None = None,
               block: bool = False, returns: list[Any] | None = None,
               record_created: bool = True, trigger: dict[str, Any] | None = None) -> "Future[CallResult]":
        """Start an execution; the Future gives its final CallResult (after retries).

        ``block=True`` runs it to the end before returning (in this thread when the
        runtime can, which is the fast path of the kernel runtime). ``record_created``:
        False when the recorder took the ``created`` status with the row. ``trigger``: the
        trigger that made it (``CallSpec.trigger``).
        """
        done: Future[CallResult] = Future()
        if block:
            done.set_result(self.run(execution_id, function_name, inputs, returns, record_created, trigger))
            return done
        if record_created:
            self.recorder.status(execution_id, "created", time.time(), None, 1)
        self._attempt_call(CallSpec(execution_id, function_name, dict(inputs or {}), 1,
                                    self.execution_timeout, returns, trigger), done.set_result, False)
        return done

    def run(self, execution_id: str, function_name: str = "run", inputs: dict[str, Any] | None = None,
            returns: list[Any] | None = None, record_created: bool = True,
            trigger: dict[str, Any] | None = None) -> CallResult:
        """Run an execution to its end (retries included) and return its final CallResult: in
        the caller's thread and without a Future when the runtime can (``run_inline``)."""
        if record_created:
            self.recorder.status(execution_id, "created", time.time(), None, 1)
        call = CallSpec(execution_id, function_name, dict(inputs or {}), 1, self.execution_timeout, returns,
                        trigger)
        inline = getattr(self.runtime, "run_inline", None)
        if inline is None:
            done: Future[CallResult] = Future()
            self._attempt_call(call, done.set_result, True)
            return done.result()
        while True:  # every attempt in this thread, one after the other
            self._attempt[execution_id] = call.attempt
            result: CallResult = inline(call)
            if not self._should_retry(call, result):
                self._end(call, result)
                return result
            call = self._retry(call, result)

    def submit_batch(self, calls: list[CallSpec], ended: Callable[[CallResult], None]) -> None:
        """Start many executions (``svc.map``): ``ended(result)`` is called once per execution
        with its final CallResult, in the thread that ended it. No Future per execution; the
        runtime gets the whole batch at once when it can take one (``submit_many``).

        Their ``created`` status is not recorded: the rows are written when they start."""
        timeout = self.execution_timeout
        for call in calls:
            call.timeout = timeout
            self._attempt[call.execution_id] = 1
        many = getattr(self.runtime, "submit_many", None)
        if many is None:
            for call in calls:
                self._attempt_call(call, ended, False)
            return
        many(calls, lambda call, result: self._on_result(call, result, ended, False))

    def _attempt_call(self, call: CallSpec, ended: Callable[[CallResult], None], block: bool) -> None:
        self._attempt[call.execution_id] = call.attempt
        inline = getattr(self.runtime, "run_inline", None)
        if block and inline is not None:
            self._on_result(call, inline(call), ended, block)
            return
        future = self.runtime.submit(call)
        future.add_done_callback(lambda f: self._on_result(call, _result_of(call, f), ended, block))

    def _on_result(self, call: CallSpec, result: CallResult, ended: Callable[[CallResult], None],
                   block: bool) -> None:
        eid = call.execution_id
        counted = self._attempt.get(eid, call.attempt)
        if counted > call.attempt:  # the runtime reran it after a lost attempt (attempt_lost)
            call = replace(call, attempt=counted)
        if self._should_retry(call, result):
            self._attempt_call(self._retry(call, result), ended, block)
            return
        self._end(call, result)
        ended(result)

    def _retry(self, call: CallSpec, result: CallResult) -> CallSpec:
        """Record a failed attempt that is tried again; the next attempt's call."""
        self.recorder.status(call.execution_id, "failed", result.finished_at or time.time(),
                             f"attempt {call.attempt} of {self.max_attempts} failed: {result.error}; retrying",
                             call.attempt)
        return replace(call, attempt=call.attempt + 1)

    def _end(self, call: CallSpec, result: CallResult) -> None:
        """Record the execution's end (its final status with the result) and forget it."""
        if result.finished_at is None:
            result.finished_at = time.time()
        eid = call.execution_id
        self.recorder.finished(eid, result, call.attempt)
        with self._lock:
            self._attempt.pop(eid, None)
            self._terminated.discard(eid)

    def _should_retry(self, call: CallSpec, result: CallResult) -> bool:
        return (result.status == "failed" and call.attempt < self.max_attempts
                and result.error_type not in NO_RETRY and call.execution_id not in self._terminated)

    def terminate(self, execution_id: str) -> bool:
        """Ask the execution to stop: no further attempts, cooperative first, forced later."""
        with self._lock:
            if execution_id not in self._attempt:
                return False
            self._terminated.add(execution_id)
        return self.runtime.terminate(execution_id)


class Countdown:
    """How many executions of a batch ended; ``wait`` until all have (``svc.map``)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.ended = 0
        self._lock = threading.Lock()
        self._all = threading.Lock()  # held until the last one ends: plain locks, no Condition
        if total > 0:
            self._all.acquire()

    def end(self, _result: CallResult | None = None) -> None:
        with self._lock:
            self.ended += 1
            last = self.ended == self.total
        if last:
            self._all.release()

    def wait(self, timeout: float | None = None) -> bool:
        """True once every execution ended; False after ``timeout`` seconds."""
        if not self._all.acquire(True, -1 if timeout is None else max(0.0, timeout)):
            return False
        self._all.release()  # open for every other waiter (``RunningService.stop``)
        return True


def _result_of(call: CallSpec, future: Future[CallResult]) -> CallResult:
    try:
        return future.result()
    except BaseException as exc:  # a runtime bug must still end the execution, not hang it
        return CallResult(call.execution_id, "system-failure", error=f"{type(exc).__name__}: {exc}",
                          finished_at=time.time())


@dataclass
class ExecutionRecord:
    """An execution as the runner saw it (what ``MemoryRecorder`` keeps)."""

    id: str
    status: str = "created"
    status_log: list[Any] = field(default_factory=list)
    logs: list[Any] = field(default_factory=list)        # (stream, text, ts)
    progress: list[Any] = field(default_factory=list)    # progress events
    output: Any = None
    error: str | None = None
    traceback: str | None = None
    attempts: int = 0
    started_at: float | None = None
    finished_at: float | None = None

    @property
    def duration(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.started_at

    def text(self, stream: str | None = None) -> str:
        return "".join(t for s, t, _ in self.logs if stream is None or s == stream)


class MemoryRecorder:
    """Keeps ExecutionRecords in a dict (tests, ``faas test``, a service with no store)."""

    def __init__(self) -> None:
        self.records: dict[str, ExecutionRecord] = {}
        self._lock = threading.Lock()

    def _get(self, eid: str) -> ExecutionRecord:
        record = self.records.get(eid)
        if record is None:
            record = self.records[eid] = ExecutionRecord(eid)
        return record

    def status(self, execution_id: str, status: str, ts: float, message: str | None = None,
               attempt: int = 1) -> None:
        with self._lock:
            record = self._get(execution_id)
            record.status = status
            record.status_log.append({"status": status, "timestamp": ts, "message": message,
                                      "attempt": attempt})
            if status == "in-progress" and record.started_at is None:
                record.started_at = ts

    def started(self, execution_id: str, ts: float) -> None:
        self.status(execution_id, "in-progress", ts)

    def log(self, execution_id: str, stream: str, text: str, ts: float) -> None:
        with self._lock:
            self._get(execution_id).logs.append((stream, text, ts))

    def progress(self, execution_id: str, event: dict[str, Any]) -> None:
        with self._lock:
            self._get(execution_id).progress.append(event)

    def finished(self, execution_id: str, result: CallResult, attempts: int) -> None:
        self.status(execution_id, result.status, result.finished_at or time.time(), result.error, attempts)
        with self._lock:
            record = self._get(execution_id)
            record.output, record.error, record.traceback = result.output, result.error, result.traceback
            record.attempts, record.finished_at = attempts, result.finished_at or time.time()
