"""Running services of this process: runtime + supervisor + store recorder, keyed by service id.

A service is started here when it is deployed, or on first use after a workspace opens
it (``ensure_running``). Starting one also settles what a previous owner left behind:
executions still created/in-progress whose process is gone become ``failed``, or are
rerun when the service says ``on_reset="rerun"``.
"""
from __future__ import annotations

import os
import threading
import time
import weakref
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faas_jupyter.model.clock import now
from faas_jupyter.model.jsonable import jsonable
from faas_jupyter.runner.runtimes import ServiceConfig, make_runtime
from faas_jupyter.runner.runtimes.base import CallSpec
from faas_jupyter.runner.supervisor import Countdown, Supervisor
from faas_jupyter.store import executions as sql
from faas_jupyter.workspace import _hosts
from faas_jupyter.workspace.adapters import StoreOutputPacker, StoreResolver
from faas_jupyter.workspace._recorder import Pending, StoreRecorder

if TYPE_CHECKING:
    from faas_jupyter.store.db import Store
    from faas_jupyter.model.codebase import Codebase
    from faas_jupyter.workspace.packages import Package
    from faas_jupyter.workspace.services import Service
    from faas_jupyter.workspace._base import Workspace

_RUNNING: dict[str, "RunningService"] = {}
_LOCK = threading.RLock()
_RECORDERS: "weakref.WeakKeyDictionary[Any, StoreRecorder]" = weakref.WeakKeyDictionary()


def recorder_for(store: Store) -> StoreRecorder:
    with _LOCK:
        rec = _RECORDERS.get(store)
        if rec is None:
            rec = _RECORDERS[store] = StoreRecorder(store)
        return rec


class RunningService:
    """One started service in this process."""

    def __init__(self, ws: Workspace, service: Service, spec: Package, codebase: Codebase) -> None:
        self.id = service.id
        self.ws = ws                    # the workspace it runs for (claimed executions use it)
        self.home: str | None = None    # this process's host id once it is the service's home
        self.service = service          # the model Service it was started with
        self.module = spec.module(service.module_name)
        self.recorder = recorder_for(ws.store)
        self.active = service.active
        self.checked: dict | None = None  # the stored row last found equal to ``service`` (_queue)
        self.routed: dict | None = None   # the stored row last routed here (_queue.route)
        self._template: dict | None = None  # row_template
        self.host: _hosts.Host | None = None  # this process's host when it was last routed here
        self.futures: dict[str, Future] = {}
        self.batches: weakref.WeakSet[Countdown] = weakref.WeakSet()  # svc.map calls running
        self.runtime = make_runtime(service.runtime, **_runtime_options(service))
        self.runtime.start(self._config(ws, service, codebase, spec))
        self.supervisor = Supervisor(self.runtime, self.recorder, service.max_attempts,
                                     service.execution_timeout)

    def _config(self, ws: Workspace, service: Service, codebase: Codebase,
                spec: Package | None = None) -> ServiceConfig:
        from faas_jupyter.model.entities import Service
        from types import SimpleNamespace
        plain = Service.from_json(service.to_json())  # no workspace inside: picklable
        files = SimpleNamespace(files=dict(codebase.files), digest=codebase.digest)  # picklable
        # the project's packagers: by class path for worker processes, the live manager in-process
        packagers = (tuple(ws.packagers.stored()), ws.packagers.manager)
        root, options = ws.settings.artifacts, dict(ws.settings.artifacts_options)
        return ServiceConfig(
            name=service.name, module=self.module, codebase=files, package=service.package,
            revision=service.revision, project=ws.project.name, init_input=dict(service.init_input),
            concurrency=service.concurrency, execution_timeout=service.execution_timeout,
            max_attempts=service.max_attempts, resolver=StoreResolver(root, *packagers, storage_options=options),
            pack_output=StoreOutputPacker(root, ws.project.name, *packagers, storage_options=options),
            cache_dir=str(Path(ws.settings.home) / "codebases"), service_entity=plain,
            artifacts=root, storage_options=options,
            requirements=[_pip_requirement(r) for r in getattr(spec, "requirements", None) or []])

    def owner_id(self) -> str:
        """The host id its executions started here are owned by (``new_row``'s ``owner``)."""
        host = self.host
        if host is None or host.stopped:  # not routed yet, or that host's lease ended
            host = _hosts.host_for(self.ws.store)
        return host.ensure()

    def row_template(self, project_id: str) -> dict:
        """``row_template`` of this service (it runs at one configuration: made once)."""
        template = self._template
        if template is None or template["project_id"] != project_id:
            template = self._template = row_template(self.service, project_id)
        return template

    def submit(self, row: dict, inputs: dict, *, wait: bool, returns=None, inserted=False) -> Pending:
        """Record ``row`` and run it; its Future (in ``futures`` until it ends) gives the final CallResult."""
        # a new row's ``created`` event is stamped with its created_at as the recorder takes it
        pending = self.recorder.begin(row, inserted=inserted, sync=wait, created=not inserted)
        eid = row["id"]
        trigger = trigger_of(row)
        if wait:  # to its end before returning: no Future to keep
            self.supervisor.run(eid, row["function_name"], inputs, returns=returns, record_created=inserted,
                                trigger=trigger)
            return pending
        future = self.supervisor.submit(eid, row["function_name"], inputs, returns=returns,
                                        record_created=inserted, trigger=trigger)
        self.futures[eid] = future
        future.add_done_callback(lambda _f: self.futures.pop(eid, None))
        return pending

    def submit_batch(self, rows: list[dict], inputs: list[dict],
                     returns: list | None) -> tuple[list[Pending], Countdown]:
        """Record and run many executions (``svc.map``): their rows are written when they
        start; the Countdown tells when all have ended (``stop`` waits for it too)."""
        held = self.recorder.begin_lazy(rows)
        countdown = Countdown(len(rows))
        self.batches.add(countdown)
        calls = [CallSpec(row["id"], row["function_name"], values, 1, None, returns)
                 for row, values in zip(rows, inputs)]
        pace = self.recorder.pace

        def ended(result: Any) -> None:  # in the thread that ended it: the next call waits out a write
            countdown.end(result)
            pace()
        self.supervisor.submit_batch(calls, ended if self.runtime.in_process else countdown.end)
        return held, countdown

    def terminate(self, execution_id: str) -> bool:
        return self.supervisor.terminate(execution_id)

    def stop(self, reason: str | None = None, wait: float = 15.0) -> None:
        """Stop the runtime; with a ``reason``, every execution it still holds ends now
        (queued ones ``canceled``, running ones ``terminated``) and is recorded saying why."""
        self.runtime.stop_reason = reason
        self.runtime.stop()
        if reason is None:
            return
        deadline = time.monotonic() + wait
        for future in list(self.futures.values()):
            try:
                future.result(max(0.0, deadline - time.monotonic()))
            except Exception:  # a runtime bug is recorded by the supervisor
                pass
        for countdown in list(self.batches):
            countdown.wait(max(0.0, deadline - time.monotonic()))
        self.recorder.flush()


