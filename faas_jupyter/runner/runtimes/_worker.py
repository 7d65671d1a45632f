"""The worker process of the ``process`` runtime (started with the spawn context).

It loads the codebase once, then serves calls from its Pipe in order, in its main thread (no
hand-off per call). A call comes alone (``("call", CallSpec)``: ``execute`` on an idle
worker, whose start the parent records when it sends it) or in a batch (``("calls", (number,
[(execution_id, pickled CallSpec), ...]))``: ``svc.map`` and queued calls; each call of a
batch says when it starts). Terminate requests, the ``recall`` of calls not started yet and
the ``drop`` of a stopping service come on a second pipe that a thread keeps reading while a
call runs, so they reach ``kill_event()`` at once. Messages out, written as soon as they are ready (``_frames``):
``("ready", pid)``, ``("init-failed", message)``, ``("started", execution_id, ts)``,
``("log"|"progress", execution_id, ...)``, ``("result", CallResult)``, ``("recalled",
execution_ids, last batch read)``. A batched call's result goes out in one write with the
next call's ``started``: one write per call.
"""
from __future__ import annotations

import faulthandler
import os
import pickle
import signal
import sys
import threading
import time
from collections import deque
from multiprocessing.connection import Connection
from typing import Any, Union

from faas_jupyter.model.service_runner import ExecutionScope
from faas_jupyter.runner.runtimes import _frames
from faas_jupyter.runner.runtimes.base import CallResult, CallSpec, ServiceConfig

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
Todo = tuple[Union[CallSpec, CallResult], bool]  # a call (or the failure to decode it), announced


class _PipeSink:
    """Sends events to the parent; a lock keeps messages from user threads whole and in order."""

    def __init__(self, conn: Connection) -> None:
        self.fd = conn.fileno()
        self.lock = threading.Lock()
        self.held = b""          # a result waiting to go out with the next call's 'started'
        self.announce = False    # the running call came in a batch: say when it starts

    def send(self, message: tuple[Any, ...]) -> None:
        try:
            data = _frames.encode(message)
        except Exception as exc:  # an unpicklable progress output: say so instead of dying
            data = _frames.encode(("log", message[1], "stderr", f"could not send {message[0]}: {exc}\n",
                                   time.time()))
        self.send_raw(data)

    def send_raw(self, data: bytes) -> None:
        with self.lock:
            data, self.held = self.held + data, b""
            _frames.write_all(self.fd, data)

    def hold(self, data: bytes) -> None:
        """Keep ``data`` for the next write: only ever a result whose next call starts now, in
        our own code (no user code runs before that write)."""
        with self.lock:
            self.held += data

    def flush(self) -> None:
        if self.held:
            self.send_raw(b"")

    def started(self, execution_id: str, ts: float) -> None:
        if self.announce:  # a lone call's start was recorded by the parent when it sent it
            self.send_raw(_frames.encode(("started", execution_id, ts)))

    def log(self, execution_id: str, stream: str, text: str, ts: float) -> None:
        self.send(("log", execution_id, stream, text, ts))

    def progress(self, execution_id: str, event: dict[str, Any]) -> None:
        self.send(("progress", execution_id, event))


class _Todo:
    """The calls this worker was sent and has not started, in order. The control thread may
    take back the not-started ones (``recall``: the parent gives them to an idle worker while
    a long call runs here) or drop them (``drop``: the service stops); a batch read after a
    recall that covers it is dropped too (the parent counted it as taken back)."""

    def __init__(self) -> None:
        self.items: deque[Todo] = deque()
        self.lock = threading.Lock()
        self.read_seq = 0          # the last batch read
        self.discard_upto = 0.0    # batches up to this number were taken back before being read

    def __bool__(self) -> bool:
        return bool(self.items)

    def popleft(self) -> Todo:
        return self.items.popleft()  # atomic: a call goes to this thread or to ``recall``, never both

    def add(self, seq: int | None, items: list[Todo]) -> None:
        """Queue a batch numbered ``seq`` (None: a lone call, never taken back)."""
        with self.lock:
            if seq is not None and seq <= self.discard_upto:
                return
            self.items.extend(items)
            self.read_seq = max(self.read_seq, seq or 0)

    def recall(self, upto: int) -> tuple[list[str], int]:
        """Take back every call not started and every batch up to ``upto`` not read yet: their
        execution ids and the last batch read (the parent's later ones were not)."""
        with self.lock:
            self.discard_upto = max(self.discard_upto, upto)
            taken = []
            while True:
                try:
                    taken.append(self.items.pop()[0].execution_id)
                except IndexError:
                    break
            return taken[::-1], self.read_seq

    def take(self, execution_id: str) -> bool:
        """Remove the call ``execution_id`` if it has not started; False if it has (or is unknown)."""
        with self.lock:
            for item in list(self.items):  # a copy: this thread's popleft may run meanwhile
                if item[0].execution_id == execution_id:
                    try:
                        self.items.remove(item)  # fails if this thread's popleft took it meanwhile
                    except ValueError:
                        return False
                    return True
            return False

    def drop(self) -> None:
        with self.lock:
            self.discard_upto = float("inf")
            self.items.clear()


