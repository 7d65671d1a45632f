"""Event triggers fire on the service's home: each action x resource, filters, Once vs
Always, inputs, a paused service, the outbox written with the change."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import trig_codebase as cb
from svc_lifecycle import _stop_services  # noqa: F401

from faas_jupyter.store import events as event_sql
from faas_jupyter.workspace import _firing, _hosts

WAIT = 60.0  # seconds: a correctness bound (the home polls every 25 ms), never a speed claim


@pytest.fixture
def svc(ws, tmp_path):
    return cb.deploy(ws, tmp_path)


def fired(trigger, n: int) -> list:
    """Wait until ``trigger`` made ``n`` executions and they ended; oldest first."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        made = trigger.executions()
        if len(made) >= n and all(ex.done for ex in made):
            return sorted(made, key=lambda ex: int(ex.trigger["eventId"]))
        time.sleep(0.02)
    raise AssertionError(f"{trigger.name} made {len(trigger.executions())} executions, expected {n}")


def settle_home(ws) -> None:
    """Let the home's poll run a few times, then dispatch here too: nothing due stays pending."""
    time.sleep(0.3)
    host = _hosts.host_for(ws.store)
    _firing.fire_tick(host)


def test_item_created_updated_deleted(ws, svc):
    t = svc.triggers.create("on_item", actions=["Created", "Updated", "Deleted"], execution_mode="Always",
                            input={"tag": "t"})
    item = ws.items.log({"a": 1}, key="doc")
    created = fired(t, 1)[0]
    item.metadata["user"] = {"status": "done"}
    item.update()
    updated = fired(t, 2)[1]
    item.delete()
    deleted = fired(t, 3)[2]
    for ex, action in ((created, "Created"), (updated, "Updated"), (deleted, "Deleted")):
        assert ex.status == "success", ex.error
        assert ex.output == {"id": item.id, "tag": "t"}      # the deleted item arrives as it was
        assert ex.input == {"item": item.id, "tag": "t"}
        assert ex.trigger["id"] == t.id and ex.trigger["name"] == t.name
        assert ex.to_json()["trigger"] == ex.trigger
        assert ex._metadata["event"]["action"] == action
    assert ws.triggers.get(t.id).stats.fire_count == 3


@pytest.mark.parametrize("runtime", ["process", "kernel"])
def test_the_function_gets_the_trigger_and_its_event_in_its_context(ws, tmp_path, runtime):
    svc = cb.deploy(ws, tmp_path, name=f"ctx-{runtime}", runtime=runtime)
    t = svc.triggers.create("with_context", actions=["Created"])
    item = ws.items.log({"a": 1}, key="doc")
    ex = fired(t, 1)[0]
    assert ex.status == "success", ex.error
    assert ex.output == {"trigger": t.id, "event": {"resource": "Item", "action": "Created", "resourceId": item.id}}
    direct = svc.execute("with_context", {"item": item.id})  # not triggered: nothing to say
    assert direct.output == {"trigger": None, "event": None}


def test_dataset_created_updated_deleted(ws, svc):
    t = svc.triggers.create("on_dataset", resource="Dataset", actions=["Created", "Updated", "Deleted"],
                            execution_mode="Always")
    ds = ws.datasets.create("raw")
    assert fired(t, 1)[0].output == "raw"
    ds.metadata["owner"] = "me"
    ds.update()
    assert fired(t, 2)[1].output == "raw"
    ws.datasets.delete("raw")
    last = fired(t, 3)[2]
    assert last.status == "success" and last.output == "raw"
    assert [ex._metadata["event"]["action"] for ex in fired(t, 3)] == ["Created", "Updated", "Deleted"]


def test_annotation_created_updated_deleted(ws, svc):
    t = svc.triggers.create("on_annotation", resource="Annotation", actions=["Created", "Updated", "Deleted"],
                            execution_mode="Always")
    item = ws.items.log(1, key="img")
    note = item.annotations.add({"label": "cat"})
    assert fired(t, 1)[0].output == note.id
    note.update({"label": "dog"})
    assert fired(t, 2)[1].output == note.id
    note.delete()
    made = fired(t, 3)
    assert [ex.status for ex in made] == ["success"] * 3 and made[2].output == note.id


def test_only_the_chosen_actions_fire(ws, svc):
    t = svc.triggers.create("on_item", actions=["Deleted"], execution_mode="Always")
    item = ws.items.log(1, key="x")
    item.update()
    item.delete()
    made = fired(t, 1)
    settle_home(ws)
    assert len(t.executions()) == 1 and made[0]._metadata["event"]["action"] == "Deleted"


def test_filters_match_and_do_not(ws, svc):
    ws.datasets.create("raw")
    ws.datasets.create("other")
    t = svc.triggers.create("on_item", execution_mode="Always", filter={
        "$and": [{"dataset": "raw"}, {"$or": [{"key": {"$in": ["a", "b"]}}, {"metadata.format": {"$exists": True}}]}]})
    hits = [ws.items.log(1, key="a", dataset="raw"), ws.items.log(2, key="b", dataset="raw")]
    ws.items.log(3, key="a", dataset="other")      # wrong dataset
    ws.items.log(4, key="c", dataset="raw")        # wrong key, an inline result has no format
    ws.items.log(5, key="a")                        # no dataset
    made = fired(t, 2)
    settle_home(ws)
    assert sorted(ex.input["item"] for ex in t.executions()) == sorted(i.id for i in hits)
    assert all(ex.status == "success" for ex in made)