def trigger_of(row: dict) -> dict | None:
    """The trigger that made the execution of ``row`` and its event, as the function's
    ``context.trigger_id`` / ``context.event`` give them (None: it was not triggered)."""
    if row.get("trigger_id") is None:
        return None
    meta = row.get("metadata") or {}
    return {"id": row["trigger_id"], "event": meta.get("event")}


def _pip_requirement(req) -> str:
    """A pip specifier from a requirement string or Dataloop's ``{name, version, operator}``."""
    if isinstance(req, str):
        return req.strip()
    version = req.get("version")
    return f"{req['name']}{req.get('operator') or '=='}{version}" if version else req["name"]


def _runtime_options(service: Service) -> dict:
    """Constructor options of the service's runtime (where a dask service's cluster is)."""
    if service.runtime != "dask":
        return {}
    return {"address": service.scheduler, "shared_filesystem": service.shared_filesystem,
            "install_requirements": service.install_requirements}


def get_running(service_id: str) -> RunningService | None:
    return _RUNNING.get(service_id)


def running_services() -> list[RunningService]:
    with _LOCK:
        return list(_RUNNING.values())


def start(ws: Workspace, service: Service, spec: Package, codebase: Codebase) -> RunningService:
    """Start ``service`` here (replacing a running instance of it) and settle its leftovers.

    This process becomes its home (``_queue`` decides when that is allowed); a service not
    stored yet (a deploy checking its init inputs) gets its home when it is inserted.
    """
    running = RunningService(ws, service, spec, codebase)  # fails before the old one is touched
    running.home = _hosts.host_for(ws.store).ensure()
    with _LOCK:
        old = _RUNNING.pop(service.id, None)
        _RUNNING[service.id] = running
    if old is not None:
        old.stop()
    recover(ws, running)
    return running


def stop(service_id: str, reason: str | None = None) -> None:
    with _LOCK:
        running = _RUNNING.pop(service_id, None)
    if running is not None:
        running.stop(reason)


