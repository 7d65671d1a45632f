"""The ``dask`` runtime: calls run as tasks on a Dask cluster.

A LocalCluster by default (``concurrency`` workers), or any scheduler through
``address=``. The ServiceConfig is scattered once; each worker builds the
service once and keeps it (``_HOSTS``). Events travel back with the result and
are replayed to the sink, since a task cannot stream. A terminate cancels the
task; a task already running on a worker thread runs to its end there.
"""
from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import Future
from typing import Any

from faas_jupyter.errors import FaasError
from faas_jupyter.runner.runtimes.base import (CallResult, CallSpec, Runtime, ServiceConfig, Watchdog,
                                               finished, replay)

_HOSTS: dict[str, Any] = {}
_HOSTS_LOCK = threading.Lock()


class _ListSink:
    def __init__(self):
        self.events: list = []

    def started(self, execution_id, ts):
        self.events.append(("started", execution_id, ts))

    def log(self, execution_id, stream, text, ts):
        self.events.append(("log", execution_id, stream, text, ts))

    def progress(self, execution_id, event):
        self.events.append(("progress", execution_id, event))


def _host(config: ServiceConfig, token: str):
    from faas_jupyter.runner.host import host_for
    with _HOSTS_LOCK:
        host = _HOSTS.get(token)
        if host is None:
            host = _HOSTS[token] = host_for(config)
        return host


def _dask_warm(config: ServiceConfig, token: str) -> bool:
    _host(config, token)
    return True


def _dask_call(config: ServiceConfig, token: str, call: CallSpec) -> CallResult:
    """Runs on a Dask worker: one call, with its events attached to the result."""
    sink = _ListSink()
    result = _host(config, token).run(call, sink)
    result.events = sink.events
    return result


class DaskRuntime(Runtime):
    name = "dask"

    def __init__(self, sink=None, address: str | None = None, **cluster_options):
        super().__init__(sink)
        self.address = address
        self.cluster_options = cluster_options
        self.client = None
        self._cluster = None
        self._token = uuid.uuid4().hex
        self._lock = threading.Lock()
        self._live: dict[str, tuple[Any, Future, CallSpec]] = {}
        self._watchdog = Watchdog()

    def start(self, config: ServiceConfig) -> None:
        from distributed import Client, LocalCluster
        self.config = config
        if self.address:
            self.client = Client(self.address)
        else:
            options = {"n_workers": max(1, config.concurrency), "threads_per_worker": 1,
                       "dashboard_address": None, **self.cluster_options}
            self._cluster = LocalCluster(**options)
            self.client = Client(self._cluster)
        self._config = self.client.scatter(config, broadcast=True, hash=False)
        try:  # build the service on a worker now, so a broken init fails the deploy
            self.client.submit(_dask_warm, self._config, self._token, pure=False).result()
        except Exception as exc:
            self.stop()
            raise exc if isinstance(exc, FaasError) else FaasError(
                f"service {config.name!r} could not start on Dask: {type(exc).__name__}: {exc}") from exc

    def submit(self, call: CallSpec) -> "Future[CallResult]":
        outer: Future = Future()
        outer.set_running_or_notify_cancel()
        task = self.client.submit(_dask_call, self._config, self._token, call, pure=False,
                                  key=f"faas-{call.execution_id}-{call.attempt}-{uuid.uuid4().hex[:6]}")
        with self._lock:
            self._live[call.execution_id] = (task, outer, call)
        task.add_done_callback(lambda t: self._done(call, t, outer))
        if call.timeout:
            self._watchdog.at(time.monotonic() + call.timeout, lambda: self._settle(call, outer, finished(
                call, "failed", f"execution timed out after {call.timeout:g} s (execution_timeout)",
                timed_out=True, error_type="TimeoutError"), cancel=True))
        return outer

    def _done(self, call: CallSpec, task, outer: Future) -> None:
        if task.status == "finished":
            result = task.result()
            replay(self.sink, result.events)
            result.events = []
        elif task.status == "cancelled":
            result = finished(call, "terminated", "the Dask task was cancelled")
        else:
            exc = task.exception()
            result = finished(call, "system-failure", f"Dask task failed: {type(exc).__name__}: {exc}")
        self._settle(call, outer, result)

    def _settle(self, call: CallSpec, outer: Future, result: CallResult, cancel: bool = False) -> None:
        with self._lock:
            entry = self._live.pop(call.execution_id, None)
            if outer.done():
                return
            outer.set_result(result)
        if cancel and entry is not None:
            entry[0].cancel()

    def terminate(self, execution_id: str) -> bool:
        entry = self._live.get(execution_id)
        if entry is None:
            return False
        task, outer, call = entry
        self._settle(call, outer, finished(call, "terminated", "terminated (the Dask task was cancelled)"),
                     cancel=True)
        return True

    def stop(self) -> None:
        with self._lock:
            live = list(self._live.values())
        for task, outer, call in live:
            self._settle(call, outer, finished(call, "canceled", "the service stopped"), cancel=True)
        if self.client is not None:
            self.client.close()
        if self._cluster is not None:
            self._cluster.close()
