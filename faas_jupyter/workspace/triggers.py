"""Triggers: ``svc.triggers.create/list``, ``ws.triggers.list/get`` and the bound ``Trigger``.

A trigger runs one function of a service by itself: on item/dataset/annotation events
(``type="Event"``) or on a schedule (``type="Cron"``). How they fire is
``workspace/_firing.py``; the rules are in the README ("Triggers").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from faas_jupyter.errors import Conflict, NotFound, ValidationError
from faas_jupyter.model.clock import iso_at, now
from faas_jupyter.model.triggers import Trigger as TriggerModel
from faas_jupyter.model.triggers import TriggerStats
from faas_jupyter.store import triggers as sql
from faas_jupyter.store.db import new_id
from faas_jupyter.workspace import _runtime_bridge as bridge

UPDATABLE = ("name", "function", "resource", "actions", "filter", "execution_mode", "cron", "start_at",
             "end_at", "input", "catch_up", "active")
TRIGGERED_RUNTIMES = ("kernel", "process")  # runtimes with a home that dispatches (not dask)


@dataclass(eq=True)
class Trigger(TriggerModel):
    """A stored trigger: ``update``, ``activate``, ``deactivate``, ``delete``, ``executions``."""

    _ws: Any = field(default=None, repr=False, compare=False)

    def update(self, **changes: Any) -> Trigger:
        """Change the given fields (``filter=``, ``cron=``, ``input=``, ``active=`` ...)."""
        unknown = sorted(set(changes) - set(UPDATABLE))
        if unknown:
            raise ValidationError(f"cannot update {', '.join(unknown)} of trigger {self.name!r}; "
                                  f"updatable: {', '.join(UPDATABLE)}")
        fresh = _write_update(self._ws, self, changes)
        self.__dict__.update({k: v for k, v in fresh.__dict__.items()})
        return self

    def activate(self) -> Trigger:
        return self.update(active=True)

    def deactivate(self) -> Trigger:
        return self.update(active=False)

    def delete(self) -> None:
        """Remove the trigger; its executions stay (and keep ``ex.trigger``)."""
        def fn(conn: Any) -> None:
            self._ws.check_role(conn, f"delete trigger {self.name!r}")
            if not sql.delete_trigger(conn, self.id):
                raise NotFound(f"trigger {self.name!r} was deleted already")
        self._ws.store.write(fn)

    def executions(self, limit: int = 50) -> list:
        """The newest executions this trigger made."""
        with self._ws.store.connect() as conn:
            ids = sql.execution_ids(conn, self.id, limit)
        return self._ws.executions.current(ids)

    def refresh(self) -> Trigger:
        fresh = self._ws.triggers.get(self.id)
        self.__dict__.update(fresh.__dict__)
        return self

    def __repr__(self) -> str:
        what = f"cron {self.cron!r}" if self.type == "Cron" else f"{self.resource} {'/'.join(self.actions)}"
        state = "" if self.active else ", inactive"
        return f"<Trigger {self.name!r}: {what} -> {self.service}.{self.function}{state}>"


def bind(ws: Any, row: dict, stats: dict | None = None) -> Trigger:
    """A stored row (joined with its service's name) as a bound Trigger."""
    spec = dict(row["spec"])
    spec["operation"] = {"type": "function", "serviceName": row["service_name"],
                         "functionName": row["function_name"]}
    d = {"id": row["id"], "name": row["name"], "active": bool(row["active"]), "type": row["type"],
         "projectId": ws.project.id, "creator": row["creator"], "createdAt": row["created_at"],
         "updatedAt": row["updated_at"], "spec": spec}
    base = TriggerModel.from_json(d)
    counts = stats or {}
    base.stats = TriggerStats(counts.get("last_fired_at"), row.get("next_fire_at"),
                              counts.get("fire_count", 0), counts.get("failure_count", 0))
    return Trigger(**{f: getattr(base, f) for f in base.__dataclass_fields__}, _ws=ws)


def stored_spec(trigger: TriggerModel) -> dict[str, Any]:
    """The spec column: the trigger's JSON spec without the operation (columns hold that)."""
    return {k: v for k, v in trigger.to_json()["spec"].items() if k != "operation"}


def _columns(trigger: TriggerModel) -> dict:
    event = trigger.type == "Event"
    return {"name": trigger.name, "function_name": trigger.function, "type": trigger.type,
            "resource": trigger.resource if event else None,
            "actions": "," + ",".join(trigger.actions) + "," if event else None,
            "spec": stored_spec(trigger), "active": trigger.active,
            "next_fire_at": first_due(trigger)}


def first_due(trigger: TriggerModel, after: datetime | None = None) -> str | None:
    """A cron trigger's next due time after now (or ``after``), ISO text; None for events."""
    if trigger.type != "Cron" or not trigger.active:
        return None
    due = trigger.next_fire(after or datetime.now(timezone.utc))
    return iso_at(due) if due else None


def check_function(ws: Any, svc: Any, trigger: TriggerModel) -> None:
    """The function exists, takes the resource in exactly one input of its type (events), and
    every other input without a default is given in ``input``."""
    if svc.runtime not in TRIGGERED_RUNTIMES:
        raise ValidationError(f"service {svc.name!r} runs on {svc.runtime!r}; triggers fire on services "
                              f"with a home ({', '.join(TRIGGERED_RUNTIMES)}): deploy one with "
                              "runtime='process'", "spec.operation.serviceName")
    target = ws.packages.get(svc.package, version=svc.revision)
    function = target.module(svc.module_name).function(trigger.function)  # NotFound lists them
    given = set(trigger.input)
    if trigger.type == "Event":
        takers = [io.name for io in function.input if str(io.type) == trigger.resource]
        if len(takers) != 1:
            found = f"it has {len(takers)} ({', '.join(takers)})" if takers else "it has none"
            raise ValidationError(
                f"function {trigger.function!r} of service {svc.name!r} must have exactly one "
                f"input of type {trigger.resource!r} to receive the {trigger.resource.lower()}; "
                f"{found}; add a parameter such as `{trigger.resource.lower()}: dl.{trigger.resource}` "
                "or pick another function", "spec.operation.functionName")
        given.add(takers[0])
    missing = [io.name for io in function.input if io.name not in given and not io.has_default]
    if missing:
        raise ValidationError(f"function {trigger.function!r} needs input {', '.join(map(repr, missing))} "
                              f"that the trigger does not give; pass input={{{missing[0]!r}: ...}}",
                              "spec.input")


def _write_update(ws: Any, old: Trigger, changes: dict) -> Trigger:
    base = {f: getattr(old, f) for f in TriggerModel.__dataclass_fields__ if f != "stats"}
    if "cron" in changes and changes["cron"] is not None:
        base["type"] = "Cron"
    new = TriggerModel(**{**base, **changes})
    svc = ws.services.get(old.service)
    check_function(ws, svc, new)
    values = {**_columns(new), "updated_at": now()}
    if new.type == "Cron" and old.active and new.active and (new.cron, new.start_at) == (old.cron, old.start_at):
        values.pop("next_fire_at")  # same schedule: keep the due time (and a pending catch-up)

    def fn(conn: Any) -> None:
        ws.check_role(conn, f"update trigger {old.name!r}")
        if not sql.update_trigger(conn, old.id, **values):
            raise NotFound(f"trigger {old.name!r} was deleted (in this or another process)")
    _write(ws, fn, new.name)
    return ws.triggers.get(old.id)


def _write(ws: Any, fn: Any, name: str) -> None:
    try:
        ws.store.write(fn)
    except Conflict:
        raise Conflict(f"a trigger named {name!r} exists already in project {ws.project.name!r}; "
                       "pass another name=") from None


class ServiceTriggers:
    """``svc.triggers``: create and list the triggers of one service."""

    def __init__(self, svc: Any) -> None:
        self._svc, self._ws = svc, svc.workspace

    def create(self, function: str = "run", *, name: str | None = None, type: str | None = None,
               resource: str = "Item", actions: Any = ("Created",), filter: dict | None = None,
               execution_mode: str = "Once", cron: str | None = None, start_at: str | None = None,
               end_at: str | None = None, input: dict | None = None, catch_up: str = "one",
               active: bool = True) -> Trigger:
        """A new trigger of this service (``type`` is "Cron" when ``cron`` is given, else "Event")."""
        svc, ws = self._svc, self._ws
        kind = type or ("Cron" if cron is not None else "Event")
        actions = [actions] if isinstance(actions, str) else list(actions)
        trigger = TriggerModel(name=name or svc.name, service=svc.name, function=function, type=kind,
                               resource=resource, actions=actions, filter=dict(filter or {}),
                               execution_mode=execution_mode, cron=cron, start_at=start_at, end_at=end_at,
                               input=dict(input or {}), catch_up=catch_up, active=active)
        check_function(ws, svc, trigger)
        stamp, trigger_id = now(), new_id()
        row = {"id": trigger_id, "project_id": ws.project.id, "service_id": svc.id, **_columns(trigger),
               "created_at": stamp, "updated_at": stamp, "creator": ws.user}

        def fn(conn: Any) -> None:
            ws.check_role(conn, f"create a trigger on service {svc.name!r}")
            if sql.get_trigger(conn, ws.project.id, trigger.name) is not None:
                raise Conflict(f"a trigger named {trigger.name!r} exists already in project "
                               f"{ws.project.name!r}; pass another name= (or update that one)")
            sql.insert_trigger(conn, row)
        _write(ws, fn, trigger.name)
        return ws.triggers.get(trigger_id)

    def list(self) -> list[Trigger]:
        return self._ws.triggers.list(service=self._svc)

    def __iter__(self) -> Any:
        return iter(self.list())


class Triggers:
    """``ws.triggers``: the triggers of the current project."""

    def __init__(self, ws: Any) -> None:
        self._ws = ws

    def get(self, name_or_id: str) -> Trigger:
        """A trigger by name or id."""
        bridge.recorder_for(self._ws.store).flush()  # its stats count this process's ended executions too
        with self._ws.store.connect() as conn:
            self._ws.check_member(f"read trigger {name_or_id!r}", conn)
            row = sql.get_trigger(conn, self._ws.project.id, name_or_id)
            stats = sql.stats(conn, [row["id"]]) if row else {}
        if row is None:
            names = ", ".join(t.name for t in self.list()) or "none"
            raise NotFound(f"no trigger {name_or_id!r} in project {self._ws.project.name!r}; "
                           f"triggers: {names}; create one with svc.triggers.create(...)")
        return bind(self._ws, row, stats.get(row["id"]))

    def list(self, service: Any = None, limit: int = 50, offset: int = 0) -> list[Trigger]:
        """Triggers by name (of one service when given: a name or a Service)."""
        bridge.recorder_for(self._ws.store).flush()  # as ws.executions.list: stats include what ended here
        with self._ws.store.connect() as conn:
            self._ws.check_member("list triggers", conn)
            service_id = None
            if service is not None:
                name = service if isinstance(service, str) else service.name
                service_id = sql.service_id_of(conn, self._ws.project.id, name)
                if service_id is None:
                    raise NotFound(f"no service {name!r} in project {self._ws.project.name!r}; see ws.services.list()")
            rows = sql.list_triggers(conn, self._ws.project.id, service_id, limit, offset)
            stats = sql.stats(conn, [r["id"] for r in rows])
        return [bind(self._ws, r, stats.get(r["id"])) for r in rows]

    def __iter__(self) -> Any:
        return iter(self.list())


__all__ = ["ServiceTriggers", "Trigger", "Triggers", "bind"]
