"""The worker side of the ``dask`` runtime (imported on Dask workers only).

No single copy of a service lives anywhere: :class:`ServicePlugin` is registered on
the scheduler, which hands it to every worker, the ones that join later included.
It carries the service's config without the code; each worker fetches the codebase
from the artifact store by digest on first use and keeps the built instance (one per
worker and service token), so losing a worker loses nothing but its running calls.

Events (``started``, logs, progress) are buffered per worker and sent to the client
every ``STREAM_INTERVAL`` seconds as Dask events on the service's topic; what a call
has not sent when it ends travels with its result. Both ride the worker's one batched
stream, so the client sees a call's events before its result.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from distributed.diagnostics.plugin import WorkerPlugin

from faas_jupyter.errors import FaasError
from faas_jupyter.model.service_runner import ExecutionScope
from faas_jupyter.runner.runtimes.base import CallResult, CallSpec, ServiceConfig, codebase_path

if TYPE_CHECKING:  # imported on use (the host imports the packagers and the loader)
    from faas_jupyter.model.codebase import Codebase
    from faas_jupyter.runner.host import ServiceHost

STREAM_INTERVAL = 0.05

_CONFIGS: dict[str, ServiceConfig] = {}
_HOSTS: dict[str, ServiceHost] = {}
_SEMAPHORES: dict[str, Any] = {}
_SCOPES: dict[str, ExecutionScope] = {}  # execution id -> the scope of a call running here
_LOCK = threading.Lock()


@dataclass
class CodebaseRef:
    """A codebase by digest; ``files`` only when there is no artifact store to fetch it from."""

    digest: str
    files: dict[str, Any] | None = None


class ServicePlugin(WorkerPlugin):
    """Gives every worker a service's config (the code stays in the artifact store).

    The name holds a digest of the config, so registering it again (another process starting
    the same service) changes nothing and leaves the workers' instances alone."""

    idempotent = True

    def __init__(self, token: str, config: ServiceConfig):
        self.token = token
        self.config = config

    def setup(self, worker: Any) -> None:
        with _LOCK:
            _CONFIGS[self.token] = self.config

    def teardown(self, worker: Any) -> None:
        with _LOCK:
            _CONFIGS.pop(self.token, None)
            _HOSTS.pop(self.token, None)


def _fetch_codebase(config: ServiceConfig, digest: str) -> Codebase:
    from faas_jupyter.model.codebase import Codebase
    from faas_jupyter.store.artifacts import ArtifactStore
    assert config.artifacts is not None  # a codebase is fetched only from a shared artifact root
    store = ArtifactStore(config.artifacts, **config.storage_options)
    with store.open(codebase_path(digest)) as f:
        codebase = Codebase.from_zip(f.read())
    if codebase.digest != digest:
        raise FaasError(f"service {config.name!r}: the codebase in {config.artifacts} has digest "
                        f"{codebase.digest}, expected {digest}; deploy the service again")
    return codebase


def _host(token: str) -> ServiceHost:
    with _LOCK:
        host = _HOSTS.get(token)
        config = _CONFIGS.get(token)
    if host is not None:
        return host
    if config is None:
        raise FaasError(f"this Dask worker has no config for service token {token} (its plugin "
                        "was removed: the service stopped or was redeployed)")
    from faas_jupyter.runner.host import host_for
    ref = config.codebase
    codebase = ref.files if ref.files is not None else _fetch_codebase(config, ref.digest)
    # the loader's own per-user cache: the submitter's cache_dir may not exist on this machine,
    # and the worker's local directory goes away with the worker (an in-process one too)
    host = host_for(replace(config, codebase=codebase, cache_dir=None))
    with _LOCK:  # two threads may build at once: keep the first, so every call sees one instance
        return _HOSTS.setdefault(token, host)


def warm(token: str) -> str:
    """Build the service on this worker now (a broken init fails the deploy); its address."""
    _host(token)
    from distributed import get_worker
    return get_worker().address


