"""Settle executions whose owner is gone, by whoever reads them (issue 11 item 10).

An unfinished row is *orphaned* when the host that owns it has no valid lease (or, on
this machine, its process is gone). Reading it (``ws.executions.get/list``, the REST API
and the sidebar on top of them) settles it per its service's ``on_reset``:

* ``failed`` (or the service was deleted): the row becomes ``failed``;
* ``rerun``: the row goes back to the queue (``created``, no owner) and the service's home
  runs it again.

Queued rows (``created``, no owner) wait for their service's home. When the home's lease
expired they follow ``on_reset`` too (``failed`` fails them, ``rerun`` keeps them waiting);
waiting rows get one status message saying what they wait for. Every update is a
compare-and-set on (status, owner), so several readers settle a row once.
"""
from __future__ import annotations

from typing import TYPE_CHECKING


from faas_jupyter.model.clock import now
from faas_jupyter.store import executions as exec_sql
from faas_jupyter.store import hosts as sql
from faas_jupyter.workspace import _hosts

if TYPE_CHECKING:
    from faas_jupyter.store.db import Connection
    from faas_jupyter.workspace._base import Workspace

UNFINISHED = ("created", "in-progress")


def settle(ws: Workspace, rows: list[dict], pending=lambda _id: None) -> set[str]:
    """Settle the orphaned ones among ``rows`` (executions rows); returns the ids changed."""
    rows = [r for r in rows if r["status"] in UNFINISHED and pending(r["id"]) is None]
    if not rows:
        return set()
    with ws.store.connect() as conn:
        states = {sid: sql.service_state(conn, sid) for sid in {r["service_id"] for r in rows if r["service_id"]}}
        hosts = sql.get_hosts(conn, [r.get("owner") for r in rows] +
                              [s["home"] for s in states.values() if s and s.get("home")])
    stamp, changed = now(), set()
    for row in rows:
        state = states.get(row["service_id"]) if row["service_id"] else None
        action = _decide(row, state, hosts, stamp)
        if action is not None and ws.store.write(lambda conn, row=row, action=action: _apply(conn, row, action, stamp)):
            changed.add(row["id"])
    return changed


def _decide(row: dict, state: dict | None, hosts: dict, stamp: str) -> tuple | None:
    """(status, message[, extra columns]) for an orphaned row, or None to leave it."""
    owner = row.get("owner")
    if owner is None and row["status"] == "created":
        return _queued(row, state, hosts, stamp)
    if owner is None:  # written before hosts existed: the owner is in metadata
        legacy = (row.get("metadata") or {}).get("owner")
        if _hosts.legacy_owner_alive(legacy) is not False:
            return None
        who = f"process {legacy or 'unknown'}"
    else:
        host = hosts.get(owner)
        if _hosts.alive(host, stamp):
            return None
        who = _hosts.describe(host) + (f" (lease expired {host['lease_until']})" if host else "")
    why = f"the process running it ({who}) went away while the execution was {row['status']}"
    if state is None:
        return ("failed", f"{why}; its service was deleted")
    if state["on_reset"] == "rerun":
        return ("created", f"{why}; on_reset=rerun: queued to run again in the service's home",
                {"owner": None})
    return ("failed", f"{why} (on_reset=failed)")


def _queued(row: dict, state: dict | None, hosts: dict, stamp: str) -> tuple | None:
    if state is None:
        return ("canceled", "canceled before it started: its service was deleted")
    home = state.get("home")
    if home is not None and _hosts.alive(hosts.get(home), stamp):
        return None
    name = state["name"]
    if home is not None and state["on_reset"] != "rerun":
        return ("failed", f"the home of service {name!r} ({_hosts.describe(hosts.get(home))}) went away "
                          "while the execution was created (queued) (on_reset=failed)")
    note = (f"waiting: no process hosts service {name!r} now ("
            + ("its home " + _hosts.describe(hosts.get(home)) + " is gone" if home else "none has started it")
            + "); it runs when one does: svc.start() in a kernel, a Jupyter server or `faas serve` "
              "for process services")
    meta = row.get("metadata") or {}
    if meta.get("waiting") == (home or "none"):
        return None  # said so already
    return ("created", note, {"metadata": {**meta, "waiting": home or "none"}})


def _apply(conn: Connection, row: dict, action: tuple, stamp: str) -> bool:
    status, message, *extra = action
    return exec_sql.settle(conn, row, status, message, stamp, **(extra[0] if extra else {}))
