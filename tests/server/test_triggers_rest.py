"""Triggers over the real REST server: create (event and cron) on a service the server hosts,
list per project and per service, get, update, activate/deactivate, delete, and the
executions a trigger started (which name it); bad bodies are 400 and store nothing, and
changing a trigger needs owner or developer."""
from __future__ import annotations

import asyncio
import time

import pandas as pd
import pytest

CODE = '''
import pandas as pd
from faas_jupyter import BaseServiceRunner


class ServiceRunner(BaseServiceRunner):
    def count(self, table: pd.DataFrame) -> int:
        return len(table)

    def tick(self, label: str = "t") -> str:
        return label
'''


@pytest.fixture
def counted(ws, tmp_path):
    src = tmp_path / "counter"
    src.mkdir()
    (src / "main.py").write_text(CODE)
    ws.project.members.add("ann", role="annotator")
    return ws.packages.push(src, package_name="counter", message="first")


async def _deployed(api) -> None:
    code, svc = await api("POST", "services", body={"name": "svc", "package": "counter", "runtime": "process"})
    assert code == 201, svc


async def _runs(api, trigger: str, n: int, timeout: float = 60) -> list[dict]:
    """The trigger's executions once ``n`` of them succeeded."""
    end = time.monotonic() + timeout
    while True:
        code, runs = await api("GET", "triggers", trigger, "executions")
        assert code == 200, runs
        if sum(r["status"] == "success" for r in runs) >= n:
            return runs
        assert time.monotonic() < end, runs
        await asyncio.sleep(0.1)


async def test_an_event_trigger_over_rest_runs_once_per_matching_item(api, ws, counted):
    await _deployed(api)
    code, made = await api("POST", "services", "svc", "triggers",
                           body={"function": "count", "actions": ["Created"], "filter": {"key": "orders"}})
    assert code == 201, made
    assert (made["name"], made["type"], made["active"]) == ("svc", "Event", True)
    assert made["spec"]["operation"] == {"type": "function", "serviceName": "svc", "functionName": "count"}
    ws.items.log(pd.DataFrame({"a": [1, 2, 3]}), key="other")  # filtered out
    item = ws.items.log(pd.DataFrame({"a": [1, 2, 3]}), key="orders")
    runs = await _runs(api, "svc", 1)
    assert [(r["output"], r["trigger"]["name"], r["trigger"]["id"]) for r in runs] == [(3, "svc", made["id"])]
    assert runs[0]["input"]["table"] == item.id
    code, one = await api("GET", "executions", runs[0]["id"])
    assert one["trigger"]["eventId"]  # the execution names the event that started it
    code, listed = await api("GET", "triggers", "svc")
    stats = listed.get("stats", listed)
    assert (stats["fireCount"], stats["failureCount"]) == (1, 0) and stats["lastFiredAt"]


async def test_crud_of_a_cron_trigger(api, counted):
    await _deployed(api)
    body = {"function": "tick", "name": "ticker", "type": "Cron", "cron": "0 3 * * *",
            "input": {"label": "night"}, "catchUp": "none"}
    code, made = await api("POST", "services", "svc", "triggers", body=body)
    assert code == 201, made
    assert made["spec"]["cron"] == "0 3 * * *" and made["spec"]["catchUp"] == "none"
    assert made.get("stats", made)["nextFireAt"].endswith(("03:00:00+00:00", "03:00:00.000000+00:00"))
    for path in (("services", "svc", "triggers"), ("triggers",)):
        code, found = await api("GET", *path, **({"service": "svc"} if path == ("triggers",) else {}))
        items = found["items"] if isinstance(found, dict) else found
        assert code == 200 and [t["name"] for t in items] == ["ticker"], found
    code, off = await api("POST", "triggers", "ticker", "deactivate")
    assert code == 200 and off["active"] is False and off.get("stats", off)["nextFireAt"] is None
    code, on = await api("POST", "triggers", made["id"], "activate")  # by id too
    assert code == 200 and on["active"] is True
    code, changed = await api("PATCH", "triggers", "ticker", body={"cron": "*/10 * * * *"})
    assert code == 200 and changed["spec"]["cron"] == "*/10 * * * *"
    code, gone = await api("DELETE", "triggers", "ticker")
    assert (code, gone["deleted"]) == (200, "ticker")
    code, err = await api("GET", "triggers", "ticker")
    assert code == 404 and "ticker" in err["message"]


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"function": "tick", "type": "Cron", "cron": "61 * * * *"}, 400, "cron"),
    ({"function": "tick", "type": "Cron", "cron": "* * *"}, 400, "5 fields"),
    ({"function": "count", "filter": {"$where": "1"}}, 400, "$where"),
    ({"function": "count", "actions": ["Exploded"]}, 400, "Exploded"),
    ({"function": "count", "colour": "red"}, 400, "unknown key(s) colour"),
    ({"function": "nope"}, 404, "nope"),
])
async def test_bad_triggers_are_refused_and_store_nothing(api, counted, body, status, message):
    await _deployed(api)
    code, err = await api("POST", "services", "svc", "triggers", body=body)
    assert code == status and message in err["message"], err
    code, found = await api("GET", "triggers")
    assert found["items"] == []


async def test_an_annotator_reads_triggers_but_cannot_change_them(api, counted):
    await _deployed(api)
    code, made = await api("POST", "services", "svc", "triggers", body={"function": "tick", "cron": "0 3 * * *",
                                                                        "type": "Cron"})
    assert code == 201, made
    code, found = await api("GET", "triggers", "svc", user="ann")
    assert code == 200 and found["name"] == "svc"
    for method, path, body in (("POST", ("services", "svc", "triggers"), {"function": "tick", "name": "x",
                                                                          "type": "Cron", "cron": "0 4 * * *"}),
                               ("PATCH", ("triggers", "svc"), {"cron": "0 5 * * *"}),
                               ("POST", ("triggers", "svc", "deactivate"), {}),
                               ("DELETE", ("triggers", "svc"), None)):
        code, err = await api(method, *path, user="ann", body=body)
        assert code == 403 and "ann" in err["message"], (method, path, err)
    code, still = await api("GET", "triggers", "svc")
    assert still["active"] is True and still["spec"]["cron"] == "0 3 * * *"