def die_with_parent(parent_pid: int | None) -> None:
    """Exit when the owning process dies, so a body never runs twice at once after an
    ``on_reset="rerun"`` elsewhere: ``PR_SET_PDEATHSIG`` on Linux (the pipe closing covers
    the rest, see ``_next``), and exit now if the parent died before we got here."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl (musl oddities): the pipe still tells us
            pass
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)


def main(conn: Connection, config: ServiceConfig, parent_pid: int | None = None,
         control: Connection | None = None) -> None:
    """Entry point of a worker process: calls arrive on ``conn`` and run in this (main) thread;
    terminate requests arrive on ``control``, read by a thread while a call runs."""
    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a notebook interrupt is for the kernel, not us
    faulthandler.enable()  # a segfault prints where it happened to the worker's stderr
    sink = _PipeSink(conn)
    try:
        from faas_jupyter.runner.host import host_for
        host = host_for(config)
    except BaseException as exc:
        sink.send(("init-failed", f"{type(exc).__name__}: {exc}" if not str(exc).startswith("service")
                   else str(exc)))
        return
    sink.send(("ready", os.getpid()))
    scopes: dict[str, ExecutionScope] = {}
    todo = _Todo()
    if control is not None:
        threading.Thread(target=_control, args=(control, scopes, todo, sink), daemon=True).start()
    while True:
        try:
            call, sink.announce = todo.popleft()
        except IndexError:  # nothing queued (or a stopping service dropped it): wait for more
            if not _next(conn, sink, todo):
                return
            continue
        result = call if isinstance(call, CallResult) else _run(host, call, sink, scopes)
        _send_result(sink, result, hold=bool(todo))


def _run(host: Any, call: CallSpec, sink: _PipeSink, scopes: dict[str, ExecutionScope]) -> CallResult:
    eid = call.execution_id
    scope = scopes.setdefault(eid, ExecutionScope(eid, time.monotonic() + call.timeout if call.timeout else None))
    try:
        if scope.terminate_requested and sink.announce:  # terminated while it waited in its batch
            return CallResult(eid, "terminated", error="terminated before it started", finished_at=time.time())
        result: CallResult = host.run(call, sink, scope)
        return result
    finally:
        scopes.pop(eid, None)


def _next(conn: Connection, sink: _PipeSink, todo: _Todo) -> bool:
    """Wait for the next call or batch and queue it in ``todo``; False when the parent says stop."""
    sink.flush()
    while True:
        try:
            kind, payload = conn.recv()
        except (EOFError, OSError):  # the parent is gone: stop now
            os._exit(1)
        if kind == "call":
            todo.add(None, [(payload, False)])
            return True
        if kind == "calls":  # decoded now, so nothing but our own code runs between two calls
            seq, batch = payload
            todo.add(seq, [(_decode(eid, data), True) for eid, data in batch])
            return True
        if kind == "stop":
            return False


def _decode(eid: str, data: bytes) -> CallSpec | CallResult:
    try:
        call: CallSpec = pickle.loads(data)
        return call
    except Exception as exc:  # e.g. an input's class cannot be imported here: that call fails
        return CallResult(eid, "failed", error=f"the inputs could not be received: {type(exc).__name__}: "
                          f"{exc}", error_type="PackingError", finished_at=time.time())


def _control(control: Connection, scopes: dict[str, ExecutionScope], todo: _Todo, sink: _PipeSink) -> None:
    while True:
        try:
            kind, payload = control.recv()
        except (EOFError, OSError):  # the parent is gone: stop now, even mid-call
            os._exit(1)
        if kind == "terminate":
            if todo.take(payload):  # not started: it never runs, and the parent hears so now
                _send_result(sink, CallResult(payload, "terminated", error="terminated before it started",
                                              finished_at=time.time()))
            else:  # running (or about to start): kill_event() tells it
                scopes.setdefault(payload, ExecutionScope(payload)).request_terminate()
        elif kind == "recall":
            sink.send(("recalled", *todo.recall(payload)))
        elif kind == "drop":  # the service stops: the calls not started yet never run
            todo.drop()


def _send_result(sink: _PipeSink, result: CallResult, hold: bool = False) -> None:
    try:
        data = _frames.encode(("result", result))
    except Exception as exc:  # the output could not be pickled back to the parent
        data = _frames.encode(("result", CallResult(
            result.execution_id, "failed", error=f"the output could not be sent back: "
            f"{type(exc).__name__}: {exc}", error_type="PackingError",
            started_at=result.started_at, finished_at=result.finished_at)))
    if hold:
        sink.hold(data)
    else:
        sink.send_raw(data)
