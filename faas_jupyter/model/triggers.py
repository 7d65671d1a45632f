"""``Trigger``: a function of a service run by itself, on a resource event or on a schedule.

Dataloop's JSON shape (``entities/trigger.py``): ``{id, name, active, type, projectId, spec}``
where an ``Event`` trigger's spec is ``{filter, resource, actions, executionMode, input,
operation}`` and a ``Cron`` trigger's is ``{cron, startAt, endAt, input, catchUp, operation}``;
``operation`` is ``{type: "function", serviceName, functionName}``. We add ``stats``
(``lastFiredAt``, ``nextFireAt``, ``fireCount``, ``failureCount``) and the usual
``creator``/``createdAt``/``updatedAt``. The filter language is ``trigger_filter``'s; cron
specs are ``cron``'s. ``from_json`` checks everything and names the JSON path of a bad value.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..errors import ValidationError
from . import _json as J
from .cron import CronSpec, parse_cron
from .trigger_filter import check_filter

TYPES = ("Event", "Cron")
RESOURCES = ("Item", "Dataset", "Annotation")
ACTIONS = ("Created", "Updated", "Deleted")
EXECUTION_MODES = ("Once", "Always")
CATCH_UP = ("one", "none")


@dataclass(eq=True)
class TriggerStats:
    """What a trigger did: last and next fire (cron), how many executions it made and how
    many of those failed."""

    last_fired_at: str | None = None
    next_fire_at: str | None = None
    fire_count: int = 0
    failure_count: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"lastFiredAt": self.last_fired_at, "nextFireAt": self.next_fire_at,
                "fireCount": self.fire_count, "failureCount": self.failure_count}


@dataclass(eq=True)
class Trigger:
    name: str
    service: str
    function: str = "run"
    type: str = "Event"
    resource: str = "Item"
    actions: list[str] = field(default_factory=lambda: ["Created"])
    filter: dict[str, Any] = field(default_factory=dict)
    execution_mode: str = "Once"
    cron: str | None = None
    start_at: str | None = None
    end_at: str | None = None
    catch_up: str = "one"
    input: dict[str, Any] = field(default_factory=dict)
    active: bool = True
    id: str | None = None
    project: str | None = None
    creator: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    stats: TriggerStats = field(default_factory=TriggerStats, compare=False)

    def __post_init__(self) -> None:
        J.check_name(self.name, "trigger")
        J.check_name(self.service, "service", "spec.operation.serviceName")
        J.check_identifier(self.function, "function", "spec.operation.functionName")
        _choice(self.type, TYPES, "type")
        J.expect(self.input, dict, "spec.input", "an object of input values")
        J.expect(self.active, bool, "active", "a boolean")
        if self.type == "Cron":
            self._check_cron()
        else:
            self._check_event()

    def _check_event(self) -> None:
        _choice(self.resource, RESOURCES, "spec.resource")
        J.expect(self.actions, list, "spec.actions", "a list of actions")
        if not self.actions:
            raise ValidationError(f"actions is empty; use some of {', '.join(ACTIONS)}", "spec.actions")
        for i, action in enumerate(self.actions):
            _choice(action, ACTIONS, f"spec.actions[{i}]")
        _choice(self.execution_mode, EXECUTION_MODES, "spec.executionMode")
        check_filter(self.filter, "spec.filter")
        if self.cron is not None:
            raise ValidationError("an Event trigger has no cron; use type='Cron' for a schedule", "spec.cron")

    def _check_cron(self) -> None:
        if self.cron is None:
            raise ValidationError("a Cron trigger needs a cron spec such as '*/5 * * * *'", "spec.cron")
        parse_cron(self.cron, "spec.cron")
        _choice(self.catch_up, CATCH_UP, "spec.catchUp")
        for key, value in (("spec.startAt", self.start_at), ("spec.endAt", self.end_at)):
            _check_time(value, key)
        if self.start_at and self.end_at and _time(self.end_at) <= _time(self.start_at):
            raise ValidationError(f"endAt {self.end_at!r} is not after startAt {self.start_at!r}", "spec.endAt")

    @property
    def schedule(self) -> CronSpec:
        """The parsed cron spec (Cron triggers only)."""
        return parse_cron(self.cron, "spec.cron")

    def next_fire(self, after: datetime) -> datetime | None:
        """The first due time strictly after ``after`` within startAt/endAt, or None (ended)."""
        start = _time(self.start_at) if self.start_at else None
        if start is not None and after < start:
            due = start if self._fires_at(start) else self.schedule.next_after(start)
        else:
            due = self.schedule.next_after(after)
        if self.end_at and due > _time(self.end_at):
            return None
        return due

    def _fires_at(self, moment: datetime) -> bool:
        return self.schedule.next_after(moment - _SECOND) == moment

    def to_json(self) -> dict[str, Any]:
        operation = {"type": "function", "serviceName": self.service, "functionName": self.function}
        if self.type == "Cron":
            spec: dict[str, Any] = {"cron": self.cron, "startAt": self.start_at, "endAt": self.end_at,
                                    "input": dict(self.input), "catchUp": self.catch_up,
                                    "operation": operation}
        else:
            spec = {"filter": dict(self.filter), "resource": self.resource, "actions": list(self.actions),
                    "executionMode": self.execution_mode, "input": dict(self.input), "operation": operation}
        return {"id": self.id, "name": self.name, "active": self.active, "type": self.type,
                "projectId": self.project, "creator": self.creator, "createdAt": self.created_at,
                "updatedAt": self.updated_at, "spec": spec, "stats": self.stats.to_json()}

    @classmethod
    def from_json(cls, d: Any) -> Trigger:
        """Build and validate; ``spec.operation`` names the service and function."""
        d = J.expect_object(d)
        spec = J.expect_object(d.get("spec", {}), "spec")
        operation = J.expect_object(spec.get("operation", {}), "spec.operation")
        kind = d.get("type") or ("Cron" if "cron" in spec else "Event")
        service = operation.get("serviceName") or operation.get("serviceId")
        if service is None:
            raise ValidationError("missing the service: set spec.operation.serviceName", "spec.operation.serviceName")
        kwargs: dict[str, Any] = {"name": d.get("name") or service, "service": service,
                                  "function": operation.get("functionName", "run"), "type": kind,
                                  "input": {} if spec.get("input") is None else spec["input"], "active": d.get("active", True),
                                  "id": d.get("id"), "project": d.get("projectId"), "creator": d.get("creator"),
                                  "created_at": d.get("createdAt"), "updated_at": d.get("updatedAt")}
        if kind == "Cron":
            kwargs.update(cron=spec.get("cron"), start_at=spec.get("startAt"), end_at=spec.get("endAt"),
                          catch_up=spec.get("catchUp", "one"))
        else:
            kwargs.update(resource=spec.get("resource", "Item"), actions=spec.get("actions", ["Created"]),
                          filter={} if spec.get("filter") is None else spec["filter"], execution_mode=spec.get("executionMode", "Once"))
        trigger = cls(**kwargs)
        trigger.stats = _stats(d.get("stats") or {})
        return trigger


_SECOND = timedelta(seconds=1)


def _stats(d: Any) -> TriggerStats:
    d = J.expect_object(d, "stats")
    return TriggerStats(d.get("lastFiredAt"), d.get("nextFireAt"), int(d.get("fireCount") or 0),
                        int(d.get("failureCount") or 0))


def _choice(value: Any, choices: tuple[str, ...], path: str) -> None:
    if value not in choices:
        what = path.rsplit(".", 1)[-1].split("[")[0]
        raise ValidationError(f"invalid {what} {value!r}; use one of: {', '.join(choices)}", path)


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _check_time(value: Any, path: str) -> None:
    if value is None:
        return
    J.expect(value, str, path, "an ISO-8601 time such as '2026-01-01T00:00:00+00:00'")
    try:
        moment = _time(value)
    except ValueError:
        raise ValidationError(f"invalid time {value!r}; use ISO-8601 such as "
                              "'2026-01-01T00:00:00+00:00'", path) from None
    if moment.tzinfo is None:
        raise ValidationError(f"time {value!r} has no timezone; add '+00:00' (UTC)", path)
