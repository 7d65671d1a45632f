"""``svc.map`` on the process runtime (issue 16 item 1): the calls go to the workers in
batches, on SQLite and PostgreSQL; every input gets one execution row, in input order,
with its own status log and logs."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import svc_codebase as cb  # noqa: E402

from faas_jupyter.workspace import _runtime_bridge as bridge  # noqa: E402


@pytest.fixture
def psvc(ws):
    svc = cb.push(ws).deploy(service_name="pmap", runtime="process", concurrency=2)
    yield svc
    bridge.stop(svc.id)


def test_a_thousand_input_map_returns_every_result_in_order_with_one_row_each(ws, psvc):
    exs = psvc.map("add", [{"x": i} for i in range(1000)], progress=False)
    assert [e.output for e in exs] == [i + 10 for i in range(1000)]
    assert len({e.id for e in exs}) == 1000
    assert all(str(e.status) == "success" and cb.statuses(e) == ["created", "in-progress", "success"]
               for e in exs)
    stored = ws.executions.list(service="pmap", limit=None)
    assert sorted(e.id for e in stored) == sorted(e.id for e in exs)
    assert {e.id: e.output for e in stored} == {e.id: e.output for e in exs}


def test_each_execution_of_a_map_keeps_its_own_logs(ws, psvc):
    exs = psvc.map("talk", [{"tag": f"m{i}", "n": 5} for i in range(12)], progress=False)
    for i, ex in enumerate(exs):
        stored = ws.executions.get(ex.id)
        assert stored.logs("stdout").splitlines() == [f"m{i} out {j}" for j in range(5)]
        assert stored.logs("stderr").splitlines() == [f"m{i} err {j}" for j in range(5)]
        assert [e["progress"] for e in stored.status_log if e["progress"] is not None] == [20, 40, 60, 80, 100]
