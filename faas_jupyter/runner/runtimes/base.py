"""The runtime contract: ``ServiceConfig`` in, ``CallSpec`` -> ``CallResult`` per execution.

Everything here crosses process boundaries, so it is small and picklable.
A runtime reports ``started``/``log``/``progress`` events to an :class:`EventSink`
in the parent; statuses, retries and records belong to the supervisor.
"""
from __future__ import annotations

import heapq
import itertools
import threading
import time
from abc import ABC, abstractmethod
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from faas_jupyter.runner.adapters import InputResolver, OutputPacker

CODEBASES = ".faas-codebases"  # artifact-root folder of content-addressed codebase zips (dask workers)


def codebase_path(digest: str) -> str:
    """Where a codebase's zip lives in the artifact root (``ws.gc()`` keeps those of revisions)."""
    return f"{CODEBASES}/{digest.replace(':', '-')}.zip"


@dataclass
class ServiceConfig:
    """What a runtime needs to serve one module of one revision."""

    name: str
    module: Any                      # model.package.PackageModule
    codebase: Any                    # Codebase, {path: bytes}, or a folder
    package: str | None = None
    revision: str | None = None
    project: str | None = None
    init_input: dict[str, Any] = field(default_factory=dict)
    concurrency: int = 1
    execution_timeout: float | None = 3600
    max_attempts: int = 1
    terminate_grace: float = 5.0     # seconds between a cooperative terminate and a forced one
    resolver: InputResolver | None = None      # picklable for process/dask runtimes (adapters.py)
    pack_output: OutputPacker | None = None    # runs with the function; returns a PackedOutput
    cache_dir: str | None = None     # where codebases are extracted
    echo: bool = False               # also write captured output to the real stdout/stderr
    service_entity: Any = None       # given to the instance as ``service_entity``
    artifacts: str | None = None     # the artifact root URL (remote runtimes check workers reach it)
    storage_options: dict[str, Any] = field(default_factory=dict)  # its fsspec options, sent to the workers
    requirements: list[Any] = field(default_factory=list)     # the package's pip requirements

    @property
    def key(self) -> str:
        digest = getattr(self.codebase, "digest", None) or ""
        return f"{self.name}:{self.revision}:{digest[:12]}"


@dataclass
class CallSpec:
    execution_id: str
    function_name: str = "run"
    inputs: dict[str, Any] = field(default_factory=dict)
    attempt: int = 1
    timeout: float | None = None
    returns: list[Any] | None = None      # log hints given at execute time (override the FunctionIO outputs)
    trigger: dict[str, Any] | None = None  # the trigger that made it: {"id", "event"} (the function's context)


@dataclass
class CallResult:
    execution_id: str
    status: str                      # an ExecutionStatus value: success, failed, terminated, canceled, ...
    output: Any = None
    error: str | None = None
    traceback: str | None = None
    error_type: str | None = None    # e.g. "ValidationError": the supervisor does not retry those
    started_at: float | None = None
    finished_at: float | None = None
    timed_out: bool = False
    events: list[Any] = field(default_factory=list)  # runtimes without streaming replay these


class EventSink(Protocol):
    def started(self, execution_id: str, ts: float) -> None: ...
    def log(self, execution_id: str, stream: str, text: str, ts: float) -> None: ...
    def progress(self, execution_id: str, event: dict[str, Any]) -> None: ...


class NullSink:
    """Drops events (when nobody records them)."""

    def started(self, execution_id: str, ts: float) -> None: pass
    def log(self, execution_id: str, stream: str, text: str, ts: float) -> None: pass
    def progress(self, execution_id: str, event: dict[str, Any]) -> None: pass


def replay(sink: EventSink, events: list[Any]) -> None:
    """Deliver ``("started"|"log"|"progress", execution_id, *args)`` tuples to ``sink``."""
    for kind, *args in events:
        getattr(sink, kind)(*args)


class Runtime(ABC):
    """Where a service's functions run. ``submit`` returns a Future of a CallResult."""

    name = "runtime"
    # calls run as Python threads of this process: a batch's recording should not write beside
    # them (``StoreRecorder.pace``), each row SQLite steps then waits for the GIL
    in_process = False

    def __init__(self, sink: EventSink | None = None):
        self.sink = sink or NullSink()
        self.config: ServiceConfig | None = None
        # set before stop() to say why (e.g. "service 'x' was deleted"): what stop() records for
        # the calls it ends, instead of a generic "the service stopped"
        self.stop_reason: str | None = None

    @abstractmethod
    def start(self, config: ServiceConfig) -> None: ...

    @abstractmethod
    def submit(self, call: CallSpec) -> "Future[CallResult]": ...

    @abstractmethod
    def terminate(self, execution_id: str) -> bool:
        """Ask a queued or running execution to stop; False if it is unknown or done."""

    @abstractmethod
    def stop(self) -> None: ...


def finished(call: CallSpec, status: str, error: str | None = None, **extra: Any) -> CallResult:
    """A CallResult decided by the runtime, not the function (timeouts, crashes, cancels)."""
    return CallResult(call.execution_id, status, error=error, finished_at=time.time(), **extra)


def timed_out(call: CallSpec, then: str = "") -> CallResult:
    """The failed result of a call that ran past its ``execution_timeout`` (every runtime's
    words); ``then``: what the runtime did about it ("its thread was asked to stop")."""
    error = f"execution timed out after {call.timeout:g} s (execution_timeout)" + (f"; {then}" if then else "")
    return finished(call, "failed", error, timed_out=True, error_type="TimeoutError")


class Watchdog:
    """One daemon thread firing callbacks at deadlines (timeouts, forced terminates).

    ``at`` returns the entry; ``cancel`` drops it (the heap is compacted when most entries
    are cancelled, so a long ``map`` with a timeout per call keeps no ended call alive)."""

    def __init__(self) -> None:
        self._heap: list[list[Any]] = []
        self._cond = threading.Condition()
        self._ids = itertools.count()
        self._thread: threading.Thread | None = None
        self._cancelled = 0

    def at(self, when: float, callback: Callable[[], None]) -> list[Any]:
        """Call ``callback`` at ``time.monotonic() == when`` (callbacks must be quick)."""
        entry = [when, next(self._ids), callback]
        with self._cond:
            heapq.heappush(self._heap, entry)
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="faas-watchdog", daemon=True)
                self._thread.start()
            if self._heap[0] is entry:  # only a new earliest deadline changes the thread's wait
                self._cond.notify()
        return entry

    def cancel(self, entry: list[Any]) -> None:
        with self._cond:
            if entry[2] is None:
                return
            entry[2] = None
            self._cancelled += 1
            if self._cancelled > 64 and self._cancelled * 2 > len(self._heap):
                self._heap = [e for e in self._heap if e[2] is not None]
                heapq.heapify(self._heap)
                self._cancelled = 0

    def waiting(self) -> int:
        """How many entries the heap holds (cancelled ones not yet dropped included)."""
        with self._cond:
            return len(self._heap)

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._heap or self._heap[0][0] > time.monotonic():
                    self._cond.wait(None if not self._heap else self._heap[0][0] - time.monotonic())
                entry = heapq.heappop(self._heap)
                callback, entry[2] = entry[2], None
                if callback is None:
                    self._cancelled -= 1
                    continue
            callback()
