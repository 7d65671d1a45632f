"""Queued executions of a service whose home is gone (issue 11 item 10, issue 12 item 2):
they wait with a status message (on_reset="rerun") or fail (on_reset="failed") once the
home's lease expired, and run as soon as another process adopts the service."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import insert, update

sys.path.insert(0, str(Path(__file__).parent))
import svc_codebase as cb  # noqa: E402
from svc_lifecycle import _stop_services  # noqa: E402, F401 (autouse)

from faas_jupyter.store.schema import hosts, services  # noqa: E402
from faas_jupyter.workspace import _queue  # noqa: E402
from faas_jupyter.workspace import _runtime_bridge as bridge  # noqa: E402


def _home_on_a_machine_that_is_gone(ws, svc) -> None:
    """The service's home: a kernel on another machine whose lease ran out a minute ago."""
    bridge.stop(svc.id)
    row = {"id": "f" * 32, "hostname": "gone-machine", "pid": 4242, "pid_start": None, "kind": "kernel",
           "project_id": None, "started_at": "2026-01-01T00:00:00+00:00",
           "heartbeat_at": "2026-01-01T00:00:00+00:00", "lease_until": "2026-01-01T00:00:30+00:00",
           "metadata": {}}
    ws.store.write(lambda conn: (conn.execute(insert(hosts).values(**row)),
                                 conn.execute(update(services).where(services.c.id == svc.id).values(home=row["id"]))))


@pytest.mark.parametrize("on_reset", ["rerun", "failed"])
def test_queued_executions_of_a_gone_home_wait_or_fail_then_run_once_adopted(ws, on_reset):
    svc = cb.push(ws).deploy(service_name="k", on_reset=on_reset)
    _home_on_a_machine_that_is_gone(ws, svc)
    # what another process submitted while the home was still taken for alive
    row = _queue.enqueue(ws, svc, _queue.state_of(ws, svc.id, "k"), "add", {"x": 1})
    ex = ws.executions.get(row["id"])  # reading it settles it
    message = ex.status_log[-1]["message"]
    if on_reset == "failed":
        assert str(ex.status) == "failed"
        assert "home of service 'k' (kernel pid 4242 on gone-machine) went away" in ex.error
        assert "while the execution was created (queued)" in ex.error
        return
    assert str(ex.status) == "created"
    assert message.startswith("waiting: no process hosts service 'k' now (its home kernel pid 4242 "
                              "on gone-machine is gone)")
    assert ws.executions.get(row["id"]).status_log[-1]["message"] == message  # said once
    assert svc.execute("add", {"x": 2}).output == 12  # this process adopts the service ...
    assert ws.executions.get(row["id"]).wait(30).output == 11  # ... and runs what waited
