"""A Json function's large result: spilled to a file item (a typed array for numbers), the
row keeping only the reference; small results stay inline (SQLite and PostgreSQL)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import Text, cast, select

from faas_jupyter.store.schema import executions
from faas_jupyter.workspace import _runtime_bridge as bridge

MAIN = b'''
class ServiceRunner:
    def numbers(self, n: int):
        return [i / 3 for i in range(n)]

    def records(self, n: int):
        return {"rows": [{"i": i, "name": f"row {i}"} for i in range(n)]}

    def bad(self):
        return [1.0, float("nan")] * 5000
'''
J = [{"name": "output", "type": "Json"}]
SPEC = {"name": "big", "modules": [{"name": "m", "entryPoint": "main.py", "className": "ServiceRunner",
        "functions": [{"name": "numbers", "input": [{"name": "n", "type": "Integer"}], "output": J},
                      {"name": "records", "input": [{"name": "n", "type": "Integer"}], "output": J},
                      {"name": "bad", "input": [], "output": J}]}]}


@pytest.fixture
def svc(ws):
    pkg = ws.packages.push(codebase={"main.py": MAIN, "package.json": json.dumps(SPEC).encode()},
                           package_name="big")
    svc = pkg.deploy(service_name="big")
    yield svc
    bridge.stop(svc.id)


def _stored_output(ws, ex) -> str:
    """The row's output column as stored: JSON text."""
    with ws.store.connect() as conn:
        return conn.scalar(select(cast(executions.c.output, Text)).where(executions.c.id == ex.id))


@pytest.mark.parametrize(("function", "n", "fmt"), [("numbers", 100_000, "array"), ("records", 5000, "json")])
def test_a_large_json_result_is_a_file_item_and_the_row_keeps_a_reference(ws, svc, function, n, fmt):
    ex = svc.execute(function, {"n": n})
    assert str(ex.status) == "success", ex.error
    assert set(ex.output) == {"item_id", "key", "artifact_type"}
    assert len(_stored_output(ws, ex)) < 200
    [item] = ex.output_items()
    assert (item.to_json()["artifactType"], item.to_json()["format"]) == ("file", fmt)
    assert item.to_json()["execution"] == ex.id
    expected = [i / 3 for i in range(n)] if function == "numbers" else \
        {"rows": [{"i": i, "name": f"row {i}"} for i in range(n)]}
    assert ex.get_output() == expected
    assert ws.executions.get(ex.id).get_output() == expected


def test_a_small_json_result_stays_inline(ws, svc):
    ex = svc.execute("numbers", {"n": 3000})  # large enough to be measured, under 64 KB
    assert ex.output == [i / 3 for i in range(3000)] and json.loads(_stored_output(ws, ex)) == ex.output


def test_a_large_result_that_is_not_json_fails_naming_the_output(ws, svc):
    ex = svc.execute("bad")
    assert str(ex.status) == "failed" and "output 'output' is declared Json" in ex.error