class _Stream:
    """One per worker: buffers events by (topic, execution) and sends them in batches."""

    def __init__(self, worker: Any) -> None:
        self.worker = worker  # captured in a task thread: get_worker() fails in our own thread
        self.events: dict[tuple[Any, ...], list[Any]] = {}
        self.lock = threading.Lock()
        threading.Thread(target=self._loop, daemon=True, name="faas-dask-events").start()

    def add(self, topic: str, execution_id: str, event: tuple[Any, ...]) -> None:
        with self.lock:
            self.events.setdefault((topic, execution_id), []).append(event)

    def take(self, topic: str, execution_id: str) -> list[Any]:
        with self.lock:
            return self.events.pop((topic, execution_id), [])

    def _loop(self) -> None:
        while True:
            time.sleep(STREAM_INTERVAL)
            by_topic: dict[str, list[Any]] = {}
            with self.lock:
                for (topic, _), events in self.events.items():
                    if events:
                        by_topic.setdefault(topic, []).extend(events)
                        events.clear()
            for topic, batch in by_topic.items():
                self.worker.log_event(topic, {"worker": self.worker.address, "events": batch})


_STREAM: _Stream | None = None


def _stream() -> _Stream:
    global _STREAM
    with _LOCK:
        if _STREAM is None:
            from distributed import get_worker
            _STREAM = _Stream(get_worker())
        return _STREAM


class _Sink:
    def __init__(self, stream: _Stream, topic: str):
        self.stream, self.topic = stream, topic

    def started(self, execution_id: str, ts: float) -> None:
        self.stream.add(self.topic, execution_id, ("started", execution_id, ts))

    def log(self, execution_id: str, stream: str, text: str, ts: float) -> None:
        self.stream.add(self.topic, execution_id, ("log", execution_id, stream, text, ts))

    def progress(self, execution_id: str, event: dict[str, Any]) -> None:  # plain JSON: events travel as msgpack
        self.stream.add(self.topic, execution_id,
                        ("progress", execution_id, json.loads(json.dumps(event, default=repr))))


def run_call(call: CallSpec, token: str, topic: str, limit: tuple[Any, ...] | None) -> CallResult:
    """One execution on this worker; ``limit`` is ``(semaphore name, leases)`` or None."""
    stream = _stream()
    host = _host(token)
    sink = _Sink(stream, topic)
    scope = ExecutionScope(call.execution_id, time.monotonic() + call.timeout if call.timeout else None)
    with _LOCK:
        _SCOPES[call.execution_id] = scope
    try:
        if limit is None:
            result = host.run(call, sink, scope)
        else:
            with _semaphore(*limit):
                result = host.run(call, sink, scope)
    finally:
        with _LOCK:
            _SCOPES.pop(call.execution_id, None)
    result.events = stream.take(topic, call.execution_id)
    return result


def request_terminate(execution_id: str) -> bool:
    """(Run on every worker by ``client.run``) ask a running call to stop at ``kill_event()``."""
    with _LOCK:
        scope = _SCOPES.get(execution_id)
    if scope is not None:
        scope.request_terminate()
    return scope is not None


def _semaphore(name: str, leases: int) -> Any:
    """The service's cluster-wide ``distributed.Semaphore`` (one object per worker)."""
    with _LOCK:
        sem = _SEMAPHORES.get(name)
        if sem is None:
            from distributed import Semaphore, get_worker
            worker = get_worker()
            sem = _SEMAPHORES[name] = Semaphore(max_leases=leases, name=name,
                                                scheduler_rpc=worker.scheduler, loop=worker.loop)
        return sem


def missing_requirements(requirements: list[Any]) -> list[Any]:
    """The requirements (pip specifiers) not satisfied in this worker's environment."""
    from importlib.metadata import PackageNotFoundError, version
    missing = []
    for text in requirements:
        try:
            from packaging.requirements import Requirement
            req = Requirement(text)
            name, spec = req.name, req.specifier
        except Exception:  # no packaging, or a URL requirement: check the name only
            import re
            name, spec = re.split(r"[\s\[<>=!~;@]", text.strip(), maxsplit=1)[0], None
        try:
            found = version(name)
        except PackageNotFoundError:
            missing.append(text)
            continue
        if spec is not None and not spec.contains(found, prereleases=True):
            missing.append(f"{text} (has {found})")
    return missing