def test_updates_filter_on_the_new_state(ws, svc):
    t = svc.triggers.create("on_item", actions=["Updated"], execution_mode="Always",
                            filter={"metadata.user.score": {"$gt": 0.5}})
    item = ws.items.log(1, key="s")
    item.metadata["user"] = {"score": 0.2}
    item.update()
    item.metadata["user"] = {"score": 0.9}
    item.update()
    made = fired(t, 1)
    settle_home(ws)
    assert len(t.executions()) == 1 and made[0].input["item"] == item.id


def test_once_runs_once_per_resource_always_every_time(ws, svc):
    once = svc.triggers.create("on_item", name="once", actions=["Created", "Updated"])
    always = svc.triggers.create("on_item", name="always", actions=["Created", "Updated"], execution_mode="Always")
    a, b = ws.items.log(1, key="a"), ws.items.log(2, key="b")
    for _ in range(2):
        a.update()
    fired(always, 4)
    fired(once, 2)
    settle_home(ws)
    assert sorted(ex.input["item"] for ex in once.executions()) == sorted([a.id, b.id])
    assert len(always.executions()) == 4
    with ws.store.connect() as conn:
        assert event_sql.pending_count(conn, once.id) == 0   # the extra events were marked done


def test_events_and_the_change_are_one_transaction(ws, svc):
    t = svc.triggers.create("on_item")
    svc.pause()  # keeps the events pending, so the outbox can be read
    item = ws.items.log(1, key="k")
    with ws.store.connect() as conn:
        assert event_sql.pending_count(conn, t.id) == 1

    class Boom(Exception):
        pass

    def fail_after(conn):
        from faas_jupyter.store.schema import items
        from faas_jupyter.workspace import _changes
        conn.execute(items.delete().where(items.c.id == item.id))
        _changes.record(conn, ws, "Item", "Deleted", [item])
        raise Boom()
    with pytest.raises(Boom):
        ws.store.write(fail_after)
    with ws.store.connect() as conn:
        assert event_sql.pending_count(conn, t.id) == 1   # the rolled-back delete left no event
    assert ws.items.get(item.id).id == item.id


def test_paused_service_keeps_events_until_resume(ws, svc):
    t = svc.triggers.create("on_item", execution_mode="Always")
    svc.pause()
    item = ws.items.log(1, key="p")
    settle_home(ws)
    assert t.executions() == []
    with ws.store.connect() as conn:
        assert event_sql.pending_count(conn, t.id) == 1
    svc.resume()
    svc.execute("tick", {})  # the home runs the service again
    made = fired(t, 1)
    assert made[0].input["item"] == item.id and made[0].status == "success"


def test_inactive_trigger_records_nothing(ws, svc):
    t = svc.triggers.create("on_item", execution_mode="Always")
    t.deactivate()
    ws.items.log(1, key="q")
    with ws.store.connect() as conn:
        assert event_sql.pending_count(conn, t.id) == 0
    t.activate()
    second = ws.items.log(2, key="r")
    made = fired(t, 1)
    settle_home(ws)
    assert [ex.input["item"] for ex in t.executions()] == [second.id] and made


def test_execution_outputs_make_no_events(ws, svc):
    t = svc.triggers.create("on_item", execution_mode="Always")
    ex = svc.execute("frame", {"n": 3})  # its output is stored as an item; triggers must not loop on it
    assert ex.status == "success" and [i.key for i in ex.output_items()] == ["output"]
    settle_home(ws)
    assert t.executions() == []


def test_gc_forgets_dispatched_events_but_not_pending_ones(ws, svc):
    t = svc.triggers.create("on_item", execution_mode="Always")
    ws.items.log(1, key="g")
    fired(t, 1)
    svc.pause()
    ws.items.log(2, key="h")          # stays pending while paused
    assert ws.gc(min_age=0, dry_run=True, quiet=True).trigger_events == 1
    report = ws.gc(min_age=0, quiet=True)
    assert report.trigger_events == 1 and "1 dispatched trigger event(s)" in report.summary()
    with ws.store.connect() as conn:
        assert event_sql.pending_count(conn, t.id) == 1
    assert t.executions()[0].trigger["eventId"]      # the execution keeps its event id


def test_a_revision_without_the_function_fails_its_executions_and_fires_on(ws, svc, tmp_path):
    t = svc.triggers.create("on_item", execution_mode="Always")
    src = cb.write(tmp_path / "v2")
    (src / "main.py").write_text(cb.MAIN.replace("def on_item(", "def renamed("))
    ws.packages.push(src_path=str(src), package_name="trigpkg")
    svc.update(revision="1.0.1", quiet=True)
    ws.items.log(1, key="v2")
    made = fired(t, 1)
    assert made[0].status == "failed" and "on_item" in made[0].error
    ws.items.log(2, key="v2b")                     # the trigger keeps firing (and failing), nothing stuck
    assert len(fired(t, 2)) == 2 and ws.triggers.get(t.id).stats.failure_count == 2
