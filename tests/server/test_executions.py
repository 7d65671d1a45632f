"""REST executions (list with filters and paging, details, logs, rerun, terminate),
datasets, items and previews of DataFrames and arrays."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


async def _deploy(api):
    code, svc = await api("POST", "services", body={"name": "svc", "package": "shapes", "runtime": "process"})
    assert code == 201, svc


async def _run(api, final, function, **inputs):
    code, ex = await api("POST", "services", "svc", "execute", body={"function": function, "input": inputs})
    assert code == 201, ex
    return await final(ex["id"])


async def test_list_filters_paging_rerun_terminate(api, final, pushed):
    await _deploy(api)
    first = await _run(api, final, "add", x=1)
    await _run(api, final, "add", y=2)  # x missing: fails where the function runs
    table = await _run(api, final, "table", n=3)
    code, page = await api("GET", "executions")
    assert [e["functionName"] for e in page["items"]] == ["table", "add", "add"]  # newest first
    assert (page["limit"], page["offset"], page["next"]) == (50, 0, None)
    code, page = await api("GET", "executions", function="add", status="success")
    assert [e["id"] for e in page["items"]] == [first["id"]]
    code, page = await api("GET", "executions", status="failed", service="svc")
    assert [e["input"] for e in page["items"]] == [{"y": 2}]
    code, page = await api("GET", "executions", limit="2")
    assert (len(page["items"]), page["next"]) == (2, 2)
    code, page = await api("GET", "executions", limit="2", offset="2")
    assert ([e["id"] for e in page["items"]], page["next"]) == ([first["id"]], None)
    code, page = await api("GET", "executions", service="other")
    assert page["items"] == []

    code, again = await api("POST", "executions", first["id"], "rerun")
    assert code == 201 and again["id"] != first["id"]
    again = await final(again["id"])
    assert (again["status"], again["output"], again["input"]) == ("success", 11, {"x": 1})
    code, err = await api("POST", "executions", table["id"], "terminate")
    assert code == 409 and "has ended already (success)" in err["message"]

    code, slow = await api("POST", "services", "svc", "execute", body={"function": "slow", "input": {"seconds": 60}})
    code, stopped = await api("POST", "executions", slow["id"], "terminate")
    assert code == 200
    assert (await final(slow["id"]))["status"] == "terminated"


async def test_a_delta_poll_returns_what_changed_since_its_cursor(api, final, pushed):
    await _deploy(api)
    before = await _run(api, final, "add", x=1)
    code, start = await api("GET", "executions", "changes")
    assert (code, start["items"], start["more"]) == (200, [], False)
    code, empty = await api("GET", "executions", "changes", since=str(start["cursor"]))
    assert (empty["items"], empty["cursor"]) == ([], start["cursor"])
    a = await _run(api, final, "add", x=2)
    b = await _run(api, final, "add", x=3)
    seen, cursor = {}, start["cursor"]
    while True:  # upsert by id, as the sidebar does
        code, delta = await api("GET", "executions", "changes", since=str(cursor), limit="1")
        seen.update({e["id"]: e for e in delta["items"]})
        cursor = delta["cursor"]
        if not delta["more"]:
            break
    assert set(seen) == {a["id"], b["id"]} and before["id"] not in seen
    assert {e["status"] for e in seen.values()} == {"success"}
    code, err = await api("GET", "executions", "changes", since="x")
    assert code == 400 and "?since= must be an integer" in err["message"]


async def test_a_dataframe_output_is_an_item_with_a_table_preview(api, final, pushed):
    await _deploy(api)
    ex = await _run(api, final, "table", n=3)
    ref = ex["output"]
    assert set(ref) == {"id", "key", "artifactType"}, ref
    code, item = await api("GET", "items", ref["id"])
    assert (code, item["id"], item["execution"]) == (200, ref["id"], ex["id"])
    code, preview = await api("GET", "items", ref["id"], "preview")
    assert code == 200
    assert (preview["kind"], preview["columns"], preview["data"], preview["shape"], preview["truncated"]) == (
        "dataframe", ["a", "b"], [[0, 0.0], [1, 0.5], [2, 1.0]], [3, 2], False)
    code, logs = await api("GET", "executions", ex["id"], "logs")
    assert [(line["stream"], line["text"].strip()) for line in logs] == [("logging", "WARNING shapes: making 3 rows")]


async def test_datasets_items_and_previews(api, ws):
    ws.datasets.create("raw")
    big = ws.items.log(pd.DataFrame({"v": range(120)}), key="big", dataset="raw")
    arr = ws.items.log(np.arange(6).reshape(2, 3), key="arr", dataset="raw")
    val = ws.items.log(42, key="answer")
    code, datasets = await api("GET", "datasets")
    assert [d["name"] for d in datasets] == ["raw"]
    code, items = await api("GET", "datasets", "raw", "items")
    assert [i["key"] for i in items] == ["big", "arr"]
    code, p = await api("GET", "items", big.id, "preview")
    assert (p["shape"], len(p["data"]), p["truncated"]) == ([120, 1], 50, True)
    code, p = await api("GET", "items", arr.id, "preview")
    assert (p["kind"], p["data"], p["shape"], p["dtype"]) == ("array", [[0, 1, 2], [3, 4, 5]], [2, 3], "int64")
    code, p = await api("GET", "items", val.id, "preview")
    assert p == {"kind": "value", "value": 42}
    code, err = await api("GET", "datasets", "nope", "items")
    assert code == 404 and "no dataset 'nope'" in err["message"]
    code, err = await api("GET", "items", "nope", "preview")
    assert code == 404


@pytest.mark.parametrize("query,message", [
    ({"limit": "x"}, "?limit= must be an integer"), ({"limit": "0"}, "?limit= must be between 1"),
    ({"offset": "-1"}, "?offset= must be between 0"), ({"status": "done"}, "unknown execution status 'done'"),
])
async def test_bad_queries_are_400(api, query, message):
    code, err = await api("GET", "executions", **query)
    assert code == 400 and message in err["message"]


async def test_unknown_execution_is_404(api):
    for path in (("x",), ("x", "logs")):
        code, err = await api("GET", "executions", *path)
        assert code == 404 and "no execution 'x'" in err["message"]
    code, err = await api("POST", "executions", "x", "rerun")
    assert code == 404
