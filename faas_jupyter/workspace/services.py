"""Services: ``pkg.deploy(...)``, ``ws.services.get/list``, and the bound ``Service``.

A service pins one revision of a package. Deploying persists it and starts it in this
process (``_runtime_bridge``); later, ``svc.execute`` starts it again on first use
after a workspace opens it. ``svc.update`` changes exactly what it is given, prints a
field-by-field diff, and restarts a running instance; nothing is dropped silently.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Iterable

from faas_jupyter.errors import Conflict, NotFound, ValidationError
from faas_jupyter.model.clock import now
from faas_jupyter.model.entities import Service as ServiceModel
from faas_jupyter.model.package import io_values
from faas_jupyter.store import executions as exec_sql
from faas_jupyter.store import packages as package_sql
from faas_jupyter.store import services as sql
from faas_jupyter.workspace._bound import Bound
from faas_jupyter.workspace import _queue
from faas_jupyter.workspace import _runtime_bridge as bridge
from faas_jupyter.workspace._package_ref import PackageRef
from faas_jupyter.workspace.executions import start_execution
from faas_jupyter.workspace.triggers import ServiceTriggers

if TYPE_CHECKING:
    from faas_jupyter.store.db import Connection
    from faas_jupyter.workspace.packages import Package
    from faas_jupyter.workspace._base import Workspace

UPDATABLE = ("revision", "init_input", "runtime", "concurrency", "execution_timeout", "max_attempts",
             "on_reset", "module_name", "scheduler", "shared_filesystem", "install_requirements")
_RESTART = ("revision", "init_input", "runtime", "concurrency", "execution_timeout", "max_attempts",
            "module_name", "scheduler", "shared_filesystem", "install_requirements")
# Service fields kept in the services.runtime_config JSON column (where a runtime runs)
RUNTIME_CONFIG = ("scheduler", "shared_filesystem", "install_requirements")


@dataclass(eq=True)
class Service(ServiceModel, Bound):
    """A deployed service. ``svc.execute``, ``svc.map``, ``svc.update``, ``svc.pause`` ..."""

    _ws: Any = field(default=None, repr=False, compare=False)

    def bind(self, ws: Workspace) -> Service:
        """This service, bound to ``ws`` (as ``ws.services`` hands them out)."""
        self._ws = ws
        return self

    # The model's ``package`` field is the package name; here it is a PackageRef: still that
    # name (a str), and Dataloop's ``service.package.codebase_id`` / ``.version`` / ``.revisions``.
    # The dataclass __init__ assigns ``self.package = name``, which lands in the setter.
    @property
    def package(self) -> PackageRef:
        return PackageRef(self.__dict__["_package_name"], self)

    @package.setter
    def package(self, value: str) -> None:
        self.__dict__["_package_name"] = str(value)

    @property
    def package_name(self) -> str:
        """The package's name as a plain ``str`` (what an executions row stores)."""
        return self.__dict__["_package_name"]

    # -- reading -------------------------------------------------------------------------------
    @property
    def behind(self) -> int:
        """How many revisions of the package came after the pinned one (0 = latest)."""
        with self._ws.store.connect() as conn:
            pkg = package_sql.get_package(conn, self._ws.project.id, self.package)
            return sql.revisions_after(conn, pkg["id"], self.revision) if pkg else 0

    def refresh(self) -> "Service":
        fresh = self._ws.services.get(self.name)
        for f in fields(ServiceModel):
            setattr(self, f.name, getattr(fresh, f.name))
        return self

    @property
    def triggers(self) -> Any:
        """This service's triggers: ``svc.triggers.create(...)``, ``svc.triggers.list()``."""
        return ServiceTriggers(self)

    def executions(self, **filters):
        """This service's executions, newest first (``ws.executions.list(service=...)``)."""
        return self._ws.executions.list(service=self.name, **filters)

    # -- running -------------------------------------------------------------------------------
    def start(self) -> "Service":
        """Host this service here unless it runs already: this process becomes its home
        (``execute`` does so on first use when no other live process hosts it). A Conflict
        names the live home when another process runs it."""
        state = _queue.state_of(self._ws, self.id, self.name)
        if _queue.route(self._ws, self) is None and state["runtime"] in _queue.HOMED:
            raise Conflict(f"service {self.name!r} runs in another process ({_home_text(self._ws, state)}); "
                           "executions submitted here are queued to it; stop it there first")
        return self

    def route(self) -> bridge.RunningService | None:
        """Where the next execution runs: here (the running service) or None (queued for the home)."""
        return _queue.route(self._ws, self)

    _running = route  # the name benchmarks and older callers use

    def execute(self, function_name: str = "run", execution_input: dict | None = None,
                wait: bool = True, returns: list | None = None):
        """Run ``function_name`` with ``execution_input``; returns the recorded Execution.

        ``wait=False`` returns at once (``ex.wait()`` later). ``returns`` are log hints
        that override how the outputs are packed, e.g. ``["scores:file"]``.
        """
        running = _queue.route(self._ws, self, member=f"execute {self.name}.{function_name}")
        return start_execution(self._ws, self, running, function_name, dict(execution_input or {}),
                               wait=wait, returns=returns, member_checked=True)

    def map(self, function_name: str, inputs: Iterable[dict], progress: bool = True,
            returns: list | None = None) -> list:
        """Run one execution per input dict with the service's concurrency; input order kept."""
        running = self.route()
        inputs = list(inputs)
        self._ws.check_member(f"execute {self.name}.{function_name}")  # once, not per input
        if running is None:  # queued for the home in another process: one row each
            return self._map_queued(function_name, inputs, progress, returns)
        from faas_jupyter.workspace.executions import submit_batch
        function = running.module.function(function_name)  # NotFound lists the functions
        if returns is not None:  # a malformed hint or unknown artifact type fails before anything runs
            self._ws.packagers.manager.check_artifact_types(returns)
            returns = list(returns)
        # only the in-memory state per input: the Executions are built once, when all ended
        held, countdown = submit_batch(self._ws, running, function, [dict(i or {}) for i in inputs], returns)
        from tqdm.auto import tqdm
        with tqdm(total=len(held), desc=f"{self.name}.{function_name}", disable=not progress) as bar:
            while not countdown.wait(0.1 if progress else None):
                bar.update(countdown.ended - bar.n)
            bar.update(countdown.ended - bar.n)
        running.recorder.flush_all(held)  # what the flusher has not written yet, in one transaction
        for p in held:
            p.raise_error()  # a row that could not be recorded: said once, as ex.wait() does
        return _final(self._ws, [p.row["id"] for p in held], held)

    def _map_queued(self, function_name: str, inputs: list, progress: bool, returns) -> list:
        from faas_jupyter.workspace.executions import start_execution
        started = [start_execution(self._ws, self, None, function_name, dict(i or {}), wait=False,
                                   returns=returns, member_checked=True) for i in inputs]
        from tqdm.auto import tqdm
        with tqdm(total=len(started), desc=f"{self.name}.{function_name}", disable=not progress) as bar:
            for ex in started:
                ex.wait(_refresh=False)
                bar.update(1)
        return _final(self._ws, [ex.id for ex in started], [None] * len(started))

    # -- changing ------------------------------------------------------------------------------
    def update(self, revision: str | None = None, init_input: dict | None = None, *,
               quiet: bool = False, **changes) -> "Service":
        """Change the given fields (``revision``, ``init_input``, ``concurrency``, ...)."""
        if revision is not None:
            changes["revision"] = revision
        if init_input is not None:
            changes["init_input"] = io_values(init_input)  # also Dataloop's FunctionIO(value=...)
        unknown = sorted(set(changes) - set(UPDATABLE))
        if unknown:
            raise ValidationError(f"svc.update cannot change {', '.join(unknown)}; it changes "
                                  f"{', '.join(UPDATABLE)}")
        return self._ws.services.change(self, changes, quiet)

    def pause(self) -> "Service":
        """Refuse new executions until ``resume()``."""
        return self._ws.services.set_active(self, False)

    def resume(self) -> "Service":
        return self._ws.services.set_active(self, True)

    def stop(self) -> None:
        """Stop this service's runtime in this process and give up hosting it, so another
        process (a Jupyter server, ``faas serve``, the next submitter) can become its home."""
        bridge.stop(self.id)
        _queue.release(self._ws, self.id)

    def delete(self) -> None:
        """Stop the service and delete it (its executions stay, unlinked)."""
        self._ws.services.delete(self.name)

    def __repr__(self) -> str:
        state = "" if self.active else " paused"
        return f"<Service {self.name}: {self.package} {self.revision} {self.module_name} ({self.runtime}){state}>"


