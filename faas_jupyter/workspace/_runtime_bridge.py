"""Running services of this process: runtime + supervisor + store recorder, keyed by service id.

A service is started here when it is deployed, or on first use after a workspace opens
it (``ensure_running``). Starting one also settles what a previous owner left behind:
executions still created/in-progress whose process is gone become ``failed``, or are
rerun when the service says ``on_reset="rerun"``.
"""
from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
import weakref
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from faas_jupyter.errors import Conflict
from faas_jupyter.runner.runtimes import ServiceConfig, make_runtime
from faas_jupyter.runner.supervisor import Supervisor
from faas_jupyter.store import executions as sql
from faas_jupyter.store.db import now
from faas_jupyter.workspace._io_bridge import OutputPacker, StoreResolver
from faas_jupyter.workspace._recorder import StoreRecorder

_RUNNING: dict[str, "RunningService"] = {}
_LOCK = threading.RLock()
_RECORDERS: "weakref.WeakKeyDictionary[Any, StoreRecorder]" = weakref.WeakKeyDictionary()


def _start_time(pid: int) -> str | None:
    try:  # field 22 of /proc/<pid>/stat: start time in clock ticks; tells a reused pid apart
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


HOST = socket.gethostname()
OWNER = f"{HOST}:{os.getpid()}:{_start_time(os.getpid()) or ''}"


def owner_alive(owner: str | None) -> bool | None:
    """Is the process that owns an execution alive? None when it cannot be told (another host)."""
    if not owner or owner.count(":") < 2:
        return False
    host, pid, start = owner.rsplit(":", 2)
    if host != HOST:
        return None
    if owner == current_owner():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError):
        return True
    return not start or _start_time(int(pid)) == start


def current_owner() -> str:
    pid = os.getpid()
    return OWNER if OWNER.split(":")[1] == str(pid) else f"{HOST}:{pid}:{_start_time(pid) or ''}"


def recorder_for(store) -> StoreRecorder:
    with _LOCK:
        rec = _RECORDERS.get(store)
        if rec is None:
            rec = _RECORDERS[store] = StoreRecorder(store)
        return rec


class RunningService:
    """One started service in this process."""

    def __init__(self, ws, service, spec, codebase):
        self.id = service.id
        self.service = service          # the model Service it was started with
        self.module = spec.module(service.module_name)
        self.recorder = recorder_for(ws.store)
        self.active = service.active
        self.futures: dict[str, Future] = {}
        self.runtime = make_runtime(service.runtime, **_runtime_options(service))
        self.runtime.start(self._config(ws, service, codebase, spec))
        self.supervisor = Supervisor(self.runtime, self.recorder, service.max_attempts,
                                     service.execution_timeout)

    def _config(self, ws, service, codebase, spec=None) -> ServiceConfig:
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
            pack_output=OutputPacker(root, ws.project.name, *packagers, storage_options=options),
            cache_dir=str(Path(ws.settings.home) / "codebases"), service_entity=plain,
            artifacts=root, storage_options=options,
            requirements=[_pip_requirement(r) for r in getattr(spec, "requirements", None) or []])

    def submit(self, row: dict, inputs: dict, *, wait: bool, returns=None, inserted=False) -> Future:
        """Record ``row`` and run it; the Future gives the final CallResult."""
        pending = self.recorder.begin(row, inserted=inserted, sync=wait)
        eid = row["id"]
        future = self.supervisor.submit(eid, row["function_name"], inputs, block=wait, returns=returns)
        if not wait:
            self.futures[eid] = future
            future.add_done_callback(lambda _f: self.futures.pop(eid, None))
        return pending

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
            except Exception:  # noqa: BLE001 (a runtime bug is recorded by the supervisor)
                pass
        self.recorder.flush()


def _pip_requirement(req) -> str:
    """A pip specifier from a requirement string or Dataloop's ``{name, version, operator}``."""
    if isinstance(req, str):
        return req.strip()
    version = req.get("version")
    return f"{req['name']}{req.get('operator') or '=='}{version}" if version else req["name"]


