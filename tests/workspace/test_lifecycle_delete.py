"""Deleting a service settles its executions; a row that cannot be written is isolated
(issue 11 items 9 and 14): real workspace, both store backends."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import svc_codebase as cb  # noqa: E402
from svc_lifecycle import _stop_services  # noqa: E402, F401 (autouse)

from faas_jupyter.errors import FaasError, NotFound  # noqa: E402
from faas_jupyter.workspace import _runtime_bridge as bridge  # noqa: E402


def _settled(ws, eid, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        ex = ws.executions.get(eid)
        if str(ex.status) not in ("created", "in-progress") or time.monotonic() > deadline:
            return ex
        time.sleep(0.02)


def test_deleting_a_service_right_after_execute_cancels_its_queued_execution(ws):
    svc = cb.push(ws).deploy(service_name="calc")
    first = svc.execute("hang", {"seconds": 0.5}, wait=False)   # holds the only thread
    queued = svc.execute("add", {"x": 1}, wait=False)          # not even in the store yet
    svc.delete()
    assert {e.id for e in ws.executions.list()} == {queued.id, first.id}  # never raises
    ex = _settled(ws, queued.id)
    assert str(ex.status) == "canceled" and "service 'calc' was deleted" in ex.error
    ex = _settled(ws, first.id)
    assert str(ex.status) in ("terminated", "success")


@pytest.mark.parametrize("runtime", ["kernel", "process"])
def test_a_service_deleted_while_it_runs_records_terminated_because_deleted(ws, runtime):
    svc = cb.push(ws).deploy(service_name="calc", runtime=runtime)
    ex = svc.execute("loop", wait=False)
    deadline = time.monotonic() + 30
    while str(ex.refresh().status) != "in-progress" and time.monotonic() < deadline:
        time.sleep(0.02)
    svc.delete()
    got = _settled(ws, ex.id)
    assert str(got.status) == "terminated", got.error
    assert "service 'calc' was deleted" in got.error and "new worker" not in got.error
    assert bridge.get_running(svc.id) is None


def test_a_row_that_cannot_be_written_is_isolated_and_reported_once(ws):
    a = cb.push(ws).deploy(service_name="a")
    b = ws.packages.get("svcpkg").deploy(service_name="b")
    bad = a.execute("hang", {"seconds": 0.5}, wait=False)  # first written after 0.25 s
    rec = bridge.recorder_for(ws.store)
    pending = rec.pending(bad.id)
    if pending is not None:  # make this one row unwritable: a project that does not exist
        pending.row["project_id"] = "no-such-project"
    out = b.map("add", [{"x": i} for i in range(20)], progress=False)  # raised IntegrityError before
    assert [e.output for e in out] == [i + 10 for i in range(20)]
    assert len(ws.executions.list()) >= 20  # listing never raises for one bad row
    if pending is not None:
        with pytest.raises(FaasError, match=f"execution {bad.id} could not be recorded"):
            bad.wait(10)
        with pytest.raises(NotFound):
            ws.executions.get(bad.id)
