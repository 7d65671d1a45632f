"""Firing triggers on the home of their service: outbox events and cron due times -> queued
executions, each exactly once.

The home's host thread runs ``fire_tick`` every poll, just before it claims queued
executions (``_queue.claim_tick``), so a fired execution is claimed in the same pass:

* events: one read looks for pending outbox rows of the active triggers of the active
  services homed here; if there are some, one transaction claims a batch (``FOR UPDATE
  SKIP LOCKED`` on PostgreSQL), inserts one ``created`` execution per event (queued: no
  owner) and marks the events done. A host killed mid-batch rolls the whole batch back;
  the next home claims it again. The unique indexes (trigger, event) and, under ``Once``,
  (trigger, resource) refuse a second execution whatever happens.
* cron: one read gives the earliest due time of the cron triggers homed here; when it
  passed, each due trigger's ``next_fire_at`` is advanced by compare-and-set and one
  execution inserted for the due time (event ``cron:<time>``), in one transaction. After an
  outage (several due times passed) ``catchUp: one`` fires once, at the latest due time;
  ``none`` fires only when that latest due time is less than ``GRACE`` ago.

The resource goes to the function's input of the resource's type (its id; a deleted
resource's record as it was, since it cannot be looked up any more); other inputs come
from the trigger's ``input``.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from faas_jupyter.model.clock import iso_at, now
from faas_jupyter.model.jsonable import jsonable
from faas_jupyter.errors import FaasError
from faas_jupyter.model.triggers import Trigger as TriggerModel
from faas_jupyter.runner.adapters import EntityRef
from faas_jupyter.store import events as event_sql
from faas_jupyter.store import executions as exec_sql
from faas_jupyter.store import triggers as trigger_sql
from faas_jupyter.workspace import _runtime_bridge as bridge

BATCH = 64
GRACE = timedelta(seconds=1)   # catchUp "none": a due time this recent still fires
_SCAN = timedelta(days=1)      # how far back an outage's latest due time is searched from


def fire_tick(host: Any) -> None:
    """The home's poll: fire for the active services homed here (before they claim)."""
    homed = [r for r in bridge.running_services() if r.home == host.id and r.active]
    if homed and fire(host, homed):
        host.wake()  # more events may wait beyond this batch


def fire(host: Any, homed: list) -> int:
    """Fire what is due for the services ``homed`` here; returns the executions made."""
    by_id = {r.id: r for r in homed}
    pending, due = event_sql.poll_work_due(host.store, host.id, list(by_id))
    made = 0
    if pending:
        made += host.store.write(lambda conn: dispatch(conn, host.id, by_id))
    if due is not None and due <= now():
        made += fire_crons(host, by_id)
    return made


# -- events ----------------------------------------------------------------------------------
def dispatch(conn: Any, home: str, by_id: dict) -> int:
    """One batch of events -> executions, in the caller's transaction."""
    events = event_sql.claim(conn, home, list(by_id), BATCH)
    if not events:
        return 0
    stamp = now()
    specs = {e["trigger_id"]: e["spec"] for e in events}
    once = [(e["trigger_id"], e["resource_id"]) for e in events
            if specs[e["trigger_id"]].get("executionMode") == "Once"]
    taken = event_sql.once_taken(conn, once)
    rows, done = [], []
    for event in events:
        spec = specs[event["trigger_id"]]
        key = event["resource_id"] if spec.get("executionMode") == "Once" else None
        if key is not None and (event["trigger_id"], key) in taken:
            done.append((event["id"], "once", None))  # this resource fired this trigger before
            continue
        if key is not None:
            taken.add((event["trigger_id"], key))
        row = _event_row(by_id[event["service_id"]], event, spec, key, stamp)
        rows.append(row)
        done.append((event["id"], "fired", row["id"]))
    _insert(conn, rows, stamp)
    event_sql.finish(conn, done, stamp)
    return len(rows)


def _event_row(running: Any, event: dict, spec: dict, once_key: str | None, stamp: str) -> dict:
    name = resource_input(running, event["function_name"], event["resource"])
    inputs = {**(spec.get("input") or {}), name: event["resource_id"]}
    meta: dict[str, Any] = {"trigger": {"id": event["trigger_id"], "name": event["trigger_name"],
                                        "eventId": str(event["id"])},
                            "event": {"resource": event["resource"], "action": event["action"],
                                      "resourceId": event["resource_id"]}}
    record = event["body"].get("record")
    if record is not None:  # Deleted: the record as it was stands in for the lookup
        meta["deleted"] = {"input": name, "type": event["resource"], "record": record}
    return _row(running, event["function_name"], inputs, meta, event["creator"], stamp,
                event["trigger_id"], str(event["id"]), once_key)