def _home_text(ws: Workspace, state: dict) -> str:
    from faas_jupyter.workspace import _hosts
    from faas_jupyter.store import hosts as host_sql
    with ws.store.connect() as conn:
        return _hosts.describe(host_sql.get_hosts(conn, [state["home"]]).get(state["home"]))


def _final(ws: Workspace, started: list[str], held: list) -> list:
    """The ended executions as stored, built from the state this process wrote (no re-read of
    every row); only those it no longer held are read back."""
    from faas_jupyter.workspace.executions import from_pending
    out = [from_pending(ws, p) if p is not None and p.written else None for p in held]
    missing = [eid for eid, o in zip(started, out) if o is None]
    fetched = dict(zip(missing, ws.executions.many(missing))) if missing else {}
    return [o if o is not None else fetched[eid] for eid, o in zip(started, out)]


def _runtime_config(stored: dict | None) -> dict:
    """The Service fields stored in ``runtime_config`` (unknown keys are ignored)."""
    stored = stored or {}
    return {k: stored[k] for k in RUNTIME_CONFIG if k in stored}


def _diff(old: Service, new: Service) -> list[tuple[str, Any, Any]]:
    return [(name, getattr(old, name), getattr(new, name)) for name in UPDATABLE
            if getattr(old, name) != getattr(new, name)]