_OWN = object()


def new_row(ws: Workspace, service: Service, function_name: str, inputs: dict, *, rerun_of: str | None = None,
            owner: Any = _OWN, template: dict | None = None) -> dict:
    """An executions row in state ``created`` (all columns), owned by this process unless
    ``owner`` says otherwise (None: queued for the service's home). ``template``: the
    service's ``row_template`` (its columns that are the same for every execution)."""
    if owner is _OWN:
        owner = _hosts.host_for(ws.store).ensure()
    shared = {**(template or row_template(service, ws.project.id)), "function_name": function_name,
              "creator": ws.user, "rerun_of": rerun_of, "owner": owner}
    return _filled(shared, [inputs])[0]


def new_rows(ws: Workspace, running: RunningService, function_name: str, inputs: list[dict], owner: Any,
             metadata: dict | None = None) -> list[dict]:
    """``new_row`` for each of ``inputs`` (``svc.map``): the columns they share are set once."""
    shared = {**running.row_template(ws.project.id), "function_name": function_name, "creator": ws.user,
              "owner": owner}
    return _filled(shared, inputs, metadata)


def _filled(shared: dict, inputs: list[dict], metadata: dict | None = None) -> list[dict]:
    """A row per input: a copy of ``shared`` (a copy is 4x cheaper than a dict literal) with
    the columns of its own."""
    rows = []
    for values in inputs:
        row = shared.copy()
        row["id"] = new_id()
        row["input"] = jsonable(values, _json_ref)
        row["created_at"] = now()
        row["metadata"] = {} if metadata is None else dict(metadata)
        rows.append(row)
    return rows


def row_template(service: Service, project_id: str) -> dict:
    """Every column of an executions row (see store), with those that are the service's."""
    return {"id": None, "project_id": project_id, "service_id": service.id,
            "service_name": service.name, "package_name": service.package_name,
            "revision": service.revision, "module_name": service.module_name,
            "function_name": None, "status": "created",
            "input": None, "output": None, "error": None,
            "attempts": 0, "max_attempts": service.max_attempts, "created_at": None,
            "started_at": None, "finished_at": None, "duration": None, "creator": None,
            "rerun_of": None, "metadata": None, "owner": None,
            "trigger_id": None, "trigger_event": None, "trigger_once": None}


_IDS: list[str] = []
_IDS_LOCK = threading.Lock()


def new_id() -> str:
    """A random (version 4) UUID's hex, as ``uuid.uuid4().hex``; the random bytes are drawn from
    ``os.urandom`` 256 ids at a time: each urandom call releases the GIL, which under load
    (``svc.map`` with busy worker threads) cost up to a switch interval per execution. The
    version and variant bits are set on the whole block at once (no ``uuid.UUID`` per id)."""
    with _IDS_LOCK:
        if not _IDS:
            _IDS.extend(_id_block(256))
        return _IDS.pop()


def _id_block(n: int) -> list[str]:
    block = bytearray(os.urandom(16 * n))
    for i in range(0, len(block), 16):
        block[i + 6] = (block[i + 6] & 0x0F) | 0x40  # version 4
        block[i + 8] = (block[i + 8] & 0x3F) | 0x80  # the RFC 4122 variant
    text = block.hex()
    return [text[i:i + 32] for i in range(0, len(text), 32)]


os.register_at_fork(after_in_child=_IDS.clear)  # a forked child never reuses the parent's ids


def _json_ref(value: Any) -> Any:
    """Inputs are stored as JSON; an entity object is stored by its id."""
    ident = getattr(value, "id", None)
    return ident if isinstance(ident, str) else repr(value)


def recover(ws: Workspace, running: RunningService) -> set[str]:
    """Settle this service's executions whose owner went away (``_settle``); the ones that
    go back to the queue (``on_reset="rerun"``) are claimed by this home right after."""
    from faas_jupyter.workspace._settle import settle
    with ws.store.connect() as conn:
        rows = sql.unfinished(conn, running.id)
    return settle(ws, rows, running.recorder.pending)


def fail_row(running: RunningService, row: dict, error: str) -> None:
    """Record a claimed execution as failed before it ran (its inputs could not be prepared)."""
    from faas_jupyter.runner.runtimes.base import CallResult
    rec, ts = running.recorder, time.time()
    rec.begin(row, inserted=True, sync=True)
    rec.finished(row["id"], CallResult(row["id"], "failed", error=error, error_type="ValidationError",
                                       finished_at=ts), 1)
