"""One service, one home: where an execution runs, the durable queue, and adopting services.

Every ``kernel`` and ``process`` service has one *home*, the process that runs it
(``services.home``, a ``hosts`` id): the kernel that deployed a kernel service; for a
process service a host process (a Jupyter server or ``faas serve``) when one serves the
project, else the process that uses it. ``route`` decides per submission:

* this process is the home: run here, after checking the stored service (one read) so an
  ``update``/``pause``/``delete`` from anywhere takes effect at the next execution;
* another live process is the home: insert a ``created`` row with no owner (the queue);
  the home claims it (``claim_tick``, every ``FAAS_QUEUE_POLL_SECONDS``) and runs it at
  the service's current revision, which is what the row records;
* no live home: adopt the service (compare-and-set ``services.home``) and run here;
  a non-host process leaves process services to a live host process instead.

``dask`` services have no home here: every submitter sends them to their cluster.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from faas_jupyter.errors import Conflict, NotFound
from faas_jupyter.model.clock import now
from faas_jupyter.model.jsonable import jsonable
from faas_jupyter.model.roles import MEMBER_ROLES
from faas_jupyter.store import executions as exec_sql
from faas_jupyter.store import hosts as sql
from faas_jupyter.workspace import _firing, _hosts
from faas_jupyter.workspace import _runtime_bridge as bridge

if TYPE_CHECKING:
    from faas_jupyter.workspace.executions import Execution
    from faas_jupyter.workspace._runtime_bridge import RunningService
    from faas_jupyter.workspace._hosts import Host
    from faas_jupyter.workspace.services import Service
    from faas_jupyter.workspace._base import Workspace

HOMED = ("kernel", "process")
HOSTED = ("process",)           # runtimes a host process (server, faas serve) adopts on its own
CLAIM_BATCH = 64
# the fields whose change means "restart the service at its new configuration"
CONFIG = ("revision", "init_input", "runtime", "concurrency", "execution_timeout", "max_attempts",
          "module_name")


def state_of(ws: Workspace, service_id: str, name: str) -> dict:
    return _found(sql.read_service_state(ws.store, service_id), name)


def _found(state: dict | None, name: str) -> dict:
    if state is None:
        raise NotFound(f"service {name!r} was deleted (in this or another process); "
                       "deploy it again with pkg.deploy(...)")
    return state


def check_active(state: dict) -> None:
    if not state["active"]:
        name = state["name"]
        raise Conflict(f"service {name!r} is paused: executions are refused; svc.resume() "
                       f"(or %faas resume {name}) lets it run again")


def route(ws: Workspace, svc: Service, member: str | None = None) -> "bridge.RunningService | None":
    """The running service to execute on here, or None: queue it for the live home elsewhere.

    ``member``: the action (``execute svc.fn``) the user must be a project member for; the
    role is read with the service (one look at the store), checked after the service's own
    errors (deleted, paused), as a separate ``check_member`` after ``route`` did."""
    if member is None or ws.system:
        state = state_of(ws, svc.id, svc.name)
        check_active(state)
    else:
        state, role = sql.read_route(ws.store, svc.id, ws.project.id, ws.user)
        if state is None or not state["active"]:  # (the usual answer needs no call)
            check_active(_found(state, svc.name))
        if role not in MEMBER_ROLES:
            ws.require_member(member, role)
    running = bridge.get_running(svc.id)
    if running is not None and running.routed is state:
        # this very stored row (the hot cache hands out the same object until something
        # commits) was routed here before: started at its configuration, homed and watched
        return running
    if state["runtime"] not in HOMED:
        return local(ws, svc, state)
    host = _hosts.host_for(ws.store)
    me = host.ensure()
    home = state["home"]
    if home == me:
        return local(ws, svc, state, host=host)
    with ws.store.connect() as conn:
        home_row = sql.get_hosts(conn, [home]).get(home) if home else None
        servers = sql.live_servers(conn, state["project_id"], now()) if state["runtime"] in HOSTED else []
    if home_row is not None and _hosts.alive(home_row):
        return None
    if servers and host.kind not in ("server", "serve"):
        return None  # a host process adopts it within a heartbeat; the row waits in the queue
    if not ws.store.write(lambda conn: sql.set_home(conn, svc.id, me, home)):
        return route(ws, svc)  # another process adopted it first: go through its home
    return local(ws, svc, state, adopted=True)


def local(ws: Workspace, svc: Service, state: dict, adopted: bool = False,
          host: Host | None = None) -> "bridge.RunningService":
    """Run here: start the service, or restart it when its stored configuration changed
    (``host``: this process's, when the caller has it at hand)."""
    running = bridge.get_running(svc.id)
    if running is None or (running.checked is not state and changed(running.service, state)):
        fresh = ws.services.from_state(state)
        target = ws.packages.get(fresh.package, version=fresh.revision)
        running = bridge.start(ws, fresh, target, target.codebase)
    running.checked = state  # the hot cache hands out this same row until something commits
    running.active = bool(state["active"])
    if adopted or state["runtime"] in HOMED:
        watch(ws, host)
    running.host = host or _hosts.host_for(ws.store)  # its executions' owner (``owner_id``)
    running.routed = state
    return running


def changed(service: Service, state: dict) -> bool:
    for key in CONFIG:
        if getattr(service, key) != state[key]:
            return True
    # where a runtime runs (a Dask scheduler, ...) lives in runtime_config
    stored = state.get("runtime_config") or {}
    return any(getattr(service, key, value) != value for key, value in stored.items())


def first_home(ws: Workspace, svc: Service) -> str | None:
    """The home of a service being deployed here: this process, except that a process
    service goes to a live host process of the project when there is one (None: it adopts)."""
    if svc.runtime not in HOMED:
        return None
    host = _hosts.host_for(ws.store)
    me = host.ensure()
    if svc.runtime in HOSTED and host.kind not in ("server", "serve"):
        with ws.store.connect() as conn:
            if sql.live_servers(conn, ws.project.id, now()):
                return None
    return me


def release(ws: Workspace, service_id: str) -> None:
    """Stop being the home of a service (``svc.stop()``): the next submitter or a host adopts it."""
    me = _hosts.host_for(ws.store).id
    ws.store.write(lambda conn: sql.set_home(conn, service_id, None, me))


# -- the submitter's side ------------------------------------------------------------------------
def enqueue(ws: Workspace, svc: Service, state: dict, function_name: str, inputs: dict, returns=None,
            rerun_of=None) -> dict:
    """Insert a queued execution (``created``, no owner) for the home; returns its row."""
    from faas_jupyter.workspace._entity_lookup import prepare_inputs
    target = ws.packages.get(svc.package, version=state["revision"])
    function = target.module(state["module_name"]).function(function_name)  # NotFound lists them
    prepare_inputs(ws, function, inputs)  # a missing item fails here, before anything is stored
    row = bridge.new_row(ws, svc, function_name, inputs, rerun_of=rerun_of, owner=None)
    row.update(revision=state["revision"], module_name=state["module_name"],
               max_attempts=state["max_attempts"])
    if returns:
        row["metadata"] = {**row["metadata"], "returns": jsonable(list(returns), str)}
    event = {"execution_id": row["id"], "ts": row["created_at"], "kind": "status", "status": "created",
             "progress": None, "message": "queued for the service's home", "data": None}
    ws.store.write(lambda conn: (exec_sql.insert_executions(conn, [row]), exec_sql.add_events(conn, [event])))
    return row


# -- the home's side -------------------------------------------------------------------------------
def watch(ws: Workspace, host: Host | None = None) -> None:
    """Make this process's host claim queued executions of the services homed here (and
    honour terminate requests other processes make for what runs here)."""
    host = host or _hosts.host_for(ws.store)
    host.ensure()
    if claim_tick not in host.ticks:
        with ws.store.connect() as conn:
            host.seen_event = sql.last_event_id(conn)
        host.ticks.append(_firing.fire_tick)  # triggers fire first: claimed in the same pass
        host.ticks.append(claim_tick)
        host.wake()


def terminate_tick(host: Host) -> None:
    """Terminate executions running here that another process asked to stop."""
    asked = sql.poll_terminate_requests(host.store, host.seen_event)
    for event_id, eid in asked:
        host.seen_event = max(host.seen_event, event_id)
        for running in homed_here(host):
            if running.terminate(eid):
                break


def homed_here(host: Host) -> list:
    return [r for r in bridge.running_services() if r.home == host.id]


def claim_tick(host: Host) -> None:
    """Claim queued executions of the services homed here and run them."""
    homed = [r for r in homed_here(host) if r.active]
    if not homed:
        return
    terminate_tick(host)
    by_id = {r.id: r for r in homed}
    if not sql.poll_queued(host.store, list(by_id)):
        return
    rows = host.store.write(lambda conn: sql.claim(conn, list(by_id), host.id, CLAIM_BATCH))
    for row in rows:
        run_claimed(by_id[row["service_id"]], row)
    if rows:
        host.wake()  # more may be waiting


def run_claimed(running: RunningService, row: dict) -> None:
    """Run a claimed row here, at the running (current) revision, which the row records."""
    ws = running.ws
    try:
        running = refreshed(running)
        from faas_jupyter.workspace._entity_lookup import prepare_inputs
        given = _firing.restore_deleted(row, row["input"])  # a Deleted trigger's record
        inputs = prepare_inputs(ws, running.module.function(row["function_name"]), given)
    except Exception as exc:  # recorded on the execution, the home goes on
        bridge.fail_row(running, row, f"{type(exc).__name__}: {exc}")
        return
    row.update(revision=running.service.revision, module_name=running.service.module_name)
    returns = (row.get("metadata") or {}).get("returns")
    running.submit(row, inputs, wait=False, returns=returns, inserted=True)


def refreshed(running: RunningService):
    """The home restarts a service whose stored configuration changed since it started."""
    state = state_of(running.ws, running.id, running.service.name)
    running.active = bool(state["active"])
    if not changed(running.service, state):
        return running
    return local(running.ws, running.service, state)


def terminate_elsewhere(ex: Execution) -> bool:
    """A queued execution is canceled here; one running in another process is asked to stop
    through the registry (its home acts on it within ``FAAS_QUEUE_POLL_SECONDS``)."""
    ws = ex.workspace
    who = ws.user
    with ws.store.connect() as conn:
        row = exec_sql.get_execution(conn, ex.id)
    message = f"canceled before it started: terminated by {who}"
    if row["status"] == "created" and row["owner"] is None and ws.store.write(
            lambda conn: exec_sql.settle(conn, row, "canceled", message, now())):
        return True
    # running elsewhere (or claimed just now): its home stops it
    ws.store.write(lambda conn: sql.request_terminate(conn, ex.id, now(), f"terminate requested by {who}"))
    return True
