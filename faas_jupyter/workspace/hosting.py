"""Host processes: a Jupyter server or ``faas serve`` hosting a project's process services.

``serve(ws)`` makes this process a host of ``ws``'s project: every heartbeat it adopts the
project's ``process`` services that have no live home (none yet, or a home whose lease
expired: a crashed server, a closed notebook), starts them here and runs the executions
queued for them by any process on the registry. ``unserve(ws)`` stops them and gives them
up, so another host adopts them at once. Several hosts may serve one project: each service
has exactly one home (a compare-and-set on ``services.home``), and a queued execution is
claimed by that home only.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import logging
import signal
import threading

from faas_jupyter.model.clock import now
from faas_jupyter.store import hosts as sql
from faas_jupyter.workspace import _hosts, _queue
from faas_jupyter.workspace import _runtime_bridge as bridge

if TYPE_CHECKING:
    from faas_jupyter.workspace._hosts import Host
    from faas_jupyter.workspace._base import Workspace

_log = logging.getLogger("faas_jupyter")


def serve(ws: Workspace, kind: str = "serve") -> list[str]:
    """Host ``ws``'s project here; returns the names of the services adopted now."""
    host = _hosts.host_for(ws.store)
    host.kind, host.project_id, host.serving = kind, ws.project.id, ws
    if host.registered:  # tell the others what this process is now
        ws.store.write(lambda conn: sql.mark_server(conn, host.id, kind, ws.project.id))
    host.ensure()
    adopted = adopt(host)
    if _adopt_beat not in host.beats:
        host.beats.append(_adopt_beat)
        host.ticks.append(_adopt_tick)
    _queue.watch(ws)
    return adopted


def _adopt_tick(host: Host) -> None:
    # between heartbeats: a row queued for a service nobody hosts yet is adopted at once
    ws = host.serving
    with ws.store.connect() as conn:
        waiting = sql.queued_without_home(conn, ws.project.id, _queue.HOSTED)
    if waiting:
        adopt(host)
        host.wake()


def _adopt_beat(host: Host) -> None:
    adopt(host)
    # settle what dead processes left in the project, so monitors that only poll for
    # changes (the sidebar) see it without anyone listing it
    from faas_jupyter.workspace._settle import settle
    ws = host.serving
    with ws.store.connect() as conn:
        rows = sql.unfinished_of(conn, ws.project.id)
    settle(ws, rows, bridge.recorder_for(ws.store).pending)


def adopt(host: Host) -> list[str]:
    """Adopt the process services of the served project that have no live home."""
    ws, adopted = host.serving, []
    with ws.store.connect() as conn:
        states = sql.homed_services(conn, ws.project.id, _queue.HOSTED)
        homes = sql.get_hosts(conn, [s["home"] for s in states])
    for state in states:
        home = state["home"]
        if home == host.id and bridge.get_running(state["id"]) is not None:
            continue
        if home != host.id and home and _hosts.alive(homes.get(home), now()):
            continue
        if not ws.store.write(lambda conn, state=state, home=home: sql.set_home(conn, state["id"], host.id, home)):
            continue  # another host was faster
        try:
            _queue.local(ws, ws.services.from_state(state), state, adopted=True)
            adopted.append(state["name"])
        except Exception as exc:  # one broken service must not keep the others down
            ws.store.write(lambda conn, state=state: sql.set_home(conn, state["id"], None, host.id))
            _log.error("faas_jupyter: service %r could not start here: %s", state["name"], exc)
    return adopted


def unserve(ws: Workspace) -> None:
    """Stop hosting: stop the services homed here and give them up."""
    host = _hosts.host_for(ws.store)
    if _adopt_beat in host.beats:
        host.beats.remove(_adopt_beat)
        host.ticks.remove(_adopt_tick)
    for running in _queue.homed_here(host):
        bridge.stop(running.id)
        _queue.release(ws, running.id)


def serve_forever(ws: Workspace, ready=print) -> None:
    """``faas serve``: host the project until SIGINT/SIGTERM, then give its services up."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    names = serve(ws, kind="serve")
    host = _hosts.host_for(ws.store)
    ready(f"faas serve: hosting project {ws.project.name!r} as {host.describe()} "
          f"(host {host.id[:8]}); services: {', '.join(names) or 'none yet'}")
    try:
        while not stop.wait(1.0):
            pass
    finally:
        unserve(ws)
        _hosts.close_for(ws.store)
