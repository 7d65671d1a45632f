"""The worker process of the ``process`` runtime (started with the spawn context).

It loads the codebase once, then serves calls from its Pipe one at a time, in its main
thread (no hand-off per call). Terminate requests come on a second pipe that a thread
keeps reading while a call runs, so they reach ``kill_event()`` at once. Messages out:
``("ready", pid)``, ``("init-failed", message)``, ``("log"|"progress", execution_id, ...)``,
``("result", CallResult)``: a call's reply is one message unless it logs. Its start is
recorded by the parent when it hands the call to this idle worker.
"""
from __future__ import annotations

import faulthandler
import os
import pickle
import signal
import sys
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from faas_jupyter.model.service_runner import ExecutionScope
from faas_jupyter.runner.runtimes.base import CallResult, CallSpec, ServiceConfig

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


class _PipeSink:
    """Sends events to the parent; a lock keeps messages from user threads whole."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.lock = threading.Lock()

    def send(self, message: tuple[Any, ...]) -> None:
        try:
            data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an unpicklable progress output: say so instead of dying
            data = pickle.dumps(("log", message[1], "stderr", f"could not send {message[0]}: {exc}\n",
                                 time.time()))
        self.send_raw(data)

    def send_raw(self, data: bytes) -> None:
        with self.lock:
            self.conn.send_bytes(data)

    def started(self, execution_id: str, ts: float) -> None:
        pass  # the parent recorded it when it sent the call: one reply message per call

    def log(self, execution_id: str, stream: str, text: str, ts: float) -> None:
        self.send(("log", execution_id, stream, text, ts))

    def progress(self, execution_id: str, event: dict[str, Any]) -> None:
        self.send(("progress", execution_id, event))


def die_with_parent(parent_pid: int | None) -> None:
    """Exit when the owning process dies, so a body never runs twice at once after an
    ``on_reset="rerun"`` elsewhere: ``PR_SET_PDEATHSIG`` on Linux (the pipe closing covers
    the rest, see ``_read``), and exit now if the parent died before we got here."""
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
    """Entry point of a worker process: calls arrive on ``conn`` and run in this (main) thread,
    whose reply is one ``result`` message (plus any log/progress lines); terminate requests
    arrive on ``control``, read by a thread while a call runs."""
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
    if control is not None:
        threading.Thread(target=_control, args=(control, scopes), daemon=True).start()
    while (call := _next_call(conn)) is not None:
        scope = scopes.setdefault(call.execution_id, ExecutionScope(
            call.execution_id, time.monotonic() + call.timeout if call.timeout else None))
        result = host.run(call, sink, scope)
        scopes.pop(call.execution_id, None)
        _send_result(sink, result)


def _next_call(conn: Connection) -> CallSpec | None:
    """The next call from the parent; None when it says stop."""
    while True:
        try:
            kind, payload = conn.recv()
        except (EOFError, OSError):  # the parent is gone: stop now
            os._exit(1)
        if kind == "call":
            return payload  # type: ignore[no-any-return]
        if kind == "stop":
            return None


def _control(control: Connection, scopes: dict[str, ExecutionScope]) -> None:
    while True:
        try:
            kind, payload = control.recv()
        except (EOFError, OSError):  # the parent is gone: stop now, even mid-call
            os._exit(1)
        if kind == "terminate":
            scopes.setdefault(payload, ExecutionScope(payload)).request_terminate()


def _send_result(sink: _PipeSink, result: CallResult) -> None:
    try:
        data = pickle.dumps(("result", result), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # the output could not be pickled back to the parent
        data = pickle.dumps(("result", CallResult(
            result.execution_id, "failed", error=f"the output could not be sent back: "
            f"{type(exc).__name__}: {exc}", error_type="PackingError",
            started_at=result.started_at, finished_at=result.finished_at)))
    sink.send_raw(data)
