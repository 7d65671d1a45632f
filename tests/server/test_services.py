"""REST services: deploy (process runtime, hosted by the server), execute, executions,
update, pause/resume, delete; bad input is a 400 naming the fix; roles apply."""
from __future__ import annotations

import pytest


def _deploy_body(**over):
    return {"name": "svc", "package": "shapes", "moduleName": "default_module", "packageRevision": "1.0.0",
            "initParams": {"scale": 2}, "runtime": "process", **over}


async def test_deploy_execute_update_pause_delete(api, final, pushed, ws):
    code, svc = await api("POST", "services", body=_deploy_body())
    assert code == 201, svc
    assert (svc["name"], svc["packageRevision"], svc["runtime"], svc["behind"], svc["creator"]) == (
        "svc", "1.0.0", "process", 1, "tester")
    code, listed = await api("GET", "services")
    assert [s["name"] for s in listed] == ["svc"]

    code, ex = await api("POST", "services", "svc", "execute", body={"function": "add", "input": {"x": 1}})
    assert code == 201 and ex["functionName"] == "add"
    ex = await final(ex["id"])
    assert (ex["status"], ex["output"], ex["input"]) == ("success", 22, {"x": 1})
    code, logs = await api("GET", "executions", ex["id"], "logs")
    assert [(line["stream"], line["text"]) for line in logs] == [("stdout", "adding 1 and 10\n")]

    code, moved = await api("PATCH", "services", "svc", body={"packageRevision": "1.0.1"})
    assert (code, moved["packageRevision"], moved["behind"]) == (200, "1.0.1", 0)

    code, paused = await api("POST", "services", "svc", "pause")
    assert (code, paused["active"]) == (200, False)
    code, err = await api("POST", "services", "svc", "execute", body={"function": "add", "input": {"x": 1}})
    assert code == 409 and "paused" in err["message"]
    code, resumed = await api("POST", "services", "svc", "resume")
    assert resumed["active"] is True

    ws.project.members.add("bob", role="annotator")
    code, err = await api("DELETE", "services", "svc", user="bob")
    assert code == 403 and "user 'bob' may not delete service 'svc'" in err["message"]
    code, body = await api("DELETE", "services", "svc")
    assert (code, body) == (200, {"deleted": "svc"})
    code, err = await api("GET", "services", "svc")
    assert code == 404 and "no service 'svc'" in err["message"]


@pytest.mark.parametrize("body,message", [
    ({"name": "svc"}, "missing required key 'package'"),
    (_deploy_body(color="red"), "unknown key(s) color"),
    (_deploy_body(runtime="kernel"), "runtime 'kernel' cannot be hosted by the Jupyter server"),
    (_deploy_body(name="no spaces"), "service name"),
    (_deploy_body(initParams=[1]), "initParams"),
    (_deploy_body(concurrency=0), "concurrency must be a positive finite number"),
    (_deploy_body(initParams={"scale": "x"}), "scale"),
])
async def test_bad_deploys_are_400_and_save_nothing(api, pushed, ws, body, message):
    code, err = await api("POST", "services", body=body)
    assert code == 400, err
    assert message in err["message"]
    assert ws.services.list() == []


async def test_deploy_errors_name_the_missing_thing_and_the_role(api, pushed, ws):
    code, err = await api("POST", "services", body=_deploy_body(packageRevision="1.0.9"))
    assert (code, err["message"]) == (404, "package 'shapes' has no revision 1.0.9; latest is 1.0.1")
    code, err = await api("POST", "services", body=_deploy_body(package="nope"))
    assert code == 404
    ws.project.members.add("bob", role="annotationManager")
    code, err = await api("POST", "services", body=_deploy_body(), user="bob")
    assert code == 403 and "user 'bob' may not deploy service 'svc'" in err["message"]
    assert ws.services.list() == []


async def test_bad_execute_and_update_bodies_are_400(api):
    code, err = await api("POST", "services", "svc", "execute", body={"function": "add", "input": [1]})
    assert code == 400 and "'input' must be an object" in err["message"]
    code, err = await api("POST", "services", "svc", "execute", body={"function": 3})
    assert code == 400 and "'function'" in err["message"]
    code, err = await api("PATCH", "services", "svc", body={})
    assert code == 400 and "nothing to change" in err["message"]
    code, err = await api("PATCH", "services", "svc", body={"name": "other"})
    assert code == 400 and "unknown key(s) name" in err["message"]
    code, err = await api("POST", "services", "nope", "execute", body={"function": "add", "input": {}})
    assert code == 404 and "no service 'nope'" in err["message"]
