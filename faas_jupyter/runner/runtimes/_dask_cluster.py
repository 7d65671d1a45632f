"""The client side of the ``dask`` runtime's checks, set-up and result collection.

Everything a deploy onto a cluster can get wrong is found here once, before any
execution, and reported as one ``FaasError`` naming the cause and the fix.
"""
from __future__ import annotations

import queue
import threading
from typing import TYPE_CHECKING, Any, Callable

from faas_jupyter.errors import Conflict, FaasError
from faas_jupyter.runner.runtimes.base import ServiceConfig

if TYPE_CHECKING:  # imported on use: it imports distributed's worker side
    from faas_jupyter.runner.runtimes._dask_worker import CodebaseRef

CONNECT_TIMEOUT = "10s"


def connect(address: str | None, config: ServiceConfig, cluster_options: dict[str, Any]) -> tuple[Any, Any]:
    """A Client of ``address``, or of a new LocalCluster (``concurrency`` workers) owned here."""
    from distributed import Client, LocalCluster
    if address:
        try:
            return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False), None
        except Exception as exc:  # OSError, TimeoutError, a bad address ...
            raise FaasError(f"service {config.name!r}: cannot reach the Dask scheduler at {address!r} "
                            f"({type(exc).__name__}: {exc}); start one with `dask scheduler` and "
                            "workers with `dask worker ADDRESS`, or check the address") from None
    options = {"n_workers": max(1, config.concurrency), "threads_per_worker": 1,
               "dashboard_address": None, **cluster_options}
    local = LocalCluster(**options)
    try:
        return Client(local, set_as_default=False), local
    except BaseException:
        local.close()
        raise


def wait_for_workers(client: Any, address: str | None, timeout: float) -> None:
    try:
        client.wait_for_workers(1, timeout=timeout)
    except Exception:  # distributed's TimeoutError
        raise FaasError(f"no Dask worker joined the scheduler at {address} within {timeout:g} s; "
                        f"start workers with `dask worker {address}`") from None


def check_imports(client: Any, address: str | None) -> None:
    """Every worker must import faas_jupyter (``eval`` pickles by reference everywhere)."""
    probe = "__import__('faas_jupyter').__version__"
    try:  # the scheduler unpickles task graphs: it needs faas_jupyter too
        client.run_on_scheduler(eval, probe)
    except Exception as exc:  # ModuleNotFoundError or ImportError from there
        raise FaasError(f"the Dask scheduler at {address} cannot import faas_jupyter "
                        f"({type(exc).__name__}: {exc}); install it in the scheduler's environment "
                        "(pip install 'faas_jupyter[dask]') and restart it") from None
    versions = client.run(eval, probe, on_error="return")
    bad = {w: v for w, v in versions.items() if isinstance(v, BaseException)}
    if bad:
        first = next(iter(bad.values()))
        raise FaasError(f"Dask worker(s) {', '.join(sorted(bad))} at {address} cannot import "
                        f"faas_jupyter ({type(first).__name__}: {first}); install it in the workers' "
                        "environment (pip install 'faas_jupyter[dask]') and restart them")


def _is_local(root: str | None) -> bool:
    return root is None or "://" not in root or root.startswith(("file://", "local://"))


def check_artifacts(config: ServiceConfig, address: str, shared_filesystem: bool) -> None:
    """Remote workers must reach the artifact root: a local folder needs ``shared_filesystem``."""
    if config.artifacts is None or not _is_local(config.artifacts) or shared_filesystem:
        return
    raise FaasError(
        f"service {config.name!r} cannot run on the Dask cluster at {address}: the artifact root "
        f"{config.artifacts!r} is a folder on this machine, and workers on other machines would "
        "write outputs to their own disks (recorded, but unreadable here). Use an artifact root "
        "every worker reaches (faas.workspace(artifacts='s3://bucket/faas', storage_options={...})), "
        "or deploy with shared_filesystem=True (--shared-filesystem) if that folder is one shared "
        "filesystem mounted at the same path on every worker")