def resource_input(running: Any, function_name: str, resource: str) -> str:
    """The function's input of the resource's type (checked when the trigger was made; a later
    revision without the function or the input gets Dataloop's name, and the run says what is
    wrong: one bad trigger never blocks the batch)."""
    try:
        function = running.module.function(function_name)
    except FaasError:  # gone from the running revision: the execution fails saying so, the batch goes on
        return resource.lower()
    names = [io.name for io in function.input if str(io.type) == resource]
    return names[0] if len(names) == 1 else resource.lower()


def _row(running: Any, function_name: str, inputs: dict, meta: dict, creator: str, stamp: str,
         trigger_id: str, event_id: str, once_key: str | None) -> dict:
    row = bridge.new_row(running.ws, running.service, function_name, inputs, owner=None)
    row.update(creator=creator, created_at=stamp, metadata=jsonable(meta, str),
               trigger_id=trigger_id, trigger_event=event_id, trigger_once=once_key)
    return row


def _insert(conn: Any, rows: list[dict], stamp: str) -> None:
    statuses = [{"execution_id": r["id"], "ts": stamp, "kind": "status", "status": "created",
                 "progress": None, "data": None,
                 "message": f"fired by trigger {r['metadata']['trigger']['name']!r}"}
                for r in rows]
    exec_sql.insert_executions(conn, rows)
    exec_sql.add_events(conn, statuses)


def restore_deleted(row: dict, inputs: dict) -> dict:
    """(At the home, before the inputs are looked up) a Deleted event's resource input is its
    record as it was when deleted."""
    deleted = (row.get("metadata") or {}).get("deleted")
    if not deleted:
        return inputs
    return {**inputs, deleted["input"]: EntityRef(deleted["type"], deleted["record"])}


# -- cron ------------------------------------------------------------------------------------
def fire_crons(host: Any, by_id: dict, moment: datetime | None = None) -> int:
    """Fire the cron triggers homed here whose due time has come (``moment``: now)."""
    moment = moment or datetime.now(timezone.utc)
    with host.store.connect() as conn:
        due = trigger_sql.due_crons(conn, host.id, iso_at(moment))
    made = 0
    for row in due:
        running = by_id.get(row["service_id"])
        if running is not None:
            made += host.store.write(lambda conn, running=running, row=row: fire_cron(conn, running, row, moment))
    return made


def fire_cron(conn: Any, running: Any, row: dict, moment: datetime) -> int:
    """Advance one due cron trigger (compare-and-set) and insert its execution, if any."""
    trigger = cron_model(row)
    fire_at, missed, following = plan(trigger, _time(row["next_fire_at"]), moment)
    if not trigger_sql.advance_cron(conn, row["id"], row["next_fire_at"], iso_at(following) if following else None):
        return 0  # another host advanced it first (and fired)
    if fire_at is None:
        return 0
    stamp, event_id = now(), f"cron:{iso_at(fire_at)}"
    meta = {"trigger": {"id": row["id"], "name": row["name"], "eventId": event_id},
            "event": {"resource": "Cron", "action": "Fired", "dueAt": iso_at(fire_at), "missed": missed}}
    _insert(conn, [_row(running, row["function_name"], dict(trigger.input), meta, row["creator"], stamp,
                        row["id"], event_id, None)], stamp)
    return 1


def plan(trigger: TriggerModel, due: datetime, moment: datetime) -> tuple[datetime | None, int, datetime | None]:
    """For a trigger whose stored due time ``due`` is at or before ``moment``: (the due time to
    fire now or None, how many earlier due times passed unfired, the next due time or None
    when the schedule ended). The latest due time passed fires, once however many passed,
    except that under ``catchUp: none`` one more than ``GRACE`` old was missed and is skipped."""
    end = _time(trigger.end_at) if trigger.end_at else None
    latest, passed = latest_due(trigger, due, moment if end is None else min(moment, end))
    following = trigger.next_fire(moment)
    if trigger.catch_up == "none" and moment - latest > GRACE:
        return None, passed, following
    return latest, passed - 1, following


def cron_model(row: dict) -> TriggerModel:
    spec = row["spec"]
    return TriggerModel(name=row["name"], service=row["service_name"], function=row["function_name"],
                        type="Cron", cron=spec["cron"], start_at=spec.get("startAt"), end_at=spec.get("endAt"),
                        catch_up=spec.get("catchUp", "one"), input=spec.get("input") or {})


def latest_due(trigger: TriggerModel, due: datetime, moment: datetime) -> tuple[datetime, int]:
    """(the last due time at or before ``moment``, how many due times passed), starting from
    the stored one ``due``; after a long outage only the last day is walked (and counted)."""
    schedule = trigger.schedule
    latest, passed = due, 1
    if moment - due > _SCAN:  # a long outage: start near the end, not at every missed tick
        candidate = schedule.next_after(moment - _SCAN)
        latest = candidate if candidate <= moment else due
    while True:
        following = schedule.next_after(latest)
        if following > moment:
            return latest, passed
        latest, passed = following, passed + 1


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)
