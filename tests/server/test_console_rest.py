"""REST for the console: the sidebar's whole poll tick in one ``summary`` request, paged and
sorted executions with totals, charts, log lines after an offset, rerun with edited inputs,
all items with lineage; non-members get 403."""
from __future__ import annotations

import pandas as pd


async def _executed(api, final):
    code, svc = await api("POST", "services", body={"name": "svc", "package": "shapes", "runtime": "process"})
    assert code == 201, svc
    out = []
    for function, inputs in (("add", {"x": 1}), ("slow", {"seconds": 30}), ("table", {"n": 2})):
        code, ex = await api("POST", "services", "svc", "execute", body={"function": function, "input": inputs})
        assert code == 201, ex
        if function == "slow":  # a run that ends otherwise than in success
            code, _ = await api("POST", "executions", ex["id"], "terminate")
            assert code == 200
        out.append(await final(ex["id"]))
    return out


async def test_summary_answers_a_whole_sidebar_tick_in_one_request(api, final, pushed, ws):
    add, bad, table = await _executed(api, final)
    ws.datasets.create("raw")
    code, tick = await api("GET", "summary", limit="2")
    assert code == 200
    assert set(tick) == {"whoami", "packages", "services", "triggers", "executions", "datasets"}
    assert (tick["whoami"]["user"], tick["whoami"]["project"], tick["whoami"]["role"]) == (
        "tester", "default", "owner")
    assert [(p["name"], p["latestRevision"]) for p in tick["packages"]] == [("shapes", "1.0.1")]
    assert [(s["name"], s["packageRevision"], s["behind"]) for s in tick["services"]] == [("svc", "1.0.1", 0)]
    assert tick["executions"]["total"] == 3
    assert [e["id"] for e in tick["executions"]["items"]] == [table["id"], bad["id"]]
    assert [d["name"] for d in tick["datasets"]] == ["raw"]
    assert tick["triggers"] == []
    ws.services.get("svc").triggers.create("add", name="nightly", cron="0 3 * * *", input={"x": 1})
    code, tick = await api("GET", "summary", limit="2")
    assert [(t["name"], t["spec"]["operation"]["serviceName"]) for t in tick["triggers"]] == [("nightly", "svc")]
    code, stopped = await api("GET", "summary", status="terminated")
    assert [e["id"] for e in stopped["executions"]["items"]] == [bad["id"]]


async def test_console_pages_sort_and_filter(api, final, pushed):
    add, bad, table = await _executed(api, final)
    code, page = await api("GET", "console", "executions", limit="2", sort="created", order="asc")
    assert code == 200, page
    assert ([e["id"] for e in page["items"]], page["total"]) == ([add["id"], bad["id"]], 3)
    code, page = await api("GET", "console", "executions", limit="2", offset="2", sort="created", order="asc")
    assert [e["id"] for e in page["items"]] == [table["id"]]
    code, page = await api("GET", "console", "executions", function="add", user="tester", status="success,failed")
    assert ([e["id"] for e in page["items"]], page["total"]) == ([add["id"]], 1)
    code, page = await api("GET", "console", "executions", since="2999-01-01")
    assert (page["items"], page["total"]) == ([], 0)
    code, err = await api("GET", "console", "executions", sort="colour")
    assert code == 400 and "cannot sort executions by 'colour'" in err["message"]
    code, err = await api("GET", "console", "executions", limit="0")
    assert code == 400 and "?limit=" in err["message"]
    code, values = await api("GET", "console", "filters")
    assert (values["services"], values["functions"], values["users"]) == (["svc"], ["add", "slow", "table"], ["tester"])
    code, stats = await api("GET", "console", "stats")
    assert stats["bucket"] == "minute"
    assert sum(sum(b["counts"].values()) for b in stats["overTime"]) == 3
    assert [d["function"] for d in stats["durations"]] == ["add", "slow", "table"]


async def test_log_lines_after_an_offset_and_rerun_with_edited_inputs(api, final, pushed):
    add, bad, table = await _executed(api, final)
    code, logs = await api("GET", "executions", add["id"], "log-lines")
    assert code == 200 and [line["text"] for line in logs["lines"]] == ["adding 1 and 10\n"]
    code, more = await api("GET", "executions", add["id"], "log-lines", after=str(logs["next"]))
    assert (more["lines"], more["next"], more["status"]) == ([], logs["next"], "success")
    code, again = await api("POST", "executions", add["id"], "rerun-with", body={"input": {"x": 5}})
    assert code == 201, again
    again = await final(again["id"])
    assert (again["status"], again["output"], again["input"]) == ("success", 15, {"x": 5})
    code, quick = await api("POST", "executions", bad["id"], "rerun-with", body={"input": {"seconds": 0.01}})
    assert (await final(quick["id"]))["status"] == "success"
    code, err = await api("POST", "executions", bad["id"], "rerun-with", body={"input": [1]})
    assert code == 400 and "'input' must be an object" in err["message"]


async def test_items_of_the_whole_project_with_lineage(api, final, pushed, ws):
    add, bad, table = await _executed(api, final)
    ws.items.log(pd.DataFrame({"a": [1]}), key="loose")  # no dataset
    code, page = await api("GET", "console", "items")
    assert code == 200 and page["total"] == 2
    keys = {i["key"]: i for i in page["items"]}
    produced = next(i for i in page["items"] if i["execution"] == table["id"])
    assert "loose" in keys and produced["executionFunction"] == "table"
    code, page = await api("GET", "console", "items", search="loo")
    assert [i["key"] for i in page["items"]] == ["loose"]
    code, lineage = await api("GET", "items", produced["id"], "lineage")
    assert code == 200
    assert lineage["producedBy"]["id"] == table["id"]
    assert lineage["revision"] == {"package": "shapes", "version": "1.0.1"}
    assert lineage["usedBy"] == []


async def test_non_members_are_refused(api, pushed):
    for path in (("summary",), ("console", "executions"), ("console", "items"), ("console", "stats")):
        code, err = await api("GET", *path, user="mallory")
        assert code == 403 and "mallory" in err["message"], (path, err)