def requirements(client: Any, config: ServiceConfig, install: bool) -> None:
    """pip-install the package's requirements on the workers (Dask's PipInstall), or check them."""
    reqs = [r for r in config.requirements if r and r.strip()]
    if not reqs:
        return
    if install:
        from distributed.diagnostics.plugin import PipInstall
        try:
            client.register_plugin(PipInstall(packages=reqs), name=f"faas-pip-{'-'.join(sorted(reqs))[:80]}")
        except Exception as exc:  # pip's failure, raised on a worker
            raise FaasError(f"service {config.name!r}: installing its requirements {reqs} on the Dask "
                            f"workers failed ({type(exc).__name__}: {exc}); fix the requirements, or "
                            "install them on the workers and deploy with install_requirements=False"
                            ) from None
    from faas_jupyter.runner.runtimes._dask_worker import missing_requirements
    found = client.run(missing_requirements, reqs)
    missing = {w: m for w, m in found.items() if m}
    if missing:
        worker, names = next(iter(sorted(missing.items())))
        raise FaasError(f"service {config.name!r}: requirement(s) {', '.join(names)} missing on Dask "
                        f"worker(s) {', '.join(sorted(missing))}; install them there, or deploy with "
                        "install_requirements=True to pip-install them when the service starts")


def digest_of(codebase: Any) -> str:
    digest = getattr(codebase, "digest", None)
    if digest is None:
        from faas_jupyter.model.codebase import Codebase
        digest = Codebase(dict(codebase)).digest
    return digest


def ship_codebase(config: ServiceConfig) -> CodebaseRef:
    """Put the codebase into the artifact store by digest (once); a ref for the workers."""
    from faas_jupyter.model.codebase import Codebase
    from faas_jupyter.runner.runtimes._dask_worker import CodebaseRef
    from faas_jupyter.runner.runtimes.base import codebase_path
    files = dict(getattr(config.codebase, "files", None) or config.codebase)
    if config.artifacts is None:  # no store to share it through: the plugin carries it
        return CodebaseRef(digest_of(config.codebase), files)
    codebase = Codebase(files)
    from faas_jupyter.store.artifacts import ArtifactStore
    store = ArtifactStore(config.artifacts, **config.storage_options)
    path = codebase_path(codebase.digest)
    if not store.exists(path):
        try:
            store.write_bytes(path, codebase.zip())
        except Conflict:  # another process shipped the same digest meanwhile
            pass
    return CodebaseRef(codebase.digest)


class Collector:
    """Collects ended tasks in batches: one loop callback per submitted batch tracks its tasks,
    ended ones queue up, and a thread takes all queued at once and gathers them in one call."""

    def __init__(self, client: Any, callback: Callable[[list[Any], dict[str, Any]], None]) -> None:
        self.client = client
        self.callback = callback
        self.ended: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.stopped = False
        self.thread = threading.Thread(target=self._loop, name="faas-dask-collect", daemon=True)
        self.thread.start()

    def add(self, tasks: list[Any]) -> None:
        self.client.loop.add_callback(self._track_all, list(tasks))

    async def _track_all(self, tasks: list[Any]) -> None:
        import asyncio
        for task in tasks:
            asyncio.ensure_future(self._track(task))

    async def _track(self, task: Any) -> None:
        try:
            await task._state.wait()  # noqa: SLF001 (distributed: a Future has no public wait on the loop)
        except Exception:  # cancelled or the client closing: report it as it is
            pass
        self.ended.put(task)

    def stop(self) -> None:
        self.stopped = True
        self.ended.put(None)

    def _loop(self) -> None:
        while True:
            batch = drain(self.ended)
            if self.stopped:
                return
            try:
                self._handle([t for t in batch if t is not None])
            except Exception:  # the client closed under us: stop collecting
                if self.stopped:
                    return

    def _handle(self, batch: list[Any]) -> None:
        ready = [t for t in batch if t.status == "finished"]
        results: dict[str, Any] = {}
        if ready:
            try:
                values = self.client.gather(ready)
                results = {t.key: v for t, v in zip(ready, values)}
            except Exception:  # one lost meanwhile: gather them one by one
                for t in ready:
                    try:
                        results[t.key] = t.result()
                    except Exception:  # reported as that task's failure
                        pass
        self.callback(batch, results)


def drain(q: queue.Queue[Any] | queue.SimpleQueue[Any]) -> list[Any]:
    """Wait for one entry, then take whatever else is already queued: one batch."""
    batch = [q.get()]
    while True:
        try:
            batch.append(q.get_nowait())
        except queue.Empty:
            return batch
