"""The calls the ``process`` runtime holds, and the queue its workers take them from in batches.

A ``Job`` is one submitted call from submit to result (no Future unless its caller wants
one: ``svc.map`` gives a callback). Its ``state`` says how far it got: ``queued`` here,
``sent`` to a worker in a batch (it runs when the calls before it have), ``started`` (the
worker said so). The first result decided wins (the function's, a timeout's, a
terminate's, a stop's); the runtime decides it under its lock.
"""
from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from typing import Any

import time

from faas_jupyter.runner.runtimes import _frames
from faas_jupyter.runner.runtimes.base import CallResult, CallSpec, finished, timed_out

QUEUED, SENT, STARTED = "queued", "sent", "started"
Ended = Callable[[CallSpec, CallResult], None]


class Job:
    __slots__ = ("call", "future", "then", "result", "state", "slot", "seq", "began", "deadline",
                 "kill_at", "terminating", "lost")

    def __init__(self, call: CallSpec, future: Future[CallResult] | None = None, then: Ended | None = None):
        self.call = call
        self.future = future
        self.then = then
        self.result: CallResult | None = None
        self.state = QUEUED
        self.slot: Any = None                # the worker slot it was sent to
        self.seq = 0                         # the number of the batch it was sent in
        self.began: float | None = None      # time.monotonic() when its worker said it started
        self.deadline: float | None = None   # time.monotonic() of its execution_timeout, once started
        self.kill_at: float | None = None    # a terminate not honoured by then kills its worker
        self.terminating = False
        self.lost = 0                        # workers that died before it started

    def deliver(self) -> None:
        """Hand the decided result to whoever waits (outside the runtime's lock)."""
        assert self.result is not None
        if self.future is not None:
            self.future.set_result(self.result)
        if self.then is not None:
            self.then(self.call, self.result)


class JobQueue:
    """FIFO of jobs for the workers of one service; ``take`` hands out up to n at once."""

    def __init__(self) -> None:
        self._items: deque[Job] = deque()
        self._cond = threading.Condition()
        self._closed = False

    def __len__(self) -> int:
        return len(self._items)

    def put(self, jobs: Iterable[Job], front: bool = False) -> None:
        with self._cond:
            if front:  # calls a dead worker never started go first, in their order
                self._items.extendleft(reversed(list(jobs)))
            else:
                self._items.extend(jobs)
            self._cond.notify_all()

    def take(self, most: int, block: bool) -> list[Job] | None:
        """Up to ``most`` jobs (waiting for one when ``block``); None once closed."""
        with self._cond:
            while block and not self._items and not self._closed:
                self._cond.wait()
            if self._closed:
                return None
            items = self._items
            return [items.popleft() for _ in range(min(most, len(items)))]

    def close(self) -> list[Job]:
        """Stop handing out jobs; returns those still queued."""
        with self._cond:
            self._closed = True
            left, self._items = list(self._items), deque()
            self._cond.notify_all()
            return left


def until(*limits: float | None) -> float | None:
    """Seconds until the earliest of ``limits`` (time.monotonic() values), None if none."""
    due = [t for t in limits if t is not None]
    return max(0.0, min(due) - time.monotonic()) if due else None


def unreceived(call: CallSpec, message: _frames.Undecodable) -> CallResult:
    exc = message.error
    return finished(call, "failed", f"the output could not be received: {type(exc).__name__}: {exc}",
                    error_type="PackingError")


def killed(call: CallSpec, grace: float) -> CallResult:
    return finished(call, "terminated", f"terminated: the worker was killed after {grace:g} s "
                    "without reaching kill_event()")


def expired(call: CallSpec) -> CallResult:
    return timed_out(call, "the worker was killed and replaced")
