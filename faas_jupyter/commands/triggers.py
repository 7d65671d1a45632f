"""``triggers`` (alias ``trigger``): create, list, show, activate, deactivate, delete triggers.

One command whose first word is the action; without one it creates (``--on``/``--cron`` given)
or lists::

    %faas trigger shop-svc clean --on item:created --filter '{"dataset": "raw"}'
    %faas trigger shop-svc summarise --cron '*/5 * * * *'
    faas triggers create shop-svc clean --on item:created,updated --mode always
    faas triggers ls [SERVICE]   |   show NAME   |   activate NAME   |   deactivate NAME   |   delete NAME
    faas triggers update NAME --filter '{"dataset": "clean"}'   (or --on, --mode, --cron, --input ...)
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from faas_jupyter import _text
from faas_jupyter.commands.base import Args, arg, command
from faas_jupyter.commands.tables import when
from faas_jupyter.errors import ValidationError

if TYPE_CHECKING:
    from faas_jupyter.workspace import Workspace
    from faas_jupyter.workspace.executions import Execution
    from faas_jupyter.workspace.triggers import Trigger

ACTIONS = ("create", "ls", "show", "activate", "deactivate", "delete", "update")
RESOURCES = {"item": "Item", "dataset": "Dataset", "annotation": "Annotation"}
EVENT_ACTIONS = {"created": "Created", "updated": "Updated", "deleted": "Deleted"}
USAGE = ("use: triggers create SERVICE FUNCTION --on item:created | --cron '*/5 * * * *'; "
         "triggers ls [SERVICE]; triggers show|activate|deactivate|delete NAME; "
         "triggers update NAME --filter/--on/--mode/--cron/--input ...")


@dataclass(frozen=True)
class Outcome:
    """What a ``triggers`` command did: the action and the triggers it shows."""

    action: str
    triggers: list[Trigger]
    service: str | None = None
    executions: list[Execution] = field(default_factory=list)


def parse_on(text: str) -> tuple[str, list[str]]:
    """``item:created,updated`` -> ("Item", ["Created", "Updated"])."""
    resource, sep, actions = text.partition(":")
    example = "e.g. --on item:created or --on item:created,updated"
    if resource.strip().lower() not in RESOURCES:
        raise ValidationError(f"--on {text!r}: unknown resource {resource!r}; use "
                              f"{', '.join(RESOURCES)} ({example})", "on")
    words = [a.strip().lower() for a in actions.split(",") if a.strip()] if sep else []
    if not words:
        raise ValidationError(f"--on {text!r} names no action; add one of "
                              f"{', '.join(EVENT_ACTIONS)} after ':' ({example})", "on")
    bad = [w for w in words if w not in EVENT_ACTIONS]
    if bad:
        raise ValidationError(f"--on {text!r}: unknown action {bad[0]!r}; use "
                              f"{', '.join(EVENT_ACTIONS)} ({example})", "on")
    return RESOURCES[resource.strip().lower()], [EVENT_ACTIONS[w] for w in words]


def json_object(text: str | None, flag: str) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{flag} is not valid JSON ({exc.msg} at column {exc.colno}); quote it "
                              f"whole, e.g. {flag} '{{\"dataset\": \"raw\"}}'", flag.lstrip("-")) from None
    if not isinstance(value, dict):
        raise ValidationError(f"{flag} must be a JSON object such as '{{\"dataset\": \"raw\"}}', "
                              f"not {type(value).__name__}", flag.lstrip("-"))
    return value


def _split(args: Args) -> tuple[str, list[str]]:
    """The action and its words; no action word: create when --on/--cron is given, else ls."""
    words = list(args.words)
    if words and words[0] in ACTIONS:
        return words[0], words[1:]
    return ("create" if args.on or args.cron else "ls"), words


def _expect(action: str, words: list[str], low: int, high: int, what: str) -> None:
    if not low <= len(words) <= high:
        raise ValidationError(f"triggers {action} takes {what}, got {len(words)} word(s) "
                              f"{' '.join(words)!r}; {USAGE}")


def create_options(args: Args) -> dict[str, Any]:
    """The keyword arguments of ``svc.triggers.create`` from the flags."""
    if args.on and args.cron:
        raise ValidationError("a trigger fires --on events or on a --cron schedule, not both; "
                              "create two triggers", "cron")
    if not args.on and not args.cron:
        raise ValidationError("say when the trigger fires: --on item:created (an event) or "
                              "--cron '*/5 * * * *' (a schedule)", "on")
    options: dict[str, Any] = {k: v for k, v in (("name", args.name), ("input", json_object(args.input, "--input")))
                               if v is not None}
    if args.cron:
        if args.filter is not None or args.mode:
            raise ValidationError("--filter and --mode are for --on (event) triggers, not --cron", "cron")
        options.update(type="Cron", cron=args.cron, start_at=args.start_at, end_at=args.end_at,
                       catch_up=args.catch_up or "one")
        return options
    if args.start_at or args.end_at or args.catch_up:
        raise ValidationError("--start-at, --end-at and --catch-up are for --cron triggers", "cron")
    resource, actions = parse_on(args.on)
    options.update(type="Event", resource=resource, actions=actions,
                   execution_mode=(args.mode or "once").capitalize(),
                   filter=json_object(args.filter, "--filter") or {})
    return options


def update_options(args: Args) -> dict[str, Any]:
    """The changes ``triggers update`` asks for (``trigger.update`` keywords); none is an error."""
    changes: dict[str, Any] = {}
    if args.on:
        changes["resource"], changes["actions"] = parse_on(args.on)
    for key, value in (("filter", json_object(args.filter, "--filter")), ("input", json_object(args.input, "--input")),
                       ("execution_mode", args.mode and args.mode.capitalize()), ("cron", args.cron),
                       ("start_at", args.start_at), ("end_at", args.end_at), ("catch_up", args.catch_up)):
        if value is not None:
            changes[key] = value
    if not changes:
        raise ValidationError("triggers update: nothing to change; give some of --on, --filter, --mode, "
                              "--cron, --start-at, --end-at, --catch-up, --input")
    return changes


def _create(ws: Workspace, words: list[str], args: Args) -> Outcome:
    _expect("create", words, 2, 2, "SERVICE FUNCTION")
    options = create_options(args)
    service, function = words
    return Outcome("create", [ws.services.get(service).triggers.create(function, **options)], service)


def _act(ws: Workspace, action: str, words: list[str], args: Args) -> Outcome:
    if action == "create":
        return _create(ws, words, args)
    if action == "ls":
        _expect(action, words, 0, 1, "at most a SERVICE")
        service = words[0] if words else None
        return Outcome(action, list(ws.triggers.list(service=service, limit=args.limit)), service)
    _expect(action, words, 1, 1, "a trigger NAME (or id)")
    trigger = ws.triggers.get(words[0])
    if action == "show":
        return Outcome(action, [trigger], executions=list(trigger.executions(limit=args.limit)))
    if action == "update":
        return Outcome(action, [trigger.update(**update_options(args)).refresh()])
    if action == "delete":
        trigger.delete()
    else:
        getattr(trigger, action)()  # activate | deactivate
    return Outcome(action, [trigger])


def what(t: Trigger) -> str:
    """``Item Created/Updated (once)`` or ``cron '*/5 * * * *'``."""
    if t.type == "Cron":
        return f"cron {t.cron!r}"
    return f"{t.resource} {'/'.join(t.actions)} ({t.execution_mode.lower()})"


def _next(t: Trigger) -> str:
    if not t.active:
        return "inactive"
    return when(t.stats.next_fire_at) if t.type == "Cron" else "on event"


TRIGGER_HEADERS = ["trigger", "service", "function", "fires on", "active", "next fire", "last fire",
                   "fires", "failures"]


def trigger_rows(triggers: list[Trigger]) -> list[list[Any]]:
    return [[t.name, t.service, t.function, what(t), "yes" if t.active else "no", _next(t),
             when(t.stats.last_fired_at) or "never", t.stats.fire_count, t.stats.failure_count]
            for t in triggers]


def _detail(out: Outcome) -> str:
    t = out.triggers[0]
    state = "active" if t.active else "inactive"
    lines = [f"trigger {t.name} ({t.id}): {what(t)} -> {t.service}.{t.function}, {state}"]
    if t.type == "Cron":
        window = ", ".join(f"{k} {v}" for k, v in (("from", t.start_at), ("until", t.end_at)) if v)
        lines.append(f"  next fire {_next(t)}; missed runs: {t.catch_up}{'; ' + window if window else ''}")
    elif t.filter:
        lines.append(f"  filter {json.dumps(t.filter)}")
    if t.input:
        lines.append(f"  input {json.dumps(t.input, default=str)}")
    lines.append(f"  fired {t.stats.fire_count} time(s), {t.stats.failure_count} failed, last "
                 f"{when(t.stats.last_fired_at) or 'never'}")
    rows = [[str(e.id)[:8], str(e.status), when(e.created_at), (e.trigger or {}).get("eventId") or ""]
            for e in out.executions]
    lines.append(_text.table(rows, ["execution", "status", "created", "event"], empty="  (no executions yet)"))
    return "\n".join(lines)


def outcome_text(out: Outcome) -> str:
    if out.action == "ls":
        title = f"triggers of {out.service}" if out.service else "triggers"
        return f"{title}\n" + _text.table(trigger_rows(out.triggers), TRIGGER_HEADERS, empty="(no triggers)")
    if out.action == "show":
        return _detail(out)
    t = out.triggers[0]
    if out.action in ("create", "update"):
        verb = "runs" if out.action == "create" else "now runs"
        return f"trigger {t.name}: {what(t)} {verb} {t.service}.{t.function}"
    return f"trigger {t.name} {'deleted' if out.action == 'delete' else out.action + 'd'}"


def outcome_json(out: Outcome) -> Any:
    if out.action == "ls":
        return [t.to_json() for t in out.triggers]
    if out.action == "show":
        return {**out.triggers[0].to_json(), "executions": [e.to_json() for e in out.executions]}
    if out.action == "delete":
        return {"deleted": out.triggers[0].name, "id": out.triggers[0].id}
    return out.triggers[0].to_json()


@command("triggers", arg("words", nargs="*", metavar="ACTION ARGS",
                         help=f"[{', '.join(ACTIONS)}] then SERVICE FUNCTION (create), [SERVICE] (ls) or NAME"),
         arg("--on", metavar="RESOURCE:ACTIONS", help="event trigger: item|dataset|annotation : "
                                                      "created,updated,deleted (e.g. item:created)"),
         arg("--filter", metavar="JSON", help="event trigger: only resources matching this JSON filter"),
         arg("--mode", choices=("once", "always"), help="event trigger: once per resource (default) or always"),
         arg("--cron", metavar="SPEC", help="cron trigger: 5 fields 'minute hour day month weekday' (UTC)"),
         arg("--start-at", metavar="ISO", help="cron trigger: first possible fire (ISO time with zone)"),
         arg("--end-at", metavar="ISO", help="cron trigger: no fire after this (ISO time with zone)"),
         arg("--catch-up", choices=("none", "one"),
             help="cron trigger: missed while down -> fire once on return (one, default) or not (none)"),
         arg("--name", help="trigger name (default the service's)"),
         arg("--input", metavar="JSON", help="the function's other inputs, as a JSON object"),
         arg("--limit", type=int, default=50, help="ls: triggers; show: executions listed (default 50)"),
         aliases=("trigger",), text=outcome_text, json=outcome_json,
         help="event and cron triggers: create SERVICE FUNCTION --on item:created (or --cron SPEC); "
              "ls [SERVICE]; show, activate, deactivate, delete or update NAME")
def triggers(ws: Workspace, args: Args) -> Outcome:
    action, words = _split(args)
    if action not in ("create", "update") and (args.on or args.cron):
        raise ValidationError(f"--on/--cron belong to create and update, not {action}; {USAGE}")
    return _act(ws, action, words, args)