class Services:
    """``ws.services``: the services of the current project."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def _bind(self, row: dict) -> Service:
        svc = Service(name=row["name"], package=row["package_name"], module_name=row["module_name"],
                      revision=row["revision"], init_input=row["init_input"],
                      runtime=row["runtime"], concurrency=row["concurrency"],
                      execution_timeout=row["execution_timeout"], max_attempts=row["max_attempts"],
                      on_reset=row["on_reset"], active=bool(row["active"]), id=row["id"],
                      project=self._ws.project.name, created_at=row["created_at"],
                      updated_at=row["updated_at"], creator=row["creator"],
                      _ws=self._ws, **_runtime_config(row.get("runtime_config")))
        return svc

    def from_state(self, state: dict) -> Service:
        """A Service from a bare ``services`` row (as the queue reads it)."""
        with self._ws.store.connect() as conn:
            row = sql.get_service(conn, state["project_id"], state["name"])
        if row is None:
            raise NotFound(f"service {state['name']!r} was deleted")
        return self._bind(row)

    def get(self, name: str | None = None, *, service_id: str | None = None,
            service_name: str | None = None) -> Service:
        """The service called ``name`` (Dataloop's ``service_name=``), or the one with ``service_id``."""
        name = name if name is not None else service_name
        if (name is None) == (service_id is None):
            raise ValidationError("give a service name or service_id=..., not both")
        if service_id is not None:
            return self._by_id(service_id)
        with self._ws.store.connect() as conn:
            self._ws.check_member(f"read service {name!r}", conn)
            row = sql.get_service(conn, self._ws.project.id, name)
            if row is None:
                names = [r["name"] for r in sql.list_services(conn, self._ws.project.id)]
                raise NotFound(f"no service {name!r} in project {self._ws.project.name!r}; "
                               f"services: {', '.join(names) or 'none (deploy one with pkg.deploy)'}")
        svc = self._bind(row)
        running = bridge.get_running(svc.id)
        if running is not None:
            running.active = svc.active  # another process may have paused it
        return svc

    def _by_id(self, service_id: str) -> Service:
        with self._ws.store.connect() as conn:
            self._ws.check_member(f"read service {service_id!r}", conn)
            row = sql.get_service_by_id(conn, self._ws.project.id, service_id)
        if row is None:
            raise NotFound(f"no service with id {service_id!r} in project {self._ws.project.name!r}; "
                           "see ws.services.list() for ids")
        return self.get(row["name"])

    def list(self, package: str | None = None) -> list[Service]:
        with self._ws.store.connect() as conn:
            self._ws.check_member("list services", conn)
            rows = sql.list_services(conn, self._ws.project.id)
        return [self._bind(r) for r in rows if package is None or r["package_name"] == package]

    def __iter__(self):
        return iter(self.list())

    def __contains__(self, name: str) -> bool:
        with self._ws.store.connect() as conn:
            self._ws.check_member("list services", conn)
            return sql.get_service(conn, self._ws.project.id, name) is not None

    # -- deploy --------------------------------------------------------------------------------
    def deploy(self, pkg: Package | str, service_name: str | None = None, module_name: str | None = None,
               revision: str | None = None, init_input: dict | None = None, runtime: str = "kernel",
               concurrency: int = 1, execution_timeout: float = 3600, max_attempts: int = 1,
               on_reset: str = "failed", scheduler: str | None = None, shared_filesystem: bool = False,
               install_requirements: bool = True) -> Service:
        """Persist a service pinned to ``revision`` (default: the latest now) and start it.

        ``runtime="dask"`` runs on a LocalCluster of this process, or on the cluster of
        ``scheduler="tcp://host:8786"`` (stored: every process executing the service submits
        there). ``shared_filesystem=True`` says a local artifact root is the same folder on every
        worker; ``install_requirements=False`` checks the package's requirements instead of
        pip-installing them on the workers.
        """
        if isinstance(pkg, str):
            pkg = self._ws.packages.get(pkg)
        target = self._ws.packages.get(pkg.name, version=revision)  # latest when None
        module = target.module(module_name)
        name = service_name or pkg.name
        svc = Service(name=name, package=target.name, module_name=module.name, revision=target.version,
                      init_input=io_values(init_input), runtime=runtime, concurrency=concurrency,
                      execution_timeout=execution_timeout, max_attempts=max_attempts, on_reset=on_reset,
                      project=self._ws.project.name, creator=self._ws.user, scheduler=scheduler,
                      shared_filesystem=shared_filesystem, install_requirements=install_requirements,
                      _ws=self._ws)
        with self._ws.store.connect() as conn:
            self._ws.check_role(conn, f"deploy service {name!r}")
            if sql.get_service(conn, self._ws.project.id, name) is not None:
                raise Conflict(f"service {name!r} exists already; change it with "
                               f"ws.services.get({name!r}).update(revision=..., init_input=...) "
                               f"or delete it first")
        import uuid
        svc.id = uuid.uuid4().hex
        bridge.start(self._ws, svc, target, target.codebase)  # a bad init input fails here: nothing saved
        home = _queue.first_home(self._ws, svc)
        try:
            row = self._ws.store.write(lambda conn: self._insert(conn, svc, target, home))
        except BaseException:
            bridge.stop(svc.id)
            raise
        if svc.runtime not in _queue.HOMED:
            pass  # dask: every submitter sends to its cluster; the runtime started here stays
        elif home is None:  # a host process (Jupyter server, faas serve) adopts it
            bridge.stop(svc.id)
        else:
            _queue.watch(self._ws)
        svc.created_at, svc.updated_at = row["created_at"], row["updated_at"]
        return svc

    def _insert(self, conn: Connection, svc: Service, target: Package, home: str | None) -> dict:
        if sql.get_service(conn, self._ws.project.id, svc.name) is not None:
            raise Conflict(f"service {svc.name!r} was deployed meanwhile; use svc.update(...)")
        pkg_row = package_sql.get_package(conn, self._ws.project.id, target.name)
        if pkg_row is None:  # deleted between reading the revision and this write
            raise NotFound(f"package {target.name!r} was deleted while service {svc.name!r} was "
                           f"being deployed; push it again, then deploy")
        return sql.insert_service(
            conn, id=svc.id, project_id=self._ws.project.id, name=svc.name, package_id=pkg_row["id"],
            module_name=svc.module_name, revision=svc.revision, init_input=svc.init_input,
            runtime=svc.runtime, concurrency=svc.concurrency, execution_timeout=svc.execution_timeout,
            max_attempts=svc.max_attempts, on_reset=svc.on_reset, active=True, creator=self._ws.user,
            runtime_config={k: getattr(svc, k) for k in RUNTIME_CONFIG},
            home=home)

    # -- change --------------------------------------------------------------------------------
    def change(self, svc: Service, changes: dict, quiet: bool = False) -> Service:
        """Apply ``changes`` (checked by ``svc.update``) to ``svc``, restarting it if it runs here."""
        current = self.get(svc.name)
        if "revision" in changes:  # must exist; "latest" moves to the newest
            changes["revision"] = self._ws.packages.get(current.package, version=changes["revision"]).version
        new = Service.from_json({**current.to_json(), **{Service.json_key(k): v for k, v in changes.items()}})
        target = self._ws.packages.get(current.package, version=new.revision)
        target.module(new.module_name)
        diff = _diff(current, new)
        if not diff:
            if not quiet:
                print(f"service {svc.name!r}: nothing to change")
            return svc.refresh()
        new.id = current.id
        new.bind(self._ws)
        if bridge.get_running(current.id) is not None and any(k in _RESTART for k, _, _ in diff):
            bridge.start(self._ws, new, target, target.codebase)  # a bad change fails before saving
        values = {k: v for k, _, v in diff if k not in RUNTIME_CONFIG}
        if any(k in RUNTIME_CONFIG for k, _, _ in diff):
            values["runtime_config"] = {k: getattr(new, k) for k in RUNTIME_CONFIG}
        self._ws.store.write(lambda conn: (self._ws.check_role(conn, f"update service {svc.name!r}"),
                                           sql.update_service(conn, current.id, **values)))
        if not quiet:
            print(f"service {svc.name!r} updated:")
            for k, old, value in diff:
                print(f"  {k}: {old!r} -> {value!r}")
        return svc.refresh()

    def set_active(self, svc: Service, active: bool) -> Service:
        """Pause (False) or resume (True) ``svc``."""
        self._ws.store.write(lambda conn: (self._ws.check_role(conn, f"pause/resume service {svc.name!r}"),
                                           sql.update_service(conn, svc.id, active=active)))
        running = bridge.get_running(svc.id)
        if running is not None:
            running.active = active
        svc.active = active
        return svc

    def delete(self, name: str) -> None:
        """Settle the service's executions, then delete it; executions stay (unlinked).

        Queued executions become ``canceled`` and running ones ``terminated``, both saying
        the service was deleted. This process's own ones are ended and written first (a row
        written after the delete would point at a missing service); the rest, owned by
        other processes, are settled in the same transaction as the delete.
        """
        svc = self.get(name)
        with self._ws.store.connect() as conn:
            self._ws.check_role(conn, f"delete service {name!r}")
        reason = f"service {name!r} was deleted"
        bridge.stop(svc.id, reason)
        self._ws.store.write(lambda conn: (self._ws.check_role(conn, f"delete service {name!r}"),
                                           exec_sql.settle_service(conn, svc.id, reason, now()),
                                           sql.delete_service(conn, svc.id)))
