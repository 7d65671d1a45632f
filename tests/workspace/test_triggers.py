"""Triggers as stored entities: ``svc.triggers.create/list``, ``ws.triggers.list/get``,
update / activate / deactivate / delete, the checks at create, and ``ex.trigger``."""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import trig_codebase as cb
from svc_lifecycle import _stop_services  # noqa: F401

from faas_jupyter.errors import Conflict, NotFound, PermissionDenied, ValidationError
from faas_jupyter.model.triggers import Trigger as TriggerModel
from faas_jupyter.workspace.triggers import check_function


@pytest.fixture
def svc(ws, tmp_path):
    return cb.deploy(ws, tmp_path)


def test_create_list_get(ws, svc):
    t = svc.triggers.create("on_item", filter={"dataset": "raw"}, actions=("Created", "Updated"))
    assert (t.name, t.service, t.function, t.type, t.resource) == ("ts", "ts", "on_item", "Event", "Item")
    assert t.actions == ["Created", "Updated"] and t.execution_mode == "Once" and t.active
    c = svc.triggers.create("tick", name="every", cron="*/5 * * * *", input={"n": 3})
    assert c.type == "Cron" and c.stats.next_fire_at is not None and c.stats.fire_count == 0
    assert [x.name for x in ws.triggers.list()] == ["every", "ts"]
    assert [x.name for x in svc.triggers.list()] == ["every", "ts"]
    assert [x.name for x in ws.triggers.list(service="ts", limit=1, offset=1)] == ["ts"]
    assert ws.triggers.get("every") == c and ws.triggers.get(c.id) == c
    with pytest.raises(NotFound, match="no trigger 'nope'.*every, ts"):
        ws.triggers.get("nope")
    with pytest.raises(NotFound, match="no service 'ghost'"):
        ws.triggers.list(service="ghost")


def test_json_is_dataloops_and_round_trips(ws, svc):
    t = svc.triggers.create("on_item", name="new-items", filter={"key": {"$in": ["a", "b"]}})
    d = t.to_json()
    assert d["projectId"] == ws.project.id and d["spec"]["operation"] == {
        "type": "function", "serviceName": "ts", "functionName": "on_item"}
    assert d["stats"] == {"lastFiredAt": None, "nextFireAt": None, "fireCount": 0, "failureCount": 0}
    assert TriggerModel.from_json(d).to_json() == d


def test_update_activate_deactivate_delete(ws, svc):
    t = svc.triggers.create("on_item", name="t1")
    t.update(execution_mode="Always", filter={"dataset": "x"}, input={"tag": "y"})
    fresh = ws.triggers.get("t1")
    assert (fresh.execution_mode, fresh.filter, fresh.input) == ("Always", {"dataset": "x"}, {"tag": "y"})
    assert t.deactivate().active is False and ws.triggers.get("t1").active is False
    assert t.activate().active is True
    t.update(name="t2")
    assert [x.name for x in ws.triggers.list()] == ["t2"]
    with pytest.raises(ValidationError, match="cannot update service"):
        t.update(service="other")
    with pytest.raises(ValidationError) as err:
        t.update(filter={"a": {"$bad": 1}})
    assert err.value.path == "spec.filter.a.$bad" and ws.triggers.get("t2").filter == {"dataset": "x"}
    t.delete()
    assert ws.triggers.list() == []
    with pytest.raises(NotFound, match="deleted already"):
        t.delete()


def test_cron_update_moves_the_next_fire(ws, svc):
    c = svc.triggers.create("tick", name="c", cron="0 0 1 1 *")
    first = c.stats.next_fire_at
    c.update(cron="*/5 * * * *")
    assert c.stats.next_fire_at < first
    c.deactivate()
    assert c.stats.next_fire_at is None
    c.activate()
    assert c.stats.next_fire_at is not None


def test_refused_at_create_with_the_fix(ws, svc):
    with pytest.raises(ValidationError, match="exactly one input of type 'Item'.*it has none"):
        svc.triggers.create("tick")
    with pytest.raises(ValidationError, match=r"it has 2 \(item, other\)"):
        svc.triggers.create("two")
    with pytest.raises(ValidationError, match="needs input 'level'.*input="):
        svc.triggers.create("needs")
    assert svc.triggers.create("needs", input={"level": 2}).input == {"level": 2}
    with pytest.raises(ValidationError, match="type 'Dataset'"):
        svc.triggers.create("on_item", name="d", resource="Dataset")
    with pytest.raises(NotFound, match="on_item"):
        svc.triggers.create("ghost", name="g")
    with pytest.raises(ValidationError) as err:
        svc.triggers.create("tick", name="bad-cron", cron="*/5 * * *")
    assert err.value.path == "spec.cron" and "4 fields" in str(err.value)
    svc.triggers.create("on_item", name="dup")
    with pytest.raises(Conflict, match="'dup' exists already.*name="):
        svc.triggers.create("on_item", name="dup")
    assert svc.triggers.create("on_annotation", name="notes", resource="Annotation").resource == "Annotation"


def test_dask_services_are_refused(ws, svc):
    t = TriggerModel("x", "ts", function="tick", type="Cron", cron="* * * * *")
    with pytest.raises(ValidationError, match="runtime='process'"):
        check_function(ws, replace(svc, runtime="dask"), t)


def test_only_developers_manage_triggers(ws, svc):
    ws.project.members.add("anna", role="annotator")
    anna = ws.as_user("anna")
    with pytest.raises(PermissionDenied, match="anna"):
        anna.services.get("ts").triggers.create("on_item")
    t = svc.triggers.create("on_item")
    assert [x.name for x in anna.triggers.list()] == ["ts"]  # members read
    with pytest.raises(PermissionDenied):
        anna.triggers.get("ts").deactivate()
    with pytest.raises(PermissionDenied):
        anna.triggers.get("ts").delete()
    assert ws.triggers.get(t.id).active


def test_executions_not_from_a_trigger_say_so(ws, svc):
    ex = svc.execute("tick", {})
    assert ex.trigger is None and ex.to_json()["trigger"] is None


def test_deleting_the_service_deletes_its_triggers(ws, svc):
    svc.triggers.create("on_item")
    svc.triggers.create("tick", name="c", cron="* * * * *")
    ws.services.delete("ts")
    assert ws.triggers.list() == []
