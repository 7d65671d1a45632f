"""The ``dask`` runtime: calls run as tasks on a Dask cluster.

A LocalCluster owned by this process by default (``concurrency`` workers), or the
cluster of ``address`` (the service's stored ``scheduler``). Starting checks the
cluster once (workers import faas_jupyter, the artifact root is reachable from them,
the package's requirements are installed or present), puts the codebase into the
artifact store by digest and registers a ``ServicePlugin`` (``_dask_worker``): every
worker, present or future, builds its own copy of the service on first use.

Calls are submitted in batches (one ``client.map`` graph per batch) and collected in
batches (``as_completed`` + one ``gather``). Logs and ``started`` stream back as Dask
events on a topic of this runtime. A worker lost while running a call counts as a
failed attempt: Dask's own rerun is the next attempt while ``max_attempts`` allows,
else the task is cancelled and the call ends ``system-failure`` naming the worker.
``concurrency`` holds cluster-wide through a ``distributed.Semaphore`` whenever the
cluster has more threads than that.
"""
from __future__ import annotations

import hashlib
import itertools
import queue
import threading
import time
import uuid
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import Any

from faas_jupyter.errors import FaasError
from faas_jupyter.runner.runtimes.base import (CallResult, CallSpec, EventSink, Runtime, ServiceConfig,
                                               Watchdog, finished, replay, timed_out)
from faas_jupyter.runner.runtimes import _dask_cluster as cluster

NO_WORKER_TIMEOUT = 30.0


@dataclass
class _Entry:
    call: CallSpec
    outer: Future[CallResult]
    key: str
    task: Any = None                 # the distributed Future, once submitted
    worker: str | None = None        # where the current attempt started (from its events)
    lost: list[Any] = field(default_factory=list)


