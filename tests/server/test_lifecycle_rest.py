"""Through the real REST server: deleting a service right after an execute settles that
execution and `GET executions` keeps answering (issue 11 item 9)."""
from __future__ import annotations


def _deploy_body(**over):
    return {"name": "svc", "package": "shapes", "moduleName": "default_module", "packageRevision": "1.0.0",
            "initParams": {"scale": 2}, "runtime": "process", **over}


async def test_deleting_a_service_right_after_an_execute_settles_it_and_listing_answers(api, final, pushed):
    code, svc = await api("POST", "services", body=_deploy_body())
    assert code == 201, svc
    code, running = await api("POST", "services", "svc", "execute", body={"function": "slow", "input": {"seconds": 30}})
    code, queued = await api("POST", "services", "svc", "execute", body={"function": "add", "input": {"x": 1}})
    assert code == 201
    code, body = await api("DELETE", "services", "svc")  # well within the recorder's 0.25 s
    assert (code, body) == (200, {"deleted": "svc"})
    code, listed = await api("GET", "executions")
    assert code == 200 and {e["id"] for e in listed["items"]} >= {running["id"], queued["id"]}
    first, second = await final(running["id"]), await final(queued["id"])
    assert first["status"] == "terminated" and "service 'svc' was deleted" in first["error"]
    assert second["status"] == "canceled" and "service 'svc' was deleted" in second["error"]