def _runtime_options(service) -> dict:
    """Constructor options of the service's runtime (where a dask service's cluster is)."""
    if service.runtime != "dask":
        return {}
    return {"address": service.scheduler, "shared_filesystem": service.shared_filesystem,
            "install_requirements": service.install_requirements}


def get_running(service_id: str) -> RunningService | None:
    return _RUNNING.get(service_id)


def start(ws, service, spec, codebase) -> RunningService:
    """Start ``service`` here (replacing a running instance of it) and settle its leftovers."""
    running = RunningService(ws, service, spec, codebase)  # fails before the old one is touched
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


def new_row(ws, service, function_name: str, inputs: dict, *, rerun_of: str | None = None) -> dict:
    """An executions row in state ``created`` (all columns), owned by this process."""
    return {"id": uuid.uuid4().hex, "project_id": ws.project.id, "service_id": service.id,
            "service_name": service.name, "package_name": service.package,
            "revision": service.revision, "module_name": service.module_name,
            "function_name": function_name, "status": "created",
            "input": json.dumps(inputs, default=_json_ref), "output": None, "error": None,
            "attempts": 0, "max_attempts": service.max_attempts, "created_at": now(),
            "started_at": None, "finished_at": None, "duration": None, "creator": ws.user,
            "rerun_of": rerun_of, "metadata": json.dumps({"owner": current_owner()})}


def _json_ref(value: Any) -> Any:
    """Inputs are stored as JSON; an entity object is stored by its id."""
    ident = getattr(value, "id", None)
    return ident if isinstance(ident, str) else repr(value)


def recover(ws, running: RunningService) -> list[str]:
    """Settle unfinished executions of this service whose owner process went away."""
    with ws.store.connect() as conn:
        rows = sql.unfinished(conn, running.id)
    settled = []
    for row in rows:
        if running.recorder.pending(row["id"]) is not None:
            continue
        owner = json.loads(row.get("metadata") or "{}").get("owner")
        if owner == current_owner() or owner_alive(owner) is not False:
            continue
        settled.append(row["id"])
        _reset(ws, running, row, owner)
    return settled


def _reset(ws, running: RunningService, row: dict, owner: str | None) -> None:
    ts = time.time()
    why = f"the process running it went away ({owner or 'unknown owner'})"
    meta = json.loads(row.get("metadata") or "{}")
    rec = running.recorder
    if running.service.on_reset == "rerun":
        meta.update(owner=current_owner(), reset_from=owner)
        row = {**row, "metadata": json.dumps(meta), "status": "created"}
        rec.begin(row, inserted=True)
        rec.status(row["id"], "failed", ts, f"{why}; on_reset=rerun: running it again", row["attempts"] or 1)
        from faas_jupyter.workspace._io_bridge import prepare_inputs
        inputs = prepare_inputs(ws, running.module.function(row["function_name"]), json.loads(row["input"]))
        future = running.supervisor.submit(row["id"], row["function_name"], inputs)
        running.futures[row["id"]] = future
        future.add_done_callback(lambda _f: running.futures.pop(row["id"], None))
        return
    rec.begin(row, inserted=True, sync=True)
    rec.status(row["id"], "failed", ts, f"{why}; on_reset=failed", row["attempts"] or 1)
    from faas_jupyter.runner.runtimes.base import CallResult
    rec.finished(row["id"], CallResult(row["id"], "failed", error=f"{why} while the execution was "
                                       f"{row['status']} (on_reset=failed)", error_type="ServiceReset",
                                       finished_at=ts), row["attempts"] or 1)


def check_active(running: RunningService, name: str) -> None:
    if not running.active:
        raise Conflict(f"service {name!r} is paused: executions are refused; svc.resume() "
                       f"(or %faas resume {name}) lets it run again")