class DaskRuntime(Runtime):
    name = "dask"

    def __init__(self, sink: EventSink | None = None, address: str | None = None, shared_filesystem: bool = False,
                 install_requirements: bool = True, **cluster_options: Any) -> None:
        super().__init__(sink)
        self.address = address
        self.shared_filesystem = shared_filesystem
        self.install_requirements = install_requirements
        self.cluster_options = cluster_options
        self.client: Any = None     # the distributed Client once started
        self._cluster: Any = None   # the LocalCluster this runtime owns, if any
        self._lock = threading.Lock()
        self._live: dict[str, _Entry] = {}
        self._by_key: dict[str, _Entry] = {}
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._watchdog = Watchdog()
        self._stopped = False
        self._threads_seen = (0.0, 0)   # (when, total worker threads) for the semaphore decision
        self._keys = itertools.count()  # task keys: execution id (a uuid) + attempt + this counter

    # -- starting ------------------------------------------------------------------------------
    def start(self, config: ServiceConfig) -> None:
        self.config = config
        self.client, self._cluster = cluster.connect(self.address, config, self.cluster_options)
        try:
            self._prepare(config)
        except BaseException as exc:
            self._close()
            if isinstance(exc, FaasError):
                raise
            raise FaasError(f"service {config.name!r} could not start on Dask "
                            f"({self.address or 'LocalCluster'}): {type(exc).__name__}: {exc}") from exc

    def _prepare(self, config: ServiceConfig) -> None:
        client = self.client
        cluster.wait_for_workers(client, self.address, NO_WORKER_TIMEOUT)
        cluster.check_imports(client, self.address)
        if self.address:
            cluster.check_artifacts(config, self.address, self.shared_filesystem)
        cluster.requirements(client, config, self.install_requirements)
        self.token = _token(config)
        self.topic = f"faas-events-{self.token[:16]}-{uuid.uuid4().hex[:8]}"
        from faas_jupyter.runner.runtimes._dask_worker import ServicePlugin, warm
        shipped = cluster.ship_codebase(config)
        client.register_plugin(ServicePlugin(self.token, replace(config, codebase=shipped)),
                               name=f"faas-service-{self.token}")
        client.subscribe_topic(self.topic, self._on_events)
        client.subscribe_topic("all", self._on_cluster_event)
        # build the service on a worker now, so a broken init fails the deploy
        client.submit(warm, self.token, pure=False).result()
        self._collector = cluster.Collector(client, self._collected)
        threading.Thread(target=self._submit_loop, name="faas-dask-submit", daemon=True).start()

    # -- submitting ----------------------------------------------------------------------------
    def submit(self, call: CallSpec) -> "Future[CallResult]":
        outer: Future[CallResult] = Future()
        outer.set_running_or_notify_cancel()
        entry = _Entry(call, outer, f"faas-{call.execution_id}-{call.attempt}-{next(self._keys)}")
        with self._lock:
            self._live[call.execution_id] = entry
            self._by_key[entry.key] = entry
        if call.timeout:  # the deadline holds the key only: an ended call is not kept alive
            key = entry.key
            self._watchdog.at(time.monotonic() + call.timeout, lambda: self._timed_out(key))
        self._queue.put(entry)
        return outer

    def _timed_out(self, key: str) -> None:
        entry = self._by_key.get(key)
        if entry is not None:
            self._settle(entry, timed_out(entry.call), cancel=True)

    def _submit_loop(self) -> None:
        """Whatever queued up while the previous batch was sent goes as one graph."""
        from faas_jupyter.runner.runtimes._dask_worker import run_call
        while True:
            batch = cluster.drain(self._queue)
            if any(e is None for e in batch):
                return
            batch = [e for e in batch if not e.outer.done()]
            if not batch:
                continue
            try:
                tasks = self.client.map(run_call, [e.call for e in batch], key=[e.key for e in batch],
                                        pure=False, token=self.token, topic=self.topic, limit=self._limit())
            except Exception as exc:  # the cluster went away: the calls end, the service stays
                for e in batch:
                    self._settle(e, finished(e.call, "system-failure", f"could not submit to Dask: {exc}"))
                continue
            for entry, task in zip(batch, tasks):
                entry.task = task
            self._collector.add(tasks)

    def _limit(self) -> tuple[Any, ...] | None:
        """The semaphore for ``concurrency``, unless the cluster has no more threads than that."""
        when, threads = self._threads_seen
        if time.monotonic() - when > 1.0:
            threads = sum(self.client.nthreads().values())
            self._threads_seen = (time.monotonic(), threads)
        config = self._config()
        if threads <= config.concurrency:
            return None
        entity = config.service_entity
        return (f"faas-concurrency-{getattr(entity, 'id', None) or config.name}", config.concurrency)

    def _config(self) -> ServiceConfig:
        """The service's configuration: ``start`` sets it before any call is submitted."""
        assert self.config is not None
        return self.config

    # -- results and events --------------------------------------------------------------------
    def _collected(self, tasks: list[Any], results: dict[str, Any]) -> None:
        """Called by the collector with finished/erred/cancelled tasks (and gathered results)."""
        for task in tasks:
            with self._lock:
                entry = self._by_key.get(task.key)
            if entry is None:
                continue
            if task.key in results:
                result = results[task.key]
                replay(self.sink, result.events)
                result.events = []
            elif task.status == "cancelled":  # not by us (we settle first): the cluster dropped it
                result = finished(entry.call, "system-failure", "the Dask cluster cancelled the task "
                                  "(scheduler restarted or lost?)", error_type="WorkerLost")
            else:
                result = _failure(entry, task)
            self._settle(entry, result)

    def _on_events(self, event: Any) -> None:
        """Dask event handler (client event loop): a batch of events from one worker."""
        _, msg = event
        worker = msg.get("worker")
        for kind, eid, *args in msg.get("events", ()):
            if kind == "started":
                entry = self._live.get(eid)
                if entry is not None:
                    entry.worker = worker
            getattr(self.sink, kind)(eid, *args)

    def _on_cluster_event(self, event: Any) -> None:
        _, msg = event
        if not isinstance(msg, dict) or msg.get("action") != "remove-worker":
            return
        worker = msg.get("worker")
        lost = []
        with self._lock:
            for key in msg.get("processing-tasks") or ():
                entry = self._by_key.get(key)
                if entry is not None and entry.worker == worker:
                    lost.append(entry)
        if lost:  # off the event loop: cancelling a task talks to the scheduler
            threading.Thread(target=self._workers_lost, args=(lost, worker), daemon=True).start()

    def _workers_lost(self, entries: list[Any], worker: str) -> None:
        for entry in entries:
            entry.lost.append(worker)
            entry.worker = None
            why = f"the Dask worker {worker} running it was lost"
            next_attempt = getattr(self.sink, "attempt_lost", lambda *a: None)(
                entry.call.execution_id, time.time(), why)
            if next_attempt is None:  # no attempt left: Dask's own rerun must not run it again
                self._settle(entry, finished(entry.call, "system-failure", f"{why} (max_attempts used up)",
                                             error_type="WorkerLost"), cancel=True)

    def _settle(self, entry: _Entry, result: CallResult, cancel: bool = False) -> None:
        with self._lock:
            self._live.pop(entry.call.execution_id, None)
            self._by_key.pop(entry.key, None)
            if entry.outer.done():
                return
            entry.outer.set_result(result)
        if cancel and entry.task is not None:
            try:
                entry.task.cancel()
            except Exception:  # the client is closing: the task goes with it
                pass

    # -- control -------------------------------------------------------------------------------
    def terminate(self, execution_id: str) -> bool:
        """Cancel the task; a body already running is asked to stop at its next ``kill_event()``."""
        entry = self._live.get(execution_id)
        if entry is None:
            return False
        self._settle(entry, finished(entry.call, "terminated", "terminated (the Dask task was cancelled)"),
                     cancel=True)
        if entry.worker is not None:  # it started: reach its scope on the workers
            from faas_jupyter.runner.runtimes._dask_worker import request_terminate
            try:
                self.client.run(request_terminate, execution_id, on_error="ignore")
            except Exception:  # the worker is gone: nothing runs any more
                pass
        return True

    def stop(self) -> None:
        with self._lock:
            live = list(self._live.values())
        for entry in live:
            self._settle(entry, finished(entry.call, "canceled", "the service stopped"), cancel=True)
        self._queue.put(None)
        self._close()

    def _close(self) -> None:
        self._stopped = True
        collector = getattr(self, "_collector", None)
        if collector is not None:
            collector.stop()
        if self.client is not None:
            for topic in (getattr(self, "topic", None), "all"):
                try:
                    if topic:
                        self.client.unsubscribe_topic(topic)
                except Exception:  # closing anyway
                    pass
            self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def _failure(entry: _Entry, task: Any) -> CallResult:
    try:
        exc = task.exception()
    except Exception as err:  # the task's state is gone with its worker
        exc = err
    if type(exc).__name__ == "KilledWorker":
        worker = getattr(getattr(exc, "last_worker", None), "address", "?")
        return finished(entry.call, "system-failure",
                        f"the Dask worker {worker} running it was lost, and so were the workers of "
                        f"the scheduler's reruns (KilledWorker)", error_type="WorkerLost")
    if isinstance(exc, FaasError):
        return finished(entry.call, "system-failure", str(exc))
    return finished(entry.call, "system-failure", f"Dask task failed: {type(exc).__name__}: {exc}")


def _token(config: ServiceConfig) -> str:
    """Identical configs (same service, revision, code, inputs, storage) share one worker copy."""
    entity = config.service_entity
    parts = (config.name, getattr(entity, "id", None), config.revision, cluster.digest_of(config.codebase),
             repr(config.module), repr(sorted(config.init_input.items())), config.artifacts,
             repr(sorted(config.storage_options.items())), config.project,
             repr(getattr(config.resolver, "packagers", ())), config.execution_timeout)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


__all__ = ["DaskRuntime"]
